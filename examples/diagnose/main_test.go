package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	for _, full := range []bool{false, true} {
		var out bytes.Buffer
		if err := run(&out, full); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		for _, want := range []string{"AADSTS7000215", "AADSTS7000222", "AADSTS700016", "AADSTS53003", "AADSTS50076",
			"AADSTS65001", "AADSTS700082", "throttled / retry_after / retryable=true", "AADSTS90033", "transient / retry / retryable=true"} {
			if full && strings.Contains(want, " / ") {
				want = "category: " + strings.Split(want, " / ")[0]
			}
			if !strings.Contains(s, want) {
				t.Errorf("full=%v: output lacks %q", full, want)
			}
		}
	}
}
