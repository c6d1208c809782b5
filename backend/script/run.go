package script

import (
	_ "embed"
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/dop251/goja"

	"github.com/streamscope/streamscope/backend/merge"
)

//go:embed assets/guard.js
var guardSource string

//go:embed assets/chai.js
var chaiSource string

var (
	guardProgram = sync.OnceValue(func() *goja.Program {
		return goja.MustCompile("streamscope-guard.js", guardSource, true)
	})
	// chai's UMD wrapper needs a sloppy-mode `this` to find the global object.
	chaiProgram = sync.OnceValue(func() *goja.Program {
		return goja.MustCompile("chai.js", chaiSource, false)
	})
)

// hostString is s as a script value. goja keeps ASCII as it is and
// converts anything else to UTF-16 (2 bytes a code unit), which is counted
// in hostAlloc.
func (r *Run) hostString(s string) goja.Value {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			r.hostAlloc.Add(int64(2 * len(s)))
			break
		}
	}
	return r.rt.ToValue(s)
}

// ErrClosed is returned by calls on a closed Run.
var ErrClosed = errors.New("script: run is closed")

// pollInterval is how often a running call's deadline and heap growth are
// checked.
const pollInterval = 2 * time.Millisecond

// maxApplyArgs caps the argument list built from an array
// (Function.prototype.apply, Reflect.apply, Reflect.construct).
const maxApplyArgs = 1 << 20

const (
	heapMetric     = "/memory/classes/heap/objects:bytes" // live and not yet collected
	liveHeapMetric = "/gc/heap/live:bytes"                // live, as of the last collection
	gcCyclesMetric = "/gc/cycles/total:gc-cycles"         // collections so far
	allocsMetric   = "/gc/heap/allocs:bytes"              // allocated so far
)

// Indexes in Run.samples.
const (
	sampleHeap = iota
	sampleLive
	sampleCycles
	sampleAllocs
)

// limitErr is the value a call is interrupted with.
type limitErr struct {
	kind ErrorKind
	msg  string
}

func (e *limitErr) Error() string { return e.msg }

// Run is one run of a Program over one stream. Its methods must be called
// from one goroutine at a time; the script itself runs on the Run's own
// goroutine.
type Run struct {
	prog    *Program
	lim     Limits
	timeout time.Duration
	vars    VarStore
	resp    ResponseInfo

	rt      *goja.Runtime
	work    chan func()
	done    chan *Error
	exited  chan struct{} // closed when the worker goroutine ends
	timer   *time.Timer
	samples []metrics.Sample

	// The run's memory base: the live heap measured by a collection
	// started with the run (runBase), and the count of collections then.
	// baseReady is closed once they are set.
	baseReady  chan struct{}
	runBase    int64
	baseCycles uint64
	// forcedAt is the bytes allocated so far by the process when runGrowth
	// last started a collection (forced says whether it did).
	forcedAt uint64
	forced   bool

	// hostAlloc counts what the host allocated for the script in the call
	// in progress (strings converted to UTF-16, the result's builders),
	// which the per-call heap watch does not count as the script's jumps.
	hostAlloc atomic.Int64

	// The call in progress: set before a call is handed to the worker and
	// read by it during the call.
	phase string
	seq   int

	onEvent, onEnd goja.Callable
	ctx            *goja.Object
	jsonParse      goja.Callable
	stringify      goja.Callable
	freeze         goja.Callable
	describeFn     goja.Callable // assets/guard.js: a thrown value's message
	mkEvent        func(Event) goja.Value
	expect         goja.Value
	locals         map[string]string // pm.variables set by the script
	rxCosts        map[string]int64  // regexpCost by flags and pattern

	failed *Error // the first error; later calls return it
	closed bool

	// mu guards what follows, and the result of the call in progress,
	// against the goroutine of an abandoned call.
	mu        sync.Mutex
	abandoned bool
	res       *merge.Result
	snap      goja.Value // ctx.result, cached until the result changes
	tests     []TestResult
	logs      []LogEntry
	logBytes  int
	outBytes  int
	ov        overlay
	contentB  strings.Builder
	lastC     string
	reasonB   strings.Builder
	lastR     string
}

// overlay is everything the script changed in the result, to re-apply on a
// fresh result from the built-in merger (Apply).
type overlay struct {
	content, reasoning strings.Builder
	finishSet          bool
	finish             *string
	tools              []merge.ToolCall
	fail               *merge.StreamError
}

