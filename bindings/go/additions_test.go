package ordo

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// Every function ordo.h declares is called by the binding, and the binding calls nothing else.
func TestBindingCoversOrdoH(t *testing.T) {
	header, err := os.ReadFile(filepath.Join("..", "..", "include", "ordo.h"))
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, m := range regexp.MustCompile(`ORDO_EXTERN [^(]*?\b(ordo_[a-z_]+)\(`).FindAllSubmatch(header, -1) {
		declared[string(m[1])] = true
	}
	used := map[string]bool{}
	goFiles, _ := filepath.Glob("*.go")
	calls := map[string]*regexp.Regexp{
		"shim.c": regexp.MustCompile(`\b(ordo_[a-z_]+)\(`), // the callbacks are registered from C
	}
	for _, f := range goFiles {
		if !strings.HasSuffix(f, "_test.go") {
			calls[f] = regexp.MustCompile(`C\.(ordo_[a-z_]+)\(`)
		}
	}
	for f, re := range calls {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			used[string(m[1])] = true
		}
	}
	var missing, stale []string
	for name := range declared {
		if !used[name] {
			missing = append(missing, name)
		}
	}
	for name := range used {
		if !declared[name] {
			stale = append(stale, name)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 || len(stale) > 0 {
		t.Fatalf("not bound: %v; not in ordo.h: %v", missing, stale)
	}
}

func TestBadNumbersAreInvalidNamingTheField(t *testing.T) {
	e := openLeave(t)
	for _, c := range []struct {
		op     string
		fields map[string]any
		field  string
	}{
		{"claim", map[string]any{"task": uint64(math.MaxUint64)}, "'task'"},
		{"claim", map[string]any{"task": 1.5}, "'task'"},
		{"claim", map[string]any{"task": "7"}, "'task'"},
		{"suspend", map[string]any{"instance": -1}, "'instance'"},
		{"entrust", map[string]any{"to": "b", "from": 1.5}, "'from'"},
		{"entrust", map[string]any{"to": "b", "until": 1e30}, "'until'"},
	} {
		err := e.Operation(c.op, "u", c.fields, nil)
		oe := wantErr(t, err, ErrInvalid)
		if !strings.Contains(oe.Message, c.field) {
			t.Errorf("%s %v: message %q does not name %s", c.op, c.fields, oe.Message, c.field)
		}
	}
	if _, err := e.Tasks(TaskQuery{Limit: 1 << 32}); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "'limit'") {
		t.Fatalf("limit 2^32: %v", err)
	}
	if _, err := e.FetchAndLock("mail", "w", 1<<40, time.Second); !errors.Is(err, ErrInvalid) {
		t.Fatalf("max 2^40 (would wrap in a C int): %v", err)
	}
	if _, err := e.Inbox(InboxQuery{User: "u", Offset: -1}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "offset") {
		t.Fatalf("inbox offset -1: %v", err)
	}
}

func TestHistoryActionsAndOperations(t *testing.T) {
	e := openLeave(t)
	in := try(e.Start(context.Background(), StartRequest{Key: "leaveApproval", Initiator: "emp",
		Variables: map[string]any{"days": 1, "manager": "mary"}})).must(t)
	task := onlyTask(t, e, in.ID)
	ok(t, e.Operation("transfer", "mary", map[string]any{"task": task.ID, "to": "max"}, nil))
	ops := try(e.Operations(in.ID)).must(t)
	if len(ops) != 2 || ops[0].Action != "start" || ops[1].Action != "transfer" || ops[1].Actor != "mary" ||
		len(ops[1].Targets) != 1 || ops[1].Targets[0] != "max" {
		t.Fatalf("operations %+v", ops)
	}
	found := false
	for _, h := range try(e.History(in.ID)).must(t) {
		if h.Action == "transfer" && len(h.Targets) == 1 && h.Targets[0] == "max" {
			found = true
		}
	}
	if !found {
		t.Fatal("the history has no transfer with its target")
	}
	if _, err := e.Operations(424242); !errors.Is(err, ErrNotFound) {
		t.Fatalf("operations of a missing instance: %v", err)
	}
}

