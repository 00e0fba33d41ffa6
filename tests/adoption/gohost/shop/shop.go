// Package shop is the bindings of shop.c2g together with the C++ implementation of its cpp service
// (pricer.cc). `go generate` writes the bindings with cxx2go; `go build` compiles the C++ and registers
// the implementation, which make_pricer() makes, when the program calls cxx2go.Start.
package shop

//go:generate cxx2go --go_out=. --go_opt=paths=source_relative,cgo --cpp_out=. shop.c2g
