package remediate

import (
	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/classify"
)

// codeGuides hold the steps for codes that deserve more than their
// category's advice. Each is written from what the code means, adjusted to
// the credential that failed.
var codeGuides = map[aadsts.Code]func(b *builder){
	7000215: func(b *builder) { // wrong secret
		b.dev("The secret in use is not a valid secret of this app. It comes from " + b.secretSource() + ".")
		b.dev("Use the secret's Value — shown only once, when the secret is created — not its Secret ID, which is a GUID and is rejected the same way.")
		b.dev("Check that the secret belongs to this app registration (client ID " + b.client() + ") in tenant " + b.tenant() + ": a secret of another app, or of the same app in another tenant, fails identically.")
		b.adminCmd("If the value is lost, add a new secret (the command prints it once: store it straight in your secret store, never in a log) and deploy it.",
			"az ad app credential reset --id "+b.client()+" --append --display-name rotated-by-stsdiag --years 1")
	},
	7000222: func(b *builder) { // expired secret
		b.adminCmd("The app's secret expired. See which secrets exist and when each expires.",
			"az ad app credential list --id "+b.client()+" --query \"[].{id:keyId,name:displayName,end:endDateTime}\" -o table")
		b.adminCmd("Add a new secret (printed once: put it straight into your secret store), deploy it to "+b.secretSource()+", then delete the expired one.",
			"az ad app credential reset --id "+b.client()+" --append --display-name rotated-by-stsdiag --years 1")
		b.dev("To stop secrets expiring under you, move to a certificate (ClientCertificateCredential) or, better, a credential without a stored secret: managed identity on Azure, or workload identity federation (WorkloadIdentityCredential, ClientAssertionCredential) elsewhere. Until then, alert on secret expiry dates.")
	},
	700016: func(b *builder) { // app not found in tenant
		b.dev("Check the client ID (" + b.client() + ") and tenant (" + b.tenant() + ") the credential is built with: a typo, an app ID from another tenant or a test/production mix-up gives this error.")
		b.dev("Check that the authority host is the cloud the app is registered in (public, US Government, China): an app only exists in its own cloud.")
		b.addURL(Admin, "If the app is multi-tenant and registered elsewhere, add it to this tenant by granting admin consent (or run the command below as an admin).", b.adminConsentURL())
		b.adminCmd("Create the app's service principal in this tenant.", "az ad sp create --id "+b.client())
	},
	700027: func(b *builder) { // certificate signature invalid
		b.dev("The assertion was signed with a key whose certificate is not registered on the app. Check which certificate the credential loads (for EnvironmentCredential, AZURE_CLIENT_CERTIFICATE_PATH) and that its private key matches.")
		b.adminCmd("Compare the thumbprint of the certificate in use with those registered on the app.",
			"az ad app credential list --id "+b.client()+" --cert --query \"[].{thumbprint:customKeyIdentifier,end:endDateTime}\" -o table")
		b.adminCmd("Upload the certificate's public part (never the private key) to the app registration.",
			"az ad app credential reset --id "+b.client()+" --cert @<certificate.pem> --append")
	},
	700021: func(b *builder) { // assertion sub/iss mismatch
		b.dev("The client assertion names another application: its iss and sub claims must both equal the client ID (" + b.client() + ") sent with the request. Check how the assertion is built, or which token file the credential reads.")
	},
	700023: func(b *builder) { // assertion audience
		b.dev("The client assertion's aud claim must be this tenant's token endpoint (https://login.microsoftonline.com/" + b.tenant() + "/oauth2/v2.0/token for the public cloud); check the tenant and cloud used when the assertion is built.")
	},
	700024: func(b *builder) { // assertion not in its valid time range
		b.dev("The client assertion is expired or not yet valid. Build a fresh assertion for each token request (ClientAssertionCredential calls your callback each time: do not cache its result), and check the clock of the machine that signs it.")
		b.dev("With workload identity, the projected token file is refreshed by the platform: read it on every request instead of once at start-up.")
	},
	50027: func(b *builder) { // malformed JWT
		b.dev("The token or assertion sent is not a well-formed JWT (three base64url parts, valid header and claims). Check what the assertion callback or token file returns; an empty file or a token with a trailing newline is a common cause.")
	},
	700211: federatedSteps,
	700212: federatedSteps,
	700213: federatedSteps,
	70021:  federatedSteps,
	50076:  mfaSteps,
	50079:  mfaSteps,
	50074:  mfaSteps,
	50158:  mfaSteps,
	53003: func(b *builder) { // blocked by Conditional Access
		if b.isAppOnly() {
			b.admin("The blocked sign-in is the application's own: Conditional Access for workload identities applies to service principals. Check the policies that target this app's service principal, and the network location it signs in from.")
		} else {
			b.user("Sign in from a device and network your organisation trusts (a managed or compliant device, the office network or VPN), with an app it allows.")
		}
		b.admin("Open the failed sign-in's Conditional Access tab: it lists each policy, whether it applied, and which grant control failed. Decide whether the policy should apply to this identity, app, device and location.")
		b.dev("Nothing in the request can satisfy this policy; surface the error to an administrator with the correlation ID and timestamp rather than retrying.")
	},
	53000: deviceComplianceSteps,
	53001: deviceComplianceSteps,
	65001: func(b *builder) { // consent missing
		b.consentSteps()
	},
	65004: func(b *builder) { // user declined consent
		b.user("You declined the permissions the app asked for. Sign in again and accept them, or ask your administrator to grant them for everyone.")
		b.addURL(Admin, "Grant admin consent if the organisation approves the permissions.", b.adminConsentURL())
	},
	700082: grantExpiredSteps(" — the refresh token expired after a long period without use"),
	50173:  grantExpiredSteps(" — the grant was revoked (password change, session revocation or a policy change)"),
	70008:  grantExpiredSteps(" — the refresh token or authorization code expired"),
	70043:  grantExpiredSteps(" — a sign-in frequency policy ended the session"),
	50133:  grantExpiredSteps(" — the session became invalid after a password change or expiry"),
	54005: func(b *builder) { // code already redeemed
		b.dev("An authorization code can be redeemed once. Find the second redemption — a retried request, two handlers for one redirect, or a page reload — and redeem each code exactly once; keep the tokens the first redemption returned.")
	},
	70011: func(b *builder) { // invalid scope
		b.dev("Check the scope string: for app-only tokens (client credentials, managed identity) request exactly one resource with the /.default suffix, such as https://management.azure.com/.default; delegated scopes must be the resource URI followed by a permission the resource defines.")
		b.dev("Do not mix scopes of different resources in one request, and do not combine /.default with individual permissions.")
	},
	900144: func(b *builder) { // missing body parameter
		b.dev("The token request lacks a required parameter. With MSAL or azidentity this points at an empty option (client ID, scope, assertion) or at a proxy or middleware that altered the request body; with hand-built requests, compare the form with the grant's specification.")
	},
	90002: tenantSteps,
	900023: func(b *builder) {
		tenantSteps(b)
		if b.cred == "AzurePipelinesCredential" {
			b.dev("For AzurePipelinesCredential the tenant must be the one holding the service connection's identity (its managed identity or app registration).")
		}
	},
	50059: func(b *builder) {
		b.dev("The request went to /common or /organizations and nothing in it identified the tenant. Use a tenant-specific authority (the tenant ID or a verified domain) for this flow.")
	},
	50011: func(b *builder) { // redirect URI mismatch
		b.dev("Register the exact redirect URI the app sends (scheme, host, port, path and trailing slash must match). InteractiveBrowserCredential uses http://localhost; a broker on Windows needs ms-appx-web://Microsoft.AAD.BrokerPlugin/" + b.client() + ".")
		b.admin("In the app registration, Authentication > Platform configurations: add the redirect URI under the platform type the app uses (web, SPA, mobile and desktop).")
	},
	50020: func(b *builder) { // user from another tenant
		b.user("Sign in with an account of the tenant the app uses, or ask its administrator to invite your account as a guest.")
		b.dev("If the app should accept accounts from other organisations, register it as multi-tenant and use the /organizations or /common authority; otherwise use the tenant-specific authority so the sign-in page explains which accounts work.")
	},
	50034: func(b *builder) {
		b.user("Check the user name for typos and that it is the account of this organisation.")
		b.admin("Confirm the account exists in the tenant (or as a guest) and that the app signs in against the right tenant.")
	},
	50126: func(b *builder) {
		b.user("Enter the password again, carefully; if you forgot it, reset it through self-service password reset.")
		b.admin("If the account is federated or uses pass-through authentication, the password is checked on-premises: make sure the on-premises account is healthy. Repeated failures lead to a lockout (AADSTS50053).")
	},
	50053: func(b *builder) {
		b.user("Stop retrying: each attempt with a wrong password prolongs the lockout. Wait for it to end, or reset your password through self-service password reset.")
		b.admin("If the lockout comes from attempts the user did not make, treat it as a possible attack: review the sign-in logs for the source IP addresses, and consider smart lockout thresholds and blocking the source.")
		b.dev("If an unattended job signs in with a user's password, it may be the source of the failed attempts: stop it and move it to a managed identity or service principal.")
	},
	50055: func(b *builder) {
		b.user("Your password expired: change it through the self-service portal or your usual password-change path, then sign in again.")
		b.dev("An unattended job that signs in as a user breaks at every password expiry; move it to a managed identity or a service principal.")
	},
	50057: func(b *builder) {
		b.admin("The account is disabled. Enable it if that was not intended; otherwise update whatever still signs in with it.")
	},
	50196: func(b *builder) { // loop detected
		b.dev("The client asked for the same token many times in a short period. Reuse one credential or MSAL client for the life of the process so its cache answers repeat requests, request tokens only when needed, and make sure a failed request does not trigger an immediate retry loop.")
	},
	500011: func(b *builder) { // resource principal not found
		b.dev("The resource in the scope is not known in this tenant. Check the resource URI or app ID URI in the scope for typos and the right cloud.")
		b.admin("If the resource is an application of another organisation, add it to this tenant (admin consent or az ad sp create --id <resource-app-id>).")
	},
	50058: func(b *builder) {
		b.reauthenticateSteps(" — a silent request found no signed-in session")
	},
	7000112: func(b *builder) {
		b.admin("The application is disabled in this tenant (its service principal has sign-in disabled). Enable it under Enterprise applications > Properties, if it should be used.")
	},
	7000218: func(b *builder) {
		b.dev("The request carries no client secret or assertion, so the app is treated as a public client. Either send the app's credential, or, if the app really is a public client (desktop, mobile, device code), allow public client flows in the app registration.")
	},
	90033: transientSteps,
	90006: transientSteps,
	50033: transientSteps,
}

