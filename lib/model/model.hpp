// The process model: an immutable graph of one BPMN definitions document.
//
// Built once by lib/parse, then shared read-only by every instance of the
// definition version. Nodes and flows are owned by their Scope through
// unique_ptr, so raw pointers between them stay valid for the model's life.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ordo::model {

// One kind per element behaviour. An event subprocess is a subProcess with
// triggeredByEvent="true"; it behaves differently, so it is a kind of its own.
enum class NodeKind : unsigned char {
  startEvent,
  endEvent,
  intermediateCatchEvent,
  intermediateThrowEvent,
  boundaryEvent,
  task,
  userTask,
  manualTask,
  serviceTask,
  sendTask,
  receiveTask,
  scriptTask,
  businessRuleTask,
  exclusiveGateway,
  parallelGateway,
  inclusiveGateway,
  eventBasedGateway,
  complexGateway,
  subProcess,
  eventSubProcess,
  transaction,
  adHocSubProcess,
  callActivity,
};
const char* toString(NodeKind kind);  // the BPMN tag name: "userTask"

bool isActivity(NodeKind kind);
bool isGateway(NodeKind kind);
bool isEvent(NodeKind kind);
bool isContainer(NodeKind kind);  // has a scope of its own

enum class EventType : unsigned char {
  none,
  message,
  timer,
  error,
  escalation,
  signal,
  cancel,
  compensate,
  conditional,
  link,
  terminate,
};
const char* toString(EventType type);  // "timer"

struct Position {
  int line = 0;
  int column = 0;
};

struct TimerDefinition {
  enum class Type : unsigned char { none, date, duration, cycle };
  Type type = Type::none;
  std::string expression;  // ISO-8601 text, cron, or ${...}
};

struct EventDefinition {
  EventType type = EventType::none;
  std::string id;
  std::string ref;                // messageRef, signalRef, errorRef, escalationRef or activityRef
  std::string messageExpression;  // flowable/activiti: the message name as ${...}, evaluated when subscribing
  std::string signalExpression;   // flowable/activiti: the signal name as ${...}, evaluated when subscribing or thrown
  TimerDefinition timer;
  std::string condition;          // conditional events
  std::string linkName;           // link events: the name pairs throw and catch
  bool waitForCompletion = true;  // compensation
  bool async = false;             // a thrown signal: each catcher receives it in a job of its own
  // camunda:errorCodeVariable / escalationCodeVariable / errorMessageVariable on a catching event
  std::string codeVariable, messageVariable;
  // terminate end events (Flowable): end the whole instance tree, or the whole multi-instance body
  bool terminateAll = false, terminateMultiInstance = false;
  Position position;
};

struct LoopCharacteristics {
  enum class Kind : unsigned char { none, standard, multiInstance };
  Kind kind = Kind::none;
  // multi-instance
  bool sequential = false;
  std::string loopCardinality;
  std::string collection;            // flowable:collection / camunda:collection, or loopDataInputRef
  std::string elementVariable;       // flowable:elementVariable, or inputDataItem's name
  std::string elementIndexVariable;  // flowable: a second name for loopCounter
  std::string completionCondition;
  std::string loopDataInputRef, loopDataOutputRef, inputDataItem, outputDataItem;
  // behavior (BPMN 10.2.8): None throws its event as each instance completes, One as the first
  // does, Complex each complexBehaviorDefinition whose condition holds then; All (the default)
  // throws nothing. Linked at parse from noneBehaviorEventRef / oneBehaviorEventRef.
  struct BehaviorEvent {
    std::string condition;  // Complex; empty: always
    bool firstOnly = false;  // One
    std::vector<EventDefinition> events;
  };
  std::string behavior;  // as written: None, One, All, Complex; empty: All
  std::string noneBehaviorEventRef, oneBehaviorEventRef;
  std::vector<BehaviorEvent> behaviorEvents;
  // standard loop
  std::string loopCondition;
  bool testBefore = false;
  std::optional<long long> loopMaximum;
};

// A call activity's or a task's variable mapping (flowable:in, camunda:out ...).
struct VariableMapping {
  std::string source;
  std::string sourceExpression;
  std::string target;
  bool all = false;    // variables="all"
  bool local = false;  // camunda local="true"
  std::string type;    // flowable:in targetType / flowable:out sourceType: the value is converted to it
};

