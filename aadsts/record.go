package aadsts

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// RecordingPolicy returns an azcore pipeline policy that records every token
// request a credential sends — its HTTP status and, for an error status, the
// response (body and headers: ids, Retry-After) parsed into an STSError — for
// the credential's GetToken that WrapCredential is running. Put it in the
// credential's ClientOptions.PerRetryPolicies, so that it sees every attempt,
// retries included:
//
//	opts := azcore.ClientOptions{PerRetryPolicies: []policy.Policy{aadsts.RecordingPolicy()}}
//	cred, _ := azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{ClientOptions: opts})
//	_, err := aadsts.WrapCredential(cred).GetToken(ctx, tro)
//	// errors.As(err, &stsErr): stsErr.Code() is the code of the last token
//	// response, stsErr.Attempts the number of token requests.
//
// This recovers the AADSTS code where the client library lost the body: in
// the device-code flow MSAL reads every 400 response itself, and azidentity
// reports "Response contained no body".
//
// The policy records only POST requests to token endpoints (…/oauth2/token,
// …/oauth2/v2.0/token), and only when the request's context comes from a
// GetToken of a WrapCredential credential (azidentity and MSAL pass the
// GetToken context on to every request); otherwise it does nothing. It reads
// a response body as FromError does (bounded, leaving it readable in full for
// the client library). It never reads the request, its body or its headers.
func RecordingPolicy() policy.Policy { return recordingPolicy{} }

type recordingPolicy struct{}

// Do implements policy.Policy.
func (recordingPolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	raw := req.Raw()
	if raw == nil {
		return resp, err
	}
	rec, _ := raw.Context().Value(recordingKey{}).(*recording)
	if rec == nil || !isTokenRequest(raw) {
		return resp, err
	}
	a := attempt{failed: err != nil}
	if err == nil && resp != nil {
		a.status = resp.StatusCode
		if resp.StatusCode >= 400 {
			a.sts = fromResponse(resp)
		}
	}
	rec.add(a)
	return resp, err
}

// isTokenRequest reports whether r is a token request to an Entra token
// endpoint.
func isTokenRequest(r *http.Request) bool {
	if r.Method != http.MethodPost || r.URL == nil {
		return false
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	return strings.HasSuffix(p, "/oauth2/v2.0/token") || strings.HasSuffix(p, "/oauth2/token")
}

// recordingKey is the context key of a GetToken's recording.
type recordingKey struct{}

func withRecording(ctx context.Context, rec *recording) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, recordingKey{}, rec)
}

// attempt is one recorded token request.
type attempt struct {
	status int       // HTTP status; 0 when the request failed in transit
	sts    *STSError // the parsed response (body and headers), for a status >= 400
	failed bool      // the request got no response
}

// recording collects the token requests of one GetToken. Its methods are
// safe for concurrent use (a credential may send requests from several
// goroutines).
type recording struct {
	mu       sync.Mutex
	attempts []attempt
}

func (r *recording) add(a attempt) {
	r.mu.Lock()
	r.attempts = append(r.attempts, a)
	r.mu.Unlock()
}

// last returns the number of attempts and the last one.
func (r *recording) last() (int, attempt) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.attempts) == 0 {
		return 0, attempt{}
	}
	return len(r.attempts), r.attempts[len(r.attempts)-1]
}

// wrap returns err as WrapCredential does: through Wrap, but with the last
// recorded token response standing in for what the client library kept
// when that response was an error, and with Attempts set.
func (r *recording) wrap(err error) error {
	if err == nil {
		return nil
	}
	n, last := r.last()
	if n == 0 {
		return Wrap(err)
	}
	found, ok := FromError(err)
	if last.sts != nil && (!ok || found.StatusCode == 0 || found.StatusCode == last.status) {
		e := *last.sts
		switch {
		case ok && found.Credential != "":
			e.Credential = found.Credential
		default:
			e.Credential, _ = leadingCredential(errorText(err))
		}
		e.Attempts = n
		e.err = err
		return &e
	}
	if !ok {
		return err
	}
	e := *found
	e.Attempts = n
	e.err = err
	return &e
}
