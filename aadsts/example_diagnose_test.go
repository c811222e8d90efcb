package aadsts_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
)

// unconfigured stands in for an EnvironmentCredential without its
// variables: it reports itself unavailable, as azidentity's credentials do.
type unconfigured struct{}

func (unconfigured) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, azidentity.NewCredentialUnavailableError("EnvironmentCredential: missing environment variable AZURE_TENANT_ID")
}

// A chain tries an unconfigured credential, then a ClientSecretCredential
// whose secret is wrong. Diagnose judges the chain by the credential that
// ended it, and each attempt on its own.
func ExampleDiagnose() {
	srv := aadststest.NewServer()
	defer srv.Close()
	srv.Enqueue(aadststest.ForCode(7000215))

	secret, _ := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "secret",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: srv.ClientOptions(), DisableInstanceDiscovery: true})
	chain, _ := azidentity.NewChainedTokenCredential([]azcore.TokenCredential{unconfigured{}, secret}, nil)
	_, err := chain.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{aadststest.Scope}})

	d := aadsts.Diagnose(err)
	fmt.Println(d.Verdict(), d.Credential, d.STS.Code())
	for _, a := range d.Attempts {
		fmt.Println("-", a.Credential, a.Verdict(), a.Cause)
	}
	// Output:
	// client_credentials/fix_credentials ClientSecretCredential AADSTS7000215
	// - EnvironmentCredential credential_unavailable/configure_environment environment_not_configured
	// - ClientSecretCredential client_credentials/fix_credentials
}

// Failures that never reached the token service get a cause.
func ExampleDiagnose_withoutResponse() {
	for _, err := range []error{
		errors.New("AzureCLICredential: ERROR: Please run 'az login' to setup account."),
		errors.New("ManagedIdentityCredential: managed identity timed out. See https://aka.ms/azsdk/go/identity/troubleshoot#dac for more information"),
		fmt.Errorf("ClientSecretCredential: %w", context.DeadlineExceeded),
		context.Canceled,
	} {
		d := aadsts.Diagnose(err)
		fmt.Println(d.Verdict(), d.Cause)
	}
	// Output:
	// credential_unavailable/configure_environment azure_cli_not_logged_in
	// credential_unavailable/configure_environment managed_identity_no_response
	// network/retry/retryable timeout
	// canceled/none caller_canceled
}

// ShouldRetry makes azcore's retry policy, which azidentity's credentials
// send their token requests through, retry what stsdiag judges retryable: a
// transient AADSTS90006 even with status 400 (azcore alone would not), but
// not a wrong secret.
func ExampleShouldRetry() {
	srv := aadststest.NewServer()
	defer srv.Close()
	transient := aadststest.ForCode(90006)
	transient.Status = 400
	srv.Enqueue(transient, transient) // then success

	opts := srv.ClientOptions()
	opts.Retry = policy.RetryOptions{ShouldRetry: aadsts.ShouldRetry, MaxRetries: 3, RetryDelay: time.Millisecond}
	cred, _ := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "secret",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	_, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{aadststest.Scope}})
	fmt.Println(err, srv.TokenRequests())

	srv.Reset()
	srv.Always(aadststest.ForCode(7000215))
	cred, _ = azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "secret",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	_, err = cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{aadststest.Scope}})
	fmt.Println(aadsts.IsRetryable(err), srv.TokenRequests())
	// Output:
	// <nil> 3
	// false 1
}

// RecordingPolicy, with WrapCredential, recovers the AADSTS code of a
// device-code flow, whose 400 responses MSAL consumes.
func ExampleRecordingPolicy() {
	srv := aadststest.NewServer()
	defer srv.Close()
	srv.Enqueue(aadststest.ForCode(70016), aadststest.ForCode(70020)) // pending, then expired

	opts := srv.ClientOptions()
	opts.PerRetryPolicies = []policy.Policy{aadsts.RecordingPolicy()}
	dc, _ := azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{ClientOptions: opts,
		DisableInstanceDiscovery: true, TenantID: aadststest.TenantID, ClientID: aadststest.ClientID,
		UserPrompt: func(context.Context, azidentity.DeviceCodeMessage) error { return nil }})
	_, err := aadsts.WrapCredential(dc).GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{aadststest.Scope}})

	var stsErr *aadsts.STSError
	if errors.As(err, &stsErr) {
		fmt.Println(stsErr.Code(), stsErr.OAuthError, stsErr.Category(), stsErr.Attempts)
	}
	// Output: AADSTS70020 expired_token device_flow 2
}
