package classify

// Cause names the specific reason for a failure that never reached the token
// service — a missing tool, an unconfigured environment, an unreachable
// managed identity endpoint, a network fault — so that remediation can be
// precise. Failures the token service answered have no Cause (their AADSTS
// code says more). Causes print as the lower-case tokens below.
type Cause string

// The causes.
const (
	NoCause Cause = ""

	// Developer tools.
	AzureCLINotInstalled          Cause = "azure_cli_not_installed"
	AzureCLINotLoggedIn           Cause = "azure_cli_not_logged_in"
	AzureDeveloperCLINotInstalled Cause = "azd_not_installed"
	AzureDeveloperCLINotLoggedIn  Cause = "azd_not_logged_in"
	PowerShellNotInstalled        Cause = "powershell_not_installed"
	AzPowerShellModuleMissing     Cause = "az_powershell_module_missing"
	AzurePowerShellNotLoggedIn    Cause = "azure_powershell_not_logged_in"
	DeveloperToolFailed           Cause = "developer_tool_failed"

	// Configuration.
	EnvironmentNotConfigured      Cause = "environment_not_configured"
	WorkloadIdentityNotConfigured Cause = "workload_identity_not_configured"
	AzurePipelinesNotConfigured   Cause = "azure_pipelines_not_configured"
	TenantNotAllowed              Cause = "tenant_not_allowed"
	AuthenticationRequired        Cause = "authentication_required"

	// Managed identity.
	ManagedIdentityUnavailable Cause = "managed_identity_unavailable"
	ManagedIdentityNotAssigned Cause = "managed_identity_not_assigned"
	ManagedIdentityForbidden   Cause = "managed_identity_forbidden"
	ManagedIdentityNotFound    Cause = "managed_identity_not_found"
	ManagedIdentityThrottled   Cause = "managed_identity_throttled"
	ManagedIdentityServerError Cause = "managed_identity_server_error"
	ManagedIdentityGateway     Cause = "managed_identity_gateway"
	ManagedIdentityBadResponse Cause = "managed_identity_bad_response"
	ManagedIdentityNoResponse  Cause = "managed_identity_no_response"

	// A 200 response without a usable token.
	NoToken Cause = "no_token"

	// Network and cancellation.
	DNSFailure        Cause = "dns_failure"
	ConnectionFailure Cause = "connection_failure"
	TLSFailure        Cause = "tls_failure"
	Timeout           Cause = "timeout"
	CallerCanceled    Cause = "caller_canceled"
)

// String returns the cause's token.
func (c Cause) String() string { return string(c) }
