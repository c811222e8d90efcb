package aadsts_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/stsdiag/stsdiag/aadsts"
	"github.com/stsdiag/stsdiag/internal/realclients"
)

// The benchmarks measure stsdiag on real errors: one captured from a real
// azidentity ClientSecretCredential and one from MSAL's confidential client,
// both answered by aadststest with AADSTS7000215 (a typical ~600-byte Entra
// error body), and the azidentity error's text.
//
// Every iteration works on a fresh error, as a program does: stsdiag caches
// nothing per error, but azcore does — runtime.Payload replaces the one-shot
// response body with a cached copy on first read. Capturing b.N real errors
// would measure the fake server, and an *azidentity.AuthenticationFailedError
// cannot be built by hand (its credential type is unexported). So each
// iteration gives the captured error a fresh one-shot body over the same
// bytes — io.NopCloser(bytes.NewReader(body)), which is what MSAL hands
// azidentity — making it indistinguishable from a newly returned error. That
// reset costs two small allocations, and every benchmark that reads the
// azidentity error pays it, baselines included. The MSAL CallErr (a value
// type, which FromError never changes) is copied per iteration, and the text
// error is made per iteration with errors.New.
//
// Baselines on the same input:
//   - JSONDecode: what a program does without stsdiag: read the body with
//     runtime.Payload and decode it with encoding/json into a plain struct.
//   - JSONUnmarshalOnly: json.Unmarshal of the body bytes alone (a lower
//     bound: no reading, no headers, no classification).
//   - RegexpError: regexp AADSTS(\d+) over err.Error(), the other common
//     approach (azidentity's Error() re-reads and re-indents the body).
//
// scripts/bench runs these and checks the targets: FromError on the
// azidentity error within 1.5x of JSONDecode and faster than RegexpError,
// Lookup under 20 ns with no allocation.

type benchInput struct {
	afe    *azidentity.AuthenticationFailedError
	afeErr error
	body   []byte
	status int
	header http.Header
	call   msalerrors.CallErr
	text   string
}

var (
	benchOnce sync.Once
	benchIn   benchInput
)

func benchErrors(b *testing.B) *benchInput {
	b.Helper()
	benchOnce.Do(func() {
		errs := captureRealErrors(b, realclients.DefaultSecrets, coded(7000215), "ClientSecretCredential", "MSALConfidential")
		in := &benchIn
		in.afeErr = errs["ClientSecretCredential"]
		if !errors.As(in.afeErr, &in.afe) || in.afe.RawResponse == nil {
			b.Fatalf("no AuthenticationFailedError with a response in %T", in.afeErr)
		}
		body, err := runtime.Payload(in.afe.RawResponse)
		if err != nil {
			b.Fatal(err)
		}
		in.body = bytes.Clone(body)
		in.status, in.header = in.afe.RawResponse.StatusCode, in.afe.RawResponse.Header
		in.text = in.afeErr.Error()
		if !errors.As(errs["MSALConfidential"], &in.call) {
			b.Fatalf("no CallErr in %T", errs["MSALConfidential"])
		}
	})
	if benchIn.afe == nil {
		b.Fatal("capturing the real errors failed")
	}
	return &benchIn
}

// fresh gives the captured azidentity error a new one-shot body: the error
// is then as the credential returned it.
func (in *benchInput) fresh() error {
	in.afe.RawResponse.Body = io.NopCloser(bytes.NewReader(in.body))
	return in.afeErr
}

var (
	sinkST    *aadsts.STSError
	sinkBool  bool
	sinkInfo  aadsts.CodeInfo
	sinkMatch []string
	sinkPlain plainErrorBody
)

func BenchmarkFromErrorAzidentity(b *testing.B) {
	in := benchErrors(b)
	b.ReportAllocs()
	for b.Loop() {
		st, _ := aadsts.FromError(in.fresh())
		sinkST = st
	}
	if sinkST.Code() != 7000215 {
		b.Fatalf("Code() = %v", sinkST.Code())
	}
}

func BenchmarkFromErrorMSAL(b *testing.B) {
	in := benchErrors(b)
	b.ReportAllocs()
	for b.Loop() {
		st, _ := aadsts.FromError(msalerrors.CallErr{Req: in.call.Req, Resp: in.call.Resp, Err: in.call.Err})
		sinkST = st
	}
	if sinkST.Code() != 7000215 {
		b.Fatalf("Code() = %v", sinkST.Code())
	}
}

func BenchmarkFromErrorText(b *testing.B) {
	in := benchErrors(b)
	b.ReportAllocs()
	for b.Loop() {
		st, _ := aadsts.FromError(errors.New(in.text))
		sinkST = st
	}
	if sinkST.Code() != 7000215 {
		b.Fatalf("Code() = %v", sinkST.Code())
	}
}

func BenchmarkParse(b *testing.B) {
	in := benchErrors(b)
	b.ReportAllocs()
	for b.Loop() {
		sinkST = aadsts.Parse(in.status, in.header, in.body)
	}
}

func BenchmarkIsRetryable(b *testing.B) {
	in := benchErrors(b)
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = aadsts.IsRetryable(in.fresh())
	}
}

func BenchmarkLookup(b *testing.B) {
	codes := [...]aadsts.Code{50076, 7000215, 700016, 53003, 12345678, 65001, 90033, 1}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkInfo, sinkBool = aadsts.Lookup(codes[i&7])
		i++
	}
}

func BenchmarkBaselineJSONDecode(b *testing.B) {
	in := benchErrors(b)
	b.ReportAllocs()
	for b.Loop() {
		var afe *azidentity.AuthenticationFailedError
		if !errors.As(in.fresh(), &afe) {
			b.Fatal("no AuthenticationFailedError")
		}
		body, err := runtime.Payload(afe.RawResponse)
		if err != nil {
			b.Fatal(err)
		}
		var p plainErrorBody
		if err := json.Unmarshal(body, &p); err != nil {
			b.Fatal(err)
		}
		sinkPlain = p
	}
	if len(sinkPlain.ErrorCodes) == 0 || sinkPlain.ErrorCodes[0] != 7000215 {
		b.Fatalf("decoded %+v", sinkPlain)
	}
}

func BenchmarkBaselineJSONUnmarshalOnly(b *testing.B) {
	in := benchErrors(b)
	b.ReportAllocs()
	for b.Loop() {
		var p plainErrorBody
		if err := json.Unmarshal(in.body, &p); err != nil {
			b.Fatal(err)
		}
		sinkPlain = p
	}
}

var aadstsRE = regexp.MustCompile(`AADSTS(\d+)`)

func BenchmarkBaselineRegexpError(b *testing.B) {
	in := benchErrors(b)
	b.ReportAllocs()
	for b.Loop() {
		sinkMatch = aadstsRE.FindStringSubmatch(in.fresh().Error())
	}
	if len(sinkMatch) != 2 || sinkMatch[1] != "7000215" {
		b.Fatalf("matched %q", sinkMatch)
	}
}
