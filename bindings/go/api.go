package ordo

// #cgo pkg-config: ordo
// #include <stdlib.h>
// #include <ordo.h>
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"
	"unsafe"
)

var background = context.Background()

// Deploy deploys BPMN 2.0 XML. Identical XML returns the definitions deployed
// before (Created false); a changed model with the same process id becomes a
// new version. A model that does not validate fails with ErrParse and its
// Diagnostics.
func (e *Engine) Deploy(xml string) (Deployment, error) {
	return e.DeployWithForms(xml, nil)
}

// DeployWithForms deploys BPMN 2.0 XML with JSON form schemas by form key (the
// flowable:formKey of start events and tasks), stored with each definition the
// document deploys. A schema is any value encoding/json makes an object of, or a
// json.RawMessage; nil forms is Deploy.
func (e *Engine) DeployWithForms(xml string, forms map[string]any) (Deployment, error) {
	cxml := C.CString(xml)
	defer C.free(unsafe.Pointer(cxml))
	var cforms *C.char
	if forms != nil {
		var err error
		if cforms, err = marshalC(forms); err != nil {
			return Deployment{}, err
		}
		defer C.free(unsafe.Pointer(cforms))
	}
	var d Deployment
	err := e.query(background, &d, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_definition_deploy(out, p, cxml, cforms)
	})
	return d, err
}

// StartForm returns the start form of the latest version of key: its form key
// and schema ("" and {} when it has none).
func (e *Engine) StartForm(key string) (Form, error) {
	ckey := C.CString(key)
	defer C.free(unsafe.Pointer(ckey))
	var f Form
	err := e.query(background, &f, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_definition_start_form(out, p, ckey)
	})
	return f, err
}

// Definitions lists every deployed definition version.
func (e *Engine) Definitions() ([]Definition, error) {
	var ds []Definition
	err := e.query(background, &ds, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_definition_list(out, p)
	})
	return ds, err
}

// Definition returns the deployed definition with this id (ErrNotFound if there is none).
func (e *Engine) Definition(id int64) (Definition, error) {
	var d Definition
	err := e.query(background, &d, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_definition_get(out, p, C.int64_t(id))
	})
	return d, err
}

// Start starts a process instance and runs it until it waits (a user task, a
// timer, an external task) or ends. Service-task handlers run during Start.
// A done ctx interrupts it: nothing is kept, and the error is both
// ErrInterrupted and ctx.Err().
func (e *Engine) Start(ctx context.Context, req StartRequest) (Instance, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return Instance{}, fmt.Errorf("ordo: start request: %w", err)
	}
	creq := C.CString(string(body))
	defer C.free(unsafe.Pointer(creq))
	var in Instance
	err = e.query(ctx, &in, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_instance_start(out, p, creq)
	})
	return in, err
}

// Instance returns the instance with this id (ErrNotFound if there is none).
func (e *Engine) Instance(id int64) (Instance, error) {
	var in Instance
	err := e.query(background, &in, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_instance_get(out, p, C.int64_t(id))
	})
	return in, err
}

// Instances lists the instances q selects.
func (e *Engine) Instances(q InstanceQuery) ([]Instance, error) {
	cq, err := marshalC(q)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cq))
	var list []Instance
	err = e.query(background, &list, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_instance_list(out, p, cq)
	})
	return list, err
}

// History returns what happened in the instance, oldest first.
func (e *Engine) History(instanceID int64) ([]HistoryEntry, error) {
	var h []HistoryEntry
	err := e.query(background, &h, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_instance_history(out, p, C.int64_t(instanceID))
	})
	return h, err
}

// Operations returns what was done to the instance, oldest first: its start
// and each approval operation, with Action and Targets.
func (e *Engine) Operations(instanceID int64) ([]HistoryEntry, error) {
	var h []HistoryEntry
	err := e.query(background, &h, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_instance_operations(out, p, C.int64_t(instanceID))
	})
	return h, err
}

