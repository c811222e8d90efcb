package aadsts_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/classify"
	"github.com/stsdiag/stsdiag/internal/codegen"
)

// emailAddress matches an e-mail address (a format example such as
// name@domain, without a dot after the @, is allowed).
var emailAddress = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+`)

// TestTableConsistency checks the rules every row of the code table must
// follow, so that a category, an action and a retryability verdict never
// contradict each other.
func TestTableConsistency(t *testing.T) {
	oneOf := func(a classify.Action, set ...classify.Action) bool {
		for _, s := range set {
			if a == s {
				return true
			}
		}
		return false
	}
	for info := range aadsts.All() {
		c, a, r := info.Category, info.Action, info.Retryable
		fail := func(rule string) {
			t.Errorf("%v %s (%v/%v/retryable=%v): %s", info.Code, info.Name, c, a, r, rule)
		}
		if r != a.IsRetry() {
			fail("retryable rows, and only they, have a retry action (retry, retry_after, keep_polling)")
		}
		if r && !(c == classify.Transient || c == classify.Throttled || c == classify.Federation || c == classify.DeviceFlow) {
			fail("only transient, throttled, federation (an IdP's own transient failure) or device-flow rows may be retryable")
		}
		switch c {
		case classify.Transient:
			if r && !oneOf(a, classify.Retry, classify.RetryAfter) {
				fail("a retryable transient row retries")
			}
		case classify.Throttled:
			if r && a != classify.RetryAfter {
				fail("a retryable throttled row waits for Retry-After")
			}
			if !r && a != classify.FixAppConfiguration {
				fail("a throttled row that retrying cannot cure (loop detection) must name the app fix")
			}
		case classify.ClientCredentials:
			if a != classify.FixCredentials {
				fail("client_credentials rows fix the credentials")
			}
		case classify.AppConfiguration:
			if !oneOf(a, classify.FixAppConfiguration, classify.FixRequest, classify.ContactAdmin) {
				fail("app_configuration rows fix the app, the request, or ask the admin")
			}
		case classify.InteractionRequired, classify.GrantExpired:
			if a != classify.Reauthenticate {
				fail("interaction_required and grant_expired rows reauthenticate")
			}
		case classify.ConsentRequired:
			if a != classify.RequestConsent {
				fail("consent_required rows request consent")
			}
		case classify.InvalidRequest:
			if a != classify.FixRequest {
				fail("invalid_request rows fix the request")
			}
		case classify.DeviceFlow:
			if !(r && a == classify.KeepPolling || !r && a == classify.Reauthenticate) {
				fail("device_flow rows keep polling (retryable) or start over (not retryable)")
			}
		case classify.CredentialUnavailable, classify.Network, classify.Canceled:
			fail("this category never reaches the token service")
		}
		if a == classify.ConfigureEnvironment {
			fail("configure_environment is for failures that never reach the token service")
		}
		if strings.ContainsAny(info.Summary, "{}\n\r") || emailAddress.MatchString(info.Summary) {
			fail("summaries have no placeholders, e-mail addresses or line breaks")
		}
	}
}

// TestTableDoubtsAreWritten checks that every row the table could not
// classify says why in its comment.
func TestTableDoubtsAreWritten(t *testing.T) {
	f, err := os.Open("codes.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := codegen.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Category == classify.Unknown && len(r.Comment) < 20 {
			t.Errorf("line %d: code %d is category unknown without a comment saying why", r.Line, r.Code)
		}
	}
}

// TestTableAnchors pins codes whose meaning is unambiguous; a change to one
// of these is a change of meaning, not of taste.
func TestTableAnchors(t *testing.T) {
	type verdict = classify.Verdict
	anchors := map[aadsts.Code]verdict{
		50076:   {Category: classify.InteractionRequired, Action: classify.Reauthenticate},
		50079:   {Category: classify.InteractionRequired, Action: classify.Reauthenticate},
		50058:   {Category: classify.InteractionRequired, Action: classify.Reauthenticate},
		7000215: {Category: classify.ClientCredentials, Action: classify.FixCredentials},
		7000222: {Category: classify.ClientCredentials, Action: classify.FixCredentials},
		700016:  {Category: classify.AppConfiguration, Action: classify.FixAppConfiguration},
		53003:   {Category: classify.PolicyBlocked, Action: classify.ContactAdmin},
		65001:   {Category: classify.ConsentRequired, Action: classify.RequestConsent},
		700082:  {Category: classify.GrantExpired, Action: classify.Reauthenticate},
		50173:   {Category: classify.GrantExpired, Action: classify.Reauthenticate},
		90006:   {Category: classify.Transient, Action: classify.Retry, Retryable: true},
		50196:   {Category: classify.Throttled, Action: classify.FixAppConfiguration},
		70016:   {Category: classify.DeviceFlow, Action: classify.KeepPolling, Retryable: true},
		900144:  {Category: classify.InvalidRequest, Action: classify.FixRequest},
	}
	for code, want := range anchors {
		info, ok := aadsts.Lookup(code)
		if !ok {
			t.Errorf("%v is missing from the table", code)
			continue
		}
		if got := info.Verdict(); got != want {
			t.Errorf("%v %s = %v, want %v", code, info.Name, got, want)
		}
	}
	// Not retryable, whatever else: a locked account stays locked for the
	// same request.
	for _, code := range []aadsts.Code{50053, 50055, 50057, 50126, 53003, 7000215} {
		if info, _ := aadsts.Lookup(code); info.Retryable {
			t.Errorf("%v %s is retryable", code, info.Name)
		}
	}
}

// TestTableCoverage fails when a code of Microsoft's references, or one named
// in the troubleshooting and sign-in-log sources, is missing from the table.
// The fact lists in testdata were extracted from those documents.
func TestTableCoverage(t *testing.T) {
	for _, list := range []string{"codes_seed001.txt", "codes_entradocs.txt", "codes_other_seeds.txt"} {
		codes := readCodeList(t, filepath.Join("..", "testdata", list))
		var missing []string
		for _, c := range codes {
			if _, ok := aadsts.Lookup(c); !ok {
				missing = append(missing, c.String())
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s: %d codes missing from the table: %s", list, len(missing), strings.Join(missing, " "))
		}
		t.Logf("%s: %d codes, all in the table", list, len(codes))
	}
}

func readCodeList(t *testing.T, path string) []aadsts.Code {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []aadsts.Code
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n, err := strconv.ParseUint(line, 10, 32)
		if err != nil {
			t.Fatalf("%s: %q is not a code", path, line)
		}
		out = append(out, aadsts.Code(n))
	}
	if len(out) == 0 {
		t.Fatalf("%s lists no codes", path)
	}
	return out
}
