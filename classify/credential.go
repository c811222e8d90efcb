package classify

import "strings"

// Credential type names, as azidentity prints them.
const (
	credAzureCLI          = "AzureCLICredential"
	credAzureDeveloperCLI = "AzureDeveloperCLICredential"
	credAzurePowerShell   = "AzurePowerShellCredential"
	credEnvironment       = "EnvironmentCredential"
	credWorkloadIdentity  = "WorkloadIdentityCredential"
	credAzurePipelines    = "AzurePipelinesCredential"
	credManagedIdentity   = "ManagedIdentityCredential"
)

// The verdicts these rules give, as composite literals so that the rule
// table is laid out by the compiler (no work at package initialization).
var (
	unavailable    = Verdict{Category: CredentialUnavailable, Action: ConfigureEnvironment}
	needsSignIn    = Verdict{Category: InteractionRequired, Action: Reauthenticate}
	pipelineSource = Verdict{Category: ClientCredentials, Action: ConfigureEnvironment}
	noToken        = Verdict{Category: Unknown, Action: None}
)

// credentialRule maps a phrase of a credential's message to a verdict and
// cause. An empty credential matches every credential (and an unknown one).
type credentialRule struct {
	credential string
	phrase     string
	v          Verdict
	cause      Cause
}

// credentialRules hold the messages azidentity v1.15 writes when a credential
// cannot try, or fails without a token endpoint response (see the
// azidentity sources: developer_credential_util.go, azure_cli_credential.go,
// environment_credential.go, workload_identity.go,
// azure_pipelines_credential.go, managed_identity_client.go,
// azidentity.go). Rules are tried in order; the first match wins.
var credentialRules = [...]credentialRule{
	// Any credential.
	{"", "can't acquire a token without user interaction", needsSignIn, AuthenticationRequired},
	{"", "isn't configured to acquire tokens for tenant", unavailable, TenantNotAllowed},
	{"", "requires multifactor authentication or additional claims", needsSignIn, ClaimsChallenge},

	// Developer tools. azidentity reports a missing executable (exit status
	// 127, or "is not recognized" on Windows) as "executable not found on
	// path" for every tool.
	{credAzureCLI, "executable not found on path", unavailable, AzureCLINotInstalled},
	{credAzureCLI, "az login", unavailable, AzureCLINotLoggedIn},
	{credAzureCLI, "contains invalid characters", Verdict{Category: CredentialUnavailable, Action: FixRequest}, AzureCLIInvalidSubscription},
	{credAzureDeveloperCLI, "executable not found on path", unavailable, AzureDeveloperCLINotInstalled},
	{credAzureDeveloperCLI, "azd auth login", unavailable, AzureDeveloperCLINotLoggedIn},
	{credAzureDeveloperCLI, "not logged in", unavailable, AzureDeveloperCLINotLoggedIn},
	{credAzurePowerShell, "executable not found on path", unavailable, PowerShellNotInstalled},
	{credAzurePowerShell, "Az.Accounts module not found", unavailable, AzPowerShellModuleMissing},
	{credAzurePowerShell, "Connect-AzAccount", unavailable, AzurePowerShellNotLoggedIn},

	// Azure Pipelines (before the environment rules: its variable is not an
	// AZURE_ one, but stay specific).
	{"", "SYSTEM_OIDCREQUESTURI", unavailable, AzurePipelinesNotConfigured},
	{"", "no service connection ID specified", unavailable, AzurePipelinesNotConfigured},
	{"", "no system access token specified", unavailable, AzurePipelinesNotConfigured},
	{credAzurePipelines, "unexpected response from OIDC endpoint", pipelineSource, AzurePipelinesOIDCFailed},
	{credAzurePipelines, "OIDC token not found", pipelineSource, AzurePipelinesOIDCFailed},

	// EnvironmentCredential (its constructor's errors carry no credential
	// name; DefaultAzureCredential prefixes them with it).
	{"", "environment variable AZURE_", unavailable, EnvironmentNotConfigured},
	{"", "incomplete environment variable configuration", unavailable, EnvironmentNotConfigured},
	{"", "no value for AZURE_", unavailable, EnvironmentNotConfigured},
	{"", "failed to read certificate file", unavailable, EnvironmentNotConfigured},
	{"", "Consider calling NewClientCertificateCredential", unavailable, EnvironmentNotConfigured},
	{credEnvironment, "certificate", unavailable, EnvironmentNotConfigured},

	// WorkloadIdentityCredential: its constructor's errors, and a token file
	// that cannot be read at GetToken.
	{"", "Check pod configuration or set", unavailable, WorkloadIdentityNotConfigured},
	{credWorkloadIdentity, "no such file or directory", unavailable, WorkloadIdentityNotConfigured},
	{credWorkloadIdentity, "permission denied", unavailable, WorkloadIdentityNotConfigured},

	// ManagedIdentityCredential.
	{credManagedIdentity, "isn't assigned to this resource", unavailable, ManagedIdentityNotAssigned},
	{credManagedIdentity, "failed to authenticate a system assigned identity", unavailable, ManagedIdentityNotAssigned},
	{credManagedIdentity, "managed identity timed out", unavailable, ManagedIdentityNoResponse}, // DefaultAzureCredential's IMDS probe
	{credManagedIdentity, "unexpected response", unavailable, ManagedIdentityUnavailable},       // Docker Desktop's proxy answering 403 for IMDS
	{credManagedIdentity, "expires_in and expires_on", noToken, NoToken},
	{credManagedIdentity, "missing access_token", noToken, NoToken},
	{credManagedIdentity, "error parsing the json error", unavailable, ManagedIdentityBadResponse},
}

