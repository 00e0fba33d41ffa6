// cxx2go/require_cxx20.h — every C++ header of cxx2go includes this first, so that code compiled as
// C++17 or older stops with one line that says what to do, before the errors its C++20 features cause.
// (MSVC reports the standard in _MSVC_LANG; its __cplusplus stays 199711L without /Zc:__cplusplus.)
#ifndef CXX2GO_REQUIRE_CXX20_H_
#define CXX2GO_REQUIRE_CXX20_H_

#if defined(_MSVC_LANG) ? _MSVC_LANG < 202002L : __cplusplus < 202002L
#error "cxx2go needs C++20 or later (compile with -std=c++20)"
#endif

#endif  // CXX2GO_REQUIRE_CXX20_H_
