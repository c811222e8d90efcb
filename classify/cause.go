package classify

// Cause names the specific reason for a failure that never reached the token
// service — a missing tool, an unconfigured environment, an unreachable
// managed identity endpoint, a network fault — so that remediation can be
// precise. Failures the token service answered have no Cause (their AADSTS
// code says more). Causes print as the lower-case tokens below.
type Cause string

// The causes. The comment of each says what it means and which verdict the
// rules of this package give it.
const (
	// NoCause: nothing more specific is known, or the token service answered
	// (its code says more).
	NoCause Cause = ""

	// Developer tools (AzureCLICredential, AzureDeveloperCLICredential,
	// AzurePowerShellCredential). Verdict credential_unavailable /
	// configure_environment unless noted: a person installs or signs in to
	// the tool, which changes the machine's environment.

	// AzureCLINotInstalled: the Azure CLI (az) is not on the PATH of the
	// process.
	AzureCLINotInstalled Cause = "azure_cli_not_installed"
	// AzureCLINotLoggedIn: the Azure CLI has no signed-in account, or its
	// sign-in expired ("Please run 'az login'").
	AzureCLINotLoggedIn Cause = "azure_cli_not_logged_in"
	// AzureCLIInvalidSubscription: the Subscription option holds characters
	// unsafe on a command line; pass the subscription's ID instead of its
	// name. Verdict credential_unavailable / fix_request (a code change).
	AzureCLIInvalidSubscription Cause = "azure_cli_invalid_subscription"
	// AzureDeveloperCLINotInstalled: the Azure Developer CLI (azd) is not on
	// the PATH of the process.
	AzureDeveloperCLINotInstalled Cause = "azd_not_installed"
	// AzureDeveloperCLINotLoggedIn: azd has no signed-in account ("azd auth
	// login").
	AzureDeveloperCLINotLoggedIn Cause = "azd_not_logged_in"
	// PowerShellNotInstalled: PowerShell (pwsh) is not on the PATH of the
	// process.
	PowerShellNotInstalled Cause = "powershell_not_installed"
	// AzPowerShellModuleMissing: PowerShell runs but the Az.Accounts module
	// (2.2.0 or later) is not installed.
	AzPowerShellModuleMissing Cause = "az_powershell_module_missing"
	// AzurePowerShellNotLoggedIn: Azure PowerShell has no signed-in account
	// ("Connect-AzAccount").
	AzurePowerShellNotLoggedIn Cause = "azure_powershell_not_logged_in"
	// DeveloperToolFailed: a developer tool failed in a way no rule
	// recognizes.
	DeveloperToolFailed Cause = "developer_tool_failed"
	// ClaimsChallenge: a resource demanded claims (MFA, a Conditional Access
	// step-up) that the credential cannot satisfy by itself: a developer tool
	// must be signed in again with the claims, or an Azure service answered
	// 401 with a claims challenge. Verdict interaction_required /
	// reauthenticate.
	ClaimsChallenge Cause = "claims_challenge"

	// Configuration. Verdict credential_unavailable / configure_environment
	// unless noted.

	// EnvironmentNotConfigured: EnvironmentCredential found no complete set of
	// AZURE_* variables, or could not read the certificate they name.
	EnvironmentNotConfigured Cause = "environment_not_configured"
	// WorkloadIdentityNotConfigured: WorkloadIdentityCredential lacks its
	// client ID, tenant ID or token file, or the token file cannot be read.
	WorkloadIdentityNotConfigured Cause = "workload_identity_not_configured"
	// AzurePipelinesNotConfigured: AzurePipelinesCredential lacks
	// SYSTEM_OIDCREQUESTURI, its service connection ID or the system access
	// token: the code does not run in an Azure Pipelines job, or the task
	// does not pass them.
	AzurePipelinesNotConfigured Cause = "azure_pipelines_not_configured"
	// AzurePipelinesAccessTokenInvalid: the Azure Pipelines OIDC endpoint
	// answered 401 or 403: the System.AccessToken given to the credential is
	// missing, malformed or not allowed. Verdict client_credentials /
	// configure_environment (the assertion the credential needs cannot be
	// obtained).
	AzurePipelinesAccessTokenInvalid Cause = "azure_pipelines_access_token_invalid"
	// AzurePipelinesServiceConnectionNotFound: the Azure Pipelines OIDC
	// endpoint answered 404: no service connection has the given ID. Verdict
	// client_credentials / configure_environment.
	AzurePipelinesServiceConnectionNotFound Cause = "azure_pipelines_service_connection_not_found"
	// AzurePipelinesOIDCFailed: the Azure Pipelines OIDC endpoint failed
	// otherwise, or answered without an OIDC token. Verdict transient / retry
	// for 429 and 5xx, else client_credentials / configure_environment.
	AzurePipelinesOIDCFailed Cause = "azure_pipelines_oidc_failed"
	// TenantNotAllowed: the credential refused to request a token for a
	// tenant outside its TenantID and AdditionallyAllowedTenants (or
	// AZURE_ADDITIONALLY_ALLOWED_TENANTS).
	TenantNotAllowed Cause = "tenant_not_allowed"
	// AuthenticationRequired: an interactive credential was told not to
	// prompt by itself (DisableAutomaticAuthentication) and has no account:
	// call its Authenticate method. Verdict interaction_required /
	// reauthenticate.
	AuthenticationRequired Cause = "authentication_required"
	// NoCredentialAvailable: every credential of a ChainedTokenCredential or
	// DefaultAzureCredential was unavailable; each attempt has its own cause.
	NoCredentialAvailable Cause = "no_credential_available"

	// Managed identity (ManagedIdentityCredential and its endpoint, IMDS on
	// virtual machines).

	// ManagedIdentityUnavailable: no managed identity endpoint is usable
	// where the code runs (for example Docker Desktop's proxy answered in
	// place of IMDS). Verdict credential_unavailable / configure_environment.
	ManagedIdentityUnavailable Cause = "managed_identity_unavailable"
	// ManagedIdentityNotAssigned: the endpoint answered 400: the requested
	// identity (system-assigned, or the user-assigned ID given) is not
	// assigned to the resource. Verdict credential_unavailable /
	// configure_environment.
	ManagedIdentityNotAssigned Cause = "managed_identity_not_assigned"
	// ManagedIdentityForbidden: the endpoint answered 403 (IMDS refuses
	// requests that passed through a proxy). Verdict credential_unavailable /
	// configure_environment.
	ManagedIdentityForbidden Cause = "managed_identity_forbidden"
	// ManagedIdentityNotFound: the endpoint answered 404: the identity is
	// not (yet) available to it, as when a newly assigned identity or a pod
	// identity is not ready. Verdict transient / retry, retryable.
	ManagedIdentityNotFound Cause = "managed_identity_not_found"
	// ManagedIdentityUpdating: the endpoint answered 410 Gone, which IMDS
	// does while it is being updated (for up to 70 seconds). Verdict
	// transient / retry, retryable.
	ManagedIdentityUpdating Cause = "managed_identity_updating"
	// ManagedIdentityThrottled: the endpoint answered 429. Verdict throttled
	// / retry_after, retryable.
	ManagedIdentityThrottled Cause = "managed_identity_throttled"
	// ManagedIdentityServerError: the endpoint answered with a 5xx status
	// other than 502 and 504. Verdict as for that status (500 and 503:
	// transient / retry, retryable).
	ManagedIdentityServerError Cause = "managed_identity_server_error"
	// ManagedIdentityGateway: the request got 502 or 504, a gateway error:
	// IMDS does not support proxies or gateways, so one is in the way.
	// Verdict credential_unavailable / configure_environment, not retryable
	// (azidentity has already retried it).
	ManagedIdentityGateway Cause = "managed_identity_gateway"
	// ManagedIdentityBadResponse: the endpoint's answer was not JSON:
	// something other than the managed identity endpoint answered. Verdict
	// credential_unavailable / configure_environment.
	ManagedIdentityBadResponse Cause = "managed_identity_bad_response"
	// ManagedIdentityNoResponse: no response came from the managed identity
	// endpoint (connection failed, or the request timed out, after
	// azidentity's retries). Verdict credential_unavailable /
	// configure_environment: the host has no reachable endpoint.
	ManagedIdentityNoResponse Cause = "managed_identity_no_response"

	// NoToken: a success (2xx) response from which the client could not get
	// a token: no access_token or expiry, or a body that is not JSON (a
	// proxy's page, a wrong authority host). Verdict unknown / none, not
	// retryable: the same request meets the same answer, and who sent it
	// is not known.
	NoToken Cause = "no_token"

	// Azure service responses (not from a token endpoint): the token was
	// obtained, the service did not accept it.

	// ServiceUnauthorized: an Azure service answered 401: the token does not
	// fit the resource (wrong audience or scope, wrong tenant). Verdict
	// app_configuration / fix_app_configuration.
	ServiceUnauthorized Cause = "service_unauthorized"
	// ServiceForbidden: an Azure service answered 403: the identity is
	// authenticated but not authorized (no RBAC role assignment on the
	// resource, or a resource firewall or policy) — or the credential
	// authenticated another identity than intended. Verdict policy_blocked /
	// contact_admin.
	ServiceForbidden Cause = "service_forbidden"
	// ServiceError: an Azure service answered with another error status; it
	// is not a token failure. Verdict from the status (429 and 5xx:
	// throttled or transient), else unknown.
	ServiceError Cause = "service_error"

	// Network and cancellation: verdicts as classify.Err gives them.

	// DNSFailure: the host name could not be resolved.
	DNSFailure Cause = "dns_failure"
	// ConnectionFailure: the connection was refused, reset or unreachable.
	ConnectionFailure Cause = "connection_failure"
	// TLSFailure: the server's certificate could not be verified, or the
	// peer does not speak TLS.
	TLSFailure Cause = "tls_failure"
	// Timeout: the request or a deadline timed out.
	Timeout Cause = "timeout"
	// CallerCanceled: the caller canceled the context.
	CallerCanceled Cause = "caller_canceled"
)

