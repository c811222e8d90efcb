package aadsts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
	"github.com/stsdiag/stsdiag/classify"
	"github.com/stsdiag/stsdiag/internal/realclients"
)

// captureRealErrors drives the named real clients (see realclients.All) into
// reply and returns their errors, fresh: no body has been read by anyone.
func captureRealErrors(tb testing.TB, secrets realclients.Secrets, reply aadststest.Reply, names ...string) map[string]error {
	tb.Helper()
	srv := aadststest.NewServer()
	defer srv.Close()
	clients, err := realclients.All(srv, secrets)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]error{}
	for _, c := range clients {
		if len(names) > 0 && !contains(names, c.Name) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		if err := c.Script(ctx, srv, reply); err != nil {
			cancel()
			tb.Fatal(err)
		}
		err := c.Acquire(ctx)
		cancel()
		if err == nil {
			tb.Fatalf("%s: token request succeeded; want the scripted failure", c.Name)
		}
		out[c.Name] = err
	}
	if len(names) > 0 && len(out) != len(names) {
		tb.Fatalf("captured %d errors, want %v", len(out), names)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// allocated returns the bytes f allocates (TotalAlloc), the least of three
// runs so that a stray allocation elsewhere does not count.
func allocated(f func()) uint64 {
	best := ^uint64(0)
	for range 3 {
		var before, after goruntime.MemStats
		goruntime.GC()
		goruntime.ReadMemStats(&before)
		f()
		goruntime.ReadMemStats(&after)
		best = min(best, after.TotalAlloc-before.TotalAlloc)
	}
	return best
}

// maxParseAlloc bounds what reading any body may allocate: the body is read
// up to MaxBody (64 KiB) and copied at most a few times.
const maxParseAlloc = 1 << 20

// TestParseHugeBodyBounded parses 100 MB bodies of several shapes: Parse
// looks at MaxBody bytes only, so memory and time do not grow with the body.
func TestParseHugeBodyBounded(t *testing.T) {
	const size = 100 << 20
	big := make([]byte, size)
	shapes := []struct {
		name   string
		prefix string
		fill   byte
		want   aadsts.Code
	}{
		// A description that never ends: the object breaks off at MaxBody.
		{"endless string", `{"error":"invalid_client","error_codes":[7000215],"error_description":"`, 'a', 7000215},
		// Padding after a complete object.
		{"padded object", `{"error":"invalid_grant","error_codes":[50076]}`, ' ', 50076},
		// Not JSON: an HTML page that repeats a code.
		{"html", `<html><body>AADSTS90033 `, 'x', 90033},
		// Nesting far past any depth limit.
		{"deep nesting", `{"error":"invalid_request","a":`, '[', 0},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			tail := big[copy(big, s.prefix):]
			tail[0] = s.fill
			for n := 1; n < len(tail); n *= 2 { // fill by doubling: fast even with -race
				copy(tail[n:], tail[:n])
			}
			var st *aadsts.STSError
			start := time.Now()
			alloc := allocated(func() { st = aadsts.Parse(400, nil, big) })
			elapsed := time.Since(start)
			if alloc > maxParseAlloc {
				t.Errorf("Parse of a %d MB body allocated %d bytes, want < %d", size>>20, alloc, maxParseAlloc)
			}
			if elapsed > 5*time.Second {
				t.Errorf("Parse of a %d MB body took %v", size>>20, elapsed)
			}
			if st.Code() != s.want {
				t.Errorf("Code() = %v, want %v", st.Code(), s.want)
			}
			if len(st.Description) > aadsts.MaxBody {
				t.Errorf("Description holds %d bytes, more than MaxBody", len(st.Description))
			}
			t.Logf("allocated %d bytes in %v", alloc, elapsed)
		})
	}
}

