package ordo

import (
	"encoding/json"
	"time"
)

// Millis is a point in time as Ordo reports it: milliseconds since the Unix
// epoch (UTC). Zero means "not set" (a task that has not ended, say).
type Millis int64

// Time converts m to a time.Time; the zero Millis gives the zero time.Time.
func (m Millis) Time() time.Time {
	if m == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(m))
}

// IsZero reports whether m is unset.
func (m Millis) IsZero() bool { return m == 0 }

// Diagnostic is one problem found in a BPMN model.
type Diagnostic struct {
	Severity  string `json:"severity"` // "error" or "warning"
	Code      string `json:"code"`     // stable, e.g. "xml_malformed"
	Message   string `json:"message"`
	ElementID string `json:"elementId"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
}

// Definition is one deployed version of an executable process.
type Definition struct {
	ID         int64  `json:"id"`
	Key        string `json:"key"` // the BPMN process id
	Name       string `json:"name"`
	Version    int    `json:"version"`
	Hash       string `json:"hash"` // of the deployed XML
	DeployedAt Millis `json:"deployedAt"`
}

// Deployment is the result of Deploy.
type Deployment struct {
	// Created is false when identical XML had been deployed before; Definitions
	// then are the existing ones.
	Created     bool         `json:"created"`
	Definitions []Definition `json:"definitions"`
}

// Instance is a process instance.
type Instance struct {
	ID                int64  `json:"id"`
	DefinitionID      int64  `json:"definitionId"`
	DefinitionKey     string `json:"definitionKey"`
	DefinitionVersion int    `json:"definitionVersion"`
	ParentID          int64  `json:"parentId"` // the calling instance; 0 for a root instance
	BusinessKey       string `json:"businessKey"`
	Initiator         string `json:"initiator"`
	Tenant            string `json:"tenant"`
	State             string `json:"state"` // running, completed, terminated, ...
	StartedAt         Millis `json:"startedAt"`
	EndedAt           Millis `json:"endedAt"`
	Revision          int64  `json:"revision"`
}

// Task is a user task.
type Task struct {
	ID              int64    `json:"id"`
	InstanceID      int64    `json:"instanceId"`
	ElementID       string   `json:"elementId"`
	Name            string   `json:"name"`
	Assignee        string   `json:"assignee"`
	Owner           string   `json:"owner"`
	CandidateUsers  []string `json:"candidateUsers"`
	CandidateGroups []string `json:"candidateGroups"`
	State           string   `json:"state"` // open, completed, cancelled
	FormKey         string   `json:"formKey"`
	Priority        int      `json:"priority"`
	CreatedAt       Millis   `json:"createdAt"`
	EndedAt         Millis   `json:"endedAt"`
	DueAt           Millis   `json:"dueAt"`
	CompletedBy     string   `json:"completedBy"`
}

// HistoryEntry is one line of an instance's history, also what listeners get.
type HistoryEntry struct {
	ID          int64  `json:"id"`
	InstanceID  int64  `json:"instanceId"`
	At          Millis `json:"at"`
	Kind        string `json:"kind"` // instance_started, element_entered, element_left, task_completed, ...
	ElementID   string `json:"elementId"`
	ElementType string `json:"elementType"`
	TaskID      int64  `json:"taskId"`
	Actor       string `json:"actor"`
	Comment     string `json:"comment"`
	// What someone did (start, claim, transfer, urge ...) and at whom or where;
	// empty on the entries that record no action.
	Action  string   `json:"action"`
	Targets []string `json:"targets"`
}

// Incident is a job (timer, async continuation, external task) that ran out of retries.
type Incident struct {
	ID         int64  `json:"id"`
	InstanceID int64  `json:"instanceId"`
	JobID      int64  `json:"jobId"`
	ElementID  string `json:"elementId"`
	Message    string `json:"message"`
	CreatedAt  Millis `json:"createdAt"`
	ResolvedAt Millis `json:"resolvedAt"` // zero while open
}

// Form is a form key with its JSON schema, as deployed with DeployWithForms.
type Form struct {
	FormKey string          `json:"formKey"`
	Schema  json.RawMessage `json:"schema"`
}

// ExternalTask is a service task (type "external") locked for a worker.
type ExternalTask struct {
	ID            int64          `json:"id"`
	InstanceID    int64          `json:"instanceId"`
	ElementID     string         `json:"elementId"`
	Topic         string         `json:"topic"`
	WorkerID      string         `json:"workerId"`
	Retries       int            `json:"retries"`
	LockExpiresAt Millis         `json:"lockExpiresAt"`
	Variables     map[string]any `json:"variables"` // the process variables at fetch time
}

// StartRequest names the process to start (Key: its latest version, or
// DefinitionID: exactly that one) and what to start it with.
type StartRequest struct {
	Key          string         `json:"key,omitempty"`
	DefinitionID int64          `json:"definitionId,omitempty"`
	Variables    map[string]any `json:"variables,omitempty"`
	BusinessKey  string         `json:"businessKey,omitempty"`
	Initiator    string         `json:"initiator,omitempty"`
	Tenant       string         `json:"tenant,omitempty"`
}

// InstanceQuery selects instances; zero fields do not filter. Limit 0 means
// every match.
type InstanceQuery struct {
	DefinitionKey string `json:"definitionKey,omitempty"`
	State         string `json:"state,omitempty"`
	BusinessKey   string `json:"businessKey,omitempty"`
	// ParentID nil: any instance; pointing at 0: root instances only.
	ParentID *int64 `json:"parentId,omitempty"`
	Offset   int    `json:"offset,omitempty"`
	Limit    int    `json:"limit,omitempty"`
}

// TaskQuery selects tasks; zero fields do not filter, and only open tasks
// are listed unless IncludeFinished. Limit 0 means every match.
type TaskQuery struct {
	InstanceID      int64    `json:"instanceId,omitempty"`
	Assignee        string   `json:"assignee,omitempty"`
	CandidateUser   string   `json:"candidateUser,omitempty"` // tasks this user may claim
	CandidateGroups []string `json:"candidateGroups,omitempty"`
	ElementID       string   `json:"elementId,omitempty"`
	IncludeFinished bool     `json:"includeFinished,omitempty"`
	Offset          int      `json:"offset,omitempty"`
	Limit           int      `json:"limit,omitempty"`
}

// Message is a message to correlate (ordo_message_correlate).
type Message struct {
	Name         string         `json:"name"`
	BusinessKey  string         `json:"businessKey,omitempty"`
	InstanceID   int64          `json:"instanceId,omitempty"`
	Variables    map[string]any `json:"variables,omitempty"`
	User         string         `json:"user,omitempty"`
	Buffer       bool           `json:"buffer,omitempty"`
	BufferMillis int64          `json:"bufferMillis,omitempty"`
}

// ListQuery selects a page of a user's list.
type ListQuery struct {
	User        string `json:"user"`
	Type        string `json:"type,omitempty"` // todo (default), done, started, cc, drafts
	ProcessKey  string `json:"processKey,omitempty"`
	ProcessName string `json:"processName,omitempty"`
	Category    string `json:"category,omitempty"`
	Tenant      string `json:"tenant,omitempty"`
	StartedFrom int64  `json:"startedFrom,omitempty"`
	StartedTo   int64  `json:"startedTo,omitempty"`
	Offset      int    `json:"offset,omitempty"`
	Limit       int    `json:"limit,omitempty"`
}

// ListItem is one row of a user's list: the instance and, for todo and done, the task.
type ListItem struct {
	Instance    Instance `json:"instance"`
	ProcessName string   `json:"processName"`
	Task        *Task    `json:"task"`
}

// InboxQuery selects a user's inbox messages.
type InboxQuery struct {
	User       string `json:"user"`
	UnreadOnly bool   `json:"unreadOnly,omitempty"`
	Type       string `json:"type,omitempty"` // todo, cc, urge, ended; "" for all
	Offset     int    `json:"offset,omitempty"`
	Limit      int    `json:"limit,omitempty"` // 0: the default (100)
}

// ListCounts says how long each of a user's lists is.
type ListCounts struct {
	Todo    int64 `json:"todo"`
	Done    int64 `json:"done"`
	Started int64 `json:"started"`
	CC      int64 `json:"cc"`
	Drafts  int64 `json:"drafts"`
}

// Department is a department of the engine's own directory.
type Department struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Parent string `json:"parent,omitempty"` // "" at the root
	Leader string `json:"leader,omitempty"` // a user id
}

// InboxMessage is a message in a user's inbox.
type InboxMessage struct {
	ID         int64  `json:"id"`
	User       string `json:"user"`
	Type       string `json:"type"` // todo, cc, urge, ended
	InstanceID int64  `json:"instanceId"`
	TaskID     int64  `json:"taskId"`
	Title      string `json:"title"`
	CreatedAt  Millis `json:"createdAt"`
	Read       bool   `json:"read"`
}

// User is a user of the engine's own directory.
type User struct {
	ID         string   `json:"id"`
	Name       string   `json:"name,omitempty"`
	Department string   `json:"department,omitempty"`
	Roles      []string `json:"roles,omitempty"`
	Tenant     string   `json:"tenant,omitempty"`
}

// InstanceDetail is what an instance looks like to one user.
type InstanceDetail struct {
	Instance       Instance `json:"instance"`
	ProcessName    string   `json:"processName"`
	OpenTasks      []Task   `json:"openTasks"`
	CurrentNodes   []string `json:"currentNodes"`   // where it waits
	AllowedActions []string `json:"allowedActions"` // complete, reject, return, transfer ... for the asking user
}

// CanvasNode is one node of the instance's diagram.
type CanvasNode struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Status    string   `json:"status"`    // done, active, notReached
	Approvers []string `json:"approvers"` // who completed its tasks (done) or holds them (active)
	Comments  []string `json:"comments"`
	StartedAt Millis   `json:"startedAt"`
	EndedAt   Millis   `json:"endedAt"`
}

// CanvasEdge is one sequence flow of the instance's diagram.
type CanvasEdge struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	Target string `json:"target"`
	Status string `json:"status"` // done, notReached
}

// Canvas is an instance drawn on its diagram.
type Canvas struct {
	Nodes []CanvasNode `json:"nodes"`
	Edges []CanvasEdge `json:"edges"`
}
