/* cxx2go/version.h — the cxx2go release, the one place it is written down.
 *
 * CMake reads it (project(VERSION), the package's version file, cxx2go.pc, the .deb), the compiler's
 * --version prints it, and the Go runtime checks at compile time that its Version is the same
 * (runtime/go/cxx2go/c2gimpl/version.go). A plain C header: abi.h and C code may include it too.
 */
#ifndef CXX2GO_VERSION_H_
#define CXX2GO_VERSION_H_

#define CXX2GO_VERSION_MAJOR 0
#define CXX2GO_VERSION_MINOR 1
#define CXX2GO_VERSION_PATCH 0
#define CXX2GO_VERSION_STRING "0.1.0"

#endif /* CXX2GO_VERSION_H_ */