// TestFromErrorHugeText gives FromError a 100 MB error text (a pasted log).
func TestFromErrorHugeText(t *testing.T) {
	text := "ClientSecretCredential authentication failed. RESPONSE 401: AADSTS7000215 " + strings.Repeat("x", 100<<20)
	err := errors.New(text)
	var st *aadsts.STSError
	alloc := allocated(func() { st, _ = aadsts.FromError(err) })
	if alloc > maxParseAlloc {
		t.Errorf("FromError of a 100 MB text allocated %d bytes, want < %d", alloc, maxParseAlloc)
	}
	if st.Code() != 7000215 || st.StatusCode != 401 || st.Credential != "ClientSecretCredential" {
		t.Errorf("FromError = %+v", st)
	}
	t.Logf("allocated %d bytes", alloc)
}

// endlessBody is a response body that never ends: a prefix, then fill bytes
// forever. It counts what was read from it.
type endlessBody struct {
	prefix []byte
	fill   byte
	read   int64
	closed bool
}

func (b *endlessBody) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if b.read < int64(len(b.prefix)) {
			c := copy(p[n:], b.prefix[b.read:])
			n += c
			b.read += int64(c)
			continue
		}
		p[n] = b.fill
		n++
		b.read++
	}
	return n, nil
}

func (b *endlessBody) Close() error { b.closed = true; return nil }

// lazyWrap wraps an error without calling its Error method.
type lazyWrap struct{ err error }

func (w lazyWrap) Error() string { return "calling the service failed" }
func (w lazyWrap) Unwrap() error { return w.err }

// checkBodyIntact reads the first n bytes of resp.Body and compares them with
// what an untouched endless body gives.
func checkBodyIntact(t *testing.T, resp *http.Response, prefix string, fill byte, n int) {
	t.Helper()
	got := make([]byte, n)
	if _, err := io.ReadFull(resp.Body, got); err != nil {
		t.Fatalf("reading the body after FromError: %v", err)
	}
	want := make([]byte, n)
	copy(want, prefix)
	for i := len(prefix); i < n; i++ {
		want[i] = fill
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < n && got[i] == want[i] {
			i++
		}
		t.Fatalf("body after FromError differs from the original at byte %d: %q", i, got[max(0, i-20):min(n, i+20)])
	}
}

// TestFromErrorEndlessBody hands FromError errors whose response body never
// ends. FromError must read a bounded prefix, and leave the body readable in
// full — the prefix it read, then the rest — for the original error.
//
// Where can that happen? azcore's pipeline downloads bodies before
// runtime.NewResponseError sees them, and MSAL reads token responses itself,
// so the libraries would hang first on a truly endless body. But the body of
// an *azcore.ResponseError built by other code (or of a streaming response),
// and the one-shot RawResponse.Body of an *azidentity.AuthenticationFailedError
// from a confidential or public client credential, reach FromError unread:
// a body of any length is read by FromError first.
func TestFromErrorEndlessBody(t *testing.T) {
	const prefix = `{"error":"invalid_client","error_codes":[7000215],"trace_id":"0000aaaa-1111","error_description":"AADSTS7000215: `
	type tc struct {
		err  error
		resp *http.Response
	}
	cases := map[string]func(body *endlessBody) tc{
		"azcore.ResponseError": func(body *endlessBody) tc {
			resp := &http.Response{StatusCode: 401, Header: http.Header{}, Body: body}
			// Not fmt.Errorf: it would call the ResponseError's Error(), which
			// reads the whole body.
			return tc{lazyWrap{&azcore.ResponseError{StatusCode: 401, RawResponse: resp}}, resp}
		},
		"azidentity.AuthenticationFailedError": func(body *endlessBody) tc {
			err := captureRealErrors(t, realclients.DefaultSecrets, coded(7000215), "ClientSecretCredential")["ClientSecretCredential"]
			var afe *azidentity.AuthenticationFailedError
			if !errors.As(err, &afe) || afe.RawResponse == nil {
				t.Fatalf("no RawResponse in %T", err)
			}
			afe.RawResponse.Body = body // the same error, as if the body had no end
			return tc{err, afe.RawResponse}
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			body := &endlessBody{prefix: []byte(prefix), fill: 'A'}
			c := mk(body)
			done := make(chan *aadsts.STSError, 1)
			var alloc uint64
			go func() {
				var st *aadsts.STSError
				var before, after goruntime.MemStats
				goruntime.ReadMemStats(&before)
				st, _ = aadsts.FromError(c.err)
				goruntime.ReadMemStats(&after)
				alloc = after.TotalAlloc - before.TotalAlloc
				done <- st
			}()
			var st *aadsts.STSError
			select {
			case st = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("FromError is still reading an endless body after 10s")
			}
			if st == nil || st.Code() != 7000215 || st.OAuthError != "invalid_client" || st.StatusCode != 401 {
				t.Fatalf("FromError = %+v", st)
			}
			if body.read > aadsts.MaxBody+1 {
				t.Errorf("FromError read %d bytes of the body, want at most MaxBody+1 = %d", body.read, aadsts.MaxBody+1)
			}
			if alloc > maxParseAlloc {
				t.Errorf("FromError allocated %d bytes, want < %d", alloc, maxParseAlloc)
			}
			if body.closed {
				t.Error("FromError closed a body it did not finish reading")
			}
			t.Logf("read %d bytes, allocated %d bytes", body.read, alloc)

			// A second call reuses the prefix: no further reading, same answer.
			readBefore := body.read
			st2, _ := aadsts.FromError(c.err)
			if st2.Code() != st.Code() || st2.TraceID != st.TraceID || body.read != readBefore {
				t.Errorf("second FromError = %+v after reading %d more bytes", st2, body.read-readBefore)
			}

			// The original error still has its whole body: the prefix read,
			// then the unread rest, and Close reaches the real body.
			checkBodyIntact(t, c.resp, prefix, 'A', 3*aadsts.MaxBody)
			_ = c.resp.Body.Close()
			if !body.closed {
				t.Error("closing the response body does not close the original body")
			}
		})
	}
}

