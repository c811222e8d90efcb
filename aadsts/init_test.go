package aadsts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoInitWork builds a program that imports aadsts and runs it with
// GODEBUG=inittrace=1: the runtime reports every package whose
// initialization does work, and stsdiag's packages must not be among them
// (the code table is laid out by the compiler, not built at start-up).
func TestNoInitWork(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	dir := t.TempDir()
	src := "package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/stsdiag/stsdiag/aadsts\"\n)\n\nfunc main() { fmt.Println(aadsts.Len()) }\n"
	mainDir := "_inittrace_probe" // a leading underscore keeps it out of ./... should a run leave it behind
	if err := os.MkdirAll(mainDir, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(mainDir)
	if err := os.WriteFile(filepath.Join(mainDir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "probe")
	if out, err := exec.Command(goTool, "build", "-o", bin, "./"+mainDir).CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "init ") {
		t.Fatalf("inittrace printed nothing; is GODEBUG honoured?\n%s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "github.com/stsdiag/stsdiag") {
			t.Errorf("package initialization does work: %s", line)
		}
	}
}
