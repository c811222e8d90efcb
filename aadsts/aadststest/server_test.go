package aadststest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/aadsts/aadststest"
)

func post(t *testing.T, srv *aadststest.Server, form url.Values) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := srv.HTTPClient().PostForm(srv.Authority("")+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp, m
}

func TestScriptedReplies(t *testing.T) {
	srv := aadststest.NewServer()
	defer srv.Close()
	srv.Enqueue(aadststest.ForCode(50076), aadststest.Raw(503, "text/html", []byte("<html>busy</html>")))
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"app"}, "client_secret": {"s3cret"}, "scope": {aadststest.Scope}}

	resp, body := post(t, srv, form)
	if resp.StatusCode != 400 || body["error"] != "invalid_grant" || body["suberror"] != "basic_action" || body["claims"] == nil {
		t.Errorf("ForCode(50076) = %d %v", resp.StatusCode, body)
	}
	desc, _ := body["error_description"].(string)
	for _, want := range []string{"AADSTS50076: ", "\r\nTrace ID: ", "\r\nCorrelation ID: ", "\r\nTimestamp: "} {
		if !strings.Contains(desc, want) {
			t.Errorf("description lacks %q: %q", want, desc)
		}
	}
	if got := resp.Header.Get("x-ms-request-id"); got != body["trace_id"] {
		t.Errorf("x-ms-request-id %q != trace_id %v", got, body["trace_id"])
	}

	resp, _ = post(t, srv, form)
	if resp.StatusCode != 503 || resp.Header.Get("Content-Type") != "text/html" {
		t.Errorf("Raw reply = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	resp, body = post(t, srv, form) // queue empty: Success
	if resp.StatusCode != 200 || body["access_token"] == "" || body["refresh_token"] != nil {
		t.Errorf("Success for client credentials = %d %v", resp.StatusCode, body)
	}
	form.Set("grant_type", "refresh_token")
	_, body = post(t, srv, form)
	if body["refresh_token"] == nil || body["id_token"] == nil || body["client_info"] == nil {
		t.Errorf("Success for a user grant lacks user tokens: %v", body)
	}

	// Requests are recorded without secrets.
	reqs := srv.Requests()
	if len(reqs) != 4 || srv.TokenRequests() != 4 {
		t.Fatalf("recorded %d requests", len(reqs))
	}
	if diff := cmp.Diff(aadststest.Request{Method: "POST", Path: "/" + aadststest.TenantID + "/oauth2/v2.0/token", GrantType: "client_credentials", ClientID: "app"}, reqs[0]); diff != "" {
		t.Errorf("request record (-want +got):\n%s", diff)
	}
	srv.Reset()
	if srv.TokenRequests() != 0 {
		t.Error("Reset kept requests")
	}
}

func TestForCodeTemplates(t *testing.T) {
	tests := []struct {
		code   aadsts.Code
		status int
		oauth  string
	}{
		{7000215, 401, "invalid_client"},
		{700016, 400, "unauthorized_client"},
		{65001, 400, "invalid_grant"},
		{90033, 503, "temporarily_unavailable"},
		{90055, 429, "temporarily_unavailable"},
		{1, 400, "invalid_request"}, // unknown code
	}
	for _, tt := range tests {
		r := aadststest.ForCode(tt.code)
		if r.Status != tt.status || r.OAuthError != tt.oauth || r.Code != tt.code || r.Message == "" {
			t.Errorf("ForCode(%d) = %d %s %v %q", tt.code, r.Status, r.OAuthError, r.Code, r.Message)
		}
	}
	if r := aadststest.ForCode(90055); r.RetryAfter == "" {
		t.Error("a 429 template asks for no wait")
	}
}

func TestDiscoveryEndpoints(t *testing.T) {
	srv := aadststest.NewServer()
	defer srv.Close()
	resp, err := srv.HTTPClient().Get(srv.Authority("") + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&cfg)
	resp.Body.Close()
	if cfg["issuer"] != srv.URL+"/"+aadststest.TenantID+"/v2.0" || cfg["token_endpoint"] != srv.Authority("")+"/oauth2/v2.0/token" {
		t.Errorf("openid configuration = %v", cfg)
	}
	resp, err = srv.HTTPClient().Get(srv.URL + "/common/UserRealm/someone@contoso.example?api-version=1.0")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("user realm = %d", resp.StatusCode)
	}
	resp, err = srv.HTTPClient().Get(srv.URL + "/nowhere")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("unknown path = %d", resp.StatusCode)
	}
}
