package aadsts

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxBody is the most of a response body that Parse reads. A token error
// response is about a kilobyte; anything past this bound is ignored, so a
// huge or endless body costs bounded time and memory.
const MaxBody = 64 << 10

// Parse reads a token endpoint response: its HTTP status, its headers and its
// body. It always returns an STSError holding what could be learned; it never
// fails and never panics. The body is normally Entra's JSON error object, but
// may be empty, HTML from a proxy, truncated or huge: Parse reads at most
// MaxBody bytes, takes the fields of a JSON object it can read (a truncated
// one up to where it breaks off), and otherwise looks for an AADSTS code and
// the Trace ID, Correlation ID and Timestamp lines in the text.
//
// Headers supply what the body lacks: x-ms-request-id as the trace id,
// client-request-id as the correlation id, and Retry-After (seconds or an
// HTTP date), retry-after-ms or x-ms-retry-after-ms as RetryAfter.
//
// Parse does not keep body or header: the STSError's strings are copies.
func Parse(statusCode int, header http.Header, body []byte) *STSError {
	e := &STSError{StatusCode: statusCode}
	parseBody(e, body)
	applyHeaders(e, header)
	return e
}

// parseBody fills e from a response body (or a text that contains one).
func parseBody(e *STSError, body []byte) {
	if len(body) > MaxBody {
		body = body[:MaxBody]
	}
	complete := false
	if i := jsonStart(body); i >= 0 {
		complete = scanObject(e, body[i:])
	}
	if len(e.Codes) == 0 && e.Description != "" {
		if c, ok := codeInText(e.Description); ok {
			e.Codes = []Code{c}
		}
	}
	if e.Description != "" {
		fillFromLines(e, e.Description)
	}
	if !complete {
		// Not JSON, or JSON that breaks off: the raw text may still name a
		// code and the ids.
		text := string(body)
		if len(e.Codes) == 0 {
			if c, ok := codeInText(text); ok {
				e.Codes = []Code{c}
			}
		}
		fillFromLines(e, text)
	}
}

// jsonStart returns the index of the '{' that opens the body's JSON object,
// skipping a byte order mark and white space, or -1.
func jsonStart(b []byte) int {
	i := 0
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return i
		}
		return -1
	}
	return -1
}

func applyHeaders(e *STSError, h http.Header) {
	if h == nil {
		return
	}
	// Header values are bytes, not necessarily UTF-8; every string of an
	// STSError is valid UTF-8.
	if e.TraceID == "" {
		e.TraceID = strings.ToValidUTF8(header(h, "X-Ms-Request-Id"), "\uFFFD")
	}
	if e.CorrelationID == "" {
		e.CorrelationID = strings.ToValidUTF8(header(h, "Client-Request-Id"), "\uFFFD")
	}
	e.RetryAfter = retryAfter(h, time.Now)
}

// header is h.Get(name) for a name in canonical form, without Get's work
// of canonicalizing it.
func header(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// retryAfter reads the delay the service asked for, preferring the
// millisecond headers as azcore does. A negative or unreadable value is 0.
func retryAfter(h http.Header, now func() time.Time) time.Duration {
	for _, name := range [...]string{"X-Ms-Retry-After-Ms", "Retry-After-Ms"} {
		if v := strings.TrimSpace(header(h, name)); v != "" {
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 && ms < int64(1<<62)/int64(time.Millisecond) {
				return time.Duration(ms) * time.Millisecond
			}
		}
	}
	v := strings.TrimSpace(header(h, "Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s > 0 && s < int64(1<<62)/int64(time.Second) {
			return time.Duration(s) * time.Second
		}
		return 0
	}
	if t, err := http.ParseTime(v); err == nil {
		ref := now()
		if d, err := http.ParseTime(header(h, "Date")); err == nil {
			ref = d // both times from the server's clock
		}
		if d := t.Sub(ref); d > 0 {
			return d
		}
	}
	return 0
}

// Layouts Entra uses for "timestamp" and the Timestamp line.
var timeLayouts = [...]string{"2006-01-02 15:04:05Z", "2006-01-02 15:04:05.9999999Z", time.RFC3339Nano}

// parseTimestamp reads a timestamp in one of timeLayouts. A time whose UTC
// year is outside 0000-9999 (an offset can push 0000-01-01 or 9999-12-31
// there) is rejected: it cannot be a real one, and JSON cannot encode it.
func parseTimestamp(s string) (time.Time, bool) {
	if t, ok := parseEntraTime(s); ok {
		return t, true
	}
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			t = t.UTC()
			if y := t.Year(); y < 0 || y > 9999 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// parseEntraTime reads the form Entra sends, "2006-01-02 15:04:05Z", without
// time.Parse's generality (or, for bytes, a string copy). It accepts only
// what time.Parse accepts for that layout, and reports false for anything
// else, which parseTimestamp then hands to time.Parse.
func parseEntraTime[T string | []byte](b T) (time.Time, bool) {
	if len(b) != 20 || b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return time.Time{}, false
	}
	ok := true
	num := func(i, j int) int {
		n := 0
		for ; i < j; i++ {
			d := b[i] - '0'
			if d > 9 {
				ok = false
			}
			n = n*10 + int(d)
		}
		return n
	}
	y, mo, d, h, mi, sec := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19)
	if !ok || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	if t.Day() != d { // past the end of the month
		return time.Time{}, false
	}
	return t, true
}

