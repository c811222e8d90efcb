package aadsts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
	"github.com/google/go-cmp/cmp"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
	"github.com/stsdiag/stsdiag/classify"
	"github.com/stsdiag/stsdiag/internal/realclients"
)

const (
	traceID = "0000aaaa-1111-2222-3333-444444444444"
	corrID  = "5555bbbb-6666-7777-8888-999999999999"
)

var stamp = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// parsed is what the tests compare: every field FromError parses, and the
// verdict.
type parsed struct {
	Status        int
	OAuthError    string
	Codes         []aadsts.Code
	SubError      string
	HasClaims     bool
	TraceID       string
	CorrelationID string
	Timestamp     time.Time
	ErrorURI      string
	RetryAfter    time.Duration
	Credential    string
	Category      classify.Category
	Action        classify.Action
	Retryable     bool
}

func summarize(e *aadsts.STSError) parsed {
	return parsed{
		Status: e.StatusCode, OAuthError: e.OAuthError, Codes: e.Codes, SubError: e.SubError,
		HasClaims: e.Claims != "", TraceID: e.TraceID, CorrelationID: e.CorrelationID, Timestamp: e.Timestamp,
		ErrorURI: e.ErrorURI, RetryAfter: e.RetryAfter, Credential: e.Credential,
		Category: e.Category(), Action: e.Action(), Retryable: e.IsRetryable(),
	}
}

// failure is one scripted failure and what must be parsed from it.
type failure struct {
	name  string
	reply aadststest.Reply
	want  parsed // Credential is filled in per client
	// bodyMark is text of the response body that the original error's
	// Error() must still show after FromError ran ("" when there is no body).
	bodyMark string
}

func coded(code aadsts.Code) aadststest.Reply {
	r := aadststest.ForCode(code)
	r.TraceID, r.CorrelationID, r.Timestamp = traceID, corrID, stamp
	return r
}

func raw(status int, ctype, body string) aadststest.Reply {
	r := aadststest.Raw(status, ctype, []byte(body))
	r.TraceID, r.CorrelationID = traceID, corrID
	return r
}

func uri(code string) string { return "https://login.microsoftonline.com/error?code=" + code }

func failures() []failure {
	stsParsed := func(status int, oauth string, code aadsts.Code, cat classify.Category, act classify.Action, retry bool) parsed {
		return parsed{Status: status, OAuthError: oauth, Codes: []aadsts.Code{code}, TraceID: traceID, CorrelationID: corrID,
			Timestamp: stamp, ErrorURI: uri(strings.TrimPrefix(code.String(), "AADSTS")), Category: cat, Action: act, Retryable: retry}
	}
	mfa := stsParsed(400, "invalid_grant", 50076, classify.InteractionRequired, classify.Reauthenticate, false)
	mfa.SubError, mfa.HasClaims = "basic_action", true
	consent := stsParsed(400, "invalid_grant", 65001, classify.ConsentRequired, classify.RequestConsent, false)
	consent.SubError = "consent_required"
	expired := stsParsed(400, "invalid_grant", 700082, classify.GrantExpired, classify.Reauthenticate, false)
	expired.SubError = "bad_token"
	revoked := stsParsed(400, "invalid_grant", 50173, classify.GrantExpired, classify.Reauthenticate, false)
	revoked.SubError = "bad_token"

	throttle := aadststest.Reply{Status: 429, OAuthError: "temporarily_unavailable", Message: "Too many requests.",
		TraceID: traceID, CorrelationID: corrID, Timestamp: stamp, RetryAfter: "7"}
	truncated := `{"error":"invalid_grant","error_description":"AADSTS50173: The grant was revoked.\r\nTrace ID: ` + traceID + `\r\nCorrelation ID: ` + corrID + `\r\nTimestamp: 2026-11-22 10:00:00Z","error_co`

	return []failure{
		{"InvalidSecret7000215", coded(7000215), stsParsed(401, "invalid_client", 7000215, classify.ClientCredentials, classify.FixCredentials, false), "AADSTS7000215"},
		{"ExpiredSecret7000222", coded(7000222), stsParsed(401, "invalid_client", 7000222, classify.ClientCredentials, classify.FixCredentials, false), "AADSTS7000222"},
		{"AppNotFound700016", coded(700016), stsParsed(400, "unauthorized_client", 700016, classify.AppConfiguration, classify.FixAppConfiguration, false), "AADSTS700016"},
		{"MFA50076", coded(50076), mfa, "AADSTS50076"},
		{"RefreshExpired700082", coded(700082), expired, "AADSTS700082"},
		{"GrantRevoked50173", coded(50173), revoked, "AADSTS50173"},
		{"Consent65001", coded(65001), consent, "AADSTS65001"},
		{"ConditionalAccess53003", coded(53003), stsParsed(400, "invalid_grant", 53003, classify.PolicyBlocked, classify.ContactAdmin, false), "AADSTS53003"},
		{"InvalidScope70011", coded(70011), stsParsed(400, "invalid_scope", 70011, classify.InvalidRequest, classify.FixRequest, false), "AADSTS70011"},
		{"MissingParameter900144", coded(900144), stsParsed(400, "invalid_request", 900144, classify.InvalidRequest, classify.FixRequest, false), "AADSTS900144"},
		{"Throttled429", throttle, parsed{Status: 429, OAuthError: "temporarily_unavailable", TraceID: traceID, CorrelationID: corrID,
			Timestamp: stamp, RetryAfter: 7 * time.Second, Category: classify.Throttled, Action: classify.RetryAfter, Retryable: true}, "Too many requests"},
		{"Transient90033", coded(90033), stsParsed(503, "temporarily_unavailable", 90033, classify.Transient, classify.Retry, true), "AADSTS90033"},
		{"HTML503", raw(503, "text/html", "<html><body><h1>503 Service Unavailable</h1>The proxy could not reach the server.</body></html>"),
			parsed{Status: 503, TraceID: traceID, CorrelationID: corrID, Category: classify.Transient, Action: classify.Retry, Retryable: true}, "The proxy could not reach"},
		{"Empty400", raw(400, "", ""), parsed{Status: 400, TraceID: traceID, CorrelationID: corrID}, ""},
		{"MalformedJSON", raw(400, "application/json", truncated),
			parsed{Status: 400, OAuthError: "invalid_grant", Codes: []aadsts.Code{50173}, TraceID: traceID, CorrelationID: corrID,
				Timestamp: stamp, Category: classify.GrantExpired, Action: classify.Reauthenticate}, "The grant was revoked"},
	}
}