struct DataAssociation {
  std::string id;
  std::vector<std::string> sources;
  std::string target;
  std::string transformation;
  std::vector<std::pair<std::string, std::string>> assignments;  // from, to
};

struct DataItem {  // dataInput, dataOutput, dataObject, property
  std::string id, name, itemSubjectRef;
  bool isCollection = false;
  // A data object's flowable:value: a variable of its scope from the scope's start ("" is null).
  std::optional<std::string> initialValue;
};
// The type of a data object's itemSubjectRef ("xsd:int" -> integer); text for anything else.
enum class DataType : unsigned char { text, integer, number, boolean };
DataType dataTypeOf(const std::string& itemSubjectRef);

struct IoSpecification {
  std::vector<DataItem> inputs, outputs;
};

// Who works on a user task, as the flowable/camunda/activiti attributes say.
struct HumanTask {
  std::string assignee, candidateUsers, candidateGroups, owner;
  std::string formKey, dueDate, priority, category;
  std::string documentation;              // may hold ${...}, evaluated when the task is created
  std::string taskCompleterVariableName;  // flowable: the variable that receives who completed the task
  // BPMN's own assignment: humanPerformer (the assignee) and potentialOwner (candidates), each a
  // formalExpression ("kermit", "user(kermit), group(management)", "${who}") or a <resource>'s name.
  std::string humanPerformer;
  std::vector<std::string> potentialOwners;
};

// How a service-like task (service, send, business rule) is carried out.
struct ServiceImplementation {
  std::string type;  // "external" for external workers, else the handler type
  std::string topic;
  std::string className, expression, delegateExpression, resultVariable;
  std::string implementation;  // the BPMN implementation attribute
  // Whether a handler or worker does the work (else a send task or throw event correlates itself).
  bool namesHandler() const {
    return !type.empty() || !topic.empty() || !className.empty() || !expression.empty() || !delegateExpression.empty();
  }
};

struct CallDefinition {
  std::string calledElement;
  std::string binding;  // latest (default), deployment, version, sameDeployment (flowable: deployment, else latest)
  std::string version;
  std::string businessKey;
  bool inheritBusinessKey = false;
  std::vector<VariableMapping> in, out;  // on events: a signal's payload (out: thrown, in: caught)
};

struct Script {
  std::string format, text, resultVariable;
  bool autoStoreVariables = false;  // flowable: globals the script assigns become process variables
};
// The languages script tasks run in: JavaScript (duktape) and JUEL; an empty format is JUEL, as in Flowable.
enum class ScriptLanguage : unsigned char { javascript, juel, other };
ScriptLanguage scriptLanguage(std::string_view format);

struct Scope;
struct SequenceFlow;

struct FlowNode {
  std::string id, name;
  NodeKind kind = NodeKind::task;
  Position position;
  const Scope* scope = nullptr;  // the scope this node sits in
  std::vector<const SequenceFlow*> incoming, outgoing;
  std::string defaultFlowId;
  const SequenceFlow* defaultFlow = nullptr;

  std::vector<EventDefinition> events;  // none for none-events; several for "multiple"
  bool parallelMultiple = false;
  bool interrupting = true;    // start events of event subprocesses
  bool cancelActivity = true;  // boundary events
  std::string attachedToRef;
  const FlowNode* attachedTo = nullptr;
  std::vector<const FlowNode*> boundaryEvents;  // on activities

  LoopCharacteristics loop;
  bool isForCompensation = false;
  bool asyncBefore = false, asyncAfter = false;
  bool asyncBody = false;  // camunda:asyncBefore on a multi-instance activity: its body starts in one job
  bool exclusive = true;
  std::string messageRef;        // receive and send tasks
  bool instantiate = false;      // receive task that starts the process
  std::string eventGatewayType;  // Exclusive or Parallel
  std::string gatewayDirection;
  std::string activationCondition;  // complex gateway
  std::string dueDateExpression;    // flowable:dueDate on tasks, kept with human
  std::string failedJobRetryTimeCycle;
  std::string skipExpression;
  long long startQuantity = 1, completionQuantity = 1;

  HumanTask human;
  ServiceImplementation service;
  CallDefinition call;
  Script script;
  bool ordering = false;  // ad-hoc: true when Sequential
  std::string adHocCompletionCondition;
  bool cancelRemainingInstances = true;

  IoSpecification io;
  std::vector<DataAssociation> dataInputs, dataOutputs;
  std::vector<std::pair<std::string, std::string>> properties;  // id, name

