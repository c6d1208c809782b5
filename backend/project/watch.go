package project

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Fingerprint summarises the project's files (path, size and modification
// time of every file Load reads): it changes whenever one is added,
// removed or rewritten, by the app or by anything else (an editor, a git
// pull).
func Fingerprint(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, full)
		rel = filepath.ToSlash(rel)
		name := d.Name()
		if rel != "." && (strings.HasPrefix(name, ".") || isTempName(name)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel == RecordingsDir {
				return filepath.SkipDir
			}
			fmt.Fprintf(h, "d %s\n", rel)
			if rel != "." && checkFolderLimits(rel) != nil {
				return filepath.SkipDir // Load reads nothing below it either
			}
			return nil
		}
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".js") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed while walking: the next poll sees it
		}
		fmt.Fprintf(h, "f %s %d %d\n", rel, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Watch polls dir every interval (at least 10ms) until ctx ends and calls
// onChange with the freshly loaded project whenever its files changed (a
// reload error is passed instead when the folder became unreadable). It
// polls modification times rather than using OS notifications, so it works
// the same on every platform and file system, network mounts included.
func Watch(ctx context.Context, dir string, interval time.Duration, onChange func(*Project, error)) {
	w := &Watcher{Dir: dir, Interval: interval}
	w.Seen()
	w.Run(ctx, func(p *Project, err error) func() {
		onChange(p, err)
		return nil
	})
}

// A Watcher polls a project's folder (Fingerprint) and reports the
// changes that others made: a program that writes the folder itself calls
// Seen after each write, under Lock, so that its own writes are never
// reported, nor seen half done.
type Watcher struct {
	Dir string
	// Interval is the time between polls (at least 10ms).
	Interval time.Duration
	// Lock, when set, is held around each poll and its onChange call.
	Lock sync.Locker

	last string // the fingerprint seen last ("" after an error)
}

// Seen takes the folder as it is now as seen: the next poll reports only
// what changes after it. A caller with a Lock holds it.
func (w *Watcher) Seen() {
	w.last, _ = Fingerprint(w.Dir)
}

// Run polls until ctx ends. When the folder changed, onChange gets the
// project read again (or the error when the folder or the project could
// not be read; an unreadable folder is reported once, until it reads
// again), under Lock; the function it returns, when not nil, runs after
// Lock is released (to tell others, say).
func (w *Watcher) Run(ctx context.Context, onChange func(*Project, error) func()) {
	iv := max(w.Interval, 10*time.Millisecond)
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if after := w.poll(ctx, onChange); after != nil {
			after()
		}
	}
}

func (w *Watcher) poll(ctx context.Context, onChange func(*Project, error) func()) func() {
	if w.Lock != nil {
		w.Lock.Lock()
		defer w.Lock.Unlock()
	}
	if ctx.Err() != nil {
		return nil
	}
	fp, err := Fingerprint(w.Dir)
	if err != nil {
		if w.last == "" {
			return nil
		}
		w.last = ""
		return onChange(nil, err)
	}
	if fp == w.last {
		return nil
	}
	w.last = fp
	return onChange(Load(w.Dir))
}
