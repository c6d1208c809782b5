package transport

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// PullPath is the asset server path the UI pulls batches from:
// GET PullPath?runs=ID,ID answers a Response.
const PullPath = "/_streamscope/pull"

// PullSocketPath is the asset server path that tells the UI where the pull
// socket is: GET answers a SocketAddress.
const PullSocketPath = "/_streamscope/pull-socket"

// MaxRuns bounds the runs one pull may name.
const MaxRuns = 64

// Response is the answer to a pull: each run's batches (in order; none
// when nothing is new), and the runs asked for that do not exist.
type Response[B any] struct {
	Runs    map[string][]B `json:"runs"`
	Unknown []string       `json:"unknown"`
}

// SocketAddress is the pull socket's address, token included.
type SocketAddress struct {
	URL string `json:"url"`
}

// Puller answers a pull of the named runs (with a Response).
type Puller func(runIDs []string) any

// RunIDs reads the comma-separated run ids of a pull.
func RunIDs(list string) ([]string, error) {
	var ids []string
	for _, id := range strings.Split(list, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) > MaxRuns {
		return nil, errors.New("pull: too many runs in one request")
	}
	return ids, nil
}

// Middleware serves PullPath (with pull) and PullSocketPath (sock's
// address) on the app's asset server, to the app's page only, and hands
// every other request to next.
func Middleware(next http.Handler, pull Puller, sock *Socket) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch req.URL.Path {
		case PullPath:
			if FromAppPage(w, req) {
				servePull(w, req, pull)
			}
		case PullSocketPath:
			if FromAppPage(w, req) {
				serveAddress(w, req, sock)
			}
		default:
			next.ServeHTTP(w, req)
		}
	})
}

// servePull answers GET PullPath?runs=ID,ID.
func servePull(w http.ResponseWriter, req *http.Request, pull Puller) {
	if req.Method != http.MethodGet {
		http.Error(w, "pull: use GET", http.StatusMethodNotAllowed)
		return
	}
	ids, err := RunIDs(req.URL.Query().Get("runs"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(pull(ids))
}

// serveAddress answers GET PullSocketPath with the socket's address.
func serveAddress(w http.ResponseWriter, req *http.Request, sock *Socket) {
	if req.Method != http.MethodGet {
		http.Error(w, "pull socket: use GET", http.StatusMethodNotAllowed)
		return
	}
	u, err := sock.URL()
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(SocketAddress{URL: u})
}