// Unavailable judges the message of a credential that failed without an
// answer from the token service: one that could not even try (an azidentity
// credentialUnavailableError, or a constructor's error), or a developer tool
// or managed identity that failed before a token response. credential is the
// azidentity credential type ("AzureCLICredential"), or "" when unknown;
// message is the credential's message. ok is false when no rule applies.
//
// Beyond the phrases of each credential's messages:
//   - a developer tool's failure that no phrase explains is judged by Text
//     (a timeout, say), or else is DeveloperToolFailed;
//   - a managed identity request that failed in transit (refused, timed
//     out) is ManagedIdentityNoResponse, credential_unavailable /
//     configure_environment: azidentity retried it already, so the host has
//     no reachable endpoint. A cancellation stays CallerCanceled.
//
// A message that holds an AADSTS code is the token service's answer relayed
// by a tool; judge that code instead (package aadsts does).
func Unavailable(credential, message string) (v Verdict, c Cause, ok bool) {
	for _, r := range credentialRules {
		if (r.credential == "" || r.credential == credential) && strings.Contains(message, r.phrase) {
			return r.v, r.cause, true
		}
	}
	switch credential {
	case credAzureCLI, credAzureDeveloperCLI, credAzurePowerShell:
		if v, c, ok := TextCause(message); ok {
			return v, c, true
		}
		return unavailable, DeveloperToolFailed, true
	case credManagedIdentity:
		if v, c, ok := TextCause(message); ok {
			if c == CallerCanceled {
				return v, c, true
			}
			return unavailable, ManagedIdentityNoResponse, true
		}
	}
	return Verdict{}, NoCause, false
}

// ManagedIdentity judges an HTTP error status from a managed identity
// endpoint (IMDS on a virtual machine, or the endpoint of App Service, Arc,
// Service Fabric, Cloud Shell). IMDS's documentation asks clients to retry
// 404, 410, 429 and 5xx; the troubleshooting guide reads 400 as an identity
// not assigned to the resource and 502/504 as a proxy or gateway in the
// way, which IMDS does not support. ok is false for other statuses.
func ManagedIdentity(status int) (v Verdict, c Cause, ok bool) {
	switch status {
	case 400:
		return unavailable, ManagedIdentityNotAssigned, true
	case 403:
		return unavailable, ManagedIdentityForbidden, true
	case 404:
		return verdict(Transient, Retry, true), ManagedIdentityNotFound, true
	case 410:
		return verdict(Transient, Retry, true), ManagedIdentityUpdating, true
	case 429:
		return verdict(Throttled, RetryAfter, true), ManagedIdentityThrottled, true
	case 502, 504:
		return unavailable, ManagedIdentityGateway, true
	}
	if v, ok := Status(status); ok && status >= 500 {
		return v, ManagedIdentityServerError, true
	}
	return Verdict{}, NoCause, false
}

// AzurePipelines judges an HTTP error status from the Azure Pipelines OIDC
// endpoint, which AzurePipelinesCredential asks for the federated token it
// presents as its client assertion.
func AzurePipelines(status int) (Verdict, Cause) {
	switch status {
	case 401, 403:
		return pipelineSource, AzurePipelinesAccessTokenInvalid
	case 404:
		return pipelineSource, AzurePipelinesServiceConnectionNotFound
	}
	if v, ok := Status(status); ok {
		return v, AzurePipelinesOIDCFailed
	}
	return pipelineSource, AzurePipelinesOIDCFailed
}

// Service judges an HTTP error status from an Azure service (not a token
// endpoint): the credential got a token, and the service did not accept the
// request. A 401 means the token does not fit the resource (audience, scope
// or tenant), or, with claimsChallenge (a WWW-Authenticate claims
// parameter), that the resource demands a fresh sign-in; a 403 means the
// identity lacks authorization (an RBAC role assignment) — an administrator
// must grant it, or the credential authenticated another identity than
// intended. Neither is retryable. 429 and 5xx are judged by Status; any other
// status is unknown.
func Service(status int, claimsChallenge bool) (Verdict, Cause) {
	switch {
	case status == 401 && claimsChallenge:
		return needsSignIn, ClaimsChallenge
	case status == 401:
		return verdict(AppConfiguration, FixAppConfiguration, false), ServiceUnauthorized
	case status == 403:
		return verdict(PolicyBlocked, ContactAdmin, false), ServiceForbidden
	}
	if v, ok := Status(status); ok {
		return v, ServiceError
	}
	return Verdict{}, ServiceError
}

// unusablePhrases are what MSAL Go and azidentity write when a success
// response holds no usable token.
var unusablePhrases = [...]string{
	"json decode error",                          // MSAL: a body it could not decode (the raw body follows!)
	"error parsing the json error",               // MSAL managed identity: the same
	"expires_in and expires_on are both missing", // MSAL: no expiry
	"response is missing access_token",           // MSAL: no token
}

// UnusableResponse judges the message of a client that got a success
// response without a usable token (cause NoToken): no access_token, no
// expiry, a body that is not JSON. The verdict is unknown / none, not
// retryable: the same request meets the same answer, and it is not known
// whether the token service or something in its place (a proxy, a wrong
// authority host) sent it. ok is false for other messages.
func UnusableResponse(message string) (v Verdict, c Cause, ok bool) {
	for _, p := range unusablePhrases {
		if strings.Contains(message, p) {
			return noToken, NoToken, true
		}
	}
	return Verdict{}, NoCause, false
}
