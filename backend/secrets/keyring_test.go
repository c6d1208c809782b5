package secrets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeKeyring is a Backend in memory. With err set every call fails; with
// block set every call waits until block is closed.
type fakeKeyring struct {
	mu    sync.Mutex
	items map[string]string // service + "\x00" + user -> value
	calls int
	err   error
	block chan struct{}
}

func newFake() *fakeKeyring { return &fakeKeyring{items: map[string]string{}} }

func (f *fakeKeyring) enter() error {
	f.mu.Lock()
	f.calls++
	block, err := f.block, f.err
	f.mu.Unlock()
	if block != nil {
		<-block
	}
	return err
}

func (f *fakeKeyring) Get(service, user string) (string, error) {
	if err := f.enter(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.items[service+"\x00"+user]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (f *fakeKeyring) Set(service, user, password string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items[service+"\x00"+user] = password
	return nil
}

func (f *fakeKeyring) Delete(service, user string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.items[service+"\x00"+user]; !ok {
		return ErrNotFound
	}
	delete(f.items, service+"\x00"+user)
	return nil
}

func (f *fakeKeyring) item(user string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.items[Service+"\x00"+user]
	return v, ok
}

func (f *fakeKeyring) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// warnings collects what a FileStore's Warn receives.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(m string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, m)
}

func (w *warnings) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs...)
}

func storeWith(t *testing.T, b Backend, required bool) (*FileStore, *warnings) {
	t.Helper()
	w := &warnings{}
	s := &FileStore{
		Dir:     filepath.Join(t.TempDir(), "cfg", "streamscope", "secrets"),
		Keyring: &Keyring{Backend: b, Timeout: 100 * time.Millisecond, Required: required},
		Warn:    w.add,
	}
	return s, w
}

func wantGet(t *testing.T, s *FileStore, id, env, name, want string) {
	t.Helper()
	v, ok, err := s.Get(id, env, name)
	if err != nil || !ok || v != want {
		t.Fatalf("Get %s/%s/%s = %q %v %v, want %q", id, env, name, v, ok, err, want)
	}
}

func fileHolds(t *testing.T, s *FileStore, id, env, name string) (string, bool) {
	t.Helper()
	files := &FileStore{Dir: s.Dir}
	v, ok, err := files.Get(id, env, name)
	if err != nil {
		t.Fatal(err)
	}
	return v, ok
}

