// Package aadststest provides a fake Microsoft Entra token endpoint for
// tests, in the manner of net/http/httptest: a TLS server on loopback that
// real azidentity credentials and real MSAL Go clients can be pointed at, and
// that answers token requests as scripted — with success, with any AADSTS
// error, or with raw bodies such as a proxy's HTML page.
//
//	srv := aadststest.NewServer()
//	defer srv.Close()
//	srv.Enqueue(aadststest.ForCode(7000215))
//	cred, _ := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "secret",
//		&azidentity.ClientSecretCredentialOptions{ClientOptions: srv.ClientOptions(), DisableInstanceDiscovery: true})
//	_, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{aadststest.Scope}})
//
// The server serves the endpoints these clients use: OpenID configuration
// (/{tenant}/v2.0/.well-known/openid-configuration), token
// (/{tenant}/oauth2/v2.0/token), device code (/{tenant}/oauth2/v2.0/devicecode)
// and user realm discovery (/common/UserRealm/{user}). Only the token endpoint
// is scripted. It never logs or records request secrets.
package aadststest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/classify"
)

// Identifiers the fake endpoint accepts. Any tenant and client id work; these
// are convenient defaults.
const (
	TenantID = "11111111-2222-3333-4444-555555555555"
	ClientID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	Scope    = "https://management.azure.com/.default"
)

// Server is a fake Entra token endpoint. Its methods are safe for concurrent
// use.
type Server struct {
	// URL is the server's base URL, https://127.0.0.1:port.
	URL string

	srv *httptest.Server

	mu       sync.Mutex
	queue    []Reply
	fallback Reply
	requests []Request
}

// Request records one request the server received, without any secret:
// no client secret, assertion, password, code or token is kept.
type Request struct {
	Method    string
	Path      string
	GrantType string // the token request's grant_type, if any
	ClientID  string // the token request's client_id, if any
}

// NewServer starts a server on a loopback TLS listener. Its token endpoint
// answers with Success until told otherwise. Call Close when done.
func NewServer() *Server {
	s := &Server{fallback: Success()}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// AuthorityHost returns the authority host to configure clients with,
// "https://127.0.0.1:port/".
func (s *Server) AuthorityHost() string { return s.URL + "/" }

// Authority returns the authority URL for tenant, as MSAL Go takes it. An
// empty tenant means TenantID.
func (s *Server) Authority(tenant string) string {
	if tenant == "" {
		tenant = TenantID
	}
	return s.URL + "/" + tenant
}

// Cloud returns a cloud configuration whose authority host is this server.
func (s *Server) Cloud() cloud.Configuration {
	return cloud.Configuration{ActiveDirectoryAuthorityHost: s.AuthorityHost(), Services: map[cloud.ServiceName]cloud.ServiceConfiguration{}}
}

// HTTPClient returns an HTTP client that trusts the server's certificate.
// Give it to MSAL Go with WithHTTPClient.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// ClientOptions returns azcore client options for azidentity credentials: the
// server's cloud, a transport that trusts it, and retries turned off so that
// each GetToken makes one request (set Retry to test retries). Credentials
// also need DisableInstanceDiscovery set to true.
func (s *Server) ClientOptions() azcore.ClientOptions {
	return azcore.ClientOptions{
		Cloud:     s.Cloud(),
		Transport: s.srv.Client(),
		Retry:     policy.RetryOptions{MaxRetries: -1},
	}
}

// Enqueue adds replies for the next token requests, in order. When the queue
// is empty the server answers with the fallback (see Always).
func (s *Server) Enqueue(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, r...)
}

// Always sets the reply for every token request once the queue is empty. The
// initial fallback is Success().
func (s *Server) Always(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = r
}

// Reset empties the queue, restores the Success fallback and forgets the
// recorded requests.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue, s.requests, s.fallback = nil, nil, Success()
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// TokenRequests returns how many token requests the server has received.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if strings.HasSuffix(r.Path, "/oauth2/v2.0/token") {
			n++
		}
	}
	return n
}

func (s *Server) next() Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) > 0 {
		r := s.queue[0]
		s.queue = s.queue[1:]
		return r
	}
	return s.fallback
}

func (s *Server) record(r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path}
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err == nil {
			rec.GrantType = r.PostForm.Get("grant_type")
			rec.ClientID = r.PostForm.Get("client_id")
		}
	}
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.record(r)
	path := r.URL.Path
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) >= 2 && parts[0] == "common" && strings.EqualFold(parts[1], "UserRealm"):
		writeJSON(w, http.StatusOK, map[string]string{
			"ver": "1.0", "account_type": "Managed", "domain_name": "contoso.example",
			"cloud_instance_name": "microsoftonline.com", "cloud_audience_urn": "urn:federation:MicrosoftOnline",
		})
	case strings.HasSuffix(path, "/v2.0/.well-known/openid-configuration") && len(parts) == 4:
		base := s.URL + "/" + parts[0]
		writeJSON(w, http.StatusOK, map[string]any{
			"token_endpoint":                        base + "/oauth2/v2.0/token",
			"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
			"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
			"issuer":                                s.URL + "/" + tenantOf(parts[0]) + "/v2.0",
			"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		})
	case strings.HasSuffix(path, "/oauth2/v2.0/devicecode"):
		writeJSON(w, http.StatusOK, map[string]any{
			"user_code": "AADSTSTEST", "device_code": "fake-device-code-" + newID(),
			"verification_uri": "https://microsoft.com/devicelogin", "expires_in": 900, "interval": 1,
			"message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code AADSTSTEST to authenticate.",
		})
	case strings.HasSuffix(path, "/oauth2/v2.0/token") && r.Method == http.MethodPost:
		s.next().write(w, r, tenantOf(parts[0]))
	default:
		http.NotFound(w, r)
	}
}

