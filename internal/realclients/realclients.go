// Package realclients builds real azidentity credentials and MSAL Go clients
// pointed at an aadststest server, for stsdiag's tests and examples. Every
// client is the library's own, configured as an application would; only the
// authority host and the HTTP transport differ.
package realclients

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/stsdiag/stsdiag/aadsts/aadststest"
)

// Secrets are the secret values the clients send. Tests set them to canaries
// to prove that no output of stsdiag repeats them.
type Secrets struct {
	ClientSecret string
	Assertion    string
	Password     string
}

// DefaultSecrets are harmless placeholder secrets.
var DefaultSecrets = Secrets{
	ClientSecret: "placeholder-client-secret",
	Assertion:    "placeholder.client.assertion",
	Password:     "placeholder-password",
}

// Client is one real client, ready to request a token.
type Client struct {
	// Name identifies the client in test names.
	Name string
	// Credential is the azidentity credential type that reports the failure
	// ("" for MSAL clients).
	Credential string
	// Prime, when not nil, must run before the failure is scripted: it
	// enqueues a Success reply and obtains the grant that Acquire then uses
	// (the public client's refresh token).
	Prime func(ctx context.Context) error
	// Acquire requests a token and returns the client's error.
	Acquire func(ctx context.Context) error
}

// Script prepares srv for a scripted token request by c: it resets srv,
// runs Prime when the client needs a grant first, and enqueues replies for
// the requests that follow. Then call c.Acquire.
func (c Client) Script(ctx context.Context, srv *aadststest.Server, replies ...aadststest.Reply) error {
	srv.Reset()
	if c.Prime != nil {
		if err := c.Prime(ctx); err != nil {
			return fmt.Errorf("%s: obtaining a grant before the scripted failure: %w", c.Name, err)
		}
	}
	srv.Enqueue(replies...)
	return nil
}

// All returns one client of each kind stsdiag is tested with:
// ClientSecretCredential, ClientCertificateCredential,
// ClientAssertionCredential, a ChainedTokenCredential (an unavailable
// credential, then a ClientSecretCredential), MSAL's confidential client
// (AcquireTokenByCredential) and MSAL's public client (a silent refresh).
func All(srv *aadststest.Server, s Secrets) ([]Client, error) {
	opts := srv.ClientOptions()
	scope := []string{aadststest.Scope}
	tro := policy.TokenRequestOptions{Scopes: scope}
	getToken := func(c azcore.TokenCredential) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := c.GetToken(ctx, tro)
			return err
		}
	}

	secret, err := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, s.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	if err != nil {
		return nil, err
	}
	certs, key, err := SelfSignedCert()
	if err != nil {
		return nil, err
	}
	cert, err := azidentity.NewClientCertificateCredential(aadststest.TenantID, aadststest.ClientID, certs, key,
		&azidentity.ClientCertificateCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	if err != nil {
		return nil, err
	}
	assertion, err := azidentity.NewClientAssertionCredential(aadststest.TenantID, aadststest.ClientID,
		func(context.Context) (string, error) { return s.Assertion, nil },
		&azidentity.ClientAssertionCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	if err != nil {
		return nil, err
	}
	chainSecret, err := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, s.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	if err != nil {
		return nil, err
	}
	chain, err := azidentity.NewChainedTokenCredential([]azcore.TokenCredential{Unavailable{}, chainSecret}, nil)
	if err != nil {
		return nil, err
	}

	msalCred, err := confidential.NewCredFromSecret(s.ClientSecret)
	if err != nil {
		return nil, err
	}
	conf, err := confidential.New(srv.Authority(""), aadststest.ClientID, msalCred,
		confidential.WithHTTPClient(srv.HTTPClient()), confidential.WithInstanceDiscovery(false))
	if err != nil {
		return nil, err
	}
	pub, err := public.New(aadststest.ClientID, public.WithAuthority(srv.Authority("")),
		public.WithHTTPClient(srv.HTTPClient()), public.WithInstanceDiscovery(false))
	if err != nil {
		return nil, err
	}
	var account public.Account
	return []Client{
		{Name: "ClientSecretCredential", Credential: "ClientSecretCredential", Acquire: getToken(secret)},
		{Name: "ClientCertificateCredential", Credential: "ClientCertificateCredential", Acquire: getToken(cert)},
		{Name: "ClientAssertionCredential", Credential: "ClientAssertionCredential", Acquire: getToken(assertion)},
		{Name: "ChainedTokenCredential", Credential: "ClientSecretCredential", Acquire: getToken(chain)},
		{Name: "MSALConfidential", Acquire: func(ctx context.Context) error {
			_, err := conf.AcquireTokenByCredential(ctx, scope)
			return err
		}},
		{Name: "MSALPublicRefresh",
			Prime: func(ctx context.Context) error {
				short := aadststest.Success()
				short.ExpiresIn = 60 // MSAL refreshes tokens that expire within 5 minutes
				srv.Enqueue(short)
				// The password grant (deprecated, but the simplest way to get a
				// refresh token from a fake endpoint) obtains the grant; the
				// fake issues short-lived access tokens, so the next silent
				// call must redeem the refresh token.
				//lint:ignore SA1019 the test needs a refresh token without a browser
				res, err := pub.AcquireTokenByUsernamePassword(ctx, scope, "user@contoso.example", s.Password)
				if err != nil {
					return err
				}
				account = res.Account
				return nil
			},
			Acquire: func(ctx context.Context) error {
				if account.HomeAccountID == "" {
					return errors.New("realclients: MSALPublicRefresh.Prime did not run")
				}
				_, err := pub.AcquireTokenSilent(ctx, scope, public.WithSilentAccount(account))
				return err
			}},
	}, nil
}

// ByName indexes clients by Name.
func ByName(clients []Client) map[string]Client {
	m := make(map[string]Client, len(clients))
	for _, c := range clients {
		m[c.Name] = c
	}
	return m
}

// Unavailable is a credential that always reports itself unavailable, as an
// unconfigured EnvironmentCredential does, so a chain moves on.
type Unavailable struct{}

// GetToken implements azcore.TokenCredential.
func (Unavailable) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, azidentity.NewCredentialUnavailableError("Unavailable: not configured in this test")
}

var (
	certOnce  sync.Once
	selfCerts []*x509.Certificate
	certKey   *rsa.PrivateKey
	certErr   error
)

// SelfSignedCert returns a self-signed certificate and its RSA key, made once
// per process.
func SelfSignedCert() ([]*x509.Certificate, *rsa.PrivateKey, error) {
	certOnce.Do(func() { selfCerts, certKey, certErr = newCert() })
	return selfCerts, certKey, certErr
}

func newCert() ([]*x509.Certificate, *rsa.PrivateKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "aadststest client"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return []*x509.Certificate{c}, key, nil
}