// NewRun starts a run: a fresh runtime with the sandbox and the script API,
// then the script's top-level code. A failure of the top-level code is
// returned as an *Error (the run is closed then).
func (p *Program) NewRun(opts RunOptions) (*Run, error) {
	r := &Run{
		prog:      p,
		lim:       opts.Limits.withDefaults(),
		timeout:   opts.Timeout,
		vars:      opts.Vars,
		resp:      opts.Response,
		work:      make(chan func()),
		done:      make(chan *Error, 1),
		exited:    make(chan struct{}),
		samples:   []metrics.Sample{{Name: heapMetric}, {Name: liveHeapMetric}, {Name: gcCyclesMetric}, {Name: allocsMetric}},
		baseReady: make(chan struct{}),
		locals:    map[string]string{},
		rxCosts:   map[string]int64{},
	}
	if r.timeout <= 0 {
		r.timeout = DefaultTimeout
	}
	if r.vars == nil {
		r.vars = MapVars{}
	}
	// The runtime is made here, so that the caller may Interrupt it while
	// the worker sets it up.
	r.rt = goja.New()
	go r.measureBase()
	r.timer = time.NewTimer(time.Hour)
	r.timer.Stop()
	go r.worker()
	r.mkEvent = r.dynamicEvent
	// Setting up the sandbox is not the script's time: it gets its own,
	// generous limit (it is slow only on a very busy machine).
	limit := r.timeout
	r.timeout = max(limit, setupTimeout)
	err := r.call("setup", 0, nil, r.setup)
	r.timeout = limit
	if err == nil {
		err = r.call("load", 0, nil, r.load)
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Run) worker() {
	defer close(r.exited)
	for f := range r.work {
		f()
	}
}

// setupTimeout is the time limit of setting up a run's sandbox and API.
const setupTimeout = 10 * time.Second

// setup installs the sandbox and the script API in the runtime.
func (r *Run) setup() error {
	rt := r.rt
	rt.SetFieldNameMapper(goja.TagFieldNameMapper("json", true))
	rt.SetMaxCallStackSize(r.lim.MaxCallStack)
	obj := func(name string) *goja.Object { return rt.Get(name).ToObject(rt) }
	r.installJSONParse()
	r.freeze, _ = goja.AssertFunction(obj("Object").Get("freeze"))
	guard, err := rt.RunProgram(guardProgram())
	if err != nil {
		return fmt.Errorf("sandbox prelude: %w", err)
	}
	install, _ := goja.AssertFunction(guard)
	giveUp := rt.ToValue(regexp2.DefaultMatchTimeout.Milliseconds() * 9 / 10)
	units := rt.ToValue(func(s string) int { return codeUnits(s, MaxCodeTokens) })
	describe, err := install(goja.Undefined(), rt.ToValue(r.lim.MaxStringLength), rt.ToValue(r.lim.MaxArrayLength), rt.ToValue(maxApplyArgs), giveUp,
		rt.ToValue(MaxCodeTokens), units, rt.ToValue(MaxRegexpLength), r.sizeHelpers())
	if err != nil {
		return fmt.Errorf("sandbox prelude: %w", err)
	}
	r.describeFn, _ = goja.AssertFunction(describe)
	r.stringify, _ = goja.AssertFunction(obj("JSON").Get("stringify"))
	r.installAPI()
	return nil
}

// load runs the script's top-level code.
func (r *Run) load() error {
	rt := r.rt
	if _, err := rt.RunProgram(r.prog.prg); err != nil {
		return err
	}
	r.onEvent, _ = goja.AssertFunction(rt.Get("onEvent"))
	r.onEnd, _ = goja.AssertFunction(rt.Get("onEnd"))
	return nil
}

// HasOnEvent reports whether the script defines onEvent.
func (r *Run) HasOnEvent() bool { return r.onEvent != nil }

// OnEvent calls the script's onEvent(event, ctx), if defined, with res as
// the result that ctx reads and changes.
func (r *Run) OnEvent(ev Event, res *merge.Result) error {
	if r.onEvent == nil {
		return r.failedErr()
	}
	return r.call("onEvent", ev.Seq, res, func() error {
		_, err := r.onEvent(goja.Undefined(), r.mkEvent(ev), r.ctx)
		return err
	})
}

// OnEnd calls the script's onEnd(ctx), if defined.
func (r *Run) OnEnd(res *merge.Result) error {
	if r.onEnd == nil {
		return r.failedErr()
	}
	return r.call("onEnd", 0, res, func() error {
		_, err := r.onEnd(goja.Undefined(), r.ctx)
		return err
	})
}

func (r *Run) failedErr() error {
	if r.failed != nil {
		return r.failed
	}
	if r.closed {
		return ErrClosed
	}
	return nil
}

// Err returns the run's first error (a thrown exception, an interrupted or
// abandoned call), or nil.
func (r *Run) Err() error {
	if r.failed == nil {
		return nil
	}
	return r.failed
}

// Tests returns the pm.test results so far, in order.
func (r *Run) Tests() []TestResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]TestResult(nil), r.tests...)
}