func TestOpenKeyring(t *testing.T) {
	t.Parallel()
	withBus := t.TempDir()
	if err := os.WriteFile(filepath.Join(withBus, "bus"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	noBus := t.TempDir()
	const addr = "unix:path=/run/user/1000/bus"
	cases := []struct {
		name     string
		env      map[string]string
		goos     string
		runDir   string
		want     bool   // a keyring is returned
		required bool   // and it is required
		err      string // or this error
	}{
		{"headless linux", nil, "linux", noBus, false, false, ""},
		{"bus address", map[string]string{"DBUS_SESSION_BUS_ADDRESS": addr}, "linux", noBus, true, false, ""},
		{"default socket", nil, "linux", withBus, true, false, ""},
		{"autolaunch is no bus", map[string]string{"DBUS_SESSION_BUS_ADDRESS": "autolaunch:"}, "linux", noBus, false, false, ""},
		{"auto spelled out", map[string]string{ModeVar: "auto", "DBUS_SESSION_BUS_ADDRESS": addr}, "linux", noBus, true, false, ""},
		{"file forced", map[string]string{ModeVar: "file", "DBUS_SESSION_BUS_ADDRESS": addr}, "linux", withBus, false, false, ""},
		{"file forced on macOS", map[string]string{ModeVar: "file"}, "darwin", noBus, false, false, ""},
		{"keyring required", map[string]string{ModeVar: "keyring", "DBUS_SESSION_BUS_ADDRESS": addr}, "linux", noBus, true, true, ""},
		{"keyring required, no bus", map[string]string{ModeVar: "keyring"}, "linux", noBus, false, false, "STREAMSCOPE_SECRETS=keyring: OS keyring unavailable (no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset"},
		{"macOS needs no bus", nil, "darwin", noBus, true, false, ""},
		{"windows needs no bus", nil, "windows", noBus, true, false, ""},
		{"no keyring on plan9", nil, "plan9", withBus, false, false, ""},
		{"required on plan9", map[string]string{ModeVar: "keyring"}, "plan9", withBus, false, false, "no keyring for plan9"},
		{"unknown mode", map[string]string{ModeVar: "vault"}, "linux", withBus, false, false, `STREAMSCOPE_SECRETS="vault": want file, keyring or auto`},
	}
	for _, c := range cases {
		b := newFake()
		k, err := openKeyring(func(n string) string { return c.env[n] }, c.goos, c.runDir, b)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
		case (k != nil) != c.want:
			t.Errorf("%s: keyring %v, want %v", c.name, k != nil, c.want)
		case k != nil && (k.Required != c.required || k.Backend != Backend(b)):
			t.Errorf("%s: required %v backend %T", c.name, k.Required, k.Backend)
		}
		if b.callCount() != 0 {
			t.Errorf("%s: opening talked to the keyring", c.name)
		}
	}
}

func TestDefaultMode(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": cfg, ModeVar: "file", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
	s, err := Default(func(n string) string { return env[n] })
	if err != nil || s.Keyring != nil || s.Dir != filepath.Join(cfg, "streamscope", "secrets") {
		t.Fatalf("file mode: %+v %v", s, err)
	}
	if s.Where() != s.Dir {
		t.Errorf("Where %q", s.Where())
	}
	env[ModeVar] = "keyrign"
	if _, err := Default(func(n string) string { return env[n] }); err == nil || !strings.Contains(err.Error(), ModeVar) {
		t.Errorf("bad mode: %v", err)
	}
}

func TestKeyringInFront(t *testing.T) {
	t.Parallel()
	b := newFake()
	s, w := storeWith(t, b, false)
	must(t, s.Set("p1", "dev", "OPENAI_API_KEY", "sk-1"))
	must(t, s.Set("p1", "prod", "OPENAI_API_KEY", "sk-2"))
	if v, ok := b.item("p1/dev/OPENAI_API_KEY"); !ok || v != "sk-1" {
		t.Fatalf("keyring item %q %v", v, ok)
	}
	if _, err := os.Stat(s.Dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the files were touched: %v", err)
	}
	wantGet(t, s, "p1", "dev", "OPENAI_API_KEY", "sk-1")
	wantGet(t, s, "p1", "prod", "OPENAI_API_KEY", "sk-2")
	if _, ok, err := s.Get("p1", "dev", "missing"); ok || err != nil {
		t.Fatalf("missing secret: %v %v", ok, err)
	}
	must(t, s.Delete("p1", "dev", "OPENAI_API_KEY"))
	must(t, s.Delete("p1", "dev", "never-set"))
	if _, ok := b.item("p1/dev/OPENAI_API_KEY"); ok {
		t.Fatal("deleted item still in the keyring")
	}
	if _, ok, _ := s.Get("p1", "dev", "OPENAI_API_KEY"); ok {
		t.Fatal("deleted secret still found")
	}
	if !strings.Contains(s.Where(), "OS keyring") || len(w.list()) != 0 {
		t.Fatalf("where %q, warnings %v", s.Where(), w.list())
	}
	if err := s.Set("p1", "a/b", "k", "v"); err == nil || !strings.Contains(err.Error(), `"a/b"`) {
		t.Fatalf("env with '/': %v", err)
	}
	if err := s.Set("../p", "dev", "k", "v"); err == nil || !strings.Contains(err.Error(), "project id") {
		t.Fatalf("bad project id: %v", err)
	}
}

func TestFileValuesStillFound(t *testing.T) {
	t.Parallel()
	b := newFake()
	s, w := storeWith(t, b, false)
	old := &FileStore{Dir: s.Dir}
	must(t, old.Set("p1", "dev", "a", "from-file-a"))
	must(t, old.Set("p1", "dev", "b", "from-file-b"))
	wantGet(t, s, "p1", "dev", "a", "from-file-a")
	// Setting a value moves it into the keyring and out of the file.
	must(t, s.Set("p1", "dev", "a", "new-a"))
	if _, ok := fileHolds(t, s, "p1", "dev", "a"); ok {
		t.Fatal("the old value stayed in the file")
	}
	wantGet(t, s, "p1", "dev", "a", "new-a")
	wantGet(t, s, "p1", "dev", "b", "from-file-b")
	// A newer file value (written while the keyring was away) wins.
	must(t, old.Set("p1", "dev", "a", "newer-a"))
	wantGet(t, s, "p1", "dev", "a", "newer-a")
	// Delete removes both.
	must(t, s.Delete("p1", "dev", "a"))
	if _, ok, _ := s.Get("p1", "dev", "a"); ok {
		t.Fatal("deleted secret still found")
	}
	if len(w.list()) != 0 {
		t.Fatalf("warnings %v", w.list())
	}
}

func TestFallBack(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		fake   func() *fakeKeyring
		reason string
	}{
		{"error", func() *fakeKeyring {
			f := newFake()
			f.err = errors.New("org.freedesktop.DBus.Error.ServiceUnknown")
			return f
		}, "set: org.freedesktop.DBus.Error.ServiceUnknown"},
		{"no answer", func() *fakeKeyring {
			f := newFake()
			f.block = make(chan struct{})
			return f
		}, "set: no answer within 100ms"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := c.fake()
			if b.block != nil {
				t.Cleanup(func() { close(b.block) })
			}
			s, w := storeWith(t, b, false)
			start := time.Now()
			must(t, s.Set("p1", "dev", "k", "v1"))
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("Set waited %v for the keyring", d)
			}
			must(t, s.Set("p1", "dev", "k2", "v2"))
			wantGet(t, s, "p1", "dev", "k", "v1")
			wantGet(t, s, "p1", "dev", "k2", "v2")
			if _, ok, err := s.Get("p1", "dev", "missing"); ok || err != nil {
				t.Fatalf("missing: %v %v", ok, err)
			}
			if v, ok := fileHolds(t, s, "p1", "dev", "k"); !ok || v != "v1" {
				t.Fatalf("file holds %q %v", v, ok)
			}
			must(t, s.Delete("p1", "dev", "k2"))
			if _, ok := fileHolds(t, s, "p1", "dev", "k2"); ok {
				t.Fatal("delete left the file entry")
			}
			if n := b.callCount(); n != 1 {
				t.Fatalf("the keyring was asked %d times after failing, want once", n)
			}
			want := fmt.Sprintf("secrets: OS keyring unavailable (%s); using %s", c.reason, s.Dir)
			if got := w.list(); len(got) != 1 || got[0] != want {
				t.Fatalf("warnings %q, want [%q]", got, want)
			}
			if s.Where() != s.Dir {
				t.Fatalf("where %q", s.Where())
			}
		})
	}
}

