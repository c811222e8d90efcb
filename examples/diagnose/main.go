// Command diagnose shows stsdiag at work without an Azure account: it starts
// the fake Entra token endpoint of package aadststest, drives real azidentity
// credentials and real MSAL Go clients into a range of failures, and prints
// what stsdiag makes of each error.
//
//	go run ./examples/diagnose
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
	"github.com/stsdiag/stsdiag/internal/realclients"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "diagnose:", err)
		os.Exit(1)
	}
}

func run() error {
	srv := aadststest.NewServer()
	defer srv.Close()
	clients, err := realclients.All(srv, realclients.DefaultSecrets)
	if err != nil {
		return err
	}
	byName := map[string]realclients.Client{}
	for _, c := range clients {
		byName[c.Name] = c
	}
	throttled := aadststest.Reply{Status: 429, OAuthError: "temporarily_unavailable", Message: "Too many requests.", RetryAfter: "7"}
	html := aadststest.Raw(503, "text/html", []byte("<html><body>503 Service Unavailable</body></html>"))
	scenarios := []struct {
		client string
		reply  aadststest.Reply
	}{
		{"ClientSecretCredential", aadststest.ForCode(7000215)},
		{"ClientSecretCredential", aadststest.ForCode(7000222)},
		{"ClientCertificateCredential", aadststest.ForCode(700016)},
		{"ClientAssertionCredential", aadststest.ForCode(53003)},
		{"ChainedTokenCredential", aadststest.ForCode(50076)},
		{"MSALConfidential", aadststest.ForCode(65001)},
		{"MSALPublicRefresh", aadststest.ForCode(700082)},
		{"ClientSecretCredential", throttled},
		{"MSALConfidential", aadststest.ForCode(90033)},
		{"ClientSecretCredential", html},
	}
	for i, s := range scenarios {
		c := byName[s.client]
		srv.Reset()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		if c.Prime != nil {
			if err := c.Prime(ctx); err != nil {
				cancel()
				return fmt.Errorf("%s: obtaining a refresh token: %w", c.Name, err)
			}
		}
		srv.Enqueue(s.reply)
		err := c.Acquire(ctx)
		cancel()
		fmt.Printf("%2d. %s\n", i+1, c.Name)
		st, ok := aadsts.FromError(err)
		if !ok {
			fmt.Printf("    no token endpoint failure found in: %v\n\n", err)
			continue
		}
		fmt.Printf("    error:     %v\n", st)
		fmt.Printf("    category:  %s\n    action:    %s\n    retryable: %t\n", st.Category(), st.Action(), st.IsRetryable())
		if d, ok := aadsts.RetryAfter(err); ok {
			fmt.Printf("    wait:      %v before retrying\n", d)
		}
		fmt.Println()
	}
	return nil
}