// TestFromErrorLongBodyKeptWhole: a finite body longer than MaxBody is read
// in part, and the original azidentity error still prints all of it.
func TestFromErrorLongBodyKeptWhole(t *testing.T) {
	tail := "END-OF-A-LONG-BODY"
	long := `{"error":"invalid_grant","error_codes":[50076],"padding":"` + strings.Repeat("p", 2*aadsts.MaxBody) + `","tail":"` + tail + `"}`
	err := captureRealErrors(t, realclients.DefaultSecrets, raw(400, "application/json", long), "ClientSecretCredential")["ClientSecretCredential"]
	st, ok := aadsts.FromError(err)
	if !ok || st.Code() != 50076 || st.OAuthError != "invalid_grant" {
		t.Fatalf("FromError = %+v, %v", st, ok)
	}
	if text := err.Error(); !strings.Contains(text, tail) {
		t.Errorf("the original error lost the end of its body after FromError:\n%.300s...", text)
	}
	var afe *azidentity.AuthenticationFailedError
	if errors.As(err, &afe) {
		b, perr := runtime.Payload(afe.RawResponse)
		if perr != nil || string(b) != long {
			t.Errorf("runtime.Payload after FromError gives %d bytes (%v), want the %d of the body", len(b), perr, len(long))
		}
	}
	if st2, _ := aadsts.FromError(err); st2.Code() != 50076 {
		t.Errorf("FromError after Error() = %+v", st2)
	}
}