  // Every flowable:/camunda:/activiti: attribute on the element, by local name.
  std::map<std::string, std::string> extensions;

  std::unique_ptr<Scope> inner;  // subprocess kinds
  bool triggeredByEvent = false;
  // The activity (isForCompensation) that undoes this one: the target of the association
  // from this activity's compensation boundary event.
  const FlowNode* compensationHandler = nullptr;

  const EventDefinition* event(EventType type) const;
  EventType eventType() const { return events.empty() ? EventType::none : events.front().type; }
  std::string label() const;  // "userTask 'Approve' [approve]"
};

struct SequenceFlow {
  std::string id, name;
  Position position;
  std::string sourceRef, targetRef;
  const FlowNode* source = nullptr;
  const FlowNode* target = nullptr;
  std::string condition;  // text of conditionExpression; empty when unconditional
  bool isDefault = false;
  std::size_t index = 0;       // position within its scope's flows
  std::string skipExpression;  // flowable:skipExpression: taken when it holds and skipping is enabled
};

struct Lane {
  std::string id, name;
  std::vector<std::string> flowNodeRefs;
  std::vector<Lane> childLanes;
};

class FlowGraph;  // Boost.Graph view of a scope; see model/graph.hpp

// A process or the inside of a subprocess: its nodes, flows and data.
struct Scope {
  Scope();
  ~Scope();
  Scope(Scope&&) noexcept;
  Scope& operator=(Scope&&) noexcept;

  std::string id;
  const FlowNode* owner = nullptr;  // the subprocess; null for a process
  std::vector<std::unique_ptr<FlowNode>> nodes;
  std::vector<std::unique_ptr<SequenceFlow>> flows;
  std::vector<DataItem> dataObjects;
  std::vector<std::pair<std::string, std::string>> dataObjectReferences;  // id, dataObjectRef
  std::vector<Lane> lanes;
  std::vector<std::pair<std::string, std::string>> associations;  // sourceRef, targetRef
  std::unique_ptr<FlowGraph> graph;

  // Start events of this scope that are not the starts of event subprocesses.
  std::vector<const FlowNode*> noneStarts() const;
  std::vector<const FlowNode*> startEvents() const;
  std::vector<const FlowNode*> eventSubProcesses() const;
};

struct Process {
  std::string id, name;
  bool executable = true;
  Position position;
  Scope scope;
  std::string candidateStarterUsers, candidateStarterGroups;
  std::string documentation;
  std::map<std::string, std::string> extensions;
  // Every node and flow of every nested scope, by id.
  std::unordered_map<std::string, const FlowNode*> nodesById;
  std::unordered_map<std::string, const SequenceFlow*> flowsById;

  const FlowNode* node(const std::string& id) const;
  const SequenceFlow* flow(const std::string& id) const;
};

struct Message {
  std::string id, name, itemRef;
};
struct Signal {
  std::string id, name;
  bool instanceScope = false;  // flowable:scope="processInstance": thrown and caught within one instance only
};
struct Error {
  std::string id, name, errorCode;
  bool emptyCode = false;  // errorCode="" written out: no end event may throw it (rules.cpp)
};
struct Escalation {
  std::string id, name, escalationCode;
};
struct Participant {
  std::string id, name, processRef;
};
struct MessageFlow {
  std::string id, name, sourceRef, targetRef, messageRef;
};
struct Collaboration {
  std::string id, name;
  std::vector<Participant> participants;
  std::vector<MessageFlow> messageFlows;
};

struct Definitions {
  std::string id, name, targetNamespace, exporter;
  std::vector<std::unique_ptr<Process>> processes;
  std::vector<Collaboration> collaborations;
  std::map<std::string, Message> messages;  // by id
  std::map<std::string, Signal> signals;
  std::map<std::string, Error> errors;
  std::map<std::string, Escalation> escalations;
  std::map<std::string, DataItem> itemDefinitions;
  std::map<std::string, std::string> resources;  // <resource> id -> name

  const Process* process(const std::string& id) const;
  // Name of the message/signal an id refers to; the id itself when unknown.
  std::string messageName(const std::string& ref) const;
  std::string signalName(const std::string& ref) const;
  std::string escalationCode(const std::string& ref) const;  // the <escalation>'s code, else ref itself
};

}  // namespace ordo::model
