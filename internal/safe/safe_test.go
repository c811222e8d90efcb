package safe

import (
	"strings"
	"testing"
)

func TestEcho(t *testing.T) {
	tests := []struct {
		f    func(string) string
		name string
		in   string
		want string
	}{
		{Token, "token", "invalid_grant", "invalid_grant"},
		{Token, "token upper", "Invalid_Grant", ""},
		{Token, "token e-mail", "bob@contoso.com", ""},
		{Token, "token long", strings.Repeat("a", 65), ""},
		{ID, "guid", "0000aaaa-11bb-cccc-dd22-eeeeee333333", "0000aaaa-11bb-cccc-dd22-eeeeee333333"},
		{ID, "id with text", "trace for bob", ""},
		{ID, "id html", "<b>1</b>", ""},
		{Ident, "credential", "ClientSecretCredential", "ClientSecretCredential"},
		{Ident, "credential with space", "Client Secret", ""},
		{Ident, "empty", "", ""},
		{Ident, "utf-8", "Crédential", ""},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%s: %q -> %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
