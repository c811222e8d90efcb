package aadsts_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stsdiag/stsdiag/aadsts"
)

// The fuzz targets below run their seed corpus as ordinary tests (go test),
// and explore further with go test -run='^$' -fuzz=FuzzParse -fuzztime=5m
// ./aadsts. Crashers the engine finds are kept in testdata/fuzz/<target> and
// replayed by every go test run.

// fuzzGoldenTexts returns the captured real-client error texts, the fuzzers'
// most realistic seeds.
func fuzzGoldenTexts(f *testing.F) []string {
	f.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.txt"))
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatalf("no captured errors in %s", goldenDir)
	}
	var out []string
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// fuzzEmbeddedJSON returns the JSON object printed in an error text (from its
// first '{' to its last '}'), or "".
func fuzzEmbeddedJSON(text string) string {
	i, j := strings.Index(text, "{"), strings.LastIndex(text, "}")
	if i < 0 || j < i {
		return ""
	}
	return text[i : j+1]
}

// fuzzSeeds are bodies that exercise the scanner's edges.
var fuzzSeeds = []string{
	``,
	` `,
	`{}`,
	`null`,
	`[]`,
	`"AADSTS50076"`,
	`{`,
	`{"error":`,
	`{"error":"invalid_grant","error_description":"AADSTS50076: MFA`,
	`{"error":"invalid_grant","error_codes":[50076,`,
	`<html><body><h1>503 Service Unavailable</h1>AADSTS90033 Trace ID: 0000aaaa-1111</body></html>`,
	"\xef\xbb\xbf{\"error\":\"invalid_client\",\"error_codes\":[7000215]}",
	`{"error_codes":[99999999999999999999,1e400,-1,0,4294967295,4294967296,1.5,1e2,-0]}`,
	`{"error_codes":[0,50076,0]}`,
	`{"error_codes":[4294967295]}`,
	`{"error_codes":[1,null,2]}`,
	`{"error_codes":null,"error_description":"AADSTS700082: expired"}`,
	`{"error_codes":[],"error_description":"AADSTS700082: expired"}`,
	`{"error_codes":[50076],"error_codes":[65001]}`,
	`{"error":"a","error":"b","ERROR":"c"}`,
	`{"Error":"invalid_grant","ERROR_DESCRIPTION":"x","Error_Codes":[50076],"SubError":"basic_action","TRACE_ID":"ab","Correlation_Id":"cd","TimeStamp":"2026-11-22 10:00:00Z","Error_URI":"u","CLAIMS":"c"}`,
	`{"error_deſcription":"long s","clai\u017fms":"escaped long s"}`,
	"{\"error_descr\u0130ption\":\"dotted capital I\",\"error_descr\u0131ption\":\"dotless i\",\"claim\u212a\":\"kelvin\"}",
	`{"error":"\u0069nvalid_grant","\u0065rror_uri":"https:\/\/login.microsoftonline.com\/error"}`,
	`{"error_description":"\ud83d\ude00 pair, \ud83d lone high, \ude00 lone low, \ud83d\ud83d two highs, \ud83d\u0041 high then A"}`,
	`{"error_description":"\uDBFF\uDFFF max, \u0000 nul, \b\f\n\r\t\"\\\/ escapes"}`,
	"{\"error_description\":\"invalid \xff\xfe utf-8 \xc3\x28 \xed\xa0\x80 surrogate bytes\",\"error\":\"\xff\"}",
	"{\"\xff\":\"invalid key\",\"error\":\"ok\"}",
	`{"error":null,"error_description":null,"claims":null}`,
	`{"error":"x","error":null}`,
	`{"nested":{"a":[1,{"b":[[[{}]]]}],"c":"AADSTS50076"},"error":"invalid_grant"}`,
	`{"claims":"{\"access_token\":{\"capolids\":{\"essential\":true}}}"}`,
	`{"timestamp":"2026-11-22 10:00:00Z"}`,
	`{"timestamp":"2026-11-22 10:00:00.1234567Z"}`,
	`{"timestamp":"2026-11-22T10:00:00+02:00"}`,
	`{"timestamp":"0000-01-01T00:00:00+01:00"}`,
	`{"timestamp":"9999-12-31T23:59:59-01:00"}`,
	`{"error_description":"Timestamp: 0000-01-01T00:00:00+00:01"}`,
	`{"timestamp":"yesterday","error_description":"x\r\nTimestamp: 2026-11-22 10:00:00Z"}`,
	`{"error_description":"AADSTS50076: x\r\nTrace ID: 0000aaaa-1111\r\nCorrelation ID: 5555bbbb\r\nTimestamp: 2026-11-22 10:00:00Z"}`,
	`{"error_description":"AADSTS: none AADSTS0 zero AADSTS99999999999 huge AADSTS12345678901 then AADSTS50076"}`,
	`{"error": 5}`,
	`{"error_codes":"50076"}`,
	`{"error":"invalid_grant"} trailing`,
	`{"error":"invalid_grant"}{"error":"second"}`,
	"\t\r\n {\"error\" : \"spaced\" , \"error_codes\" : [ 1 , 2 ] } \n",
	strings.Repeat(`[`, 100) + strings.Repeat(`]`, 100),
	`{"a":` + strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001) + `,"error":"deep"}`,
	`{"a":` + strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat(`}`, 200) + `,"error":"nested"}`,
	`{"error":"` + strings.Repeat("x", aadsts.MaxBody) + `"}`,
	`{"n":-0.0e+00,"m":1E-9,"o":01,"error":"bad number before"}`,
	`{"error":"tr\u00fcncated \u00`,
	`{"error":"x"` + "\x00",
}