// TestRealClients drives each real client into each failure and checks what
// FromError makes of the client's error.
func TestRealClients(t *testing.T) {
	for _, f := range failures() {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			srv := aadststest.NewServer()
			defer srv.Close()
			clients, err := realclients.All(srv, realclients.DefaultSecrets)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range clients {
				t.Run(c.Name, func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
					defer cancel()
					if err := c.Script(ctx, srv, f.reply); err != nil {
						t.Fatal(err)
					}
					err := c.Acquire(ctx)
					if err == nil {
						t.Fatal("token request succeeded; want the scripted failure")
					}
					st, ok := aadsts.FromError(err)
					if !ok {
						t.Fatalf("FromError found no token response in %T: %v", err, err)
					}
					want := f.want
					want.Credential = c.Credential
					if diff := cmp.Diff(want, summarize(st)); diff != "" {
						t.Errorf("FromError mismatch (-want +got):\n%s", diff)
					}
					if !errors.Is(st, err) && st.Unwrap() != err {
						t.Errorf("STSError does not unwrap to the original error")
					}
					// The original error must still print the body.
					text := err.Error()
					if f.bodyMark != "" && strings.Contains(text, "Response contained no body") {
						t.Errorf("FromError consumed the response body; Error() now says:\n%s", text)
					}
					if f.bodyMark != "" && !strings.Contains(text, f.bodyMark) {
						t.Errorf("original Error() lost the body mark %q:\n%s", f.bodyMark, text)
					}
					var ce msalerrors.CallErr
					if errors.As(err, &ce) && f.bodyMark != "" && ce.Resp != nil {
						if v := msalerrors.Verbose(err); !strings.Contains(v, f.bodyMark) {
							t.Errorf("MSAL's Verbose() lost the body mark %q after FromError", f.bodyMark)
						}
					}
					// Wrap keeps the client's own error type reachable.
					wrapped := aadsts.Wrap(err)
					var st2 *aadsts.STSError
					if !errors.As(wrapped, &st2) {
						t.Errorf("errors.As(Wrap(err), *STSError) = false")
					}
					var afe *azidentity.AuthenticationFailedError
					if errors.As(err, &afe) != errors.As(wrapped, &afe) {
						t.Errorf("Wrap hid *azidentity.AuthenticationFailedError")
					}
					if errors.As(err, &ce) != errors.As(wrapped, &ce) {
						t.Errorf("Wrap hid MSAL's CallErr")
					}
					if got, want := aadsts.IsRetryable(err), f.want.Retryable; got != want {
						t.Errorf("IsRetryable(err) = %v, want %v", got, want)
					}
					d, ok := aadsts.RetryAfter(err)
					if ok != (f.want.RetryAfter > 0) || d != f.want.RetryAfter {
						t.Errorf("RetryAfter(err) = %v, %v; want %v", d, ok, f.want.RetryAfter)
					}
					if n := srv.TokenRequests(); c.Prime == nil && n != 1 {
						t.Errorf("server saw %d token requests, want 1", n)
					}
				})
			}
		})
	}
}

// TestSuccessIsNotAnError makes sure the fake issues tokens every client
// accepts, so the failures above are the scripted ones.
func TestSuccessIsNotAnError(t *testing.T) {
	srv := aadststest.NewServer()
	defer srv.Close()
	clients, err := realclients.All(srv, realclients.DefaultSecrets)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		t.Run(c.Name, func(t *testing.T) {
			ctx := context.Background()
			if err := c.Script(ctx, srv); err != nil {
				t.Fatal(err)
			}
			if err := c.Acquire(ctx); err != nil {
				t.Fatalf("Acquire: %v", err)
			}
		})
	}
}
