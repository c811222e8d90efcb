package classify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
)

// Verdict is a judgement of one failure: its category, the action to take,
// and whether the identical request may succeed later with no change by
// anyone.
type Verdict struct {
	Category  Category
	Action    Action
	Retryable bool
}

// String prints the verdict as "category/action", followed by "/retryable"
// when it is.
func (v Verdict) String() string {
	s := v.Category.String() + "/" + v.Action.String()
	if v.Retryable {
		s += "/retryable"
	}
	return s
}

func verdict(c Category, a Action, retryable bool) Verdict {
	return Verdict{Category: c, Action: a, Retryable: retryable}
}

// OAuthError judges the "error" value of an OAuth 2.0 error response: the
// values of RFC 6749 §5.2, the device authorization grant (RFC 8628 §3.5) and
// the values Microsoft Entra adds. The match is exact (the protocol's values
// are lower case). ok is false for a value it does not know.
func OAuthError(value string) (v Verdict, ok bool) {
	switch value {
	case "invalid_request", "unsupported_grant_type", "unsupported_response_type", "invalid_dpop_proof":
		return verdict(InvalidRequest, FixRequest, false), true
	case "invalid_client":
		return verdict(ClientCredentials, FixCredentials, false), true
	case "invalid_grant":
		// Entra also sends invalid_grant for MFA and policy failures; the AADSTS
		// code or suberror, when present, decides before this rule.
		return verdict(GrantExpired, Reauthenticate, false), true
	case "unauthorized_client", "invalid_resource", "invalid_target":
		return verdict(AppConfiguration, FixAppConfiguration, false), true
	case "invalid_scope":
		return verdict(AppConfiguration, FixRequest, false), true
	case "access_denied":
		// Used both when a user declines and when policy refuses; neither is
		// fixed by retrying.
		return verdict(PolicyBlocked, ContactAdmin, false), true
	case "server_error", "temporarily_unavailable":
		return verdict(Transient, Retry, true), true
	case "interaction_required", "login_required", "account_selection_required":
		return verdict(InteractionRequired, Reauthenticate, false), true
	case "consent_required":
		return verdict(ConsentRequired, RequestConsent, false), true
	case "authorization_pending", "slow_down":
		return verdict(DeviceFlow, KeepPolling, true), true
	case "expired_token", "authorization_declined", "bad_verification_code", "code_expired":
		return verdict(DeviceFlow, Reauthenticate, false), true
	}
	return Verdict{}, false
}

// SubError judges Entra's "suberror" value, which refines an
// interaction_required or invalid_grant response. ok is false for a value it
// does not know.
func SubError(value string) (v Verdict, ok bool) {
	switch value {
	case "basic_action", "additional_action", "message_only":
		// basic_action: interactive sign-in resolves it; additional_action:
		// the user must act beyond sign-in, which the sign-in page explains;
		// message_only: the sign-in page can only explain why access is
		// refused. All three need the user in front of a sign-in page.
		return verdict(InteractionRequired, Reauthenticate, false), true
	case "consent_required":
		return verdict(ConsentRequired, RequestConsent, false), true
	case "user_password_expired":
		return verdict(UserAccount, UserAction, false), true
	case "bad_token", "token_expired", "client_mismatch":
		// The refresh token is unusable (revoked, expired, or issued to another
		// client of the app family): a new grant is needed.
		return verdict(GrantExpired, Reauthenticate, false), true
	case "protection_policy_required", "device_authentication_failed":
		// An app protection (MAM) policy or a device requirement must be
		// satisfied by the user on the device.
		return verdict(PolicyBlocked, UserAction, false), true
	}
	return Verdict{}, false
}

// Status judges an HTTP status of a token or managed-identity endpoint
// response. It knows the statuses that mean something without a body: 408,
// 429 and the 5xx statuses. ok is false for the others.
func Status(code int) (v Verdict, ok bool) {
	switch code {
	case http.StatusTooManyRequests:
		return verdict(Throttled, RetryAfter, true), true
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return verdict(Transient, Retry, true), true
	}
	if code >= 500 && code <= 599 {
		// 501, 505 and the like: the server failed, but not in a way that
		// waiting cures.
		return verdict(Transient, None, false), true
	}
	return Verdict{}, false
}

// Err judges an error that did not come from the token service: context
// cancellation and deadlines, and network or TLS failures, including those
// that a client library flattened into text. ok is false when err is nil or is
// none of these.
//
// A deadline or a network failure is retryable (the next attempt may get
// through); a cancellation is not (the caller asked to stop); a TLS
// certificate failure is not (it fails the same way until someone fixes the
// trust configuration).
func Err(err error) (v Verdict, ok bool) {
	v, _, ok = ErrCause(err)
	return v, ok
}

