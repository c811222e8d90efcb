package aadsts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
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
)

func TestFromErrorNothing(t *testing.T) {
	var nilAFE *azidentity.AuthenticationFailedError
	var nilRE *azcore.ResponseError
	var nilST *aadsts.STSError
	for name, err := range map[string]error{
		"nil":                nil,
		"plain":              errors.New("disk full"),
		"typed nil azid":     nilAFE,
		"typed nil azcore":   nilRE,
		"typed nil STSError": nilST,
		"wrapped typed nil":  fmt.Errorf("x: %w", nilAFE),
		"zero CallErr":       msalerrors.CallErr{},
		"canceled":           context.Canceled,
		"unavailable":        azidentity.NewCredentialUnavailableError("not configured"),
	} {
		t.Run(name, func(t *testing.T) {
			if st, ok := aadsts.FromError(err); ok || st != nil {
				t.Errorf("FromError = %v, %v; want nil, false", st, ok)
			}
			if got := aadsts.Wrap(err); got != err {
				t.Errorf("Wrap changed the error: %v", got)
			}
			_ = aadsts.IsRetryable(err)
			_, _ = aadsts.RetryAfter(err)
			_ = aadsts.LogAttr("k", err)
		})
	}
}

func TestFromErrorResponseError(t *testing.T) {
	body := `{"error":"invalid_client","error_codes":[7000215],"trace_id":"t"}`
	resp := &http.Response{StatusCode: 401, Header: http.Header{"Retry-After": {"1"}}, Body: io.NopCloser(strings.NewReader(body))}
	re := &azcore.ResponseError{ErrorCode: "invalid_client", StatusCode: 401, RawResponse: resp}
	err := fmt.Errorf("calling the service: %w", re)
	st, ok := aadsts.FromError(err)
	if !ok {
		t.Fatal("FromError found nothing")
	}
	if st.Code() != 7000215 || st.StatusCode != 401 || st.TraceID != "t" || st.Category() != classify.ClientCredentials {
		t.Errorf("FromError = %+v", st)
	}
	// The body stays readable for the original error.
	b, err2 := runtime.Payload(resp)
	if err2 != nil || string(b) != body {
		t.Errorf("body after FromError = %q, %v", b, err2)
	}
	if !errors.Is(st, re) {
		t.Error("STSError does not unwrap to the ResponseError")
	}
}

func TestFromErrorCallErrWithoutResponse(t *testing.T) {
	ce := msalerrors.CallErr{Err: errors.New("http call(https://x/t/oauth2/v2.0/token)(POST) error: reply status code was 400:\n{\"error\":\"invalid_grant\",\"error_codes\":[700082]}")}
	st, ok := aadsts.FromError(ce)
	if !ok || st.StatusCode != 400 || st.Code() != 700082 {
		t.Errorf("FromError = %+v, %v", st, ok)
	}
}

