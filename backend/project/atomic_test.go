package project

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const childEnv = "STREAMSCOPE_ATOMIC_CHILD_FILE"

// contents returns the two versions the child alternates between: large
// enough that a non-atomic write would be caught half done.
func contents() [2][]byte {
	a := bytes.Repeat([]byte("old-version-line\n"), 64*1024)
	b := bytes.Repeat([]byte("NEW+VERSION+LINE\n"), 80*1024)
	return [2][]byte{a, b}
}

// TestAtomicWriterChild is the child process of TestAtomicWriteSurvivesKill:
// it rewrites the file in a loop until killed. It does nothing in a normal run.
func TestAtomicWriterChild(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("helper process for TestAtomicWriteSurvivesKill")
	}
	c := contents()
	for i := 0; ; i++ {
		if err := WriteFileAtomic(path, c[i%2], 0o644); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		if i == 1 {
			fmt.Println("writing")
		}
	}
}

func TestAtomicWriteSurvivesKill(t *testing.T) {
	t.Parallel()
	c := contents()
	dir := t.TempDir()
	path := filepath.Join(dir, "e.endpoint.yaml")
	for round := 0; round < 4; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAtomicWriterChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || strings.TrimSpace(line) != "writing" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("child: %q %v", line, err)
		}
		time.Sleep(time.Duration(3+round*7) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
			t.Fatal(err)
		}
		_ = cmd.Wait()
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !bytes.Equal(got, c[0]) && !bytes.Equal(got, c[1]) {
			t.Fatalf("round %d: file is neither version (%d bytes)", round, len(got))
		}
	}
	// Leftover temporary files are hidden from Load and Fingerprint.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "e.endpoint.yaml" && !isTempName(e.Name()) {
			t.Errorf("unexpected file %s", e.Name())
		}
	}
}

func TestConcurrentWritersAreSerialised(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	ep := &Endpoint{Name: "Busy", URL: "http://x/0"}
	if err := p.SaveEndpoint(ep); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 1; i <= 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			e := *ep
			e.URL = fmt.Sprintf("http://x/%d", i)
			e.Body = &Body{Type: BodyRaw, Text: strings.Repeat(fmt.Sprintf("%d", i%10), 10000+i)}
			if err := p.saveFile(e.File, kindEndpoint, &e); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	q, err := Load(p.Dir)
	if err != nil || len(q.Problems) != 0 || len(q.Endpoints) != 1 {
		t.Fatalf("after concurrent saves: %v %v", err, q.Problems)
	}
	e := q.Endpoints[0]
	var i int
	if _, err := fmt.Sscanf(e.URL, "http://x/%d", &i); err != nil || e.Body.Text != strings.Repeat(fmt.Sprintf("%d", i%10), 10000+i) {
		t.Fatalf("mixed content: url %s, body %d bytes", e.URL, len(e.Body.Text))
	}
	entries, _ := os.ReadDir(p.Dir)
	for _, d := range entries {
		if isTempName(d.Name()) {
			t.Errorf("temporary file left: %s", d.Name())
		}
	}
}

func TestWriteFileAtomicPerm(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "secret.json")
	if err := WriteFileAtomic(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Fatalf("perm %o", perm)
	}
	if err := WriteFileAtomic(filepath.Join(t.TempDir(), "missing", "x"), nil, 0o644); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
}

// Item 22: the temporary name of an atomic write does not grow with the
// target's, so a name near the 255-byte limit can be written.
func TestAtomicWriteOfLongName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, base := range []string{strings.Repeat("漢", 80) + EndpointExt, strings.Repeat("a", 255)} {
		full := filepath.Join(dir, base)
		if err := WriteFileAtomic(full, []byte("x\n"), 0o644); err != nil {
			t.Fatalf("%d-byte name: %v", len(base), err)
		}
		if b, err := os.ReadFile(full); err != nil || string(b) != "x\n" {
			t.Fatalf("read back: %q %v", b, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("left behind: %v", entries)
	}
}
