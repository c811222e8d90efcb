package classify_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stsdiag/stsdiag/classify"
)

func TestTokens(t *testing.T) {
	// The tokens are a contract (DESIGN.md): logs, metrics and JSON depend on them.
	wantCats := []string{"unknown", "interaction_required", "consent_required", "client_credentials",
		"app_configuration", "user_account", "policy_blocked", "grant_expired", "transient", "throttled",
		"federation", "device_flow", "tenant", "invalid_request", "credential_unavailable", "network", "canceled"}
	var gotCats []string
	for _, c := range classify.Categories() {
		gotCats = append(gotCats, c.String())
	}
	if diff := cmp.Diff(wantCats, gotCats); diff != "" {
		t.Errorf("category tokens (-want +got):\n%s", diff)
	}
	wantActs := []string{"none", "retry", "retry_after", "keep_polling", "reauthenticate", "request_consent",
		"fix_credentials", "fix_app_configuration", "fix_request", "contact_admin", "user_action", "configure_environment"}
	var gotActs []string
	for _, a := range classify.Actions() {
		gotActs = append(gotActs, a.String())
	}
	if diff := cmp.Diff(wantActs, gotActs); diff != "" {
		t.Errorf("action tokens (-want +got):\n%s", diff)
	}
}

func TestTextRoundTrip(t *testing.T) {
	for _, c := range classify.Categories() {
		b, err := c.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back classify.Category
		if err := back.UnmarshalText(b); err != nil || back != c {
			t.Errorf("Category round trip %v: got %v, %v", c, back, err)
		}
	}
	for _, a := range classify.Actions() {
		b, err := a.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back classify.Action
		if err := back.UnmarshalText(b); err != nil || back != a {
			t.Errorf("Action round trip %v: got %v, %v", a, back, err)
		}
	}
	// JSON uses the tokens.
	b, err := json.Marshal(struct {
		C classify.Category
		A classify.Action
	}{classify.Throttled, classify.RetryAfter})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"C":"throttled","A":"retry_after"}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
}

func TestBadValues(t *testing.T) {
	if _, err := classify.ParseCategory("Throttled"); err == nil {
		t.Error("ParseCategory accepted a wrongly cased token")
	}
	if _, err := classify.ParseAction(""); err == nil {
		t.Error("ParseAction accepted an empty token")
	}
	var c classify.Category
	if err := c.UnmarshalText([]byte("nope")); err == nil || c != classify.Unknown {
		t.Errorf("UnmarshalText(nope) = %v, left %v", err, c)
	}
	if got := classify.Category(200).String(); got != "Category(200)" {
		t.Errorf("undefined category prints %q", got)
	}
	if _, err := classify.Category(200).MarshalText(); err == nil {
		t.Error("MarshalText of an undefined category succeeded")
	}
	if got := classify.Action(99).String(); got != "Action(99)" {
		t.Errorf("undefined action prints %q", got)
	}
	if _, err := classify.Action(99).MarshalText(); err == nil {
		t.Error("MarshalText of an undefined action succeeded")
	}
}

func v(c classify.Category, a classify.Action, r bool) classify.Verdict {
	return classify.Verdict{Category: c, Action: a, Retryable: r}
}

