package ordo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func readSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "bpmn-samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// open opens an engine on a fresh database file, closed when the test ends.
func open(t *testing.T, opts ...Option) *Engine {
	t.Helper()
	e, err := Open(filepath.Join(t.TempDir(), "ordo.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// openLeave opens an engine with the leave approval deployed.
func openLeave(t *testing.T, opts ...Option) *Engine {
	t.Helper()
	e := open(t, opts...)
	if _, err := e.Deploy(readSample(t, "leave-approval.bpmn")); err != nil {
		t.Fatal(err)
	}
	return e
}

// result carries the two results of a call to must(t).
type result[T any] struct {
	v   T
	err error
}

func try[T any](v T, err error) result[T] { return result[T]{v, err} }

// must returns the value, failing the test on an error.
func (r result[T]) must(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

// ok fails the test on an error.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, class error) *Error {
	t.Helper()
	if !errors.Is(err, class) {
		t.Fatalf("got error %v, want %v", err, class)
	}
	var oe *Error
	if !errors.As(err, &oe) {
		t.Fatalf("error %v is not an *ordo.Error", err)
	}
	return oe
}

// onlyTask returns the one open task of the instance.
func onlyTask(t *testing.T, e *Engine, instanceID int64) Task {
	t.Helper()
	tasks := try(e.Tasks(TaskQuery{InstanceID: instanceID})).must(t)
	if len(tasks) != 1 {
		t.Fatalf("instance %d has %d open tasks, want 1: %+v", instanceID, len(tasks), tasks)
	}
	return tasks[0]
}

const flowableNS = `xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn"`

// A service task `calc` run by a handler, then an external task on topic `payout`.
var serviceModel = `<definitions ` + flowableNS + ` id="svcDefs">
  <process id="svc" isExecutable="true">
    <startEvent id="start"/>
    <serviceTask id="calc" flowable:type="calc"/>
    <serviceTask id="pay" flowable:type="external" flowable:topic="payout"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>
    <sequenceFlow id="f2" sourceRef="calc" targetRef="pay"/>
    <sequenceFlow id="f3" sourceRef="pay" targetRef="end"/>
  </process>
</definitions>`

// Only an external task on topic `mail`.
var externalModel = `<definitions ` + flowableNS + ` id="extDefs">
  <process id="ext" isExecutable="true">
    <startEvent id="start"/>
    <serviceTask id="send" flowable:type="external" flowable:topic="mail"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="send"/>
    <sequenceFlow id="f2" sourceRef="send" targetRef="end"/>
  </process>
</definitions>`

func TestVersion(t *testing.T) {
	if v := Version(); v != "0.2.0" {
		t.Fatalf("Version() = %q", v)
	}
}

func TestValidate(t *testing.T) {
	ds, err := Validate(readSample(t, "leave-approval.bpmn"), true)
	if err != nil {
		t.Fatalf("leave approval does not validate: %v %+v", err, ds)
	}
	ds, err = Validate("<definitions/>", false)
	oe := wantErr(t, err, ErrParse)
	if len(ds) == 0 || len(oe.Diagnostics) == 0 {
		t.Fatalf("no diagnostics: %+v %+v", ds, oe)
	}
	if ds[0].Code != "not_bpmn" || ds[0].Severity != "error" {
		t.Fatalf("diagnostic %+v, want an error not_bpmn", ds[0])
	}
}

func TestDeploy(t *testing.T) {
	e := open(t)
	xml := readSample(t, "leave-approval.bpmn")
	d := try(e.Deploy(xml)).must(t)
	if !d.Created || len(d.Definitions) != 1 || d.Definitions[0].Key != "leaveApproval" || d.Definitions[0].Version != 1 {
		t.Fatalf("first deployment %+v", d)
	}
	if d.Definitions[0].DeployedAt.IsZero() || d.Definitions[0].Hash == "" {
		t.Fatalf("deployment without time or hash: %+v", d)
	}
	again := try(e.Deploy(xml)).must(t)
	if again.Created || again.Definitions[0].ID != d.Definitions[0].ID {
		t.Fatalf("identical XML deployed again: %+v", again)
	}
	defs := try(e.Definitions()).must(t)
	if len(defs) != 1 || defs[0].Name != "Leave approval" {
		t.Fatalf("definitions %+v", defs)
	}

	_, err := e.Deploy("<definitions")
	oe := wantErr(t, err, ErrParse)
	if len(oe.Diagnostics) == 0 || oe.Diagnostics[0].Code != "xml_malformed" {
		t.Fatalf("diagnostics %+v", oe.Diagnostics)
	}
	if !strings.Contains(err.Error(), "parse_error") {
		t.Fatalf("message %q does not name the class", err.Error())
	}
	if defs := try(e.Definitions()).must(t); len(defs) != 1 {
		t.Fatalf("a broken model was deployed: %+v", defs)
	}
}

func TestLeaveApprovalToTheEnd(t *testing.T) {
	e := openLeave(t)
	ctx := context.Background()
	in := try(e.Start(ctx, StartRequest{
		Key:         "leaveApproval",
		Variables:   map[string]any{"days": 5, "manager": "mary", "director": "dora"},
		BusinessKey: "leave-7",
		Initiator:   "emp",
	})).must(t)
	if in.ID == 0 || in.State != "running" || in.BusinessKey != "leave-7" || in.Initiator != "emp" || in.StartedAt.IsZero() {
		t.Fatalf("started %+v", in)
	}
	if w := try(e.Waiting(in.ID)).must(t); len(w) != 1 || w[0] != "managerApproval" {
		t.Fatalf("waiting at %v", w)
	}

	manager := onlyTask(t, e, in.ID)
	if manager.ElementID != "managerApproval" || manager.Assignee != "mary" || manager.State != "open" {
		t.Fatalf("manager task %+v", manager)
	}
	if err := e.Complete(ctx, manager.ID, map[string]any{"approved": true}, "mary"); err != nil {
		t.Fatal(err)
	}
	director := onlyTask(t, e, in.ID)
	if director.ElementID != "directorApproval" || director.Assignee != "dora" {
		t.Fatalf("director task %+v", director)
	}
	if err := e.Complete(ctx, director.ID, map[string]any{"approved": true}, "dora"); err != nil {
		t.Fatal(err)
	}

	in = try(e.Instance(in.ID)).must(t)
	if in.State != "completed" || in.EndedAt.IsZero() {
		t.Fatalf("instance after both approvals %+v", in)
	}
	done := try(e.Task(manager.ID)).must(t)
	if done.State != "completed" || done.CompletedBy != "mary" || done.EndedAt.IsZero() {
		t.Fatalf("finished task %+v", done)
	}
	var kinds []string
	for _, h := range try(e.History(in.ID)).must(t) {
		kinds = append(kinds, h.Kind)
		if h.Kind == "task_completed" && h.ElementID == "managerApproval" && h.Actor != "mary" {
			t.Fatalf("manager's completion by %q", h.Actor)
		}
	}
	joined := strings.Join(kinds, " ")
	for _, k := range []string{"instance_started", "task_completed", "instance_completed"} {
		if !strings.Contains(joined, k) {
			t.Fatalf("history %v lacks %s", kinds, k)
		}
	}
	list := try(e.Instances(InstanceQuery{State: "completed", BusinessKey: "leave-7"})).must(t)
	if len(list) != 1 || list[0].ID != in.ID {
		t.Fatalf("completed instances %+v", list)
	}
	root := int64(0)
	if list := try(e.Instances(InstanceQuery{ParentID: &root})).must(t); len(list) != 1 {
		t.Fatalf("root instances %+v", list)
	}
}

func TestTaskQueryAndCount(t *testing.T) {
	e := openLeave(t)
	for i, manager := range []string{"mary", "mary", "mike"} {
		try(e.Start(context.Background(), StartRequest{
			Key:       "leaveApproval",
			Variables: map[string]any{"days": i + 1, "manager": manager},
		})).must(t)
	}
	if tasks := try(e.Tasks(TaskQuery{Assignee: "mary"})).must(t); len(tasks) != 2 {
		t.Fatalf("mary has %d tasks", len(tasks))
	}
	if n := try(e.CountTasks(TaskQuery{Assignee: "mary"})).must(t); n != 2 {
		t.Fatalf("CountTasks(mary) = %d", n)
	}
	if n := try(e.CountTasks(TaskQuery{ElementID: "managerApproval"})).must(t); n != 3 {
		t.Fatalf("CountTasks(managerApproval) = %d", n)
	}
	page := try(e.Tasks(TaskQuery{Limit: 2})).must(t)
	rest := try(e.Tasks(TaskQuery{Offset: 2, Limit: 2})).must(t)
	if len(page) != 2 || len(rest) != 1 || rest[0].ID == page[0].ID || rest[0].ID == page[1].ID {
		t.Fatalf("pages %+v / %+v", page, rest)
	}
	// Limit is ignored by the count.
	if n := try(e.CountTasks(TaskQuery{Limit: 1})).must(t); n != 3 {
		t.Fatalf("CountTasks(limit 1) = %d", n)
	}
	if tasks := try(e.Tasks(TaskQuery{Assignee: "nobody"})).must(t); len(tasks) != 0 {
		t.Fatalf("nobody has tasks: %+v", tasks)
	}
}

func TestVariables(t *testing.T) {
	e := openLeave(t)
	in := try(e.Start(context.Background(), StartRequest{Key: "leaveApproval",
		Variables: map[string]any{"days": 9, "manager": "m"}})).must(t)
	err := e.SetVariables(in.ID, map[string]any{
		"director": "dora",
		"note":     map[string]any{"reason": "wedding", "tags": []string{"family"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	vars := try(e.Variables(in.ID)).must(t)
	if vars["director"] != "dora" || vars["days"] != float64(9) || vars["manager"] != "m" {
		t.Fatalf("variables %v", vars)
	}
	note, ok := vars["note"].(map[string]any)
	if !ok || note["reason"] != "wedding" {
		t.Fatalf("nested variable %v", vars["note"])
	}
	// The variable set decides the route: 9 days go to the director set above.
	task := onlyTask(t, e, in.ID)
	if err := e.Complete(context.Background(), task.ID, map[string]any{"approved": true}, "m"); err != nil {
		t.Fatal(err)
	}
	if next := onlyTask(t, e, in.ID); next.Assignee != "dora" {
		t.Fatalf("next task %+v", next)
	}
	wantErr(t, e.SetVariables(424242, map[string]any{"x": 1}), ErrNotFound)
}

func TestExternalTasks(t *testing.T) {
	e := open(t)
	try(e.Deploy(externalModel)).must(t)
	ctx := context.Background()
	first := try(e.Start(ctx, StartRequest{Key: "ext", Variables: map[string]any{"to": "a@example.com"}})).must(t)
	second := try(e.Start(ctx, StartRequest{Key: "ext", Variables: map[string]any{"to": "b@example.com"}})).must(t)

	locked := try(e.FetchAndLock("mail", "w1", 10, time.Minute)).must(t)
	if len(locked) != 2 {
		t.Fatalf("fetched %+v", locked)
	}
	byInstance := map[int64]ExternalTask{}
	for _, x := range locked {
		if x.Topic != "mail" || x.WorkerID != "w1" || x.ElementID != "send" || x.LockExpiresAt.IsZero() {
			t.Fatalf("external task %+v", x)
		}
		byInstance[x.InstanceID] = x
	}
	if byInstance[first.ID].Variables["to"] != "a@example.com" {
		t.Fatalf("variables at fetch %v", byInstance[first.ID].Variables)
	}
	if again := try(e.FetchAndLock("mail", "w2", 10, time.Minute)).must(t); len(again) != 0 {
		t.Fatalf("locked tasks fetched again: %+v", again)
	}

	// The first is done by its worker; another worker may not complete it.
	wantErr(t, e.CompleteExternal(ctx, byInstance[first.ID].ID, "w2", nil), ErrForbidden)
	if err := e.CompleteExternal(ctx, byInstance[first.ID].ID, "w1", map[string]any{"sent": true}); err != nil {
		t.Fatal(err)
	}
	if in := try(e.Instance(first.ID)).must(t); in.State != "completed" {
		t.Fatalf("first instance %+v", in)
	}
	if vars := try(e.Variables(first.ID)).must(t); vars["sent"] != true {
		t.Fatalf("variables %v", vars)
	}

	// The second fails without retries: an incident.
	if err := e.FailExternal(byInstance[second.ID].ID, "w1", "smtp down", 0, 0); err != nil {
		t.Fatal(err)
	}
	if n := try(e.IncidentCount(second.ID)).must(t); n != 1 {
		t.Fatalf("IncidentCount = %d", n)
	}
	if n := try(e.IncidentCount(first.ID)).must(t); n != 0 {
		t.Fatalf("IncidentCount(first) = %d", n)
	}
	if in := try(e.Instance(second.ID)).must(t); in.State != "running" {
		t.Fatalf("second instance %+v", in)
	}
	wantErr(t, e.BpmnErrorExternal(777777, "w1", "E", nil), ErrNotFound)
	wantErr(t, func() error { _, err := e.FetchAndLock("mail", "", 1, time.Minute); return err }(), ErrInvalid)
}

func TestErrorClasses(t *testing.T) {
	e := openLeave(t)
	try(e.Deploy(serviceModel)).must(t)
	ctx := context.Background()
	in := try(e.Start(ctx, StartRequest{Key: "leaveApproval", Variables: map[string]any{"days": 1, "manager": "mary"}})).must(t)
	task := onlyTask(t, e, in.ID)

	t.Run("not found", func(t *testing.T) {
		wantErr(t, e.Complete(ctx, 999999, nil, "mary"), ErrNotFound)
		_, err := e.Instance(424242)
		wantErr(t, err, ErrNotFound)
		_, err = e.Start(ctx, StartRequest{Key: "nope"})
		oe := wantErr(t, err, ErrNotFound)
		if !strings.Contains(oe.Message, "nope") {
			t.Fatalf("message %q does not name the key", oe.Message)
		}
		wantErr(t, e.RemoveListener(12345), ErrNotFound)
	})
	t.Run("invalid", func(t *testing.T) {
		_, err := e.Start(ctx, StartRequest{})
		wantErr(t, err, ErrInvalid)
		_, err = e.Instances(InstanceQuery{Limit: -1})
		wantErr(t, err, ErrInvalid)
		_, err = Open(filepath.Join(t.TempDir(), "x.db"), Durability(7))
		if oe := wantErr(t, err, ErrInvalid); !strings.Contains(oe.Message, "durability") {
			t.Fatalf("message %q", oe.Message)
		}
	})
	t.Run("expression", func(t *testing.T) {
		// ${approved} is not set.
		oe := wantErr(t, e.Complete(ctx, task.ID, nil, "mary"), ErrExpression)
		if oe.ElementID != "managerDecision" && oe.ElementID != "managerApprovedFlow" {
			t.Fatalf("element at fault %q", oe.ElementID)
		}
	})
	t.Run("wrong state", func(t *testing.T) {
		if err := e.Complete(ctx, task.ID, map[string]any{"approved": true}, "mary"); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.Complete(ctx, task.ID, map[string]any{"approved": true}, "mary"), ErrWrongState)
	})
	t.Run("unsupported", func(t *testing.T) {
		_, err := e.Start(ctx, StartRequest{Key: "svc"}) // no handler for calc
		oe := wantErr(t, err, ErrUnsupported)
		if oe.ElementID != "calc" || !strings.Contains(oe.Message, "calc") {
			t.Fatalf("error %+v", oe)
		}
	})
	t.Run("no flow", func(t *testing.T) {
		model := `<definitions ` + flowableNS + ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="routeDefs">
  <process id="route" isExecutable="true">
    <startEvent id="start"/>
    <exclusiveGateway id="which"/>
    <endEvent id="big"/>
    <endEvent id="small"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="which"/>
    <sequenceFlow id="f2" sourceRef="which" targetRef="big">
      <conditionExpression xsi:type="tFormalExpression">${amount &gt; 100}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="f3" sourceRef="which" targetRef="small">
      <conditionExpression xsi:type="tFormalExpression">${amount &lt; 10}</conditionExpression>
    </sequenceFlow>
  </process>
</definitions>`
		try(e.Deploy(model)).must(t)
		_, err := e.Start(ctx, StartRequest{Key: "route", Variables: map[string]any{"amount": 50}})
		if oe := wantErr(t, err, ErrNoFlow); oe.ElementID != "which" {
			t.Fatalf("element at fault %q", oe.ElementID)
		}
	})
	t.Run("io", func(t *testing.T) {
		_, err := Open(filepath.Join(t.TempDir(), "missing", "dir", "x.db"))
		wantErr(t, err, ErrIO)
	})
	t.Run("sentinels", func(t *testing.T) {
		all := []*Error{ErrNotFound, ErrInvalid, ErrParse, ErrExpression, ErrNoFlow, ErrWrongState, ErrForbidden,
			ErrLimit, ErrConflict, ErrUnsupported, ErrBpmnError, ErrService, ErrBusy, ErrIO, ErrInterrupted,
			ErrInternal, ErrNoMem}
		for i, s := range all {
			if s.Code != -(i+1) || s.Name == "" || s.Name == "unknown" {
				t.Fatalf("sentinel %d: %+v", i, s)
			}
			if i > 0 && errors.Is(s, all[i-1]) {
				t.Fatalf("%v matches %v", s, all[i-1])
			}
		}
		if ErrNotFound.Name != "not_found" || ErrNoMem.Name != "out_of_memory" {
			t.Fatalf("names %q %q", ErrNotFound.Name, ErrNoMem.Name)
		}
	})
}

func TestHandlers(t *testing.T) {
	e := open(t)
	try(e.Deploy(serviceModel)).must(t)
	ctx := context.Background()
	var seen []string
	err := e.RegisterHandler("calc", func(task *ServiceTask) error {
		vars, err := task.Variables()
		if err != nil {
			return err
		}
		seen = append(seen, fmt.Sprintf("%s@%d", task.ElementID(), task.InstanceID()))
		switch {
		case vars["fail"] == true:
			return errors.New("ledger offline")
		case vars["panic"] == true:
			panic("ledger exploded")
		}
		return task.SetVariable("total", vars["amount"].(float64)*2)
	})
	if err != nil {
		t.Fatal(err)
	}

	in := try(e.Start(ctx, StartRequest{Key: "svc", Variables: map[string]any{"amount": 21}})).must(t)
	if len(seen) != 1 || seen[0] != fmt.Sprintf("calc@%d", in.ID) {
		t.Fatalf("handler saw %v", seen)
	}
	if vars := try(e.Variables(in.ID)).must(t); vars["total"] != float64(42) {
		t.Fatalf("variables %v", vars)
	}
	if w := try(e.Waiting(in.ID)).must(t); len(w) != 1 || w[0] != "pay" {
		t.Fatalf("waiting at %v", w)
	}

	before := len(try(e.Instances(InstanceQuery{})).must(t))
	_, err = e.Start(ctx, StartRequest{Key: "svc", Variables: map[string]any{"fail": true}})
	oe := wantErr(t, err, ErrService)
	if !strings.Contains(oe.Message, "ledger offline") || oe.ElementID != "calc" {
		t.Fatalf("handler failure %+v", oe)
	}
	_, err = e.Start(ctx, StartRequest{Key: "svc", Variables: map[string]any{"panic": true}})
	oe = wantErr(t, err, ErrService)
	if !strings.Contains(oe.Message, "ledger exploded") {
		t.Fatalf("handler panic %+v", oe)
	}
	if after := len(try(e.Instances(InstanceQuery{})).must(t)); after != before {
		t.Fatalf("failed starts left instances: %d -> %d", before, after)
	}

	// Registering again replaces the handler.
	if err := e.RegisterHandler("calc", func(task *ServiceTask) error { return task.SetVariable("total", "replaced") }); err != nil {
		t.Fatal(err)
	}
	in = try(e.Start(ctx, StartRequest{Key: "svc"})).must(t)
	if vars := try(e.Variables(in.ID)).must(t); vars["total"] != "replaced" {
		t.Fatalf("variables %v", vars)
	}

	// A task kept after its handler returned is refused.
	var kept *ServiceTask
	ok(t, e.RegisterHandler("calc", func(task *ServiceTask) error { kept = task; return nil }))
	try(e.Start(ctx, StartRequest{Key: "svc"})).must(t)
	_, err = kept.Variables()
	wantErr(t, err, ErrWrongState)
	wantErr(t, e.RegisterHandler("calc", nil), ErrInvalid)
}

func TestBpmnErrorBoundary(t *testing.T) {
	model := `<definitions ` + flowableNS + ` id="billingDefs">
  <error id="E" errorCode="X"/>
  <process id="billing" isExecutable="true">
    <startEvent id="start"/>
    <serviceTask id="charge" flowable:type="charge"/>
    <boundaryEvent id="chargeFailed" attachedToRef="charge">
      <errorEventDefinition errorRef="E"/>
    </boundaryEvent>
    <userTask id="callCustomer"/>
    <endEvent id="paid"/>
    <endEvent id="handled"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="charge"/>
    <sequenceFlow id="f2" sourceRef="charge" targetRef="paid"/>
    <sequenceFlow id="f3" sourceRef="chargeFailed" targetRef="callCustomer"/>
    <sequenceFlow id="f4" sourceRef="callCustomer" targetRef="handled"/>
  </process>
</definitions>`
	e := open(t)
	try(e.Deploy(model)).must(t)
	err := e.RegisterHandler("charge", func(task *ServiceTask) error {
		vars, err := task.Variables()
		if err != nil {
			return err
		}
		if err := task.SetVariable("attempted", true); err != nil {
			return err
		}
		return task.BpmnError(vars["code"].(string), "card declined")
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in := try(e.Start(ctx, StartRequest{Key: "billing", Variables: map[string]any{"code": "X"}})).must(t)
	if w := try(e.Waiting(in.ID)).must(t); len(w) != 1 || w[0] != "callCustomer" {
		t.Fatalf("after the BPMN error, waiting at %v", w)
	}
	if vars := try(e.Variables(in.ID)).must(t); vars["attempted"] != true {
		t.Fatalf("variables %v", vars)
	}
	// A code no boundary event catches.
	_, err = e.Start(ctx, StartRequest{Key: "billing", Variables: map[string]any{"code": "Y"}})
	wantErr(t, err, ErrBpmnError)
}

func TestListener(t *testing.T) {
	e := openLeave(t)
	var mu sync.Mutex
	var events []HistoryEntry
	id, err := e.AddListener(func(h HistoryEntry) {
		mu.Lock()
		events = append(events, h)
		mu.Unlock()
		if h.Kind == "instance_completed" {
			panic("a listener's panic stays in the listener")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in := try(e.Start(ctx, StartRequest{Key: "leaveApproval", Variables: map[string]any{"days": 1, "manager": "mary"}})).must(t)
	task := onlyTask(t, e, in.ID)
	if err := e.Complete(ctx, task.ID, map[string]any{"approved": true}, "mary"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	var kinds []string
	for _, h := range events {
		if h.InstanceID != in.ID {
			t.Fatalf("event of another instance: %+v", h)
		}
		kinds = append(kinds, h.Kind)
	}
	n := len(events)
	mu.Unlock()
	joined := strings.Join(kinds, " ")
	if !strings.HasPrefix(joined, "instance_started") || !strings.Contains(joined, "task_completed") ||
		!strings.HasSuffix(joined, "instance_completed") {
		t.Fatalf("events %v", kinds)
	}
	if len(try(e.History(in.ID)).must(t)) != n {
		t.Fatalf("listener saw %d events, history has a different count", n)
	}

	if err := e.RemoveListener(id); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.RemoveListener(id), ErrNotFound)
	try(e.Start(ctx, StartRequest{Key: "leaveApproval", Variables: map[string]any{"days": 1, "manager": "mary"}})).must(t)
	mu.Lock()
	defer mu.Unlock()
	if len(events) != n {
		t.Fatalf("a removed listener was called")
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	e := openLeave(t)
	const goroutines, perGoroutine = 8, 20
	var events sync.Map
	if _, err := e.AddListener(func(h HistoryEntry) {
		if h.Kind == "instance_completed" {
			events.Store(h.InstanceID, true)
		}
	}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			errs <- func() error {
				ctx := context.Background()
				manager := fmt.Sprintf("manager-%d", g)
				for i := 0; i < perGoroutine; i++ {
					in, err := e.Start(ctx, StartRequest{Key: "leaveApproval",
						Variables: map[string]any{"days": 2, "manager": manager}})
					if err != nil {
						return err
					}
					tasks, err := e.Tasks(TaskQuery{InstanceID: in.ID})
					if err != nil {
						return err
					}
					if len(tasks) != 1 || tasks[0].Assignee != manager {
						return fmt.Errorf("instance %d: tasks %+v", in.ID, tasks)
					}
					if err := e.Complete(ctx, tasks[0].ID, map[string]any{"approved": true}, manager); err != nil {
						return err
					}
					if in, err = e.Instance(in.ID); err != nil {
						return err
					} else if in.State != "completed" {
						return fmt.Errorf("instance %d is %s", in.ID, in.State)
					}
				}
				return nil
			}()
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	done := try(e.Instances(InstanceQuery{State: "completed", Limit: 1000})).must(t)
	if len(done) != goroutines*perGoroutine {
		t.Fatalf("%d completed instances", len(done))
	}
	n := 0
	events.Range(func(_, _ any) bool { n++; return true })
	if n != goroutines*perGoroutine {
		t.Fatalf("listener saw %d completions", n)
	}
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestClockDrivesTimer(t *testing.T) {
	clock := &fakeClock{now: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
	e := open(t, Clock(clock.Now), Durability(Normal), ReadConnections(2))
	try(e.Deploy(readSample(t, "repair-work-order.bpmn"))).must(t)
	ctx := context.Background()
	in := try(e.Start(ctx, StartRequest{Key: "repairWorkOrder",
		Variables: map[string]any{"technician": "tom"}, Initiator: "zhang"})).must(t)
	if !in.StartedAt.Time().Equal(clock.Now()) {
		t.Fatalf("started at %v, the clock says %v", in.StartedAt.Time(), clock.Now())
	}
	if vars := try(e.Variables(in.ID)).must(t); vars["initiator"] != "zhang" {
		t.Fatalf("variables %v", vars)
	}
	dispatch := onlyTask(t, e, in.ID)
	if dispatch.ElementID != "dispatch" || len(dispatch.CandidateGroups) != 1 || dispatch.CandidateGroups[0] != "dispatchers" {
		t.Fatalf("dispatch task %+v", dispatch)
	}
	// No user: the host acts for the system, without a permission check.
	if err := e.Complete(ctx, dispatch.ID, nil, ""); err != nil {
		t.Fatal(err)
	}
	if handle := onlyTask(t, e, in.ID); handle.ElementID != "handle" || handle.Assignee != "tom" {
		t.Fatalf("handle task %+v", handle)
	}
	if n := try(e.RunDueJobs(ctx)).must(t); n != 0 {
		t.Fatalf("%d jobs ran before the SLA", n)
	}
	if n := try(e.JobCount(in.ID)).must(t); n != 1 {
		t.Fatalf("JobCount = %d, want the SLA timer", n)
	}

	clock.Advance(5 * time.Hour)
	if n := try(e.RunDueJobs(ctx)).must(t); n != 1 {
		t.Fatalf("RunDueJobs = %d, want the SLA timer", n)
	}
	if n := try(e.JobCount(in.ID)).must(t); n != 0 {
		t.Fatalf("JobCount after the timer fired = %d", n)
	}
	escalate := onlyTask(t, e, in.ID)
	if escalate.ElementID != "escalate" || escalate.CandidateGroups[0] != "supervisors" {
		t.Fatalf("after the SLA, open task %+v", escalate)
	}
	if !escalate.CreatedAt.Time().Equal(clock.Now()) {
		t.Fatalf("escalation created at %v, the clock says %v", escalate.CreatedAt.Time(), clock.Now())
	}
}

func TestCancelledContext(t *testing.T) {
	e := openLeave(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := len(try(e.Instances(InstanceQuery{})).must(t))
	_, err := e.Start(ctx, StartRequest{Key: "leaveApproval", Variables: map[string]any{"days": 1, "manager": "m"}})
	if err != context.Canceled {
		t.Fatalf("Start with a cancelled context: %v", err)
	}
	if _, err := e.RunDueJobs(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("RunDueJobs with a cancelled context: %v", err)
	}
	if after := len(try(e.Instances(InstanceQuery{})).must(t)); after != before {
		t.Fatalf("a cancelled start created an instance")
	}
	in := try(e.Start(context.Background(), StartRequest{Key: "leaveApproval", Variables: map[string]any{"days": 1, "manager": "m"}})).must(t)
	task := onlyTask(t, e, in.ID)
	if err := e.Complete(ctx, task.ID, map[string]any{"approved": true}, "m"); err != context.Canceled {
		t.Fatalf("Complete with a cancelled context: %v", err)
	}
	if err := e.CompleteExternal(ctx, 1, "w", nil); err != context.Canceled {
		t.Fatalf("CompleteExternal with a cancelled context: %v", err)
	}
	if got := try(e.Task(task.ID)).must(t); got.State != "open" {
		t.Fatalf("task after a cancelled Complete: %+v", got)
	}
}

func TestContextInterruptsRunningCall(t *testing.T) {
	e := open(t)
	try(e.Deploy(serviceModel)).must(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := e.RegisterHandler("calc", func(task *ServiceTask) error {
		// The context ends while the command runs; wait until the engine was
		// told, then let the command go on to its next step, where it stops.
		sent := interruptsSent.Load()
		cancel()
		deadline := time.Now().Add(10 * time.Second)
		for interruptsSent.Load() == sent && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		return task.SetVariable("total", 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Start(ctx, StartRequest{Key: "svc"})
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Start: %v", err)
	}
	if list := try(e.Instances(InstanceQuery{})).must(t); len(list) != 0 {
		t.Fatalf("an interrupted start left %+v", list)
	}

	// The next call is not affected.
	ok(t, e.RegisterHandler("calc", func(*ServiceTask) error { return nil }))
	try(e.Start(context.Background(), StartRequest{Key: "svc"})).must(t)
}

func TestClose(t *testing.T) {
	e, err := Open(filepath.Join(t.TempDir(), "ordo.db"))
	if err != nil {
		t.Fatal(err)
	}
	try(e.Deploy(readSample(t, "leave-approval.bpmn"))).must(t)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	_, err = e.Definitions()
	wantErr(t, err, ErrInvalid)
	wantErr(t, e.RegisterHandler("x", func(*ServiceTask) error { return nil }), ErrInvalid)
	_, err = e.AddListener(func(HistoryEntry) {})
	wantErr(t, err, ErrInvalid)
}

func TestReopenKeepsState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ordo.db")
	e := try(Open(path, Durability(Full))).must(t)
	try(e.Deploy(readSample(t, "leave-approval.bpmn"))).must(t)
	in := try(e.Start(context.Background(), StartRequest{Key: "leaveApproval", Variables: map[string]any{"days": 1, "manager": "m"}})).must(t)
	e.Close()

	e = try(Open(path)).must(t)
	defer e.Close()
	if got := try(e.Instance(in.ID)).must(t); got.State != "running" {
		t.Fatalf("after reopening: %+v", got)
	}
	if w := try(e.Waiting(in.ID)).must(t); len(w) != 1 || w[0] != "managerApproval" {
		t.Fatalf("after reopening, waiting at %v", w)
	}
}

// Ordo interrupts whatever command runs on the engine, so a cancelled call
// waiting for the writer stops the command of another goroutine; that one is
// made again and succeeds.
func TestForeignInterruptIsRetried(t *testing.T) {
	e := openLeave(t)
	try(e.Deploy(serviceModel)).must(t)
	entered, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	calls := 0
	ok(t, e.RegisterHandler("calc", func(*ServiceTask) error {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first { // hold the writer until the other goroutine's interrupt was sent
			close(entered)
			<-release
		}
		return nil
	}))

	errA := make(chan error, 1)
	go func() {
		_, err := e.Start(context.Background(), StartRequest{Key: "svc"})
		errA <- err
	}()
	<-entered
	sent := interruptsSent.Load()
	ctxB, cancelB := context.WithCancel(context.Background())
	errB := make(chan error, 1)
	go func() {
		_, err := e.Start(ctxB, StartRequest{Key: "leaveApproval", Variables: map[string]any{"days": 1, "manager": "m"}})
		errB <- err
	}()
	time.Sleep(20 * time.Millisecond) // let B reach the writer it waits for
	cancelB()
	for deadline := time.Now().Add(10 * time.Second); interruptsSent.Load() == sent; {
		if time.Now().After(deadline) {
			t.Fatal("no interrupt was sent")
		}
		time.Sleep(time.Millisecond)
	}
	close(release)

	if err := <-errA; err != nil {
		t.Fatalf("the call another goroutine's cancellation interrupted failed: %v", err)
	}
	mu.Lock()
	if calls < 2 {
		t.Fatalf("handler ran %d times; the interrupted command was not made again", calls)
	}
	mu.Unlock()
	// B either finished before its repeated interrupt reached it, or was interrupted.
	if err := <-errB; err != nil && !(errors.Is(err, ErrInterrupted) && errors.Is(err, context.Canceled)) {
		t.Fatalf("the cancelled call: %v", err)
	}
	if n := len(try(e.Instances(InstanceQuery{DefinitionKey: "svc"})).must(t)); n != 1 {
		t.Fatalf("%d svc instances, want 1", n)
	}
}

func TestMessagesSignalsAndApprovalOperations(t *testing.T) {
	e := open(t)
	const waits = `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="w">
  <message id="m" name="paid"/><signal id="sig" name="go"/>
  <process id="waits"><startEvent id="s"/><receiveTask id="pay" messageRef="m"/>
  <intermediateCatchEvent id="go"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent><endEvent id="e"/>
  <sequenceFlow id="1" sourceRef="s" targetRef="pay"/><sequenceFlow id="2" sourceRef="pay" targetRef="go"/>
  <sequenceFlow id="3" sourceRef="go" targetRef="e"/></process></definitions>`
	if _, err := e.Deploy(waits); err != nil {
		t.Fatal(err)
	}
	in, err := e.Start(context.Background(), StartRequest{Key: "waits", BusinessKey: "o-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CorrelateMessage(Message{Name: "paid", BusinessKey: "o-2"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	if got, err := e.CorrelateMessage(Message{Name: "paid", BusinessKey: "o-1"}); err != nil || got.ID != in.ID {
		t.Fatalf("correlate: %v %+v", err, got)
	}
	if n, err := e.BroadcastSignal("go", nil); err != nil || n != 1 {
		t.Fatalf("signal: %d %v", n, err)
	}
	if done, _ := e.Instance(in.ID); done.State != "completed" {
		t.Fatalf("state %s", done.State)
	}

	if _, err := e.Deploy(readSample(t, "leave-approval.bpmn")); err != nil {
		t.Fatal(err)
	}
	leave, err := e.Start(context.Background(), StartRequest{Key: "leaveApproval", Initiator: "emp",
		Variables: map[string]any{"days": 1, "manager": "mary"}})
	if err != nil {
		t.Fatal(err)
	}
	items, total, err := e.List(ListQuery{User: "mary"})
	if err != nil || total != 1 || items[0].Task == nil || items[0].Task.ElementID != "managerApproval" {
		t.Fatalf("list: %v %d %+v", err, total, items)
	}
	taskID := items[0].Task.ID
	if err := e.Operation("transfer", "eve", map[string]any{"task": taskID, "to": "x"}, nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("want ErrForbidden, got %v", err)
	}
	if err := e.Operation("transfer", "mary", map[string]any{"task": taskID, "to": "max"}, nil); err != nil {
		t.Fatal(err)
	}
	inbox, err := e.Inbox(InboxQuery{User: "max", UnreadOnly: true, Limit: 10})
	if err != nil || len(inbox) != 1 || inbox[0].Type != "todo" {
		t.Fatalf("inbox: %v %+v", err, inbox)
	}
	if err := e.SaveUser(User{ID: "root", Roles: []string{"admin"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.Operation("terminate", "root", map[string]any{"instance": leave.ID}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Instance(leave.ID); got.State != "terminated" {
		t.Fatalf("state %s", got.State)
	}
}
