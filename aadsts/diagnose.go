package aadsts

import (
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/stsdiag/stsdiag/classify"
	"github.com/stsdiag/stsdiag/internal/safe"
)

// Diagnosis is stsdiag's verdict on any error from token acquisition: a
// failure the token service answered (STS is set), one that never reached it
// (a credential that could not even try, a network fault, a cancellation),
// or a chain of credentials that each failed (Attempts lists them). It also
// judges an Azure service's refusal of a token it was given (cause
// classify.ServiceUnauthorized or classify.ServiceForbidden).
type Diagnosis struct {
	// Category, Action and Retryable are the verdict.
	Category  classify.Category
	Action    classify.Action
	Retryable bool
	// RetryAfter is the wait the service asked for, when it asked.
	RetryAfter time.Duration
	// Credential is the azidentity credential type that failed, when known.
	// For a chain it is the credential whose failure ended the chain, or the
	// chain's own type when every credential was unavailable.
	Credential string
	// Cause names the specific reason of a failure that never reached the
	// token service; it is empty when STS is set.
	Cause classify.Cause
	// StatusCode is the HTTP status of the response that failed — from the
	// token endpoint, a managed identity endpoint, Azure Pipelines' OIDC
	// endpoint or an Azure service — or 0 when there was none or it is not
	// known.
	StatusCode int
	// STS is the token endpoint's answer, when there was one.
	STS *STSError
	// Attempts holds, for a ChainedTokenCredential or DefaultAzureCredential,
	// one diagnosis per credential the chain tried, in order. All but the
	// last were unavailable; the chain stopped at the last.
	Attempts []Diagnosis
}

// Verdict returns the diagnosis's category, action and retryability.
func (d Diagnosis) Verdict() classify.Verdict {
	return classify.Verdict{Category: d.Category, Action: d.Action, Retryable: d.Retryable}
}

// LogValue implements slog.LogValuer: the verdict, the cause, the credential,
// the status, the wait, the STSError's allow-listed fields (group "sts") and
// the attempts (group "attempts", keyed by position). Nothing from an
// error's text is logged.
func (d Diagnosis) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("category", d.Category.String()),
		slog.String("action", d.Action.String()),
		slog.Bool("retryable", d.Retryable),
	}
	if d.Cause != classify.NoCause {
		attrs = append(attrs, slog.String("cause", safe.Token(string(d.Cause))))
	}
	if s := safe.Ident(d.Credential); s != "" {
		attrs = append(attrs, slog.String("credential", s))
	}
	if d.StatusCode != 0 {
		attrs = append(attrs, slog.Int("status", d.StatusCode))
	}
	if d.RetryAfter > 0 {
		attrs = append(attrs, slog.Duration("retry_after", d.RetryAfter))
	}
	if d.STS != nil {
		attrs = append(attrs, slog.Any("sts", d.STS.LogValue()))
	}
	if len(d.Attempts) > 0 {
		atts := make([]slog.Attr, len(d.Attempts))
		for i, a := range d.Attempts {
			atts[i] = slog.Any(strconv.Itoa(i), a.LogValue())
		}
		attrs = append(attrs, slog.Attr{Key: "attempts", Value: slog.GroupValue(atts...)})
	}
	return slog.GroupValue(attrs...)
}