func TestKeyringRequired(t *testing.T) {
	t.Parallel()
	b := newFake()
	b.err = errors.New("collection is locked")
	s, w := storeWith(t, b, true)
	old := &FileStore{Dir: s.Dir}
	must(t, old.Set("p1", "dev", "old", "from-file"))
	err := s.Set("p1", "dev", "k", "v")
	if err == nil || !strings.Contains(err.Error(), "STREAMSCOPE_SECRETS=keyring: OS keyring unavailable (set: collection is locked)") {
		t.Fatalf("required keyring failing: %v", err)
	}
	if _, ok := fileHolds(t, s, "p1", "dev", "k"); ok {
		t.Fatal("the value went to the file although the keyring is required")
	}
	// Values written to the file earlier stay readable.
	wantGet(t, s, "p1", "dev", "old", "from-file")
	if _, _, err := s.Get("p1", "dev", "k"); err == nil {
		t.Fatal("Get of a secret the required keyring cannot answer for: no error")
	}
	if err := s.Delete("p1", "dev", "old"); err == nil {
		t.Fatal("Delete with the required keyring failing: no error")
	}
	if len(w.list()) != 0 {
		t.Fatalf("warnings %v (the error says it)", w.list())
	}
}

func TestFileModeNeverTouchesKeyring(t *testing.T) {
	t.Parallel()
	b := newFake()
	runDir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(runDir, "bus"), nil, 0o600))
	env := map[string]string{ModeVar: "file", "DBUS_SESSION_BUS_ADDRESS": "unix:path=" + filepath.Join(runDir, "bus")}
	k, err := openKeyring(func(n string) string { return env[n] }, "linux", runDir, b)
	if err != nil {
		t.Fatal(err)
	}
	s := &FileStore{Dir: t.TempDir(), Keyring: k}
	must(t, s.Set("p1", "dev", "k", "v"))
	wantGet(t, s, "p1", "dev", "k", "v")
	must(t, s.Delete("p1", "dev", "k"))
	if b.callCount() != 0 {
		t.Fatalf("STREAMSCOPE_SECRETS=file: the keyring was called %d times", b.callCount())
	}
}

