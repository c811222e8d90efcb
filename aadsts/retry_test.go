package aadsts_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/google/go-cmp/cmp"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
	"github.com/stsdiag/stsdiag/classify"
)

// fastRetry is azcore's retry policy with short delays.
func fastRetry(should func(*http.Response, error) bool) policy.RetryOptions {
	return policy.RetryOptions{ShouldRetry: should, MaxRetries: 3, RetryDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond}
}

func withStatus(r aadststest.Reply, status int) aadststest.Reply {
	r.Status = status
	r.RetryAfter = ""
	return r
}

// TestShouldRetryRealCredential measures how many token requests a real
// ClientSecretCredential sends when its ClientOptions.Retry uses ShouldRetry,
// against azcore's default (which retries 408, 429, 500, 502, 503 and 504
// whatever the body says). The rows where the two differ show that
// azidentity's pipeline does honour ShouldRetry for token requests.
func TestShouldRetryRealCredential(t *testing.T) {
	tests := []struct {
		name              string
		reply             aadststest.Reply
		withShouldRetry   int // token requests with aadsts.ShouldRetry
		withDefaultPolicy int // token requests with azcore's default
	}{
		{"7000215 bad secret (401)", aadststest.ForCode(7000215), 1, 1},
		{"53003 Conditional Access (400)", aadststest.ForCode(53003), 1, 1},
		{"90006 transient (503)", aadststest.ForCode(90006), 4, 4},
		{"50033 transient (503)", aadststest.ForCode(50033), 4, 4},
		{"90006 transient sent with 400", withStatus(aadststest.ForCode(90006), 400), 4, 1},
		{"50196 request loop (429, not retryable)", withStatus(aadststest.ForCode(50196), 429), 1, 4},
		{"throttled 429 without a code", aadststest.Reply{Status: 429, OAuthError: "temporarily_unavailable", Message: "Slow down."}, 4, 4},
		{"HTML 502 from a proxy", aadststest.Raw(502, "text/html", []byte("<html>Bad Gateway</html>")), 4, 4},
	}
	srv := aadststest.NewServer()
	defer srv.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, should := range []bool{true, false} {
				srv.Reset()
				srv.Always(tt.reply)
				o := srv.ClientOptions()
				want := tt.withDefaultPolicy
				o.Retry = fastRetry(nil)
				if should {
					o.Retry = fastRetry(aadsts.ShouldRetry)
					want = tt.withShouldRetry
				}
				cred, err := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "s",
					&azidentity.ClientSecretCredentialOptions{ClientOptions: o, DisableInstanceDiscovery: true})
				if err != nil {
					t.Fatal(err)
				}
				_, err = cred.GetToken(context.Background(), tro)
				if err == nil {
					t.Fatal("GetToken succeeded")
				}
				if got := srv.TokenRequests(); got != want {
					t.Errorf("ShouldRetry=%v: %d token requests, want %d", should, got, want)
				}
				// ShouldRetry read the body through runtime.Payload: the
				// error still prints it.
				if should && strings.Contains(err.Error(), "Response contained no body") {
					t.Errorf("the error lost its body: %v", err)
				}
				if should && aadsts.IsRetryable(err) != (tt.withShouldRetry > 1) {
					t.Errorf("IsRetryable = %v, disagrees with ShouldRetry", aadsts.IsRetryable(err))
				}
			}
		})
	}
}

// TestShouldRetryManagedIdentity: with ShouldRetry, a managed identity
// credential retries what IMDS asks to be retried and nothing else.
func TestShouldRetryManagedIdentity(t *testing.T) {
	for _, tt := range []struct {
		status int
		want   int32
	}{{400, 1}, {403, 1}, {404, 4}, {410, 4}, {429, 4}, {500, 4}, {502, 1}} {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			clearEnv(t)
			var n atomic.Int32
			cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ClientOptions: azcore.ClientOptions{
				Transport: fakeIMDS(tt.status, nil, `{"error":"x"}`, &n), Retry: fastRetry(aadsts.ShouldRetry)}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = cred.GetToken(context.Background(), tro)
			if err == nil {
				t.Fatal("GetToken succeeded")
			}
			if got := n.Load(); got != tt.want {
				t.Errorf("%d requests, want %d", got, tt.want)
			}
		})
	}
}

