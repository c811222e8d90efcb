package remediate_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/classify"
	"github.com/stsdiag/stsdiag/remediate"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata/remediate")

const (
	tenant = "72f988bf-0000-0000-0000-000000000001"
	client = "11111111-0000-0000-0000-000000000002"
	trace  = "0000aaaa-1111-2222-3333-444444444444"
	corr   = "5555bbbb-6666-7777-8888-999999999999"
	pii    = "alice.smith@contoso.com"
)

var opts = remediate.Options{TenantID: tenant, ClientID: client, Scopes: []string{"https://management.azure.com/.default"}}

// response builds the token endpoint's answer for code, as Entra words it,
// including personal data in the description that must never be rendered.
func response(code aadsts.Code, status int, oauth, sub, claims, cred string) *aadsts.STSError {
	body, _ := json.Marshal(map[string]any{
		"error":             oauth,
		"error_description": fmt.Sprintf("AADSTS%d: Something failed for user '%s'.\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: 2026-11-22 10:00:00Z", code, pii, trace, corr),
		"error_codes":       []aadsts.Code{code},
		"timestamp":         "2026-11-22 10:00:00Z",
		"trace_id":          trace,
		"correlation_id":    corr,
		"suberror":          sub,
		"claims":            claims,
	})
	st := aadsts.Parse(status, nil, body)
	st.Credential = cred
	return st
}

func diagnosis(st *aadsts.STSError) aadsts.Diagnosis {
	v := st.Verdict()
	return aadsts.Diagnosis{Category: v.Category, Action: v.Action, Retryable: v.Retryable, Credential: st.Credential, RetryAfter: st.RetryAfter, STS: st}
}

const mfaClaims = `{"access_token":{"capolids":{"essential":true,"values":["00000000-0000-0000-0000-0000000000ca"]}}}`

// goldenCases are representative codes, each with the credential that
// typically meets it.
func goldenCases() map[string]aadsts.Diagnosis {
	c := map[string]aadsts.Diagnosis{}
	add := func(name string, code aadsts.Code, status int, oauth, sub, claims, cred string) {
		c[name] = diagnosis(response(code, status, oauth, sub, claims, cred))
	}
	add("7000215_clientsecret", 7000215, 401, "invalid_client", "", "", "ClientSecretCredential")
	add("7000215_msal", 7000215, 401, "invalid_client", "", "", "")
	add("7000222_clientsecret", 7000222, 401, "invalid_client", "", "", "ClientSecretCredential")
	add("700016_clientcert", 700016, 400, "unauthorized_client", "", "", "ClientCertificateCredential")
	add("700027_clientcert", 700027, 401, "invalid_client", "", "", "ClientCertificateCredential")
	add("700021_assertion", 700021, 401, "invalid_client", "", "", "ClientAssertionCredential")
	add("700024_workload", 700024, 401, "invalid_client", "", "", "WorkloadIdentityCredential")
	add("70021_workload", 70021, 400, "invalid_request", "", "", "WorkloadIdentityCredential")
	add("50076_azurecli", 50076, 400, "invalid_grant", "basic_action", mfaClaims, "AzureCLICredential")
	add("50076_interactive", 50076, 400, "invalid_grant", "basic_action", mfaClaims, "InteractiveBrowserCredential")
	add("50079_azd", 50079, 400, "invalid_grant", "basic_action", mfaClaims, "AzureDeveloperCLICredential")
	add("53003_assertion", 53003, 400, "invalid_grant", "", "", "ClientAssertionCredential")
	add("53003_user", 53003, 400, "invalid_grant", "", "", "InteractiveBrowserCredential")
	add("53000_user", 53000, 400, "invalid_grant", "", "", "InteractiveBrowserCredential")
	add("65001_azurecli", 65001, 400, "invalid_grant", "consent_required", "", "AzureCLICredential")
	add("65001_devicecode", 65001, 400, "invalid_grant", "consent_required", "", "DeviceCodeCredential")
	add("700082_azurecli", 700082, 400, "invalid_grant", "bad_token", "", "AzureCLICredential")
	add("50173_msal", 50173, 400, "invalid_grant", "bad_token", "", "")
	add("54005_msal", 54005, 400, "invalid_grant", "", "", "")
	add("70011_managedidentity", 70011, 400, "invalid_scope", "", "", "ClientSecretCredential")
	add("900144_msal", 900144, 400, "invalid_request", "", "", "")
	add("90002_clientsecret", 90002, 400, "invalid_request", "", "", "ClientSecretCredential")
	add("50011_interactive", 50011, 400, "invalid_request", "", "", "InteractiveBrowserCredential")
	add("50053_user", 50053, 400, "invalid_grant", "", "", "UsernamePasswordCredential")
	add("50055_user", 50055, 400, "invalid_grant", "user_password_expired", "", "UsernamePasswordCredential")
	add("50126_user", 50126, 400, "invalid_grant", "", "", "UsernamePasswordCredential")
	add("50196_clientsecret", 50196, 400, "temporarily_unavailable", "", "", "ClientSecretCredential")
	add("90033_clientsecret", 90033, 503, "temporarily_unavailable", "", "", "ClientSecretCredential")
	add("500011_clientsecret", 500011, 400, "invalid_resource", "", "", "ClientSecretCredential")
	add("80001_federated", 80001, 400, "invalid_grant", "", "", "UsernamePasswordCredential")
	throttled := aadsts.Parse(429, map[string][]string{"Retry-After": {"7"}}, []byte(`{"error":"temporarily_unavailable","trace_id":"`+trace+`"}`))
	throttled.Credential = "ManagedIdentityCredential"
	c["throttled_429"] = diagnosis(throttled)
	html := aadsts.Parse(503, nil, []byte("<html>503</html>"))
	c["html_503"] = diagnosis(html)
	return c
}

