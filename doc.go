// Package stsdiag is the root of a library that explains why a Microsoft
// Entra ID token request failed.
//
// When a Go program asks Entra for a token through azidentity or MSAL Go and
// fails, it receives an error whose only structure is text. stsdiag finds the
// token endpoint's response in that error and turns it into a typed
// [github.com/stsdiag/stsdiag/aadsts.STSError]: the AADSTS codes, the OAuth
// error, suberror, claims challenge, trace and correlation ids, timestamp,
// HTTP status and Retry-After — with a category, an action and a
// retryability verdict taken from a table of every documented AADSTS code.
//
// The packages:
//
//   - aadsts: the STS's errors — Code, Lookup, STSError, FromError, Wrap,
//     WrapCredential, IsRetryable, RetryAfter and LogAttr.
//   - aadsts/aadststest: a fake Entra token endpoint that real azidentity
//     and MSAL Go clients can be pointed at, for tests.
//   - classify: the vocabulary (Category, Action) and the rules that judge a
//     failure without a code table.
//
// A typical use:
//
//	tok, err := cred.GetToken(ctx, opts)
//	var stsErr *aadsts.STSError
//	if errors.As(aadsts.Wrap(err), &stsErr) {
//		switch {
//		case stsErr.IsRetryable():
//			// back off; honour stsErr.RetryAfter
//		case stsErr.Category() == classify.InteractionRequired:
//			// send the user through interactive sign-in with stsErr.Claims
//		}
//		logger.Error("token request failed", aadsts.LogAttr("sts", err)) // no PII, no secrets
//	}
package stsdiag
