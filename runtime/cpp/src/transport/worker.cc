// The worker side of an isolated service (cxx2go/worker.h; docs/isolation.md): the runtime of a process
// whose Go peer is its host, in another process. The host lays out the ring region in a memfd and starts
// this process with three descriptors (CXX2GO_WORKER_FDS=region,doorbell,control):
//   region    the memfd, mapped here; every call in both directions travels over its rings;
//   doorbell  the host's eventfd: written to wake the host's dispatcher (as the in-process ring does);
//   control   one end of a socket pair: the worker writes 'R' once it serves calls, and stops when the host
//             writes 'S' or closes its end (the host's death closes it too).
// The host supervises; the worker trusts it. The Go peer installed here has nothing behind it but the
// rings: what they cannot carry is answered with an error, never dropped.
#include "cxx2go/worker.h"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "../calls/direct_calls.h"
#include "../calls/receive.h"
#include "cxx2go/detail/testing.h"
#include "ring.h"
#include "ring_transport.h"

namespace cxx2go::detail {

// An error message in a reply, as the call layer's write_incoming_error writes one.
void worker_reply_error(cxx2go_reply* reply, Code code, std::string_view message) noexcept {
  write_incoming_error(*reply, Error(code, std::string(message)));
}

// Synchronous calls into Go. In process, the Go handler runs on the calling thread; here it runs in the
// host, so the call goes over the ring like an asynchronous one, under an id of its own (kWorkerSyncBit),
// and the calling thread waits for its completion, which the ring thread hands over
// (worker_take_completion) instead of the call layer.
constexpr uint64_t kWorkerSyncBit = uint64_t{1} << 62;

struct SyncWaiter {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  int32_t code = 0;
  std::vector<uint8_t> payload;
  // Calls the host's handler of this call makes back into this process (CXX2GO_CALL_NESTED), each a copy
  // of its message (the slot's header, then the payload): the waiting thread runs them.
  std::deque<std::vector<uint64_t>> nested;
};

std::mutex g_sync_mu;
std::unordered_map<uint64_t, SyncWaiter*> g_sync_waiters;  // under g_sync_mu
// The ring ids of the synchronous calls whose stop token is watched, by the id the call layer gave them
// (call_go_stoppable): its cancellation (worker_cancel) goes over the ring under the ring id.
std::unordered_map<uint64_t, uint64_t> g_sync_ring_ids;  // under g_sync_mu
std::atomic<uint64_t> g_last_sync_id{0};

bool worker_take_completion(uint64_t call_id, int32_t code, const uint8_t* data, size_t len) noexcept {
  if ((call_id & kWorkerSyncBit) == 0) return false;
  SyncWaiter* waiter = nullptr;
  {
    std::lock_guard lock(g_sync_mu);
    if (auto it = g_sync_waiters.find(call_id); it != g_sync_waiters.end()) {
      waiter = it->second;
      g_sync_waiters.erase(it);
    }
  }
  if (waiter == nullptr) return true;  // nobody waits for it (a bug of the host): dropped
  // Notified under the lock: once the waiter sees `done` it returns, and the waiter (on its stack) is gone.
  std::lock_guard lock(waiter->mu);
  waiter->code = code;
  try {
    waiter->payload.assign(data, data + len);
  } catch (...) {
    waiter->code = CXX2GO_RESOURCE_EXHAUSTED;
  }
  waiter->done = true;
  waiter->cv.notify_one();
  return true;
}

// Hands a nested call to the thread waiting for the call it is nested in. false if that call has ended
// (the nested one then runs as any other), or if there is no memory to copy it.
bool worker_take_nested(const cxx2go_ring_slot& slot, const unsigned char* payload, size_t len) noexcept {
  std::lock_guard lock(g_sync_mu);  // then the waiter's: worker_take_completion unlists it first
  const auto it = g_sync_waiters.find(slot.name);
  if (it == g_sync_waiters.end()) return false;
  SyncWaiter& waiter = *it->second;
  // Noted as in hand now, while the ring thread handles this message: a cancellation it reads next finds
  // the note, and is applied when the waiting thread lists the call (as for a call an executor took).
  if (!note_call_in_hand(slot.call_id)) return false;
  try {
    std::vector<uint64_t> message((CXX2GO_RING_HEADER_SIZE + len + 7) / 8);
    auto* header = reinterpret_cast<cxx2go_ring_slot*>(message.data());
    std::memcpy(header, &slot, CXX2GO_RING_HEADER_SIZE);
    header->flags &= ~CXX2GO_CALL_NESTED;  // run as a call of this thread's, not handed over again
    header->len = static_cast<uint32_t>(len);
    if (len != 0) std::memcpy(reinterpret_cast<unsigned char*>(message.data()) + CXX2GO_RING_HEADER_SIZE, payload, len);
    std::lock_guard waiter_lock(waiter.mu);
    waiter.nested.push_back(std::move(message));
    waiter.cv.notify_one();
  } catch (...) {
    forget_call_in_hand(slot.call_id);
    return false;
  }
  return true;
}

// Runs a nested call (worker_take_nested) on this thread: an executor's thread runs it inline, as in
// process (dispatch_incoming), and its answer goes back over the ring.
void worker_run_nested(std::vector<uint64_t>& message) noexcept {
  auto* header = reinterpret_cast<cxx2go_ring_slot*>(message.data());
  ring_handle(header, reinterpret_cast<const unsigned char*>(message.data()) + CXX2GO_RING_HEADER_SIZE, header->len);
  forget_call_in_hand(header->call_id);  // if never listed
}

// The Go peer of a worker. Asynchronous calls and completions that fit the ring never reach it (the seam
// sends them over the ring); these are the rest.
void worker_invoke(cxx2go_call* call, cxx2go_reply* reply) {
  if (ring_is_current_thread()) {
    // Only the ring thread reads the completion this thread would wait for.
    worker_reply_error(reply, Code::failed_precondition,
                       "a synchronous call into Go from an @inline or @direct method of an isolated worker would wait for "
                       "itself: call it from a method that runs on an executor, or call its _async form");
    return;
  }
  SyncWaiter waiter;
  const uint64_t id = (g_last_sync_id.fetch_add(1, std::memory_order_relaxed) + 1) % kWorkerSyncBit |
                      kWorkerSyncBit | kRingCallBit;
  cxx2go_call sent = *call;
  sent.call_id = id;
  const uint64_t stoppable_id = call->call_id;  // nonzero: the caller's stop token may cancel the call
  struct Unlist {
    uint64_t id, stoppable_id;
    ~Unlist() {
      std::lock_guard lock(g_sync_mu);
      g_sync_waiters.erase(id);
      if (stoppable_id != 0) g_sync_ring_ids.erase(stoppable_id);
    }
  };
  try {
    std::lock_guard lock(g_sync_mu);
    g_sync_waiters.emplace(id, &waiter);
    if (stoppable_id != 0) g_sync_ring_ids.emplace(stoppable_id, id);
  } catch (...) {
    std::lock_guard lock(g_sync_mu);
    g_sync_waiters.erase(id);
    worker_reply_error(reply, Code::resource_exhausted, "out of memory");
    return;
  }
  const Unlist unlist{id, stoppable_id};
  if (!ring_send_call(sent, false)) {
    worker_reply_error(reply, Code::resource_exhausted,
                       "cannot send " + std::string(call->method_name ? call->method_name : "a call") +
                           " to the host: its arguments do not fit the ring (" +
                           std::to_string(ring_max_call_payload()) + " bytes), or the host is detached");
    return;
  }
  // The host lists the call before it reads a cancellation behind it in the ring: the token may be watched
  // now (in process, Go tells the caller when, cxx2go_cpp_sync_listed).
  if (stoppable_id != 0) cxx2go_cpp_sync_listed(stoppable_id);
  // No timeout: the host's handler has the call's deadline, and a host that goes away takes this process.
  std::unique_lock lock(waiter.mu);
  for (;;) {
    waiter.cv.wait(lock, [&] { return waiter.done || !waiter.nested.empty(); });
    if (waiter.nested.empty()) break;  // done, and nothing more can be handed over (it is unlisted)
    std::vector<uint64_t> message = std::move(waiter.nested.front());
    waiter.nested.pop_front();
    lock.unlock();
    worker_run_nested(message);
    lock.lock();
  }
  reply->code = waiter.code;
  reply->len = waiter.payload.size();
  if (waiter.payload.size() <= CXX2GO_REPLY_INLINE_CAP) {
    reply->where = CXX2GO_REPLY_INLINE;
    if (!waiter.payload.empty()) std::memcpy(reply->inline_buf, waiter.payload.data(), waiter.payload.size());
  } else if ((reply->heap = static_cast<uint8_t*>(std::malloc(waiter.payload.size()))) != nullptr) {
    reply->where = CXX2GO_REPLY_MALLOC;
    std::memcpy(reply->heap, waiter.payload.data(), waiter.payload.size());
  } else {
    worker_reply_error(reply, Code::resource_exhausted, "out of memory for the reply");
  }
}

void worker_submit(cxx2go_call* call) {
  const std::string message = std::string("cannot send ") + (call->method_name ? call->method_name : "a call") +
                              " to the host: its arguments do not fit the ring (" +
                              std::to_string(ring_max_call_payload()) + " bytes), or the host is detached";
  if ((call->flags & CXX2GO_CALL_ONEWAY) != 0) {
    std::fprintf(stderr, "cxx2go worker: dropped oneway call: %s\n", message.c_str());
    return;
  }
  receive_completion(call->call_id, CXX2GO_RESOURCE_EXHAUSTED, reinterpret_cast<const uint8_t*>(message.data()),
                     message.size());
}

// The cancellation of a synchronous call by its caller's stop token (the ring carries the others).
void worker_cancel(uint64_t call_id) {
  uint64_t ring_id = 0;
  {
    std::lock_guard lock(g_sync_mu);
    if (auto it = g_sync_ring_ids.find(call_id); it != g_sync_ring_ids.end()) ring_id = it->second;
  }
  if (ring_id != 0) ring_send_cancel(ring_id);
}

void worker_complete(uint64_t call_id, int32_t code, uint8_t*, size_t len) {
  // Too big for the ring (or the ring is closed, and then this is dropped too): the host still gets an answer.
  const std::string message = "the result (" + std::to_string(len) + " bytes, code " + std::to_string(code) +
                              ") does not fit the ring of an isolated worker (" +
                              std::to_string(ring_max_call_payload()) + " bytes; CXX2GO_RING_SLOTS makes it larger)";
  ring_send_completion(call_id, CXX2GO_RESOURCE_EXHAUSTED, reinterpret_cast<const uint8_t*>(message.data()),
                       message.size());
}

void worker_direct_error(cxx2go_direct_result* result, int32_t code, std::string_view message) noexcept {
  result->code = code;
  result->message = strndup(message.data(), message.size());
  result->message_len = result->message != nullptr ? message.size() : 0;
}

// A list's element views (abi.h) in message form, for the host, which cannot follow them: the count, each
// element's length (4 bytes each, little-endian), then the elements' bytes one after the other.
std::vector<uint8_t> flatten_element_views(const cxx2go_view& list) {
  const auto* elements = static_cast<const cxx2go_view*>(list.data);
  const size_t count = list.len / sizeof(cxx2go_view);
  size_t total = 4 + 4 * count;
  for (size_t i = 0; i < count; ++i) total += elements[i].len;
  std::vector<uint8_t> out;
  out.reserve(total);
  auto put32 = [&out](size_t v) {
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<uint8_t>(v >> shift));
  };
  put32(count);
  for (size_t i = 0; i < count; ++i) put32(elements[i].len);
  for (size_t i = 0; i < count; ++i) {
    const auto* bytes = static_cast<const uint8_t*>(elements[i].data);
    out.insert(out.end(), bytes, bytes + elements[i].len);
  }
  return out;
}

