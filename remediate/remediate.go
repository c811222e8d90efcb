// Package remediate turns a token-acquisition failure into guidance for the
// people who can fix it: the developer of the application, the tenant
// administrator and the end user. It reads what the error itself says — the
// AADSTS code, the credential type that failed, the claims challenge, the
// correlation id and timestamp — and gives steps ordered from the cheapest,
// whether waiting and retrying helps, links, and ready-to-run commands.
//
//	rem := remediate.For(err)
//	fmt.Print(rem.Text())
//
// Renderings (Text, Markdown, JSON) never contain secrets, and contain no
// personal data unless Options.IncludeDescription asks for the error
// description.
package remediate

import (
	"time"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/classify"
)

// Audience is who a step is for.
type Audience uint8

// The audiences, in the order renderings list them.
const (
	Developer Audience = iota // the developer or operator of the application
	Admin                     // a tenant administrator
	User                      // the end user who signs in
)

var audienceTokens = [...]string{Developer: "developer", Admin: "admin", User: "user"}

// String returns "developer", "admin" or "user".
func (a Audience) String() string {
	if int(a) < len(audienceTokens) {
		return audienceTokens[a]
	}
	return "unknown"
}

// MarshalText encodes the audience as its String token.
func (a Audience) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Title returns a heading for the audience's steps.
func (a Audience) Title() string {
	switch a {
	case Developer:
		return "For the developer"
	case Admin:
		return "For the tenant administrator"
	case User:
		return "For the user"
	}
	return "For someone"
}

// Step is one thing one audience can do.
type Step struct {
	Audience Audience `json:"audience"`
	// Text says what to do, in one or two sentences.
	Text string `json:"text"`
	// Command, when set, is a command line that performs or checks the step.
	// Placeholders are written <like-this>.
	Command string `json:"command,omitempty"`
	// URL, when set, is a page or a ready-made link for the step (such as an
	// admin-consent URL).
	URL string `json:"url,omitempty"`
}

// Link is a reference for further reading.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Remediation is the guidance for one failure.
type Remediation struct {
	// Code is the AADSTS code, when the token service sent one.
	Code aadsts.Code `json:"code,omitempty"`
	// Name is the code's name in the table.
	Name string `json:"name,omitempty"`
	// Summary says in one line what went wrong.
	Summary string `json:"summary"`
	// Category, Action and Retryable are the diagnosis.
	Category  classify.Category `json:"category"`
	Action    classify.Action   `json:"action"`
	Retryable bool              `json:"retryable"`
	// RetryAdvice says whether waiting and retrying helps, and how long to
	// wait.
	RetryAdvice string `json:"retry_advice"`
	// RetryAfter is the wait the service asked for (JSON: seconds).
	RetryAfter time.Duration `json:"-"`
	// Credential is the azidentity credential type that failed, if known.
	Credential string `json:"credential,omitempty"`
	// Cause is the specific cause of a failure that never reached the token
	// service.
	Cause classify.Cause `json:"cause,omitempty"`
	// StatusCode, TraceID, CorrelationID and Timestamp identify the failed
	// request, for sign-in logs and support cases.
	StatusCode    int       `json:"status,omitempty"`
	TraceID       string    `json:"trace_id,omitempty"`
	CorrelationID string    `json:"correlation_id,omitempty"`
	Timestamp     time.Time `json:"-"`
	// Description is the service's error description. It is empty unless
	// Options.IncludeDescription was set, because it can name users.
	Description string `json:"description,omitempty"`
	// Steps are ordered from the cheapest.
	Steps []Step `json:"steps"`
	// Links are references, most specific first.
	Links []Link `json:"links,omitempty"`
	// Attempts holds, for a chain of credentials, the guidance for each
	// credential the chain tried, in order.
	Attempts []Remediation `json:"attempts,omitempty"`
}

// Options add what the error does not say. The zero Options are valid.
type Options struct {
	// TenantID and ClientID of the application, used in admin-consent URLs
	// and commands. Placeholders are used where they are empty.
	TenantID string
	ClientID string
	// Scopes the application requested, used in login commands.
	Scopes []string
	// Claims is a claims challenge to use when the error carries none.
	Claims string
	// IncludeDescription copies the service's error description into the
	// remediation. It can contain user names and e-mail addresses: set it
	// only when the output goes back to the person who made the request.
	IncludeDescription bool
}

// For returns the remediation for err, judged by aadsts.Diagnose. A nil err
// gives a remediation that says nothing failed.
func For(err error) Remediation { return Options{}.For(err) }

// ForCode returns the remediation for an AADSTS code alone, as if the token
// service had sent it with nothing else. ok is false for a code the table
// does not know (the remediation then holds generic advice).
func ForCode(code aadsts.Code) (r Remediation, ok bool) { return Options{}.ForCode(code) }

// ForDiagnosis returns the remediation for a diagnosis.
func ForDiagnosis(d aadsts.Diagnosis) Remediation { return Options{}.ForDiagnosis(d) }

// For is the package-level For with these options.
func (o Options) For(err error) Remediation {
	if err == nil {
		return Remediation{Summary: "Nothing failed.", RetryAdvice: "Nothing to retry.", Steps: []Step{}}
	}
	return o.ForDiagnosis(aadsts.Diagnose(err))
}

// ForCode is the package-level ForCode with these options.
func (o Options) ForCode(code aadsts.Code) (Remediation, bool) {
	st := &aadsts.STSError{Codes: []aadsts.Code{code}}
	v := st.Verdict()
	_, ok := aadsts.Lookup(code)
	return o.ForDiagnosis(aadsts.Diagnosis{Category: v.Category, Action: v.Action, Retryable: v.Retryable, STS: st}), ok
}

// ForDiagnosis is the package-level ForDiagnosis with these options.
func (o Options) ForDiagnosis(d aadsts.Diagnosis) Remediation {
	b := newBuilder(o, d)
	b.build()
	r := b.r
	for _, a := range d.Attempts {
		r.Attempts = append(r.Attempts, o.ForDiagnosis(a))
	}
	return r
}
