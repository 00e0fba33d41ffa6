module github.com/cxx2go/cxx2go

go 1.24
