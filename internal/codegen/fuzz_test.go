package codegen_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"testing"

	"github.com/stsdiag/stsdiag/internal/codegen"
)

// generatedHeader is the line Go tools recognize as marking generated code.
var generatedHeader = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

// FuzzGenerate feeds arbitrary tables (and commands) to Generate: it must
// never panic, and whatever it accepts must come out as Go source that
// parses, declares package aadsts and holds one table entry per row.
// Explore with go test -run='^$' -fuzz=FuzzGenerate -fuzztime=5m
// ./internal/codegen.
func FuzzGenerate(f *testing.F) {
	const cmd = "aadstsgen -in codes.csv -out zz_codes.go"
	table, err := os.ReadFile("../../aadsts/codes.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(table, cmd)
	// The real table's header and first rows, which keeps the seeds small.
	lines := bytes.SplitAfter(table, []byte("\n"))
	for _, n := range []int{1, 12, 20} {
		if n <= len(lines) {
			f.Add(bytes.Join(lines[:n], nil), cmd)
		}
	}
	const head = "code,name,category,action,retryable,summary,comment\n"
	for _, s := range []string{
		"",
		head,
		head + "50076,UserStrongAuthClientAuthNRequired,interaction_required,reauthenticate,false,MFA is required.,\n",
		head + "1,A,transient,retry,true,\"Quoted, with \"\"quotes\"\" and a comma.\",c\n2,B,throttled,retry_after,true,Wait.,\n",
		head + "1,A,transient,retry,true,Back\\slash `raw` \u2028 line separator ∑ é.,\n",
		head + "1,A,transient,retry,true,\"multi\nline\",\n",
		head + "4294967295,Max,tenant,contact_admin,false,Largest code.,\n",
		head + "4294967296,TooBig,tenant,contact_admin,false,Too big.,\n",
		head + "2,B,transient,retry,true,x,\n1,A,transient,retry,true,y,\n",
		head + "1,A,network,retry,true,x,\n",
		head + "1,A,transient,configure_environment,true,x,\n",
		head + "1,a,transient,retry,true,x,\n",
		head + "1,A,transient,retry,maybe,x,\n",
		head + "1,A,transient,retry,true,{placeholder},\n",
		head + "1,A,transient,retry,true,\xff,\n",
		head + "1,A,transient,retry,true,x\n",
		head + "# comment\n\n1,A,transient,retry,true,x,\"\n",
		"\xef\xbb\xbf" + head + "1,A,transient,retry,true,x,\n",
	} {
		f.Add([]byte(s), cmd)
	}
	f.Add([]byte(head+"1,A,transient,retry,true,x,\n"), "cmd with \"quotes\"\nand a newline */ \x00 \xff")

	f.Fuzz(func(t *testing.T, src []byte, command string) {
		out, err := codegen.Generate(src, command)
		if err != nil {
			if out != nil {
				t.Errorf("Generate returned output with error %v", err)
			}
			return
		}
		fset := token.NewFileSet()
		file, perr := parser.ParseFile(fset, "zz_codes.go", out, parser.ParseComments)
		if perr != nil {
			t.Fatalf("Generate produced invalid Go: %v\n%s", perr, out)
		}
		if file.Name.Name != "aadsts" {
			t.Errorf("package %s, want aadsts", file.Name.Name)
		}
		rows, err := codegen.Parse(bytes.NewReader(src))
		if err != nil {
			t.Fatalf("Generate accepted a table Parse rejects: %v", err)
		}
		entries := -1
		ast.Inspect(file, func(n ast.Node) bool {
			if cl, ok := n.(*ast.CompositeLit); ok && entries < 0 {
				entries = len(cl.Elts)
				return false
			}
			return true
		})
		if entries != len(rows) {
			t.Errorf("generated table has %d entries, want %d", entries, len(rows))
		}
		// The header records the command on one comment line.
		first, _, _ := bytes.Cut(out, []byte("\n"))
		if !generatedHeader.Match(first) {
			t.Errorf("first line %q is not Go's generated-code header", first)
		}
	})
}
