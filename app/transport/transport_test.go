package transport

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// pushes collects what an outbox pushes.
type pushes struct {
	mu  sync.Mutex
	got []int
	ch  chan int
}

func newPushes() *pushes { return &pushes{ch: make(chan int, 100)} }

func (p *pushes) push(b int) {
	p.mu.Lock()
	p.got = append(p.got, b)
	p.mu.Unlock()
	p.ch <- b
}

func TestOutbox(t *testing.T) {
	t.Parallel()
	// pulled while the UI pulls, in order, each once
	p := newPushes()
	o := NewOutbox(time.Hour, p.push)
	for i := 1; i <= 3; i++ {
		o.Deliver(i)
	}
	flushed := false
	if got := o.Pull(func() { flushed = true; o.Deliver(4) }); len(got) != 4 || got[0] != 1 || got[3] != 4 || !flushed {
		t.Fatalf("pulled %v (flushed %v)", got, flushed)
	}
	if got := o.Pull(func() {}); len(got) != 0 {
		t.Fatalf("pulled again %v", got)
	}
	// a negative grace pushes at once
	q := newPushes()
	NewOutbox(-1, q.push).Deliver(7)
	if len(q.got) != 1 || q.got[0] != 7 {
		t.Fatalf("pushed %v", q.got)
	}
	// nobody pulls within the grace: the waiting batches are pushed, in
	// order, then every later one too, until the UI pulls again
	r := newPushes()
	o = NewOutbox(time.Millisecond, r.push)
	o.Deliver(1)
	o.Deliver(2)
	for want := 1; want <= 2; want++ {
		select {
		case got := <-r.ch:
			if got != want {
				t.Fatalf("pushed %d, want %d", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the waiting batches were never pushed")
		}
	}
	time.Sleep(2 * time.Millisecond) // past the grace since the last pull
	o.Deliver(3)
	if got := <-r.ch; got != 3 {
		t.Fatalf("pushed %d", got)
	}
	if got := o.Pull(func() {}); len(got) != 0 {
		t.Fatalf("a pushed batch was pulled too: %v", got)
	}
}

// A pull does not wait long for a busy run: what misses FlushWait goes
// with the next pull.
func TestOutboxPullDoesNotWaitForABusyFlush(t *testing.T) {
	t.Parallel()
	o := NewOutbox(time.Hour, func(int) {})
	release := make(chan struct{})
	start := time.Now()
	got := o.Pull(func() { <-release; o.Deliver(1) })
	if len(got) != 0 || time.Since(start) > 5*time.Second {
		t.Fatalf("pulled %v after %v", got, time.Since(start))
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := o.Pull(func() {}); len(got) == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the late batch never came")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRunIDs(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want string
		err  bool
	}{{"1,2", "1 2", false}, {" 1 , ,2,", "1 2", false}, {"", "", false}, {strings.Repeat("x,", MaxRuns), strings.TrimSpace(strings.Repeat("x ", MaxRuns)), false}, {strings.Repeat("x,", MaxRuns+1), "", true}} {
		ids, err := RunIDs(c.in)
		if (err != nil) != c.err || strings.Join(ids, " ") != c.want {
			t.Errorf("RunIDs(%q) = %v, %v", c.in, ids, err)
		}
	}
}

func TestAppPage(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{"wails": true, "localhost:34115": true, "127.0.0.1": true, "[::1]:9": true, "WAILS.localhost": true,
		"": false, "evil.example": false, "127.0.0.2": false, "localhost.evil": false} {
		if AppHost(host) != want {
			t.Errorf("AppHost(%q) = %v", host, !want)
		}
	}
	for origin, want := range map[string]bool{"": true, "wails://wails": true, "http://localhost:34115": true, "https://127.0.0.1/": true,
		"http://evil.example": false, "file://localhost": false, "http://localhost/x": false, "null": false} {
		if AppOrigin(origin) != want {
			t.Errorf("AppOrigin(%q) = %v", origin, !want)
		}
	}
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	var asked [][]string
	pull := func(ids []string) any {
		asked = append(asked, ids)
		return Response[int]{Runs: map[string][]int{"1": {1, 2}}, Unknown: []string{}}
	}
	sock := &Socket{Pull: pull}
	defer sock.Close()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("asset")) })
	h := Middleware(next, pull, sock)
	for _, c := range []struct {
		method, path, host, origin string
		code                       int
		body                       string
	}{
		{"GET", PullPath + "?runs=1", "wails", "", 200, `{"runs":{"1":[1,2]},"unknown":[]}`},
		{"POST", PullPath + "?runs=1", "wails", "", 405, "use GET"},
		{"GET", PullPath + "?runs=" + strings.Repeat("1,", MaxRuns+1), "wails", "", 400, "too many runs"},
		{"GET", PullPath + "?runs=1", "evil.example", "", 403, `Host "evil.example" is not the app's`},
		{"GET", PullPath + "?runs=1", "localhost", "http://evil.example", 403, "Origin"},
		{"GET", PullSocketPath, "wails", "", 200, `{"url":"ws://127.0.0.1:`},
		{"GET", PullSocketPath, "evil.example", "", 403, "refused"},
		{"GET", "/index.html", "evil.example", "", 200, "asset"},
	} {
		req := httptest.NewRequest(c.method, c.path, nil)
		req.Host = c.host
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != c.code || !strings.Contains(w.Body.String(), c.body) {
			t.Errorf("%s %s (Host %s, Origin %s): %d %q, want %d %q", c.method, c.path, c.host, c.origin, w.Code, w.Body.String(), c.code, c.body)
		}
	}
	if len(asked) != 1 || asked[0][0] != "1" {
		t.Errorf("pulls asked %v", asked)
	}
}