// Waiting returns the ids of the elements where the instance (and the
// instances it called) now waits, e.g. ["managerApproval"].
func (e *Engine) Waiting(instanceID int64) ([]string, error) {
	var ids []string
	err := e.query(background, &ids, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_instance_waiting(out, p, C.int64_t(instanceID))
	})
	return ids, err
}

// Variables returns the process variables of the instance. Numbers come back
// as float64, as encoding/json decodes them.
func (e *Engine) Variables(instanceID int64) (map[string]any, error) {
	vars := map[string]any{}
	err := e.query(background, &vars, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_instance_variables(out, p, C.int64_t(instanceID))
	})
	return vars, err
}

// SetVariables sets (adds or replaces) process variables of a running instance.
func (e *Engine) SetVariables(instanceID int64, vars map[string]any) error {
	if vars == nil {
		vars = map[string]any{}
	}
	cvars, err := cjson(vars)
	if err != nil {
		return err
	}
	defer cfree(cvars)
	return e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_instance_set_variables(p, C.int64_t(instanceID), cvars)
	})
}

// Tasks lists the user tasks q selects (open ones unless q.IncludeFinished).
func (e *Engine) Tasks(q TaskQuery) ([]Task, error) {
	cq, err := marshalC(q)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cq))
	var list []Task
	err = e.query(background, &list, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_task_list(out, p, cq)
	})
	return list, err
}

// CountTasks counts the tasks q selects, ignoring its Offset and Limit.
func (e *Engine) CountTasks(q TaskQuery) (int64, error) {
	cq, err := marshalC(q)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(cq))
	var n C.int64_t
	err = e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_task_count(&n, p, cq)
	})
	return int64(n), err
}

// Task returns the task with this id, open or finished.
func (e *Engine) Task(id int64) (Task, error) {
	var t Task
	err := e.query(background, &t, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_task_get(out, p, C.int64_t(id))
	})
	return t, err
}

// Complete completes a user task with variables (nil for none) as user ("" for
// nobody in particular) and runs the instance on until it waits again. A done
// ctx interrupts it: nothing changes, and the error is both ErrInterrupted and
// ctx.Err().
func (e *Engine) Complete(ctx context.Context, taskID int64, vars map[string]any, user string) error {
	cvars, err := cjson(vars)
	if err != nil {
		return err
	}
	defer cfree(cvars)
	cuser := cstring(user)
	defer cfree(cuser)
	return e.call(ctx, func(p *C.ordo_engine) C.int {
		return C.ordo_task_complete(p, C.int64_t(taskID), cvars, cuser)
	})
}

// FetchAndLock locks up to max external tasks of topic for workerID for the
// lock duration and returns them with the process variables.
func (e *Engine) FetchAndLock(topic, workerID string, max int, lock time.Duration) ([]ExternalTask, error) {
	cmax, err := cint(max, "max")
	if err != nil {
		return nil, err
	}
	ctopic := C.CString(topic)
	defer C.free(unsafe.Pointer(ctopic))
	cworker := cstring(workerID)
	defer cfree(cworker)
	var list []ExternalTask
	err = e.query(background, &list, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_external_fetch_and_lock(out, p, ctopic, cworker, cmax, C.int64_t(lock.Milliseconds()))
	})
	return list, err
}

// ExternalTasks lists the external tasks of the instance, locked or not.
func (e *Engine) ExternalTasks(instanceID int64) ([]ExternalTask, error) {
	var list []ExternalTask
	err := e.query(background, &list, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_external_list(out, p, C.int64_t(instanceID))
	})
	return list, err
}

// CompleteExternal completes an external task locked by workerID, setting
// vars (nil for none), and runs the instance on. A done ctx interrupts it.
func (e *Engine) CompleteExternal(ctx context.Context, id int64, workerID string, vars map[string]any) error {
	cvars, err := cjson(vars)
	if err != nil {
		return err
	}
	defer cfree(cvars)
	cworker := cstring(workerID)
	defer cfree(cworker)
	return e.call(ctx, func(p *C.ordo_engine) C.int {
		return C.ordo_external_complete(p, C.int64_t(id), cworker, cvars)
	})
}

