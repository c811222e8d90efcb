package remediate_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stsdiag/stsdiag/aadsts/aadststest"
	"github.com/stsdiag/stsdiag/internal/realclients"
	"github.com/stsdiag/stsdiag/remediate"
)

// TestCanaries drives every real client with canary secrets into failures
// whose responses name a user, and a success response whose broken JSON
// carries a canary access token, and checks that no rendering of the
// remediation repeats a secret or the personal data.
func TestCanaries(t *testing.T) {
	secrets := realclients.Secrets{
		ClientSecret: "CANARY-client-secret-7f3a",
		Assertion:    "CANARY.assertion.9b1c",
		Password:     "CANARY-password-44d0",
	}
	const tokenCanary = "CANARY-access-token-e5e5"
	const person = "carol.canary@contoso.com"
	canaries := []string{secrets.ClientSecret, secrets.Assertion, secrets.Password, tokenCanary, person, "carol"}

	withPerson := aadststest.ForCode(50126)
	withPerson.Message = "Invalid username or password for " + person + "."
	brokenSuccess := aadststest.Raw(200, "application/json", []byte(`{"token_type":"Bearer","access_token":"`+tokenCanary+`","expires_in":`))
	replies := map[string]aadststest.Reply{"50126 naming a user": withPerson, "broken 200": brokenSuccess, "53003": aadststest.ForCode(53003)}

	srv := aadststest.NewServer()
	defer srv.Close()
	clients, err := realclients.All(srv, secrets)
	if err != nil {
		t.Fatal(err)
	}
	tokenInError := 0 // proves the broken-200 case puts the canary within reach
	for name, reply := range replies {
		for _, c := range clients {
			t.Run(name+"/"+c.Name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				if err := c.Script(ctx, srv, reply); err != nil {
					t.Fatal(err)
				}
				err := c.Acquire(ctx)
				if err == nil {
					t.Fatal("no error")
				}
				if strings.Contains(err.Error(), tokenCanary) {
					tokenInError++
				}
				r := remediate.Options{TenantID: "contoso.onmicrosoft.com", ClientID: aadststest.ClientID}.For(err)
				for format, out := range map[string]string{"text": r.Text(), "markdown": r.Markdown(), "json": r.JSON()} {
					for _, canary := range canaries {
						if strings.Contains(out, canary) {
							t.Errorf("%s rendering contains %q:\n%s", format, canary, out)
						}
					}
				}
			})
		}
	}
	if tokenInError == 0 {
		t.Error("no client's error carried the access-token canary; the broken-200 case tests nothing")
	}
	t.Logf("%d client errors carried the access-token canary in their text", tokenInError)
}