func TestSocket(t *testing.T) {
	t.Parallel()
	sock := &Socket{Pull: func(ids []string) any { return Response[string]{Runs: map[string][]string{}, Unknown: ids} }}
	url, err := sock.URL()
	if err != nil || !strings.HasPrefix(url, "ws://127.0.0.1:") {
		t.Fatalf("URL %q %v", url, err)
	}
	if again, _ := sock.URL(); again != url {
		t.Fatalf("a second URL %q", again)
	}
	// the token, the path, the Host and the Origin are checked
	_, token, _ := strings.Cut(url, "/pull?token=")
	h := sock.handler(token)
	for _, c := range []struct {
		path, host string
		code       int
	}{
		{"/pull?token=nope", "127.0.0.1", 404},
		{"/other?token=" + token, "127.0.0.1", 404},
		{"/pull?token=" + token, "evil.example", 403},
	} {
		req := httptest.NewRequest("GET", c.path, nil)
		req.Host = c.host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != c.code {
			t.Errorf("%s (Host %s): %d, want %d", c.path, c.host, w.Code, c.code)
		}
	}
	if conn, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"http://evil.example"}}); err == nil {
		conn.Close()
		t.Error("connected from another site's page")
	}
	c, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"wails://wails"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, ids := range []string{"a,b", "c"} {
		if err := c.WriteMessage(websocket.TextMessage, []byte(ids)); err != nil {
			t.Fatal(err)
		}
		_, msg, err := c.ReadMessage()
		var res Response[string]
		if err != nil || json.Unmarshal(msg, &res) != nil || strings.Join(res.Unknown, ",") != ids {
			t.Fatalf("answer %q %v", msg, err)
		}
	}
	// too many runs closes the connection with the reason
	c.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("x,", MaxRuns+1)))
	if _, _, err := c.ReadMessage(); err == nil || !strings.Contains(err.Error(), "too many runs") {
		t.Fatalf("too many runs: %v", err)
	}
	// closed: no more connections, no new start
	sock.Close()
	if _, _, err := websocket.DefaultDialer.Dial(url, nil); err == nil {
		t.Fatal("a connection after Close")
	}
	if _, err := sock.URL(); err == nil {
		t.Fatal("an address after Close")
	}
}
