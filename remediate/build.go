package remediate

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/classify"
	"github.com/stsdiag/stsdiag/internal/safe"
)

// builder assembles one Remediation.
type builder struct {
	o    Options
	d    aadsts.Diagnosis
	st   *aadsts.STSError
	code aadsts.Code
	cred string
	r    Remediation
}

func newBuilder(o Options, d aadsts.Diagnosis) *builder {
	b := &builder{o: o, d: d, st: d.STS, cred: safe.Ident(d.Credential)}
	if b.st != nil {
		b.code = b.st.Code()
		if info, ok := b.st.Info(); ok {
			b.code = info.Code
		}
		if b.cred == "" {
			b.cred = safe.Ident(b.st.Credential)
		}
	}
	return b
}

func (b *builder) build() {
	d := b.d
	b.r = Remediation{
		Code: b.code, Category: d.Category, Action: d.Action, Retryable: d.Retryable,
		RetryAfter: d.RetryAfter, Credential: b.cred, Cause: d.Cause, Steps: []Step{},
	}
	if st := b.st; st != nil {
		// Echo only ids that look like ids: the response is untrusted input.
		b.r.StatusCode, b.r.TraceID, b.r.CorrelationID, b.r.Timestamp = st.StatusCode, safe.ID(st.TraceID), safe.ID(st.CorrelationID), st.Timestamp
		if b.r.RetryAfter == 0 {
			b.r.RetryAfter = st.RetryAfter
		}
		if b.o.IncludeDescription {
			b.r.Description = st.Description
		}
	}
	info, known := aadsts.Lookup(b.code)
	switch {
	case known:
		b.r.Name, b.r.Summary = info.Name, info.Summary
	case d.Cause != classify.NoCause && causeSummary[d.Cause] != "":
		b.r.Summary = causeSummary[d.Cause]
	default:
		b.r.Summary = categorySummary(d.Category, b.st)
	}
	b.r.RetryAdvice = b.retryAdvice()

	switch {
	case known && codeGuides[b.code] != nil:
		codeGuides[b.code](b)
	case d.Cause != classify.NoCause && causeGuides[d.Cause] != nil:
		causeGuides[d.Cause](b)
	default:
		b.categorySteps()
	}
	b.commonSteps()
	b.links()
}

// Step helpers.

func (b *builder) add(a Audience, text, command string) {
	b.r.Steps = append(b.r.Steps, Step{Audience: a, Text: text, Command: command})
}
func (b *builder) dev(text string)               { b.add(Developer, text, "") }
func (b *builder) devCmd(text, command string)   { b.add(Developer, text, command) }
func (b *builder) admin(text string)             { b.add(Admin, text, "") }
func (b *builder) adminCmd(text, command string) { b.add(Admin, text, command) }
func (b *builder) user(text string)              { b.add(User, text, "") }
func (b *builder) userCmd(text, command string)  { b.add(User, text, command) }
func (b *builder) addURL(a Audience, text, u string) {
	b.r.Steps = append(b.r.Steps, Step{Audience: a, Text: text, URL: u})
}

// Context values, with placeholders where unknown.

func (b *builder) tenant() string {
	if b.o.TenantID != "" {
		return b.o.TenantID
	}
	return "<tenant-id>"
}

func (b *builder) client() string {
	if b.o.ClientID != "" {
		return b.o.ClientID
	}
	return "<client-id>"
}

func (b *builder) scope() string {
	if len(b.o.Scopes) > 0 {
		return b.o.Scopes[0]
	}
	return "<scope>"
}

func (b *builder) claims() string {
	if b.st != nil && b.st.Claims != "" {
		return b.st.Claims
	}
	return b.o.Claims
}

// secretSource names where the failing client secret came from.
func (b *builder) secretSource() string {
	switch b.cred {
	case "EnvironmentCredential", "DefaultAzureCredential":
		return "the AZURE_CLIENT_SECRET environment variable that EnvironmentCredential (part of DefaultAzureCredential) reads"
	case "ClientSecretCredential":
		return "the secret argument of azidentity.NewClientSecretCredential — or, when the credential was built by EnvironmentCredential or DefaultAzureCredential, the AZURE_CLIENT_SECRET environment variable"
	case "":
		return "the client secret the application sends (with MSAL Go, the value given to confidential.NewCredFromSecret)"
	}
	return "the client secret " + b.cred + " sends"
}