// TestConcurrentSameError calls stsdiag's functions on one real error from
// many goroutines at once, before anyone has read its body. Run with -race.
func TestConcurrentSameError(t *testing.T) {
	errs := captureRealErrors(t, realclients.DefaultSecrets, coded(7000215),
		"ClientSecretCredential", "ChainedTokenCredential", "MSALConfidential")
	for name, err := range errs {
		t.Run(name, func(t *testing.T) {
			const goroutines = 64
			var wg sync.WaitGroup
			results := make([]string, goroutines)
			start := make(chan struct{})
			for i := range goroutines {
				wg.Go(func() {
					<-start
					var b strings.Builder
					st, ok := aadsts.FromError(err)
					fmt.Fprintf(&b, "%v %v %s %s|", ok, st.Code(), st.TraceID, st.Credential)
					var st2 *aadsts.STSError
					fmt.Fprintf(&b, "%v|", errors.As(aadsts.Wrap(err), &st2) && st2.Code() == st.Code())
					fmt.Fprintf(&b, "%v|", aadsts.IsRetryable(err))
					d, ok := aadsts.RetryAfter(err)
					fmt.Fprintf(&b, "%v %v|", d, ok)
					var buf bytes.Buffer
					// lazyWrap, not fmt.Errorf: that calls err.Error(), and
					// azidentity's Error() is not safe for concurrent use (its
					// runtime.Payload writes to the cached body).
					slog.New(slog.NewJSONHandler(&buf, nil)).Error("x", aadsts.LogAttr("sts", err), aadsts.LogAttr("w", lazyWrap{err}))
					line := buf.String()
					b.WriteString(line[strings.Index(line, `"msg"`):]) // from "msg" on: the time differs
					fmt.Fprintf(&b, "|%v", aadsts.Diagnose(err).Category)
					results[i] = b.String()
				})
			}
			close(start)
			wg.Wait()
			for i, r := range results {
				if r != results[0] {
					t.Fatalf("goroutine %d saw\n%s\ngoroutine 0 saw\n%s", i, r, results[0])
				}
			}
			if !strings.HasPrefix(results[0], "true AADSTS7000215 "+traceID) {
				t.Errorf("result: %s", results[0])
			}
			text := err.Error()
			if !strings.Contains(text, "AADSTS7000215") || strings.Contains(text, "Response contained no body") {
				t.Errorf("the original error lost its body:\n%s", text)
			}
		})
	}
}

// TestLookupNoAlloc: Lookup is a binary search over a static table.
func TestLookupNoAlloc(t *testing.T) {
	var sink bool
	for _, c := range []aadsts.Code{50076, 7000215, 1, 4294967295} {
		if n := testing.AllocsPerRun(1000, func() { _, sink = aadsts.Lookup(c) }); n != 0 {
			t.Errorf("Lookup(%d) allocates %v times per call, want 0", c, n)
		}
	}
	_ = sink
}

// panicsOnUnwrap lists typed nil errors whose Unwrap dereferences the nil
// pointer, so that errors.Is and errors.As panic on them.
var panicsOnUnwrap = []error{
	(*net.OpError)(nil),
	(*url.Error)(nil),
	(*os.PathError)(nil),
	fmt.Errorf("wrapped: %w", (*url.Error)(nil)),
}

// oddErrors are the nil, typed nil and zero values every function taking an
// error must survive.
func oddErrors() map[string]error {
	return map[string]error{
		"nil":                           nil,
		"typed nil STSError":            (*aadsts.STSError)(nil),
		"typed nil AuthFailed":          (*azidentity.AuthenticationFailedError)(nil),
		"typed nil ResponseError":       (*azcore.ResponseError)(nil),
		"wrapped typed nil AuthFailed":  fmt.Errorf("x: %w", (*azidentity.AuthenticationFailedError)(nil)),
		"zero STSError":                 &aadsts.STSError{},
		"zero AuthFailed":               &azidentity.AuthenticationFailedError{},
		"AuthFailed with zero response": &azidentity.AuthenticationFailedError{RawResponse: &http.Response{}},
		"zero ResponseError":            &azcore.ResponseError{},
		"ResponseError, zero response":  &azcore.ResponseError{RawResponse: &http.Response{}},
		"ResponseError, NoBody":         &azcore.ResponseError{RawResponse: &http.Response{Body: http.NoBody}},
		"zero CallErr":                  msalerrors.CallErr{},
		"CallErr with zero response":    msalerrors.CallErr{Resp: &http.Response{}},
		"empty text":                    errors.New(""),
		"joined nils":                   errors.Join(nil, (*aadsts.STSError)(nil)),
	}
}