// fillFromLines takes the trace id, correlation id and timestamp from the
// "Trace ID: ...", "Correlation ID: ..." and "Timestamp: ..." lines that
// Entra appends to error_description, where e lacks them. The lines may have
// been joined into one by a logger, so an id ends at white space and a
// timestamp after its time of day.
func fillFromLines(e *STSError, text string) {
	if e.TraceID == "" {
		e.TraceID = firstField(lineValue(text, "Trace ID:"))
	}
	if e.CorrelationID == "" {
		e.CorrelationID = firstField(lineValue(text, "Correlation ID:"))
	}
	if e.Timestamp.IsZero() {
		if v := lineValue(text, "Timestamp:"); v != "" {
			if f := strings.Fields(v); len(f) >= 2 {
				v = f[0] + " " + f[1] // "2016-01-09 02:02:12Z"
			}
			if t, ok := parseTimestamp(v); ok {
				e.Timestamp = t
			}
		}
	}
}

// lineValue returns the text after label up to the end of its line (or a
// quote, backslash, comma or '<', where the text is still JSON-escaped or
// HTML), trimmed and bounded to 128 bytes; "" if label is absent.
func lineValue(text, label string) string {
	i := strings.Index(text, label)
	if i < 0 {
		return ""
	}
	rest := text[i+len(label):]
	if len(rest) > 128 {
		rest = rest[:128]
	}
	if end := strings.IndexAny(rest, "\r\n\"\\,<"); end >= 0 {
		rest = rest[:end]
	}
	return strings.TrimSpace(rest)
}

