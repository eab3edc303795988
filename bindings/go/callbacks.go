package ordo

// Only declarations in this preamble: it holds //export functions, so cgo
// copies it into two C files. The C trampolines live in shim.c.

// #cgo pkg-config: ordo
// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// ServiceTask is what a service-task handler gets: the task that reached it,
// valid only until the handler returns.
type ServiceTask struct {
	p          *C.ordo_service_task // nil once the handler has returned
	instanceID int64
	elementID  string
}

// InstanceID is the id of the instance running the task.
func (t *ServiceTask) InstanceID() int64 { return t.instanceID }

// ElementID is the id of the service task in the model.
func (t *ServiceTask) ElementID() string { return t.elementID }

// Variables returns the variables visible at the task.
func (t *ServiceTask) Variables() (map[string]any, error) {
	if t.p == nil {
		return nil, errTaskOver()
	}
	var out *C.char
	if rc := C.ordo_service_task_variables(&out, t.p); rc != C.ORDO_OK {
		return nil, lastError(rc, nil) // the handler runs on the locked thread of its command
	}
	vars := map[string]any{}
	if err := json.Unmarshal([]byte(take(out)), &vars); err != nil {
		return nil, fmt.Errorf("ordo: unexpected variables: %w", err)
	}
	return vars, nil
}

// SetVariable sets a process variable to v (marshalled with encoding/json)
// when the handler returns successfully.
func (t *ServiceTask) SetVariable(name string, v any) error {
	if t.p == nil {
		return errTaskOver()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("ordo: variable %q: %w", name, err)
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	cval := C.CString(string(b))
	defer C.free(unsafe.Pointer(cval))
	if rc := C.ordo_service_task_set_variable(t.p, cname, cval); rc != C.ORDO_OK {
		return lastError(rc, nil)
	}
	return nil
}

// BpmnError ends the task with a BPMN error for an error boundary event to
// catch, once the handler returns nil. It returns nil when the error is
// recorded, so a handler can end with `return task.BpmnError(code, msg)`.
func (t *ServiceTask) BpmnError(code, message string) error {
	if t.p == nil {
		return errTaskOver()
	}
	ccode := C.CString(code)
	defer C.free(unsafe.Pointer(ccode))
	cmsg := C.CString(message)
	defer C.free(unsafe.Pointer(cmsg))
	if rc := C.ordo_service_task_bpmn_error(t.p, ccode, cmsg); rc != C.ORDO_OK {
		return lastError(rc, nil)
	}
	return nil
}

func errTaskOver() error {
	return &Error{Code: int(C.ORDO_EWRONGSTATE), Name: C.GoString(C.ordo_error_name(C.ORDO_EWRONGSTATE)),
		Message: "the service task was used after its handler returned"}
}

// handlerBox is the payload Ordo holds for one handler name; registering the
// name again swaps fn, so a command already running keeps a valid payload.
type handlerBox struct {
	mu sync.Mutex
	fn func(*ServiceTask) error
}

func (b *handlerBox) get() func(*ServiceTask) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.fn
}

// RegisterHandler makes fn run the service tasks that name `name` (their
// flowable:/camunda: type, topic, class or expression). fn runs on the
// goroutine of the command that reached the task, inside its transaction,
// while the engine's writer is held: keep it short and do not call the engine
// from it. A returned error, or a panic, fails the command with ErrService and
// rolls it back. Registering a name again replaces its handler.
func (e *Engine) RegisterHandler(name string, fn func(*ServiceTask) error) error {
	if fn == nil {
		return &Error{Code: int(C.ORDO_EINVALID), Name: C.GoString(C.ordo_error_name(C.ORDO_EINVALID)),
			Message: "RegisterHandler needs a function"}
	}
	e.registering.Lock() // one registration at a time: a name's box is created once
	defer e.registering.Unlock()
	e.mu.Lock()
	closed := e.closing || e.p == nil
	box, ok := e.handlers[name]
	e.mu.Unlock()
	if closed {
		return errClosed()
	}
	if ok {
		box.mu.Lock()
		box.fn = fn
		box.mu.Unlock()
		return nil
	}
	box = &handlerBox{fn: fn}
	h := cgo.NewHandle(box)
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	err := e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordogo_handler_register(p, cname, C.uintptr_t(h))
	})
	if err != nil {
		h.Delete()
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.p == nil { // closed meanwhile: Ordo will not call it any more
		h.Delete()
		return errClosed()
	}
	e.handlers[name] = box
	e.handles = append(e.handles, h)
	return nil
}

