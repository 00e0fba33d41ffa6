package c2gimpl

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Generated Go refuses to build against a cxx2go runtime of another version: it references
// SupportPackageIsVersion<ABI>, which only a runtime of that ABI defines. The test builds a golden
// generated file in a throwaway module whose cxx2go runtime is a stub without the constant, and checks
// that the error names the constant, at a line whose comment says what to do.
func TestGeneratedCodeRefusesAnotherRuntimeVersion(t *testing.T) {
	golden, err := filepath.Abs("../../../../tests/gen/types_only/types_only.c2g.go")
	if err != nil {
		t.Fatal(err)
	}
	source, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	constant := "SupportPackageIsVersion" + strconv.Itoa(abiVersion)
	if !strings.Contains(string(source), "const _ = c2gimpl."+constant+"\n") {
		t.Fatalf("%s does not reference c2gimpl.%s", golden, constant)
	}

	dir := t.TempDir()
	write := func(name, contents string) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(contents), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/app\n\ngo 1.24\n\nrequire github.com/cxx2go/cxx2go v0.0.0\n\n"+
		"replace github.com/cxx2go/cxx2go => ./stub\n")
	write("stub/go.mod", "module github.com/cxx2go/cxx2go\n\ngo 1.24\n")
	// A runtime of another ABI: everything generated code of this schema uses, but not the constant.
	write("stub/runtime/go/cxx2go/c2gimpl/c2gimpl.go", "package c2gimpl\n\nconst SupportPackageIsVersion999 = true\n")
	write("types_only/types_only.c2g.go", string(source))

	build := exec.Command("go", "build", "./...")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "CGO_ENABLED=0")
	output, err := build.CombinedOutput()
	if err == nil {
		t.Fatalf("generated code built against a runtime without %s", constant)
	}
	// e.g. "types_only/types_only.c2g.go:17:17: undefined: c2gimpl.SupportPackageIsVersion4"
	match := regexp.MustCompile(`types_only\.c2g\.go:(\d+):\d+: undefined: c2gimpl\.` + constant + `\b`).FindSubmatch(output)
	if match == nil {
		t.Fatalf("the build error does not name c2gimpl.%s:\n%s", constant, output)
	}
	line, _ := strconv.Atoi(string(match[1]))
	var previous string
	lines := bufio.NewScanner(strings.NewReader(string(source)))
	for n := 1; lines.Scan() && n < line; n++ {
		previous = lines.Text()
	}
	if !strings.Contains(previous, "regenerate it with the cxx2go that matches the cxx2go runtime in go.mod") {
		t.Errorf("the line above the failing one (%d) does not say what to do: %q", line, previous)
	}
}