func TestFromErrorText(t *testing.T) {
	tests := []struct {
		name string
		text string
		want aadsts.STSError
	}{
		{"log line", "token failed: AADSTS50058: A silent sign-in request was sent but no user is signed in. Trace ID: t-9 Correlation ID: c-9 Timestamp: 2024-01-02 03:04:05Z",
			aadsts.STSError{Codes: []aadsts.Code{50058}, TraceID: "t-9", CorrelationID: "c-9", Timestamp: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}},
		{"azidentity credential prefix", "AzureCLICredential: ERROR: AADSTS70043: The refresh token has expired.",
			aadsts.STSError{Codes: []aadsts.Code{70043}, Credential: "AzureCLICredential"}},
		{"status only", "ManagedIdentityCredential authentication failed. \nGET http://169.254.169.254/metadata/identity/oauth2/token\n----\nRESPONSE 503: 503 Service Unavailable\n----\nbusy",
			aadsts.STSError{StatusCode: 503, Credential: "ManagedIdentityCredential"}},
		{"raw JSON body", `{"error":"invalid_grant","error_description":"AADSTS50173: x","error_codes":[50173]}`,
			aadsts.STSError{OAuthError: "invalid_grant", Description: "AADSTS50173: x", Codes: []aadsts.Code{50173}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, ok := aadsts.FromError(errors.New(tt.text))
			if !ok {
				t.Fatal("FromError found nothing")
			}
			if diff := cmpSTS(tt.want, *st); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, text := range []string{"", "AADSTS", "AADSTSx", "RESPONSE 99", "something failed with {\"x\":1}"} {
		if st, ok := aadsts.FromError(errors.New(text)); ok {
			t.Errorf("FromError(%q) = %+v, want nothing", text, st)
		}
	}
}

func cmpSTS(want, got aadsts.STSError) string {
	wj, _ := json.MarshalIndent(fieldsOf(want), "", " ")
	gj, _ := json.MarshalIndent(fieldsOf(got), "", " ")
	if bytes.Equal(wj, gj) {
		return ""
	}
	return "want " + string(wj) + "\ngot " + string(gj)
}

func fieldsOf(e aadsts.STSError) map[string]any {
	return map[string]any{"status": e.StatusCode, "error": e.OAuthError, "desc": e.Description, "codes": e.Codes,
		"sub": e.SubError, "claims": e.Claims, "trace": e.TraceID, "corr": e.CorrelationID, "ts": e.Timestamp,
		"uri": e.ErrorURI, "ra": e.RetryAfter, "cred": e.Credential}
}

func TestWrapIdempotent(t *testing.T) {
	err := errors.New("AADSTS50076: MFA")
	w := aadsts.Wrap(err)
	if w == err {
		t.Fatal("Wrap did not wrap an STS error")
	}
	if aadsts.Wrap(w) != w {
		t.Error("Wrap of a wrapped error wrapped again")
	}
	outer := fmt.Errorf("ctx: %w", w)
	if aadsts.Wrap(outer) != outer {
		t.Error("Wrap of an error already holding an STSError changed it")
	}
	st, _ := aadsts.FromError(outer)
	if st != w {
		t.Error("FromError did not return the STSError already in the chain")
	}
	if !errors.Is(w, err) {
		t.Error("the wrapped error does not unwrap to the original")
	}
}

func TestIsRetryableNonSTS(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{context.Canceled, false},
		{context.DeadlineExceeded, true},
		{fmt.Errorf("ClientSecretCredential: %w", context.DeadlineExceeded), true},
		{errors.New("ClientSecretCredential: context deadline exceeded"), true},
		{errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), true},
		{errors.New("boom"), false},
		{azidentity.NewCredentialUnavailableError("no CLI"), false},
	}
	for _, tt := range tests {
		if got := aadsts.IsRetryable(tt.err); got != tt.want {
			t.Errorf("IsRetryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestLogAttrNonSTS(t *testing.T) {
	var buf bytes.Buffer
	secretText := errors.New(`reading token: {"access_token":"eyJ0eXAi.secret.sig"} dial tcp: connection refused`)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", aadsts.LogAttr("err", secretText))
	out := buf.String()
	if strings.Contains(out, "eyJ0eXAi") {
		t.Errorf("LogAttr logged the error text: %s", out)
	}
	if !strings.Contains(out, `"category":"network"`) || !strings.Contains(out, `"type":"*errors.errorString"`) {
		t.Errorf("LogAttr = %s", out)
	}
}

func TestWrapCredential(t *testing.T) {
	if aadsts.WrapCredential(nil) != nil {
		t.Error("WrapCredential(nil) != nil")
	}
	srv := aadststest.NewServer()
	defer srv.Close()
	cred, err := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "s",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: srv.ClientOptions(), DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	w := aadsts.WrapCredential(cred)
	if aadsts.WrapCredential(w) != w {
		t.Error("WrapCredential wrapped twice")
	}
	tro := policy.TokenRequestOptions{Scopes: []string{aadststest.Scope}}
	if _, err := w.GetToken(context.Background(), tro); err != nil {
		t.Fatalf("GetToken through the wrapper: %v", err)
	}
	srv.Always(aadststest.ForCode(7000222))
	// A fresh credential (the first one cached its token).
	cred2, _ := azidentity.NewClientSecretCredential(aadststest.TenantID, aadststest.ClientID, "s",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: srv.ClientOptions(), DisableInstanceDiscovery: true})
	_, err = aadsts.WrapCredential(cred2).GetToken(context.Background(), tro)
	var st *aadsts.STSError
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &st) || st.Code() != 7000222 || !errors.As(err, &afe) {
		t.Errorf("wrapped GetToken error = %v (STSError %v, azidentity %v)", err, st != nil, afe != nil)
	}
}

func TestLogAttrUnavailableCredential(t *testing.T) {
	var buf bytes.Buffer
	err := fmt.Errorf("startup: %w", azidentity.NewCredentialUnavailableError("AzureCLICredential: executable not found on path"))
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", aadsts.LogAttr("err", err))
	for _, want := range []string{`"category":"credential_unavailable"`, `"cause":"azure_cli_not_installed"`, `"credential":"AzureCLICredential"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("LogAttr lacks %s: %s", want, buf.String())
		}
	}
}