// Logs returns the console output so far, in order.
func (r *Run) Logs() []LogEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]LogEntry(nil), r.logs...)
}

// Close ends the run's goroutine (for an abandoned run: once its stuck call
// returns). It is safe to call more than once.
func (r *Run) Close() {
	if r.closed {
		return
	}
	r.closed = true
	close(r.work)
}

// Apply re-applies every change the script made so far (appended text,
// finish reason, tool calls, ctx.fail) to res. Use it when the script runs
// after the built-in merge, on each fresh result the merger returns.
func (r *Run) Apply(res *merge.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ov.content.Len() > 0 {
		res.Content += r.ov.content.String()
	}
	if r.ov.reasoning.Len() > 0 {
		res.Reasoning += r.ov.reasoning.String()
	}
	if r.ov.finishSet {
		res.FinishReason = r.ov.finish
	}
	for _, tc := range r.ov.tools {
		tc.Index = len(res.ToolCalls)
		res.ToolCalls = append(res.ToolCalls, tc)
	}
	if r.ov.fail != nil {
		markFailed(res, *r.ov.fail)
	}
}

func markFailed(res *merge.Result, e merge.StreamError) {
	res.Error = &e
	res.Complete = false
	res.Verdict = merge.VerdictError
}

// call runs fn on the worker goroutine under the time and memory limits.
func (r *Run) call(phase string, seq int, res *merge.Result, fn func() error) error {
	if err := r.failedErr(); err != nil {
		return err
	}
	if res == nil {
		res = &merge.Result{}
	}
	r.rt.ClearInterrupt()
	r.phase, r.seq = phase, seq
	r.mu.Lock()
	r.res, r.snap = res, nil
	r.mu.Unlock()
	r.hostAlloc.Store(0)
	heap := r.startHeap()
	// The error is described on the worker, inside the call: describing a
	// thrown value may run the script's code (a message getter, toString, a
	// Proxy trap), which must stay under the same limits.
	r.work <- func() { r.done <- r.toError(r.protect(fn), phase, seq) }

	start := time.Now()
	deadline := start.Add(r.timeout)
	r.timer.Reset(min(pollInterval, r.timeout))
	var (
		interruptedAt time.Time
		why           *limitErr // what the call was interrupted for
	)
	for {
		select {
		case e := <-r.done:
			r.timer.Stop()
			if e == nil {
				// What the call keeps counts toward the run's limit (the
				// call may be over before a sample saw it).
				if grown, over := r.runGrowth(); over {
					e = r.runMemoryError(phase, seq, grown)
				}
			}
			r.mu.Lock()
			r.res, r.snap = nil, nil
			r.mu.Unlock()
			if e != nil {
				r.failed = e
				return r.failed
			}
			return nil
		case now := <-r.timer.C:
			switch {
			case !interruptedAt.IsZero():
				if now.Sub(interruptedAt) >= r.lim.Grace {
					return r.abandon(phase, seq, now.Sub(start), why)
				}
			case !now.Before(deadline):
				why = &limitErr{KindTimeout, fmt.Sprintf("interrupted: the call ran longer than its limit of %v", r.timeout)}
			default:
				if grown, over := r.heapGrowth(&heap); over {
					why = &limitErr{KindMemory, fmt.Sprintf("interrupted: the call grew the heap by %d MiB, past the limit of %d MiB", grown>>20, r.lim.MaxMemory>>20)}
				} else if grown, over := r.runGrowth(); over {
					why = &limitErr{KindMemory, "interrupted: " + r.runMemoryMessage(grown)}
				}
			}
			if why != nil && interruptedAt.IsZero() {
				r.rt.Interrupt(why)
				interruptedAt = now
			}
			next := pollInterval
			if interruptedAt.IsZero() {
				next = min(next, max(time.Until(deadline), time.Millisecond))
			}
			r.timer.Reset(next)
		}
	}
}

// callHeap is a call's memory watch: the heap and the count of
// collections as the call started.
type callHeap struct {
	base      int64
	prev      int64 // the heap at the previous sample
	prevHost  int64 // hostAlloc then
	cycles    uint64
	gcStarted bool
}

func (r *Run) startHeap() callHeap {
	metrics.Read(r.samples)
	h := int64(r.samples[sampleHeap].Value.Uint64())
	return callHeap{base: h, prev: h, cycles: r.samples[sampleCycles].Value.Uint64()}
}