// firstField returns s up to its first white space, if that is a plausible
// id (at most 64 bytes), else "". Invalid UTF-8 (the text may be raw bytes)
// is replaced by U+FFFD.
func firstField(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 64 {
		return ""
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// codeInText finds the first "AADSTS" followed by digits in text.
func codeInText(text string) (Code, bool) {
	for off := 0; ; {
		i := strings.Index(text[off:], "AADSTS")
		if i < 0 {
			return 0, false
		}
		j := off + i + len("AADSTS")
		k := j
		for k < len(text) && k-j < 10 && text[k] >= '0' && text[k] <= '9' {
			k++
		}
		if k > j {
			if n, err := strconv.ParseUint(text[j:k], 10, 32); err == nil && n != 0 {
				return Code(n), true
			}
		}
		off = j
	}
}

// The scanner below reads one JSON object in a single pass and copies out the
// fields STSError needs, skipping the rest. It accepts every valid object the
// way encoding/json decodes it into a struct (keys match case-insensitively;
// a later duplicate key wins; null leaves a string field alone) and stops
// quietly where the input is invalid or breaks off, keeping the fields
// completed before that point.

type scanner struct {
	b []byte
	i int
}

// scanObject reads the object at the start of b into e and reports whether it
// read the whole object.
func scanObject(e *STSError, b []byte) bool {
	s := scanner{b: b}
	if !s.byte('{') {
		return false
	}
	s.ws()
	if s.peek() == '}' {
		s.i++
		return true
	}
	for {
		s.ws()
		f, ok := s.key()
		if !ok {
			return false
		}
		s.ws()
		if !s.byte(':') {
			return false
		}
		s.ws()
		if !s.field(e, f) {
			return false
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

const (
	fError = iota + 1
	fDescription
	fCodes
	fSubError
	fClaims
	fTraceID
	fCorrelationID
	fTimestamp
	fErrorURI
)

var fieldNames = [...]struct {
	name string
	f    int
}{
	{"error", fError},
	{"error_description", fDescription},
	{"error_codes", fCodes},
	{"suberror", fSubError},
	{"claims", fClaims},
	{"trace_id", fTraceID},
	{"correlation_id", fCorrelationID},
	{"timestamp", fTimestamp},
	{"error_uri", fErrorURI},
}

// key reads an object key and returns the field it names, 0 for none. A
// plain ASCII key is matched in place, without a copy.
func (s *scanner) key() (int, bool) {
	if s.peek() != '"' {
		return 0, false
	}
	start := s.i + 1
	for i := start; i < len(s.b); i++ {
		c := s.b[i]
		if c == '"' {
			s.i = i + 1
			return fieldOfASCII(s.b[start:i]), true
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	k, ok := s.str() // escapes or non-ASCII: decode, then match
	if !ok {
		return 0, false
	}
	return fieldOf(k), true
}

// fieldOfASCII is fieldOf for a key of ASCII bytes, for which
// strings.EqualFold is ASCII case folding.
func fieldOfASCII(key []byte) int {
	for _, n := range fieldNames {
		if string(key) == n.name {
			return n.f
		}
	}
	for _, n := range fieldNames {
		if len(key) == len(n.name) && asciiEqualFold(key, n.name) {
			return n.f
		}
	}
	return 0
}

func asciiEqualFold(a []byte, b string) bool {
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func fieldOf(key string) int {
	for _, n := range fieldNames {
		if n.name == key {
			return n.f
		}
	}
	for _, n := range fieldNames {
		if strings.EqualFold(n.name, key) {
			return n.f
		}
	}
	return 0
}

// field reads the value of field f into e (or skips it) and reports
// success.
func (s *scanner) field(e *STSError, f int) bool {
	if f == 0 {
		return s.skip(0)
	}
	if f == fCodes {
		return s.codes(e)
	}
	if s.peek() != '"' {
		if s.literal("null") {
			return true // a null leaves the field as it was
		}
		return s.skip(0) // a wrong type: encoding/json would fail; ignore it
	}
	if f == fTimestamp {
		// Entra's form is read in place; any other goes through str.
		if i := plainRun(s.b, s.i+1); i < len(s.b) && s.b[i] == '"' {
			if t, ok := parseEntraTime(s.b[s.i+1 : i]); ok {
				e.Timestamp = t
				s.i = i + 1
				return true
			}
		}
	}
	v, ok := s.str()
	if !ok {
		return false
	}
	switch f {
	case fError:
		e.OAuthError = v
	case fDescription:
		e.Description = v
	case fSubError:
		e.SubError = v
	case fClaims:
		e.Claims = v
	case fTraceID:
		e.TraceID = v
	case fCorrelationID:
		e.CorrelationID = v
	case fTimestamp:
		if t, ok := parseTimestamp(v); ok {
			e.Timestamp = t
		}
	case fErrorURI:
		e.ErrorURI = v
	}
	return true
}

// codes reads the error_codes array; elements that are not AADSTS codes
// (fractions, negative or huge numbers, other types) are left out.
func (s *scanner) codes(e *STSError) bool {
	if s.literal("null") {
		e.Codes = nil
		return true
	}
	if s.peek() != '[' {
		return s.skip(0)
	}
	s.i++
	var out []Code
	s.ws()
	if s.peek() == ']' {
		s.i++
		e.Codes = out
		return true
	}
	for {
		s.ws()
		start := s.i
		if !s.skip(0) {
			return false
		}
		if n, err := strconv.ParseUint(string(s.b[start:s.i]), 10, 32); err == nil && n != 0 {
			out = append(out, Code(n))
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			e.Codes = out
			return true
		default:
			return false
		}
	}
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) byte(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) literal(lit string) bool {
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// maxDepth bounds the nesting skip follows, as encoding/json does.
const maxDepth = 10000

// skip passes over one JSON value of any type.
func (s *scanner) skip(depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch c := s.peek(); {
	case c == '"':
		return s.skipStr()
	case c == '{':
		s.i++
		s.ws()
		if s.byte('}') {
			return true
		}
		for {
			s.ws()
			if !s.skipStr() {
				return false
			}
			s.ws()
			if !s.byte(':') {
				return false
			}
			s.ws()
			if !s.skip(depth + 1) {
				return false
			}
			s.ws()
			if s.byte(',') {
				continue
			}
			return s.byte('}')
		}
	case c == '[':
		s.i++
		s.ws()
		if s.byte(']') {
			return true
		}
		for {
			s.ws()
			if !s.skip(depth + 1) {
				return false
			}
			s.ws()
			if s.byte(',') {
				continue
			}
			return s.byte(']')
		}
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return false
}

// number passes over a JSON number, checking its grammar.
func (s *scanner) number() bool {
	s.byte('-')
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case c >= '1' && c <= '9':
		s.digits()
	default:
		return false
	}
	if s.byte('.') {
		if !s.digits() {
			return false
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// skipStr passes over a string without decoding it.
func (s *scanner) skipStr() bool {
	if !s.byte('"') {
		return false
	}
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return true
		case c == '\\':
			s.i += 2
		case c < 0x20:
			return false
		default:
			s.i++
		}
	}
	return false
}

// str decodes a string as encoding/json does: escapes resolved, invalid
// UTF-8 and unpaired surrogates replaced by U+FFFD.
func (s *scanner) str() (string, bool) {
	if !s.byte('"') {
		return "", false
	}
	start := s.i
	// Fast path: no escapes and valid UTF-8, one copy.
	i := plainRun(s.b, start)
	if i < len(s.b) && s.b[i] == '"' && utf8.Valid(s.b[start:i]) {
		s.i = i + 1
		return string(s.b[start:i]), true
	}
	return s.decodeStr(i)
}

// plainRun returns the index of the first quote, backslash or control byte
// at or after i, or len(b).
func plainRun(b []byte, i int) int {
	for i < len(b) {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
		i++
	}
	return i
}

// decodeStr decodes the string whose contents start at s.i; up to plain
// they hold no quote, backslash or control byte. The decoded text is built
// in a strings.Builder sized by the raw length: one allocation, no final
// copy.
func (s *scanner) decodeStr(plain int) (string, bool) {
	end := plain
	for end < len(s.b) && s.b[end] != '"' {
		if s.b[end] == '\\' {
			end++
		}
		end++
	}
	var buf strings.Builder
	buf.Grow(min(end, len(s.b)) - s.i)
	if utf8.Valid(s.b[s.i:plain]) {
		buf.Write(s.b[s.i:plain])
		s.i = plain
	}
	for s.i < len(s.b) {
		// A run of plain ASCII is copied at once.
		j := s.i
		for j < len(s.b) {
			if c := s.b[j]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
				break
			}
			j++
		}
		buf.Write(s.b[s.i:j])
		s.i = j
		if j == len(s.b) {
			break
		}
		c := s.b[j]
		switch {
		case c == '"':
			s.i++
			return buf.String(), true
		case c < 0x20:
			return "", false
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return "", false
			}
			esc := s.b[s.i+1]
			s.i += 2
			switch esc {
			case '"', '\\', '/':
				buf.WriteByte(esc)
			case 'b':
				buf.WriteByte('\b')
			case 'f':
				buf.WriteByte('\f')
			case 'n':
				buf.WriteByte('\n')
			case 'r':
				buf.WriteByte('\r')
			case 't':
				buf.WriteByte('\t')
			case 'u':
				r, ok := s.hex4()
				if !ok {
					return "", false
				}
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
						save := s.i
						s.i += 2
						if v, ok := s.hex4(); ok {
							r2 = v
						} else {
							return "", false
						}
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							buf.WriteRune(dec)
							continue
						}
						s.i = save // not a pair: the second escape stands alone
					}
					buf.WriteRune(utf8.RuneError)
					continue
				}
				buf.WriteRune(r)
			default:
				return "", false
			}
		default: // a multi-byte sequence
			r, size := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && size == 1 {
				buf.WriteString("\uFFFD") // as encoding/json replaces invalid bytes
			} else {
				buf.Write(s.b[s.i : s.i+size])
			}
			s.i += size
		}
	}
	return "", false
}

func (s *scanner) hex4() (rune, bool) {
	if len(s.b)-s.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s.b[s.i : s.i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	s.i += 4
	return r, true
}
