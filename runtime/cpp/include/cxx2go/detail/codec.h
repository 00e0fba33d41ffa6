// Typed encoding for generated code: c2g_encode / c2g_decode overloads for every C++ representation of
// a schema type, and the glue between typed results and the call machinery (call.h).
//
// Generated code adds c2g_encode / c2g_decode / c2g_min_size overloads for its own structs in the schema's
// namespace and brings these into scope with using-declarations; the templates below find the struct
// overloads through argument-dependent lookup. So all types compose: a map of lists of structs needs no
// generated code beyond the struct's own.
#pragma once

#include <algorithm>
#include <concepts>
#include <functional>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "cxx2go/box.h"
#include "cxx2go/detail/call.h"
#include "cxx2go/detail/wire.h"
#include "cxx2go/error.h"
#include "cxx2go/future.h"

namespace cxx2go::detail {

// ---- minimum encoded sizes (docs/wire-format.md), used to bound counts before allocating ----

constexpr size_t c2g_min_size(const bool*) { return 1; }
constexpr size_t c2g_min_size(const int8_t*) { return 1; }
constexpr size_t c2g_min_size(const uint8_t*) { return 1; }
constexpr size_t c2g_min_size(const int16_t*) { return 2; }
constexpr size_t c2g_min_size(const uint16_t*) { return 2; }
constexpr size_t c2g_min_size(const int32_t*) { return 4; }
constexpr size_t c2g_min_size(const uint32_t*) { return 4; }
constexpr size_t c2g_min_size(const float*) { return 4; }
constexpr size_t c2g_min_size(const int64_t*) { return 8; }
constexpr size_t c2g_min_size(const uint64_t*) { return 8; }
constexpr size_t c2g_min_size(const double*) { return 8; }
constexpr size_t c2g_min_size(const std::string*) { return 4; }
template <class E>
  requires std::is_enum_v<E>
constexpr size_t c2g_min_size(const E*) {
  return 4;
}
template <class T>
constexpr size_t c2g_min_size(const std::vector<T>*) {
  return 4;
}
template <class K, class V>
constexpr size_t c2g_min_size(const std::map<K, V>*) {
  return 4;
}
template <class T>
constexpr size_t c2g_min_size(const std::optional<T>*) {
  return 1;
}
template <class T>
constexpr size_t c2g_min_size(const Box<T>*) {
  return 1;
}

template <class T>
constexpr size_t min_size_of() {
  return c2g_min_size(static_cast<const T*>(nullptr));
}

// ---- encoding ----

inline void c2g_encode(Encoder& e, bool v) { e.boolean(v); }
inline void c2g_encode(Encoder& e, int8_t v) { e.i8(v); }
inline void c2g_encode(Encoder& e, int16_t v) { e.i16(v); }
inline void c2g_encode(Encoder& e, int32_t v) { e.i32(v); }
inline void c2g_encode(Encoder& e, int64_t v) { e.i64(v); }
inline void c2g_encode(Encoder& e, uint8_t v) { e.u8(v); }
inline void c2g_encode(Encoder& e, uint16_t v) { e.u16(v); }
inline void c2g_encode(Encoder& e, uint32_t v) { e.u32(v); }
inline void c2g_encode(Encoder& e, uint64_t v) { e.u64(v); }
inline void c2g_encode(Encoder& e, float v) { e.f32(v); }
inline void c2g_encode(Encoder& e, double v) { e.f64(v); }
inline void c2g_encode(Encoder& e, const std::string& v) { e.str(v); }
// bytes and list<u8> share their representation and their encoding.
inline void c2g_encode(Encoder& e, const std::vector<uint8_t>& v) { e.bytes(v); }
template <class E>
  requires std::is_enum_v<E>
void c2g_encode(Encoder& e, E v) {
  e.i32(static_cast<int32_t>(v));
}
template <class T>
void c2g_encode(Encoder& e, const std::vector<T>& v);
template <class K, class V>
void c2g_encode(Encoder& e, const std::map<K, V>& v);
template <class T>
void c2g_encode(Encoder& e, const std::optional<T>& v);
template <class T>
void c2g_encode(Encoder& e, const Box<T>& v);

template <class T>
void c2g_encode(Encoder& e, const std::vector<T>& v) {
  e.len(v.size());
  if constexpr (std::is_same_v<T, bool>) {
    for (bool x : v) e.boolean(x);  // std::vector<bool> yields proxies, not bool&
  } else {
    for (const T& x : v) c2g_encode(e, x);
  }
}

template <class K, class V>
void c2g_encode(Encoder& e, const std::map<K, V>& v) {
  e.len(v.size());
  for (const auto& [key, value] : v) {
    c2g_encode(e, key);
    c2g_encode(e, value);
  }
}

template <class T>
void c2g_encode(Encoder& e, const std::optional<T>& v) {
  e.present(v.has_value());
  if (v) c2g_encode(e, *v);
}

template <class T>
void c2g_encode(Encoder& e, const Box<T>& v) {
  e.present(v.has_value());
  if (v) c2g_encode(e, *v);
}

// ---- decoding (the decoder's error is sticky: callers check it once, at finish()) ----

inline void c2g_decode(Decoder& d, bool& v) { v = d.boolean(); }
inline void c2g_decode(Decoder& d, int8_t& v) { v = d.i8(); }
inline void c2g_decode(Decoder& d, int16_t& v) { v = d.i16(); }
inline void c2g_decode(Decoder& d, int32_t& v) { v = d.i32(); }
inline void c2g_decode(Decoder& d, int64_t& v) { v = d.i64(); }
inline void c2g_decode(Decoder& d, uint8_t& v) { v = d.u8(); }
inline void c2g_decode(Decoder& d, uint16_t& v) { v = d.u16(); }
inline void c2g_decode(Decoder& d, uint32_t& v) { v = d.u32(); }
inline void c2g_decode(Decoder& d, uint64_t& v) { v = d.u64(); }
inline void c2g_decode(Decoder& d, float& v) { v = d.f32(); }
inline void c2g_decode(Decoder& d, double& v) { v = d.f64(); }
// Inline, unlike Decoder::str(): this is the inner loop of decoding a list of strings. Constructed and
// moved in, not assigned: std::string::assign goes through _M_replace, which must allow for overlap.
inline void c2g_decode(Decoder& d, std::string& v) { v = std::string(d.str_view()); }
inline void c2g_decode(Decoder& d, std::vector<uint8_t>& v) { v = d.bytes(); }
template <class E>
  requires std::is_enum_v<E>
void c2g_decode(Decoder& d, E& v) {
  v = static_cast<E>(d.i32());
}
template <class T>
void c2g_decode(Decoder& d, std::vector<T>& v);
template <class K, class V>
void c2g_decode(Decoder& d, std::map<K, V>& v);
template <class T>
void c2g_decode(Decoder& d, std::optional<T>& v);
template <class T>
void c2g_decode(Decoder& d, Box<T>& v);

// One level of nesting for the duration of the decoding of a container's elements or a box's value
// (Decoder::enter). Only contents count: an empty list or map and an absent box nest nothing, so that a
// value is as deep as its deepest element (docs/wire-format.md).
class NestingGuard {
 public:
  explicit NestingGuard(Decoder& d) noexcept : d_(d), ok_(d.enter()) {}
  NestingGuard(const NestingGuard&) = delete;
  NestingGuard& operator=(const NestingGuard&) = delete;
  ~NestingGuard() { d_.leave(); }
  bool ok() const noexcept { return ok_; }

