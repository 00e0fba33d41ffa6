// Internal to the runtime's sources: naming the threads the runtime starts, so that they are recognizable in
// debuggers, `top -H` and /proc/<pid>/task/*/comm.
#ifndef CXX2GO_SRC_THREAD_NAME_H_
#define CXX2GO_SRC_THREAD_NAME_H_

#include <pthread.h>

#include <string>

namespace cxx2go::detail {

// Names the calling thread, truncated to the 15 characters the kernel keeps.
inline void set_thread_name(std::string name) noexcept {
  if (name.size() > 15) name.resize(15);
#if defined(__APPLE__)
  pthread_setname_np(name.c_str());
#else
  pthread_setname_np(pthread_self(), name.c_str());
#endif
}

}  // namespace cxx2go::detail

#endif  // CXX2GO_SRC_THREAD_NAME_H_
