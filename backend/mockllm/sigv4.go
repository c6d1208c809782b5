package mockllm

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The mock's AWS credentials: a request signed with them verifies, one
// signed with another access key is refused as AWS refuses an unknown key.
// They are published test values, not secrets.
const (
	MockAccessKeyID     = "AKIAMOCKSTREAMSCOPE1"
	MockSecretAccessKey = "mock/Secret+Access/Key0streamscope0000000"
)

// maxSkew is how far a request's X-Amz-Date may be from the mock's clock.
const maxSkew = 15 * time.Minute

// verifySigV4 checks an AWS Signature Version 4 Authorization header the
// way AWS does: the access key must be the mock's, the scope's service
// bedrock, the time within 15 minutes, and the signature the one the
// signed headers, path, query and body give (recomputed with the AWS SDK's
// signer). A request without Authorization passes (the mock does not ask
// for credentials); any failure is 403 with AWS's exception name.
func verifySigV4(r *http.Request, body []byte) (status int, errType, msg string) {
	authz := r.Header.Get("Authorization")
	if authz == "" {
		return 0, "", ""
	}
	const deny = http.StatusForbidden
	rest, ok := strings.CutPrefix(authz, "AWS4-HMAC-SHA256 ")
	if !ok {
		return deny, "IncompleteSignatureException", "Authorization header requires the AWS4-HMAC-SHA256 algorithm (mock: Bedrock takes AWS Signature Version 4 only)"
	}
	var credential, signed, signature string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			signature = v
		}
	}
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || signed == "" || signature == "" || scope[4] != "aws4_request" {
		return deny, "IncompleteSignatureException", "Authorization header requires 'Credential' (AKID/date/region/service/aws4_request), 'SignedHeaders' and 'Signature'"
	}
	if scope[0] != MockAccessKeyID {
		return deny, "UnrecognizedClientException", "The security token included in the request is invalid. (mock: sign with access key " + MockAccessKeyID + ")"
	}
	if scope[3] != "bedrock" {
		return deny, "InvalidSignatureException", "Credential should be scoped to correct service: 'bedrock'."
	}
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return deny, "IncompleteSignatureException", "Authorization requires an X-Amz-Date header in the form 20060102T150405Z"
	}
	if d := time.Since(when); d > maxSkew || d < -maxSkew {
		return deny, "InvalidSignatureException", "Signature expired: " + r.Header.Get("X-Amz-Date") + " is more than 15 minutes from the mock's time"
	}
	if scope[1] != when.Format("20060102") {
		return deny, "InvalidSignatureException", "Credential date " + scope[1] + " does not match X-Amz-Date"
	}
	// Rebuild the request as signed: the path as received, the signed
	// headers only, the body's hash; then sign it again.
	c, _ := http.NewRequest(r.Method, "http://"+r.Host+"/", nil)
	c.URL = &url.URL{Scheme: "http", Host: r.Host, Opaque: "//" + r.Host + r.URL.EscapedPath(), RawQuery: r.URL.RawQuery}
	c.Host = r.Host
	c.ContentLength = 0
	token := ""
	for _, name := range strings.Split(signed, ";") {
		switch name {
		case "host", "x-amz-date":
		case "content-length":
			c.ContentLength = int64(len(body))
		case "x-amz-security-token":
			token = r.Header.Get(name)
		default:
			for _, v := range r.Header.Values(name) {
				c.Header.Add(name, v)
			}
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: MockAccessKeyID, SecretAccessKey: MockSecretAccessKey, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, c, hex.EncodeToString(sum[:]), scope[3], scope[2], when); err != nil {
		return deny, "InvalidSignatureException", "signing again: " + err.Error()
	}
	_, wantSigned, want := splitAuthorization(c.Header.Get("Authorization"))
	if wantSigned != signed || subtle.ConstantTimeCompare([]byte(want), []byte(signature)) != 1 {
		return deny, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. (mock: signed headers " + signed + ")"
	}
	return 0, "", ""
}

func splitAuthorization(v string) (credential, signed, signature string) {
	rest, _ := strings.CutPrefix(v, "AWS4-HMAC-SHA256 ")
	for _, part := range strings.Split(rest, ", ") {
		k, val, _ := strings.Cut(part, "=")
		switch k {
		case "Credential":
			credential = val
		case "SignedHeaders":
			signed = val
		case "Signature":
			signature = val
		}
	}
	return credential, signed, signature
}
