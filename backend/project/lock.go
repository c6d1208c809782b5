package project

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// LockTimeout bounds how long Lock waits for another holder of the lock
// before it gives up with an error.
const LockTimeout = 10 * time.Second

// errWouldBlock is what tryLock returns while another holder has the lock.
var errWouldBlock = errors.New("lock held elsewhere")

// Lock takes an exclusive lock on the existing file or directory path,
// shared by every process of the machine (flock(2) on Unix) and by every
// goroutine that takes it through its own Lock call, and returns the
// function that releases it. A holder that never lets go makes Lock fail
// after LockTimeout with an error naming path, rather than wait forever.
// Where the platform has no such lock (Windows), Lock serialises only the
// callers in this process.
//
// Lock is what read-modify-write of shared files holds (environment files,
// the secret store), so that two commands run at once never lose one
// another's update.
func Lock(path string) (unlock func(), err error) {
	inProcess := lockFile(path + "\x00lock")
	f, err := os.Open(path)
	if err != nil {
		inProcess()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	deadline := time.Now().Add(LockTimeout)
	wait := time.Millisecond
	for {
		err = tryLock(f)
		if !errors.Is(err, errWouldBlock) {
			break
		}
		if time.Now().After(deadline) {
			err = fmt.Errorf("another streamscope has held it for %v", LockTimeout)
			break
		}
		time.Sleep(wait)
		wait = min(2*wait, 20*time.Millisecond)
	}
	if err != nil {
		_ = f.Close()
		inProcess()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		unlockFile(f)
		_ = f.Close()
		inProcess()
	}, nil
}