func mfaSteps(b *builder) {
	b.reauthenticateSteps(" and complete multifactor authentication")
	b.user("Approve the MFA prompt promptly: a challenge left unanswered expires. If prompts do not arrive, check the phone's connectivity and clock, or switch to a code from the authenticator app.")
	b.admin("If the user has no usable MFA method, help them register one; check which policy requires MFA in the sign-in's Conditional Access tab.")
	if b.isAppOnly() {
		b.dev("An app-only credential received an MFA requirement: this usually means a user-targeted policy or a user password flow is involved; service principals cannot perform MFA.")
	}
}

func deviceComplianceSteps(b *builder) {
	b.user("Sign in from a device your organisation manages and marks compliant (or domain joined), or enrol this device through the company portal.")
	b.admin("Check the device's state in Intune / Entra devices and which Conditional Access policy requires it.")
}

func federatedSteps(b *builder) {
	b.dev("The federated credential on the app registration must match the presented token exactly: issuer (the token's iss), subject (its sub) and audience (normally api://AzureADTokenExchange). Compare them with the token the workload presents.")
	b.adminCmd("List the app's federated credentials.", "az ad app federated-credential list --id "+b.client()+" -o table")
	if b.cred == "WorkloadIdentityCredential" {
		b.dev("On AKS, the subject is system:serviceaccount:<namespace>:<service-account>; check the pod runs under that service account and the cluster's OIDC issuer URL is the one registered.")
	}
}

