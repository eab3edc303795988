package ordo

// #cgo pkg-config: ordo
// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Engine is an open Ordo engine on one SQLite database. It is safe for
// concurrent use by many goroutines. Close it when done; a finalizer closes
// an Engine that was dropped without Close, but that is only a safety net.
type Engine struct {
	p *C.ordo_engine // nil once closed

	mu      sync.Mutex
	idle    *sync.Cond // signalled when the last running call ends
	active  int        // calls running in C right now
	closing bool

	// cgo handles Ordo holds as payloads; deleted when the engine closes,
	// because only then is no callback running or about to run.
	handles     []cgo.Handle
	handlers    map[string]*handlerBox
	listeners   map[int]*listenerBox
	registering sync.Mutex // serializes RegisterHandler
}

// DurabilityMode says what a committed change survives.
type DurabilityMode int

const (
	// Full syncs every commit to disk: a change survives a power cut (the default).
	Full DurabilityMode = C.ORDO_DURABILITY_FULL
	// Normal survives a crash of the process; a power cut may lose the last commits.
	Normal DurabilityMode = C.ORDO_DURABILITY_NORMAL
)

type config struct {
	durability      DurabilityMode
	clock           func() time.Time
	readConnections int
}

// Option configures Open.
type Option func(*config)

// Durability sets what a committed change survives (Full by default).
func Durability(m DurabilityMode) Option { return func(c *config) { c.durability = m } }

// Clock makes the engine read the time from now instead of the system clock
// (for timers in tests, say). It is called on the goroutines that issue
// commands, so it must be safe for concurrent use.
func Clock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// ReadConnections sets how many reader connections the engine keeps (4 by default).
func ReadConnections(n int) Option { return func(c *config) { c.readConnections = n } }

// Open opens the engine on the SQLite database at path, creating it if
// needed; ":memory:" gives a private in-memory database.
func Open(path string, opts ...Option) (*Engine, error) {
	cfg := config{durability: Full, readConnections: 4}
	for _, o := range opts {
		o(&cfg)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))

	var o C.ordo_options
	o.version = C.ORDO_OPTIONS_VERSION
	o.path = cpath
	o.durability = C.int(cfg.durability)
	o.read_connections = C.int(cfg.readConnections)
	var clock cgo.Handle
	if cfg.clock != nil {
		clock = cgo.NewHandle(clockFunc(cfg.clock))
		C.ordogo_options_set_clock(&o, C.uintptr_t(clock))
	}

	var p *C.ordo_engine
	runtime.LockOSThread()
	rc := C.ordo_engine_open(&p, &o)
	var err *Error
	if rc != C.ORDO_OK {
		err = lastError(rc, nil) // no handle yet: Ordo keeps this one on the NULL handle
	}
	runtime.UnlockOSThread()
	if err != nil {
		if clock != 0 {
			clock.Delete()
		}
		return nil, err
	}

	e := &Engine{p: p, handlers: map[string]*handlerBox{}, listeners: map[int]*listenerBox{}}
	e.idle = sync.NewCond(&e.mu)
	if clock != 0 {
		e.handles = append(e.handles, clock)
	}
	runtime.SetFinalizer(e, (*Engine).Close)
	return e, nil
}

// Close waits for the calls running on the engine, then closes it. Later
// calls fail with ErrInvalid. Closing again does nothing. Close must not be
// called from a handler or listener of the same engine (it would wait for itself).
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		for e.p != nil { // another Close is waiting for the running calls
			e.idle.Wait()
		}
		return nil
	}
	e.closing = true
	for e.active > 0 {
		e.idle.Wait()
	}
	C.ordo_engine_close(e.p)
	e.p = nil
	for _, h := range e.handles {
		h.Delete()
	}
	e.handles, e.handlers, e.listeners = nil, nil, nil
	e.idle.Broadcast()
	runtime.SetFinalizer(e, nil)
	return nil
}

// acquire registers a running call and returns the handle to make it on.
func (e *Engine) acquire() (*C.ordo_engine, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing || e.p == nil {
		return nil, errClosed()
	}
	e.active++
	return e.p, nil
}

func (e *Engine) release() {
	e.mu.Lock()
	e.active--
	if e.active == 0 {
		e.idle.Broadcast()
	}
	e.mu.Unlock()
}

// An interrupt stops whatever command the engine runs at that moment (the C
// ABI has no per-call interrupt), so a call may be stopped by another
// goroutine's cancelled context. Its changes were rolled back, so such a call
// is simply made again, at most this many times.
const maxForeignInterrupts = 8

// How often a cancelled call repeats its interrupt: Ordo forgets an interrupt
// that arrives while the call still waits for the writer.
const reinterruptEvery = 5 * time.Millisecond