// A @direct call into Go: in process the handler runs on this thread; here it goes to the host in message
// form (CXX2GO_CALL_DIRECT: the words as the arguments, the views as views, element views flattened), as a
// synchronous call, and its result words come back as the answer's payload.
void worker_direct(uint64_t method_id, char* name, uint64_t* words, cxx2go_view* views, uint32_t nviews,
                   int64_t deadline, cxx2go_direct_result* result) {
  // Taken, not read: a call nested in this one, run on this thread, makes its own direct calls.
  const uint32_t elements = std::exchange(t_direct_element_views, 0);
  std::vector<uint8_t> flattened[CXX2GO_DIRECT_VIEWS];
  cxx2go_view sent_views[CXX2GO_DIRECT_VIEWS] = {};
  if (nviews > CXX2GO_DIRECT_VIEWS) {
    worker_direct_error(result, CXX2GO_INVALID_ARGUMENT, "more views than a direct call carries");
    return;
  }
  try {
    for (uint32_t i = 0; i < nviews; ++i) {
      sent_views[i] = views[i];
      if ((elements >> i & 1) != 0) {
        flattened[i] = flatten_element_views(views[i]);
        sent_views[i] = cxx2go_view{flattened[i].data(), flattened[i].size()};
      }
    }
  } catch (...) {
    worker_direct_error(result, CXX2GO_RESOURCE_EXHAUSTED, "out of memory for a @direct call's arguments");
    return;
  }
  cxx2go_call call{};
  call.method_id = method_id;
  call.method_name = name;
  call.deadline_unix_nanos = deadline;
  call.flags = CXX2GO_CALL_DIRECT;
  call.nviews = nviews;
  call.args = reinterpret_cast<const uint8_t*>(words);  // little-endian, as the message wants them
  call.args_len = CXX2GO_DIRECT_WORDS * sizeof(uint64_t);
  call.views = sent_views;
  cxx2go_reply reply{};
  worker_invoke(&call, &reply);
  const uint8_t* data = reply.where == CXX2GO_REPLY_MALLOC ? reply.heap : reply.inline_buf;
  if (reply.code != CXX2GO_OK) {
    worker_direct_error(result, reply.code, std::string_view(reinterpret_cast<const char*>(data), reply.len));
  } else if (reply.len != sizeof result->words) {
    worker_direct_error(result, CXX2GO_PROTOCOL, "the host answered a @direct call with a result of " +
                                                     std::to_string(reply.len) + " bytes");
  } else {
    std::memcpy(result->words, data, sizeof result->words);
    result->code = CXX2GO_OK;
  }
  if (reply.where == CXX2GO_REPLY_MALLOC) std::free(reply.heap);
}