func grantExpiredSteps(why string) func(b *builder) {
	return func(b *builder) {
		b.reauthenticateSteps(why)
		if !b.isDeveloperTool() { // the tool's own login holds the grant; nothing in the app to change
			b.dev("Treat this as a signal to sign the user in again, not as a fault: fall back from silent or refresh-token acquisition to interactive sign-in, and do not retry the old grant.")
		}
	}
}

func tenantSteps(b *builder) {
	b.dev("Check the tenant in the authority: it must be the directory's ID (a GUID) or one of its verified domains, with no extra characters, and from the same cloud as the authority host.")
	b.devCmd("Find the tenant ID of the account you are signed in with.", "az account show --query tenantId -o tsv")
}

func transientSteps(b *builder) {
	b.dev("Nothing in the request is wrong: the service or one of its dependencies failed for a moment. Retry with exponential backoff.")
	b.dev("If it keeps failing for more than a few minutes, check the Azure status page and open a support case quoting the trace ID, correlation ID and timestamp.")
}

// causeSummary gives a one-line summary per cause.
var causeSummary = map[classify.Cause]string{
	classify.AzureCLINotInstalled:                    "AzureCLICredential could not find the Azure CLI (az) on the process's PATH",
	classify.AzureCLINotLoggedIn:                     "The Azure CLI is installed but has no signed-in account, or its sign-in expired",
	classify.AzureDeveloperCLINotInstalled:           "AzureDeveloperCLICredential could not find the Azure Developer CLI (azd) on the PATH",
	classify.AzureDeveloperCLINotLoggedIn:            "The Azure Developer CLI has no signed-in account, or its sign-in expired",
	classify.PowerShellNotInstalled:                  "AzurePowerShellCredential could not find PowerShell (pwsh) on the PATH",
	classify.AzPowerShellModuleMissing:               "PowerShell is installed but the Az.Accounts module is missing",
	classify.AzurePowerShellNotLoggedIn:              "Azure PowerShell has no signed-in account",
	classify.DeveloperToolFailed:                     "The developer tool the credential runs failed without a known reason",
	classify.EnvironmentNotConfigured:                "EnvironmentCredential found no complete set of AZURE_* environment variables",
	classify.WorkloadIdentityNotConfigured:           "WorkloadIdentityCredential lacks its client ID, tenant ID or token file",
	classify.AzurePipelinesNotConfigured:             "AzurePipelinesCredential is not running inside an Azure Pipelines job, or lacks its settings",
	classify.TenantNotAllowed:                        "The credential is not allowed to request tokens for the tenant the resource asked for",
	classify.AuthenticationRequired:                  "The interactive credential needs its Authenticate method called before it can issue tokens",
	classify.AzureCLIInvalidSubscription:             "The subscription given to the Azure CLI credential contains characters that are unsafe on a command line",
	classify.ClaimsChallenge:                         "The resource demands a fresh sign-in that satisfies a claims challenge (for example MFA)",
	classify.AzurePipelinesAccessTokenInvalid:        "The Azure Pipelines OIDC endpoint rejected the job's System.AccessToken",
	classify.AzurePipelinesServiceConnectionNotFound: "The Azure Pipelines service connection ID given to the credential does not exist",
	classify.AzurePipelinesOIDCFailed:                "Azure Pipelines could not issue the federated token the credential presents",
	classify.NoCredentialAvailable:                   "No credential in the chain could try: none is configured for this environment",
	classify.ManagedIdentityUpdating:                 "The managed identity endpoint is being updated and asked the client to come back later",
	classify.ServiceUnauthorized:                     "The Azure service did not accept the token: wrong audience, scope or tenant",
	classify.ServiceForbidden:                        "The identity got a token but lacks permission (a role assignment) on the resource",
	classify.ServiceError:                            "The Azure service failed after authentication succeeded",
	classify.ManagedIdentityUnavailable:              "No managed identity endpoint is available where the code runs",
	classify.ManagedIdentityNotAssigned:              "The requested managed identity is not assigned to this Azure resource",
	classify.ManagedIdentityForbidden:                "The managed identity endpoint refused the request",
	classify.ManagedIdentityNotFound:                 "The managed identity endpoint answered not found or gone",
	classify.ManagedIdentityThrottled:                "The managed identity endpoint is throttling this resource",
	classify.ManagedIdentityServerError:              "The managed identity endpoint failed temporarily",
	classify.ManagedIdentityGateway:                  "A proxy or gateway between the code and the managed identity endpoint failed the request",
	classify.ManagedIdentityBadResponse:              "Something other than the managed identity endpoint answered, or its answer was unreadable",
	classify.ManagedIdentityNoResponse:               "The managed identity endpoint did not answer",
	classify.NoToken:                                 "The token endpoint answered with success but without a usable token",
	classify.DNSFailure:                              "The authority host name could not be resolved",
	classify.ConnectionFailure:                       "The connection to the token service failed",
	classify.TLSFailure:                              "The TLS connection to the token service could not be verified",
	classify.Timeout:                                 "The token request timed out",
	classify.CallerCanceled:                          "The caller canceled the token request",
}

