// Command aadstsgen generates package aadsts's code table (zz_codes.go) from
// codes.csv. It is run by go generate in the aadsts directory:
//
//	aadstsgen -in codes.csv -out zz_codes.go
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/stsdiag/stsdiag/internal/codegen"
)

func main() {
	in := flag.String("in", "codes.csv", "the code table to read")
	out := flag.String("out", "zz_codes.go", "the Go file to write")
	flag.Parse()
	src, err := os.ReadFile(*in)
	if err != nil {
		fail(err)
	}
	code, err := codegen.Generate(src, fmt.Sprintf("aadstsgen -in %s -out %s", *in, *out))
	if err != nil {
		fail(fmt.Errorf("%s: %w", *in, err))
	}
	if err := os.WriteFile(*out, code, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "aadstsgen:", err)
	os.Exit(1)
}
