// Command msal shows stsdiag with MSAL Go directly: a confidential client's
// AcquireTokenByCredential fails, aadsts.Wrap makes errors.As find the
// STSError, and MSAL's own errors.CallErr stays reachable.
//
//	go run ./examples/msal
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "msal:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	srv := aadststest.NewServer()
	defer srv.Close()
	srv.Enqueue(aadststest.ForCode(700016))

	cred, err := confidential.NewCredFromSecret("demo-secret")
	if err != nil {
		return err
	}
	client, err := confidential.New(srv.Authority(aadststest.TenantID), aadststest.ClientID, cred,
		confidential.WithHTTPClient(srv.HTTPClient()), confidential.WithInstanceDiscovery(false))
	if err != nil {
		return err
	}
	_, err = client.AcquireTokenByCredential(context.Background(), []string{aadststest.Scope})
	err = aadsts.Wrap(err)

	var stsErr *aadsts.STSError
	if !errors.As(err, &stsErr) {
		return fmt.Errorf("no STSError in %v", err)
	}
	fmt.Fprintf(w, "error:     %v\n", stsErr)
	fmt.Fprintf(w, "category:  %s\naction:    %s\nretryable: %t\n", stsErr.Category(), stsErr.Action(), stsErr.IsRetryable())
	var ce msalerrors.CallErr
	fmt.Fprintf(w, "MSAL's CallErr still reachable: %t (HTTP %d)\n", errors.As(err, &ce), ce.Resp.StatusCode)
	return nil
}