// causeMessages are the messages azidentity writes for failures that never
// reach the token service, as an application would see them.
var causeMessages = map[classify.Cause]string{
	classify.AzureCLINotInstalled:          "AzureCLICredential: executable not found on path",
	classify.AzureCLINotLoggedIn:           "AzureCLICredential: ERROR: Please run 'az login' to setup account.",
	classify.AzureCLIInvalidSubscription:   `AzureCLICredential: subscription "my sub;" contains invalid characters. If this is the name of a subscription, use its ID instead`,
	classify.AzureDeveloperCLINotInstalled: "AzureDeveloperCLICredential: executable not found on path",
	classify.AzureDeveloperCLINotLoggedIn:  `AzureDeveloperCLICredential: please run "azd auth login" from a command prompt to authenticate before using this credential`,
	classify.PowerShellNotInstalled:        "AzurePowerShellCredential: executable not found on path",
	classify.AzPowerShellModuleMissing:     "AzurePowerShellCredential: Az.Accounts module not found. Install it with 'Install-Module Az.Accounts'",
	classify.AzurePowerShellNotLoggedIn:    "AzurePowerShellCredential: Please run 'Connect-AzAccount' to set up account.",
	classify.DeveloperToolFailed:           "AzureCLICredential: ERROR: an unexpected failure in the tool",
	classify.ClaimsChallenge:               "AzureCLICredential.GetToken(): Azure CLI requires multifactor authentication or additional claims. Run this command then retry the operation: az login --claims-challenge e30=",
	classify.EnvironmentNotConfigured:      "EnvironmentCredential: missing environment variable AZURE_TENANT_ID",
	classify.WorkloadIdentityNotConfigured: "WorkloadIdentityCredential: no client ID specified. Check pod configuration or set ClientID in the options",
	classify.AzurePipelinesNotConfigured:   "AzurePipelinesCredential: no value for environment variable SYSTEM_OIDCREQUESTURI. This should be set by Azure Pipelines",
	classify.TenantNotAllowed:              `ClientSecretCredential: the credential isn't configured to acquire tokens for tenant "other-tenant". To enable acquiring tokens for this tenant add it to the AdditionallyAllowedTenants on the credential options, or add "*" to allow acquiring tokens for any tenant`,
	classify.AuthenticationRequired:        "InteractiveBrowserCredential can't acquire a token without user interaction. Call Authenticate to authenticate a user interactively",
	classify.ManagedIdentityUnavailable:    "ManagedIdentityCredential: unexpected response \"forbidden\"",
	classify.ManagedIdentityNoResponse:     "ManagedIdentityCredential: managed identity timed out. See https://aka.ms/azsdk/go/identity/troubleshoot#dac for more information",
	classify.NoToken:                       "ClientSecretCredential: json decode error: unexpected end of JSON input",
	classify.ManagedIdentityBadResponse:    "ManagedIdentityCredential: error parsing the json error response: <html>proxy</html>",
	classify.NoCredentialAvailable: "DefaultAzureCredential: failed to acquire a token.\nAttempted credentials:\n\tEnvironmentCredential: missing environment variable AZURE_TENANT_ID\n" +
		"\tWorkloadIdentityCredential: no client ID specified. Check pod configuration or set ClientID in the options\n" +
		"\tManagedIdentityCredential: managed identity timed out. See https://aka.ms/azsdk/go/identity/troubleshoot#dac for more information\n" +
		"\tAzureCLICredential: executable not found on path\n\tAzureDeveloperCLICredential: executable not found on path",
}