 private:
  Decoder& d_;
  bool ok_;
};

// The most elements of a list of strings, lists or structs that decoding reserves before it has seen them.
inline constexpr size_t kReservedElements = 64;

template <class T>
void c2g_decode(Decoder& d, std::vector<T>& v) {
  v.clear();
  const size_t count = d.len(min_size_of<T>());
  if (count == 0) return;
  const NestingGuard nesting(d);
  if (!nesting.ok()) return;
  // Reserving all of it is safe only where an element is no bigger than a few times its minimum encoding;
  // for structs a hostile count could otherwise multiply the input size by sizeof(T) before the elements
  // turn out to be missing. Other elements reserve a bounded prefix: short lists (the common case) then
  // grow once instead of log2(count) times.
  if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
    v.reserve(count);
  } else {
    v.reserve(std::min<size_t>(count, kReservedElements));
  }
  for (size_t i = 0; i < count && d.ok(); ++i) {
    if constexpr (std::is_same_v<T, bool>) {
      v.push_back(d.boolean());
    } else if constexpr (std::is_same_v<T, std::string>) {
      v.emplace_back(d.str_view());  // built in place
    } else {
      c2g_decode(d, v.emplace_back());
    }
  }
}

template <class K, class V>
void c2g_decode(Decoder& d, std::map<K, V>& v) {
  v.clear();
  const size_t count = d.len(min_size_of<K>() + min_size_of<V>());
  if (count == 0) return;
  const NestingGuard nesting(d);
  if (!nesting.ok()) return;
  for (size_t i = 0; i < count && d.ok(); ++i) {
    K key{};
    V value{};
    c2g_decode(d, key);
    c2g_decode(d, value);
    if (!d.ok()) return;
    if (!v.emplace(std::move(key), std::move(value)).second) {
      d.fail("duplicate map key");
      return;
    }
  }
}