struct WorkerFds {
  int region = -1, doorbell = -1, control = -1;
};

bool parse_worker_fds(const char* text, WorkerFds& fds) {
  return text != nullptr && std::sscanf(text, "%d,%d,%d", &fds.region, &fds.doorbell, &fds.control) == 3 &&
         fds.region >= 0 && fds.doorbell >= 0 && fds.control >= 0;
}

// Maps the host's region and checks that its layout stays inside it.
void* map_worker_region(int fd, size_t& size, std::string& why) {
  struct stat st {};
  if (fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(sizeof(cxx2go_ring_region))) {
    why = "the region descriptor is not a ring region";
    return nullptr;
  }
  size = static_cast<size_t>(st.st_size);
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    why = std::string("cannot map the region: ") + std::strerror(errno);
    return nullptr;
  }
  const auto* region = static_cast<const cxx2go_ring_region*>(p);
  auto ring_fits = [&](const cxx2go_ring& r) {
    return r.capacity >= 2 && (r.capacity & (r.capacity - 1)) == 0 && r.capacity <= (uint64_t{1} << 20) &&
           r.slots >= sizeof(cxx2go_ring_region) && r.slots % 64 == 0 && r.slots <= size &&
           r.capacity * CXX2GO_RING_SLOT_SIZE <= size - r.slots;
  };
  if (region->magic != CXX2GO_RING_MAGIC || region->version != CXX2GO_RING_VERSION || region->size != size ||
      !ring_fits(region->to_go) || !ring_fits(region->to_cpp)) {
    munmap(p, size);
    why = "the region's layout is not this runtime's (a host of another cxx2go version?)";
    return nullptr;
  }
  return p;
}

