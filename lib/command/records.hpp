// The runtime's rows as the public API shows them. The one place the two meet: a field
// added to ordo::Instance or ordo::Task is filled here, not in the agenda.
#pragma once

#include <ordo/engine.hpp>

#include "runtime/state.hpp"

namespace ordo::command {

inline Instance toInstance(const runtime::InstanceRecord& r) {
  Instance i;
  i.id = r.id;
  i.definitionId = r.definitionId;
  i.definitionKey = r.definitionKey;
  i.definitionVersion = r.definitionVersion;
  i.parentId = r.parentId;
  i.parentTokenId = r.parentTokenId;
  i.businessKey = r.businessKey;
  i.initiator = r.initiator;
  i.tenant = r.tenant;
  i.state = r.state;
  i.startedAt = r.startedAt;
  i.endedAt = r.endedAt;
  i.revision = r.revision;
  return i;
}

inline Task toTask(const runtime::TaskRecord& r) {
  Task t;
  t.id = r.id;
  t.instanceId = r.instanceId;
  t.elementId = r.elementId;
  t.name = r.name;
  t.assignee = r.assignee;
  t.owner = r.owner;
  t.candidateUsers = r.candidateUsers;
  t.candidateGroups = r.candidateGroups;
  t.state = r.state;
  t.formKey = r.formKey;
  t.priority = r.priority;
  t.createdAt = r.createdAt;
  t.endedAt = r.endedAt;
  t.dueAt = r.dueAt;
  t.completedBy = r.completedBy;
  t.delegation = r.delegation;
  return t;
}

inline HistoryEntry toHistoryEntry(const runtime::HistoryRecord& r) {
  HistoryEntry h;
  h.id = r.id;
  h.instanceId = r.instanceId;
  h.at = r.at;
  h.kind = r.kind;
  h.elementId = r.elementId;
  h.elementType = r.elementType;
  h.taskId = r.taskId;
  h.actor = r.actor;
  h.comment = r.comment;
  h.action = r.action;
  h.targets = r.targets;
  return h;
}

}  // namespace ordo::command