// heapGrowth samples the heap against the call's start, less what the
// host allocated for the script meanwhile (hostAlloc). Heap objects
// include garbage not collected yet, so growth past the limit counts at
// once only when twice the limit, when it came with a jump of a quarter of
// the limit since the previous sample (one native step built something
// that big: a string doubled in a loop), or when a collection that ended
// during the call found at least half the limit kept. The watchdog never
// waits for a collection: the next doubling would be under way meanwhile,
// and it is one native step that an interrupt stops only once it is over.
// Past half the limit a collection is started in the background; growth
// counts too once the live heap it measures passed the limit.
func (r *Run) heapGrowth(c *callHeap) (int64, bool) {
	metrics.Read(r.samples)
	h := int64(r.samples[sampleHeap].Value.Uint64())
	live := int64(r.samples[sampleLive].Value.Uint64())
	measured := r.samples[sampleCycles].Value.Uint64() > c.cycles
	max := r.lim.MaxMemory
	host := r.hostAlloc.Load()
	grown, kept, jump := h-c.base-host, live-c.base-host, h-c.prev-(host-c.prevHost)
	c.prev, c.prevHost = h, host
	switch {
	case grown <= max/2:
		return grown, false
	case grown > 2*max:
		return grown, true
	case grown > max && (jump > max/4 || measured && kept > max/2):
		return grown, true
	case kept > max:
		return kept, true
	}
	if !c.gcStarted {
		c.gcStarted = true
		go runtime.GC()
	}
	return grown, false
}

// measureBase sets the run's memory base from a full collection; it runs
// on its own goroutine so that a large heap does not delay the run.
func (r *Run) measureBase() {
	runtime.GC()
	s := []metrics.Sample{{Name: liveHeapMetric}, {Name: gcCyclesMetric}}
	metrics.Read(s)
	r.runBase, r.baseCycles = int64(s[0].Value.Uint64()), s[1].Value.Uint64()
	close(r.baseReady)
}

// runGrowth is how much more the process keeps live than when the run
// started, less the result's text (the merger's, and what ctx.append added,
// which MaxOutput caps): what the script's runtime keeps across calls
// (ctx.state, globals, closures). It is known only from a collection that
// ended after the base was measured; when the heap suggests the limit may
// have been passed, a collection is started to find out.
// The measure is of the whole process: other work in it counts too.
func (r *Run) runGrowth() (int64, bool) {
	select {
	case <-r.baseReady:
	default:
		return 0, false
	}
	metrics.Read(r.samples)
	heap := int64(r.samples[sampleHeap].Value.Uint64())
	live := int64(r.samples[sampleLive].Value.Uint64())
	cycles := r.samples[sampleCycles].Value.Uint64()
	r.mu.Lock()
	owned := int64(r.outBytes)
	if r.res != nil {
		owned += int64(len(r.res.Content) + len(r.res.Reasoning))
	}
	r.mu.Unlock()
	owned *= 2 // the result's string and the run's builders
	limit := r.lim.MaxRunMemory
	if cycles > r.baseCycles {
		if grown := live - r.runBase - owned; grown > limit {
			return grown, true
		}
	}
	// At most one collection for every half limit allocated, so that a
	// script that keeps close to the limit and makes garbage does not
	// start one at every call.
	allocs := r.samples[sampleAllocs].Value.Uint64()
	if heap-r.runBase-owned > limit && (!r.forced || allocs-r.forcedAt > uint64(limit/2)) {
		r.forced, r.forcedAt = true, allocs
		go runtime.GC()
	}
	return 0, false
}

func (r *Run) runMemoryMessage(grown int64) string {
	return fmt.Sprintf("the script keeps %d MiB more heap than when the run started, past the limit of %d MiB for a run (what ctx.state, globals and closures hold lasts for the whole run)", grown>>20, r.lim.MaxRunMemory>>20)
}

func (r *Run) runMemoryError(phase string, seq int, grown int64) *Error {
	return &Error{Kind: KindMemory, File: r.prog.file, Phase: phase, Seq: seq, Message: r.runMemoryMessage(grown)}
}

// abandon gives up on a call that did not stop after being interrupted: its
// goroutine is left to finish alone and may no longer touch anything shared.
func (r *Run) abandon(phase string, seq int, ran time.Duration, why *limitErr) error {
	r.mu.Lock()
	r.abandoned = true
	r.res, r.snap = nil, nil
	r.mu.Unlock()
	r.failed = &Error{Kind: KindAbandoned, File: r.prog.file, Phase: phase, Seq: seq,
		Message: fmt.Sprintf("abandoned: %s, and the call did not stop %v after it was interrupted (%v in all; stuck in a built-in such as a regular expression); the script is disabled for the rest of the stream",
			strings.TrimPrefix(why.msg, "interrupted: "), r.lim.Grace, ran.Round(time.Millisecond))}
	return r.failed
}