// ErrCause is Err that also names the cause: DNSFailure, ConnectionFailure,
// TLSFailure, Timeout or CallerCanceled.
//
// An error whose Unwrap or Error panics (a typed nil pointer such as a nil
// *net.OpError in the chain) is judged as far as it can be, never with a
// panic.
func ErrCause(err error) (v Verdict, c Cause, ok bool) {
	if err == nil {
		return Verdict{}, NoCause, false
	}
	defer func() {
		if recover() != nil {
			v, c, ok = TextCause(errorText(err))
		}
	}()
	switch {
	case errors.Is(err, context.Canceled):
		return verdict(Canceled, None, false), CallerCanceled, true
	case errors.Is(err, context.DeadlineExceeded):
		return verdict(Network, Retry, true), Timeout, true
	}
	var (
		certErr    *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostErr    x509.HostnameError
		invalidErr x509.CertificateInvalidError
		recordErr  tls.RecordHeaderError
		dnsErr     *net.DNSError
		netErr     net.Error
	)
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalidErr):
		return verdict(Network, ConfigureEnvironment, false), TLSFailure, true
	case errors.As(err, &recordErr):
		// Plain HTTP spoken to a TLS port, or a proxy in the way.
		return verdict(Network, ConfigureEnvironment, false), TLSFailure, true
	case errors.As(err, &dnsErr):
		// A name that does not exist stays that way; a DNS timeout may pass.
		if dnsErr.IsNotFound {
			return verdict(Network, ConfigureEnvironment, false), DNSFailure, true
		}
		return verdict(Network, Retry, true), DNSFailure, true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF):
		return verdict(Network, Retry, true), ConnectionFailure, true
	case errors.As(err, &netErr):
		if netErr.Timeout() {
			return verdict(Network, Retry, true), Timeout, true
		}
		return verdict(Network, Retry, true), ConnectionFailure, true
	}
	return TextCause(errorText(err))
}

// errorText returns err.Error(), or "" when Error panics (a typed nil pointer
// whose method dereferences it, say): judging an error must never panic.
func errorText(err error) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	return err.Error()
}

// textRule maps a phrase that Go's standard library (or a client library)
// puts into an error message to a verdict and cause. Rules are tried in
// order.
type textRule struct {
	phrase string
	v      Verdict
	cause  Cause
}

var textRules = [...]textRule{
	{"context canceled", verdict(Canceled, None, false), CallerCanceled},
	{"operation was canceled", verdict(Canceled, None, false), CallerCanceled},
	{"context deadline exceeded", verdict(Network, Retry, true), Timeout},
	{"Client.Timeout exceeded", verdict(Network, Retry, true), Timeout},
	{"i/o timeout", verdict(Network, Retry, true), Timeout},
	{"TLS handshake timeout", verdict(Network, Retry, true), Timeout},
	{"x509: certificate", verdict(Network, ConfigureEnvironment, false), TLSFailure},
	{"tls: failed to verify certificate", verdict(Network, ConfigureEnvironment, false), TLSFailure},
	{"server gave HTTP response to HTTPS client", verdict(Network, ConfigureEnvironment, false), TLSFailure},
	{"first record does not look like a TLS handshake", verdict(Network, ConfigureEnvironment, false), TLSFailure},
	{"no such host", verdict(Network, ConfigureEnvironment, false), DNSFailure},
	{"connection refused", verdict(Network, Retry, true), ConnectionFailure},
	{"connection reset by peer", verdict(Network, Retry, true), ConnectionFailure},
	{"broken pipe", verdict(Network, Retry, true), ConnectionFailure},
	{"network is unreachable", verdict(Network, Retry, true), ConnectionFailure},
	{"no route to host", verdict(Network, Retry, true), ConnectionFailure},
	{"unexpected EOF", verdict(Network, Retry, true), ConnectionFailure},
	{"server response error:", verdict(Network, Retry, true), ConnectionFailure}, // MSAL's prefix for transport errors
}

// Text judges an error message that a client library flattened into text
// (azidentity does so with transport errors and deadlines). It looks for the
// phrases Go's net, crypto/tls and context packages use. ok is false when no
// phrase matches, and for a response that arrived but could not be decoded
// (see UnusableResponse): its "unexpected EOF" is JSON's, not the network's.
func Text(msg string) (v Verdict, ok bool) {
	v, _, ok = TextCause(msg)
	return v, ok
}

// TextCause is Text that also names the cause.
func TextCause(msg string) (v Verdict, c Cause, ok bool) {
	if _, _, bad := UnusableResponse(msg); bad {
		return Verdict{}, NoCause, false
	}
	for _, r := range textRules {
		if strings.Contains(msg, r.phrase) {
			return r.v, r.cause, true
		}
	}
	return Verdict{}, NoCause, false
}