template <class T>
void c2g_decode(Decoder& d, std::optional<T>& v) {
  if (d.present()) {
    c2g_decode(d, v.emplace());
  } else {
    v.reset();
  }
}

template <class T>
void c2g_decode(Decoder& d, Box<T>& v) {
  v.reset();
  if (!d.present()) return;
  const NestingGuard nesting(d);
  if (nesting.ok()) c2g_decode(d, v.emplace());
}

// ---- owned copies of borrowed arguments ----

// An owned value of a parameter's type from its borrowed form (a view, or a const reference).
template <class T>
  requires std::same_as<T, std::string>
T to_owned(std::string_view v) {
  return T(v);
}
template <class T, class U>
T to_owned(std::span<const U> v) {
  return T(v.begin(), v.end());
}
template <class T>
T to_owned(const T& v) {
  return v;
}

// The owned arguments of a call that has none.
struct NoArguments {};

// ---- results ----

// The typed result of a synchronous call from its reply.
template <class T>
Result<T> decode_result(Result<Reply>&& reply) {
  if (!reply) return reply.error();
  Decoder d(reply->bytes());
  if constexpr (std::is_void_v<T>) {
    if (!d.finish()) return d.error();
    return {};
  } else {
    T value{};
    c2g_decode(d, value);
    if (!d.finish()) return d.error();
    return value;
  }
}

// The DecodeFn of call_go_async: decodes a T (nothing for void); the runtime checks finish() after it.
template <class T>
struct DecodeInto {
  bool operator()(Decoder& d, T& out) const {
    c2g_decode(d, out);
    return d.ok();
  }
};
template <>
struct DecodeInto<void> : DecodeNothing {};

// Answers an incoming call with an implementation's result. Never throws: an encoding failure
// (e.g. a string over 4 GiB, or bad_alloc) becomes the call's error, so a reply always goes out.
template <class T>
void reply_with(IncomingCall& call, Result<T>&& result) noexcept {
  try {
    if (!result) {
      call.fail(result.error());
      return;
    }
    if constexpr (std::is_void_v<T>) {
      call.reply_empty();  // no Encoder to build and destroy
    } else {
      Encoder e;
      c2g_encode(e, *result);
      if (!e.ok()) {
        call.fail(e.error());
        return;
      }
      call.reply(e);
    }
  } catch (...) {
    call.fail(error_from_current_exception());
  }
}

// Answers an incoming call when an asynchronous implementation's future resolves; at once if it already
// has. The continuation keeps the call alive (shared()) until then.
//
// When the Go caller cancels (or the runtime stops), the call is answered `cancelled` and the
// implementation's future is cancelled too, so that a coroutine awaiting further calls sees them cancelled
// (and its this_coroutine::stop_token fire) instead of running on for nobody.
template <class T>
void reply_when_ready(IncomingCall& call, Future<T>&& future) {
  if (future.ready()) {
    reply_with(call, future.get());
    return;
  }
  std::shared_ptr<IncomingCall> owner = call.shared();
  // `replied` is cancelled by the stop callback; cancelling it cancels the implementation's future
  // upstream. The continuation holds the Watch until it runs (or is dropped, when cancelled), so the
  // callback's registration lives exactly as long as an answer may still be needed. ~stop_callback waits
  // for a callback running on another thread, so `replied` outlives any use by it.
  struct Watch {
    Future<void> replied;
    std::optional<std::stop_callback<std::function<void()>>> on_stop;
  };
  auto watch = std::make_shared<Watch>();
  watch->replied = std::move(future).then(
      [owner, watch](Result<T>&& result) { reply_with(*owner, std::move(result)); });
  Watch* raw = watch.get();
  raw->on_stop.emplace(owner->context().stop_token(), std::function<void()>([raw, owner] {
                         owner->fail(Error(Code::cancelled, "the caller cancelled the call"));
                         raw->replied.cancel();
                       }));
}

}  // namespace cxx2go::detail