// causeCases are the failures that never reach the token service, one per
// cause of classify, judged by stsdiag's own rules: azidentity's messages
// through aadsts.Diagnose, endpoint statuses through classify's status rules,
// network faults through classify.ErrCause.
func causeCases(t *testing.T) map[string]aadsts.Diagnosis {
	t.Helper()
	out := map[string]aadsts.Diagnosis{}
	with := func(cred string, v classify.Verdict, c classify.Cause) aadsts.Diagnosis {
		return aadsts.Diagnosis{Category: v.Category, Action: v.Action, Retryable: v.Retryable, Credential: cred, Cause: c}
	}
	for _, c := range classify.Causes() {
		var d aadsts.Diagnosis
		if msg, ok := causeMessages[c]; ok {
			d = aadsts.Diagnose(errors.New(msg))
		} else {
			for _, status := range []int{400, 403, 404, 410, 429, 500, 502} {
				if v, mc, ok := classify.ManagedIdentity(status); ok && mc == c {
					d = with("ManagedIdentityCredential", v, c)
				}
			}
			for _, status := range []int{401, 404, 500} {
				if v, pc := classify.AzurePipelines(status); pc == c {
					d = with("AzurePipelinesCredential", v, c)
				}
			}
			for _, status := range []int{401, 403, 500} {
				if v, sc := classify.Service(status, false); sc == c {
					d = with("DefaultAzureCredential", v, c)
				}
			}
			for _, e := range []error{context.Canceled, context.DeadlineExceeded, &net.DNSError{Err: "no such host", Name: "login.example", IsNotFound: true},
				&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, x509.UnknownAuthorityError{}} {
				if v, ec, ok := classify.ErrCause(e); ok && ec == c {
					d = with("ClientSecretCredential", v, c)
				}
			}
		}
		if d.Cause != c {
			t.Fatalf("no realistic failure gives cause %q (got %+v); add one to causeMessages", c, d)
		}
		out["cause_"+string(c)] = d
	}
	return out
}

func TestGolden(t *testing.T) {
	all := goldenCases()
	for k, v := range causeCases(t) {
		all[k] = v
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	dir := filepath.Join("..", "testdata", "remediate")
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range names {
		r := opts.ForDiagnosis(all[name])
		for ext, out := range map[string]string{".txt": r.Text(), ".md": r.Markdown(), ".json": r.JSON()} {
			t.Run(name+ext, func(t *testing.T) {
				assertSafe(t, out)
				path := filepath.Join(dir, name+ext)
				if *update {
					if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./remediate -update)", err)
				}
				if diff := cmp.Diff(string(want), out); diff != "" {
					t.Errorf("%s (-want +got):\n%s", path, diff)
				}
			})
		}
	}
}

