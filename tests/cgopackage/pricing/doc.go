// Package pricing is a Go host's package the way cxx2go recommends building one: the generated Go, the
// generated C++ and the C++ implementation (pricer.cc) in one cgo package, built by go generate and
// go build alone. `go generate` needs cxx2go on PATH; `go build` needs pkg-config to find cxx2go.pc.
package pricing

//go:generate cxx2go --cpp_out=. --go_out=. --go_opt=paths=source_relative,cgo pricing.c2g
