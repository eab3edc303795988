package ordo

// #include <stdlib.h>
// #include <ordo.h>
import "C"

import (
	"unsafe"
)

// CorrelateMessage delivers a message to the first instance that waits for it
// (narrowed by BusinessKey or InstanceID), or starts a process with that message
// start event. Nobody waiting is ErrNotFound, unless Buffer keeps the message
// for the first instance that will wait for it.
func (e *Engine) CorrelateMessage(m Message) (Instance, error) {
	cm, err := marshalC(m)
	if err != nil {
		return Instance{}, err
	}
	defer C.free(unsafe.Pointer(cm))
	var inst Instance
	err = e.query(background, &inst, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_message_correlate(out, p, cm)
	})
	return inst, err
}

// BroadcastSignal delivers a signal to every waiting instance and starts every
// process with that signal start event; it returns how many received it.
func (e *Engine) BroadcastSignal(name string, vars map[string]any) (int64, error) {
	cvars, err := cjson(vars)
	if err != nil {
		return 0, err
	}
	defer cfree(cvars)
	cname := cstring(name)
	defer cfree(cname)
	var n C.int64_t
	err = e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_signal_broadcast(&n, p, cname, cvars)
	})
	return int64(n), err
}

// Operation runs an approval operation by name (see ordo.h, ordo_operation_run):
// fields are its request's other members, e.g. {"task": 12, "to": "max"}.
// The result is decoded into result when it is not nil.
func (e *Engine) Operation(op, user string, fields map[string]any, result any) error {
	request := map[string]any{"op": op, "user": user}
	for k, v := range fields {
		request[k] = v
	}
	creq, err := marshalC(request)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(creq))
	var sink any
	if result == nil {
		result = &sink
	}
	return e.query(background, result, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_operation_run(out, p, creq)
	})
}

// List returns a page of a user's list (todo, done, started, cc, drafts) and its total.
func (e *Engine) List(q ListQuery) ([]ListItem, int64, error) {
	cq, err := marshalC(q)
	if err != nil {
		return nil, 0, err
	}
	defer C.free(unsafe.Pointer(cq))
	var items []ListItem
	var total C.int64_t
	err = e.query(background, &items, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_list_query(out, &total, p, cq)
	})
	return items, int64(total), err
}

// Inbox lists a user's messages, newest first, as q selects.
func (e *Engine) Inbox(q InboxQuery) ([]InboxMessage, error) {
	cq, err := marshalC(q)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cq))
	var list []InboxMessage
	err = e.query(background, &list, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_inbox_list(out, p, cq)
	})
	return list, err
}

// InboxCounts returns a user's unread messages by type, e.g. {"todo": 2, "cc": 1}.
func (e *Engine) InboxCounts(user string) (map[string]int64, error) {
	cuser := cstring(user)
	defer cfree(cuser)
	counts := map[string]int64{}
	err := e.query(background, &counts, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_inbox_counts(out, p, cuser)
	})
	return counts, err
}

// ListCounts returns how long each of a user's lists is.
func (e *Engine) ListCounts(user string) (ListCounts, error) {
	cuser := cstring(user)
	defer cfree(cuser)
	var c ListCounts
	err := e.query(background, &c, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_list_counts(out, p, cuser)
	})
	return c, err
}

// MarkRead marks one of user's inbox messages read (or unread).
func (e *Engine) MarkRead(messageID int64, user string, read bool) error {
	cuser := cstring(user)
	defer cfree(cuser)
	r := C.int(0)
	if read {
		r = 1
	}
	return e.call(background, func(p *C.ordo_engine) C.int { return C.ordo_inbox_mark(p, C.int64_t(messageID), cuser, r) })
}

// InstanceDetail returns what the instance looks like to user: its open tasks,
// where it waits, and the actions user may take.
func (e *Engine) InstanceDetail(instanceID int64, user string) (InstanceDetail, error) {
	cuser := cstring(user)
	defer cfree(cuser)
	var d InstanceDetail
	err := e.query(background, &d, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_instance_detail(out, p, C.int64_t(instanceID), cuser)
	})
	return d, err
}

// Canvas returns the instance drawn on its diagram: each node and edge done, active or not reached.
func (e *Engine) Canvas(instanceID int64) (Canvas, error) {
	var c Canvas
	err := e.query(background, &c, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_instance_canvas(out, p, C.int64_t(instanceID))
	})
	return c, err
}

// SaveUser puts a user into the engine's own directory.
func (e *Engine) SaveUser(u User) error {
	cu, err := marshalC(u)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cu))
	return e.call(background, func(p *C.ordo_engine) C.int { return C.ordo_user_save(p, cu) })
}

// User returns a user of the engine's own directory (ErrNotFound if unknown).
func (e *Engine) User(id string) (User, error) {
	cid := cstring(id)
	defer cfree(cid)
	var u User
	err := e.query(background, &u, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_user_get(out, p, cid)
	})
	return u, err
}

// SaveDepartment puts a department into the engine's own directory.
func (e *Engine) SaveDepartment(d Department) error {
	cd, err := marshalC(d)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cd))
	return e.call(background, func(p *C.ordo_engine) C.int { return C.ordo_department_save(p, cd) })
}

// SaveRole puts a role (a group) with its display name into the engine's own directory.
func (e *Engine) SaveRole(id, name string) error {
	cid := cstring(id)
	defer cfree(cid)
	cname := cstring(name)
	defer cfree(cname)
	return e.call(background, func(p *C.ordo_engine) C.int { return C.ordo_role_save(p, cid, cname) })
}

// StartableDefinitions lists the latest definition versions user may start
// (flowable:candidateStarterUsers/Groups; none named: everyone).
func (e *Engine) StartableDefinitions(user string) ([]Definition, error) {
	cuser := cstring(user)
	defer cfree(cuser)
	var ds []Definition
	err := e.query(background, &ds, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_definition_list_startable(out, p, cuser)
	})
	return ds, err
}
