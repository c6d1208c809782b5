package app

import (
	"net/http"

	"github.com/streamscope/streamscope/app/transport"
)

// A run's batches reach the UI through app/transport: each waits in the
// run's outbox for the UI's pull (over the asset server or the pull
// socket) and is pushed as a "run:<id>" event when the UI does not pull.

// pull returns the new batches of the given runs (the UI's pull, served
// by the asset middleware and the pull socket). Not a bound method: the
// UI calls it synchronously, which the bindings cannot.
func (s *RunService) pull(runIDs []string) transport.Response[RunBatch] {
	res := transport.Response[RunBatch]{Runs: map[string][]RunBatch{}, Unknown: []string{}}
	for _, id := range runIDs {
		s.mu.Lock()
		r := s.runs[id]
		s.mu.Unlock()
		if r == nil {
			res.Unknown = append(res.Unknown, id)
			continue
		}
		if b := r.out.Pull(r.batcher.Flush); len(b) > 0 {
			res.Runs[id] = b
		}
	}
	return res
}

// AssetMiddleware serves the transport's paths (transport.PullPath,
// transport.PullSocketPath) on the app's asset server, to the app's page
// only, and hands every other request to next.
func (a *App) AssetMiddleware(next http.Handler) http.Handler {
	return transport.Middleware(next, a.Run.socket.Pull, &a.Run.socket)
}
