package send

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// AWS Signature Version 4 (Auth.Type "sigv4"), signed with the AWS SDK for
// Go v2 signer: every attempt (and every same-origin redirect hop) is
// signed afresh, after all its headers are set, over every header sent but
// the signer's ignored ones (User-Agent, Authorization, Expect,
// Transfer-Encoding, X-Amzn-Trace-Id) and over the SHA-256 of the body.
// The path is signed as sent and encoded once more, as every AWS service
// but S3 expects (S3: once, with X-Amz-Content-Sha256); the signer does not
// remove dot segments or repeated slashes, so a path with them must be
// written normalised.

// isSigV4 reports whether a is AWS Signature Version 4 auth.
func (a *Auth) isSigV4() bool { return a != nil && strings.EqualFold(a.Type, "sigv4") }

// signV4 signs req, whose body is body, with a at time now: it sets
// X-Amz-Date, X-Amz-Security-Token (with a session token) and
// Authorization.
func signV4(req *http.Request, body []byte, a *Auth, now time.Time, opts ...func(*v4.SignerOptions)) error {
	switch {
	case a.AccessKey == "" || a.SecretKey == "":
		return errors.New("sigv4 auth needs an access key and a secret key")
	case a.Region == "" || a.Service == "":
		return errors.New("sigv4 auth needs a region and a service (e.g. us-east-1 and bedrock)")
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	s3 := strings.EqualFold(a.Service, "s3")
	if s3 {
		req.Header.Set("X-Amz-Content-Sha256", hash)
		opts = append(opts, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	}
	creds := aws.Credentials{AccessKeyID: a.AccessKey, SecretAccessKey: a.SecretKey, SessionToken: a.SessionToken}
	// A signer per request: the SDK's signer caches the derived key by
	// access key, region, service and day, not by secret, so a shared one
	// would go on signing with an old secret after the user corrected it.
	return v4.NewSigner().SignHTTP(req.Context(), creds, req, hash, a.Service, a.Region, now, opts...)
}

// resignRedirect signs a same-origin redirect hop afresh (its path, and
// maybe its method and body, changed); body is what the hop sends.
func (x *run) resignRedirect(req *http.Request, body []byte) error {
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token"} {
		req.Header.Del(h)
	}
	return signV4(req, body, x.r.Auth, time.Now())
}