const imdsCheck = `curl -s -o /dev/null -w "%{http_code}\n" -H Metadata:true "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/"`

// causeGuides hold the steps per cause of a failure that never reached the
// token service.
var causeGuides = map[classify.Cause]func(b *builder){
	classify.AzureCLINotInstalled: func(b *builder) {
		b.dev("Install the Azure CLI, or put its directory on the PATH of the process (services and IDE launchers often run with a shorter PATH than your shell).")
		b.devCmd("Check what the process would find.", "command -v az && az version")
		b.dev("If this code runs on Azure, it should not depend on a developer tool: use ManagedIdentityCredential (or let DefaultAzureCredential reach it).")
	},
	classify.AzureCLINotLoggedIn: func(b *builder) {
		_, cmd := (&builder{o: b.o, cred: "AzureCLICredential", st: b.st}).loginCommand()
		b.userCmd("Sign in to the Azure CLI as the account the code should use.", cmd)
		b.userCmd("Check that it can issue a token, without printing the token.", `az account get-access-token --resource https://management.azure.com/ --query expiresOn -o tsv`)
		b.dev("The credential runs az as the process's user: a CLI login of another OS user (for example root versus your account, or a service account) is not visible to it.")
	},
	classify.AzureDeveloperCLINotInstalled: func(b *builder) {
		b.dev("Install the Azure Developer CLI, or put azd on the PATH of the process.")
		b.devCmd("Check what the process would find.", "command -v azd && azd version")
	},
	classify.AzureDeveloperCLINotLoggedIn: func(b *builder) {
		_, cmd := (&builder{o: b.o, cred: "AzureDeveloperCLICredential", st: b.st}).loginCommand()
		b.userCmd("Sign in to the Azure Developer CLI.", cmd)
		b.userCmd("Check the login.", "azd auth status")
	},
	classify.PowerShellNotInstalled: func(b *builder) {
		b.dev("Install PowerShell 7 (pwsh) and put it on the PATH of the process, or use another credential.")
	},
	classify.AzPowerShellModuleMissing: func(b *builder) {
		b.userCmd("Install the Az.Accounts module for the user the code runs as.", `pwsh -Command "Install-Module Az.Accounts -Scope CurrentUser -Repository PSGallery -Force"`)
	},
	classify.AzurePowerShellNotLoggedIn: func(b *builder) {
		b.userCmd("Sign in to Azure PowerShell.", `pwsh -Command "Connect-AzAccount -Tenant `+b.tenant()+`"`)
		b.userCmd("Check the signed-in context.", `pwsh -Command "Get-AzContext"`)
	},
	classify.DeveloperToolFailed: func(b *builder) {
		b.dev("Run the tool's token command by hand as the same OS user to see its full message (az account get-access-token, azd auth token, or Get-AzAccessToken), without sharing the token it prints.")
	},
	classify.EnvironmentNotConfigured: func(b *builder) {
		b.dev("Set AZURE_TENANT_ID and AZURE_CLIENT_ID, plus one way to authenticate: AZURE_CLIENT_SECRET; or AZURE_CLIENT_CERTIFICATE_PATH (and AZURE_CLIENT_CERTIFICATE_PASSWORD if the file is protected); or AZURE_USERNAME and AZURE_PASSWORD.")
		b.dev("Set them in the environment of the process before it starts (service unit, container spec, app settings): variables exported in another shell do not reach it.")
		b.dev("If this environment is not meant to use a service principal, the failure is expected and DefaultAzureCredential moves on; look at the credential after it in the chain.")
	},
	classify.WorkloadIdentityNotConfigured: func(b *builder) {
		b.dev("WorkloadIdentityCredential needs a client ID, a tenant ID and a token file: from WorkloadIdentityCredentialOptions, or from AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE.")
		b.dev("On AKS these variables are injected by the workload identity webhook: the pod needs the label azure.workload.identity/use: \"true\" and a service account annotated with azure.workload.identity/client-id.")
		b.devCmd("Check what the pod received.", `kubectl exec <pod> -- sh -c 'echo $AZURE_CLIENT_ID $AZURE_TENANT_ID $AZURE_FEDERATED_TOKEN_FILE'`)
	},
	classify.AzurePipelinesNotConfigured: func(b *builder) {
		b.dev("AzurePipelinesCredential works only inside an Azure Pipelines job with a service connection: it needs the service connection ID, the System.AccessToken variable mapped into the task, and SYSTEM_OIDCREQUESTURI set by the agent.")
	},
	classify.TenantNotAllowed: func(b *builder) {
		b.dev("The resource asked for a token from another tenant. If the app should work there, list that tenant in the credential's AdditionallyAllowedTenants option (or AZURE_ADDITIONALLY_ALLOWED_TENANTS); \"*\" allows any tenant.")
	},
	classify.AuthenticationRequired: func(b *builder) {
		b.dev("The credential was created with DisableAutomaticAuthentication: call its Authenticate method (passing the TokenRequestOptions from azidentity.AuthenticationRequiredError) when the user is ready to sign in, then retry.")
	},
	classify.ManagedIdentityUnavailable: func(b *builder) {
		b.dev("The code is not running on an Azure host with managed identity (VM, App Service, Functions, Container Apps, AKS, Arc), or that host has none enabled. On a developer machine, use a developer tool credential instead.")
		b.adminCmd("Enable a system-assigned identity on a VM.", "az vm identity assign --resource-group <resource-group> --name <vm-name>")
	},
	classify.ManagedIdentityNotAssigned: func(b *builder) {
		b.dev("For a user-assigned identity, check the ID given to the credential (ManagedIdentityCredentialOptions.ID: azidentity.ClientID, ObjectID or ResourceID) — or AZURE_CLIENT_ID, which DefaultAzureCredential uses.")
		b.adminCmd("See which identities the VM has.", "az vm identity show --resource-group <resource-group> --name <vm-name>")
		b.adminCmd("For a system-assigned identity, enable it on the VM.", "az vm identity assign --resource-group <resource-group> --name <vm-name>")
		b.adminCmd("Assign the user-assigned identity to the VM.", "az vm identity assign --resource-group <resource-group> --name <vm-name> --identities <identity-resource-id>")
	},
	classify.ManagedIdentityForbidden: func(b *builder) {
		b.dev("The endpoint refused the request. Requests to IMDS must come from the VM itself, carry the Metadata: true header and not pass through a proxy; set NO_PROXY=169.254.169.254 if a proxy is configured.")
	},
	classify.ManagedIdentityNotFound: func(b *builder) {
		b.dev("IMDS answers 404 or 410 while it is being updated or before the identity is ready (shortly after a VM starts or an identity is assigned). Retry with backoff for up to about 70 seconds; if it persists, check the identity assignment.")
	},
	classify.ManagedIdentityThrottled: func(b *builder) {
		b.dev("Too many token requests from this resource. Reuse one credential for the process so its cache serves repeat requests, and back off on 429.")
	},
	classify.ManagedIdentityServerError: func(b *builder) {
		b.dev("The managed identity endpoint failed for a moment; retry with backoff. If it persists, check the host's health in the Azure portal.")
	},
	classify.ManagedIdentityGateway: func(b *builder) {
		b.dev("A proxy or gateway answered for IMDS. IMDS must be reached directly: exclude 169.254.169.254 from the proxy (NO_PROXY) and check for a local firewall or sidecar intercepting it.")
		b.devCmd("Check IMDS directly from the host, printing only the status code (the body holds a token).", imdsCheck)
	},
	classify.ManagedIdentityBadResponse: func(b *builder) {
		b.dev("The answer was not IMDS's JSON: usually a proxy, captive portal or sidecar answered instead. Exclude 169.254.169.254 from proxies (NO_PROXY).")
		b.devCmd("Check IMDS directly from the host, printing only the status code (the body holds a token).", imdsCheck)
	},
	classify.ManagedIdentityNoResponse: func(b *builder) {
		b.dev("Nothing answered at the managed identity endpoint in time: the code runs outside Azure, the host has no identity enabled, or a firewall blocks 169.254.169.254.")
		b.devCmd("Check IMDS from the host, printing only the status code (the body holds a token).", imdsCheck)
		b.dev("DefaultAzureCredential gives its first managed identity attempt a short timeout; in production, if the host is slow to provide the identity, use ManagedIdentityCredential directly.")
	},
	classify.NoToken: func(b *builder) {
		b.dev("The response claimed success but held no usable token; something between the client and the token service (a proxy, a TLS-inspecting gateway, a mock) may have rewritten it. Check the proxy settings; do not log the response body, which may contain tokens.")
	},
	classify.DNSFailure: func(b *builder) {
		b.dev("Check the authority host the credential uses (ClientOptions.Cloud or AZURE_AUTHORITY_HOST) for typos and the right cloud, and that the machine's DNS resolves it.")
		b.devCmd("Resolve the public cloud's authority host.", "nslookup login.microsoftonline.com")
	},
	classify.ConnectionFailure: func(b *builder) {
		b.dev("Check that the process can open HTTPS connections to the authority host: firewall rules, network security groups, and proxy settings (HTTPS_PROXY, NO_PROXY).")
		b.devCmd("Test the connection from the same machine.", `curl -sS -o /dev/null -w "%{http_code}\n" https://login.microsoftonline.com/common/discovery/instance?api-version=1.1`)
	},
	classify.TLSFailure: func(b *builder) {
		b.dev("The server's certificate was not trusted. A TLS-inspecting proxy is the usual cause: add its CA certificate to the system trust store (or point SSL_CERT_FILE at a bundle that includes it). Never disable certificate verification.")
	},
	classify.Timeout: func(b *builder) {
		b.dev("The request took longer than its deadline. Check network latency and proxies, and give the token request enough time (MSAL allows 30 s when the context has no deadline).")
	},
	classify.AzureCLIInvalidSubscription: func(b *builder) {
		b.devCmd("Pass the subscription's ID instead of its name (AzureCLICredentialOptions.Subscription). Look it up with:", `az account show --name "<subscription name>" --query id -o tsv`)
	},
	classify.ClaimsChallenge: func(b *builder) {
		if tool, cmd := b.loginCommand(); cmd != "" {
			b.userCmd("Sign in to the "+tool+" again with the claims challenge; the error message prints the exact command to run, and this is its shape.", cmd)
		} else {
			b.dev("Pass the claims challenge to an interactive sign-in (azidentity: TokenRequestOptions.Claims; MSAL: WithClaims), then retry the call that was refused.")
		}
		b.user("Complete every prompt of the sign-in, MFA included.")
	},
	classify.AzurePipelinesAccessTokenInvalid: func(b *builder) {
		b.dev("Map the job's System.AccessToken into the task's environment (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)) and pass that value to NewAzurePipelinesCredential; a token from another pipeline or an expired job does not work.")
	},
	classify.AzurePipelinesServiceConnectionNotFound: func(b *builder) {
		b.dev("Check the service connection ID passed to NewAzurePipelinesCredential: it is the resourceId in the service connection's URL in Azure DevOps, and the pipeline must be allowed to use that connection.")
	},
	classify.AzurePipelinesOIDCFailed: func(b *builder) {
		b.dev("Azure Pipelines could not issue the federated token. Check that the service connection uses workload identity federation, that the pipeline is authorised to use it, and read the message the OIDC endpoint returned in a debug run.")
	},
	classify.NoCredentialAvailable: func(b *builder) {
		b.dev("Every credential in the chain reported itself unavailable: configure at least one for this environment — a managed identity on Azure, AZURE_* variables for a service principal, workload identity on Kubernetes, or a developer tool login on a workstation. The attempts below say what each one lacked.")
		b.dev("Set AZURE_TOKEN_CREDENTIALS (for example \"prod\" or \"dev\", or one credential's name) to make DefaultAzureCredential try only what fits the environment.")
	},
	classify.ManagedIdentityUpdating: func(b *builder) {
		b.dev("IMDS answers 410 while it is being updated; retry with backoff for up to about 70 seconds. azidentity already retries this; if it still fails, check the VM's health.")
	},
	classify.ServiceUnauthorized: func(b *builder) {
		b.dev("The token was issued but the service refused it. Check that the scope names this service's resource (for example https://vault.azure.net/.default for Key Vault), and that the token's tenant is the one the resource lives in.")
	},
	classify.ServiceForbidden: func(b *builder) {
		b.dev("Authentication worked; authorization did not. With DefaultAzureCredential, first check which identity signed in: on a workstation it may be your CLI login rather than the managed identity or service principal you expected.")
		b.adminCmd("List the identity's role assignments.", "az role assignment list --assignee <principal-or-client-id> --all -o table")
		b.adminCmd("Grant the role the operation needs on the resource (least privilege).", `az role assignment create --assignee <principal-or-client-id> --role "<role name>" --scope <resource-id>`)
		b.dev("New role assignments can take a few minutes to take effect.")
	},
	classify.ServiceError: func(b *builder) {
		b.dev("The service failed after authentication succeeded: this is not a token problem. Follow the service's own guidance; retry transient statuses with backoff.")
	},
	classify.CallerCanceled: func(b *builder) {
		b.dev("Nothing failed on the service side: the context passed to GetToken was canceled. Check why (shutdown, client disconnect, a parent deadline).")
	},
}

