package secrets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the OS keyring service name the secrets are stored under; the
// account (user) of each item is "<project-id>/<env>/<name>".
const Service = "streamscope"

// DefaultTimeout bounds every keyring call: an unlock prompt nobody answers
// or a daemon that does not reply makes the store fall back to the files
// instead of blocking the command.
const DefaultTimeout = 2 * time.Second

// ModeVar is the environment variable that picks where secrets go:
// "auto" (or unset) uses the OS keyring when one is reachable and the files
// otherwise, "file" uses only the files and never touches the keyring,
// "keyring" requires the keyring (an error when it is unreachable).
const ModeVar = "STREAMSCOPE_SECRETS"

// ErrNotFound is what a Backend returns for an item it does not hold.
var ErrNotFound = keyring.ErrNotFound

// Backend is an OS keyring; OSBackend is the real one.
type Backend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// OSBackend is the platform's keyring through github.com/zalando/go-keyring:
// the Secret Service over the D-Bus session bus on Linux and the BSDs, the
// login keychain on macOS, the Credential Manager on Windows.
type OSBackend struct{}

// Get implements Backend.
func (OSBackend) Get(service, user string) (string, error) { return keyring.Get(service, user) }

// Set implements Backend.
func (OSBackend) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}

// Delete implements Backend.
func (OSBackend) Delete(service, user string) error { return keyring.Delete(service, user) }

// UnavailableError says why the OS keyring could not be used.
type UnavailableError struct {
	Reason error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("OS keyring unavailable (%v)", e.Reason)
}

func (e *UnavailableError) Unwrap() error { return e.Reason }

// Keyring puts a Backend behind a timeout. After its first failure it is
// down for the rest of its life: every later call returns the same
// *UnavailableError at once, so one command waits at most one Timeout.
type Keyring struct {
	Backend Backend
	// Timeout bounds each call; zero means DefaultTimeout.
	Timeout time.Duration
	// Required makes a keyring failure an error of the store instead of a
	// fall back to the files (STREAMSCOPE_SECRETS=keyring).
	Required bool

	mu     sync.Mutex
	down   *UnavailableError
	warned bool
}

// Down returns the failure that took the keyring out of use, or nil.
func (k *Keyring) Down() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.down == nil {
		return nil
	}
	return k.down
}

// markDown records err as the reason the keyring is out of use (the first
// reason wins) and returns the recorded error.
func (k *Keyring) markDown(err error) *UnavailableError {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.down == nil {
		k.down = &UnavailableError{Reason: err}
	}
	return k.down
}

// firstWarning reports whether the fall-back warning is still to be given.
func (k *Keyring) firstWarning() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	first := !k.warned
	k.warned = true
	return first
}

type result struct {
	value string
	err   error
}

// call runs op in a goroutine and waits for it at most the timeout. An
// error other than ErrNotFound takes the keyring down.
func (k *Keyring) call(what string, op func() (string, error)) (string, error) {
	k.mu.Lock()
	down := k.down
	k.mu.Unlock()
	if down != nil {
		return "", down
	}
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	done := make(chan result, 1) // buffered: a late answer does not leak a blocked goroutine
	go func() {
		v, err := op()
		done <- result{v, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err == nil || errors.Is(r.err, ErrNotFound) {
			return r.value, r.err
		}
		return "", k.markDown(fmt.Errorf("%s: %v", what, r.err))
	case <-timer.C:
		return "", k.markDown(fmt.Errorf("%s: no answer within %v", what, timeout))
	}
}

func (k *Keyring) get(account string) (string, error) {
	return k.call("get", func() (string, error) { return k.Backend.Get(Service, account) })
}

func (k *Keyring) set(account, value string) error {
	_, err := k.call("set", func() (string, error) { return "", k.Backend.Set(Service, account, value) })
	return err
}

func (k *Keyring) delete(account string) error {
	_, err := k.call("delete", func() (string, error) { return "", k.Backend.Delete(Service, account) })
	return err
}

// account is the keyring user name of one secret.
func account(projectID, env, name string) (string, error) {
	if !validID(projectID) {
		return "", fmt.Errorf("project id %q is not valid (letters, digits, '-' and '_')", projectID)
	}
	if env == "" || strings.Contains(env, "/") {
		return "", fmt.Errorf("environment name %q cannot key a secret (empty or containing '/')", env)
	}
	if name == "" {
		return "", errors.New("a secret needs a variable name")
	}
	return projectID + "/" + env + "/" + name, nil
}

// keyringPlatform reports whether go-keyring has a keyring for this OS and
// whether it needs the D-Bus session bus for it.
func keyringPlatform(goos string) (supported, needsBus bool) {
	switch goos {
	case "darwin", "windows":
		return true, false
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return true, true
	}
	return false, false
}

// sessionBus says whether a D-Bus session bus is there to ask, the way
// godbus finds one without autolaunching a new bus: DBUS_SESSION_BUS_ADDRESS
// (read through getenv), else <runDir>/bus or <runDir>/dbus-session, runDir
// being /run/user/<uid>. It returns why not when there is none.
func sessionBus(getenv func(string) string, runDir string) (bool, string) {
	if a := getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return true, ""
	}
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(runDir, name)); err == nil {
			return true, ""
		}
	}
	return false, "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset and " + filepath.Join(runDir, "bus") + " does not exist"
}

func userRunDir() string {
	return filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
}

// OpenKeyring returns the OS keyring as ModeVar (read through getenv) asks:
// nil for "file" and for "auto" when no keyring is reachable, an error for
// "keyring" when none is, and for an unknown mode.
func OpenKeyring(getenv func(string) string) (*Keyring, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	return openKeyring(getenv, runtime.GOOS, userRunDir(), OSBackend{})
}

func openKeyring(getenv func(string) string, goos, runDir string, b Backend) (*Keyring, error) {
	mode := strings.TrimSpace(getenv(ModeVar))
	var required bool
	switch mode {
	case "file":
		return nil, nil
	case "", "auto":
	case "keyring":
		required = true
	default:
		return nil, fmt.Errorf("%s=%q: want file, keyring or auto", ModeVar, mode)
	}
	supported, needsBus := keyringPlatform(goos)
	why := "go-keyring has no keyring for " + goos
	if supported && needsBus {
		supported, why = sessionBus(getenv, runDir)
	}
	if !supported {
		if required {
			return nil, fmt.Errorf("%s=keyring: OS keyring unavailable (%s)", ModeVar, why)
		}
		return nil, nil
	}
	return &Keyring{Backend: b, Required: required}, nil
}
