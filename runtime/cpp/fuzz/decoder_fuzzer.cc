// libFuzzer target over the C++ decoder of boundary data: detail/wire.h's Decoder driven by the codec of
// the generated types of tests/schemas/everything.c2g (every wire type: scalars, strings, bytes, enums,
// optionals, boxes, recursive structs, lists, maps, nesting). Built with clang and
// -fsanitize=fuzzer,address,undefined by scripts/run-sanitizers.sh (step fuzz-decoder); seeds in corpus/.
//
// The first input byte picks the struct to decode, the rest is its encoding. For every input:
//   - decoding stays in bounds and never crashes (ASan/UBSan report otherwise);
//   - a rejected input yields Code::protocol with a message;
//   - an accepted input is a value: it re-encodes, the encoding decodes again, and re-encoding that gives
//     the same bytes (the canonical form; byte comparison rather than operator== so that NaNs compare).
//
// The generated codec functions have internal linkage, so this file includes the generated .cc.
#include "everything.c2g.cc"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

namespace ev = ::everything;
using ::cxx2go::Code;
using ::cxx2go::detail::Decoder;
using ::cxx2go::detail::Encoder;

[[noreturn]] void fuzz_fail(const char* what, const char* type) {
  std::fprintf(stderr, "decoder_fuzzer: %s (type %s)\n", what, type);
  std::abort();
}

template <class T>
std::vector<uint8_t> encode(const T& v, const char* type) {
  Encoder e;
  ev::c2g_encode(e, v);
  if (!e.ok()) fuzz_fail("a decoded value does not encode", type);
  return std::vector<uint8_t>(e.data(), e.data() + e.size());
}

template <class T>
void check(const uint8_t* data, size_t size, const char* type) {
  T v;
  Decoder d(data, size);
  ev::c2g_decode(d, v);
  if (d.remaining() > size) fuzz_fail("the decoder read past its input", type);
  if (!d.finish()) {
    const ::cxx2go::Error err = d.error();
    if (err.code != Code::protocol) fuzz_fail("a rejected input is not Code::protocol", type);
    if (err.message.empty()) fuzz_fail("a rejected input has no message", type);
    return;
  }
  const std::vector<uint8_t> once = encode(v, type);
  T again;
  Decoder d2(once.data(), once.size());
  ev::c2g_decode(d2, again);
  if (!d2.finish()) fuzz_fail("the re-encoding of an accepted value does not decode", type);
  if (encode(again, type) != once) fuzz_fail("re-encoding is not canonical", type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // A heap copy of exactly the input's size, so that ASan sees any read past its end.
  const std::vector<uint8_t> in(data + 1, data + size);
  const uint8_t* p = in.data();
  const size_t n = in.size();
  switch (data[0] % 10) {
    case 0: check<ev::Everything>(p, n, "Everything"); break;
    case 1: check<ev::Scalars>(p, n, "Scalars"); break;
    case 2: check<ev::Keywords>(p, n, "Keywords"); break;
    case 3: check<ev::Tree>(p, n, "Tree"); break;
    case 4: check<ev::Ping>(p, n, "Ping"); break;
    case 5: check<ev::Outer>(p, n, "Outer"); break;
    case 6: check<ev::Optionals>(p, n, "Optionals"); break;
    case 7: check<ev::Lists>(p, n, "Lists"); break;
    case 8: check<ev::Maps>(p, n, "Maps"); break;
    default: check<ev::Empty>(p, n, "Empty"); break;
  }
  return 0;
}