// Diagnose judges err, any error from azidentity, MSAL Go or an Azure SDK
// client call. A nil error gives the zero Diagnosis (category unknown,
// action none). It never panics, and it reads response bodies as FromError
// does: bounded, and leaving them readable in full for the original error.
//
// It tells these apart, in this order:
//
//   - an interactive credential that needs Authenticate
//     (*azidentity.AuthenticationRequiredError): interaction_required /
//     reauthenticate, cause classify.AuthenticationRequired;
//   - a ChainedTokenCredential or DefaultAzureCredential: Attempts gets one
//     diagnosis per credential listed in the chain's message, in order. The
//     verdict is the last attempt's when the chain ended with a failure, or
//     credential_unavailable / configure_environment with cause
//     classify.NoCredentialAvailable when every credential was unavailable;
//   - a managed identity endpoint's error response (from azidentity, or
//     MSAL Go's managedidentity client used directly): the verdict for its
//     status (classify.ManagedIdentity), not the generic one an STSError of
//     that status would give;
//   - Azure Pipelines' OIDC endpoint's error response
//     (classify.AzurePipelines);
//   - a token endpoint's answer: the STSError's verdict (see
//     STSError.Verdict), STS set;
//   - a credential that could not try, or a developer tool that failed:
//     classify.Unavailable on its message — unless the message relays an
//     AADSTS code (az printing "AADSTS70043: ..."), which is the STS's
//     answer and judged as such;
//   - an *azcore.ResponseError from an Azure service rather than a token
//     endpoint: classify.Service (401: the token does not fit the resource;
//     403: the identity lacks authorization, an RBAC role). It is not a
//     token failure, and STS stays nil;
//   - a chain's message as plain text (a pasted log line): as for the
//     chain's error, the chain counting as unavailable when every attempt's
//     verdict is credential_unavailable;
//   - a success response without a usable token: classify.UnusableResponse;
//   - network, TLS, timeout and cancellation failures, typed or flattened
//     into text: classify.ErrCause.
func Diagnose(err error) (d Diagnosis) {
	if err == nil {
		return Diagnosis{}
	}
	defer func() {
		// Walking a hostile error (a typed nil whose methods dereference it)
		// must not crash the caller; the helpers guard, this is the backstop.
		if recover() != nil {
			d = Diagnosis{}
		}
	}()
	var st *STSError
	if !as(err, &st) {
		st = nil
	}
	var are *azidentity.AuthenticationRequiredError
	if as(err, &are) && are != nil {
		cred, msg := leadingCredential(errorText(are))
		return diagnoseFailure(failure{cred: cred, msg: msg, unavailable: true, authRequired: true, err: err})
	}
	var afe *azidentity.AuthenticationFailedError
	if as(err, &afe) && afe != nil {
		cred := credentialType(afe)
		msg := afeMessage(afe)
		if isChain(cred) {
			return diagnoseChain(cred, msg, chainFailed, afe.RawResponse, st, err)
		}
		return diagnoseFailure(failure{cred: cred, msg: msg, resp: afe.RawResponse, sts: st, err: err})
	}
	if u := findUnavailable(err); u != nil {
		cred, msg := leadingCredential(errorText(u))
		if isChain(cred) {
			return diagnoseChain(cred, msg, chainUnavailable, nil, nil, err)
		}
		return diagnoseFailure(failure{cred: cred, msg: msg, unavailable: true, err: err})
	}
	var re *azcore.ResponseError
	if st == nil && as(err, &re) && re != nil && re.RawResponse != nil && !isTokenEndpoint(re.RawResponse) {
		return diagnoseService(re.RawResponse)
	}
	text := errorText(err)
	cred, msg := leadingCredential(text)
	if st == nil && isChain(cred) && len(chainEntries(msg)) > 0 {
		// A chain's message without its error type (a pasted log line).
		return diagnoseChain(cred, msg, chainUnknown, nil, nil, err)
	}
	var ce msalerrors.CallErr
	if st == nil && as(err, &ce) && ce.Resp != nil && isManagedIdentityEndpoint(ce.Resp) {
		// MSAL Go's managedidentity client, used directly.
		if v, c, ok := classify.ManagedIdentity(ce.Resp.StatusCode); ok {
			d := Diagnosis{StatusCode: ce.Resp.StatusCode}.with(v, c)
			if v.Retryable {
				d.RetryAfter = retryAfter(ce.Resp.Header, time.Now)
			}
			return d
		}
	}
	if st == nil && (cred == credManagedIdentity || cred == credAzurePipelines) {
		// The text of a credential whose endpoint is not the token service (a
		// pasted log line): its status is judged by that endpoint's rules, not
		// as an STS answer.
		return diagnoseFailure(failure{cred: cred, msg: msg, status: statusInText(text), err: err})
	}
	if st, ok := FromError(err); ok {
		return fromSTS(st)
	}
	return diagnoseFailure(failure{cred: cred, msg: msg, err: err})
}

// chainState is what a chain's error type says of its last attempt.
type chainState int

const (
	chainFailed      chainState = iota // *azidentity.AuthenticationFailedError: the last attempt failed
	chainUnavailable                   // credentialUnavailableError: every attempt was unavailable
	chainUnknown                       // text only: unavailable if every attempt's verdict says so
)

// failure is what is known of one credential's failure: from its error, or,
// for an attempt of a chain, from the chain's text.
type failure struct {
	cred string // azidentity credential type, or ""
	msg  string // the credential's message
	// status is the HTTP status found in the text ("RESPONSE 404:"), for an
	// attempt of a chain whose response was printed into the chain's text.
	status       int
	unavailable  bool // the credential could not try (the chain moved on)
	authRequired bool // *azidentity.AuthenticationRequiredError
	resp         *http.Response
	sts          *STSError // an STSError already found (Wrap, WrapCredential)
	err          error     // the original error; nil for an attempt of a chain
}

const (
	credManagedIdentity = "ManagedIdentityCredential"
	credAzurePipelines  = "AzurePipelinesCredential"
)

func (d Diagnosis) with(v classify.Verdict, c classify.Cause) Diagnosis {
	d.Category, d.Action, d.Retryable, d.Cause = v.Category, v.Action, v.Retryable, c
	return d
}