// stsErrors are the nil and zero STSErrors every method must survive.
func stsErrors() map[string]*aadsts.STSError {
	return map[string]*aadsts.STSError{
		"nil":  nil,
		"zero": {},
		"odd": {StatusCode: -1, Codes: []aadsts.Code{0, 4294967295}, OAuthError: "\xff", TraceID: "\x00",
			Credential: "Credential\n", RetryAfter: -time.Second, Timestamp: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)},
	}
}

// nilCred is a credential that fails with a typed nil error.
type nilCred struct{}

func (nilCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, (*azidentity.AuthenticationFailedError)(nil)
}

// TestNilAndZeroSafe calls every exported function and method of aadsts and
// classify with nil, typed nil and zero values. None may panic. Functions
// that take an error also get typed nil errors whose Unwrap panics.
// TestNilAndZeroSafeIsComplete makes sure the table covers the API.
func TestNilAndZeroSafe(t *testing.T) {
	for name, call := range nilSafetyTable() {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			call(t)
		})
	}
}

// forErrors runs f on every odd error and, when unwrapPanics, on the typed
// nils whose Unwrap panics.
func forErrors(t *testing.T, unwrapPanics bool, f func(error)) {
	for name, err := range oddErrors() {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", name, r)
				}
			}()
			f(err)
		}()
	}
	if !unwrapPanics {
		return
	}
	for _, err := range panicsOnUnwrap {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%#v: panic: %v", err, r)
				}
			}()
			f(err)
		}()
	}
}

func forSTS(f func(*aadsts.STSError)) func(t *testing.T) {
	return func(t *testing.T) {
		for _, e := range stsErrors() {
			f(e)
		}
	}
}

