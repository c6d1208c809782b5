package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/streamscope/streamscope/app/transport"
)

// pullSocketAddress asks the asset middleware for the pull socket's address.
func pullSocketAddress(t *testing.T, a *App) string {
	t.Helper()
	srv := httptest.NewServer(a.AssetMiddleware(http.NotFoundHandler()))
	defer srv.Close()
	resp, err := http.Get(srv.URL + transport.PullSocketPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ps transport.SocketAddress
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&ps) != nil {
		t.Fatalf("%s: HTTP %d", transport.PullSocketPath, resp.StatusCode)
	}
	if !strings.HasPrefix(ps.URL, "ws://127.0.0.1:") || !strings.Contains(ps.URL, "/pull?token=") {
		t.Fatalf("pull socket address %q", ps.URL)
	}
	return ps.URL
}

func TestPullSocketTakesEveryBatchInOrder(t *testing.T) {
	t.Parallel()
	a, _ := runApp(t)
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("chat", "X-Mock-TPS: 0", "")})
	if err != nil {
		t.Fatal(err)
	}
	url := pullSocketAddress(t, a)
	if again := pullSocketAddress(t, a); again != url {
		t.Fatalf("a second ask gave another socket: %q, %q", url, again)
	}
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var all []RunBatch
	waitFor(t, "the done batch over the pull socket", func() bool {
		if err := c.WriteMessage(websocket.TextMessage, []byte(st.RunID+",nope")); err != nil {
			t.Fatal(err)
		}
		_, msg, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		return takeAnswer(t, msg, st.RunID, &all)
	})
	checkSequence(t, all)

	// Too many runs in one pull: the socket is closed with the reason.
	if err := c.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("1,", transport.MaxRuns+1))); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) || !strings.Contains(err.Error(), "too many runs") {
		t.Fatalf("too many runs: %v", err)
	}
}

func TestPullSocketNeedsItsToken(t *testing.T) {
	t.Parallel()
	a, _ := runApp(t)
	url := pullSocketAddress(t, a)
	base := url[:strings.Index(url, "?")]
	for _, u := range []string{base, base + "?token=00", strings.Replace(url, "/pull?", "/other?", 1)} {
		c, resp, err := websocket.DefaultDialer.Dial(u, nil)
		if err == nil {
			c.Close()
			t.Fatalf("%s: connected without the right token and path", u)
		}
		if resp == nil || resp.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: %v", u, err)
		}
	}
}

func TestPullSocketClosesWithTheApp(t *testing.T) {
	t.Parallel()
	a, _ := runApp(t)
	url := pullSocketAddress(t, a)
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a.Run.socket.Close()
	if _, _, err := c.ReadMessage(); err == nil {
		t.Fatal("the connection is still open after the socket was closed")
	}
	if _, _, err := websocket.DefaultDialer.Dial(url, nil); err == nil {
		t.Fatal("a new connection after the socket was closed")
	}
	if _, err := a.Run.socket.URL(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("address after closing: %v", err)
	}
}

// A page of another site, or a DNS rebinding page (another Host name that
// resolves to the app's address), gets neither the runs nor the socket's
// token from the asset server, and cannot open the socket.
func TestAppPathsAnswerOnlyTheAppsPage(t *testing.T) {
	t.Parallel()
	a, _ := runApp(t)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("asset")) })
	srv := httptest.NewServer(a.AssetMiddleware(next))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	get := func(path, host, origin string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Host = host
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, path := range []string{transport.PullPath + "?runs=x", transport.PullSocketPath} {
		for _, c := range []struct {
			host, origin string
			want         int
		}{
			{"wails", "", 200},
			{"wails", "wails://wails", 200},
			{"localhost:34115", "http://localhost:34115", 200},
			{"127.0.0.1:" + port, "", 200},
			{"[::1]:34115", "", 200},
			{"evil.example:34115", "", 403}, // DNS rebinding
			{"evil.example:34115", "http://evil.example:34115", 403},
			{"localhost:34115", "https://evil.example", 403}, // another site
			{"localhost:34115", "http://localhost.evil.example", 403},
			{"localhost:34115", "null", 403},
		} {
			if got := get(path, c.host, c.origin); got != c.want {
				t.Errorf("%s Host %q Origin %q: HTTP %d, want %d", path, c.host, c.origin, got, c.want)
			}
		}
	}
	if get("/index.html", "evil.example", "https://evil.example") != 200 {
		t.Error("the page's own assets are served as before")
	}

	url := pullSocketAddress(t, a)
	h := http.Header{"Origin": {"https://evil.example"}}
	if c, resp, err := websocket.DefaultDialer.Dial(url, h); err == nil {
		c.Close()
		t.Fatal("the socket took a connection from another site's page")
	} else if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("another Origin: %v", err)
	}
	h = http.Header{"Origin": {"wails://wails"}}
	c, _, err := websocket.DefaultDialer.Dial(url, h)
	if err != nil {
		t.Fatalf("the app's page: %v", err)
	}
	c.Close()
}
