// The examples are a module of their own, which depends on cxx2go exactly as a user's module does: with a
// replace pointing at a checkout while github.com/cxx2go/cxx2go is unpublished (here, this repository).
module github.com/cxx2go/cxx2go/examples

go 1.24

require github.com/cxx2go/cxx2go v0.1.0

replace github.com/cxx2go/cxx2go => ../
