// Command retry shows a token retry loop driven by stsdiag's verdict: it
// retries what may succeed unchanged (throttling, transient failures),
// honours the service's Retry-After, and stops at once on anything a retry
// cannot fix. It runs against the fake token endpoint of aadststest.
//
//	go run ./examples/retry
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "retry:", err)
		os.Exit(1)
	}
}

// getToken asks cred for a token, retrying while stsdiag says a retry can
// succeed. maxWait caps any single wait (a demo does not sleep for long).
func getToken(ctx context.Context, w io.Writer, cred azcore.TokenCredential, opts policy.TokenRequestOptions, maxWait time.Duration) (azcore.AccessToken, error) {
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		tok, err := cred.GetToken(ctx, opts)
		if err == nil {
			fmt.Fprintf(w, "  attempt %d: got a token\n", attempt)
			return tok, nil
		}
		if !aadsts.IsRetryable(err) || attempt == 5 {
			fmt.Fprintf(w, "  attempt %d: giving up: %v\n", attempt, aadsts.Wrap(err))
			return azcore.AccessToken{}, err
		}
		wait := backoff
		if d, ok := aadsts.RetryAfter(err); ok {
			wait = d // the service said how long
		}
		wait = min(wait, maxWait)
		fmt.Fprintf(w, "  attempt %d: retryable (%v); waiting %v\n", attempt, aadsts.Diagnose(err).Category, wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return azcore.AccessToken{}, ctx.Err()
		}
		backoff *= 2
	}
}

func run(w io.Writer) error {
	srv := aadststest.NewServer()
	defer srv.Close()
	newCred := func() (azcore.TokenCredential, error) {
		return azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "demo-secret",
			&azidentity.ClientSecretCredentialOptions{ClientOptions: srv.ClientOptions(), DisableInstanceDiscovery: true})
	}
	opts := policy.TokenRequestOptions{Scopes: []string{aadststest.Scope}}
	ctx := context.Background()

	fmt.Fprintln(w, "Throttled twice, then a transient failure, then success:")
	srv.Enqueue(aadststest.Reply{Status: 429, OAuthError: "temporarily_unavailable", Message: "Too many requests.", RetryAfter: "1"},
		aadststest.Reply{Status: 429, OAuthError: "temporarily_unavailable", Message: "Too many requests.", RetryAfter: "1"},
		aadststest.ForCode(90033))
	cred, err := newCred()
	if err != nil {
		return err
	}
	if _, err := getToken(ctx, w, cred, opts, 200*time.Millisecond); err != nil {
		return fmt.Errorf("expected success after retries: %w", err)
	}

	fmt.Fprintln(w, "\nA wrong secret: no retry helps, so none is made:")
	srv.Reset()
	srv.Enqueue(aadststest.ForCode(7000215))
	if cred, err = newCred(); err != nil {
		return err
	}
	if _, err := getToken(ctx, w, cred, opts, 200*time.Millisecond); err == nil {
		return fmt.Errorf("expected the wrong secret to fail")
	}
	fmt.Fprintf(w, "  token requests made: %d\n", srv.TokenRequests())
	return nil
}
