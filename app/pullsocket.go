package app

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// The pull socket: a WebSocket on 127.0.0.1 that answers pulls, for fast
// streams. A pull through the asset server goes from the web view to the
// window's process, whose GTK main thread hands it to the Go side and then
// reads the answer from a pipe 8 KB at a time, passing each piece on to the
// web view: at 20,000 events/s (about 400 KB a pull, 30 pulls a second)
// that main thread fell behind now and then, holding requests for 35-80 ms
// before the Go side saw them and the window's frames with them (bench-ui:
// frame gaps of 100-185 ms with the web view's main thread idle). Through
// the socket a pull goes by WebKit's network process, and its answer comes
// as one message, in one task of the web view. The UI sends the run ids
// ("ID,ID") as a text message; each gets one text message back, the
// PullResponse, in order.
//
// The socket listens on a random port of 127.0.0.1 only, from the first
// time the UI asks for its address (GET PullSocketPath on the asset
// server, which answers only the app's own page: assetguard.go) until the
// app quits, and accepts no connection without the random token in that
// address: another program on the machine cannot read the runs without it.
// It also refuses a connection whose Host is not 127.0.0.1 or whose Origin
// is not the app's page (wails://wails in the window,
// http://localhost:34115 under wails dev).

// PullSocketPath is the asset server path that tells the UI where the pull
// socket is: GET answers a PullSocket.
const PullSocketPath = "/_streamscope/pull-socket"

// PullSocket is the pull socket's address, token included.
type PullSocket struct {
	URL string `json:"url"`
}

type pullSocket struct {
	once  sync.Once
	mu    sync.Mutex
	srv   *http.Server
	conns map[*websocket.Conn]bool
	url   string
	err   error
}

// pullSocketURL starts the pull socket the first time and returns its
// address.
func (s *RunService) pullSocketURL() (string, error) {
	ps := &s.socket
	ps.once.Do(func() {
		token := make([]byte, 16)
		if _, err := rand.Read(token); err != nil {
			ps.err = fmt.Errorf("pull socket: %w", err)
			return
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			ps.err = fmt.Errorf("pull socket: %w", err)
			return
		}
		tok := hex.EncodeToString(token)
		srv := &http.Server{Handler: s.pullSocketHandler(tok), ReadHeaderTimeout: 5 * time.Second}
		ps.mu.Lock()
		ps.srv = srv
		ps.url = "ws://" + l.Addr().String() + "/pull?token=" + tok
		ps.mu.Unlock()
		go func() { _ = srv.Serve(l) }()
	})
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.err == nil && ps.srv == nil {
		return "", errors.New("pull socket: closed")
	}
	return ps.url, ps.err
}

// pullSocketHandler upgrades requests for /pull with the token to the pull
// socket and answers its pulls until the UI closes it.
func (s *RunService) pullSocketHandler(token string) http.Handler {
	up := websocket.Upgrader{
		ReadBufferSize:  1024,
		WriteBufferSize: 64 << 10,
		CheckOrigin: func(req *http.Request) bool {
			if o := req.Header.Get("Origin"); !appOrigin(o) {
				log.Printf("streamscope: pull socket refused Origin %s", quoteHeader(o))
				return false
			}
			return true
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !appHost(req.Host) {
			http.Error(w, "pull socket: refused: Host "+quoteHeader(req.Host), http.StatusForbidden)
			return
		}
		if req.URL.Path != "/pull" || subtle.ConstantTimeCompare([]byte(req.URL.Query().Get("token")), []byte(token)) != 1 {
			http.Error(w, "pull socket: unknown path or token", http.StatusNotFound)
			return
		}
		c, err := up.Upgrade(w, req, nil)
		if err != nil {
			return // the upgrader has answered
		}
		ps := &s.socket
		ps.mu.Lock()
		if ps.srv == nil { // closed meanwhile
			ps.mu.Unlock()
			c.Close()
			return
		}
		if ps.conns == nil {
			ps.conns = map[*websocket.Conn]bool{}
		}
		ps.conns[c] = true
		ps.mu.Unlock()
		defer func() {
			ps.mu.Lock()
			delete(ps.conns, c)
			ps.mu.Unlock()
			c.Close()
		}()
		c.SetReadLimit(maxPullRuns * 64)
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			ids, err := pullRunIDs(string(msg))
			if err != nil {
				_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.ClosePolicyViolation, err.Error()), time.Now().Add(time.Second))
				return
			}
			b, err := json.Marshal(s.pull(ids))
			if err != nil || c.WriteMessage(websocket.TextMessage, b) != nil {
				return
			}
		}
	})
}

// stopPullSocket closes the pull socket and its connections, if it was
// started; it is not started again.
func (s *RunService) stopPullSocket() {
	ps := &s.socket
	ps.once.Do(func() {}) // never started: never to be
	ps.mu.Lock()
	srv := ps.srv
	ps.srv = nil
	conns := ps.conns
	ps.conns = nil
	ps.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
	for c := range conns {
		c.Close()
	}
}

// servePullSocket answers GET PullSocketPath with the socket's address.
func (s *RunService) servePullSocket(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet {
		http.Error(w, "pull socket: use GET", http.StatusMethodNotAllowed)
		return
	}
	u, err := s.pullSocketURL()
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(PullSocket{URL: u})
}