func fromSTS(st *STSError) Diagnosis {
	v := st.Verdict()
	return Diagnosis{Category: v.Category, Action: v.Action, Retryable: v.Retryable,
		RetryAfter: st.RetryAfter, Credential: st.Credential, StatusCode: st.StatusCode, STS: st}
}

// withCredential returns st, or a copy of it whose Credential is cred when st
// has none (an STSError found in the caller's error is not modified).
func withCredential(st *STSError, cred string) *STSError {
	if st.Credential != "" || cred == "" {
		return st
	}
	c := *st
	c.Credential = cred
	return &c
}

func diagnoseFailure(f failure) Diagnosis {
	d := Diagnosis{Credential: f.cred}
	if f.authRequired {
		v, c, ok := classify.Unavailable(f.cred, f.msg)
		if !ok || c != classify.AuthenticationRequired {
			// azidentity's wording changed; the type says enough.
			v = classify.Verdict{Category: classify.InteractionRequired, Action: classify.Reauthenticate}
			c = classify.AuthenticationRequired
		}
		return d.with(v, c)
	}

	// A response: from the error, or printed into a chain's text.
	status := f.status
	if f.resp != nil {
		status = f.resp.StatusCode
	}
	if f.resp != nil || status != 0 {
		d.StatusCode = status
		switch {
		case f.cred == credManagedIdentity:
			if v, c, ok := classify.ManagedIdentity(status); ok {
				d = d.with(v, c)
				if f.resp != nil && v.Retryable {
					d.RetryAfter = retryAfter(f.resp.Header, time.Now)
				}
				return d
			}
		case f.cred == credAzurePipelines && (f.resp != nil && !isTokenEndpoint(f.resp) ||
			f.resp == nil && strings.Contains(f.msg, "OIDC endpoint")):
			v, c := classify.AzurePipelines(status)
			return d.with(v, c)
		}
		st := f.sts
		if st == nil && f.resp != nil {
			st = fromResponse(f.resp)
			st.err = f.err
		}
		if st == nil {
			if t, ok := fromText(f.msg); ok {
				st = t
				st.err = f.err
			}
		}
		if st != nil {
			return fromSTS(withCredential(st, f.cred))
		}
		return d
	}

	// A developer tool relaying the token service's answer.
	if _, ok := codeInText(f.msg); ok {
		if st, ok := fromText(f.msg); ok {
			st.err = f.err
			if f.cred != "" {
				st.Credential = f.cred
			}
			return fromSTS(st)
		}
	}
	if v, c, ok := classify.Unavailable(f.cred, f.msg); ok {
		return d.with(v, c)
	}
	if v, c, ok := classify.UnusableResponse(f.msg); ok {
		return d.with(v, c)
	}
	var (
		v  classify.Verdict
		c  classify.Cause
		ok bool
	)
	if f.err != nil {
		v, c, ok = errCause(f.err)
	} else {
		v, c, ok = classify.TextCause(f.msg)
	}
	if ok {
		return d.with(v, c)
	}
	if f.unavailable {
		return d.with(classify.Verdict{Category: classify.CredentialUnavailable, Action: classify.ConfigureEnvironment}, classify.NoCause)
	}
	return d
}

// diagnoseChain judges a ChainedTokenCredential's or DefaultAzureCredential's
// error from its message, which lists every credential it attempted:
//
//	failed to acquire a token.
//	Attempted credentials:
//		EnvironmentCredential: missing environment variable AZURE_TENANT_ID
//		ClientSecretCredential authentication failed. ...
//			RESPONSE 401: ...
//
// Each attempt's own text follows "\n\t"; its continuation lines are indented
// "\t\t". resp and st belong to the last attempt (azidentity keeps the
// response of the credential that ended the chain).
func diagnoseChain(chain, msg string, state chainState, resp *http.Response, st *STSError, err error) Diagnosis {
	unavailable := state == chainUnavailable
	entries := chainEntries(msg)
	if len(entries) == 0 {
		return diagnoseFailure(failure{cred: chain, msg: msg, unavailable: unavailable, resp: resp, sts: st, err: err})
	}
	atts := make([]Diagnosis, len(entries))
	for i, e := range entries {
		last := i == len(entries)-1
		cred, m := leadingCredential(e)
		f := failure{cred: cred, msg: m, unavailable: !last || unavailable}
		if isChain(cred) {
			// A chain in the chain: its own message is the entry.
			inner := chainFailed
			if f.unavailable {
				inner = chainUnavailable
			}
			atts[i] = diagnoseChain(cred, m, inner, nil, nil, nil)
			continue
		}
		if strings.HasPrefix(m, " authentication failed") || strings.HasPrefix(m, "authentication failed") {
			f.msg = e
			f.status = statusInText(e)
		}
		if last && !unavailable {
			f.resp, f.sts = resp, st
			if f.resp != nil {
				f.status = 0
			}
		}
		atts[i] = diagnoseFailure(f)
	}
	if state == chainUnknown {
		unavailable = true
		for _, a := range atts {
			unavailable = unavailable && a.Category == classify.CredentialUnavailable
		}
	}
	var d Diagnosis
	if unavailable {
		d = Diagnosis{Category: classify.CredentialUnavailable, Action: classify.ConfigureEnvironment,
			Credential: chain, Cause: classify.NoCredentialAvailable}
	} else {
		d = atts[len(atts)-1]
		d.Attempts = nil
	}
	d.Attempts = atts
	return d
}

