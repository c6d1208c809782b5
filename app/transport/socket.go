package transport

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

// Socket is the pull socket (see the package doc). Pull answers its pulls;
// the zero Socket with Pull set is ready, and listens from the first URL.
type Socket struct {
	Pull Puller

	once  sync.Once
	mu    sync.Mutex
	srv   *http.Server
	conns map[*websocket.Conn]bool
	url   string
	err   error
}

// URL starts the socket the first time and returns its address.
func (s *Socket) URL() (string, error) {
	s.once.Do(func() {
		token := make([]byte, 16)
		if _, err := rand.Read(token); err != nil {
			s.err = fmt.Errorf("pull socket: %w", err)
			return
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.err = fmt.Errorf("pull socket: %w", err)
			return
		}
		tok := hex.EncodeToString(token)
		srv := &http.Server{Handler: s.handler(tok), ReadHeaderTimeout: 5 * time.Second}
		s.mu.Lock()
		s.srv = srv
		s.url = "ws://" + l.Addr().String() + "/pull?token=" + tok
		s.mu.Unlock()
		go func() { _ = srv.Serve(l) }()
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil && s.srv == nil {
		return "", errors.New("pull socket: closed")
	}
	return s.url, s.err
}

// handler upgrades requests for /pull with the token to the pull socket
// and answers its pulls until the UI closes it.
func (s *Socket) handler(token string) http.Handler {
	up := websocket.Upgrader{
		ReadBufferSize:  1024,
		WriteBufferSize: 64 << 10,
		CheckOrigin: func(req *http.Request) bool {
			if o := req.Header.Get("Origin"); !AppOrigin(o) {
				log.Printf("streamscope: pull socket refused Origin %s", quoteHeader(o))
				return false
			}
			return true
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !AppHost(req.Host) {
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
		s.mu.Lock()
		if s.srv == nil { // closed meanwhile
			s.mu.Unlock()
			c.Close()
			return
		}
		if s.conns == nil {
			s.conns = map[*websocket.Conn]bool{}
		}
		s.conns[c] = true
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			c.Close()
		}()
		c.SetReadLimit(MaxRuns * 64)
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			ids, err := RunIDs(string(msg))
			if err != nil {
				_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.ClosePolicyViolation, err.Error()), time.Now().Add(time.Second))
				return
			}
			b, err := json.Marshal(s.Pull(ids))
			if err != nil || c.WriteMessage(websocket.TextMessage, b) != nil {
				return
			}
		}
	})
}

// Close closes the socket and its connections, if it was started; it is
// not started again.
func (s *Socket) Close() {
	s.once.Do(func() {}) // never started: never to be
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
	for c := range conns {
		c.Close()
	}
}
