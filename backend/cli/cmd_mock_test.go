package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestMockServesUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code, err := runMock(ctx, &Env{Stdout: pw, Stderr: &errb}, []string{"--addr", "127.0.0.1:0", "--tps", "0"})
		if err != nil {
			t.Errorf("runMock: %v", err)
		}
		pw.Close()
		done <- code
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	url := strings.TrimSpace(line)
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("first line %q is not a loopback base URL", line)
	}
	resp, err := http.Post(url+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasSuffix(string(body), "data: [DONE]\n\n") {
		t.Fatalf("status %d body %q", resp.StatusCode, body)
	}
	go io.Copy(io.Discard, pr)
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("mock did not stop after cancel")
	}
	if !strings.Contains(errb.String(), "/v1/messages") {
		t.Errorf("stderr does not list the endpoints: %q", errb.String())
	}
	for _, h := range []string{"X-Mock-Fault", "X-Mock-TPS", "X-Mock-TTFT-Ms", "X-Mock-Tokens", "X-Mock-Stamp"} {
		if !strings.Contains(errb.String(), h+": ") {
			t.Errorf("stderr does not list the header %s: %q", h, errb.String())
		}
	}
}

func TestMockUsageErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"mock", "--addr", "nope"}, "--addr"},
		{[]string{"mock", "--addr", "127.0.0.1:99999"}, "127.0.0.1:99999"},
		{[]string{"mock", "extra"}, `"extra"`},
		{[]string{"mock", "--tps", "-1"}, "--tps"},
		{[]string{"mock", "--ttft-ms", "-1"}, "--ttft-ms"},
		{[]string{"mock", "--bogus"}, "bogus"},
	}
	for _, tc := range cases {
		code, out, errOut := runMain(t, tc.args...)
		// One error line (the flag package may print the usage before it).
		last := errOut[strings.LastIndex(strings.TrimSuffix(errOut, "\n"), "\n")+1:]
		if code != ExitUsage || out != "" || strings.Count(errOut, "streamscope mock:") != 1 || !strings.HasPrefix(last, "streamscope mock: ") || !strings.Contains(last, tc.want) {
			t.Errorf("%v: code %d, stdout %q, stderr %q; want exit 2 and one line naming %s", tc.args, code, out, errOut, tc.want)
		}
	}
}

// TestMockChildProcess is the child side of TestMockStopsOnSignal.
func TestMockChildProcess(t *testing.T) {
	if os.Getenv("STREAMSCOPE_MOCK_CHILD") != "1" {
		t.Skip("runs only as the child of TestMockStopsOnSignal")
	}
	os.Exit(Main([]string{"mock"}, &Env{}))
}

func TestMockStopsOnSignal(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMockChildProcess$")
		cmd.Env = append(os.Environ(), "STREAMSCOPE_MOCK_CHILD=1")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "http://127.0.0.1:") {
			_ = cmd.Process.Kill()
			t.Fatalf("first stdout line %q, %v", line, err)
		}
		resp, err := http.Get(strings.TrimSpace(line) + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		go func() { errc <- cmd.Wait() }()
		select {
		case err := <-errc:
			if err != nil {
				t.Fatalf("%v: exit %v, want 0", sig, err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("%v: mock still running", sig)
		}
	}
}