// TestShouldRetry judges responses and transport errors directly.
func TestShouldRetry(t *testing.T) {
	req := func(method, u string) *http.Request {
		r, err := http.NewRequest(method, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	token := req(http.MethodPost, "https://login.microsoftonline.com/t/oauth2/v2.0/token")
	imds := req(http.MethodGet, "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=r")
	service := req(http.MethodGet, "https://vault.example/secrets/s1")
	body := func(code aadsts.Code, oauth string) string {
		return fmt.Sprintf(`{"error":%q,"error_description":"%s: x","error_codes":[%d]}`, oauth, code, code)
	}
	tests := []struct {
		name string
		resp *http.Response
		err  error
		want bool
	}{
		{"nothing", nil, nil, false},
		{"200", respond(token, 200, nil, `{"access_token":"x"}`), nil, false},
		{"token 401 7000215", respond(token, 401, nil, body(7000215, "invalid_client")), nil, false},
		{"token 400 53003", respond(token, 400, nil, body(53003, "invalid_grant")), nil, false},
		{"token 400 90006", respond(token, 400, nil, body(90006, "invalid_request")), nil, true},
		{"token 503 empty", respond(token, 503, nil, ""), nil, true},
		{"token 429 50196", respond(token, 429, nil, body(50196, "invalid_request")), nil, false},
		{"IMDS 404", respond(imds, 404, nil, ""), nil, true},
		{"IMDS 400", respond(imds, 400, nil, `{"error":"invalid_request"}`), nil, false},
		{"IMDS 504", respond(imds, 504, nil, ""), nil, false},
		{"service 403", respond(service, 403, nil, `{"error":{"code":"Forbidden"}}`), nil, false},
		{"service 503", respond(service, 503, nil, ""), nil, true},
		{"canceled", nil, fmt.Errorf("send: %w", context.Canceled), false},
		{"try timed out", nil, fmt.Errorf("send: %w", context.DeadlineExceeded), true},
		{"refused", nil, refused(token), true},
		{"untrusted certificate", nil, &url.Error{Op: "Post", URL: token.URL.String(), Err: x509.UnknownAuthorityError{}}, false},
		{"unknown transport error", nil, errors.New("transport exploded"), true},
		{"non-retriable marker", nil, nonRetriable{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aadsts.ShouldRetry(tt.resp, tt.err); got != tt.want {
				t.Errorf("ShouldRetry = %v, want %v", got, tt.want)
			}
			if tt.resp != nil && tt.resp.StatusCode >= 400 {
				// The body is still there for the client library.
				b, err := runtime.Payload(tt.resp)
				if err != nil || (tt.resp.ContentLength > 0 && len(b) == 0) {
					t.Errorf("body after ShouldRetry: %q, %v", b, err)
				}
			}
		})
	}
}

type nonRetriable struct{}

func (nonRetriable) Error() string { return "connection refused, but stop" }
func (nonRetriable) NonRetriable() {}

// deviceCode returns a DeviceCodeCredential against srv whose prompt does
// nothing, with extra per-retry policies.
func deviceCode(t *testing.T, srv *aadststest.Server, perRetry ...policy.Policy) azcore.TokenCredential {
	t.Helper()
	o := srv.ClientOptions()
	o.PerRetryPolicies = perRetry
	c, err := azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{ClientOptions: o, DisableInstanceDiscovery: true,
		TenantID: aadststest.TenantID, ClientID: aadststest.ClientID,
		UserPrompt: func(context.Context, azidentity.DeviceCodeMessage) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRecordingPolicyDeviceCode shows that the device-code flow loses the
// token endpoint's answer (MSAL reads every 400 body to decide whether to
// keep polling), and that RecordingPolicy with WrapCredential recovers it.
// The fake serves interval 1, but MSAL polls after 50 ms, then 150 ms more.
func TestRecordingPolicyDeviceCode(t *testing.T) {
	type outcome struct {
		Code       aadsts.Code
		OAuthError string
		Status     int
		Attempts   int
		Credential string
		Category   classify.Category
		InText     bool // the code appears in the error's text
	}
	tests := []struct {
		name  string
		final aadsts.Code
		want  outcome
	}{
		{"expired device code", 70020, outcome{70020, "expired_token", 400, 2, "DeviceCodeCredential", classify.DeviceFlow, true}},
		{"wrong password", 50126, outcome{50126, "invalid_grant", 400, 2, "DeviceCodeCredential", classify.UserAccount, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := aadststest.NewServer()
			defer srv.Close()
			run := func(cred azcore.TokenCredential) outcome {
				srv.Reset()
				srv.Enqueue(aadststest.ForCode(70016), aadststest.ForCode(tt.final)) // pending, then the failure
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_, err := cred.GetToken(ctx, tro)
				if err == nil {
					t.Fatal("GetToken succeeded")
				}
				var o outcome
				if st, ok := aadsts.FromError(err); ok {
					o = outcome{st.Code(), st.OAuthError, st.StatusCode, st.Attempts, st.Credential, aadsts.Diagnose(err).Category, false}
				}
				o.InText = strings.Contains(err.Error(), tt.final.String())
				if got := srv.TokenRequests(); got != 2 {
					t.Errorf("%d token requests, want 2", got)
				}
				return o
			}

			// With the policy and the wrapper: the code is back.
			got := run(aadsts.WrapCredential(deviceCode(t, srv, aadsts.RecordingPolicy())))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("recorded (-want +got):\n%s", diff)
			}

			// Without the policy, or without the wrapper (no collector in
			// the context): only the status survives, not even in the text.
			lost := outcome{Status: 400, Credential: "DeviceCodeCredential"}
			for name, cred := range map[string]azcore.TokenCredential{
				"no policy":  aadsts.WrapCredential(deviceCode(t, srv)),
				"no wrapper": deviceCode(t, srv, aadsts.RecordingPolicy()),
			} {
				if diff := cmp.Diff(lost, run(cred)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", name, diff)
				}
			}
		})
	}
}

// TestRecordingPolicyCountsRetries: the policy sees every retry of azcore's
// retry policy, so Attempts counts them, and the error is the last answer.
func TestRecordingPolicyCountsRetries(t *testing.T) {
	srv := aadststest.NewServer()
	defer srv.Close()
	o := srv.ClientOptions()
	o.Retry = fastRetry(aadsts.ShouldRetry)
	o.PerRetryPolicies = []policy.Policy{aadsts.RecordingPolicy()}
	cred, err := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "s",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: o, DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	srv.Enqueue(aadststest.ForCode(90006), aadststest.ForCode(90006), aadststest.ForCode(7000215))
	_, err = aadsts.WrapCredential(cred).GetToken(context.Background(), tro)
	var st *aadsts.STSError
	if !errors.As(err, &st) {
		t.Fatalf("no STSError in %v", err)
	}
	if st.Code() != 7000215 || st.Attempts != 3 || st.Credential != "ClientSecretCredential" {
		t.Errorf("STSError = %v (attempts %d); want AADSTS7000215 after 3 attempts", st, st.Attempts)
	}
	if !strings.Contains(st.Error(), "attempts 3") {
		t.Errorf("Error() = %q; want the attempts", st.Error())
	}
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) {
		t.Error("the wrapped error hides azidentity's error")
	}
	if n := srv.TokenRequests(); n != 3 {
		t.Errorf("%d token requests, want 3", n)
	}

	// A success leaves nothing behind.
	srv.Reset()
	cred2, _ := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "s",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: o, DisableInstanceDiscovery: true})
	if _, err := aadsts.WrapCredential(cred2).GetToken(context.Background(), tro); err != nil {
		t.Errorf("GetToken: %v", err)
	}
}

// TestRecordingPolicyIgnoresOtherRequests: requests that are not token
// requests, and requests without a WrapCredential context, pass through.
func TestRecordingPolicyIgnoresOtherRequests(t *testing.T) {
	var n atomic.Int32
	pl := runtime.NewPipeline("stsdiagtest", "v0.0.0", runtime.PipelineOptions{}, &policy.ClientOptions{
		Retry:            policy.RetryOptions{MaxRetries: -1},
		PerRetryPolicies: []policy.Policy{aadsts.RecordingPolicy()},
		Transport: transport(func(r *http.Request) (*http.Response, error) {
			n.Add(1)
			return respond(r, 400, nil, `{"error":"invalid_grant"}`), nil
		}),
	})
	for _, u := range []string{"https://login.example/t/oauth2/v2.0/token", "https://vault.example/secrets"} {
		req, _ := runtime.NewRequest(context.Background(), http.MethodPost, u)
		resp, err := pl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if string(b) != `{"error":"invalid_grant"}` {
			t.Errorf("body = %q", b)
		}
	}
	if n.Load() != 2 {
		t.Errorf("%d requests", n.Load())
	}
}
