// The rows of ownList, todoList and finishedList: the 27 fields of the document, every one
// present (null when empty), from the task, its instance, definition, users and history.
#include <map>

#include "server/state.hpp"
#include "server/workorder/common.hpp"

namespace ordo::server::workorder {

namespace {

value textOrNull(const std::string& s) {
  return s.empty() ? value(nullptr) : value(s);
}

value idOrNull(Id id) {
  return id ? value(std::to_string(id)) : value(nullptr);
}

// The document's processStatus (RuoYi's ProcessStatus) for an instance state: the one place it is read.
const char* processStatus(Instance::State state) {
  if (state == Instance::State::running || state == Instance::State::suspended) return "running";
  if (state == Instance::State::completed) return "completed";
  if (state == Instance::State::rejected) return "terminated";  // 驳回 ended it
  if (state == Instance::State::draft) return "draft";
  return "canceled";  // terminated (取消), invalidated (作废), deleted
}


// 0 正常意见, 1 退回意见, 2 驳回意见.
int commentType(const HistoryEntry& h) {
  if (h.action == "return") return 1;
  if (h.action == "reject") return 2;
  return 0;
}

// A user's opinion (意见): what a completion or an approval operation was given with; other
// history lines use `comment` for their own details (an assignment's assignee ...).
bool isOpinion(const HistoryEntry& h) {
  if (h.kind == "task_completed") return true;
  return h.kind == "operation" && h.action != "alert" && h.action != "cc" && h.action != "edit";
}

struct Names {
  Call& c;
  std::map<std::string, std::pair<std::string, std::string>> cache;  // user -> name, department name
  const std::pair<std::string, std::string>& of(const std::string& user) {
    auto it = cache.find(user);
    if (it != cache.end()) return it->second;
    std::pair<std::string, std::string> v;
    if (auto u = c.engine.user(user)) {
      v.first = u->name;
      if (!u->department.empty())
        if (auto d = c.engine.department(u->department)) v.second = d->name;
    }
    return cache[user] = v;
  }
};

}  // namespace

bool taskOpen(const Task& t) {
  return t.state == Task::State::open;
}

std::string firstOpenTask(Call& c, Id instance) {
  for (const auto& t : c.engine.tasks(TaskQuery{.instanceId = instance}))
    if (taskOpen(t)) return std::to_string(t.id);
  return "";
}

object taskRow(Call& c, const ListItem& item, const std::string& list) {
  const auto& i = item.instance;
  const auto& t = item.task;
  bool hasTask = t.id != 0;
  Names names{c, {}};
  std::optional<Definition> def;
  for (const auto& [d, o] : c.state.definitions()->all)
    if (d.id == i.definitionId) def = d;
  if (!def) def = c.engine.definition(i.definitionId);
  auto now = c.engine.clock().nowMillis();
  object r;
  r["taskId"] = hasTask ? value(std::to_string(t.id)) : value(nullptr);
  std::string taskName = t.name, taskKey = t.elementId;
  if (!hasTask && list == "own") {
    // 我发起的: where the instance waits now.
    std::string waiting;
    for (const auto& open : c.engine.tasks(TaskQuery{.instanceId = i.id}))
      if (taskOpen(open)) waiting += (waiting.empty() ? "" : ",") + open.name;
    taskName = waiting;
  }
  r["taskName"] = textOrNull(taskName);
  r["taskDefKey"] = textOrNull(taskKey);
  std::string assignee = hasTask ? (t.completedBy.empty() || taskOpen(t) ? t.assignee : t.completedBy) : "";
  r["assigneeId"] = textOrNull(assignee);
  r["deptName"] = assignee.empty() ? value(nullptr) : textOrNull(names.of(assignee).second);
  r["startDeptName"] = i.initiator.empty() ? value(nullptr) : textOrNull(names.of(i.initiator).second);
  r["assigneeName"] = assignee.empty() ? value(nullptr) : textOrNull(names.of(assignee).first);
  r["startUserId"] = textOrNull(i.initiator);
  r["startUserName"] = i.initiator.empty() ? value(nullptr) : textOrNull(names.of(i.initiator).first);
  r["category"] = textOrNull(def->category);
  value vars = nullptr;
  try {
    auto v = c.engine.variables(i.id);
    if (!v.empty()) vars = v;
  } catch (const Error&) {
  }
  r["procVars"] = vars;
  r["taskLocalVars"] = nullptr;  // the engine keeps no task-local variables apart
  r["deployId"] = textOrNull(deploymentIdOf(c, def->id));
  r["procDefId"] = definitionIdOf(*def);
  r["procDefKey"] = def->key;
  r["procDefName"] = textOrNull(def->name.empty() ? def->key : def->name);
  r["procDefVersion"] = def->version;
  r["procInsId"] = std::to_string(i.id);
  r["hisProcInsId"] = std::to_string(i.id);
  std::int64_t from = hasTask ? t.createdAt : i.startedAt;
  std::int64_t to = hasTask ? (t.endedAt ? t.endedAt : now) : (i.endedAt ? i.endedAt : now);
  r["duration"] = durationText(to - from);
  value comment = nullptr;
  array comments;
  for (const auto& h : c.engine.history(i.id)) {
    if (h.comment.empty() || !isOpinion(h)) continue;
    // A completion is written once, as task_completed with action complete; skip any echo.
    if (!comments.empty()) {
      const auto& last = comments.back().as_object();
      if (last.at("fullMessage").as_string() == h.comment && last.at("taskId") == idOrNull(h.taskId) &&
          last.at("userId") == textOrNull(h.actor))
        continue;
    }
    comments.push_back(object{{"id", std::to_string(h.id)},
                              {"type", std::to_string(commentType(h))},
                              {"time", localTime(h.at)},
                              {"userId", textOrNull(h.actor)},
                              {"taskId", idOrNull(h.taskId)},
                              {"fullMessage", h.comment},
                              {"processInstanceId", std::to_string(i.id)}});
    if (hasTask && h.taskId == t.id) comment = object{{"type", std::to_string(commentType(h))}, {"comment", h.comment}};
  }
  r["comment"] = comment;
  r["commentList"] = comments.empty() ? value(nullptr) : value(comments);
  std::string candidates;
  for (const auto& u : t.candidateUsers) candidates += (candidates.empty() ? "" : ",") + u;
  r["candidate"] = textOrNull(candidates);
  r["createTime"] = localTimeOrNull(hasTask ? t.createdAt : i.startedAt);
  r["finishTime"] = localTimeOrNull(hasTask ? t.endedAt : i.endedAt);
  r["processStatus"] = processStatus(i.state);
  r["proInsCreateTime"] = localTimeOrNull(i.startedAt);
  return r;
}

}  // namespace ordo::server::workorder
