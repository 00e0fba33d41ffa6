package cxx2go

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The package is what users call. Generated-code support belongs in c2gimpl: a name added here shows in
// every user's godoc, so it must be added to this list on purpose.
func TestSurfaceHoldsOnlyWhatUsersCall(t *testing.T) {
	want := []string{
		"Aborted", "AlreadyExists", "Cancelled", "Code", "CodeOf", "CppToGo", "DataLoss", "DeadlineExceeded",
		"Direction", "Error", "Errorf", "Exception", "FailedPrecondition", "GoToCpp", "Internal",
		"InvalidArgument", "LabelFrom", "LabelMethod", "LabelService", "LatencyBucketBound", "Live", "LiveCall",
		"LiveCalls", "LiveCounts",
		"MethodMetrics", "Metrics", "MetricsSnapshot", "NotFound", "NotStarted", "OK", "Options", "OutOfRange",
		"Panic", "PermissionDenied", "Protocol", "ResourceExhausted", "RingStat", "RingStats",
		"SetMetricsEnabled", "SetPropagateLabels", "SetTracePropagator", "Start", "Stop", "Stopped",
		"TracePropagator", "Unauthenticated", "Unavailable", "Unimplemented", "Unknown", "UnknownMethod", "Version",
		"Worker",
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	add := func(id *ast.Ident) {
		if id.IsExported() {
			got = append(got, id.Name)
		}
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Recv == nil {
					add(decl.Name)
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						add(spec.Name)
					case *ast.ValueSpec:
						for _, id := range spec.Names {
							add(id)
						}
					}
				}
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("exported names:\n got %v\nwant %v", got, want)
	}
}
