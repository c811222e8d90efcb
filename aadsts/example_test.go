package aadsts_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
	"github.com/stsdiag/stsdiag/classify"
)

// A real ClientSecretCredential, pointed at the fake token endpoint, fails
// with an expired secret; errors.As finds the STSError.
func Example() {
	srv := aadststest.NewServer()
	defer srv.Close()
	srv.Enqueue(aadststest.ForCode(7000222))

	cred, _ := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "secret",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: srv.ClientOptions(), DisableInstanceDiscovery: true})
	_, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{aadststest.Scope}})

	var stsErr *aadsts.STSError
	if errors.As(aadsts.Wrap(err), &stsErr) {
		fmt.Println(stsErr.Code(), stsErr.OAuthError, stsErr.Credential)
		fmt.Println(stsErr.Category(), stsErr.Action(), stsErr.IsRetryable())
	}
	// Output:
	// AADSTS7000222 invalid_client ClientSecretCredential
	// client_credentials fix_credentials false
}

func ExampleLookup() {
	info, ok := aadsts.Lookup(50076)
	fmt.Println(ok, info.Name, info.Category, info.Action, info.Retryable)
	// Output: true UserStrongAuthClientAuthNRequired interaction_required reauthenticate false
}

func ExampleParseCode() {
	c, err := aadsts.ParseCode("AADSTS700016")
	fmt.Println(uint32(c), c, err)
	// Output: 700016 AADSTS700016 <nil>
}

// FromError also reads an error's text, such as a pasted log line.
func ExampleFromError() {
	err := errors.New("AADSTS53003: Access has been blocked by Conditional Access policies. Trace ID: 0000aaaa-0000-0000-0000-000000000001 Correlation ID: 0000bbbb-0000-0000-0000-000000000002")
	if st, ok := aadsts.FromError(err); ok {
		fmt.Println(st.Code(), st.Category(), st.TraceID)
	}
	// Output: AADSTS53003 policy_blocked 0000aaaa-0000-0000-0000-000000000001
}

// IsRetryable and RetryAfter drive a retry loop.
func ExampleIsRetryable() {
	srv := aadststest.NewServer()
	defer srv.Close()
	srv.Enqueue(aadststest.Reply{Status: 429, OAuthError: "temporarily_unavailable", Message: "Slow down.", RetryAfter: "2"})

	cred, _ := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "secret",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: srv.ClientOptions(), DisableInstanceDiscovery: true})
	_, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{aadststest.Scope}})

	wait, ok := aadsts.RetryAfter(err)
	fmt.Println(aadsts.IsRetryable(err), wait, ok)
	fmt.Println(aadsts.IsRetryable(context.Canceled), aadsts.IsRetryable(context.DeadlineExceeded))
	// Output:
	// true 2s true
	// false true
}

// LogAttr logs the STSError's allow-listed fields even through %w wrapping.
func ExampleLogAttr() {
	err := fmt.Errorf("refreshing cache: %w", aadsts.Wrap(errors.New(
		`{"error":"invalid_grant","error_description":"AADSTS700082: expired for user bob@contoso.com","error_codes":[700082],"trace_id":"0000aaaa-0000-0000-0000-000000000001"}`)))
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // stable output
			}
			return a
		}}))
	logger.Error("token refresh failed", aadsts.LogAttr("sts", err))
	// Output:
	// level=ERROR msg="token refresh failed" sts.code=AADSTS700082 sts.error=invalid_grant sts.category=grant_expired sts.action=reauthenticate sts.retryable=false sts.trace_id=0000aaaa-0000-0000-0000-000000000001
}

func ExampleSTSError_Verdict() {
	e := &aadsts.STSError{StatusCode: 400, OAuthError: "invalid_grant", SubError: "consent_required"}
	v := e.Verdict()
	fmt.Println(v.Category == classify.ConsentRequired, v)
	// Output: true consent_required/request_consent
}