func (b *builder) retryAdvice() string {
	d := b.d
	wait := d.RetryAfter
	if wait == 0 && b.st != nil {
		wait = b.st.RetryAfter
	}
	switch {
	case d.Retryable && wait > 0:
		return fmt.Sprintf("Retrying helps: wait %v, as the service asked, then send the same request again.", wait.Round(time.Millisecond))
	case d.Retryable && d.Action == classify.KeepPolling:
		return "Keep polling at the interval the device-code response gave; the request completes once the user acts."
	case d.Retryable:
		return "Retrying helps: send the same request again after a short exponential backoff (for example 1 s, 2 s, 4 s, with jitter)."
	case d.Category == classify.Throttled:
		return "Retrying the same way will not help: the service will keep refusing until the application changes its behaviour."
	case d.Category == classify.Canceled:
		return "Nothing to retry: the caller canceled the request."
	case d.Category == classify.Unknown:
		return "Unknown: nothing in the error says whether a retry can succeed; do not retry in a tight loop."
	}
	return "Waiting and retrying will not help: the same request fails the same way until someone acts on the steps below."
}

// commonSteps adds what applies across codes: where to look in the sign-in
// logs, and backoff behaviour.
func (b *builder) commonSteps() {
	switch b.d.Category {
	case classify.PolicyBlocked, classify.UserAccount, classify.InteractionRequired, classify.Federation, classify.ConsentRequired:
		if b.r.CorrelationID != "" || !b.r.Timestamp.IsZero() {
			b.signInLogStep()
		}
	}
	if b.d.Retryable && b.d.Category != classify.DeviceFlow {
		b.dev("Let the retry be automatic but bounded: honour Retry-After, back off exponentially, and cap the attempts; aadsts.IsRetryable and aadsts.RetryAfter give the verdict for any error.")
	}
}

// signInLogStep tells the admin how to find the failed sign-in.
func (b *builder) signInLogStep() {
	var where []string
	if id := b.r.CorrelationID; id != "" {
		where = append(where, "correlation ID "+id)
	}
	if !b.r.Timestamp.IsZero() {
		where = append(where, "time "+b.r.Timestamp.UTC().Format(time.RFC3339))
	}
	text := "Find the failed sign-in in the Microsoft Entra admin center (Monitoring > Sign-in logs; for an application's own sign-ins use the service principal tab) by " +
		strings.Join(where, " and ") +
		". The Basic info tab names who, the app and the resource; Location and Device info say where from; the Conditional Access tab shows which policies applied and which grant control failed; Authentication Details shows each MFA step and its result."
	cmd := ""
	if id := b.r.CorrelationID; id != "" {
		cmd = `az rest --method get --url "https://graph.microsoft.com/v1.0/auditLogs/signIns?\$filter=correlationId eq '` + id + `'"`
	}
	b.adminCmd(text, cmd)
}

// adminConsentURL is the admin-consent link for the application.
func (b *builder) adminConsentURL() string {
	t, c := b.tenant(), b.client()
	if b.o.TenantID != "" { // placeholders stay readable; real values are escaped
		t = url.PathEscape(t)
	}
	if b.o.ClientID != "" {
		c = url.QueryEscape(c)
	}
	return "https://login.microsoftonline.com/" + t + "/adminconsent?client_id=" + c
}

// loginCommand returns the command that signs the developer tool's user in
// again, with the claims challenge when there is one.
func (b *builder) loginCommand() (tool, cmd string) {
	claims := b.claims()
	enc := ""
	if claims != "" {
		enc = base64.StdEncoding.EncodeToString([]byte(claims))
	}
	switch b.cred {
	case "AzureDeveloperCLICredential":
		cmd = "azd auth login --tenant-id " + b.tenant()
		if len(b.o.Scopes) > 0 {
			cmd += " --scope " + b.scope()
		}
		if enc != "" {
			cmd += " --claims " + enc
		}
		return "Azure Developer CLI", cmd
	case "AzurePowerShellCredential":
		cmd = "Connect-AzAccount -Tenant " + b.tenant()
		if enc != "" {
			cmd += " -ClaimsChallenge " + enc
		}
		return "Azure PowerShell", cmd
	case "AzureCLICredential", "DefaultAzureCredential":
		cmd = "az login --tenant " + b.tenant()
		if len(b.o.Scopes) > 0 || enc != "" {
			cmd += " --scope " + b.scope()
		}
		if enc != "" {
			cmd += " --claims-challenge " + enc
		}
		return "Azure CLI", cmd
	}
	return "", ""
}

// isDeveloperTool reports whether the failing credential signs in through a
// developer tool whose own login must be renewed.
func (b *builder) isDeveloperTool() bool {
	switch b.cred {
	case "AzureCLICredential", "AzureDeveloperCLICredential", "AzurePowerShellCredential":
		return true
	}
	return false
}