// assertSafe checks that a rendering carries no personal data from the
// description, and is valid where it claims a format.
func assertSafe(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, pii) || strings.Contains(out, "alice") {
		t.Errorf("rendering contains personal data from the description:\n%s", out)
	}
}

func TestEveryCauseHasGuidance(t *testing.T) {
	for name, d := range causeCases(t) {
		r := remediate.ForDiagnosis(d)
		if len(r.Steps) == 0 || r.Summary == "" || strings.HasPrefix(r.Summary, "The token request failed") {
			t.Errorf("%s: no specific guidance: %+v", name, r)
		}
	}
}

func TestEveryCategoryHasGuidance(t *testing.T) {
	for _, c := range classify.Categories() {
		r := remediate.ForDiagnosis(aadsts.Diagnosis{Category: c})
		if len(r.Steps) == 0 || r.Summary == "" || r.RetryAdvice == "" {
			t.Errorf("%v: empty guidance: %+v", c, r)
		}
	}
}

func TestEveryTableCodeHasGuidance(t *testing.T) {
	for info := range aadsts.All() {
		r, ok := remediate.ForCode(info.Code)
		if !ok || len(r.Steps) == 0 || r.Summary != info.Summary {
			t.Errorf("%v: %+v", info.Code, r)
		}
	}
	if r, ok := remediate.ForCode(1); ok || len(r.Steps) == 0 {
		t.Errorf("ForCode(unknown) = %+v, %v", r, ok)
	}
}

func stepText(r remediate.Remediation) string {
	var b strings.Builder
	for _, s := range r.Steps {
		b.WriteString(s.Audience.String() + ": " + s.Text + " | " + s.Command + " | " + s.URL + "\n")
	}
	return b.String()
}

func TestSpecificity(t *testing.T) {
	cases := goldenCases()
	tests := []struct {
		name string
		want []string
	}{
		{"7000215_clientsecret", []string{"AZURE_CLIENT_SECRET", "NewClientSecretCredential", "Value", "Secret ID", "az ad app credential reset --id " + client}},
		{"7000215_msal", []string{"confidential.NewCredFromSecret"}},
		{"7000222_clientsecret", []string{"expired", "certificate", "federation", "az ad app credential list --id " + client}},
		{"700016_clientcert", []string{"https://login.microsoftonline.com/" + tenant + "/adminconsent?client_id=" + client, "az ad sp create --id " + client}},
		{"50076_azurecli", []string{"az login --tenant " + tenant + " --scope https://management.azure.com/.default --claims-challenge " + base64.StdEncoding.EncodeToString([]byte(mfaClaims))}},
		{"50076_interactive", []string{"claims challenge", "WithClaims"}},
		{"50079_azd", []string{"azd auth login --tenant-id " + tenant}},
		{"65001_devicecode", []string{"https://login.microsoftonline.com/" + tenant + "/adminconsent?client_id=" + client}},
		{"53003_user", []string{"correlation ID " + corr, "2026-11-22T10:00:00Z", "Conditional Access tab", "correlationId eq '" + corr + "'"}},
		{"53003_assertion", []string{"workload identities", "service principal"}},
		{"50053_user", []string{"Stop retrying", "sign-in logs"}},
		{"50196_clientsecret", []string{"Reuse one credential"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stepText(opts.ForDiagnosis(cases[tt.name]))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("steps lack %q:\n%s", w, got)
				}
			}
		})
	}
	// Retry advice follows the verdict.
	if r := opts.ForDiagnosis(cases["throttled_429"]); !r.Retryable || !strings.Contains(r.RetryAdvice, "7s") {
		t.Errorf("throttled advice = %q", r.RetryAdvice)
	}
	if r := opts.ForDiagnosis(cases["7000215_clientsecret"]); !strings.Contains(r.RetryAdvice, "will not help") {
		t.Errorf("non-retryable advice = %q", r.RetryAdvice)
	}
}

