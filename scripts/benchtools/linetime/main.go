// Command linetime runs a command and times, from outside, the lines it
// writes to one of its output streams: when the first and second lines
// matching a pattern appear, when the last one appears, how many there
// are, and the command's own CPU time (user and system, from wait4). It
// is the stopwatch of scripts/bench-e2e, used the same way for every
// contender (curl -N, streamscope send), and prints one JSON object:
//
//	linetime -stream stdout -match '^data:' -- curl -sN URL
//
// Only the first 80 bytes of each line are matched; the other stream goes
// to /dev/null. Times are milliseconds since the command was started.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"time"
)

type result struct {
	Lines    int     `json:"lines"`
	FirstMs  float64 `json:"first_ms"`
	SecondMs float64 `json:"second_ms"`
	LastMs   float64 `json:"last_ms"`
	WallMs   float64 `json:"wall_ms"`
	UserS    float64 `json:"user_s"`
	SysS     float64 `json:"sys_s"`
	MaxRSSKB int64   `json:"max_rss_kb"`
	Exit     int     `json:"exit"`
}

func main() {
	stream := flag.String("stream", "stdout", "the stream to read: stdout or stderr")
	match := flag.String("match", ".", "regular expression matched against the start (80 bytes) of each line")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: linetime [-stream stdout|stderr] [-match REGEXP] -- COMMAND [ARG...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 || (*stream != "stdout" && *stream != "stderr") {
		flag.Usage()
		os.Exit(2)
	}
	re, err := regexp.Compile(*match)
	if err != nil {
		fmt.Fprintf(os.Stderr, "linetime: -match %q: %v\n", *match, err)
		os.Exit(2)
	}
	r, err := run(flag.Args(), *stream == "stderr", re)
	if err != nil {
		fmt.Fprintf(os.Stderr, "linetime: %v\n", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}

func run(args []string, stderr bool, re *regexp.Regexp) (*result, error) {
	cmd := exec.Command(args[0], args[1:]...)
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	if stderr {
		cmd.Stderr = pw
	} else {
		cmd.Stdout = pw
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", args[0], err)
	}
	pw.Close()
	ms := func() float64 { return float64(time.Since(start).Microseconds()) / 1000 }
	r := &result{FirstMs: -1, SecondMs: -1, LastMs: -1}
	br := bufio.NewReaderSize(pr, 1<<20)
	atStart := true
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 && atStart {
			head := line[:min(len(line), 80)]
			if re.Match(head) {
				t := ms()
				r.Lines++
				switch r.Lines {
				case 1:
					r.FirstMs = t
				case 2:
					r.SecondMs = t
				}
				r.LastMs = t
			}
		}
		// A line longer than the buffer arrives in pieces; only its first
		// piece is matched.
		atStart = err == nil
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the output of %s: %w", args[0], err)
		}
	}
	werr := cmd.Wait()
	r.WallMs = ms()
	var exit *exec.ExitError
	if werr != nil && !errors.As(werr, &exit) {
		return nil, werr
	}
	r.Exit = cmd.ProcessState.ExitCode()
	r.UserS = cmd.ProcessState.UserTime().Seconds()
	r.SysS = cmd.ProcessState.SystemTime().Seconds()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSSKB = ru.Maxrss
	}
	return r, nil
}