// isAppOnly reports whether the failing credential authenticates the
// application itself (no user).
func (b *builder) isAppOnly() bool {
	switch b.cred {
	case "ClientSecretCredential", "ClientCertificateCredential", "ClientAssertionCredential",
		"EnvironmentCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential", "AzurePipelinesCredential":
		return true
	}
	return false
}

// reauthenticateSteps are the steps of a fresh interactive sign-in.
func (b *builder) reauthenticateSteps(why string) {
	if tool, cmd := b.loginCommand(); cmd != "" {
		b.userCmd("Sign in to the "+tool+" again"+why+"; the credential then picks up the new sign-in.", cmd)
		return
	}
	if b.isAppOnly() {
		b.dev("This credential cannot show a sign-in page: it signs in as the application. A user-interaction requirement here usually means a policy targets the wrong identity, or the app needs a delegated flow; review the Conditional Access assignment with the admin.")
		return
	}
	text := "Send the user through interactive sign-in" + why + " (MSAL: AcquireTokenInteractive; azidentity: InteractiveBrowserCredential or DeviceCodeCredential)"
	if b.claims() != "" {
		text += ", passing the claims challenge from the error (STSError.Claims) so that the sign-in satisfies it (MSAL: WithClaims; azidentity: TokenRequestOptions.Claims)"
	}
	b.dev(text + ". Silent and refresh-token requests cannot complete it.")
}

func categorySummary(c classify.Category, st *aadsts.STSError) string {
	switch c {
	case classify.InteractionRequired:
		return "The user must complete an interactive sign-in before a token can be issued"
	case classify.ConsentRequired:
		return "Consent for the requested permissions is missing"
	case classify.ClientCredentials:
		return "The application's own credential (secret, certificate or assertion) was rejected"
	case classify.AppConfiguration:
		return "The app registration or the requested resource does not fit this request"
	case classify.UserAccount:
		return "The user account cannot sign in as it is"
	case classify.PolicyBlocked:
		return "A tenant policy refused the sign-in"
	case classify.GrantExpired:
		return "The grant (refresh token, code or session) is expired, revoked or already used"
	case classify.Transient:
		return "The token service failed temporarily"
	case classify.Throttled:
		return "The token service is throttling this client"
	case classify.Federation:
		return "A federated or on-premises identity component failed"
	case classify.DeviceFlow:
		return "The device-code sign-in is not complete"
	case classify.Tenant:
		return "The tenant or authority in the request is wrong for this sign-in"
	case classify.InvalidRequest:
		return "The token request is malformed"
	case classify.CredentialUnavailable:
		return "The credential could not try to get a token in this environment"
	case classify.Network:
		return "The request did not reach the token service"
	case classify.Canceled:
		return "The request was canceled by the caller"
	}
	if st != nil && st.StatusCode != 0 {
		return fmt.Sprintf("The token request failed with HTTP %d and no recognised error code", st.StatusCode)
	}
	return "The token request failed for a reason stsdiag does not recognise"
}