// FailExternal reports that workerID could not do an external task. With
// retries > 0 the task is offered again after retryAfter; with 0 it becomes
// an incident.
func (e *Engine) FailExternal(id int64, workerID, message string, retries int, retryAfter time.Duration) error {
	cretries, err := cint(retries, "retries")
	if err != nil {
		return err
	}
	cworker := cstring(workerID)
	defer cfree(cworker)
	cmsg := cstring(message)
	defer cfree(cmsg)
	return e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_external_fail(p, C.int64_t(id), cworker, cmsg, cretries, C.int64_t(retryAfter.Milliseconds()))
	})
}

// BpmnErrorExternal ends an external task with the BPMN error code, for an
// error boundary event to catch, setting vars (nil for none).
func (e *Engine) BpmnErrorExternal(id int64, workerID, code string, vars map[string]any) error {
	cvars, err := cjson(vars)
	if err != nil {
		return err
	}
	defer cfree(cvars)
	cworker := cstring(workerID)
	defer cfree(cworker)
	ccode := cstring(code)
	defer cfree(ccode)
	return e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_external_bpmn_error(p, C.int64_t(id), cworker, ccode, cvars)
	})
}

// RunDueJobs runs every job due by the engine's clock (timers, async
// continuations) on this goroutine's thread and returns how many succeeded. A
// done ctx interrupts it between jobs; the jobs already run stay run.
func (e *Engine) RunDueJobs(ctx context.Context) (int64, error) {
	var n C.int64_t
	err := e.call(ctx, func(p *C.ordo_engine) C.int {
		return C.ordo_job_run_due(&n, p)
	})
	return int64(n), err
}

// JobCount returns how many timers of the instance are pending (external
// tasks are listed by ExternalTasks).
func (e *Engine) JobCount(instanceID int64) (int64, error) {
	var n C.int64_t
	err := e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_job_count(&n, p, C.int64_t(instanceID))
	})
	return int64(n), err
}

// StartJobExecutor starts the engine's own thread that runs due jobs,
// checking at least every poll (at least a millisecond). It runs until
// StopJobExecutor or Close; ErrWrongState if it runs already.
func (e *Engine) StartJobExecutor(poll time.Duration) error {
	return e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_job_executor_start(p, C.int64_t(poll.Milliseconds()))
	})
}

// StopJobExecutor stops the job executor, waiting for the job it runs;
// stopping a stopped executor is fine.
func (e *Engine) StopJobExecutor() error {
	return e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_job_executor_stop(p)
	})
}

// IncidentCount returns how many incidents of the instance are open.
func (e *Engine) IncidentCount(instanceID int64) (int64, error) {
	var n C.int64_t
	err := e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_incident_count(&n, p, C.int64_t(instanceID))
	})
	return int64(n), err
}

// Incidents lists the incidents of the instance, open (ResolvedAt zero) and resolved.
func (e *Engine) Incidents(instanceID int64) ([]Incident, error) {
	var list []Incident
	err := e.query(background, &list, func(p *C.ordo_engine, out **C.char) C.int {
		return C.ordo_incident_list(out, p, C.int64_t(instanceID))
	})
	return list, err
}

// ResolveIncident gives the incident's job retries (at least 1) more tries,
// starting now, and resolves the incident.
func (e *Engine) ResolveIncident(incidentID int64, retries int) error {
	cretries, err := cint(retries, "retries")
	if err != nil {
		return err
	}
	return e.call(background, func(p *C.ordo_engine) C.int {
		return C.ordo_incident_resolve(p, C.int64_t(incidentID), cretries)
	})
}

// cint converts v for a C int parameter, refusing what would not fit (C.int(v)
// would silently wrap) with the error the C ABI gives for a bad argument.
func cint(v int, name string) (C.int, error) {
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, invalid(fmt.Sprintf("%s %d does not fit a C int", name, v))
	}
	return C.int(v), nil
}

// marshalC marshals a query or request as a C string to free with C.free.
func marshalC(v any) (*C.char, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("ordo: %w", err)
	}
	return C.CString(string(b)), nil
}
