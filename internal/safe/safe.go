// Package safe decides which values read from a token response may be
// printed, logged or marshaled. A response is untrusted input: a proxy or a
// hostile server can put anything into any field, so fields are echoed only
// when they have the shape their meaning gives them.
package safe

// Token returns s if it looks like an OAuth error or suberror value
// (lower-case ASCII letters, digits, '_' and '-', at most 64 bytes), else "".
func Token(s string) string {
	return shaped(s, func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' })
}

// ID returns s if it looks like a trace or correlation id (hex digits and
// dashes, as a GUID, at most 64 bytes), else "".
func ID(s string) string {
	return shaped(s, func(c byte) bool {
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-'
	})
}

// Ident returns s if it is made of ASCII letters and digits (a credential
// type name such as ClientSecretCredential, at most 64 bytes), else "".
func Ident(s string) string {
	return shaped(s, func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' })
}

// shaped returns s if it is 1 to 64 bytes long and every byte passes ok,
// else "".
func shaped(s string, ok func(byte) bool) string {
	if len(s) == 0 || len(s) > 64 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return ""
		}
	}
	return s
}
