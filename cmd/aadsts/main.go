// Command aadsts explains Microsoft Entra ID (AADSTS) token errors.
//
// Usage:
//
//	aadsts explain 50076                   explain a code (AADSTS50076 works too)
//	aadsts explain - < error.txt           explain a pasted error: an azidentity or MSAL error,
//	                                       a raw JSON response body, or a log line
//	aadsts list [--category C] [--action A] [--retryable true|false]
//	aadsts version
//
// Every command takes --format text|markdown|json. Exit status: 0 found,
// 1 unknown code or nothing recognised, 2 usage error.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
