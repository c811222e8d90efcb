// Package codegen turns the hand-curated AADSTS code table (aadsts/codes.csv)
// into Go source for package aadsts. It validates every row and reports the
// first problem with its line number.
//
// The table is CSV (RFC 4180) with a header line and these columns:
//
//	code,name,category,action,retryable,summary,comment
//
// Lines starting with '#' are comments. Rows must be sorted by code.
package codegen

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"go/format"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stsdiag/stsdiag/classify"
)

// Header is the required first record of the table.
var Header = []string{"code", "name", "category", "action", "retryable", "summary", "comment"}

// MaxSummary is the longest summary, in characters, that a row may have.
const MaxSummary = 140

// maxName is the longest name a row may have.
const maxName = 64

// Row is one validated row of the table.
type Row struct {
	Line      int // line number in the CSV, for messages
	Code      uint32
	Name      string
	Category  classify.Category
	Action    classify.Action
	Retryable bool
	Summary   string
	Comment   string
}

// RowError reports an invalid row.
type RowError struct {
	Line int    // 1-based line of the CSV
	Code string // the row's code field, when it was read
	Err  error
}

func (e *RowError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("line %d (code %s): %v", e.Line, e.Code, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// categories that can only describe failures that never reached the token
// service, and so can never belong to an AADSTS code.
var offTable = map[classify.Category]bool{
	classify.CredentialUnavailable: true,
	classify.Network:               true,
	classify.Canceled:              true,
}

// Parse reads and validates the table.
func Parse(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	cr.ReuseRecord = false

	head, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("line 1: the table is empty; want the header " + strings.Join(Header, ","))
	}
	if err != nil {
		return nil, csvErr(err)
	}
	if strings.Join(head, ",") != strings.Join(Header, ",") {
		line, _ := cr.FieldPos(0)
		return nil, &RowError{Line: line, Err: fmt.Errorf("header is %q, want %q", strings.Join(head, ","), strings.Join(Header, ","))}
	}

	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(Header) {
			return nil, &RowError{Line: line, Code: rec[0], Err: fmt.Errorf("%d columns, want %d (%s)", len(rec), len(Header), strings.Join(Header, ","))}
		}
		row, err := parseRow(rec)
		if err != nil {
			return nil, &RowError{Line: line, Code: rec[0], Err: err}
		}
		row.Line = line
		if n := len(rows); n > 0 && rows[n-1].Code >= row.Code {
			if rows[n-1].Code == row.Code {
				return nil, &RowError{Line: line, Code: rec[0], Err: fmt.Errorf("duplicate code (first on line %d)", rows[n-1].Line)}
			}
			return nil, &RowError{Line: line, Code: rec[0], Err: fmt.Errorf("out of order: follows %d on line %d; sort rows by code", rows[n-1].Code, rows[n-1].Line)}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, errors.New("the table has a header but no rows")
	}
	return rows, nil
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RowError{Line: pe.Line, Err: pe.Err}
	}
	return err
}

func parseRow(rec []string) (Row, error) {
	for i, f := range rec {
		if f != strings.TrimSpace(f) {
			return Row{}, fmt.Errorf("column %s has leading or trailing white space", Header[i])
		}
		if !utf8.ValidString(f) {
			return Row{}, fmt.Errorf("column %s is not valid UTF-8", Header[i])
		}
		for _, r := range f {
			if unicode.IsControl(r) {
				return Row{}, fmt.Errorf("column %s contains a control character %U (one line per field)", Header[i], r)
			}
		}
	}
	var row Row
	code := rec[0]
	if code == "" || code[0] == '0' {
		return row, fmt.Errorf("code %q must be a number without leading zeros", code)
	}
	n, err := strconv.ParseUint(code, 10, 32)
	if err != nil {
		return row, fmt.Errorf("code %q is not a number between 1 and 4294967295", code)
	}
	row.Code = uint32(n)

	row.Name = rec[1]
	if err := checkName(row.Name); err != nil {
		return row, err
	}
	if row.Category, err = classify.ParseCategory(rec[2]); err != nil {
		return row, err
	}
	if offTable[row.Category] {
		return row, fmt.Errorf("category %s describes failures that never reach the token service; an AADSTS code cannot have it", row.Category)
	}
	if row.Action, err = classify.ParseAction(rec[3]); err != nil {
		return row, err
	}
	if row.Action == classify.ConfigureEnvironment {
		return row, fmt.Errorf("action %s is for failures that never reach the token service", row.Action)
	}
	switch rec[4] {
	case "true":
		row.Retryable = true
	case "false":
	default:
		return row, fmt.Errorf("retryable is %q, want true or false", rec[4])
	}
	row.Summary = rec[5]
	if err := checkSummary(row.Summary); err != nil {
		return row, err
	}
	row.Comment = rec[6]
	return row, nil
}

func checkName(name string) error {
	if name == "" {
		return errors.New("name is empty")
	}
	if len(name) > maxName {
		return fmt.Errorf("name %q is longer than %d characters", name, maxName)
	}
	for i, r := range name {
		switch {
		case i == 0 && !(r >= 'A' && r <= 'Z'):
			return fmt.Errorf("name %q must start with an upper-case ASCII letter", name)
		case r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)):
			return fmt.Errorf("name %q may contain only ASCII letters and digits", name)
		}
	}
	return nil
}

func checkSummary(s string) error {
	switch {
	case s == "":
		return errors.New("summary is empty")
	case utf8.RuneCountInString(s) > MaxSummary:
		return fmt.Errorf("summary has %d characters, more than %d", utf8.RuneCountInString(s), MaxSummary)
	case strings.ContainsAny(s, "{}"):
		return errors.New("summary contains a placeholder brace; write it without {placeholders}")
	case strings.Contains(s, "  "):
		return errors.New("summary contains a double space")
	}
	return nil
}

// Generate validates the table read from src and returns the gofmt-ed Go
// source of package aadsts's table. command is recorded in the generated
// file's header.
func Generate(src []byte, command string) ([]byte, error) {
	rows, err := Parse(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by %q; DO NOT EDIT.\n\n", command)
	b.WriteString("package aadsts\n\n")
	b.WriteString("import \"github.com/stsdiag/stsdiag/classify\"\n\n")
	fmt.Fprintf(&b, "// codeTable holds the %d rows of codes.csv sorted by code, for Lookup's\n", len(rows))
	b.WriteString("// binary search. It is laid out by the compiler: no init-time work.\n")
	b.WriteString("var codeTable = [...]CodeInfo{\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "\t{Code: %d, Name: %q, Summary: %s, Category: classify.%s, Action: classify.%s, Retryable: %t},\n",
			r.Code, r.Name, strconv.Quote(r.Summary), goName(r.Category.String()), goName(r.Action.String()), r.Retryable)
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting generated source: %w", err)
	}
	return out, nil
}

// goName turns a token such as "interaction_required" into the Go
// identifier of its constant, "InteractionRequired".
func goName(token string) string {
	var b strings.Builder
	for _, part := range strings.Split(token, "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]))
		b.WriteString(part[1:])
	}
	return b.String()
}
