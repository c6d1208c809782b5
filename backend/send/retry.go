package send

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (r Retry) maxAttempts() int {
	if r.MaxAttempts <= 0 {
		return 3
	}
	return r.MaxAttempts
}

// wait returns how long to wait before retrying, from a Retry-After value
// (delay seconds or an HTTP date, RFC 9110 section 10.2.3) capped at
// MaxWait; Fallback when the value is missing or unusable.
func (r Retry) wait(retryAfter string, now time.Time) time.Duration {
	maxWait := r.MaxWait
	if maxWait <= 0 {
		maxWait = DefaultRetryMaxWait
	}
	d, ok := ParseRetryAfter(retryAfter, now)
	if !ok {
		d = r.Fallback
		if d <= 0 {
			d = DefaultRetryFallback
		}
	}
	return min(d, maxWait)
}

// ParseRetryAfter reads a Retry-After header value: a number of seconds or
// an HTTP date (a date in the past means 0). ok is false when v is neither.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
