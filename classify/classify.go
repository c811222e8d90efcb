// Package classify is stsdiag's vocabulary for token-acquisition failures: the
// Category of a failure, the Action a client should take, and the rules that
// judge a failure from what is known without a code table — the OAuth 2.0
// "error" value, Entra's "suberror", the HTTP status, and errors that never
// reached the token service (network failures, cancellation).
//
// The categories and actions print as stable lower-case tokens (see
// Category.String and Action.String), suitable for logs, metrics and JSON.
//
// Package aadsts combines these rules with its table of AADSTS codes; most
// programs use aadsts and read the Category and Action it reports.
package classify

import (
	"fmt"
	"strings"
)

// Category says what kind of failure happened, and so who can fix it.
type Category uint8

// The categories. Their String values are the tokens listed in the comments.
const (
	// Unknown: nothing known about the failure says more. Token "unknown".
	Unknown Category = iota
	// InteractionRequired: the user must complete an interactive sign-in
	// (MFA, an expired session, a claims challenge). Token "interaction_required".
	InteractionRequired
	// ConsentRequired: user or admin consent is missing or was declined.
	// Token "consent_required".
	ConsentRequired
	// ClientCredentials: the application's own secret, certificate or
	// assertion is wrong, expired or missing. Token "client_credentials".
	ClientCredentials
	// AppConfiguration: the app registration or the requested resource,
	// scope or redirect URI is wrong, or the app is not in the tenant.
	// Token "app_configuration".
	AppConfiguration
	// UserAccount: the user account is disabled, locked or missing, or its
	// password is expired or wrong. Token "user_account".
	UserAccount
	// PolicyBlocked: Conditional Access, security defaults, risk policy,
	// tenant restrictions or cross-tenant policy refused the request.
	// Token "policy_blocked".
	PolicyBlocked
	// GrantExpired: a refresh token, authorization code or session expired,
	// was revoked or was already redeemed. Token "grant_expired".
	GrantExpired
	// Transient: the service failed temporarily. Token "transient".
	Transient
	// Throttled: too many requests, including request-loop detection.
	// Token "throttled".
	Throttled
	// Federation: a federated identity provider, pass-through agent,
	// on-premises directory or seamless SSO failed. Token "federation".
	Federation
	// DeviceFlow: a device-code flow state (pending, slow down, expired,
	// declined). Token "device_flow".
	DeviceFlow
	// Tenant: the tenant was not found, is in another cloud, or cannot use
	// the endpoint (/common, /consumers) or grant. Token "tenant".
	Tenant
	// InvalidRequest: a malformed protocol request. Token "invalid_request".
	InvalidRequest
	// CredentialUnavailable: the credential could not even try, because its
	// environment lacks something (a CLI, a login, a variable, a managed
	// identity). Never reached the token service. Token "credential_unavailable".
	CredentialUnavailable
	// Network: the request failed in transit (DNS, connection, TLS, timeout)
	// and never got an answer from the token service. Token "network".
	Network
	// Canceled: the caller canceled the request. Token "canceled".
	Canceled

	numCategories = iota
)

var categoryTokens = [numCategories]string{
	Unknown:               "unknown",
	InteractionRequired:   "interaction_required",
	ConsentRequired:       "consent_required",
	ClientCredentials:     "client_credentials",
	AppConfiguration:      "app_configuration",
	UserAccount:           "user_account",
	PolicyBlocked:         "policy_blocked",
	GrantExpired:          "grant_expired",
	Transient:             "transient",
	Throttled:             "throttled",
	Federation:            "federation",
	DeviceFlow:            "device_flow",
	Tenant:                "tenant",
	InvalidRequest:        "invalid_request",
	CredentialUnavailable: "credential_unavailable",
	Network:               "network",
	Canceled:              "canceled",
}

// String returns the category's token, such as "interaction_required". A
// value outside the defined set prints as "Category(N)".
func (c Category) String() string {
	if int(c) < len(categoryTokens) {
		return categoryTokens[c]
	}
	return fmt.Sprintf("Category(%d)", uint8(c))
}

// MarshalText encodes the category as its token. It fails for a value outside
// the defined set, so that no unreadable token is ever written.
func (c Category) MarshalText() ([]byte, error) {
	if int(c) >= len(categoryTokens) {
		return nil, fmt.Errorf("classify: cannot marshal undefined Category(%d)", uint8(c))
	}
	return []byte(categoryTokens[c]), nil
}

