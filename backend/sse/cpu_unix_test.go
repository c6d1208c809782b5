//go:build unix

package sse

import "syscall"

// processCPU returns the user+system CPU seconds of this process (all
// threads, garbage collector included).
func processCPU() (float64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9, true
}
