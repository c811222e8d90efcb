package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 log lines, got:\n%s", out.String())
	}
	var rec struct {
		STS map[string]any `json:"sts"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.STS["code"] != "AADSTS50126" || rec.STS["credential"] != "ClientSecretCredential" || rec.STS["trace_id"] == nil {
		t.Errorf("structured fields missing: %v", rec.STS)
	}
	for _, leak := range []string{"alice", "do-not-log-me"} {
		if strings.Contains(out.String(), leak) {
			t.Errorf("log contains %q:\n%s", leak, out.String())
		}
	}
	if !strings.Contains(lines[1], `"category":"network"`) {
		t.Errorf("network failure not classified: %s", lines[1])
	}
}
