// Command sdkclient shows stsdiag with an Azure SDK-style client: the client
// is built on an azcore pipeline whose bearer-token policy asks a credential
// for tokens. Wrapping the credential once with aadsts.WrapCredential makes
// errors.As find an *aadsts.STSError in every error the client returns when
// token acquisition fails — without changing the client.
//
//	go run ./examples/sdkclient
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sdkclient:", err)
		os.Exit(1)
	}
}

// WidgetClient is a minimal client in the style of the Azure SDK for Go.
type WidgetClient struct {
	endpoint string
	pl       runtime.Pipeline
}

// NewWidgetClient builds the client's pipeline with a bearer-token policy.
func NewWidgetClient(endpoint string, cred azcore.TokenCredential, opts *azcore.ClientOptions) *WidgetClient {
	auth := runtime.NewBearerTokenPolicy(cred, []string{aadststest.Scope}, nil)
	pl := runtime.NewPipeline("widgets", "v0.1.0", runtime.PipelineOptions{PerRetry: []policy.Policy{auth}}, opts)
	return &WidgetClient{endpoint: endpoint, pl: pl}
}

// GetWidget fetches one widget.
func (c *WidgetClient) GetWidget(ctx context.Context, name string) (string, error) {
	req, err := runtime.NewRequest(ctx, http.MethodGet, runtime.JoinPaths(c.endpoint, "widgets", name))
	if err != nil {
		return "", err
	}
	resp, err := c.pl.Do(req)
	if err != nil {
		return "", err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return "", runtime.NewResponseError(resp)
	}
	b, err := runtime.Payload(resp)
	return string(b), err
}

func run(w io.Writer) error {
	sts := aadststest.NewServer()
	defer sts.Close()
	service := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"name":"sprocket"}`)
	}))
	defer service.Close()

	opts := sts.ClientOptions()
	cred, err := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "demo-secret",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	if err != nil {
		return err
	}
	clientOpts := &azcore.ClientOptions{Transport: service.Client(), Retry: policy.RetryOptions{MaxRetries: -1}}
	client := NewWidgetClient(service.URL, aadsts.WrapCredential(cred), clientOpts)

	body, err := client.GetWidget(context.Background(), "sprocket")
	if err != nil {
		return fmt.Errorf("first call should succeed: %w", err)
	}
	fmt.Fprintf(w, "with a valid token: %s\n", body)

	// A second client whose credential gets a Conditional Access block.
	sts.Always(aadststest.ForCode(53003))
	cred2, err := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "demo-secret",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	if err != nil {
		return err
	}
	client2 := NewWidgetClient(service.URL, aadsts.WrapCredential(cred2), clientOpts)
	_, err = client2.GetWidget(context.Background(), "sprocket")

	var stsErr *aadsts.STSError
	if !errors.As(err, &stsErr) {
		return fmt.Errorf("errors.As found no STSError in %T: %v", err, err)
	}
	fmt.Fprintf(w, "the client's error holds an STSError: %v\n", stsErr.Code())
	fmt.Fprintf(w, "category %s, action %s, retryable %t\n", stsErr.Category(), stsErr.Action(), stsErr.IsRetryable())
	var afe *azidentity.AuthenticationFailedError
	fmt.Fprintf(w, "and still an *azidentity.AuthenticationFailedError: %t\n", errors.As(err, &afe))
	return nil
}
