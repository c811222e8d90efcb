package aadsts

import (
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/stsdiag/stsdiag/classify"
	"github.com/stsdiag/stsdiag/internal/safe"
)

// STSError is a failed token request, as the Microsoft Entra token endpoint
// described it. Find one in any error returned by azidentity or MSAL Go with
// FromError, or make errors.As find one with Wrap:
//
//	var stsErr *aadsts.STSError
//	if errors.As(aadsts.Wrap(err), &stsErr) { ... }
//
// The fields hold what the response said; any of them may be empty. Error,
// LogValue and MarshalJSON print only an allow-list of them: never
// Description, which can name users, and never anything from the request.
type STSError struct {
	// StatusCode is the HTTP status of the token response, or 0 if unknown.
	StatusCode int
	// OAuthError is the OAuth 2.0 "error" value, such as "invalid_grant".
	OAuthError string
	// Description is "error_description". It can contain user names and
	// tenant names: show it to the person who made the request, but do not
	// log it.
	Description string
	// Codes are the AADSTS codes ("error_codes", or the AADSTSnnnn prefix of
	// the description). The first is the main one.
	Codes []Code
	// SubError is Entra's "suberror", such as "basic_action".
	SubError string
	// Claims is the "claims" challenge to pass to an interactive sign-in.
	Claims string
	// TraceID is the request's trace id ("trace_id", the description's
	// "Trace ID:" line, or the x-ms-request-id header).
	TraceID string
	// CorrelationID is the request's correlation id ("correlation_id", the
	// description's "Correlation ID:" line, or the client-request-id header).
	CorrelationID string
	// Timestamp is when the service saw the failure, in UTC.
	Timestamp time.Time
	// ErrorURI is "error_uri", a link to Microsoft's page for the code.
	ErrorURI string
	// RetryAfter is how long the service asked the client to wait (the
	// Retry-After, retry-after-ms or x-ms-retry-after-ms header); 0 if it
	// did not ask.
	RetryAfter time.Duration
	// Credential is the azidentity credential type that failed, such as
	// "ClientSecretCredential", when known. For a ChainedTokenCredential or
	// DefaultAzureCredential it is the credential in the chain that failed.
	Credential string
	// Attempts is how many token requests the failed GetToken sent, retries
	// and device-code polls included, as RecordingPolicy counted them for a
	// credential wrapped with WrapCredential; 0 when not known.
	Attempts int

	err error // the error this one was found in, for Unwrap
}

// Code returns the main AADSTS code: the first of Codes, or 0 if there is none.
func (e *STSError) Code() Code {
	if e == nil || len(e.Codes) == 0 {
		return 0
	}
	return e.Codes[0]
}

// Info returns the code table's row for the first of Codes that the table
// knows.
func (e *STSError) Info() (CodeInfo, bool) {
	if e == nil {
		return CodeInfo{}, false
	}
	for _, c := range e.Codes {
		if info, ok := Lookup(c); ok {
			return info, true
		}
	}
	return CodeInfo{}, false
}

// Verdict returns the category, action and retryability of the failure.
// They come from the code table when it knows one of Codes; otherwise from
// classify's rules, tried in this order: an HTTP 429 status, the suberror,
// the OAuth error value, the HTTP status. When none applies the verdict is
// classify.Unknown, classify.None, not retryable.
func (e *STSError) Verdict() classify.Verdict {
	if e == nil {
		return classify.Verdict{}
	}
	if info, ok := e.Info(); ok {
		return info.Verdict()
	}
	if e.StatusCode == 429 {
		v, _ := classify.Status(e.StatusCode)
		return v
	}
	if v, ok := classify.SubError(e.SubError); ok {
		return v
	}
	if v, ok := classify.OAuthError(e.OAuthError); ok {
		return v
	}
	if v, ok := classify.Status(e.StatusCode); ok {
		return v
	}
	return classify.Verdict{}
}

// Category returns the kind of failure (see Verdict).
func (e *STSError) Category() classify.Category { return e.Verdict().Category }

// Action returns what the client should do next (see Verdict).
func (e *STSError) Action() classify.Action { return e.Verdict().Action }

// IsRetryable reports whether the identical request may succeed later with no
// change by anyone: the failure is transient, or throttled (then wait
// RetryAfter first).
func (e *STSError) IsRetryable() bool { return e.Verdict().Retryable }

// Unwrap returns the error this STSError was found in, so that errors.As and
// errors.Is still reach the client library's own error types.
func (e *STSError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.err
}

