package project

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
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
	if interval < 10*time.Millisecond {
		interval = 10 * time.Millisecond
	}
	last, _ := Fingerprint(dir)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fp, err := Fingerprint(dir)
		if err != nil {
			if last != "" {
				last = ""
				onChange(nil, err)
			}
			continue
		}
		if fp == last {
			continue
		}
		last = fp
		onChange(Load(dir))
	}
}