func TestIncidentsAndExternalTasks(t *testing.T) {
	e := open(t)
	try(e.Deploy(externalModel)).must(t)
	in := try(e.Start(context.Background(), StartRequest{Key: "ext"})).must(t)
	locked := try(e.FetchAndLock("mail", "w1", 5, time.Minute)).must(t)
	listed := try(e.ExternalTasks(in.ID)).must(t)
	if len(locked) != 1 || len(listed) != 1 || listed[0].ID != locked[0].ID || listed[0].WorkerID != "w1" {
		t.Fatalf("locked %+v, listed %+v", locked, listed)
	}
	ok(t, e.FailExternal(locked[0].ID, "w1", "smtp down", 0, 0))
	incidents := try(e.Incidents(in.ID)).must(t)
	if len(incidents) != 1 || incidents[0].Message != "smtp down" || incidents[0].ElementID != "send" ||
		incidents[0].ResolvedAt != 0 {
		t.Fatalf("incidents %+v", incidents)
	}
	if err := e.ResolveIncident(incidents[0].ID, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("resolve with 0 retries: %v", err)
	}
	ok(t, e.ResolveIncident(incidents[0].ID, 1))
	if n := try(e.IncidentCount(in.ID)).must(t); n != 0 {
		t.Fatalf("IncidentCount after resolving = %d", n)
	}
	again := try(e.FetchAndLock("mail", "w1", 5, time.Minute)).must(t)
	if len(again) != 1 || again[0].ID != locked[0].ID {
		t.Fatalf("after resolving, fetched %+v", again)
	}
	ok(t, e.CompleteExternal(context.Background(), again[0].ID, "w1", nil))
	if got := try(e.Instance(in.ID)).must(t); got.State != "completed" {
		t.Fatalf("state %s", got.State)
	}
}