// TestNothingInProjectFolder runs from inside a project folder: whichever
// way a secret goes, nothing lands there.
func TestNothingInProjectFolder(t *testing.T) {
	proj := filepath.Join(t.TempDir(), "project")
	must(t, os.MkdirAll(proj, 0o755))
	t.Chdir(proj)
	const secret = "sk-never-in-the-project"
	working := newFake()
	failing := newFake()
	failing.err = errors.New("no such interface")
	for _, b := range []*fakeKeyring{working, failing} {
		s, _ := storeWith(t, b, false)
		must(t, s.Set("p1", "dev", "k", secret))
		wantGet(t, s, "p1", "dev", "k", secret)
	}
	err := filepath.WalkDir(proj, func(p string, d fs.DirEntry, err error) error {
		if err == nil && p != proj {
			err = fmt.Errorf("%s written into the project folder", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRealKeyring talks to the OS keyring when one answers, e.g.:
//
//	dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets; go test -run TestRealKeyring ./backend/secrets'
func TestRealKeyring(t *testing.T) {
	if os.Getenv(ModeVar) == "file" {
		t.Skip("STREAMSCOPE_SECRETS=file")
	}
	k, err := OpenKeyring(func(n string) string {
		if n == ModeVar {
			return "keyring"
		}
		return os.Getenv(n)
	})
	if err != nil {
		t.Skipf("no OS keyring to test against: %v", err)
	}
	k.Timeout = 5 * time.Second
	id := fmt.Sprintf("streamscope-test-%d-%d", os.Getpid(), time.Now().UnixNano()%1e9)
	if _, err := k.get(id + "/probe/x"); err != nil && !errors.Is(err, ErrNotFound) {
		t.Skipf("no Secret Service answering: %v", err)
	}
	s := &FileStore{Dir: filepath.Join(t.TempDir(), "secrets"), Keyring: k}
	t.Cleanup(func() { _ = s.Delete(id, "dev", "API_KEY") })
	must(t, s.Set(id, "dev", "API_KEY", "real-keyring-value"))
	if v, err := (OSBackend{}).Get(Service, id+"/dev/API_KEY"); err != nil || v != "real-keyring-value" {
		t.Fatalf("keyring item %q %v", v, err)
	}
	if _, err := os.Stat(s.Dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the file store was written: %v", err)
	}
	wantGet(t, s, id, "dev", "API_KEY", "real-keyring-value")
	must(t, s.Delete(id, "dev", "API_KEY"))
	if _, err := (OSBackend{}).Get(Service, id+"/dev/API_KEY"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after Delete: %v", err)
	}
	if k.Down() != nil {
		t.Fatal(k.Down())
	}
}
