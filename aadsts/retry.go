package aadsts

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/stsdiag/stsdiag/classify"
)

// ShouldRetry decides whether azcore's retry policy should send a request
// again; give it to a credential (or client) as
// policy.RetryOptions.ShouldRetry. azidentity's credentials send their token
// requests through that policy, so it then retries exactly the failures
// stsdiag judges retryable — transient AADSTS codes such as 90006 or 50033
// even when they come with status 400, throttling — and never the others,
// such as 7000215 (a wrong secret), 53003 (Conditional Access) or 50196
// (request loop, status 429 but not retryable):
//
//	opts := azcore.ClientOptions{Retry: policy.RetryOptions{ShouldRetry: aadsts.ShouldRetry}}
//
// For a transport error it answers as classify.ErrCause judges it; a
// cancellation is never retried, and an error no rule knows is retried, as
// azcore's default does. For a response: a status below 400 is not retried;
// an error response of a managed identity endpoint is judged by
// classify.ManagedIdentity, of an Azure service (not a token endpoint) by
// classify.Service, and of a token endpoint by its STSError's verdict. The
// body is read as FromError reads it: from azcore's cache when the pipeline
// has downloaded it (as it has by the time the retry policy asks), else at
// most MaxBody+1 bytes, leaving it readable in full for the client library.
func ShouldRetry(resp *http.Response, err error) (retry bool) {
	defer func() {
		if recover() != nil {
			retry = false
		}
	}()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return false
		}
		var nr interface{ NonRetriable() }
		if errors.As(err, &nr) {
			return false
		}
		if v, _, ok := classify.ErrCause(err); ok {
			return v.Retryable
		}
		return true
	}
	if resp == nil || resp.StatusCode < 400 {
		return false
	}
	return responseVerdict(resp).Retryable
}

// responseVerdict judges an error response by who sent it.
func responseVerdict(resp *http.Response) classify.Verdict {
	if isManagedIdentityEndpoint(resp) {
		if v, _, ok := classify.ManagedIdentity(resp.StatusCode); ok {
			return v
		}
	}
	if !isTokenEndpoint(resp) {
		v, _ := classify.Service(resp.StatusCode, false)
		return v
	}
	return fromResponse(resp).Verdict()
}

// isManagedIdentityEndpoint reports whether resp answers a managed identity
// token request (IMDS's /metadata/identity/oauth2/token; App Service's and
// Arc's endpoints are GETs with a "resource" parameter, unlike Entra's token
// endpoint, which is POSTed to).
func isManagedIdentityEndpoint(resp *http.Response) bool {
	r := resp.Request
	if r == nil || r.URL == nil {
		return false
	}
	if strings.HasSuffix(r.URL.Path, "/metadata/identity/oauth2/token") {
		return true
	}
	return r.Method == http.MethodGet && r.URL.Query().Has("resource") && !strings.Contains(r.URL.Path, "/oauth2/v2.0/")
}
