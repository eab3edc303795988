// Queries for approval front ends: a user's lists with filters and paging,
// instance detail with what the user may do, the canvas state, startable definitions.
#include <algorithm>
#include <set>

#include "model/graph.hpp"
#include "query/service.hpp"

namespace ordo::query {

namespace {

std::vector<std::string> rolesOf(command::Runner& impl, store::Session& c, const std::string& user) {
  return impl.actor(c, user).roles;
}

// "a, b,c" -> {"a", "b", "c"}
std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos <= s.size();) {
    auto comma = s.find(',', pos);
    auto part = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

}  // namespace

namespace {
void checkList(const ListQuery& q) {
  if (q.user.empty()) throw Error(ErrorCode::invalid_argument, "a list is a user's: set ListQuery::user");
  if (q.limit < 0 || q.offset < 0) throw Error(ErrorCode::invalid_argument, "limit and offset must be >= 0");
  if (q.limit > kMaxPageSize)
    throw Error(ErrorCode::limit_exceeded, "a page holds at most " + std::to_string(kMaxPageSize) + " items, not " +
                                               std::to_string(q.limit) + " (limit 0 asks for every match)");
}

// A work record (driven from outside) as a list's instance: its template is the process.
Instance asInstance(const WorkRecord& r) {
  Instance i;
  i.id = r.id;
  i.definitionKey = r.templateCode;
  i.initiator = r.originator;
  i.tenant = r.tenant;
  i.state = r.state;
  i.startedAt = r.createdAt;
  i.endedAt = r.endedAt;
  return i;
}

// A work todo as a list's task: its group is the node.
Task asTask(const WorkTodo& w) {
  Task t;
  t.id = w.id;
  t.instanceId = w.recordId;
  t.elementId = w.group;
  t.name = w.groupName;
  t.assignee = w.user;
  t.state = w.state;
  t.createdAt = w.createdAt;
  t.endedAt = w.endedAt;
  if (w.state == Task::State::completed) t.completedBy = w.user;
  return t;
}

std::vector<ListItem> items(command::Runner& run, store::Session& c, const ListQuery& q) {
  std::vector<ListItem> out;
  for (const auto& [instance, name, task] : c.listRows(q, rolesOf(run, c, q.user))) {
    ListItem item;
    if (auto i = c.instanceById(instance))
      item.instance = *i;
    else
      item.instance = asInstance(*c.workRecordById(instance));
    item.processName = name;
    if (task) {
      if (auto t = c.taskById(task))
        item.task = *t;
      else
        item.task = asTask(*c.workTodoById(task));
    }
    out.push_back(std::move(item));
  }
  return out;
}
}  // namespace

std::vector<ListItem> list(command::Runner& run, const ListQuery& q) {
  checkList(q);
  return run.read([&](store::Session& c) { return items(run, c, q); });
}

Page<ListItem> listPage(command::Runner& run, const ListQuery& q) {
  checkList(q);
  return run.read([&](store::Session& c) {
    return Page<ListItem>{items(run, c, q), c.countList(q, rolesOf(run, c, q.user))};
  });
}

std::int64_t count(command::Runner& run, const ListQuery& q) {
  if (q.user.empty()) throw Error(ErrorCode::invalid_argument, "a list is a user's: set ListQuery::user");
  return run.read([&](store::Session& c) { return c.countList(q, rolesOf(run, c, q.user)); });
}

namespace {
Instance existingInstance(store::Session& c, Id instanceId) {
  auto i = c.instanceById(instanceId);
  if (!i) throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
  return *i;
}
}  // namespace

InstanceDetail instanceDetail(command::Runner& run, Id instanceId, const std::string& user) {
  return run.read([&](store::Session& c) {
    InstanceDetail d;
    d.instance = existingInstance(c, instanceId);
    TaskQuery open;
    open.instanceId = instanceId;
    d.openTasks = c.queryTasks(open);
    d.currentNodes = c.waitingElements(instanceId);
    if (auto def = c.definitionById(d.instance.definitionId)) d.processName = def->name;
    auto a = run.actor(c, user);
    auto& acts = d.allowedActions;
    bool running = d.instance.state == Instance::State::running;
    bool onTask = std::any_of(d.openTasks.begin(), d.openTasks.end(), [&](const Task& t) {
      if (a.admin || t.assignee == user) return true;
      if (!t.assignee.empty()) return false;
      if (std::find(t.candidateUsers.begin(), t.candidateUsers.end(), user) != t.candidateUsers.end()) return true;
      return std::any_of(t.candidateGroups.begin(), t.candidateGroups.end(), [&](const std::string& g) {
        return std::find(a.roles.begin(), a.roles.end(), g) != a.roles.end();
      });
    });
    bool initiator = d.instance.initiator == user || a.admin;
    if (running && onTask)
      for (const char* x : {"complete", "reject", "return", "transfer", "delegate", "cc"}) acts.emplace_back(x);
    if (running && initiator) {
      for (const char* x : {"withdraw", "urge", "terminate", "invalidate", "suspend", "delete"}) acts.emplace_back(x);
      if (!onTask) acts.emplace_back("cc");
    }
    if (d.instance.state == Instance::State::suspended && initiator) acts.emplace_back("resume");
    if (!running && initiator) acts.emplace_back("delete");
    if (d.instance.state == Instance::State::draft && initiator) acts.emplace_back("submit");
    return d;
  });
}

namespace {
// A task's approvers on the canvas: each transfer (by the one who passed it on), then its
// decision (complete, reject, return ...) or its open holder; none when it was cancelled unacted.
void addProcessors(CanvasNode& cn, const Task& t, const std::vector<HistoryEntry>& history) {
  static const std::set<std::string> kDecisions = {"complete", "resolve", "reject", "return", "skip", "withdraw"};
  const HistoryEntry* decision = nullptr;
  for (const auto& h : history) {
    if (h.taskId != t.id || h.action.empty()) continue;
    if (h.action == "transfer")
      cn.processors.push_back({t.id, h.actor, "transfer", h.at, h.comment, h.targets.empty() ? "" : h.targets[0]});
    else if (kDecisions.count(h.action) && h.actor == (t.completedBy.empty() ? h.actor : t.completedBy))
      decision = &h;
  }
  if (t.state == Task::State::open)
    cn.processors.push_back({t.id, t.assignee, "", 0, "", ""});
  else if (decision && !t.completedBy.empty())
    cn.processors.push_back({t.id, t.completedBy, decision->action, decision->at, decision->comment, ""});
  else if (t.state == Task::State::completed)
    cn.processors.push_back({t.id, t.completedBy, "complete", t.endedAt, "", ""});
}
}  // namespace

Canvas canvas(command::Runner& run, Id instanceId) {
  return run.read([&](store::Session& c) {
    auto inst = existingInstance(c, instanceId);
    auto history = c.historyOf(instanceId);
    TaskQuery all;
    all.instanceId = instanceId;
    all.includeFinished = true;
    auto taskList = c.queryTasks(all);
    auto byCreation = taskList;  // the processors of a node, oldest task first
    std::sort(byCreation.begin(), byCreation.end(), [](const Task& x, const Task& y) { return x.id < y.id; });
    auto waiting = c.waitingElements(instanceId);
    auto dp = run.deployed(c, inst.definitionId);
    std::set<std::string> entered, left;
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> times;
    std::map<std::string, std::vector<std::string>> comments;
    for (const auto& h : history) {
      if (h.kind == "element_entered") {
        entered.insert(h.elementId);
        if (!times[h.elementId].first) times[h.elementId].first = h.at;
      }
      if (h.kind == "element_left") {
        left.insert(h.elementId);
        entered.insert(h.elementId);  // entered and left in one command: element_left alone
        if (!times[h.elementId].first) times[h.elementId].first = h.at;
        times[h.elementId].second = h.at;
      }
      if (!h.action.empty() && !h.comment.empty()) comments[h.elementId].push_back(h.comment);
    }
    Canvas out;
    auto addScope = [&](auto&& self, const model::Scope& scope) -> void {
      for (const auto& n : scope.nodes) {
        CanvasNode cn;
        cn.id = n->id;
        cn.name = n->name;
        cn.kind = model::toString(n->kind);
        bool active = std::find(waiting.begin(), waiting.end(), n->id) != waiting.end() ||
                      std::any_of(taskList.begin(), taskList.end(),
                                  [&](const Task& t) { return t.elementId == n->id && t.state == Task::State::open; });
        cn.status = active ? "active" : left.count(n->id) ? "done" : entered.count(n->id) ? "active" : "notReached";
        for (const auto& t : taskList)
          if (t.elementId == n->id) {
            if (t.state == Task::State::completed && !t.completedBy.empty()) cn.approvers.push_back(t.completedBy);
            if (t.state == Task::State::open && !t.assignee.empty()) cn.approvers.push_back(t.assignee);
          }
        cn.comments = comments[n->id];
        for (const auto& t : byCreation)
          if (t.elementId == n->id) addProcessors(cn, t, history);
        cn.startedAt = times[n->id].first;
        cn.endedAt = times[n->id].second;
        out.nodes.push_back(std::move(cn));
        if (n->inner) self(self, *n->inner);
      }
      for (const auto& f : scope.flows)
        out.edges.push_back({f->id, f->sourceRef, f->targetRef,
                             left.count(f->sourceRef) && entered.count(f->targetRef) ? "done" : "notReached", f->name});
    };
    addScope(addScope, dp->process->scope);
    return out;
  });
}

std::vector<DefinitionNode> definitionNodes(command::Runner& run, Id definitionId) {
  return run.read([&](store::Session& c) {
    if (!c.definitionById(definitionId))
      throw Error(ErrorCode::not_found, "definition " + std::to_string(definitionId) + " not found");
    auto dp = run.deployed(c, definitionId);
    std::vector<DefinitionNode> out;
    auto addScope = [&](auto&& self, const model::Scope& scope) -> void {
      for (const auto& n : scope.nodes) {
        out.push_back({n->id, n->name, model::toString(n->kind)});
        if (n->inner) self(self, *n->inner);
      }
    };
    addScope(addScope, dp->process->scope);
    return out;
  });
}

std::vector<Definition> startableDefinitions(command::Runner& run, const std::string& user) {
  return run.read([&](store::Session& c) {
    auto roles = rolesOf(run, c, user);
    std::map<std::string, Definition> latest;
    for (const auto& d : c.listDefinitions()) latest[d.key] = d;
    std::vector<Definition> out;
    for (const auto& [key, def] : latest) {
      auto dp = run.deployed(c, def.id);
      const auto& p = *dp->process;
      auto starters = splitList(p.candidateStarterUsers);
      auto groups = splitList(p.candidateStarterGroups);
      bool open = starters.empty() && groups.empty();
      bool named = std::find(starters.begin(), starters.end(), user) != starters.end();
      bool inGroup = std::any_of(groups.begin(), groups.end(), [&](const std::string& g) {
        return std::find(roles.begin(), roles.end(), g) != roles.end();
      });
      if (open || named || inGroup) out.push_back(def);
    }
    return out;
  });
}

}  // namespace ordo::query
