// Command diagnose shows stsdiag at work without an Azure account: it starts
// the fake Entra token endpoint of package aadststest, drives real azidentity
// credentials and real MSAL Go clients into a range of failures, and prints
// for each what stsdiag makes of the error — the diagnosis and the
// remediation.
//
//	go run ./examples/diagnose            # summary per failure
//	go run ./examples/diagnose -full      # the full remediation text
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
	"github.com/stsdiag/stsdiag/internal/realclients"
	"github.com/stsdiag/stsdiag/remediate"
)

func main() {
	full := flag.Bool("full", false, "print the full remediation for each failure")
	flag.Parse()
	if err := run(os.Stdout, *full); err != nil {
		fmt.Fprintln(os.Stderr, "diagnose:", err)
		os.Exit(1)
	}
}

// scenario is one scripted failure met by one real client.
type scenario struct {
	client string
	title  string
	reply  aadststest.Reply
}

func scenarios() []scenario {
	throttled := aadststest.Reply{Status: 429, OAuthError: "temporarily_unavailable", Message: "Too many requests.", RetryAfter: "7"}
	html := aadststest.Raw(503, "text/html", []byte("<html><body>503 Service Unavailable</body></html>"))
	return []scenario{
		{"ClientSecretCredential", "wrong client secret", aadststest.ForCode(7000215)},
		{"ClientSecretCredential", "expired client secret", aadststest.ForCode(7000222)},
		{"ClientCertificateCredential", "app not found in the tenant", aadststest.ForCode(700016)},
		{"ClientAssertionCredential", "blocked by Conditional Access", aadststest.ForCode(53003)},
		{"ChainedTokenCredential", "MFA required, in a chain", aadststest.ForCode(50076)},
		{"MSALConfidential", "consent missing", aadststest.ForCode(65001)},
		{"MSALPublicRefresh", "refresh token expired", aadststest.ForCode(700082)},
		{"ClientSecretCredential", "throttled", throttled},
		{"MSALConfidential", "service briefly unavailable", aadststest.ForCode(90033)},
		{"ClientSecretCredential", "a proxy's HTML error page", html},
	}
}

func run(w io.Writer, full bool) error {
	srv := aadststest.NewServer()
	defer srv.Close()
	clients, err := realclients.All(srv, realclients.DefaultSecrets)
	if err != nil {
		return err
	}
	byName := realclients.ByName(clients)
	opts := remediate.Options{TenantID: aadststest.TenantID, ClientID: aadststest.ClientID, Scopes: []string{aadststest.Scope}}
	fmt.Fprintf(w, "stsdiag demo: real azidentity and MSAL Go clients against a fake Entra token endpoint at %s\n\n", srv.URL)
	for i, s := range scenarios() {
		c := byName[s.client]
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		if err := c.Script(ctx, srv, s.reply); err != nil {
			cancel()
			return err
		}
		err := c.Acquire(ctx)
		cancel()
		if err == nil {
			return fmt.Errorf("%s: %s: the token request succeeded", c.Name, s.title)
		}
		fmt.Fprintf(w, "%2d. %s — %s\n", i+1, c.Name, s.title)
		d := aadsts.Diagnose(err)
		rem := opts.ForDiagnosis(d)
		if full {
			fmt.Fprintln(w, indent(rem.Text(), "    "))
			continue
		}
		if d.STS != nil {
			fmt.Fprintf(w, "    error:   %v\n", d.STS)
		}
		fmt.Fprintf(w, "    verdict: %s / %s / retryable=%t\n", d.Category, d.Action, d.Retryable)
		fmt.Fprintf(w, "    retry:   %s\n", rem.RetryAdvice)
		if len(rem.Steps) > 0 {
			s := rem.Steps[0]
			fmt.Fprintf(w, "    first step (%s): %s\n", s.Audience, s.Text)
			if s.Command != "" {
				fmt.Fprintf(w, "        $ %s\n", s.Command)
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Run with -full for every step, or paste any error into: go run ./cmd/aadsts explain -")
	return nil
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix) + "\n"
}
