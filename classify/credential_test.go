package classify_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stsdiag/stsdiag/classify"
)

// judged is a verdict with its cause and whether a rule applied.
type judged struct {
	V     classify.Verdict
	Cause classify.Cause
	OK    bool
}

var (
	unavail = v(classify.CredentialUnavailable, classify.ConfigureEnvironment, false)
	signIn  = v(classify.InteractionRequired, classify.Reauthenticate, false)
)

// TestUnavailable feeds the rules the messages azidentity v1.15 writes.
func TestUnavailable(t *testing.T) {
	tests := []struct {
		cred, msg string
		want      judged
	}{
		{"AzureCLICredential", "executable not found on path", judged{unavail, classify.AzureCLINotInstalled, true}},
		{"AzureCLICredential", "ERROR: Please run 'az login' to setup account. To troubleshoot, visit https://aka.ms/azsdk/go/identity/troubleshoot#azure-cli",
			judged{unavail, classify.AzureCLINotLoggedIn, true}},
		{"AzureCLICredential", `Subscription "a;b" contains invalid characters. If this is the name of a subscription, use its ID instead`,
			judged{v(classify.CredentialUnavailable, classify.FixRequest, false), classify.AzureCLIInvalidSubscription, true}},
		{"AzureCLICredential", ".GetToken(): Azure CLI requires multifactor authentication or additional claims. Run this command then retry the operation: az login --claims-challenge e30=",
			judged{signIn, classify.ClaimsChallenge, true}},
		{"AzureCLICredential", "signal: killed", judged{unavail, classify.DeveloperToolFailed, true}},
		{"AzureCLICredential", "context deadline exceeded", judged{v(classify.Network, classify.Retry, true), classify.Timeout, true}},
		{"AzureDeveloperCLICredential", "executable not found on path", judged{unavail, classify.AzureDeveloperCLINotInstalled, true}},
		{"AzureDeveloperCLICredential", "not logged in, run `azd auth login` to login", judged{unavail, classify.AzureDeveloperCLINotLoggedIn, true}},
		{"AzurePowerShellCredential", "executable not found on path", judged{unavail, classify.PowerShellNotInstalled, true}},
		{"AzurePowerShellCredential", "Az.Accounts module not found", judged{unavail, classify.AzPowerShellModuleMissing, true}},
		{"AzurePowerShellCredential", `Please run "Connect-AzAccount" to set up an account`, judged{unavail, classify.AzurePowerShellNotLoggedIn, true}},
		{"", "missing environment variable AZURE_TENANT_ID", judged{unavail, classify.EnvironmentNotConfigured, true}},
		{"EnvironmentCredential", "incomplete environment variable configuration. Only AZURE_TENANT_ID and AZURE_CLIENT_ID are set",
			judged{unavail, classify.EnvironmentNotConfigured, true}},
		{"", "no value for AZURE_PASSWORD", judged{unavail, classify.EnvironmentNotConfigured, true}},
		{"", `failed to read certificate file "/x.pem": open /x.pem: no such file or directory`, judged{unavail, classify.EnvironmentNotConfigured, true}},
		{"", "no client ID specified. Check pod configuration or set ClientID in the options", judged{unavail, classify.WorkloadIdentityNotConfigured, true}},
		{"WorkloadIdentityCredential", "open /var/run/secrets/azure/tokens/azure-identity-token: no such file or directory",
			judged{unavail, classify.WorkloadIdentityNotConfigured, true}},
		{"", "no value for environment variable SYSTEM_OIDCREQUESTURI. This should be set by Azure Pipelines",
			judged{unavail, classify.AzurePipelinesNotConfigured, true}},
		{"AzurePipelinesCredential", "unexpected response from OIDC endpoint",
			judged{v(classify.ClientCredentials, classify.ConfigureEnvironment, false), classify.AzurePipelinesOIDCFailed, true}},
		{"ClientSecretCredential", ` isn't configured to acquire tokens for tenant "x". To enable acquiring tokens for this tenant add it to the AdditionallyAllowedTenants`,
			judged{unavail, classify.TenantNotAllowed, true}},
		{"DeviceCodeCredential", " can't acquire a token without user interaction. Call Authenticate to authenticate a user interactively",
			judged{signIn, classify.AuthenticationRequired, true}},
		{"ManagedIdentityCredential", "the requested identity isn't assigned to this resource", judged{unavail, classify.ManagedIdentityNotAssigned, true}},
		{"ManagedIdentityCredential", `failed to authenticate a system assigned identity. The endpoint responded with {"error":"invalid_request"}`,
			judged{unavail, classify.ManagedIdentityNotAssigned, true}},
		{"ManagedIdentityCredential", "managed identity timed out. See https://aka.ms/azsdk/go/identity/troubleshoot#dac for more information",
			judged{unavail, classify.ManagedIdentityNoResponse, true}},
		{"ManagedIdentityCredential", `unexpected response "connecting to 169.254.169.254:80: ... unreachable network."`,
			judged{unavail, classify.ManagedIdentityUnavailable, true}},
		{"ManagedIdentityCredential", "error parsing the json error: invalid character '<' looking for beginning of value",
			judged{unavail, classify.ManagedIdentityBadResponse, true}},
		{"ManagedIdentityCredential", "error parsing the json error: expires_in and expires_on are both missing or invalid",
			judged{v(classify.Unknown, classify.None, false), classify.NoToken, true}},
		{"ManagedIdentityCredential", "dial tcp 169.254.169.254:80: connect: connection refused", judged{unavail, classify.ManagedIdentityNoResponse, true}},
		{"ManagedIdentityCredential", "context canceled", judged{v(classify.Canceled, classify.None, false), classify.CallerCanceled, true}},
		{"ManagedIdentityCredential", "something else", judged{}},
		{"ClientSecretCredential", "dial tcp: connection refused", judged{}}, // network: Text's job
		{"", "", judged{}},
	}
	for _, tt := range tests {
		t.Run(tt.cred+" "+tt.msg, func(t *testing.T) {
			gotV, gotC, ok := classify.Unavailable(tt.cred, tt.msg)
			if diff := cmp.Diff(tt.want, judged{gotV, gotC, ok}); diff != "" {
				t.Errorf("Unavailable (-want +got):\n%s", diff)
			}
		})
	}
}

