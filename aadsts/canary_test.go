package aadsts_test

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
	"github.com/stsdiag/stsdiag/internal/realclients"
)

// Canary values: secrets the real clients send, a token and personal data the
// fake endpoint answers with. None may appear in any output of stsdiag.
const (
	canaryClientSecret = "CANARYclientSecret-3f9a7c"
	canaryAssertion    = "CANARYassertion.c2lnbmVk.3f9a7c"
	canaryPassword     = "CANARYpassword-51d2e8"
	canaryAccessToken  = "CANARYaccessToken-e8b14d"
	canaryUser         = "user@contoso.com"
)

// canarySecrets are the secrets to build real clients with.
var canarySecrets = realclients.Secrets{
	ClientSecret: canaryClientSecret,
	Assertion:    canaryAssertion,
	Password:     canaryPassword,
}

// canaryReplies are token endpoint answers that put canaries and personal
// data where the client libraries copy them into their errors.
func canaryReplies() map[string]aadststest.Reply {
	// The user's name in error_description, as Entra writes it.
	user := coded(50126)
	user.Message = "Error validating credentials due to invalid username or password for " + canaryUser + "."
	return map[string]aadststest.Reply{
		"DescriptionNamesUser": user,
		// A 200 whose JSON is broken: MSAL puts the raw body, access token
		// included, into its error text.
		"Broken200WithToken": raw(200, "application/json",
			`{"access_token":"`+canaryAccessToken+`","token_type":"Bearer","expires_in":"oops"`),
		// A hostile error body with canaries in every field, including
		// those stsdiag prints after checking their shape.
		"HostileFields": raw(400, "application/json", `{"error":"CANARY_error","error_description":"AADSTS50076: `+canaryUser+
			` `+canaryAccessToken+`","error_codes":[50076],"suberror":"CANARY","trace_id":"CANARY-`+canaryUser+
			`","correlation_id":"`+canaryUser+`","claims":"CANARYclaims","error_uri":"https://CANARY.example/`+canaryUser+
			`","timestamp":"CANARY"}`),
	}
}

var (
	canaryOnce sync.Once
	canaryList []string
)

// canaries returns every string that must not appear in stsdiag's output:
// the canaries above, any "CANARY" at all, the user's domain, the client
// certificate (base64 of its DER, its SHA-1 and SHA-256 thumbprints as MSAL
// sends them in x5t headers) and the start of any JWT ("eyJ"), which a
// signed client assertion is.
func canaries(tb testing.TB) []string {
	tb.Helper()
	canaryOnce.Do(func() {
		canaryList = []string{canaryClientSecret, canaryAssertion, canaryPassword, canaryAccessToken, canaryUser,
			"CANARY", "contoso", "eyJ", "BEGIN CERTIFICATE", "PRIVATE KEY"}
		certs, _, err := realclients.SelfSignedCert()
		if err != nil {
			return
		}
		raw := certs[0].Raw
		s1, s256 := sha1.Sum(raw), sha256.Sum256(raw)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
			canaryList = append(canaryList, enc.EncodeToString(raw)[:32], enc.EncodeToString(s1[:]), enc.EncodeToString(s256[:]))
		}
		canaryList = append(canaryList, fmt.Sprintf("%x", s1), fmt.Sprintf("%X", s1))
	})
	if len(canaryList) == 0 {
		tb.Fatal("no canaries")
	}
	return canaryList
}

// assertNoCanary fails the test when out contains a secret, token,
// certificate or personal datum planted by the canary tests. Use it on any
// rendering stsdiag produces from the errors of captureCanaryErrors.
func assertNoCanary(tb testing.TB, out string) {
	tb.Helper()
	lower := strings.ToLower(out)
	for _, c := range canaries(tb) {
		if strings.Contains(out, c) || strings.Contains(lower, strings.ToLower(c)) && len(c) > 8 {
			tb.Errorf("output contains canary %q:\n%s", c, out)
		}
	}
}

// captureCanaryErrors returns, for every real client and every canary
// reply, the client's error, keyed "reply/client". The clients send
// canarySecrets.
func captureCanaryErrors(tb testing.TB) map[string]error {
	tb.Helper()
	out := map[string]error{}
	for rname, reply := range canaryReplies() {
		for cname, err := range captureRealErrors(tb, canarySecrets, reply) {
			out[rname+"/"+cname] = err
		}
	}
	return out
}

// logJSON renders attrs through slog's JSON handler.
func logJSON(attrs ...any) string {
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Error("token request failed", attrs...)
	return buf.String()
}

