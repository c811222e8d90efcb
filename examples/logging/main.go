// Command logging shows how to log token failures with log/slog: LogAttr
// turns the error into structured fields (code, category, action,
// retryability, trace and correlation ids) even when it is wrapped with %w,
// and leaves out the error description, which can name users, and anything
// from the request, which holds secrets.
//
//	go run ./examples/logging
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "logging:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	srv := aadststest.NewServer()
	defer srv.Close()
	reply := aadststest.ForCode(50126)
	reply.Message = "Invalid username or password for user alice@contoso.com." // personal data, as Entra sends it
	srv.Enqueue(reply)

	cred, err := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "do-not-log-me",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: srv.ClientOptions(), DisableInstanceDiscovery: true})
	if err != nil {
		return err
	}
	_, err = cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{aadststest.Scope}})
	if err == nil {
		return fmt.Errorf("expected a failure")
	}
	err = fmt.Errorf("loading the dashboard: %w", err) // typical application wrapping

	logger := slog.New(slog.NewJSONHandler(w, nil))
	// The slog way: one attribute, structured and safe.
	logger.Error("token request failed", aadsts.LogAttr("sts", err))
	// Also a network failure that never reached the token service.
	logger.Warn("token request failed", aadsts.LogAttr("sts", context.DeadlineExceeded))
	return nil
}