// Error returns one line: the credential, the code, the OAuth error, a summary
// free of personal data, the HTTP status, the trace and correlation ids, the
// requested wait and, when more than one request was sent, the number of
// attempts. It never contains the error description.
//
//	ClientSecretCredential: AADSTS7000215 invalid_client: The client secret ... (status 401, trace ID ..., correlation ID ...)
func (e *STSError) Error() string {
	if e == nil {
		return "aadsts: <nil STSError>"
	}
	var b strings.Builder
	if e.Credential != "" {
		b.WriteString(safe.Ident(e.Credential))
		b.WriteString(": ")
	}
	code := e.Code()
	if code != 0 {
		b.WriteString(code.String())
		b.WriteByte(' ')
	}
	if oe := safe.Token(e.OAuthError); oe != "" {
		b.WriteString(oe)
		b.WriteString(": ")
	}
	if info, ok := e.Info(); ok {
		b.WriteString(info.Summary)
	} else {
		v := e.Verdict()
		b.WriteString("token request failed")
		if v.Category != classify.Unknown {
			b.WriteString(" (")
			b.WriteString(v.Category.String())
			b.WriteByte(')')
		}
	}
	sep := " ("
	item := func(label, value string) {
		if value == "" {
			return
		}
		b.WriteString(sep)
		b.WriteString(label)
		b.WriteString(value)
		sep = ", "
	}
	if e.StatusCode != 0 {
		item("status ", strconv.Itoa(e.StatusCode))
	}
	item("suberror ", safe.Token(e.SubError))
	item("trace ID ", safe.ID(e.TraceID))
	item("correlation ID ", safe.ID(e.CorrelationID))
	if e.RetryAfter > 0 {
		item("retry after ", e.RetryAfter.String())
	}
	if e.Attempts > 1 {
		item("attempts ", strconv.Itoa(e.Attempts))
	}
	if sep == ", " {
		b.WriteByte(')')
	}
	return b.String()
}

// attrs returns the allow-listed fields, in a fixed order.
func (e *STSError) attrs() []slog.Attr {
	v := e.Verdict()
	as := make([]slog.Attr, 0, 14)
	if c := e.Code(); c != 0 {
		as = append(as, slog.String("code", c.String()))
	}
	if s := safe.Token(e.OAuthError); s != "" {
		as = append(as, slog.String("error", s))
	}
	if s := safe.Token(e.SubError); s != "" {
		as = append(as, slog.String("suberror", s))
	}
	as = append(as,
		slog.String("category", v.Category.String()),
		slog.String("action", v.Action.String()),
		slog.Bool("retryable", v.Retryable),
	)
	if e.StatusCode != 0 {
		as = append(as, slog.Int("status", e.StatusCode))
	}
	if e.Credential != "" {
		as = append(as, slog.String("credential", safe.Ident(e.Credential)))
	}
	if s := safe.ID(e.TraceID); s != "" {
		as = append(as, slog.String("trace_id", s))
	}
	if s := safe.ID(e.CorrelationID); s != "" {
		as = append(as, slog.String("correlation_id", s))
	}
	if printableTime(e.Timestamp) {
		as = append(as, slog.Time("timestamp", e.Timestamp))
	}
	if e.RetryAfter > 0 {
		as = append(as, slog.Duration("retry_after", e.RetryAfter))
	}
	if e.Attempts > 0 {
		as = append(as, slog.Int("attempts", e.Attempts))
	}
	return as
}

// LogValue implements slog.LogValuer: the error logs as a group of
// allow-listed fields (code, error, suberror, category, action, retryable,
// status, credential, trace_id, correlation_id, timestamp, retry_after,
// attempts).
// The description, claims and anything from the request are left out.
func (e *STSError) LogValue() slog.Value {
	if e == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(e.attrs()...)
}

// jsonSTSError is the JSON form of STSError: the same allow-list as LogValue.
type jsonSTSError struct {
	Code          Code              `json:"code,omitempty"`
	Name          string            `json:"name,omitempty"`
	OAuthError    string            `json:"error,omitempty"`
	SubError      string            `json:"suberror,omitempty"`
	Category      classify.Category `json:"category"`
	Action        classify.Action   `json:"action"`
	Retryable     bool              `json:"retryable"`
	Summary       string            `json:"summary,omitempty"`
	StatusCode    int               `json:"status,omitempty"`
	Credential    string            `json:"credential,omitempty"`
	TraceID       string            `json:"trace_id,omitempty"`
	CorrelationID string            `json:"correlation_id,omitempty"`
	Timestamp     *time.Time        `json:"timestamp,omitempty"`
	RetryAfter    float64           `json:"retry_after_seconds,omitempty"`
	Attempts      int               `json:"attempts,omitempty"`
}

// MarshalJSON encodes the allow-listed fields that LogValue logs, plus the
// code's name and summary from the table. The description is left out.
func (e *STSError) MarshalJSON() ([]byte, error) {
	if e == nil {
		return []byte("null"), nil
	}
	v := e.Verdict()
	j := jsonSTSError{
		Code:          e.Code(),
		OAuthError:    safe.Token(e.OAuthError),
		SubError:      safe.Token(e.SubError),
		Category:      v.Category,
		Action:        v.Action,
		Retryable:     v.Retryable,
		StatusCode:    e.StatusCode,
		Credential:    safe.Ident(e.Credential),
		TraceID:       safe.ID(e.TraceID),
		CorrelationID: safe.ID(e.CorrelationID),
		RetryAfter:    e.RetryAfter.Seconds(),
		Attempts:      max(e.Attempts, 0),
	}
	if info, ok := e.Info(); ok {
		j.Name, j.Summary = info.Name, info.Summary
	}
	if printableTime(e.Timestamp) {
		t := e.Timestamp
		j.Timestamp = &t
	}
	return json.Marshal(j)
}

// printableTime reports whether t is set and has a four-digit year, the
// range RFC 3339 (and so JSON and slog's handlers) can represent.
func printableTime(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}
