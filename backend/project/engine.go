package project

import (
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/send"
)

// SendRequest turns a resolved endpoint into the sender's request. The
// only error is a stream mode the sender does not know.
func (r *Request) SendRequest() (send.Request, error) {
	mode, err := send.ParseStreamMode(r.Stream)
	if err != nil {
		return send.Request{}, err
	}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	var auth *send.Auth
	if a := r.SigV4; a != nil {
		auth = &send.Auth{Type: "sigv4", AccessKey: a.AccessKey, SecretKey: a.SecretKey, SessionToken: a.SessionToken,
			Region: a.Region, Service: a.Service}
	}
	return send.Request{
		Method:        r.Method,
		URL:           r.URL,
		Header:        r.Header(),
		Body:          r.Body,
		Auth:          auth,
		StreamMode:    mode,
		Compression:   r.Compressed,
		NoFollow:      !r.FollowRedirects,
		Credentials:   r.Credentials,
		HeaderTimeout: ms(r.Timeouts.HeaderMS),
		IdleTimeout:   ms(r.Timeouts.IdleMS),
		Reconnect:     send.Reconnect{Enabled: r.Reconnect.Enabled, MaxAttempts: r.Reconnect.MaxAttempts, Delay: ms(r.Reconnect.DelayMS)},
		Retry:         send.Retry{Enabled: r.Retry.Enabled, MaxAttempts: r.Retry.MaxAttempts, MaxWait: ms(r.Retry.MaxWaitMS), Fallback: ms(r.Retry.FallbackMS)},
	}, nil
}

// Options returns the merge settings as merge options ("auto" and "" both
// mean: detect the format from the events).
func (ms MergeSettings) Options() merge.Options {
	f := ms.Format
	if f == "auto" {
		f = ""
	}
	return merge.Options{Format: f, ContentPath: ms.Content, ReasoningPath: ms.Reasoning, StopPath: ms.Stop}
}