// fuzzHeader turns "Name: value" lines into a header, so that the fuzzer can
// vary the headers Parse reads.
func fuzzHeader(s string) http.Header {
	if s == "" {
		return nil
	}
	h := http.Header{}
	for line := range strings.SplitSeq(s, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return h
}

// plainErrorBody is the error object decoded the obvious way, as the oracle for
// Parse's hand-written scanner.
type plainErrorBody struct {
	Error            string   `json:"error"`
	ErrorDescription string   `json:"error_description"`
	ErrorCodes       []uint32 `json:"error_codes"`
	SubError         string   `json:"suberror"`
	Claims           string   `json:"claims"`
	TraceID          string   `json:"trace_id"`
	CorrelationID    string   `json:"correlation_id"`
	Timestamp        string   `json:"timestamp"`
	ErrorURI         string   `json:"error_uri"`
}

// The rest of the oracle restates, independently of parse.go, what Parse
// documents beyond plain decoding: codes of value 0 are no codes; without
// error_codes the description's AADSTS code is used; the description's
// "Trace ID:", "Correlation ID:" and "Timestamp:" lines stand in for missing
// fields, and then the x-ms-request-id and client-request-id headers;
// timestamps are parsed.

var oracleCode = regexp.MustCompile(`AADSTS(\d{1,10})`)

func oracleCodeIn(text string) (aadsts.Code, bool) {
	for _, m := range oracleCode.FindAllStringSubmatch(text, -1) {
		if n, err := strconv.ParseUint(m[1], 10, 32); err == nil && n != 0 {
			return aadsts.Code(n), true
		}
	}
	return 0, false
}

// oracleLine returns the value of a "Label: value" line: at most 128 bytes,
// ending at a line break, quote, backslash, comma or '<', trimmed.
func oracleLine(text, label string) string {
	_, rest, ok := strings.Cut(text, label)
	if !ok {
		return ""
	}
	if len(rest) > 128 {
		rest = rest[:128]
	}
	if i := strings.IndexAny(rest, "\r\n\"\\,<"); i >= 0 {
		rest = rest[:i]
	}
	return strings.TrimSpace(rest)
}

// oracleID returns the id on a line: its first word, if at most 64 bytes.
func oracleID(text, label string) string {
	v := oracleLine(text, label)
	if i := strings.IndexAny(v, " \t"); i >= 0 {
		v = v[:i]
	}
	if len(v) > 64 {
		return ""
	}
	return strings.ToValidUTF8(v, "\uFFFD")
}

// oracleLineTime returns the time on a Timestamp line: its first two words.
func oracleLineTime(text string) time.Time {
	v := oracleLine(text, "Timestamp:")
	if f := strings.Fields(v); len(f) >= 2 {
		v = f[0] + " " + f[1]
	}
	return oracleTime(v)
}

func oracleTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, l := range []string{"2006-01-02 15:04:05Z", "2006-01-02 15:04:05.9999999Z", time.RFC3339Nano} {
		if t, err := time.Parse(l, s); err == nil {
			if t = t.UTC(); t.Year() < 0 || t.Year() > 9999 {
				return time.Time{} // documented: not a real timestamp
			}
			return t
		}
	}
	return time.Time{}
}

func oracleHeader(h http.Header, name string) string {
	if h == nil {
		return ""
	}
	return strings.ToValidUTF8(h.Get(name), "\uFFFD")
}