// categorySteps is the fallback for codes without a guide of their own.
func (b *builder) categorySteps() {
	switch b.d.Category {
	case classify.InteractionRequired:
		b.reauthenticateSteps("")
		b.user("Complete every prompt of the sign-in (MFA, terms of use, password change) within its time limit.")
	case classify.ConsentRequired:
		b.consentSteps()
	case classify.ClientCredentials:
		b.dev("Check that " + b.secretSource() + " — or the certificate or assertion the credential uses — belongs to this app registration (client ID " + b.client() + ") in tenant " + b.tenant() + ", and has not expired.")
		b.adminCmd("List the app's credentials and their expiry dates.", "az ad app credential list --id "+b.client()+" --query \"[].{id:keyId,name:displayName,end:endDateTime}\" -o table")
	case classify.AppConfiguration:
		b.dev("Compare what the code requests (client ID, tenant, scope or resource, redirect URI, grant type) with the app registration; the code's name in the table says which part is wrong.")
		b.admin("If the app belongs to another organisation, make sure it is added to this tenant and its settings allow this flow.")
	case classify.UserAccount:
		b.user("Check that you signed in with the intended account; if your password expired or the account is locked, reset it through self-service password reset or ask your helpdesk.")
		b.admin("Check the account's state (enabled, locked, password expiry) in the Entra admin center.")
	case classify.PolicyBlocked:
		b.user("Try again from a device and network your organisation allows (a managed device, the office network or VPN).")
		b.admin("Review which Conditional Access or security policy blocked the sign-in and whether it should apply to this user, app and location.")
	case classify.GrantExpired:
		b.reauthenticateSteps(" to obtain a new grant")
		b.dev("Do not store or reuse authorization codes; let MSAL's cache manage refresh tokens, and fall back to interactive sign-in when a refresh fails.")
	case classify.Transient:
		b.dev("Nothing to fix in the request: retry with backoff. If the failure persists for more than a few minutes, check the Azure status page and open a support case quoting the trace and correlation IDs.")
	case classify.Throttled:
		b.dev("Reduce the token request rate: reuse one credential or client instance for the process (its cache serves repeat requests), and request a token only when the cached one is near expiry.")
	case classify.Federation:
		b.admin("Check the federated identity provider, pass-through authentication agents or AD FS for this domain: their health, certificates and clock.")
		b.user("If your organisation signs you in through another identity provider, report the time and correlation ID to your helpdesk.")
	case classify.DeviceFlow:
		b.user("Open the verification page on another device and enter the code shown, before it expires.")
		b.dev("Start a new device-code flow when the code expired or was declined; keep polling while the sign-in is pending.")
	case classify.Tenant:
		b.dev("Check the tenant in the authority (ID or verified domain), and that it belongs to the same cloud as the authority host; use a tenant-specific authority instead of /common or /consumers where the flow needs one.")
	case classify.InvalidRequest:
		b.dev("Fix the code that builds the token request: the code's name in the table says which parameter or value is wrong. Requests made through MSAL or azidentity rarely hit this unless options are set inconsistently or a proxy alters the body.")
	case classify.CredentialUnavailable:
		b.dev("Configure the environment this credential needs, or choose a credential that fits where the code runs (managed identity on Azure, a developer tool login on a workstation).")
	case classify.Network:
		b.dev("Check that the process can reach the authority host over HTTPS (DNS, firewall, proxy settings such as HTTPS_PROXY and NO_PROXY, TLS inspection).")
	case classify.Canceled:
		b.dev("Nothing failed on the service side: the caller's context was canceled. Check why the request was abandoned (shutdown, client disconnect).")
	default:
		b.dev("Look up the code on Microsoft's error page, and check the HTTP status and the response body in a debug log of the client library.")
	}
}

// consentSteps is the guidance for missing consent.
func (b *builder) consentSteps() {
	b.addURL(Admin, "Grant admin consent for the application's permissions in tenant "+b.tenant()+" (opens the consent prompt for an administrator).", b.adminConsentURL())
	b.admin("Or, in the Entra admin center, open Enterprise applications > the app > Permissions and grant consent; check that user consent settings allow what the app asks for.")
	if b.isDeveloperTool() {
		_, cmd := b.loginCommand()
		b.userCmd("Sign in again requesting the scope, so the tool's consent covers it.", cmd)
	} else {
		b.dev("Request only the permissions the app needs; for app-only tokens use the resource's /.default scope, which asks for the permissions already configured and consented.")
		b.user("If the sign-in page offers a consent prompt, review and accept it; if it says an administrator must approve, ask your admin.")
	}
}

// links adds the references.
func (b *builder) links() {
	if b.code != 0 {
		n := strings.TrimPrefix(b.code.String(), "AADSTS")
		b.r.Links = append(b.r.Links, Link{Title: "Microsoft's page for " + b.code.String(), URL: "https://login.microsoftonline.com/error?code=" + n})
	}
	if anchor, ok := tsgAnchors[b.cred]; ok {
		b.r.Links = append(b.r.Links, Link{Title: "azidentity troubleshooting: " + b.cred, URL: "https://aka.ms/azsdk/go/identity/troubleshoot#" + anchor})
	}
	b.r.Links = append(b.r.Links, causeLinks[b.d.Cause]...)
	if b.code != 0 || b.st != nil {
		b.r.Links = append(b.r.Links, Link{Title: "AADSTS error code reference", URL: "https://learn.microsoft.com/entra/identity-platform/reference-error-codes"})
	}
}

// tsgAnchors are the sections of azidentity's troubleshooting guide per
// credential type.
var tsgAnchors = map[string]string{
	"AzureCLICredential":          "azure-cli",
	"AzureDeveloperCLICredential": "azd",
	"AzurePipelinesCredential":    "apc",
	"AzurePowerShellCredential":   "azure-pwsh",
	"ClientCertificateCredential": "client-cert",
	"ManagedIdentityCredential":   "managed-id",
	"ClientSecretCredential":      "client-secret",
	"WorkloadIdentityCredential":  "workload",
	"DefaultAzureCredential":      "dac",
	"EnvironmentCredential":       "troubleshoot-environmentcredential-authentication-issues",
}
