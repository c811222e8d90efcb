package aadsts

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// FromError finds the token endpoint's response in err and returns it parsed.
// ok is false when err is nil or carries no token response. It looks, in
// this order, for:
//
//   - an *STSError already in err's chain (from Wrap), returned as is;
//   - an *azidentity.AuthenticationFailedError: at most MaxBody+1 bytes of
//     its RawResponse body are read (or taken from azcore's runtime.Payload
//     cache), and the body is left readable in full, so the original
//     error's Error() still prints it. Credential is set from the credential
//     type that failed;
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
	// An unwrapped *STSError or azidentity error (the common case) is taken
	// as is: errors.As would find just it, at several times the cost.
	if st, ok := err.(*STSError); ok && st != nil {
		return st, true
	}
	afe, _ := err.(*azidentity.AuthenticationFailedError)
	if afe == nil {
		var st *STSError
		if as(err, &st) && st != nil {
			return st, true
		}
		as(err, &afe)
	}
	var (
		call msalerrors.CallErr
		re   *azcore.ResponseError
	)
	switch {
	case afe != nil:
		if e := fromAuthFailed(afe); e != nil {
			e.err = err
			return e, true
		}
	case as(err, &call):
		if e := fromCallErr(call); e != nil {
			e.err = err
			return e, true
		}
	case as(err, &re) && re != nil && re.RawResponse != nil:
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

// payloadMu serializes stsdiag's reads of response bodies: the first read
// replaces the response's body, which is not safe for concurrent first
// reads.
var payloadMu sync.Mutex

// fromResponse parses an azcore-style response, leaving its body readable
// (see readBody).
func fromResponse(resp *http.Response) *STSError {
	payloadMu.Lock()
	body := readBody(resp)
	payloadMu.Unlock()
	return Parse(resp.StatusCode, resp.Header, body)
}

// readBody returns the first MaxBody+1 bytes (at most) of resp's body and
// leaves the whole body readable for the original error. A body azcore has
// cached (what runtime.Payload leaves behind) is taken from the cache.
// Otherwise at most MaxBody+1 bytes are read, and resp.Body becomes a
// bodyPrefix that reads as the original did: the bytes read, then the unread
// rest of a longer (or endless) body, or of one whose read failed. The
// client library's runtime.Payload reads it like any body and caches it.
// Call with payloadMu held.
func readBody(resp *http.Response) []byte {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil
	}
	switch b := resp.Body.(type) {
	case interface {
		Bytes() []byte
		Set([]byte)
	}:
		// azcore's cache. Its Bytes is what runtime.Payload returns for it,
		// without Payload's rewinding write.
		return b.Bytes()
	case *bodyPrefix:
		if !b.started {
			return b.data // read by an earlier call, and by no one since
		}
	}
	orig := resp.Body
	n := 512
	if cl := resp.ContentLength; cl >= 0 && cl <= MaxBody {
		n = int(cl) + 1 // room to see the end without growing
	}
	data := make([]byte, 0, n)
	var err error
	for len(data) <= MaxBody && err == nil {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		var m int
		m, err = orig.Read(data[len(data):min(cap(data), MaxBody+1)])
		data = data[:len(data)+m]
	}
	p := &bodyPrefix{data: data}
	p.r.Reset(data)
	if err == io.EOF {
		_ = orig.Close() // drained, as runtime.Payload would close it
	} else {
		p.rest = orig
	}
	resp.Body = p
	return data
}

// bodyPrefix is a response body of which stsdiag read the first bytes: it
// reads as the original body did.
type bodyPrefix struct {
	data    []byte
	r       bytes.Reader  // over data
	rest    io.ReadCloser // the original body, if not drained
	started bool
}

func (p *bodyPrefix) Read(b []byte) (int, error) {
	p.started = true
	if p.r.Len() > 0 || p.rest == nil {
		return p.r.Read(b)
	}
	return p.rest.Read(b)
}

