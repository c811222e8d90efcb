package aadsts_test

import (
	"errors"
	"testing"

	"github.com/stsdiag/stsdiag/aadsts"
)

func TestParseCode(t *testing.T) {
	tests := []struct {
		in   string
		want aadsts.Code
		ok   bool
	}{
		{"AADSTS50076", 50076, true},
		{"aadsts50076", 50076, true},
		{"50076", 50076, true},
		{" AADSTS7000215\n", 7000215, true},
		{"4294967295", 4294967295, true},
		{"4294967296", 0, false},
		{"0", 0, false},
		{"AADSTS", 0, false},
		{"", 0, false},
		{"AADSTS-1", 0, false},
		{"5007x", 0, false},
		{"AADSTS 50076", 0, false},
		{"12345678901", 0, false},
		{"+50076", 0, false},
	}
	for _, tt := range tests {
		got, err := aadsts.ParseCode(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseCode(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, aadsts.ErrInvalidCode) {
			t.Errorf("ParseCode(%q) error %v is not ErrInvalidCode", tt.in, err)
		}
	}
}

func TestCodeString(t *testing.T) {
	if got := aadsts.Code(50076).String(); got != "AADSTS50076" {
		t.Errorf("String = %q", got)
	}
	if got := aadsts.Code(0).String(); got != "" {
		t.Errorf("zero Code prints %q, want empty", got)
	}
	var c aadsts.Code
	if err := c.UnmarshalText([]byte("AADSTS65001")); err != nil || c != 65001 {
		t.Errorf("UnmarshalText = %v, %v", c, err)
	}
	if err := c.UnmarshalText([]byte("")); err != nil || c != 0 {
		t.Errorf("UnmarshalText(empty) = %v, %v", c, err)
	}
	if err := c.UnmarshalText([]byte("nope")); err == nil {
		t.Error("UnmarshalText(nope) succeeded")
	}
	b, _ := aadsts.Code(700016).MarshalText()
	if string(b) != "AADSTS700016" {
		t.Errorf("MarshalText = %s", b)
	}
}

func TestLookup(t *testing.T) {
	info, ok := aadsts.Lookup(50076)
	if !ok || info.Code != 50076 || info.Name == "" || info.Summary == "" {
		t.Fatalf("Lookup(50076) = %+v, %v", info, ok)
	}
	if _, ok := aadsts.Lookup(0); ok {
		t.Error("Lookup(0) found a row")
	}
	if _, ok := aadsts.Lookup(4294967295); ok {
		t.Error("Lookup(max) found a row")
	}
	// Every row is found, and All is sorted and complete.
	n := 0
	var prev aadsts.Code
	for info := range aadsts.All() {
		if n > 0 && info.Code <= prev {
			t.Fatalf("All out of order: %v after %v", info.Code, prev)
		}
		got, ok := aadsts.Lookup(info.Code)
		if !ok || got != info {
			t.Errorf("Lookup(%v) = %+v, %v; want the row All yields", info.Code, got, ok)
		}
		if _, ok := aadsts.Lookup(info.Code + 1); ok != hasRow(info.Code+1) {
			t.Errorf("Lookup(%v) disagrees with All", info.Code+1)
		}
		prev = info.Code
		n++
	}
	if n != aadsts.Len() {
		t.Errorf("All yielded %d rows, Len says %d", n, aadsts.Len())
	}
	// Stopping early works.
	count := 0
	for range aadsts.All() {
		count++
		if count == 3 {
			break
		}
	}
	if count != 3 {
		t.Errorf("early stop yielded %d", count)
	}
}

func hasRow(c aadsts.Code) bool {
	for info := range aadsts.All() {
		if info.Code == c {
			return true
		}
	}
	return false
}
