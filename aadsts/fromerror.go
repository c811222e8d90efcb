package aadsts

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/stsdiag/stsdiag/classify"
)

// FromError finds the token endpoint's response in err and returns it parsed.
// ok is false when err is nil or carries no token response. It looks, in
// this order, for:
//
//   - an *STSError already in err's chain (from Wrap), returned as is;
//   - an *azidentity.AuthenticationFailedError: its RawResponse is read
//     through azcore's runtime.Payload, which caches the body, so the
//     original error's Error() still prints it. Credential is set from the
//     credential type that failed;
//   - an MSAL Go errors.CallErr: the status and headers come from its
//     response, the body from its message (MSAL's response body can be read
//     only once, so FromError leaves it alone);
//   - an *azcore.ResponseError, read like the azidentity error;
//   - as a last resort, err's text: a JSON error object printed in it, an
//     "AADSTSnnnn" code, the Trace ID, Correlation ID and Timestamp lines, the
//     status from "RESPONSE nnn" or "reply status code was nnn", and the
//     credential type that prefixes azidentity's messages.
//
// The returned STSError unwraps to err. FromError never modifies err, never
// reads the request, and is safe to call from many goroutines on one error.
func FromError(err error) (*STSError, bool) {
	if err == nil {
		return nil, false
	}
	var st *STSError
	if errors.As(err, &st) {
		if st != nil {
			return st, true
		}
	}
	var (
		afe  *azidentity.AuthenticationFailedError
		call msalerrors.CallErr
		re   *azcore.ResponseError
	)
	switch {
	case errors.As(err, &afe) && afe != nil:
		if e := fromAuthFailed(afe); e != nil {
			e.err = err
			return e, true
		}
	case errors.As(err, &call):
		if e := fromCallErr(call); e != nil {
			e.err = err
			return e, true
		}
	case errors.As(err, &re) && re != nil && re.RawResponse != nil:
		e := fromResponse(re.RawResponse)
		if e.OAuthError == "" && e.Code() == 0 && re.ErrorCode != "" {
			e.OAuthError = re.ErrorCode
		}
		e.err = err
		return e, true
	}
	if e, ok := fromText(errorText(err)); ok {
		e.err = err
		return e, true
	}
	return nil, false
}

// payloadMu serializes stsdiag's reads of response bodies: runtime.Payload
// caches the body in the response, which is not safe for concurrent first
// reads.
var payloadMu sync.Mutex

// fromResponse parses an azcore-style response whose body runtime.Payload
// can read and cache.
func fromResponse(resp *http.Response) *STSError {
	payloadMu.Lock()
	var body []byte
	if resp.Body != nil {
		body, _ = runtime.Payload(resp)
	}
	payloadMu.Unlock()
	return Parse(resp.StatusCode, resp.Header, body)
}

func fromAuthFailed(afe *azidentity.AuthenticationFailedError) *STSError {
	credType := credentialType(afe)
	if afe.RawResponse == nil {
		// No response: azidentity kept only a message (MSAL failed before an
		// HTTP error, or a chain of developer credentials). Read its text.
		e, ok := fromText(errorText(afe))
		if !ok {
			return nil
		}
		if e.Credential == "" {
			e.Credential = credType
		}
		return e
	}
	e := fromResponse(afe.RawResponse)
	e.Credential = credType
	if isChain(credType) {
		// The chain's own message lists each credential it attempted; the last
		// one listed is the one whose response this is.
		if name := lastAttempted(afeMessage(afe)); name != "" {
			e.Credential = name
		}
	}
	return e
}

func isChain(credType string) bool {
	return credType == "ChainedTokenCredential" || credType == "DefaultAzureCredential"
}

// credentialType returns the type of credential that produced afe. azidentity
// keeps it only in an unexported field and as the prefix of Error(); reading
// the field (with reflect, read-only) avoids Error(), which re-reads and
// re-indents the whole body. If a future azidentity renames the field, the
// prefix of Error() is used instead.
func credentialType(afe *azidentity.AuthenticationFailedError) string {
	v := reflect.ValueOf(afe).Elem()
	if f := v.FieldByName("credType"); f.IsValid() && f.Kind() == reflect.String {
		if s := f.String(); s != "" {
			return s
		}
	}
	return credentialPrefix(errorText(afe))
}

// afeMessage returns the message azidentity attached to afe (for a chain, the
// list of attempted credentials), without building Error()'s body dump.
func afeMessage(afe *azidentity.AuthenticationFailedError) string {
	v := reflect.ValueOf(afe).Elem()
	if f := v.FieldByName("message"); f.IsValid() && f.Kind() == reflect.String {
		return f.String()
	}
	return errorText(afe)
}

// fromCallErr reads MSAL's CallErr. Its response body was read by MSAL into a
// one-shot reader that MSAL's Verbose() still uses, so the body is taken
// from the message, where MSAL copied it after "reply status code was N:".
func fromCallErr(ce msalerrors.CallErr) *STSError {
	var msg string
	if ce.Err != nil {
		msg = errorText(ce.Err)
	}
	status := 0
	var header http.Header
	if ce.Resp != nil {
		status = ce.Resp.StatusCode
		header = ce.Resp.Header
	}
	body := ""
	if i := strings.Index(msg, "reply status code was "); i >= 0 {
		rest := msg[i+len("reply status code was "):]
		n := 0
		for n < len(rest) && n < 3 && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if status == 0 {
			status, _ = strconv.Atoi(rest[:n])
		}
		body = strings.TrimPrefix(rest[n:], ":")
	} else if status == 0 && msg == "" {
		return nil
	}
	return Parse(status, header, []byte(strings.TrimLeft(body, "\r\n")))
}