func TestManagedIdentity(t *testing.T) {
	retry := v(classify.Transient, classify.Retry, true)
	tests := map[int]judged{
		400: {unavail, classify.ManagedIdentityNotAssigned, true},
		403: {unavail, classify.ManagedIdentityForbidden, true},
		404: {retry, classify.ManagedIdentityNotFound, true},
		410: {retry, classify.ManagedIdentityUpdating, true},
		429: {v(classify.Throttled, classify.RetryAfter, true), classify.ManagedIdentityThrottled, true},
		500: {retry, classify.ManagedIdentityServerError, true},
		501: {v(classify.Transient, classify.None, false), classify.ManagedIdentityServerError, true},
		502: {unavail, classify.ManagedIdentityGateway, true},
		503: {retry, classify.ManagedIdentityServerError, true},
		504: {unavail, classify.ManagedIdentityGateway, true},
		401: {},
		408: {},
		200: {},
	}
	for status, want := range tests {
		gotV, gotC, ok := classify.ManagedIdentity(status)
		if diff := cmp.Diff(want, judged{gotV, gotC, ok}); diff != "" {
			t.Errorf("ManagedIdentity(%d) (-want +got):\n%s", status, diff)
		}
	}
}

func TestAzurePipelinesAndService(t *testing.T) {
	source := v(classify.ClientCredentials, classify.ConfigureEnvironment, false)
	pipelines := map[int]judged{
		401: {source, classify.AzurePipelinesAccessTokenInvalid, true},
		403: {source, classify.AzurePipelinesAccessTokenInvalid, true},
		404: {source, classify.AzurePipelinesServiceConnectionNotFound, true},
		400: {source, classify.AzurePipelinesOIDCFailed, true},
		503: {v(classify.Transient, classify.Retry, true), classify.AzurePipelinesOIDCFailed, true},
	}
	for status, want := range pipelines {
		gotV, gotC := classify.AzurePipelines(status)
		if diff := cmp.Diff(want, judged{gotV, gotC, true}); diff != "" {
			t.Errorf("AzurePipelines(%d) (-want +got):\n%s", status, diff)
		}
	}
	service := []struct {
		status    int
		challenge bool
		want      judged
	}{
		{401, false, judged{v(classify.AppConfiguration, classify.FixAppConfiguration, false), classify.ServiceUnauthorized, true}},
		{401, true, judged{signIn, classify.ClaimsChallenge, true}},
		{403, false, judged{v(classify.PolicyBlocked, classify.ContactAdmin, false), classify.ServiceForbidden, true}},
		{429, false, judged{v(classify.Throttled, classify.RetryAfter, true), classify.ServiceError, true}},
		{503, false, judged{v(classify.Transient, classify.Retry, true), classify.ServiceError, true}},
		{404, false, judged{classify.Verdict{}, classify.ServiceError, true}},
	}
	for _, tt := range service {
		gotV, gotC := classify.Service(tt.status, tt.challenge)
		if diff := cmp.Diff(tt.want, judged{gotV, gotC, true}); diff != "" {
			t.Errorf("Service(%d, %v) (-want +got):\n%s", tt.status, tt.challenge, diff)
		}
	}
}

