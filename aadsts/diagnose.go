package aadsts

import (
	"errors"
	"time"

	"github.com/stsdiag/stsdiag/classify"
)

// Diagnosis is stsdiag's verdict on any error from token acquisition: a
// failure the token service answered (STS is set), one that never reached it
// (a credential that could not even try, a network fault, a cancellation),
// or a chain of credentials that each failed (Attempts lists them).
type Diagnosis struct {
	// Category, Action and Retryable are the verdict.
	Category  classify.Category
	Action    classify.Action
	Retryable bool
	// RetryAfter is the wait the service asked for, when it asked.
	RetryAfter time.Duration
	// Credential is the azidentity credential type that failed, when known.
	Credential string
	// Cause names the specific reason of a failure that never reached the
	// token service; it is empty when STS is set.
	Cause classify.Cause
	// STS is the token endpoint's answer, when there was one.
	STS *STSError
	// Attempts holds, for a ChainedTokenCredential or DefaultAzureCredential,
	// one diagnosis per credential the chain tried, in order.
	Attempts []Diagnosis
}

// Verdict returns the diagnosis's category, action and retryability.
func (d Diagnosis) Verdict() classify.Verdict {
	return classify.Verdict{Category: d.Category, Action: d.Action, Retryable: d.Retryable}
}

// Diagnose judges err. A nil error gives the zero Diagnosis (category
// unknown, action none).
func Diagnose(err error) Diagnosis {
	if err == nil {
		return Diagnosis{}
	}
	if st, ok := FromError(err); ok {
		v := st.Verdict()
		return Diagnosis{Category: v.Category, Action: v.Action, Retryable: v.Retryable,
			RetryAfter: st.RetryAfter, Credential: st.Credential, STS: st}
	}
	if v, ok := classify.Err(err); ok {
		return Diagnosis{Category: v.Category, Action: v.Action, Retryable: v.Retryable}
	}
	var unavailable interface{ NonRetriable() }
	if errors.As(err, &unavailable) {
		return Diagnosis{Category: classify.CredentialUnavailable, Action: classify.ConfigureEnvironment,
			Credential: credentialPrefix(errorText(err))}
	}
	return Diagnosis{}
}