//export ordogoHandler
func ordogoHandler(task *C.ordo_service_task, payload C.uintptr_t) (rc C.int) {
	fn := cgo.Handle(payload).Value().(*handlerBox).get()
	t := &ServiceTask{
		p:          task,
		instanceID: int64(C.ordo_service_task_instance(task)),
		elementID:  C.GoString(C.ordo_service_task_element(task)),
	}
	fail := func(msg string) C.int {
		cmsg := C.CString(msg)
		defer C.free(unsafe.Pointer(cmsg))
		C.ordo_service_task_fail(task, cmsg)
		return C.ORDO_ESERVICE
	}
	defer func() {
		t.p = nil
		if r := recover(); r != nil {
			rc = fail(fmt.Sprintf("handler panicked: %v", r))
		}
	}()
	if err := fn(t); err != nil {
		return fail(err.Error())
	}
	return C.ORDO_OK
}

// listenerBox is the payload Ordo holds for one listener. Ordo may still call
// a listener that a command picked up just before it was removed, so the box
// outlives the registration (until Close) and only stops forwarding.
type listenerBox struct {
	mu      sync.Mutex
	fn      func(HistoryEntry)
	removed bool
}

// AddListener makes fn see every history entry a command writes, after the
// command commits, on the goroutine that issued it. fn may call the engine.
// A panic in fn is recovered and ignored. The id is for RemoveListener.
func (e *Engine) AddListener(fn func(HistoryEntry)) (int, error) {
	if fn == nil {
		return 0, &Error{Code: int(C.ORDO_EINVALID), Name: C.GoString(C.ordo_error_name(C.ORDO_EINVALID)),
			Message: "AddListener needs a function"}
	}
	box := &listenerBox{fn: fn}
	h := cgo.NewHandle(box)
	var id C.int
	err := e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordogo_listener_register(&id, p, C.uintptr_t(h))
	})
	if err != nil {
		h.Delete()
		return 0, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.p == nil {
		h.Delete()
		return 0, errClosed()
	}
	e.listeners[int(id)] = box
	e.handles = append(e.handles, h)
	return int(id), nil
}

// RemoveListener stops the listener with this id (ErrNotFound if there is none).
func (e *Engine) RemoveListener(id int) error {
	err := e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_listener_remove(p, C.int(id))
	})
	if err != nil {
		return err
	}
	e.mu.Lock()
	box := e.listeners[id]
	delete(e.listeners, id)
	e.mu.Unlock()
	if box != nil {
		box.mu.Lock()
		box.removed = true
		box.mu.Unlock()
	}
	return nil
}

//export ordogoListener
func ordogoListener(event *C.char, payload C.uintptr_t) {
	box := cgo.Handle(payload).Value().(*listenerBox)
	box.mu.Lock()
	fn, removed := box.fn, box.removed
	box.mu.Unlock()
	if removed {
		return
	}
	var h HistoryEntry
	if json.Unmarshal([]byte(C.GoString(event)), &h) != nil {
		return
	}
	defer func() { _ = recover() }() // a panic must not unwind through C
	fn(h)
}

// clockFunc is the payload of the Clock option.
type clockFunc func() time.Time

//export ordogoClock
func ordogoClock(payload C.uintptr_t) (ms C.int64_t) {
	defer func() {
		if recover() != nil { // a panic must not unwind through C
			ms = C.int64_t(time.Now().UnixMilli())
		}
	}()
	return C.int64_t(cgo.Handle(payload).Value().(clockFunc)().UnixMilli())
}
