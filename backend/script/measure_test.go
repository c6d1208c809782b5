package script

import (
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestMeasureBombsAtDefaultLimits runs the classic bombs with the default
// limits and logs how far each got (heap peak over the start, time to
// stop). It allocates up to about a gigabyte, so it runs only when asked:
//
//	STREAMSCOPE_MEASURE=1 go test -run TestMeasureBombsAtDefaultLimits -v ./backend/script/
func TestMeasureBombsAtDefaultLimits(t *testing.T) {
	if os.Getenv("STREAMSCOPE_MEASURE") == "" {
		t.Skip("set STREAMSCOPE_MEASURE=1 to run the memory and regexp bombs at the default limits")
	}
	cases := []struct {
		src   string
		kinds []ErrorKind // how it may be stopped; nil: it must end without error
	}{
		{"var s = 'x'.repeat(1 << 28)", []ErrorKind{KindThrown}},
		// A slow loop may reach the 1 s time limit before the memory limit.
		{"var a = []; for (var i = 0; ; i++) a.push({ n: i, s: 'item' + i });", []ErrorKind{KindMemory, KindTimeout}},
		{"var s = 'x'.repeat(1 << 20); var keep = []; for (;;) { s = s + s; keep.push(s); }", []ErrorKind{KindMemory, KindAbandoned}},
		{"var o = {}; for (var i = 0; ; i++) o['k' + i] = [i, i, i];", []ErrorKind{KindMemory, KindTimeout}},
		// With the default limits the call is abandoned at about 2 s.
		{"/(a+)+\\1$/.test('a'.repeat(40) + 'b')", []ErrorKind{KindAbandoned}},
	}
	for _, c := range cases {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		var peak atomic.Uint64
		stop := make(chan struct{})
		go func() {
			var m runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}()
		prog, err := Compile("bomb.js", "function onEnd(ctx) {\n"+c.src+"\n}")
		if err != nil {
			t.Fatal(err)
		}
		run, err := prog.NewRun(RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		err = run.OnEnd(nil)
		took := time.Since(start)
		run.Close()
		close(stop)
		e := scriptErr(t, err)
		ok := false
		for _, k := range c.kinds {
			ok = ok || e.Kind == k
		}
		if !ok {
			t.Errorf("%s: stopped as %q, want one of %v", c.src, e.Kind, c.kinds)
		}
		t.Logf("%s\n    -> %v\n    returned after %v, heap peak +%d MiB", c.src, err, took.Round(time.Millisecond), (int64(peak.Load())-int64(base))>>20)
	}
}