// causeLinks are references per cause.
var causeLinks = map[classify.Cause][]Link{
	classify.AzureCLINotInstalled:          {{"Install the Azure CLI", "https://learn.microsoft.com/cli/azure/install-azure-cli"}},
	classify.AzureCLINotLoggedIn:           {{"Sign in with the Azure CLI", "https://learn.microsoft.com/cli/azure/authenticate-azure-cli"}},
	classify.AzureDeveloperCLINotInstalled: {{"Install the Azure Developer CLI", "https://learn.microsoft.com/azure/developer/azure-developer-cli/install-azd"}},
	classify.PowerShellNotInstalled:        {{"Install PowerShell", "https://learn.microsoft.com/powershell/scripting/install/installing-powershell"}},
	classify.AzPowerShellModuleMissing:     {{"Install Azure PowerShell", "https://learn.microsoft.com/powershell/azure/install-azure-powershell"}},
	classify.EnvironmentNotConfigured:      {{"EnvironmentCredential variables", "https://pkg.go.dev/github.com/Azure/azure-sdk-for-go/sdk/azidentity#EnvironmentCredential"}},
	classify.WorkloadIdentityNotConfigured: {{"Workload identity on AKS", "https://learn.microsoft.com/azure/aks/workload-identity-overview"}},
	classify.ManagedIdentityUnavailable:    {{"Configure managed identity on a VM", "https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/qs-configure-portal-windows-vm"}, {"Managed identity in App Service and Functions", "https://learn.microsoft.com/azure/app-service/overview-managed-identity"}},
	classify.ManagedIdentityNotAssigned:    {{"Configure managed identity on a VM", "https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/qs-configure-portal-windows-vm"}},
	classify.ManagedIdentityNoResponse:     {{"Configure managed identity on a VM", "https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/qs-configure-portal-windows-vm"}},
}