// fromText recovers what it can from an error message. ok is false when the
// text shows no sign of a token response.
func fromText(text string) (*STSError, bool) {
	if text == "" {
		return nil, false
	}
	if len(text) > 4*MaxBody {
		text = text[:4*MaxBody]
	}
	e := &STSError{}
	found := false
	// A JSON error object printed into the message (azidentity indents the
	// body between dashed lines; MSAL appends it after the status).
	if i := strings.Index(text, "{"); i >= 0 {
		if j := strings.Index(text[i:], `"error`); j >= 0 && j < 64 {
			parseBody(e, []byte(text[i:]))
			found = e.OAuthError != "" || len(e.Codes) > 0
		}
	}
	if len(e.Codes) == 0 {
		if c, ok := codeInText(text); ok {
			e.Codes = []Code{c}
			found = true
		}
	}
	fillFromLines(e, text)
	if e.StatusCode = statusInText(text); e.StatusCode != 0 {
		found = true
	}
	if !found {
		return nil, false
	}
	e.Credential = credentialPrefix(text)
	if isChain(e.Credential) {
		e.Credential = lastAttempted(text)
	}
	return e, true
}

// statusInText finds the HTTP status in azidentity's "RESPONSE 401:" line or
// MSAL's "reply status code was 401".
func statusInText(text string) int {
	for _, marker := range [...]string{"RESPONSE ", "reply status code was "} {
		if i := strings.Index(text, marker); i >= 0 {
			rest := text[i+len(marker):]
			if len(rest) >= 3 {
				if n, err := strconv.Atoi(rest[:3]); err == nil && n >= 100 && n <= 599 {
					return n
				}
			}
		}
	}
	return 0
}

// credentialPrefix returns the azidentity credential type that starts text
// ("ClientSecretCredential authentication failed", "AzureCLICredential: ..."),
// or "".
func credentialPrefix(text string) string {
	n := 0
	for n < len(text) && n < 64 && isIdentByte(text[n]) {
		n++
	}
	name := text[:n]
	if !strings.HasSuffix(name, "Credential") || n == len(text) {
		return ""
	}
	if text[n] == ':' || strings.HasPrefix(text[n:], " authentication failed") {
		return name
	}
	return ""
}

// lastAttempted returns the last credential named in a chain's "Attempted
// credentials:" list.
func lastAttempted(text string) string {
	last := ""
	for off := 0; ; {
		i := strings.Index(text[off:], "\n\t")
		if i < 0 {
			return last
		}
		off += i + 2
		if off < len(text) && text[off] == '\t' {
			continue // a continuation line of the previous entry
		}
		if name := credentialPrefix(text[off:]); name != "" {
			last = name
		}
	}
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// errorText returns err.Error(), or "" when Error panics (a typed nil
// pointer, a zero CallErr): diagnosing an error must never panic.
func errorText(err error) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	return err.Error()
}

// Wrap returns an error that errors.As finds an *STSError in, and that still
// unwraps to err, so checks for the client library's own error types keep
// working. A nil error, an error without a token response, and an error that
// already holds an *STSError come back unchanged.
func Wrap(err error) error {
	if err == nil {
		return nil
	}
	var st *STSError
	if errors.As(err, &st) && st != nil {
		return err
	}
	if st, ok := FromError(err); ok {
		return st
	}
	return err
}

// WrapCredential returns a credential that passes every GetToken to cred
// and returns its errors through Wrap. Give it to an Azure SDK client, and
// errors.As finds an *STSError in the client's errors. It returns nil for a
// nil cred.
func WrapCredential(cred azcore.TokenCredential) azcore.TokenCredential {
	if cred == nil {
		return nil
	}
	if w, ok := cred.(*wrappedCredential); ok {
		return w
	}
	return &wrappedCredential{cred: cred}
}

type wrappedCredential struct {
	cred azcore.TokenCredential
}

// GetToken implements azcore.TokenCredential.
func (w *wrappedCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, err := w.cred.GetToken(ctx, opts)
	return tok, Wrap(err)
}

// IsRetryable reports whether the request that failed with err may succeed if
// sent again unchanged. For a token endpoint failure it is the STSError's
// verdict. Otherwise a timeout or connection failure that never reached the
// token service is retryable, and a cancellation, a nil error or anything
// unrecognised is not.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	if st, ok := FromError(err); ok {
		return st.IsRetryable()
	}
	v, _ := classify.Err(err)
	return v.Retryable
}

// RetryAfter returns how long to wait before retrying err's request: the
// delay the token service asked for. ok is false when the service asked for
// none, or the failure is not retryable.
func RetryAfter(err error) (time.Duration, bool) {
	st, ok := FromError(err)
	if !ok || st.RetryAfter <= 0 || !st.IsRetryable() {
		return 0, false
	}
	return st.RetryAfter, true
}

// LogAttr returns a slog attribute for err that is safe to log. When err
// holds a token endpoint failure, the attribute is the STSError's group of
// allow-listed fields (see STSError.LogValue) even if err wraps it with %w,
// which alone would log as plain text. For any other error it is a group
// with the verdict classify gives and err's Go type — not err's text, which
// client libraries fill with request and response details.
func LogAttr(key string, err error) slog.Attr {
	if err == nil {
		return slog.Attr{Key: key, Value: slog.StringValue("<nil>")}
	}
	if st, ok := FromError(err); ok {
		return slog.Attr{Key: key, Value: st.LogValue()}
	}
	v, _ := classify.Err(err)
	return slog.Group(key,
		slog.String("category", v.Category.String()),
		slog.String("action", v.Action.String()),
		slog.Bool("retryable", v.Retryable),
		slog.String("type", reflect.TypeOf(err).String()),
	)
}