func (p *bodyPrefix) Close() error {
	if p.rest == nil {
		return nil
	}
	return p.rest.Close()
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
	credTypeOnce.Do(func() {
		if f, ok := reflect.TypeFor[azidentity.AuthenticationFailedError]().FieldByName("credType"); ok &&
			f.Type.Kind() == reflect.String && len(f.Index) == 1 {
			credTypeField = f.Index[0]
		} else {
			credTypeField = -1
		}
	})
	if credTypeField >= 0 {
		if s := reflect.ValueOf(afe).Elem().Field(credTypeField).String(); s != "" {
			return s
		}
	}
	return credentialPrefix(errorText(afe))
}

// The index of AuthenticationFailedError's credType field (-1: none), found
// on first use rather than at start-up.
var (
	credTypeOnce  sync.Once
	credTypeField int
)

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
	name, rest := leadingCredential(text)
	if name != "" && (text[len(name)] == ':' || strings.HasPrefix(rest, " authentication failed")) {
		return name
	}
	return ""
}

// lastAttempted returns the last credential named in a chain's "Attempted
// credentials:" list.
func lastAttempted(text string) string {
	entries := chainEntries(text)
	for k := len(entries) - 1; k >= 0; k-- {
		if name := credentialPrefix(entries[k]); name != "" {
			return name
		}
	}
	return ""
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// as is errors.As, reporting false where walking err's chain panics: a typed
// nil pointer whose Unwrap or As method dereferences it (a *net.OpError, for
// one) must not crash a diagnosis.
func as(err error, target any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return errors.As(err, target)
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
	if as(err, &st) && st != nil {
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
//
// Each GetToken carries a collector in its context for RecordingPolicy: when
// cred's ClientOptions.PerRetryPolicies hold that policy, the error's
// STSError is the last token response the policy recorded (which survives
// where the client library lost the body, as in the device-code flow) and
// its Attempts is the number of token requests sent.
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
	rec := &recording{}
	tok, err := w.cred.GetToken(withRecording(ctx, rec), opts)
	return tok, rec.wrap(err)
}

// IsRetryable reports whether the request that failed with err may succeed if
// sent again unchanged: Diagnose(err).Retryable. For a token endpoint failure
// it is the STSError's verdict; a throttled or failing managed identity
// endpoint (429, 5xx other than gateway errors, 404, 410), a timeout or a
// connection failure is retryable; an unavailable credential, a
// cancellation, a nil error or anything unrecognised is not.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	return Diagnose(err).Retryable
}

// RetryAfter returns how long to wait before retrying err's request: the
// delay the token service (or managed identity endpoint) asked for, as
// Diagnose reports it. ok is false when it asked for none, or the failure is
// not retryable.
func RetryAfter(err error) (time.Duration, bool) {
	if err == nil {
		return 0, false
	}
	d := Diagnose(err)
	if d.RetryAfter <= 0 || !d.Retryable {
		return 0, false
	}
	return d.RetryAfter, true
}

// LogAttr returns a slog attribute for err that is safe to log. When err
// holds a token endpoint failure, the attribute is the STSError's group of
// allow-listed fields (see STSError.LogValue) even if err wraps it with %w,
// which alone would log as plain text. For any other error it is the
// Diagnosis's group (category, action, retryable, cause, credential, and a
// chain's attempts; see Diagnosis.LogValue) plus err's Go type — never err's
// text, which client libraries fill with request and response details.
func LogAttr(key string, err error) slog.Attr {
	if err == nil {
		return slog.Attr{Key: key, Value: slog.StringValue("<nil>")}
	}
	if st, ok := FromError(err); ok {
		return slog.Attr{Key: key, Value: st.LogValue()}
	}
	attrs := append(Diagnose(err).LogValue().Group(), slog.String("type", reflect.TypeOf(err).String()))
	return slog.Attr{Key: key, Value: slog.GroupValue(attrs...)}
}
