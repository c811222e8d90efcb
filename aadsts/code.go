package aadsts

import (
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/stsdiag/stsdiag/classify"
)

// Code is an AADSTS error code of the Microsoft Entra security token service,
// such as 50076. The zero Code means "no code".
type Code uint32

// String returns the code with its prefix, such as "AADSTS50076", or the empty
// string for the zero Code.
func (c Code) String() string {
	if c == 0 {
		return ""
	}
	var buf [16]byte
	b := append(buf[:0], "AADSTS"...)
	return string(strconv.AppendUint(b, uint64(c), 10))
}

// MarshalText encodes the code as String does.
func (c Code) MarshalText() ([]byte, error) {
	return []byte(c.String()), nil
}

// UnmarshalText decodes any form ParseCode accepts; empty text decodes to the
// zero Code.
func (c *Code) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*c = 0
		return nil
	}
	v, err := ParseCode(string(text))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ErrInvalidCode is returned (wrapped) by ParseCode for text that is not an
// AADSTS code.
var ErrInvalidCode = errors.New("not an AADSTS code")

// ParseCode reads an AADSTS code written as "AADSTS50076", "aadsts50076" or
// "50076". Surrounding white space is ignored. The number must be between 1
// and 4294967295.
func ParseCode(s string) (Code, error) {
	t := strings.TrimSpace(s)
	if len(t) >= 6 && strings.EqualFold(t[:6], "AADSTS") {
		t = t[6:]
	}
	if t == "" || len(t) > 10 {
		return 0, fmt.Errorf("aadsts: %q: %w (want AADSTS followed by digits, e.g. AADSTS50076)", clip(s), ErrInvalidCode)
	}
	var n uint64
	for i := 0; i < len(t); i++ {
		d := t[i] - '0'
		if d > 9 {
			return 0, fmt.Errorf("aadsts: %q: %w (want AADSTS followed by digits, e.g. AADSTS50076)", clip(s), ErrInvalidCode)
		}
		n = n*10 + uint64(d)
	}
	if n == 0 || n > 1<<32-1 {
		return 0, fmt.Errorf("aadsts: %q: %w (the number must be between 1 and 4294967295)", clip(s), ErrInvalidCode)
	}
	return Code(n), nil
}

// clip shortens text quoted into an error message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

// CodeInfo is one row of the code table: what an AADSTS code means and what
// to do about it.
type CodeInfo struct {
	Code Code
	// Name is Microsoft's identifier for the code, such as
	// "UserStrongAuthClientAuthNRequired", or a descriptive name of stsdiag's
	// where Microsoft publishes none.
	Name string
	// Summary says in one line what went wrong. It never contains personal
	// data.
	Summary string
	// Category is the kind of failure.
	Category classify.Category
	// Action is what the client should do next.
	Action classify.Action
	// Retryable reports whether the identical request may succeed later with
	// no change by anyone.
	Retryable bool
}

// Verdict returns the row's category, action and retryability together.
func (ci CodeInfo) Verdict() classify.Verdict {
	return classify.Verdict{Category: ci.Category, Action: ci.Action, Retryable: ci.Retryable}
}

// Lookup returns the table's row for c. It does not allocate.
func Lookup(c Code) (CodeInfo, bool) {
	i, ok := search(c)
	if !ok {
		return CodeInfo{}, false
	}
	return codeTable[i], true
}

// search is a binary search over the sorted generated table.
func search(c Code) (int, bool) {
	lo, hi := 0, len(codeTable)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if codeTable[m].Code < c {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(codeTable) && codeTable[lo].Code == c
}

// All yields every row of the code table in ascending code order.
func All() iter.Seq[CodeInfo] {
	return func(yield func(CodeInfo) bool) {
		for i := range codeTable {
			if !yield(codeTable[i]) {
				return
			}
		}
	}
}

// Len returns the number of rows in the code table.
func Len() int { return len(codeTable) }