// UnmarshalText decodes a token written by MarshalText.
func (c *Category) UnmarshalText(text []byte) error {
	v, err := ParseCategory(string(text))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseCategory returns the category whose token is s. Tokens are
// case-sensitive, exactly as String prints them.
func ParseCategory(s string) (Category, error) {
	for i, tok := range categoryTokens {
		if tok == s {
			return Category(i), nil
		}
	}
	return Unknown, fmt.Errorf("classify: unknown category %q (want one of %s)", s, listTokens(categoryTokens[:]))
}

// Categories returns every defined category in declaration order.
func Categories() []Category {
	out := make([]Category, numCategories)
	for i := range out {
		out[i] = Category(i)
	}
	return out
}

// Action says what the client should do next.
type Action uint8

// The actions. Their String values are the tokens listed in the comments.
const (
	// None: there is nothing useful to do. Token "none".
	None Action = iota
	// Retry: send the same request again, with backoff. Token "retry".
	Retry
	// RetryAfter: wait as long as the service asked (Retry-After), then send
	// the same request again. Token "retry_after".
	RetryAfter
	// KeepPolling: device-code flow; keep polling at the agreed interval.
	// Token "keep_polling".
	KeepPolling
	// Reauthenticate: send the user through interactive sign-in, or obtain a
	// new grant. Token "reauthenticate".
	Reauthenticate
	// RequestConsent: obtain user or admin consent for the permissions.
	// Token "request_consent".
	RequestConsent
	// FixCredentials: correct or renew the application's secret, certificate
	// or assertion. Token "fix_credentials".
	FixCredentials
	// FixAppConfiguration: correct the app registration or the resource, scope
	// or redirect URI the app uses. Token "fix_app_configuration".
	FixAppConfiguration
	// FixRequest: correct the code that builds the token request.
	// Token "fix_request".
	FixRequest
	// ContactAdmin: a tenant administrator must act. Token "contact_admin".
	ContactAdmin
	// UserAction: the end user must act (reset a password, register for MFA,
	// pick another account). Token "user_action".
	UserAction
	// ConfigureEnvironment: the machine or process environment must change
	// (install or log in to a tool, set variables, assign a managed
	// identity). Token "configure_environment".
	ConfigureEnvironment

	numActions = iota
)

var actionTokens = [numActions]string{
	None:                 "none",
	Retry:                "retry",
	RetryAfter:           "retry_after",
	KeepPolling:          "keep_polling",
	Reauthenticate:       "reauthenticate",
	RequestConsent:       "request_consent",
	FixCredentials:       "fix_credentials",
	FixAppConfiguration:  "fix_app_configuration",
	FixRequest:           "fix_request",
	ContactAdmin:         "contact_admin",
	UserAction:           "user_action",
	ConfigureEnvironment: "configure_environment",
}

// String returns the action's token, such as "retry_after". A value outside
// the defined set prints as "Action(N)".
func (a Action) String() string {
	if int(a) < len(actionTokens) {
		return actionTokens[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// MarshalText encodes the action as its token. It fails for a value outside
// the defined set.
func (a Action) MarshalText() ([]byte, error) {
	if int(a) >= len(actionTokens) {
		return nil, fmt.Errorf("classify: cannot marshal undefined Action(%d)", uint8(a))
	}
	return []byte(actionTokens[a]), nil
}

// UnmarshalText decodes a token written by MarshalText.
func (a *Action) UnmarshalText(text []byte) error {
	v, err := ParseAction(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseAction returns the action whose token is s. Tokens are case-sensitive.
func ParseAction(s string) (Action, error) {
	for i, tok := range actionTokens {
		if tok == s {
			return Action(i), nil
		}
	}
	return None, fmt.Errorf("classify: unknown action %q (want one of %s)", s, listTokens(actionTokens[:]))
}

// Actions returns every defined action in declaration order.
func Actions() []Action {
	out := make([]Action, numActions)
	for i := range out {
		out[i] = Action(i)
	}
	return out
}

// IsRetry reports whether the action is one that repeats the same request
// (Retry, RetryAfter or KeepPolling).
func (a Action) IsRetry() bool {
	return a == Retry || a == RetryAfter || a == KeepPolling
}

func listTokens(toks []string) string { return strings.Join(toks, ", ") }