// protect runs fn, turning a Go panic into an error.
func (r *Run) protect(fn func() error) (err error) {
	defer func() {
		if x := recover(); x != nil {
			if _, ok := x.(goja.Value); ok {
				x = "a JavaScript value was thrown outside the script"
			}
			err = fmt.Errorf("internal error: %v", x)
		}
	}()
	return fn()
}

// toError turns what a call returned into an *Error with the place in the
// script (nil for nil). It runs on the worker, as part of the call: see
// describeThrown.
func (r *Run) toError(err error, phase string, seq int) *Error {
	if err == nil {
		return nil
	}
	e := &Error{Kind: KindThrown, File: r.prog.file, Phase: phase, Seq: seq}
	var (
		ie *goja.InterruptedError
		so *goja.StackOverflowError
		ex *goja.Exception
	)
	switch {
	case errors.As(err, &ie):
		e.Kind, e.Message = r.interrupted(ie)
		e.Line, e.Column = r.position(ie.Stack())
	case errors.As(err, &so):
		e.Kind, e.Message = KindStack, r.stackMessage()
		e.Line, e.Column = r.position(so.Stack())
	case errors.As(err, &ex):
		// Never ex.Error(): it converts the value with the script's toString.
		e.Kind, e.Message = r.describeThrown(ex.Value())
		e.Line, e.Column = r.position(ex.Stack())
	default:
		e.Message = err.Error()
	}
	e.Message = clip(e.Message, r.lim.MaxMessage)
	return e
}

// interrupted is the kind and message of an interruption.
func (r *Run) interrupted(ie *goja.InterruptedError) (ErrorKind, string) {
	if le, ok := ie.Value().(*limitErr); ok {
		return le.kind, le.msg
	}
	return KindTimeout, "interrupted"
}

func (r *Run) stackMessage() string {
	return fmt.Sprintf("RangeError: maximum call stack size (%d) exceeded", r.lim.MaxCallStack)
}

// describeThrown is the message of an uncaught exception. Reading it runs
// the script's code (a message getter, toString, a Proxy trap), so it runs
// where the call runs, under the call's time and memory limits, and may
// itself throw, overflow the stack or be interrupted: the error says so.
func (r *Run) describeThrown(v goja.Value) (ErrorKind, string) {
	msg, err := r.describeValue(v)
	if err == nil {
		return KindThrown, msg
	}
	const what = "uncaught exception whose message could not be read"
	var (
		ie *goja.InterruptedError
		so *goja.StackOverflowError
	)
	switch {
	case errors.As(err, &ie):
		k, m := r.interrupted(ie)
		return k, what + ": " + m
	case errors.As(err, &so):
		return KindStack, what + ": " + r.stackMessage()
	}
	return KindThrown, what + ": reading it threw another exception"
}

// describeValue is "Name: message" for errors, else the value as a string.
// Call it only on the worker, inside a call.
func (r *Run) describeValue(v goja.Value) (string, error) {
	if v == nil {
		return "undefined", nil
	}
	if r.describeFn == nil { // the sandbox prelude itself failed
		return "an exception while setting up the sandbox", nil
	}
	s, err := r.describeFn(goja.Undefined(), v)
	if err != nil {
		return "", err
	}
	return s.String(), nil
}

// position is the innermost stack frame in the user's script.
func (r *Run) position(stack []goja.StackFrame) (int, int) {
	for i := range stack {
		if stack[i].SrcName() == r.prog.file {
			p := stack[i].Position()
			return p.Line, p.Column
		}
	}
	return 0, 0
}

// MergeEvent runs the script's onEvent beside a built-in merger that has
// already taken ev: the script sees the merger's result so far with the
// script's own changes re-applied (Apply). With format "script" the merger
// only counts events, so the script alone builds the result.
func (r *Run) MergeEvent(m *merge.Merger, ev Event) error {
	if r.onEvent == nil {
		return r.failedErr()
	}
	snap := m.Result()
	r.Apply(&snap)
	return r.OnEvent(ev, &snap)
}

// MergeEnd ends the merger, applies the script's changes to its final
// result and runs onEnd on it. The result is returned also when the script
// fails (with the changes made before the failure).
func (r *Run) MergeEnd(m *merge.Merger) (merge.Result, error) {
	res := m.End()
	r.Apply(&res)
	err := r.OnEnd(&res)
	return res, err
}