// TestNoCanaryInOutputs drives every real client into every canary reply and
// checks every rendering of the errors stsdiag offers.
func TestNoCanaryInOutputs(t *testing.T) {
	errs := captureCanaryErrors(t)
	seen := map[string]bool{} // canaries seen in the raw errors, to prove they were there to leak
	for name, err := range errs {
		t.Run(name, func(t *testing.T) {
			for _, c := range []string{canaryUser, canaryAccessToken} {
				if strings.Contains(err.Error(), c) {
					seen[c] = true
				}
			}
			if reachableSecret(err, canaryClientSecret) {
				seen[canaryClientSecret] = true
			}
			wrapped := fmt.Errorf("listing resources: %w", err)

			st, ok := aadsts.FromError(err)
			if ok {
				assertNoCanary(t, st.Error())
				assertNoCanary(t, aadsts.Wrap(err).Error())
				assertNoCanary(t, logJSON("sts", st))
				assertNoCanary(t, logJSON(slog.Any("sts", st.LogValue())))
				j, jerr := json.Marshal(st)
				if jerr != nil {
					t.Errorf("json.Marshal: %v", jerr)
				}
				assertNoCanary(t, string(j))
				if st.Description != "" && strings.Contains(st.Description, canaryUser) {
					// The description keeps the user's name for the user;
					// it must stay out of every rendering above.
					seen["description:"+canaryUser] = true
				}
			}
			assertNoCanary(t, logJSON(aadsts.LogAttr("sts", err)))
			assertNoCanary(t, logJSON(aadsts.LogAttr("sts", wrapped)))
			assertNoCanary(t, logJSON("diagnosis", aadsts.Diagnose(err)))
			assertNoCanary(t, logJSON("diagnosis", aadsts.Diagnose(wrapped)))
			if st2, ok := aadsts.FromError(wrapped); ok {
				assertNoCanary(t, st2.Error())
			}
		})
	}
	// The canaries reached the client libraries' errors: the test would see a
	// leak.
	for _, c := range []string{canaryUser, canaryAccessToken, "description:" + canaryUser} {
		if !seen[c] {
			t.Errorf("no raw error carried %q; the test proves nothing about it", c)
		}
	}
	if !seen[canaryClientSecret] {
		t.Logf("the client secret was not reachable from any error's request")
	}
}

// TestNoCanaryNonSTS covers errors that carry no token response: LogAttr and
// Diagnose must not print their text either.
func TestNoCanaryNonSTS(t *testing.T) {
	for _, err := range []error{
		errors.New("password " + canaryPassword + " for " + canaryUser + " rejected"),
		fmt.Errorf("refreshing: %w", errors.New(`{"access_token":"`+canaryAccessToken+`"}`)),
		azidentity.NewCredentialUnavailableError("EnvironmentCredential: " + canaryClientSecret),
	} {
		if st, ok := aadsts.FromError(err); ok {
			assertNoCanary(t, st.Error())
			assertNoCanary(t, logJSON("sts", st))
		}
		assertNoCanary(t, logJSON(aadsts.LogAttr("err", err)))
		assertNoCanary(t, logJSON("diagnosis", aadsts.Diagnose(err)))
	}
}

// TestAssertNoCanaryCatches makes sure the helper itself fails on a leak.
func TestAssertNoCanaryCatches(t *testing.T) {
	for _, leak := range []string{canaryClientSecret, "x" + canaryUser, "Bearer eyJhbGciOi", "canaryclientsecret-3F9A7C"} {
		ft := &fakeTB{TB: t}
		assertNoCanary(ft, "some output "+leak)
		if !ft.failed {
			t.Errorf("assertNoCanary missed %q", leak)
		}
	}
	ft := &fakeTB{TB: t}
	assertNoCanary(ft, "ClientSecretCredential: AADSTS7000215 invalid_client: The client secret is invalid (status 401)")
	if ft.failed {
		t.Error("assertNoCanary failed on a clean line")
	}
}

type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Errorf(string, ...any) { f.failed = true }

// reachableSecret reports whether secret is in the request an azidentity
// error keeps (its RawResponse.Request body): what stsdiag must never read.
func reachableSecret(err error, secret string) bool {
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) || afe.RawResponse == nil || afe.RawResponse.Request == nil {
		return false
	}
	req := afe.RawResponse.Request
	if req.GetBody == nil {
		return false
	}
	body, gerr := req.GetBody()
	if gerr != nil {
		return false
	}
	defer body.Close()
	b, _ := io.ReadAll(io.LimitReader(body, 1<<20))
	return bytes.Contains(b, []byte(secret)) || strings.Contains(fmt.Sprint(req.Header), secret) ||
		strings.Contains(req.URL.String(), secret) && req.Method != http.MethodGet
}