func TestJobExecutorFiresADueTimer(t *testing.T) {
	clock := &fakeClock{now: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
	e := open(t, Clock(clock.Now))
	try(e.Deploy(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="t"><process id="later">
  <startEvent id="s"/><intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT1S</timeDuration>
  </timerEventDefinition></intermediateCatchEvent><endEvent id="e"/>
  <sequenceFlow id="1" sourceRef="s" targetRef="wait"/><sequenceFlow id="2" sourceRef="wait" targetRef="e"/>
  </process></definitions>`)).must(t)
	in := try(e.Start(context.Background(), StartRequest{Key: "later"})).must(t)
	if n := try(e.JobCount(in.ID)).must(t); n != 1 {
		t.Fatalf("JobCount = %d", n)
	}
	if err := e.StartJobExecutor(0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("poll 0: %v", err)
	}
	clock.Advance(5 * time.Second)
	ok(t, e.StartJobExecutor(10*time.Millisecond))
	if err := e.StartJobExecutor(10 * time.Millisecond); !errors.Is(err, ErrWrongState) {
		t.Fatalf("second start: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for try(e.Instance(in.ID)).must(t).State != "completed" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	ok(t, e.StopJobExecutor())
	ok(t, e.StopJobExecutor())
	if got := try(e.Instance(in.ID)).must(t); got.State != "completed" {
		t.Fatalf("the executor did not fire the timer: %s", got.State)
	}
}

func TestFormsAndStartForm(t *testing.T) {
	e := open(t)
	model := `<definitions ` + flowableNS + ` id="f"><process id="formed"><startEvent id="s" flowable:formKey="leaveForm"/>
  <userTask id="u" flowable:formKey="reviewForm"/><endEvent id="e"/>
  <sequenceFlow id="1" sourceRef="s" targetRef="u"/><sequenceFlow id="2" sourceRef="u" targetRef="e"/></process></definitions>`
	if _, err := e.DeployWithForms(model, map[string]any{"leaveForm": 5}); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "leaveForm") {
		t.Fatalf("a schema that is a number: %v", err)
	}
	schema := map[string]any{"fields": []any{map[string]any{"key": "days", "type": "number"}}}
	try(e.DeployWithForms(model, map[string]any{"leaveForm": schema, "reviewForm": json.RawMessage(`{"fields":[]}`)})).must(t)
	f := try(e.StartForm("formed")).must(t)
	var got map[string]any
	if err := json.Unmarshal(f.Schema, &got); err != nil || f.FormKey != "leaveForm" {
		t.Fatalf("start form %+v: %v", f, err)
	}
	if fields, _ := got["fields"].([]any); len(fields) != 1 {
		t.Fatalf("schema %s", f.Schema)
	}
	if _, err := e.StartForm("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
}

func TestDefinitionDetailCanvasAndMarkRead(t *testing.T) {
	e := openLeave(t)
	if VersionNumber() != 200 {
		t.Fatalf("VersionNumber() = %d", VersionNumber())
	}
	defs := try(e.Definitions()).must(t)
	if d := try(e.Definition(defs[0].ID)).must(t); d.Key != "leaveApproval" {
		t.Fatalf("definition %+v", d)
	}
	if _, err := e.Definition(999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing definition: %v", err)
	}
	in := try(e.Start(context.Background(), StartRequest{Key: "leaveApproval", Initiator: "emp",
		Variables: map[string]any{"days": 1, "manager": "mary"}})).must(t)
	d := try(e.InstanceDetail(in.ID, "mary")).must(t)
	if len(d.OpenTasks) != 1 || len(d.AllowedActions) == 0 || d.AllowedActions[0] != "complete" {
		t.Fatalf("detail %+v", d)
	}
	c := try(e.Canvas(in.ID)).must(t)
	status := map[string]string{}
	for _, n := range c.Nodes {
		status[n.ID] = n.Status
	}
	if status["managerApproval"] != "active" || len(c.Edges) == 0 {
		t.Fatalf("canvas %+v", c)
	}
	inbox := try(e.Inbox(InboxQuery{User: "mary", UnreadOnly: true, Limit: 10})).must(t)
	if len(inbox) != 1 {
		t.Fatalf("inbox %+v", inbox)
	}
	ok(t, e.MarkRead(inbox[0].ID, "mary", true))
	if unread := try(e.Inbox(InboxQuery{User: "mary", UnreadOnly: true, Limit: 10})).must(t); len(unread) != 0 {
		t.Fatalf("still unread: %+v", unread)
	}
	if err := e.MarkRead(999999, "mary", true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing message: %v", err)
	}
}

func TestDirectoryStartableAndCounts(t *testing.T) {
	e := openLeave(t)
	ok(t, e.SaveRole("finance", "Finance"))
	ok(t, e.SaveDepartment(Department{ID: "d1", Name: "Sales", Leader: "lee"}))
	if err := e.SaveDepartment(Department{Name: "no id"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a department without an id: %v", err)
	}
	ok(t, e.SaveUser(User{ID: "lee", Name: "Lee", Department: "d1", Roles: []string{"finance"}}))
	if u := try(e.User("lee")).must(t); u.Department != "d1" || len(u.Roles) != 1 || u.Roles[0] != "finance" {
		t.Fatalf("user %+v", u)
	}
	if _, err := e.User("ghost"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	try(e.Deploy(`<definitions ` + flowableNS + ` id="b"><process id="bossOnly" flowable:candidateStarterUsers="boss">
  <startEvent id="s"/><endEvent id="e"/><sequenceFlow id="1" sourceRef="s" targetRef="e"/></process></definitions>`)).must(t)
	if ds := try(e.StartableDefinitions("lee")).must(t); len(ds) != 1 || ds[0].Key != "leaveApproval" {
		t.Fatalf("lee may start %+v", ds)
	}
	if ds := try(e.StartableDefinitions("boss")).must(t); len(ds) != 2 {
		t.Fatalf("boss may start %+v", ds)
	}
	in := try(e.Start(context.Background(), StartRequest{Key: "leaveApproval", Initiator: "emp",
		Variables: map[string]any{"days": 1, "manager": "mary"}})).must(t)
	ok(t, e.Operation("urge", "emp", map[string]any{"task": onlyTask(t, e, in.ID).ID}, nil))
	if urges := try(e.Inbox(InboxQuery{User: "mary", Type: "urge"})).must(t); len(urges) != 1 || urges[0].Type != "urge" {
		t.Fatalf("urges %+v", urges)
	}
	if c := try(e.InboxCounts("mary")).must(t); c["todo"] != 1 || c["urge"] != 1 {
		t.Fatalf("inbox counts %v", c)
	}
	if c := try(e.ListCounts("emp")).must(t); c.Started != 1 {
		t.Fatalf("list counts %+v", c)
	}
}
