package remediate

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// groups returns the steps grouped by audience, the audiences in the order
// of their first step (the cheapest step leads), keeping each group's order.
func (r Remediation) groups() [][]Step {
	var out [][]Step
	index := map[Audience]int{}
	for _, s := range r.Steps {
		i, ok := index[s.Audience]
		if !ok {
			i = len(out)
			index[s.Audience] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], s)
	}
	return out
}

// title is the remediation's heading line.
func (r Remediation) title() string {
	var b strings.Builder
	if r.Credential != "" {
		b.WriteString(r.Credential)
		b.WriteString(": ")
	}
	if r.Code != 0 {
		b.WriteString(r.Code.String())
		if r.Name != "" {
			b.WriteString(" (" + r.Name + ")")
		}
		b.WriteString(": ")
	}
	b.WriteString(r.Summary)
	return b.String()
}

// ids returns the request identifiers as label/value pairs.
func (r Remediation) ids() [][2]string {
	var out [][2]string
	if r.StatusCode != 0 {
		out = append(out, [2]string{"HTTP status", fmt.Sprint(r.StatusCode)})
	}
	if r.TraceID != "" {
		out = append(out, [2]string{"Trace ID", r.TraceID})
	}
	if r.CorrelationID != "" {
		out = append(out, [2]string{"Correlation ID", r.CorrelationID})
	}
	if !r.Timestamp.IsZero() {
		out = append(out, [2]string{"Timestamp", r.Timestamp.UTC().Format(time.RFC3339)})
	}
	return out
}

// Text renders the remediation for a terminal: plain text, 2-space indents.
func (r Remediation) Text() string {
	var b strings.Builder
	r.writeText(&b, "")
	return b.String()
}

func (r Remediation) writeText(b *strings.Builder, indent string) {
	fmt.Fprintf(b, "%s%s\n", indent, r.title())
	fmt.Fprintf(b, "%s  category: %s   action: %s   retryable: %t\n", indent, r.Category, r.Action, r.Retryable)
	if r.Cause != "" {
		fmt.Fprintf(b, "%s  cause: %s\n", indent, r.Cause)
	}
	for _, id := range r.ids() {
		fmt.Fprintf(b, "%s  %s: %s\n", indent, id[0], id[1])
	}
	if r.Description != "" {
		fmt.Fprintf(b, "%s  description: %s\n", indent, oneLine(r.Description))
	}
	fmt.Fprintf(b, "%s  retry: %s\n", indent, r.RetryAdvice)
	for _, g := range r.groups() {
		fmt.Fprintf(b, "\n%s%s:\n", indent, g[0].Audience.Title())
		for i, s := range g {
			fmt.Fprintf(b, "%s  %d. %s\n", indent, i+1, s.Text)
			if s.Command != "" {
				fmt.Fprintf(b, "%s       $ %s\n", indent, s.Command)
			}
			if s.URL != "" {
				fmt.Fprintf(b, "%s       %s\n", indent, s.URL)
			}
		}
	}
	if len(r.Links) > 0 {
		fmt.Fprintf(b, "\n%sLinks:\n", indent)
		for _, l := range r.Links {
			fmt.Fprintf(b, "%s  - %s: %s\n", indent, l.Title, l.URL)
		}
	}
	if len(r.Attempts) > 0 {
		fmt.Fprintf(b, "\n%sCredentials the chain tried, in order:\n", indent)
		for i, a := range r.Attempts {
			fmt.Fprintf(b, "\n%s  [%d] ", indent, i+1)
			var sub strings.Builder
			a.writeText(&sub, indent+"  ")
			b.WriteString(strings.TrimPrefix(sub.String(), indent+"  "))
		}
	}
}

// Markdown renders the remediation as a troubleshooting page.
func (r Remediation) Markdown() string {
	var b strings.Builder
	r.writeMarkdown(&b, "#")
	return b.String()
}

func (r Remediation) writeMarkdown(b *strings.Builder, h string) {
	fmt.Fprintf(b, "%s %s\n\n", h, mdEscape(r.title()))
	fmt.Fprintf(b, "| | |\n|---|---|\n")
	fmt.Fprintf(b, "| Category | `%s` |\n| Action | `%s` |\n| Retryable | %s |\n", r.Category, r.Action, yesNo(r.Retryable))
	if r.Cause != "" {
		fmt.Fprintf(b, "| Cause | `%s` |\n", r.Cause)
	}
	for _, id := range r.ids() {
		fmt.Fprintf(b, "| %s | `%s` |\n", id[0], mdCode(id[1]))
	}
	b.WriteString("\n")
	if r.Description != "" {
		fmt.Fprintf(b, "> %s\n\n", mdEscape(oneLine(r.Description)))
	}
	fmt.Fprintf(b, "**Does retrying help?** %s\n\n", mdEscape(r.RetryAdvice))
	for _, g := range r.groups() {
		fmt.Fprintf(b, "%s# %s\n\n", h, g[0].Audience.Title())
		for i, s := range g {
			fmt.Fprintf(b, "%d. %s\n", i+1, mdEscape(s.Text))
			if s.Command != "" {
				fmt.Fprintf(b, "\n   ```sh\n   %s\n   ```\n\n", s.Command)
			}
			if s.URL != "" {
				fmt.Fprintf(b, "\n   <%s>\n\n", s.URL)
			}
		}
		b.WriteString("\n")
	}
	if len(r.Links) > 0 {
		fmt.Fprintf(b, "%s# Links\n\n", h)
		for _, l := range r.Links {
			fmt.Fprintf(b, "- [%s](%s)\n", mdEscape(l.Title), l.URL)
		}
		b.WriteString("\n")
	}
	if len(r.Attempts) > 0 {
		fmt.Fprintf(b, "%s# Credentials the chain tried\n\n", h)
		for _, a := range r.Attempts {
			a.writeMarkdown(b, h+"##")
		}
	}
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

// oneLine folds line breaks, so a value cannot break the layout.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// mdEscape keeps text from being read as Markdown markup or HTML.
func mdEscape(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "<", "&lt;", ">", "&gt;", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "|", "\\|", "\n", " ", "\r", " ")
	return r.Replace(s)
}

func mdCode(s string) string { return strings.ReplaceAll(oneLine(s), "`", "'") }

// MarshalJSON encodes the remediation; RetryAfter as retry_after_seconds and
// Timestamp in RFC 3339.
func (r Remediation) MarshalJSON() ([]byte, error) {
	type plain Remediation // no MarshalJSON method: no recursion
	j := struct {
		plain
		RetryAfter float64 `json:"retry_after_seconds,omitempty"`
		Timestamp  string  `json:"timestamp,omitempty"`
	}{plain: plain(r), RetryAfter: r.RetryAfter.Seconds()}
	if !r.Timestamp.IsZero() {
		j.Timestamp = r.Timestamp.UTC().Format(time.RFC3339)
	}
	return json.Marshal(j)
}

// JSON renders the remediation as indented JSON.
func (r Remediation) JSON() string {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	return string(b) + "\n"
}
