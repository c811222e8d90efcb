package aadsts_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
	"github.com/stsdiag/stsdiag/internal/realclients"
)

var update = flag.Bool("update", false, "capture real-client error texts into ../testdata/errors and rewrite golden outputs")

const goldenDir = "../testdata/errors"

// captures lists the real-client failures kept as golden inputs.
var captures = []struct {
	file   string
	client string
	fail   string
}{
	{"azidentity_clientsecret_7000215.txt", "ClientSecretCredential", "InvalidSecret7000215"},
	{"azidentity_clientcert_700016.txt", "ClientCertificateCredential", "AppNotFound700016"},
	{"azidentity_assertion_53003.txt", "ClientAssertionCredential", "ConditionalAccess53003"},
	{"azidentity_chain_50076.txt", "ChainedTokenCredential", "MFA50076"},
	{"azidentity_clientsecret_html503.txt", "ClientSecretCredential", "HTML503"},
	{"azidentity_clientsecret_throttled.txt", "ClientSecretCredential", "Throttled429"},
	{"msal_confidential_7000222.txt", "MSALConfidential", "ExpiredSecret7000222"},
	{"msal_public_refresh_700082.txt", "MSALPublicRefresh", "RefreshExpired700082"},
	{"msal_confidential_malformed.txt", "MSALConfidential", "MalformedJSON"},
}

// port hides the fake server's random port, so captures are stable.
var port = regexp.MustCompile(`127\.0\.0\.1:\d+`)

func capture(t *testing.T) {
	fails := map[string]failure{}
	for _, f := range failures() {
		fails[f.name] = f
	}
	srv := aadststest.NewServer()
	defer srv.Close()
	clients, err := realclients.All(srv, realclients.DefaultSecrets)
	if err != nil {
		t.Fatal(err)
	}
	byName := realclients.ByName(clients)
	if err := os.MkdirAll(goldenDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range captures {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cl := byName[c.client]
		if err := cl.Script(ctx, srv, fails[c.fail].reply); err != nil {
			t.Fatal(err)
		}
		err := cl.Acquire(ctx)
		cancel()
		if err == nil {
			t.Fatalf("%s: no error", c.file)
		}
		text := port.ReplaceAllString(err.Error(), "127.0.0.1:8443")
		if err := os.WriteFile(filepath.Join(goldenDir, c.file), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTextFallbackGolden feeds the captured error texts of real clients, as
// plain text (what a log line or a pasted error gives), to FromError and
// compares the result with the golden JSON.
func TestTextFallbackGolden(t *testing.T) {
	if *update {
		capture(t)
	}
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < len(captures) {
		t.Fatalf("found %d captured errors in %s, want %d (run go test -update)", len(files), goldenDir, len(captures))
	}
	sort.Strings(files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			st, ok := aadsts.FromError(errors.New(string(text)))
			if !ok {
				t.Fatal("FromError found nothing in the captured text")
			}
			got, err := json.MarshalIndent(summarize(st), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(file, ".txt") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("text fallback mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
