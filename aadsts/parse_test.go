package aadsts_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/classify"
)

const sampleBody = `{
  "error": "invalid_scope",
  "error_description": "AADSTS70011: The provided scope is not valid.\r\nTrace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\r\nTimestamp: 2016-01-09 02:02:12Z",
  "error_codes": [70011],
  "timestamp": "2016-01-09 02:02:12Z",
  "trace_id": "0000aaaa-11bb-cccc-dd22-eeeeee333333",
  "correlation_id": "aaaa0000-bb11-2222-33cc-444444dddddd",
  "error_uri": "https://login.microsoftonline.com/error?code=70011"
}`

var ignoreUnexported = cmpopts.IgnoreUnexported(aadsts.STSError{})

func TestParse(t *testing.T) {
	ts := time.Date(2016, 1, 9, 2, 2, 12, 0, time.UTC)
	base := aadsts.STSError{
		StatusCode: 400, OAuthError: "invalid_scope",
		Description: "AADSTS70011: The provided scope is not valid.\r\nTrace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\r\nTimestamp: 2016-01-09 02:02:12Z",
		Codes:       []aadsts.Code{70011}, TraceID: "0000aaaa-11bb-cccc-dd22-eeeeee333333",
		CorrelationID: "aaaa0000-bb11-2222-33cc-444444dddddd", Timestamp: ts,
		ErrorURI: "https://login.microsoftonline.com/error?code=70011",
	}
	onlyDesc := `{"error":"invalid_grant","error_description":"AADSTS50173: Revoked.\r\nTrace ID: t-1\r\nCorrelation ID: c-1\r\nTimestamp: 2016-01-09 02:02:12Z"}`
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   aadsts.STSError
	}{
		{"full", 400, nil, sampleBody, base},
		{"ids from description lines", 400, nil, onlyDesc, aadsts.STSError{StatusCode: 400, OAuthError: "invalid_grant",
			Description: "AADSTS50173: Revoked.\r\nTrace ID: t-1\r\nCorrelation ID: c-1\r\nTimestamp: 2016-01-09 02:02:12Z",
			Codes:       []aadsts.Code{50173}, TraceID: "t-1", CorrelationID: "c-1", Timestamp: ts}},
		{"ids from headers", 400, http.Header{"X-Ms-Request-Id": {"h-trace"}, "Client-Request-Id": {"h-corr"}},
			`{"error":"invalid_request"}`, aadsts.STSError{StatusCode: 400, OAuthError: "invalid_request", TraceID: "h-trace", CorrelationID: "h-corr"}},
		{"body ids win over headers", 400, http.Header{"X-Ms-Request-Id": {"h-trace"}}, sampleBody, base},
		{"empty body", 400, nil, "", aadsts.STSError{StatusCode: 400}},
		{"white space", 503, nil, " \r\n\t", aadsts.STSError{StatusCode: 503}},
		{"BOM", 400, nil, "\xef\xbb\xbf" + `{"error":"invalid_client"}`, aadsts.STSError{StatusCode: 400, OAuthError: "invalid_client"}},
		{"html", 503, nil, "<html><body>503 Service Unavailable</body></html>", aadsts.STSError{StatusCode: 503}},
		{"html naming a code", 400, nil, "<html><body><p>AADSTS50011: The redirect URI does not match.</p><p>Trace ID: t-2</p></body></html>",
			aadsts.STSError{StatusCode: 400, Codes: []aadsts.Code{50011}, TraceID: "t-2"}},
		{"truncated", 400, nil, `{"error":"invalid_grant","error_codes":[50076],"trace_id":"t-3","error_descr`,
			aadsts.STSError{StatusCode: 400, OAuthError: "invalid_grant", Codes: []aadsts.Code{50076}, TraceID: "t-3"}},
		{"truncated inside description", 400, nil, `{"error":"invalid_grant","error_description":"AADSTS700082: Expired.\r\nTrace ID: t-4\r\nCorr`,
			aadsts.STSError{StatusCode: 400, OAuthError: "invalid_grant", Codes: []aadsts.Code{700082}, TraceID: "t-4"}},
		{"escapes", 400, nil, `{"error":"invalid_grant","error_description":"caf\u00e9 \ud83d\ude00 \/ \"q\" \\"}`,
			aadsts.STSError{StatusCode: 400, OAuthError: "invalid_grant", Description: "café 😀 / \"q\" \\"}},
		{"case-insensitive keys, last duplicate wins", 400, nil, `{"Error":"a","ERROR":"invalid_client","Error_Codes":[1,2]}`,
			aadsts.STSError{StatusCode: 400, OAuthError: "invalid_client", Codes: []aadsts.Code{1, 2}}},
		{"unknown fields skipped", 400, nil, `{"x":{"y":[1,{"z":null}],"w":"}"},"error":"invalid_request","n":-1.5e3,"b":true}`,
			aadsts.STSError{StatusCode: 400, OAuthError: "invalid_request"}},
		{"null keeps value", 400, nil, `{"error":"invalid_request","error":null}`, aadsts.STSError{StatusCode: 400, OAuthError: "invalid_request"}},
		{"bad codes skipped", 400, nil, `{"error_codes":[0,-1,1.5,99999999999,"7",50058]}`, aadsts.STSError{StatusCode: 400, Codes: []aadsts.Code{50058}}},
		{"json array is not an object", 400, nil, `[{"error":"invalid_request"}]`, aadsts.STSError{StatusCode: 400}},
		{"timestamp RFC 3339", 400, nil, `{"timestamp":"2024-05-01T10:11:12.5Z"}`,
			aadsts.STSError{StatusCode: 400, Timestamp: time.Date(2024, 5, 1, 10, 11, 12, 500000000, time.UTC)}},
		{"bad timestamp", 400, nil, `{"timestamp":"yesterday"}`, aadsts.STSError{StatusCode: 400}},
		{"suberror and claims", 400, nil, `{"error":"invalid_grant","suberror":"basic_action","claims":"{\"access_token\":{}}"}`,
			aadsts.STSError{StatusCode: 400, OAuthError: "invalid_grant", SubError: "basic_action", Claims: `{"access_token":{}}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := aadsts.Parse(tt.status, tt.header, []byte(tt.body))
			if diff := cmp.Diff(tt.want, *got, ignoreUnexported); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseBounded(t *testing.T) {
	// A field past MaxBody is not read.
	body := `{"error":"invalid_grant","pad":"` + strings.Repeat("x", aadsts.MaxBody) + `","error_codes":[50076]}`
	got := aadsts.Parse(400, nil, []byte(body))
	if got.OAuthError != "invalid_grant" || len(got.Codes) != 0 {
		t.Errorf("Parse of a body larger than MaxBody = %+v", got)
	}
}

func TestRetryAfter(t *testing.T) {
	date := "Sun, 22 Nov 2026 10:00:00 GMT"
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{"http date relative to Date", http.Header{"Retry-After": {"Sun, 22 Nov 2026 10:00:30 GMT"}, "Date": {date}}, 30 * time.Second},
		{"date in the past", http.Header{"Retry-After": {"Sun, 22 Nov 2026 09:00:00 GMT"}, "Date": {date}}, 0},
		{"ms", http.Header{"Retry-After-Ms": {"1500"}}, 1500 * time.Millisecond},
		{"x-ms first", http.Header{"X-Ms-Retry-After-Ms": {"250"}, "Retry-After-Ms": {"1500"}, "Retry-After": {"9"}}, 250 * time.Millisecond},
		{"negative", http.Header{"Retry-After": {"-3"}}, 0},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0},
		{"overflow", http.Header{"Retry-After": {"99999999999999999999"}}, 0},
		{"none", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aadsts.Parse(429, tt.header, nil).RetryAfter; got != tt.want {
				t.Errorf("RetryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerdictPrecedence(t *testing.T) {
	tests := []struct {
		name string
		e    aadsts.STSError
		want classify.Verdict
	}{
		{"table wins over everything", aadsts.STSError{StatusCode: 429, OAuthError: "invalid_client", SubError: "basic_action", Codes: []aadsts.Code{53003}},
			classify.Verdict{Category: classify.PolicyBlocked, Action: classify.ContactAdmin}},
		{"first known code", aadsts.STSError{Codes: []aadsts.Code{1, 7000215}},
			classify.Verdict{Category: classify.ClientCredentials, Action: classify.FixCredentials}},
		{"429 before suberror and error", aadsts.STSError{StatusCode: 429, OAuthError: "invalid_grant", SubError: "basic_action"},
			classify.Verdict{Category: classify.Throttled, Action: classify.RetryAfter, Retryable: true}},
		{"suberror before error", aadsts.STSError{StatusCode: 400, OAuthError: "invalid_grant", SubError: "consent_required"},
			classify.Verdict{Category: classify.ConsentRequired, Action: classify.RequestConsent}},
		{"error before status", aadsts.STSError{StatusCode: 503, OAuthError: "invalid_client"},
			classify.Verdict{Category: classify.ClientCredentials, Action: classify.FixCredentials}},
		{"status alone", aadsts.STSError{StatusCode: 502},
			classify.Verdict{Category: classify.Transient, Action: classify.Retry, Retryable: true}},
		{"nothing known", aadsts.STSError{StatusCode: 400, OAuthError: "weird"}, classify.Verdict{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Verdict(); got != tt.want {
				t.Errorf("Verdict = %v, want %v", got, tt.want)
			}
		})
	}
}

const pii = "alice.smith@contoso.com"

func piiError() *aadsts.STSError {
	body := `{"error":"invalid_grant","error_description":"AADSTS50126: Error validating credentials due to invalid username or password for user '` + pii + `'.\r\nTrace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\r\nTimestamp: 2016-01-09 02:02:12Z","error_codes":[50126]}`
	e := aadsts.Parse(400, http.Header{"Retry-After": {"3"}}, []byte(body))
	e.Credential = "UsernamePasswordCredential"
	return e
}

func TestErrorLine(t *testing.T) {
	e := piiError()
	got := e.Error()
	info, _ := aadsts.Lookup(50126)
	want := "UsernamePasswordCredential: AADSTS50126 invalid_grant: " + info.Summary +
		" (status 400, trace ID 0000aaaa-11bb-cccc-dd22-eeeeee333333, correlation ID aaaa0000-bb11-2222-33cc-444444dddddd, retry after 3s)"
	if got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
	if strings.ContainsAny(got, "\r\n") {
		t.Error("Error() is not one line")
	}
	// Unknown code and hostile field values.
	odd := &aadsts.STSError{StatusCode: 400, OAuthError: "bob@contoso.com", TraceID: "<script>", Codes: []aadsts.Code{1}}
	if got, want := odd.Error(), "AADSTS1 token request failed (status 400)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (&aadsts.STSError{}).Error(), "token request failed"; got != want {
		t.Errorf("zero Error() = %q, want %q", got, want)
	}
}

func TestNoPIIInOutputs(t *testing.T) {
	e := piiError()
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Error("failed", "sts", e, aadsts.LogAttr("wrapped", e))
	js, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"Error": e.Error(), "slog": logs.String(), "json": string(js)} {
		if strings.Contains(out, pii) || strings.Contains(out, "alice") {
			t.Errorf("%s output contains personal data:\n%s", name, out)
		}
	}
	// The structured fields are there.
	var rec struct {
		STS map[string]any `json:"sts"`
	}
	if err := json.Unmarshal(logs.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"code": "AADSTS50126", "error": "invalid_grant", "category": "user_account", "action": "user_action",
		"retryable": false, "status": float64(400), "credential": "UsernamePasswordCredential",
		"trace_id": "0000aaaa-11bb-cccc-dd22-eeeeee333333", "correlation_id": "aaaa0000-bb11-2222-33cc-444444dddddd",
		"timestamp": "2016-01-09T02:02:12Z", "retry_after": float64(3 * time.Second)}
	if diff := cmp.Diff(want, rec.STS); diff != "" {
		t.Errorf("logged fields (-want +got):\n%s", diff)
	}
}

func TestOutOfRangeTimestampStillMarshals(t *testing.T) {
	e := &aadsts.STSError{StatusCode: 400, Timestamp: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(e)
	if err != nil || strings.Contains(string(b), "timestamp") {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "sts", e)
	if !json.Valid(logs.Bytes()) {
		t.Errorf("slog wrote invalid JSON: %s", logs.String())
	}
}