// String returns the cause's token.
func (c Cause) String() string { return string(c) }

// Causes returns every defined cause except NoCause, in declaration order.
func Causes() []Cause {
	return []Cause{
		AzureCLINotInstalled, AzureCLINotLoggedIn, AzureCLIInvalidSubscription,
		AzureDeveloperCLINotInstalled, AzureDeveloperCLINotLoggedIn,
		PowerShellNotInstalled, AzPowerShellModuleMissing, AzurePowerShellNotLoggedIn,
		DeveloperToolFailed, ClaimsChallenge,
		EnvironmentNotConfigured, WorkloadIdentityNotConfigured, AzurePipelinesNotConfigured,
		AzurePipelinesAccessTokenInvalid, AzurePipelinesServiceConnectionNotFound, AzurePipelinesOIDCFailed,
		TenantNotAllowed, AuthenticationRequired, NoCredentialAvailable,
		ManagedIdentityUnavailable, ManagedIdentityNotAssigned, ManagedIdentityForbidden,
		ManagedIdentityNotFound, ManagedIdentityUpdating, ManagedIdentityThrottled,
		ManagedIdentityServerError, ManagedIdentityGateway, ManagedIdentityBadResponse,
		ManagedIdentityNoResponse,
		NoToken,
		ServiceUnauthorized, ServiceForbidden, ServiceError,
		DNSFailure, ConnectionFailure, TLSFailure, Timeout, CallerCanceled,
	}
}