// tenantOf maps the authority's tenant segment to the tenant id the fake
// issues tokens for.
func tenantOf(seg string) string {
	switch strings.ToLower(seg) {
	case "common", "organizations", "consumers", "":
		return TenantID
	}
	return seg
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Reply is one scripted answer of the token endpoint. Make one with Success,
// ForCode or Raw and adjust its fields; the zero Reply is a 400
// invalid_request error without a code.
type Reply struct {
	// Status is the HTTP status. 0 means 200 for Success, else 400.
	Status int
	// OAuthError is the "error" value.
	OAuthError string
	// Code is the main AADSTS code: it prefixes the description and leads
	// error_codes.
	Code aadsts.Code
	// ExtraCodes follow Code in error_codes.
	ExtraCodes []aadsts.Code
	// Message is the description's text after "AADSTSnnnn: ". The server
	// appends the Trace ID, Correlation ID and Timestamp lines as Entra does.
	Message string
	// SubError and Claims are sent when not empty.
	SubError string
	Claims   string
	// TraceID and CorrelationID are sent as given; empty ones are made up
	// (the correlation id echoes the request's client-request-id header).
	TraceID       string
	CorrelationID string
	// Timestamp is the time reported; zero means now.
	Timestamp time.Time
	// RetryAfter, when not empty, is sent as the Retry-After header value.
	RetryAfter string
	// Header holds further response headers.
	Header http.Header

	// AccessToken and RefreshToken are the tokens a Success reply issues;
	// ExpiresIn is their lifetime in seconds.
	AccessToken  string
	RefreshToken string
	ExpiresIn    int

	success     bool
	raw         bool
	body        []byte
	contentType string
}

// Success returns a reply that issues tokens: an access token, and for user
// flows (password, refresh token, device code, authorization code grants) a
// refresh token, an ID token and client info as well.
func Success() Reply {
	return Reply{success: true, AccessToken: "aadststest-access-token", RefreshToken: "aadststest-refresh-token", ExpiresIn: 3599}
}

// Raw returns a reply that sends body verbatim with the given status and
// content type: an empty body, HTML from a proxy, truncated or malformed
// JSON.
func Raw(status int, contentType string, body []byte) Reply {
	return Reply{Status: status, raw: true, body: append([]byte(nil), body...), contentType: contentType}
}

// ForCode returns a realistic error reply for an AADSTS code: the HTTP
// status, OAuth error and suberror Entra sends with it (for the well-known
// codes), or ones consistent with the code's category in aadsts's table. The
// message is the table's summary. A 429 reply asks for a 5 second wait.
func ForCode(code aadsts.Code) Reply {
	r := Reply{Code: code, Status: http.StatusBadRequest, OAuthError: "invalid_request"}
	info, known := aadsts.Lookup(code)
	if known {
		r.Message = info.Summary
		r.Status, r.OAuthError, r.SubError = template(info)
	} else {
		r.Message = "Unknown failure made up by aadststest."
	}
	if t, ok := wellKnown[code]; ok {
		r.Status, r.OAuthError, r.SubError = t.status, t.oauth, t.sub
	}
	if r.SubError == "basic_action" || r.SubError == "additional_action" {
		r.Claims = `{"access_token":{"capolids":{"essential":true,"values":["00000000-0000-0000-0000-0000000000ca"]}}}`
	}
	if r.Status == http.StatusTooManyRequests {
		r.RetryAfter = "5"
	}
	return r
}

type replyTemplate struct {
	status int
	oauth  string
	sub    string
}

// wellKnown holds what Entra sends with codes whose responses are widely
// documented and observed.
var wellKnown = map[aadsts.Code]replyTemplate{
	50076:   {400, "invalid_grant", "basic_action"},
	50079:   {400, "invalid_grant", "basic_action"},
	50158:   {400, "invalid_grant", "basic_action"},
	53003:   {400, "invalid_grant", ""},
	65001:   {400, "invalid_grant", "consent_required"},
	70011:   {400, "invalid_scope", ""},
	700016:  {400, "unauthorized_client", ""},
	700082:  {400, "invalid_grant", "bad_token"},
	50173:   {400, "invalid_grant", "bad_token"},
	900144:  {400, "invalid_request", ""},
	7000215: {401, "invalid_client", ""},
	7000222: {401, "invalid_client", ""},
	50196:   {400, "temporarily_unavailable", ""},
	50055:   {400, "invalid_grant", "user_password_expired"},
	70016:   {400, "authorization_pending", ""},
	70020:   {400, "expired_token", ""},
}

func template(info aadsts.CodeInfo) (status int, oauth, sub string) {
	switch info.Category {
	case classify.ClientCredentials:
		return 401, "invalid_client", ""
	case classify.InteractionRequired:
		return 400, "interaction_required", ""
	case classify.ConsentRequired:
		return 400, "invalid_grant", "consent_required"
	case classify.AppConfiguration:
		return 400, "unauthorized_client", ""
	case classify.Transient:
		return 503, "temporarily_unavailable", ""
	case classify.Throttled:
		return 429, "temporarily_unavailable", ""
	case classify.DeviceFlow:
		return 400, "authorization_pending", ""
	case classify.InvalidRequest, classify.Tenant:
		return 400, "invalid_request", ""
	}
	return 400, "invalid_grant", ""
}

func (rp Reply) write(w http.ResponseWriter, r *http.Request, tenant string) {
	for k, vs := range rp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	trace := rp.TraceID
	if trace == "" {
		trace = newID()
	}
	w.Header().Set("x-ms-request-id", trace)
	corr := rp.CorrelationID
	if corr == "" {
		corr = r.Header.Get("client-request-id")
		if corr == "" {
			corr = newID()
		}
	}
	w.Header().Set("client-request-id", corr)
	if rp.RetryAfter != "" {
		w.Header().Set("Retry-After", rp.RetryAfter)
	}
	switch {
	case rp.raw:
		if rp.contentType != "" {
			w.Header().Set("Content-Type", rp.contentType)
		}
		w.WriteHeader(rp.Status)
		_, _ = w.Write(rp.body)
	case rp.success:
		rp.writeSuccess(w, r, tenant)
	default:
		rp.writeError(w, trace, corr)
	}
}

func (rp Reply) writeSuccess(w http.ResponseWriter, r *http.Request, tenant string) {
	status := rp.Status
	if status == 0 {
		status = http.StatusOK
	}
	_ = r.ParseForm()
	scope := r.PostForm.Get("scope")
	out := map[string]any{
		"token_type":     "Bearer",
		"expires_in":     rp.ExpiresIn,
		"ext_expires_in": rp.ExpiresIn,
		"access_token":   rp.AccessToken,
		"scope":          scope,
	}
	switch r.PostForm.Get("grant_type") {
	case "password", "refresh_token", "authorization_code", "urn:ietf:params:oauth:grant-type:device_code":
		const uid = "00000000-0000-0000-0000-00000000beef"
		out["refresh_token"] = rp.RefreshToken
		out["client_info"] = base64.RawURLEncoding.EncodeToString([]byte(`{"uid":"` + uid + `","utid":"` + tenant + `"}`))
		out["id_token"] = idToken(r.PostForm.Get("client_id"), tenant, uid)
	}
	writeJSON(w, status, out)
}

// idToken returns an unsigned JWT with the claims MSAL reads.
func idToken(clientID, tenant, oid string) string {
	claims, _ := json.Marshal(map[string]any{
		"aud": clientID, "iss": "https://login.microsoftonline.com/" + tenant + "/v2.0",
		"iat": time.Now().Unix(), "nbf": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
		"oid": oid, "sub": oid, "tid": tenant, "preferred_username": "aadststest-user", "name": "aadststest user",
		"ver": "2.0",
	})
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(claims) + "."
}

func (rp Reply) writeError(w http.ResponseWriter, trace, corr string) {
	status := rp.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	oauth := rp.OAuthError
	if oauth == "" {
		oauth = "invalid_request"
	}
	ts := rp.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	stamp := ts.UTC().Format("2006-01-02 15:04:05Z")
	var desc strings.Builder
	if rp.Code != 0 {
		desc.WriteString(rp.Code.String())
		desc.WriteString(": ")
	}
	desc.WriteString(rp.Message)
	fmt.Fprintf(&desc, "\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", trace, corr, stamp)
	body := struct {
		Error         string `json:"error"`
		Description   string `json:"error_description"`
		Codes         []int  `json:"error_codes,omitempty"`
		Timestamp     string `json:"timestamp"`
		TraceID       string `json:"trace_id"`
		CorrelationID string `json:"correlation_id"`
		ErrorURI      string `json:"error_uri,omitempty"`
		SubError      string `json:"suberror,omitempty"`
		Claims        string `json:"claims,omitempty"`
	}{
		Error: oauth, Description: desc.String(),
		Timestamp: stamp, TraceID: trace, CorrelationID: corr, SubError: rp.SubError, Claims: rp.Claims,
	}
	if rp.Code != 0 {
		body.Codes = append(body.Codes, int(rp.Code))
		body.ErrorURI = "https://login.microsoftonline.com/error?code=" + strconv.FormatUint(uint64(rp.Code), 10)
	}
	for _, c := range rp.ExtraCodes {
		body.Codes = append(body.Codes, int(c))
	}
	writeJSON(w, status, body)
}

// newID returns a random GUID-shaped id.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