// interruptsSent counts ordo_engine_interrupt calls (tests wait on it).
var interruptsSent atomic.Int64

// call makes one C call, f, on the engine with the goroutine locked to its
// OS thread, so that Ordo's per-thread last error is read from the thread
// that failed. While f runs, a done ctx interrupts it.
func (e *Engine) call(ctx context.Context, f func(p *C.ordo_engine) C.int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := e.acquire()
	if err != nil {
		return err
	}
	defer e.release()
	for attempt := 0; ; attempt++ {
		stop := watch(ctx, p)
		ferr := invoke(p, f)
		stop()
		runtime.KeepAlive(e)
		if ferr == nil {
			return nil
		}
		if ferr.Code != int(C.ORDO_EINTERRUPTED) {
			return ferr
		}
		if cerr := ctx.Err(); cerr != nil {
			ferr.cause = cerr
			return ferr
		}
		if attempt == maxForeignInterrupts {
			return ferr
		}
	}
}

func invoke(p *C.ordo_engine, f func(p *C.ordo_engine) C.int) *Error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if rc := f(p); rc != C.ORDO_OK {
		return lastError(rc, p)
	}
	return nil
}

// watch interrupts the engine once ctx is done, and again every few
// milliseconds, until the returned stop is called.
func watch(ctx context.Context, p *C.ordo_engine) (stop func()) {
	if ctx.Done() == nil {
		return func() {}
	}
	var mu sync.Mutex // held while interrupting, so none is sent after stop returns
	finished := false
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		tick := time.NewTicker(reinterruptEvery)
		defer tick.Stop()
		for {
			mu.Lock()
			if finished {
				mu.Unlock()
				return
			}
			C.ordo_engine_interrupt(p)
			interruptsSent.Add(1)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		mu.Lock()
		finished = true
		mu.Unlock()
		close(done)
	}
}

// --- strings and JSON across the boundary ---

// cstring returns s as a C string to free with C.free; nil for "".
func cstring(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

// cjson marshals v as a C string; a nil map gives NULL.
func cjson(vars map[string]any) (*C.char, error) {
	if vars == nil {
		return nil, nil
	}
	b, err := json.Marshal(vars)
	if err != nil {
		return nil, fmt.Errorf("ordo: variables: %w", err)
	}
	return C.CString(string(b)), nil
}

func cfree(s *C.char) {
	if s != nil {
		C.free(unsafe.Pointer(s))
	}
}

// take copies a string Ordo returned and releases it.
func take(s *C.char) string {
	defer C.ordo_free(unsafe.Pointer(s))
	return C.GoString(s)
}

// query makes a call that returns JSON through an out-parameter and decodes it into v.
func (e *Engine) query(ctx context.Context, v any, f func(p *C.ordo_engine, out **C.char) C.int) error {
	var out *C.char
	if err := e.call(ctx, func(p *C.ordo_engine) C.int { return f(p, &out) }); err != nil {
		return err
	}
	if out == nil {
		return fmt.Errorf("ordo: the engine returned no result")
	}
	if err := json.Unmarshal([]byte(take(out)), v); err != nil {
		return fmt.Errorf("ordo: unexpected result: %w", err)
	}
	return nil
}

// Version returns the version of the Ordo library in use, e.g. "0.2.0".
func Version() string { return C.GoString(C.ordo_version()) }

// VersionNumber returns the library's version as major*10000 + minor*100 + patch.
func VersionNumber() int { return int(C.ordo_version_number()) }

// Validate checks BPMN XML without an engine: for interchange, or with
// execution set for what Deploy needs. It returns every diagnostic (warnings
// included); the error is non-nil (ErrParse, with the same Diagnostics) when
// one of them is an error.
func Validate(xml string, execution bool) ([]Diagnostic, error) {
	cxml := C.CString(xml)
	defer C.free(unsafe.Pointer(cxml))
	purpose := C.int(0)
	if execution {
		purpose = 1
	}
	var out *C.char
	runtime.LockOSThread()
	rc := C.ordo_model_validate(&out, cxml, purpose)
	var ferr *Error
	if rc != C.ORDO_OK {
		ferr = lastError(rc, nil)
	}
	runtime.UnlockOSThread()
	var ds []Diagnostic
	if out != nil { // also set on ORDO_EPARSE: the list of what is wrong
		if err := json.Unmarshal([]byte(take(out)), &ds); err != nil {
			return nil, fmt.Errorf("ordo: unexpected result: %w", err)
		}
	}
	if ferr != nil {
		if ferr.Diagnostics == nil {
			ferr.Diagnostics = ds
		}
		return ds, ferr
	}
	return ds, nil
}
