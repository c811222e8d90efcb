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
	for _, want := range []string{`with a valid token: {"name":"sprocket"}`, "holds an STSError: AADSTS53003",
		"category policy_blocked, action contact_admin, retryable false", "AuthenticationFailedError: true"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