// oracleParse returns what Parse must return for a body that
// encoding/json decodes without error.
func oracleParse(status int, h http.Header, p plainErrorBody) *aadsts.STSError {
	want := &aadsts.STSError{
		StatusCode: status, OAuthError: p.Error, Description: p.ErrorDescription, SubError: p.SubError,
		Claims: p.Claims, TraceID: p.TraceID, CorrelationID: p.CorrelationID, ErrorURI: p.ErrorURI,
		Timestamp: oracleTime(p.Timestamp),
	}
	for _, c := range p.ErrorCodes {
		if c != 0 {
			want.Codes = append(want.Codes, aadsts.Code(c))
		}
	}
	d := p.ErrorDescription
	if len(want.Codes) == 0 && d != "" {
		if c, ok := oracleCodeIn(d); ok {
			want.Codes = []aadsts.Code{c}
		}
	}
	if want.TraceID == "" {
		want.TraceID = oracleID(d, "Trace ID:")
	}
	if want.CorrelationID == "" {
		want.CorrelationID = oracleID(d, "Correlation ID:")
	}
	if want.Timestamp.IsZero() {
		want.Timestamp = oracleLineTime(d)
	}
	if want.TraceID == "" {
		want.TraceID = oracleHeader(h, "x-ms-request-id")
	}
	if want.CorrelationID == "" {
		want.CorrelationID = oracleHeader(h, "client-request-id")
	}
	return want
}

// stsStringFields lists an STSError's string fields by name.
func stsStringFields(e *aadsts.STSError) map[string]string {
	return map[string]string{
		"OAuthError": e.OAuthError, "Description": e.Description, "SubError": e.SubError, "Claims": e.Claims,
		"TraceID": e.TraceID, "CorrelationID": e.CorrelationID, "ErrorURI": e.ErrorURI, "Credential": e.Credential,
	}
}

// checkSTSOutputs checks what every STSError must satisfy: valid UTF-8 fields,
// no negative wait, and renderings that neither panic nor break their
// format.
func checkSTSOutputs(t *testing.T, e *aadsts.STSError) {
	t.Helper()
	for name, v := range stsStringFields(e) {
		if !utf8.ValidString(v) {
			t.Errorf("%s is not valid UTF-8: %q", name, v)
		}
	}
	if e.RetryAfter < 0 {
		t.Errorf("RetryAfter = %v, want >= 0", e.RetryAfter)
	}
	if s := e.Error(); !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n") {
		t.Errorf("Error() is not one valid UTF-8 line: %q", s)
	}
	j, err := json.Marshal(e)
	if err != nil || !json.Valid(j) {
		t.Errorf("json.Marshal: %v, %q", err, j)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Error("x", "sts", e)
	if !json.Valid(buf.Bytes()) {
		t.Errorf("LogValue through slog's JSON handler gave invalid JSON: %q", buf.Bytes())
	}
	_ = e.Category().String() + e.Action().String()
	_ = e.IsRetryable()
}

