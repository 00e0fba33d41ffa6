package c2gimpl

import (
	"fmt"
	"sync"
)

// cppImplementation is a C++ implementation that a package generated with `--go_opt=cgo` registers:
// the generated C function calls the user's C++ factory and cxx2go::register_service.
type cppImplementation struct {
	service    string // "shop.Pricer"
	factory    string // "shop::make_pricer()"
	register   func() (Code, string)
	registered bool
}

var cppImplementations struct {
	sync.Mutex
	list []*cppImplementation
}

// RegisterCppImplementation is for code generated with `cxx2go --go_opt=cgo`, which calls it from init;
// programs do not call it. It records how to register the C++ implementation of `service` made by the
// C++ function `factory`; Start runs every recorded registration, so that the factories run after main
// has begun and their failures become Start's error. `register` returns the cxx2go code and a message.
func RegisterCppImplementation(service, factory string, register func() (Code, string)) {
	cppImplementations.Lock()
	defer cppImplementations.Unlock()
	cppImplementations.list = append(cppImplementations.list,
		&cppImplementation{service: service, factory: factory, register: register})
}

// registerCppImplementations runs, in init order, the registrations not done yet (a Start that failed
// may be retried). The first failure stops it: the error names the service and the factory.
func registerCppImplementations() error {
	cppImplementations.Lock()
	defer cppImplementations.Unlock()
	for _, impl := range cppImplementations.list {
		if impl.registered {
			continue
		}
		if code, message := impl.register(); code != OK {
			return &Error{Code: code, Message: fmt.Sprintf(
				"cannot register the C++ implementation of %s made by %s: %s", impl.service, impl.factory, message)}
		}
		impl.registered = true
	}
	return nil
}