// chainEntries splits a chain's message into the texts of the credentials it
// attempted, with their continuation lines restored.
func chainEntries(msg string) []string {
	const marker = "Attempted credentials:"
	i := strings.Index(msg, marker)
	if i < 0 {
		return nil
	}
	rest := msg[i+len(marker):]
	var starts []int
	for off := 0; ; {
		j := strings.Index(rest[off:], "\n\t")
		if j < 0 {
			break
		}
		p := off + j
		off = p + 2
		if off < len(rest) && rest[off] == '\t' {
			continue // a continuation line
		}
		starts = append(starts, off)
	}
	entries := make([]string, len(starts))
	for k, s := range starts {
		end := len(rest)
		if k+1 < len(starts) {
			end = starts[k+1] - 2
		}
		entries[k] = strings.ReplaceAll(rest[s:end], "\n\t\t", "\n")
	}
	return entries
}

// diagnoseService judges an Azure service's error response (not a token
// endpoint's).
func diagnoseService(resp *http.Response) Diagnosis {
	challenge := strings.Contains(strings.ToLower(resp.Header.Get("WWW-Authenticate")), "claims=")
	v, c := classify.Service(resp.StatusCode, challenge)
	d := Diagnosis{StatusCode: resp.StatusCode}.with(v, c)
	if v.Retryable {
		d.RetryAfter = retryAfter(resp.Header, time.Now)
	}
	return d
}

// isTokenEndpoint reports whether resp answers a request to a token service:
// an Entra endpoint (/oauth2/..., a login.* host), a managed identity
// endpoint (/metadata/identity/oauth2/token, or any /oauth2/ path), or a
// response whose request is unknown (so it is treated as before).
func isTokenEndpoint(resp *http.Response) bool {
	if resp.Request == nil || resp.Request.URL == nil {
		return true
	}
	u := resp.Request.URL
	return strings.Contains(u.Path, "/oauth2/") || strings.HasPrefix(strings.ToLower(u.Host), "login.")
}

// leadingCredential splits text into the azidentity credential type it starts
// with and the rest: "AzureCLICredential: msg" gives "AzureCLICredential" and
// "msg". Text that starts "ClientSecretCredential authentication failed",
// "ClientSecretCredential isn't configured ..." or
// "AzureCLICredential.GetToken(): ..." gives the type and the text after the
// name. Without a credential type, it returns "" and text.
func leadingCredential(text string) (cred, rest string) {
	n := 0
	for n < len(text) && n < 64 && isIdentByte(text[n]) {
		n++
	}
	name := text[:n]
	if !strings.HasSuffix(name, "Credential") || n == len(text) {
		return "", text
	}
	switch text[n] {
	case ':':
		return name, strings.TrimLeft(text[n+1:], " ")
	case ' ', '.':
		return name, text[n:]
	}
	return "", text
}

const azidentityPkg = "github.com/Azure/azure-sdk-for-go/sdk/azidentity"

// findUnavailable returns azidentity's unexported *credentialUnavailableError
// in err's chain, found by its type rather than its text, or nil.
func findUnavailable(err error) (found error) {
	defer func() {
		if recover() != nil {
			found = nil
		}
	}()
	var walk func(e error, depth int) error
	walk = func(e error, depth int) error {
		for e != nil && depth < 64 {
			if t := reflect.TypeOf(e); t.Kind() == reflect.Pointer && t.Elem().Name() == "credentialUnavailableError" &&
				t.Elem().PkgPath() == azidentityPkg {
				return e
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				e = u.Unwrap()
				depth++
			case interface{ Unwrap() []error }:
				for _, x := range u.Unwrap() {
					if f := walk(x, depth+1); f != nil {
						return f
					}
				}
				return nil
			default:
				return nil
			}
		}
		return nil
	}
	return walk(err, 0)
}

// errCause is classify.ErrCause, giving no verdict where walking err's chain
// panics (see as).
func errCause(err error) (v classify.Verdict, c classify.Cause, ok bool) {
	defer func() {
		if recover() != nil {
			v, c, ok = classify.Verdict{}, classify.NoCause, false
		}
	}()
	return classify.ErrCause(err)
}