func nilSafetyTable() map[string]func(t *testing.T) {
	logTo := func(v slog.Value) {
		slog.New(slog.NewJSONHandler(io.Discard, nil)).Error("x", "v", v)
	}
	return map[string]func(t *testing.T){
		// package aadsts: functions
		"All": func(t *testing.T) {
			for range aadsts.All() {
				break
			}
		},
		"Len":    func(t *testing.T) { _ = aadsts.Len() },
		"Lookup": func(t *testing.T) { _, _ = aadsts.Lookup(0); _, _ = aadsts.Lookup(^aadsts.Code(0)) },
		"ParseCode": func(t *testing.T) {
			for _, s := range []string{"", "AADSTS", "\xff", strings.Repeat("9", 1000)} {
				_, _ = aadsts.ParseCode(s)
			}
		},
		"Parse": func(t *testing.T) {
			_ = aadsts.Parse(0, nil, nil)
			_ = aadsts.Parse(-1, http.Header{}, []byte{})
			_ = aadsts.Parse(0, http.Header{"Retry-After": nil}, []byte("{"))
		},
		"FromError": func(t *testing.T) {
			forErrors(t, true, func(err error) {
				if st, ok := aadsts.FromError(err); ok != (st != nil) {
					t.Errorf("FromError(%#v) = %v, %v", err, st, ok)
				}
			})
		},
		"Wrap": func(t *testing.T) {
			forErrors(t, true, func(err error) {
				if w := aadsts.Wrap(err); (err == nil) != (w == nil) {
					t.Errorf("Wrap(%#v) = %#v", err, w)
				}
			})
		},
		// IsRetryable and RetryAfter ask Diagnose (see the Diagnose row).
		"IsRetryable": func(t *testing.T) { forErrors(t, true, func(err error) { _ = aadsts.IsRetryable(err) }) },
		"RetryAfter":  func(t *testing.T) { forErrors(t, true, func(err error) { _, _ = aadsts.RetryAfter(err) }) },
		"LogAttr": func(t *testing.T) {
			forErrors(t, true, func(err error) { logTo(slog.GroupValue(aadsts.LogAttr("k", err))) })
		},
		// Diagnose calls classify.Err, which walks the chain with errors.Is
		// (see the classify.Err row).
		"Diagnose": func(t *testing.T) { forErrors(t, true, func(err error) { _ = aadsts.Diagnose(err) }) },
		"ShouldRetry": func(t *testing.T) {
			for _, resp := range []*http.Response{nil, {}, {StatusCode: 400}, {StatusCode: 500, Body: http.NoBody},
				{StatusCode: 429, Request: &http.Request{}}} {
				_ = aadsts.ShouldRetry(resp, nil)
				forErrors(t, true, func(err error) { _ = aadsts.ShouldRetry(resp, err) })
			}
		},
		// A pipeline never passes a nil *policy.Request; a zero one (no
		// further policies, no HTTP request) is handled.
		"RecordingPolicy": func(t *testing.T) {
			p := aadsts.RecordingPolicy()
			_, _ = p.Do(&policy.Request{})
		},
		"WrapCredential": func(t *testing.T) {
			if aadsts.WrapCredential(nil) != nil {
				t.Error("WrapCredential(nil) != nil")
			}
			_, err := aadsts.WrapCredential(nilCred{}).GetToken(context.Background(), policy.TokenRequestOptions{})
			_ = err
		},
		// package aadsts: methods
		"Code.String":      func(t *testing.T) { _ = aadsts.Code(0).String() + (^aadsts.Code(0)).String() },
		"Code.MarshalText": func(t *testing.T) { _, _ = aadsts.Code(0).MarshalText() },
		// A nil *Code to decode into is the caller's bug, as for every
		// encoding.TextUnmarshaler of the standard library; the zero Code is
		// fine.
		"Code.UnmarshalText": func(t *testing.T) {
			var c aadsts.Code
			_ = c.UnmarshalText(nil)
			_ = c.UnmarshalText([]byte("\xff"))
		},
		"CodeInfo.Verdict":  func(t *testing.T) { _ = aadsts.CodeInfo{}.Verdict() },
		"Diagnosis.Verdict": func(t *testing.T) { _ = aadsts.Diagnosis{}.Verdict() },
		"Diagnosis.LogValue": func(t *testing.T) {
			logTo(aadsts.Diagnosis{}.LogValue())
			logTo(aadsts.Diagnosis{Attempts: []aadsts.Diagnosis{{}}, STS: &aadsts.STSError{}}.LogValue())
			forErrors(t, true, func(err error) { logTo(aadsts.Diagnose(err).LogValue()) })
		},
		"STSError.Code":        forSTS(func(e *aadsts.STSError) { _ = e.Code() }),
		"STSError.Info":        forSTS(func(e *aadsts.STSError) { _, _ = e.Info() }),
		"STSError.Verdict":     forSTS(func(e *aadsts.STSError) { _ = e.Verdict() }),
		"STSError.Category":    forSTS(func(e *aadsts.STSError) { _ = e.Category() }),
		"STSError.Action":      forSTS(func(e *aadsts.STSError) { _ = e.Action() }),
		"STSError.IsRetryable": forSTS(func(e *aadsts.STSError) { _ = e.IsRetryable() }),
		"STSError.Unwrap":      forSTS(func(e *aadsts.STSError) { _ = e.Unwrap() }),
		"STSError.Error":       forSTS(func(e *aadsts.STSError) { _ = e.Error() }),
		"STSError.LogValue":    forSTS(func(e *aadsts.STSError) { logTo(e.LogValue()) }),
		"STSError.MarshalJSON": func(t *testing.T) {
			for name, e := range stsErrors() {
				b, err := e.MarshalJSON()
				if err != nil || !json.Valid(b) {
					t.Errorf("%s: MarshalJSON = %q, %v", name, b, err)
				}
				if _, err := json.Marshal(e); err != nil {
					t.Errorf("%s: json.Marshal: %v", name, err)
				}
			}
		},

		// package classify
		"classify.Category.String": func(t *testing.T) { _ = classify.Category(0).String() + classify.Category(255).String() },
		"classify.Category.MarshalText": func(t *testing.T) {
			_, _ = classify.Category(0).MarshalText()
			_, _ = classify.Category(255).MarshalText()
		},
		"classify.Category.UnmarshalText": func(t *testing.T) {
			var c classify.Category
			_ = c.UnmarshalText(nil)
		},
		"classify.ParseCategory": func(t *testing.T) { _, _ = classify.ParseCategory("") },
		"classify.Categories":    func(t *testing.T) { _ = classify.Categories() },
		"classify.Action.String": func(t *testing.T) { _ = classify.Action(0).String() + classify.Action(255).String() },
		"classify.Action.MarshalText": func(t *testing.T) {
			_, _ = classify.Action(0).MarshalText()
			_, _ = classify.Action(255).MarshalText()
		},
		"classify.Action.UnmarshalText": func(t *testing.T) {
			var a classify.Action
			_ = a.UnmarshalText(nil)
		},
		"classify.Action.IsRetry": func(t *testing.T) { _ = classify.Action(0).IsRetry() || classify.Action(255).IsRetry() },
		"classify.ParseAction":    func(t *testing.T) { _, _ = classify.ParseAction("") },
		"classify.Actions":        func(t *testing.T) { _ = classify.Actions() },
		"classify.Verdict.String": func(t *testing.T) {
			_ = classify.Verdict{}.String() + classify.Verdict{Category: 255, Action: 255}.String()
		},
		"classify.Cause.String":   func(t *testing.T) { _ = classify.Cause("").String() },
		"classify.OAuthError":     func(t *testing.T) { _, _ = classify.OAuthError("") },
		"classify.SubError":       func(t *testing.T) { _, _ = classify.SubError("") },
		"classify.Status":         func(t *testing.T) { _, _ = classify.Status(0); _, _ = classify.Status(-1) },
		"classify.Text":           func(t *testing.T) { _, _ = classify.Text("") },
		"classify.Causes":         func(t *testing.T) { _ = classify.Causes() },
		"classify.AzurePipelines": func(t *testing.T) { _, _ = classify.AzurePipelines(0) },
		"classify.ManagedIdentity": func(t *testing.T) {
			_, _, _ = classify.ManagedIdentity(0)
			_, _, _ = classify.ManagedIdentity(-1)
		},
		"classify.Service":          func(t *testing.T) { _, _ = classify.Service(0, false); _, _ = classify.Service(-1, true) },
		"classify.TextCause":        func(t *testing.T) { _, _, _ = classify.TextCause("") },
		"classify.Unavailable":      func(t *testing.T) { _, _, _ = classify.Unavailable("", "") },
		"classify.UnusableResponse": func(t *testing.T) { _, _, _ = classify.UnusableResponse("") },
		"classify.ErrCause":         func(t *testing.T) { forErrors(t, true, func(err error) { _, _, _ = classify.ErrCause(err) }) },
		"classify.Err":              func(t *testing.T) { forErrors(t, true, func(err error) { _, _ = classify.Err(err) }) },
	}
}

// exportedAPI lists the exported functions and methods (Type.Method) of the
// package in dir, prefixing each with prefix.
func exportedAPI(t *testing.T, dir, prefix string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []string
	for _, ent := range entries {
		file := ent.Name()
		if ent.IsDir() || !strings.HasSuffix(file, ".go") || strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, file), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			name := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				typ := fd.Recv.List[0].Type
				if st, ok := typ.(*ast.StarExpr); ok {
					typ = st.X
				}
				id, ok := typ.(*ast.Ident)
				if !ok || !id.IsExported() {
					continue // a method of an unexported type
				}
				name = id.Name + "." + name
			}
			out = append(out, prefix+name)
		}
	}
	sort.Strings(out)
	return out
}

func TestNilAndZeroSafeIsComplete(t *testing.T) {
	table := nilSafetyTable()
	api := append(exportedAPI(t, ".", ""), exportedAPI(t, "../classify", "classify.")...)
	for _, name := range api {
		if _, ok := table[name]; !ok {
			t.Errorf("%s is not in nilSafetyTable (hardening_test.go): add a row that calls it with nil, typed nil and zero values", name)
		}
	}
}
