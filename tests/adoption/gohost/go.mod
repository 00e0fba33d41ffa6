module example.com/adoption/gohost

go 1.24

require github.com/cxx2go/cxx2go v0.1.0

// scripts/run-adoption.sh points this at the cxx2go under test (go mod edit -replace), as a user does
// while the module is unpublished.
replace github.com/cxx2go/cxx2go => ../cxx2go