func TestPlaceholdersWithoutOptions(t *testing.T) {
	r := remediate.ForDiagnosis(goldenCases()["700016_clientcert"])
	got := stepText(r)
	if !strings.Contains(got, "az ad sp create --id <client-id>") || !strings.Contains(got, "/<tenant-id>/adminconsent") {
		t.Errorf("placeholders missing:\n%s", got)
	}
}

func TestDescriptionOnlyWhenAsked(t *testing.T) {
	d := goldenCases()["50126_user"]
	if r := opts.ForDiagnosis(d); r.Description != "" || strings.Contains(r.JSON(), pii) {
		t.Error("description rendered by default")
	}
	o := opts
	o.IncludeDescription = true
	r := o.ForDiagnosis(d)
	if !strings.Contains(r.Text(), pii) || !strings.Contains(r.Markdown(), pii) {
		t.Error("IncludeDescription did not include the description")
	}
}

func TestHostileFieldsAreNotEchoed(t *testing.T) {
	st := aadsts.Parse(400, nil, []byte(`{"error":"invalid_grant","error_codes":[53003],"trace_id":"`+pii+`","correlation_id":"<script>x</script>"}`))
	st.Credential = "Evil Credential; rm -rf /"
	r := remediate.ForDiagnosis(diagnosis(st))
	for _, out := range []string{r.Text(), r.Markdown(), r.JSON()} {
		if strings.Contains(out, pii) || strings.Contains(out, "<script>") || strings.Contains(out, "rm -rf") {
			t.Errorf("hostile field echoed:\n%s", out)
		}
	}
}

func TestNil(t *testing.T) {
	r := remediate.For(nil)
	if r.Summary == "" || r.Steps == nil {
		t.Errorf("For(nil) = %+v", r)
	}
	_ = remediate.ForDiagnosis(aadsts.Diagnosis{}).Text()
	_ = remediate.Remediation{}.Markdown()
	_ = remediate.Remediation{}.JSON()
}

func TestChainRendersAttempts(t *testing.T) {
	d := aadsts.Diagnosis{Category: classify.ClientCredentials, Action: classify.FixCredentials, Credential: "ClientSecretCredential",
		Attempts: []aadsts.Diagnosis{causeCases(t)["cause_environment_not_configured"], causeCases(t)["cause_azure_cli_not_installed"], goldenCases()["7000215_clientsecret"]}}
	r := opts.ForDiagnosis(d)
	if len(r.Attempts) != 3 {
		t.Fatalf("attempts = %d", len(r.Attempts))
	}
	txt := r.Text()
	for _, w := range []string{"[1] EnvironmentCredential", "[2] AzureCLICredential", "[3] ClientSecretCredential: AADSTS7000215"} {
		if !strings.Contains(txt, w) {
			t.Errorf("text lacks %q:\n%s", w, txt)
		}
	}
}

func ExampleForCode() {
	r, _ := remediate.ForCode(7000222)
	fmt.Println(r.Category, r.Action)
	fmt.Println(r.Steps[0].Audience, "-", r.Steps[0].Command)
	// Output:
	// client_credentials fix_credentials
	// admin - az ad app credential list --id <client-id> --query "[].{id:keyId,name:displayName,end:endDateTime}" -o table
}

func ExampleOptions_For() {
	err := fmt.Errorf("get token: %w", aadsts.Wrap(fmt.Errorf(`AzureCLICredential: {"error":"invalid_grant","error_codes":[65001],"suberror":"consent_required"}`)))
	r := remediate.Options{TenantID: "contoso.onmicrosoft.com", ClientID: "00000000-0000-0000-0000-000000000001"}.For(err)
	fmt.Println(r.Steps[0].URL)
	// Output: https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=00000000-0000-0000-0000-000000000001
}
