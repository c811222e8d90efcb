package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"attempt 1: retryable (throttled)", "attempt 3: retryable (transient)", "attempt 4: got a token",
		"attempt 1: giving up: ClientSecretCredential: AADSTS7000215", "token requests made: 1"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}