func FuzzParse(f *testing.F) {
	const hdr = "x-ms-request-id: 0000aaaa-1111-2222-3333-444444444444\nclient-request-id: 5555bbbb-6666-7777-8888-999999999999\nRetry-After: 7"
	for _, text := range fuzzGoldenTexts(f) {
		f.Add(400, hdr, []byte(text))
		if j := fuzzEmbeddedJSON(text); j != "" {
			f.Add(401, "", []byte(j))
		}
	}
	for i, s := range fuzzSeeds {
		h := ""
		if i%2 == 0 {
			h = hdr
		}
		f.Add(400, h, []byte(s))
	}
	f.Add(429, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\nDate: Wed, 21 Oct 2015 07:27:00 GMT", []byte(`{"error":"temporarily_unavailable"}`))
	f.Add(429, "retry-after-ms: 1500\nx-ms-retry-after-ms: -3\nRetry-After: 99999999999999999999", []byte(`{}`))
	f.Add(-1, "x-ms-request-id: \xff\xfe\nclient-request-id: caf\xc3", []byte(`{"trace_id":null}`))

	f.Fuzz(func(t *testing.T, status int, header string, body []byte) {
		h := fuzzHeader(header)
		// The engine owns body: Parse gets a copy, which the test may
		// scribble over.
		orig := body
		work := bytes.Clone(body)
		got := aadsts.Parse(status, h, work)
		if got == nil {
			t.Fatal("Parse returned nil")
		}
		if !bytes.Equal(work, orig) {
			t.Fatal("Parse modified the body")
		}
		checkSTSOutputs(t, got)

		// Parse keeps no reference to body: scribbling over it changes nothing.
		before := stsStringFields(got)
		for k, v := range before {
			before[k] = strings.Clone(v)
		}
		for i := range work {
			work[i] = 'X'
		}
		for k, v := range stsStringFields(got) {
			if v != before[k] {
				t.Fatalf("%s changed when the body was overwritten: Parse kept a reference to it", k)
			}
		}

		// Differential: for a body encoding/json decodes, the scanner must
		// agree with it. A body past MaxBody is documented to be cut off.
		if len(orig) > aadsts.MaxBody || !json.Valid(orig) {
			return
		}
		var p plainErrorBody
		if err := json.Unmarshal(orig, &p); err != nil {
			return
		}
		want := oracleParse(status, h, p)
		for k, v := range stsStringFields(want) {
			if g := stsStringFields(got)[k]; g != v {
				t.Errorf("%s: Parse = %q, encoding/json = %q", k, g, v)
			}
		}
		if !slices.Equal(got.Codes, want.Codes) {
			t.Errorf("Codes: Parse = %v, encoding/json = %v", got.Codes, want.Codes)
		}
		if !got.Timestamp.Equal(want.Timestamp) {
			t.Errorf("Timestamp: Parse = %v, encoding/json = %v", got.Timestamp, want.Timestamp)
		}
		if got.StatusCode != status {
			t.Errorf("StatusCode = %d, want %d", got.StatusCode, status)
		}
	})
}

func FuzzFromErrorText(f *testing.F) {
	for _, text := range fuzzGoldenTexts(f) {
		f.Add(text)
		if j := fuzzEmbeddedJSON(text); j != "" {
			f.Add(j)
		}
	}
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add("ClientSecretCredential authentication failed. \nRESPONSE 401: 401 Unauthorized\nAADSTS7000215")
	f.Add("AzureCLICredential: ERROR: AADSTS50076 Trace ID: \xff\xfe")
	f.Add("ChainedTokenCredential: failed to acquire a token.\nAttempted credentials:\n\tXCredential: a\n\tYCredential authentication failed")
	f.Add("reply status code was 4")
	f.Add("reply status code was 999: {\"error\":\"x\"}")
	f.Add("RESPONSE 40")
	f.Add("context deadline exceeded")
	f.Add("Credential:")

	f.Fuzz(func(t *testing.T, s string) {
		err := errors.New(s)
		st, ok := aadsts.FromError(err)
		if ok != (st != nil) {
			t.Fatalf("FromError = %v, %v", st, ok)
		}
		if ok {
			checkSTSOutputs(t, st)
			if st.Unwrap() != err {
				t.Error("STSError does not unwrap to err")
			}
		}
		// The package-level helpers must not panic either, and must agree.
		_ = aadsts.IsRetryable(err)
		if d, ok := aadsts.RetryAfter(err); ok && d <= 0 {
			t.Errorf("RetryAfter = %v, true", d)
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Error("x", aadsts.LogAttr("err", err))
		if !json.Valid(buf.Bytes()) {
			t.Errorf("LogAttr gave invalid JSON: %q", buf.Bytes())
		}
		if w := aadsts.Wrap(err); (w != err) != ok {
			t.Errorf("Wrap returned %T, FromError ok = %v", w, ok)
		}
	})
}

func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"AADSTS50076", "aadsts50076", "50076", " 50076\t", "AADSTS", "0", "AADSTS0",
		"4294967295", "4294967296", "99999999999", "0000050076", "+1", "-1", "AADSTS-1", "ＡＡＤＳＴＳ1", "AADSTS\u0661",
		"AADSTSAADSTS1", "\u0085 1 \u00a0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := aadsts.ParseCode(s)
		if err != nil {
			if c != 0 {
				t.Errorf("ParseCode(%q) = %d with error %v", s, c, err)
			}
			if !errors.Is(err, aadsts.ErrInvalidCode) {
				t.Errorf("ParseCode(%q) error %v does not wrap ErrInvalidCode", s, err)
			}
			if !utf8.ValidString(err.Error()) && utf8.ValidString(s) {
				t.Errorf("error text is not valid UTF-8: %q", err.Error())
			}
			return
		}
		if c == 0 {
			t.Fatalf("ParseCode(%q) = 0 without error", s)
		}
		str := c.String()
		if back, err := aadsts.ParseCode(str); err != nil || back != c {
			t.Errorf("ParseCode(%q) = %d; ParseCode(String() = %q) = %d, %v", s, c, str, back, err)
		}
		if back, err := aadsts.ParseCode(strings.TrimPrefix(str, "AADSTS")); err != nil || back != c {
			t.Errorf("digits of %q do not round trip: %d, %v", str, back, err)
		}
		var u aadsts.Code
		if txt, _ := c.MarshalText(); u.UnmarshalText(txt) != nil || u != c {
			t.Errorf("MarshalText/UnmarshalText round trip of %d gave %d", c, u)
		}
		_, _ = aadsts.Lookup(c)
	})
}