func TestUnusableResponse(t *testing.T) {
	for msg, want := range map[string]bool{
		"ClientSecretCredential: json decode error: unexpected EOF\nraw message was: {\"access_token\":": true,
		"json decode error: expires_in and expires_on are both missing or invalid":                       true,
		"response is missing access_token":                                                               true,
		"ManagedIdentityCredential: error parsing the json error: unexpected end of JSON input":          true,
		"unexpected EOF": false,
	} {
		_, c, ok := classify.UnusableResponse(msg)
		if ok != want || (ok && c != classify.NoToken) {
			t.Errorf("UnusableResponse(%q) = %v, %v; want %v", msg, c, ok, want)
		}
		// A decoding failure is no network failure, though it says "EOF".
		if _, ok := classify.Text(msg); ok && want {
			t.Errorf("Text(%q) judged a decoding failure as a network failure", msg)
		}
	}
}

func TestErrCause(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want judged
	}{
		{"canceled", fmt.Errorf("x: %w", context.Canceled), judged{v(classify.Canceled, classify.None, false), classify.CallerCanceled, true}},
		{"deadline", context.DeadlineExceeded, judged{v(classify.Network, classify.Retry, true), classify.Timeout, true}},
		{"refused", refused, judged{v(classify.Network, classify.Retry, true), classify.ConnectionFailure, true}},
		{"dns", &net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}, judged{v(classify.Network, classify.ConfigureEnvironment, false), classify.DNSFailure, true}},
		{"tls", x509.UnknownAuthorityError{}, judged{v(classify.Network, classify.ConfigureEnvironment, false), classify.TLSFailure, true}},
		{"timeout", &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}, judged{v(classify.Network, classify.Retry, true), classify.Timeout, true}},
		{"text tls", errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"),
			judged{v(classify.Network, classify.ConfigureEnvironment, false), classify.TLSFailure, true}},
		{"text reset", errors.New("read tcp: connection reset by peer"), judged{v(classify.Network, classify.Retry, true), classify.ConnectionFailure, true}},
		{"other", errors.New("boom"), judged{}},
		{"nil", nil, judged{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotV, gotC, ok := classify.ErrCause(tt.err)
			if diff := cmp.Diff(tt.want, judged{gotV, gotC, ok}); diff != "" {
				t.Errorf("ErrCause (-want +got):\n%s", diff)
			}
			if gotV2, ok2 := classify.Err(tt.err); gotV2 != gotV || ok2 != ok {
				t.Errorf("Err = %v, %v; ErrCause = %v, %v", gotV2, ok2, gotV, ok)
			}
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestCauses(t *testing.T) {
	token := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	seen := map[classify.Cause]bool{}
	for _, c := range classify.Causes() {
		if !token.MatchString(c.String()) {
			t.Errorf("cause %q is not a lower-case token", c)
		}
		if seen[c] {
			t.Errorf("cause %q listed twice", c)
		}
		seen[c] = true
	}
	if seen[classify.NoCause] {
		t.Error("Causes lists NoCause")
	}
	// Every constant of cause.go is listed.
	src, err := os.ReadFile("cause.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`(?m)^\t\w+\s+Cause = "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		if !seen[classify.Cause(m[1])] {
			t.Errorf("cause %q is missing from Causes()", m[1])
		}
	}
}