// Applies the host's limits (CXX2GO_WORKER_LIMITS: "as=N,cpu=S,nofile=N,nonewprivs=1", each optional).
bool apply_worker_limits(const char* text, std::string& why) {
  std::string_view rest = text != nullptr ? text : "";
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string item(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const unsigned long long value = eq == std::string::npos ? 0 : std::strtoull(item.c_str() + eq + 1, nullptr, 10);
    int resource = -1;
    if (key == "as") {
      resource = RLIMIT_AS;
    } else if (key == "cpu") {
      resource = RLIMIT_CPU;
    } else if (key == "nofile") {
      resource = RLIMIT_NOFILE;
    } else if (key == "nonewprivs") {
      if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        why = std::string("PR_SET_NO_NEW_PRIVS: ") + std::strerror(errno);
        return false;
      }
      continue;
    } else {
      why = "unknown limit '" + key + "'";
      return false;
    }
    const rlimit limit{value, value};
    if (setrlimit(resource, &limit) != 0) {
      why = "setrlimit(" + key + "=" + std::to_string(value) + "): " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

WorkerSandbox g_worker_sandbox = nullptr;

// Waits for the host's stop request ('S') or for its end of the control socket to close.
void wait_for_host(int control) {
  for (;;) {
    pollfd pfd{control, POLLIN, 0};
    const int n = poll(&pfd, 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    char byte = 0;
    const ssize_t got = read(control, &byte, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || byte == 'S') return;
  }
}

}  // namespace cxx2go::detail

namespace cxx2go {

void set_worker_sandbox(WorkerSandbox sandbox) noexcept { detail::g_worker_sandbox = sandbox; }

int run_worker(RuntimeOptions options) {
  using namespace detail;
  detail::WorkerFds fds;
  if (!parse_worker_fds(std::getenv("CXX2GO_WORKER_FDS"), fds)) {
    std::fprintf(stderr,
                 "cxx2go: run_worker: this program is the worker process of an isolated service, which its Go host "
                 "starts (docs/isolation.md); CXX2GO_WORKER_FDS is not set\n");
    return 2;
  }
  // Die with the host, even if it is killed before it can close the control socket.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (const char* parent = std::getenv("CXX2GO_WORKER_PARENT"); parent != nullptr && std::atol(parent) != getppid()) {
    std::fprintf(stderr, "cxx2go: run_worker: the host (pid %s) exited before the worker started\n", parent);
    return 1;
  }
  std::string why;
  if (!apply_worker_limits(std::getenv("CXX2GO_WORKER_LIMITS"), why)) {
    std::fprintf(stderr, "cxx2go: run_worker: %s\n", why.c_str());
    return 1;
  }
  const char* sandbox_policy = std::getenv("CXX2GO_WORKER_SECCOMP");
  if (sandbox_policy != nullptr && g_worker_sandbox == nullptr) {
    std::fprintf(stderr, "cxx2go: run_worker: the host asks for a seccomp sandbox, and this worker has none: link "
                         "it with cxx2go's and call cxx2go::use_seccomp_sandbox() (cxx2go/seccomp.h)\n");
    return 1;
  }
  size_t size = 0;
  void* region = map_worker_region(fds.region, size, why);
  close(fds.region);
  if (region == nullptr) {
    std::fprintf(stderr, "cxx2go: run_worker: %s\n", why.c_str());
    return 1;
  }
  cxx2go_go_entry_points peer{};
  peer.abi_version = CXX2GO_ABI_VERSION;
  peer.invoke = &worker_invoke;
  peer.submit = &worker_submit;
  peer.cancel = &worker_cancel;
  peer.complete = &worker_complete;
  peer.direct = &worker_direct;
  install_go_peer(peer);
  ExternalRingHooks hooks;
  hooks.take_completion = &worker_take_completion;
  hooks.take_nested = &worker_take_nested;
  ring_use_external_region(region, size, fds.doorbell, hooks);
  // Before start: every thread the runtime starts inherits the filter, and no call runs unconfined.
  if (sandbox_policy != nullptr) {
    if (const std::string failed = g_worker_sandbox(sandbox_policy); !failed.empty()) {
      std::fprintf(stderr, "cxx2go: run_worker: cannot confine the worker: %s\n", failed.c_str());
      return 1;
    }
  }
  if (Result<void> started = start(std::move(options)); !started) {
    std::fprintf(stderr, "cxx2go: run_worker: cannot start the runtime: %s\n", started.error().message.c_str());
    return 1;
  }
  const char ready = 'R';
  while (write(fds.control, &ready, 1) < 0 && errno == EINTR) {
  }
  wait_for_host(fds.control);
  const Result<void> stopped = stop();
  close(fds.control);
  if (!stopped) {
    std::fprintf(stderr, "cxx2go: run_worker: stop: %s\n", stopped.error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace cxx2go
