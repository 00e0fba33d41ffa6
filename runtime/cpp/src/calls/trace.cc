// The trace context a call carries across the boundary (CXX2GO_CALL_TRACE, docs/wire-format.md "Trace
// context"): its last view, encoded as traceparent (str), tracestate (str), the number of labels (u32) and
// each label's key and value (str, str).
#include <memory>
#include <new>

#include "cxx2go/detail/call.h"

namespace cxx2go::detail {

// A label list longer than this is malformed: nothing honest sends thousands of pprof labels.
inline constexpr uint32_t kMaxTraceLabels = 256;

std::shared_ptr<const TraceContext> trace_of(const cxx2go_call& call) noexcept {
  if ((call.flags & CXX2GO_CALL_TRACE) == 0 || call.nviews == 0) return nullptr;
  const cxx2go_view v = call.views[call.nviews - 1];
  try {
    Decoder d(static_cast<const uint8_t*>(v.data), v.len);
    auto trace = std::make_shared<TraceContext>();
    trace->traceparent = d.str();
    trace->tracestate = d.str();
    const uint32_t labels = d.u32();
    if (!d.ok() || labels > kMaxTraceLabels) return nullptr;
    trace->labels.reserve(labels);
    for (uint32_t i = 0; i < labels && d.ok(); ++i) {
      std::string key = d.str();
      trace->labels.emplace_back(std::move(key), d.str());
    }
    if (!d.finish()) return nullptr;
    return trace;
  } catch (...) {
    return nullptr;  // out of memory: the call goes on without its trace context
  }
}

void encode_trace(const TraceContext& trace, Encoder& out) {
  out.str(trace.traceparent);
  out.str(trace.tracestate);
  out.u32(static_cast<uint32_t>(trace.labels.size()));
  for (const auto& [key, value] : trace.labels) {
    out.str(key);
    out.str(value);
  }
}

}  // namespace cxx2go::detail
