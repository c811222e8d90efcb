package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestExplainCode(t *testing.T) {
	for _, arg := range []string{"50076", "AADSTS50076", "aadsts50076"} {
		code, out, _ := runCLI(t, "", "explain", arg)
		if code != 0 || !strings.Contains(out, "AADSTS50076 (UserStrongAuthClientAuthNRequired)") {
			t.Errorf("explain %s = %d\n%s", arg, code, out)
		}
	}
	// Flags before or after the code.
	code, out, _ := runCLI(t, "", "explain", "--format", "json", "7000215", "--client", "00000000-0000-0000-0000-000000000009")
	var rem map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &rem) != nil || rem["code"] != "AADSTS7000215" || !strings.Contains(out, "00000000-0000-0000-0000-000000000009") {
		t.Errorf("explain --format json = %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "explain", "65001", "--format=markdown", "--tenant", "contoso.onmicrosoft.com")
	if code != 0 || !strings.HasPrefix(out, "# AADSTS65001") || !strings.Contains(out, "https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent") {
		t.Errorf("explain markdown = %d\n%s", code, out)
	}
}

func TestExplainStdin(t *testing.T) {
	dump, err := os.ReadFile("../../testdata/errors/azidentity_clientsecret_7000215.txt")
	if err != nil {
		t.Fatal(err)
	}
	msal, err := os.ReadFile("../../testdata/errors/msal_public_refresh_700082.txt")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, want string
	}{
		{"azidentity dump", string(dump), "ClientSecretCredential: AADSTS7000215"},
		{"msal error", string(msal), "AADSTS700082"},
		{"raw json", `{"error":"invalid_grant","error_description":"AADSTS53003: blocked","error_codes":[53003],"correlation_id":"5555bbbb-6666-7777-8888-999999999999"}`, "correlationId eq '5555bbbb-6666-7777-8888-999999999999'"},
		{"managed identity dump", "ManagedIdentityCredential authentication failed. the requested identity isn't assigned to this resource\nGET http://169.254.169.254/metadata/identity/oauth2/token\n----\nRESPONSE 400: 400 Bad Request\n----\n{\n  \"error\": \"invalid_request\",\n  \"error_description\": \"Identity not found\"\n}\n----",
			"cause: managed_identity_not_assigned"},
		{"managed identity throttled", "ManagedIdentityCredential authentication failed. \nGET http://169.254.169.254/metadata/identity/oauth2/token\nRESPONSE 429: 429 Too Many Requests\n",
			"cause: managed_identity_throttled"},
		{"log line", `2026-11-22T10:00:00Z ERROR token failed err="AADSTS50058: no session. Trace ID: 0000aaaa-0000-0000-0000-000000000001 Correlation ID: 0000bbbb-0000-0000-0000-000000000002"`, "AADSTS50058"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.in, "explain", "-")
			if code != 0 || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q in:\n%s", code, errOut, tt.want, out)
			}
		})
	}
}

func TestExitStatuses(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  int
	}{
		{"no args", "", nil, 2},
		{"unknown command", "", []string{"frobnicate"}, 2},
		{"explain without arg", "", []string{"explain"}, 2},
		{"explain two args", "", []string{"explain", "1", "2"}, 2},
		{"explain bad code", "", []string{"explain", "AADSTSxyz"}, 2},
		{"explain bad format", "", []string{"explain", "50076", "--format", "yaml"}, 2},
		{"explain bad flag", "", []string{"explain", "--nope", "50076"}, 2},
		{"explain unknown code", "", []string{"explain", "1"}, 1},
		{"explain nothing recognised", "just some words", []string{"explain", "-"}, 1},
		{"explain empty stdin", "  \n", []string{"explain", "-"}, 2},
		{"list bad category", "", []string{"list", "--category", "nope"}, 2},
		{"list bad retryable", "", []string{"list", "--retryable", "maybe"}, 2},
		{"list argument", "", []string{"list", "x"}, 2},
		{"list nothing matches", "", []string{"list", "--category", "network"}, 1},
		{"list ok", "", []string{"list"}, 0},
		{"version", "", []string{"version"}, 0},
		{"version arg", "", []string{"version", "x"}, 2},
		{"help", "", []string{"help"}, 0},
		{"--help", "", []string{"--help"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.want, stderr)
			}
			if code == 2 && !strings.Contains(stderr, "aadsts") {
				t.Errorf("usage error without a message: %q", stderr)
			}
		})
	}
}

func TestList(t *testing.T) {
	code, out, _ := runCLI(t, "", "list", "--category", "throttled", "--retryable", "true", "--format", "json")
	var rows []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) == 0 {
		t.Fatalf("list json = %d\n%s", code, out)
	}
	for _, r := range rows {
		if r["category"] != "throttled" || r["retryable"] != true {
			t.Errorf("row does not match the filters: %v", r)
		}
	}
	code, out, _ = runCLI(t, "", "list", "--action", "fix_credentials")
	if code != 0 || !strings.Contains(out, "AADSTS7000215") || strings.Contains(out, "AADSTS50076") {
		t.Errorf("list --action = %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "list", "--format", "markdown")
	if code != 0 || !strings.HasPrefix(out, "| Code | Name |") {
		t.Errorf("list markdown = %d\n%s", code, out[:min(len(out), 200)])
	}
}

func TestHelpForNewcomers(t *testing.T) {
	_, out, _ := runCLI(t, "", "help")
	for _, w := range []string{"explain <code>", "explain -", "list", "--format text|markdown|json", "Exit status", "Examples"} {
		if !strings.Contains(out, w) {
			t.Errorf("help lacks %q", w)
		}
	}
}

func TestNoPersonalDataByDefault(t *testing.T) {
	in := `{"error":"invalid_grant","error_description":"AADSTS50126: bad password for user 'alice.smith@contoso.com'","error_codes":[50126]}`
	_, out, _ := runCLI(t, in, "explain", "-")
	if strings.Contains(out, "alice") {
		t.Errorf("default output contains personal data:\n%s", out)
	}
	_, out, _ = runCLI(t, in, "explain", "-", "--show-description")
	if !strings.Contains(out, "alice.smith@contoso.com") {
		t.Errorf("--show-description did not show the description:\n%s", out)
	}
}

func TestNoSecretsEchoed(t *testing.T) {
	// A pasted MSAL error for a broken success response carries the raw body,
	// access token included; explain must not repeat it.
	in := `ClientSecretCredential: json decode error: unexpected end of JSON input: {"token_type":"Bearer","access_token":"eyJCANARYtoken.sig","expires_in":`
	code, out, errOut := runCLI(t, in, "explain", "-", "--format", "json")
	if strings.Contains(out+errOut, "CANARY") {
		t.Errorf("output repeats the token (exit %d):\n%s%s", code, out, errOut)
	}
	if code != 0 || !strings.Contains(out, "no_token") {
		t.Errorf("exit %d, want the no_token diagnosis:\n%s", code, out)
	}
}