func TestOAuthError(t *testing.T) {
	tests := []struct {
		in   string
		want classify.Verdict
		ok   bool
	}{
		{"invalid_request", v(classify.InvalidRequest, classify.FixRequest, false), true},
		{"invalid_client", v(classify.ClientCredentials, classify.FixCredentials, false), true},
		{"invalid_grant", v(classify.GrantExpired, classify.Reauthenticate, false), true},
		{"unauthorized_client", v(classify.AppConfiguration, classify.FixAppConfiguration, false), true},
		{"unsupported_grant_type", v(classify.InvalidRequest, classify.FixRequest, false), true},
		{"invalid_scope", v(classify.AppConfiguration, classify.FixRequest, false), true},
		{"invalid_resource", v(classify.AppConfiguration, classify.FixAppConfiguration, false), true},
		{"access_denied", v(classify.PolicyBlocked, classify.ContactAdmin, false), true},
		{"server_error", v(classify.Transient, classify.Retry, true), true},
		{"temporarily_unavailable", v(classify.Transient, classify.Retry, true), true},
		{"interaction_required", v(classify.InteractionRequired, classify.Reauthenticate, false), true},
		{"login_required", v(classify.InteractionRequired, classify.Reauthenticate, false), true},
		{"consent_required", v(classify.ConsentRequired, classify.RequestConsent, false), true},
		{"authorization_pending", v(classify.DeviceFlow, classify.KeepPolling, true), true},
		{"slow_down", v(classify.DeviceFlow, classify.KeepPolling, true), true},
		{"expired_token", v(classify.DeviceFlow, classify.Reauthenticate, false), true},
		{"authorization_declined", v(classify.DeviceFlow, classify.Reauthenticate, false), true},
		{"", classify.Verdict{}, false},
		{"INVALID_GRANT", classify.Verdict{}, false},
		{"made_up", classify.Verdict{}, false},
	}
	for _, tt := range tests {
		got, ok := classify.OAuthError(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("OAuthError(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSubError(t *testing.T) {
	tests := []struct {
		in   string
		want classify.Verdict
		ok   bool
	}{
		{"basic_action", v(classify.InteractionRequired, classify.Reauthenticate, false), true},
		{"additional_action", v(classify.InteractionRequired, classify.Reauthenticate, false), true},
		{"message_only", v(classify.InteractionRequired, classify.Reauthenticate, false), true},
		{"consent_required", v(classify.ConsentRequired, classify.RequestConsent, false), true},
		{"user_password_expired", v(classify.UserAccount, classify.UserAction, false), true},
		{"bad_token", v(classify.GrantExpired, classify.Reauthenticate, false), true},
		{"client_mismatch", v(classify.GrantExpired, classify.Reauthenticate, false), true},
		{"protection_policy_required", v(classify.PolicyBlocked, classify.UserAction, false), true},
		{"", classify.Verdict{}, false},
		{"whatever", classify.Verdict{}, false},
	}
	for _, tt := range tests {
		got, ok := classify.SubError(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("SubError(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestStatus(t *testing.T) {
	tests := []struct {
		in   int
		want classify.Verdict
		ok   bool
	}{
		{429, v(classify.Throttled, classify.RetryAfter, true), true},
		{408, v(classify.Transient, classify.Retry, true), true},
		{500, v(classify.Transient, classify.Retry, true), true},
		{502, v(classify.Transient, classify.Retry, true), true},
		{503, v(classify.Transient, classify.Retry, true), true},
		{504, v(classify.Transient, classify.Retry, true), true},
		{501, v(classify.Transient, classify.None, false), true},
		{400, classify.Verdict{}, false},
		{401, classify.Verdict{}, false},
		{200, classify.Verdict{}, false},
		{0, classify.Verdict{}, false},
		{-1, classify.Verdict{}, false},
	}
	for _, tt := range tests {
		got, ok := classify.Status(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Status(%d) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

type typedNilErr struct{ msg string }

func (e *typedNilErr) Error() string { return e.msg }

func TestErr(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	var nilPtr *typedNilErr
	tests := []struct {
		name string
		err  error
		want classify.Verdict
		ok   bool
	}{
		{"nil", nil, classify.Verdict{}, false},
		{"canceled", context.Canceled, v(classify.Canceled, classify.None, false), true},
		{"wrapped canceled", fmt.Errorf("get token: %w", context.Canceled), v(classify.Canceled, classify.None, false), true},
		{"deadline", context.DeadlineExceeded, v(classify.Network, classify.Retry, true), true},
		{"refused", refused, v(classify.Network, classify.Retry, true), true},
		{"dns not found", &net.DNSError{Err: "no such host", Name: "login.example", IsNotFound: true}, v(classify.Network, classify.ConfigureEnvironment, false), true},
		{"dns timeout", &net.DNSError{Err: "timeout", Name: "login.example", IsTimeout: true}, v(classify.Network, classify.Retry, true), true},
		{"unknown CA", x509.UnknownAuthorityError{}, v(classify.Network, classify.ConfigureEnvironment, false), true},
		// azidentity flattens transport errors and deadlines into text.
		{"flattened deadline", errors.New("ClientSecretCredential: context deadline exceeded"), v(classify.Network, classify.Retry, true), true},
		{"flattened canceled", errors.New("ManagedIdentityCredential: context canceled"), v(classify.Canceled, classify.None, false), true},
		{"flattened refused", errors.New(`Post "https://login.example/t/oauth2/v2.0/token": dial tcp 10.0.0.1:443: connect: connection refused`), v(classify.Network, classify.Retry, true), true},
		{"flattened tls", errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"), v(classify.Network, classify.ConfigureEnvironment, false), true},
		{"flattened dns", errors.New("dial tcp: lookup login.example: no such host"), v(classify.Network, classify.ConfigureEnvironment, false), true},
		{"unrelated", errors.New("something else"), classify.Verdict{}, false},
		{"typed nil pointer", nilPtr, classify.Verdict{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := classify.Err(tt.err)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Err = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestErrRealDial checks the rule against a real failed connection.
func TestErrRealDial(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = net.Dial("tcp", addr)
	if err == nil {
		t.Skip("dial unexpectedly succeeded")
	}
	got, ok := classify.Err(err)
	if want := v(classify.Network, classify.Retry, true); got != want || !ok {
		t.Errorf("Err(%v) = %v, %v; want %v", err, got, ok, want)
	}
}

func ExampleOAuthError() {
	v, ok := classify.OAuthError("temporarily_unavailable")
	fmt.Println(v, ok)
	// Output: transient/retry/retryable true
}

func ExampleErr() {
	v, _ := classify.Err(fmt.Errorf("acquiring token: %w", context.Canceled))
	fmt.Println(v.Category, v.Retryable)
	// Output: canceled false
}
