package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/classify"
	"github.com/stsdiag/stsdiag/remediate"
)

// Exit statuses.
const (
	exitFound    = 0
	exitNotFound = 1
	exitUsage    = 2
)

// maxInput bounds what explain reads from standard input.
const maxInput = 1 << 20

const usage = `aadsts explains Microsoft Entra ID sign-in and token errors (AADSTS codes).

Usage:
  aadsts explain <code>       explain a code: 50076 or AADSTS50076
  aadsts explain -            explain an error pasted on standard input: the text of
                              an azidentity or MSAL Go error, a token endpoint's JSON
                              body, or a log line containing "AADSTSnnnn"
  aadsts list [filters]       list the known codes
  aadsts version              print the version and the size of the code table
  aadsts help [command]       show help

Flags (after the command):
  --format text|markdown|json   output format (default text)

explain flags:
  --tenant ID       your tenant ID or domain, used in commands and consent links
  --client ID       your application (client) ID, used in commands and consent links
  --scope SCOPE     the scope your app requests, used in login commands
  --show-description
                    also print the service's error description; it can contain
                    user names and e-mail addresses, so it is off by default

list flags:
  --category C      only codes of this category (e.g. interaction_required)
  --action A        only codes with this action (e.g. fix_credentials)
  --retryable B     only retryable (true) or non-retryable (false) codes

Exit status: 0 found, 1 unknown code or nothing recognised, 2 usage error.

Examples:
  aadsts explain AADSTS7000215 --client 00000000-0000-0000-0000-000000000001
  pbpaste | aadsts explain - --format markdown
  aadsts list --category throttled --format json
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "explain":
		return explain(rest, stdin, stdout, stderr)
	case "list":
		return list(rest, stdout, stderr)
	case "version":
		return version(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitFound
	default:
		fmt.Fprintf(stderr, "aadsts: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}

// parseInterleaved parses flags that may come before or after the
// positional arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "text", "text, markdown or json")
	return fs, format
}

func usageErr(stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "aadsts: "+format+"\nRun 'aadsts help' for usage.\n", a...)
	return exitUsage
}

func checkFormat(f string) bool { return f == "text" || f == "markdown" || f == "json" }

func explain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, format := newFlags("explain", stderr)
	var o remediate.Options
	var scope string
	fs.StringVar(&o.TenantID, "tenant", "", "tenant ID")
	fs.StringVar(&o.ClientID, "client", "", "client ID")
	fs.StringVar(&scope, "scope", "", "scope")
	fs.BoolVar(&o.IncludeDescription, "show-description", false, "print the error description")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usageErr(stderr, "explain: %v", err)
	}
	if !checkFormat(*format) {
		return usageErr(stderr, "--format must be text, markdown or json, not %q", *format)
	}
	if len(pos) != 1 {
		return usageErr(stderr, "explain takes one argument: a code such as 50076, or - to read an error from standard input")
	}
	if scope != "" {
		o.Scopes = []string{scope}
	}

	var rem remediate.Remediation
	if pos[0] == "-" {
		text, err := io.ReadAll(io.LimitReader(stdin, maxInput))
		if err != nil {
			fmt.Fprintf(stderr, "aadsts: reading standard input: %v\n", err)
			return exitNotFound
		}
		if strings.TrimSpace(string(text)) == "" {
			return usageErr(stderr, "explain -: standard input is empty; paste the error text")
		}
		d := aadsts.Diagnose(errors.New(string(text)))
		if d.STS == nil && d.Category == classify.Unknown && d.Cause == classify.NoCause && len(d.Attempts) == 0 {
			fmt.Fprintln(stderr, "aadsts: no AADSTS code, token response or known failure found in the input")
			return exitNotFound
		}
		rem = o.ForDiagnosis(d)
	} else {
		code, err := aadsts.ParseCode(pos[0])
		if err != nil {
			return usageErr(stderr, "%v", err)
		}
		var ok bool
		rem, ok = o.ForCode(code)
		if !ok {
			fmt.Fprintf(stderr, "aadsts: %v is not in the code table (%d codes); see https://login.microsoftonline.com/error?code=%d\n", code, aadsts.Len(), uint32(code))
			return exitNotFound
		}
	}
	switch *format {
	case "markdown":
		fmt.Fprint(stdout, rem.Markdown())
	case "json":
		fmt.Fprint(stdout, rem.JSON())
	default:
		fmt.Fprint(stdout, rem.Text())
	}
	return exitFound
}

// listRow is one code in list's JSON output.
type listRow struct {
	Code      aadsts.Code       `json:"code"`
	Name      string            `json:"name"`
	Category  classify.Category `json:"category"`
	Action    classify.Action   `json:"action"`
	Retryable bool              `json:"retryable"`
	Summary   string            `json:"summary"`
}

func list(args []string, stdout, stderr io.Writer) int {
	fs, format := newFlags("list", stderr)
	category := fs.String("category", "", "category token")
	action := fs.String("action", "", "action token")
	retryable := fs.String("retryable", "", "true or false")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usageErr(stderr, "list: %v", err)
	}
	if len(pos) > 0 {
		return usageErr(stderr, "list takes no arguments, only filters (got %q)", pos[0])
	}
	if !checkFormat(*format) {
		return usageErr(stderr, "--format must be text, markdown or json, not %q", *format)
	}
	var wantCat classify.Category
	if *category != "" {
		if wantCat, err = classify.ParseCategory(*category); err != nil {
			return usageErr(stderr, "%v", err)
		}
	}
	var wantAct classify.Action
	if *action != "" {
		if wantAct, err = classify.ParseAction(*action); err != nil {
			return usageErr(stderr, "%v", err)
		}
	}
	if *retryable != "" && *retryable != "true" && *retryable != "false" {
		return usageErr(stderr, "--retryable must be true or false, not %q", *retryable)
	}
	var rows []listRow
	for info := range aadsts.All() {
		if *category != "" && info.Category != wantCat ||
			*action != "" && info.Action != wantAct ||
			*retryable != "" && fmt.Sprint(info.Retryable) != *retryable {
			continue
		}
		rows = append(rows, listRow{info.Code, info.Name, info.Category, info.Action, info.Retryable, info.Summary})
	}
	switch *format {
	case "json":
		if rows == nil {
			rows = []listRow{}
		}
		b, _ := json.MarshalIndent(rows, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	case "markdown":
		fmt.Fprintln(stdout, "| Code | Name | Category | Action | Retryable | Summary |")
		fmt.Fprintln(stdout, "|---|---|---|---|---|---|")
		for _, r := range rows {
			fmt.Fprintf(stdout, "| %v | %s | `%v` | `%v` | %t | %s |\n", r.Code, r.Name, r.Category, r.Action, r.Retryable, strings.ReplaceAll(r.Summary, "|", "\\|"))
		}
	default:
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tCATEGORY\tACTION\tRETRYABLE\tNAME")
		for _, r := range rows {
			fmt.Fprintf(tw, "%v\t%v\t%v\t%t\t%s\n", r.Code, r.Category, r.Action, r.Retryable, r.Name)
		}
		tw.Flush()
	}
	if len(rows) == 0 {
		fmt.Fprintln(stderr, "aadsts: no code matches the filters")
		return exitNotFound
	}
	return exitFound
}

func version(args []string, stdout, stderr io.Writer) int {
	fs, format := newFlags("version", stderr)
	pos, err := parseInterleaved(fs, args)
	if err != nil || len(pos) > 0 {
		return usageErr(stderr, "version takes no arguments")
	}
	if !checkFormat(*format) {
		return usageErr(stderr, "--format must be text, markdown or json, not %q", *format)
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	if *format == "json" {
		b, _ := json.Marshal(map[string]any{"version": v, "codes": aadsts.Len()})
		fmt.Fprintf(stdout, "%s\n", b)
		return exitFound
	}
	fmt.Fprintf(stdout, "aadsts %s (code table: %d codes)\n", v, aadsts.Len())
	return exitFound
}
