/* The one C function a Go host calls in the C++ half of the example (from the generated cgo package
 * kvstore, see examples/leveldb/kvstore.go.in). A C++ host would call cxx2go::register_service itself; a
 * Go host cannot name C++, and a static initializer would not do either: the linker drops an object
 * file of a static library that nothing references. */
#ifndef EXAMPLES_LEVELDB_REGISTER_STORE_H_
#define EXAMPLES_LEVELDB_REGISTER_STORE_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Registers a LevelDbStore as the implementation of kv.Store. Returns a cxx2go status code (abi.h):
 * CXX2GO_OK, or e.g. CXX2GO_ALREADY_EXISTS when called twice. */
int32_t examples_kv_register_store(void);

#ifdef __cplusplus
}
#endif

#endif /* EXAMPLES_LEVELDB_REGISTER_STORE_H_ */
