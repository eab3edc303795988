package ordo

// #cgo pkg-config: ordo
// #include <stdlib.h>
// #include <ordo.h>
import "C"

import (
	"encoding/json"
	"fmt"
)

// Error is a failure reported by Ordo: the status code of the C ABI with the
// details of ordo_engine_errdetail. Compare with errors.Is against the sentinels
// (errors.Is(err, ordo.ErrNotFound)); read the details with errors.As.
type Error struct {
	Code        int          // the negative ORDO_E* status, e.g. -1 for not_found
	Name        string       // the code's stable name, e.g. "not_found" (ordo_error_name)
	Message     string       // a sentence naming the element or field at fault
	ElementID   string       // the BPMN element at fault, if any
	Diagnostics []Diagnostic // for parse errors: every problem found in the model

	cause error // the context error that made Ordo interrupt the call, if any
}

// Error formats the message and the code's name.
func (e *Error) Error() string {
	switch {
	case e.Message == "":
		return "ordo: " + e.Name
	case e.ElementID != "":
		return fmt.Sprintf("ordo: %s (%s, element %s)", e.Message, e.Name, e.ElementID)
	default:
		return fmt.Sprintf("ordo: %s (%s)", e.Message, e.Name)
	}
}

// Is reports whether target is an *Error with the same code, so that every
// sentinel matches the failures of its class.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Unwrap returns the context error (context.Canceled or
// context.DeadlineExceeded) when a cancelled context interrupted the call.
func (e *Error) Unwrap() error { return e.cause }

func sentinel(code C.int) *Error {
	return &Error{Code: int(code), Name: C.GoString(C.ordo_error_name(code))}
}

// The classes of failure, one per status code of ordo.h. Use them with errors.Is.
var (
	ErrNotFound    = sentinel(C.ORDO_ENOTFOUND)    // no such definition, instance, task, external task
	ErrInvalid     = sentinel(C.ORDO_EINVALID)     // malformed input, or the engine is closed
	ErrParse       = sentinel(C.ORDO_EPARSE)       // the model does not parse or validate; see Diagnostics
	ErrExpression  = sentinel(C.ORDO_EEXPRESSION)  // an expression failed to evaluate
	ErrNoFlow      = sentinel(C.ORDO_ENOFLOW)      // a gateway or activity found no sequence flow to take
	ErrWrongState  = sentinel(C.ORDO_EWRONGSTATE)  // the instance or task is not in a state that allows this
	ErrForbidden   = sentinel(C.ORDO_EFORBIDDEN)   // the acting user or worker may not do this
	ErrLimit       = sentinel(C.ORDO_ELIMIT)       // a limit was reached
	ErrConflict    = sentinel(C.ORDO_ECONFLICT)    // a concurrent change won
	ErrUnsupported = sentinel(C.ORDO_EUNSUPPORTED) // the engine does not implement what this needs (or no handler)
	ErrBpmnError   = sentinel(C.ORDO_EBPMNERROR)   // a BPMN error no boundary event caught
	ErrService     = sentinel(C.ORDO_ESERVICE)     // a service-task handler failed
	ErrBusy        = sentinel(C.ORDO_EBUSY)        // the database stayed locked
	ErrIO          = sentinel(C.ORDO_EIO)          // the database file could not be read or written
	ErrInterrupted = sentinel(C.ORDO_EINTERRUPTED) // the call was interrupted (a cancelled context)
	ErrInternal    = sentinel(C.ORDO_EINTERNAL)    // a bug in Ordo
	ErrNoMem       = sentinel(C.ORDO_ENOMEM)       // out of memory
)

// lastError builds the *Error for status rc from the last error Ordo recorded
// for handle p (nil: the failures without an engine) on this OS thread. The
// caller must still be locked to the thread that made the failing call.
func lastError(rc C.int, p *C.ordo_engine) *Error {
	e := &Error{Code: int(rc), Name: C.GoString(C.ordo_error_name(rc))}
	var detail struct {
		Message     string       `json:"message"`
		ElementID   string       `json:"elementId"`
		Diagnostics []Diagnostic `json:"diagnostics"`
	}
	if json.Unmarshal([]byte(C.GoString(C.ordo_engine_errdetail(p))), &detail) == nil {
		e.Message, e.ElementID, e.Diagnostics = detail.Message, detail.ElementID, detail.Diagnostics
	}
	if e.Message == "" {
		e.Message = C.GoString(C.ordo_engine_errmsg(p))
	}
	return e
}

// errClosed is returned by every call on a closed Engine; the C ABI reports a
// closed handle as invalid_argument too.
func errClosed() error {
	return &Error{Code: int(C.ORDO_EINVALID), Name: C.GoString(C.ordo_error_name(C.ORDO_EINVALID)), Message: "the engine is closed"}
}

// invalid is the error for an argument the binding refuses before calling the C ABI.
func invalid(message string) error {
	return &Error{Code: int(C.ORDO_EINVALID), Name: C.GoString(C.ordo_error_name(C.ORDO_EINVALID)), Message: message}
}
