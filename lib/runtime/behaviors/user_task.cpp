// User tasks: a person's work, assigned as the flowable/camunda attributes, the BPMN
// humanPerformer/potentialOwner elements or an ordo:assigneeRule say.
#include <algorithm>
#include <boost/json/serialize.hpp>

#include "jobs/iso8601.hpp"
#include "runtime/execution.hpp"

namespace ordo::runtime {

namespace {

std::vector<std::string> toList(const boost::json::value& v) {
  std::vector<std::string> out;
  auto addSplit = [&](std::string_view s) {
    std::size_t start = 0;
    while (start <= s.size()) {
      auto comma = s.find(',', start);
      auto part = s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      auto b = part.find_first_not_of(" \t");
      auto e = part.find_last_not_of(" \t");
      if (b != std::string_view::npos) out.emplace_back(part.substr(b, e - b + 1));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  };
  if (v.is_array()) {
    for (const auto& e : v.as_array())
      if (e.is_string())
        out.emplace_back(e.as_string());
      else if (!e.is_null())
        out.push_back(boost::json::serialize(e));
  } else if (v.is_string()) {
    addSplit(v.as_string());
  } else if (!v.is_null()) {
    out.push_back(boost::json::serialize(v));
  }
  return out;
}

std::string asText(const boost::json::value& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return std::string(v.as_string());
  return boost::json::serialize(v);
}

// Assignment rules (ordo:assigneeRule), resolved against the directory:
//   user:ID  users:A,B  role:R  department:D  initiator  initiatorLeader  leader:N
//   departmentLeader:D  expression:${...}
struct Assignment {
  std::string assignee;
  std::vector<std::string> candidateUsers, candidateGroups;
  bool empty() const { return assignee.empty() && candidateUsers.empty() && candidateGroups.empty(); }
};

constexpr std::size_t kMaxDepartmentChain = 64;  // departments walked up for one leader

Assignment resolveRule(Execution& ex, Token& t, const model::FlowNode& n, const std::string& rule) {
  const Directory* dir = ex.environment().directory();
  auto colon = rule.find(':');
  std::string kind = rule.substr(0, colon), arg = colon == std::string::npos ? "" : rule.substr(colon + 1);
  const auto& initiator = ex.state().row.initiator;
  Assignment a;
  // The leader `levels` departments up from `user`'s department (skipping the user as their own leader).
  auto leaderOf = [&](const std::string& user, int levels) -> std::string {
    if (!dir) return {};
    auto u = dir->user(user);
    if (!u || u->department.empty()) return {};
    auto d = dir->department(u->department);
    std::vector<std::string> walked;  // a directory whose parents form a cycle must not hold the writer forever
    for (int step = 1; d; ++step) {
      if (std::find(walked.begin(), walked.end(), d->id) != walked.end() || walked.size() >= kMaxDepartmentChain)
        throw Error(ErrorCode::limit_exceeded,
                    "assigneeRule '" + rule + "' of " + n.label() + ": the department chain of '" + user + "' from '" +
                        u->department + "' " +
                        (walked.size() >= kMaxDepartmentChain ? "is longer than " + std::to_string(kMaxDepartmentChain)
                                                              : "comes back to '" + d->id + "' (a cycle)"),
                    n.id);
      walked.push_back(d->id);
      bool usable = !d->leader.empty() && d->leader != user;
      if (usable && step >= levels) return d->leader;
      if (!usable) --step;  // a department the user leads does not count as a level
      if (d->parent.empty()) break;
      d = dir->department(d->parent);
    }
    return {};
  };
  if (kind == "user") {
    a.assignee = arg;
  } else if (kind == "users") {
    a.candidateUsers = toList(boost::json::value(arg));
  } else if (kind == "role") {
    a.candidateGroups = {arg};
  } else if (kind == "department") {
    if (dir) a.candidateUsers = dir->usersInDepartment(arg);
  } else if (kind == "initiator") {
    a.assignee = initiator;
  } else if (kind == "initiatorLeader") {
    a.assignee = leaderOf(initiator, 1);
  } else if (kind == "leader") {
    int levels = arg.empty() ? 1 : std::atoi(arg.c_str());
    if (levels < 1 || levels > static_cast<int>(kMaxDepartmentChain))
      throw Error(ErrorCode::invalid_argument,
                  "assigneeRule '" + rule + "' of " + n.label() + ": levels run from 1 to " +
                      std::to_string(kMaxDepartmentChain),
                  n.id);
    a.assignee = leaderOf(initiator, levels);
  } else if (kind == "departmentLeader") {
    if (dir)
      if (auto d = dir->department(arg)) a.assignee = d->leader;
  } else if (kind == "chosen") {
    // The previous approver chose (WeDa SubmitFlowTaskList): ordoNextApprovers = {"<node id>": ["u1", ...]}.
    if (const auto* chosen = ex.lookup(t, "ordoNextApprovers"); chosen && chosen->is_object())
      if (auto it = chosen->as_object().find(n.id); it != chosen->as_object().end()) {
        auto users = toList(it->value());
        if (users.size() == 1)
          a.assignee = users[0];
        else
          a.candidateUsers = users;
      }
  } else if (kind == "expression") {
    a.assignee = asText(ex.evaluate(t, arg, n.id));
  } else {
    throw Error(ErrorCode::invalid_argument, "unknown assigneeRule '" + rule + "' on " + n.label(), n.id);
  }
  return a;
}

// A dueDate value: an ISO-8601 date-time, a duration from now (PT2H), or epoch milliseconds.
std::int64_t dueDate(Execution& ex, Token& t, const model::FlowNode& n) {
  auto v = ex.evaluate(t, n.human.dueDate, n.id);
  if (v.is_null()) return 0;
  if (!v.is_string())  // JSON has no date type: a date is ISO-8601 text
    throw Error(ErrorCode::expression_error,
                "dueDate of " + n.label() + " is a " + std::string(v.is_number() ? "number" : "non-text value") +
                    ", not an ISO-8601 date-time or duration",
                n.id);
  auto s = asText(v);
  if (s.empty()) return 0;
  try {
    if (s[0] == 'P' || s[0] == 'p') return jobs::addDuration(ex.now(), jobs::parseDuration(s));
    return jobs::parseDateTime(s);
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorCode::expression_error, "dueDate '" + s + "' of " + n.label() + ": " + e.what(), n.id);
  }
}

// "user(kermit), group(management), fozzie": Activiti/Flowable's prefixes; a bare name is
// a user for humanPerformer and a group for potentialOwner, as Flowable reads them.
void addOwners(const std::string& text, bool bareIsUser, std::vector<std::string>& users,
               std::vector<std::string>& groups) {
  for (const auto& part : toList(boost::json::value(text))) {
    auto inside = [&](std::size_t prefix) { return part.substr(prefix, part.size() - prefix - 1); };
    if (part.rfind("user(", 0) == 0 && part.back() == ')')
      users.push_back(inside(5));
    else if (part.rfind("group(", 0) == 0 && part.back() == ')')
      groups.push_back(inside(6));
    else
      (bareIsUser ? users : groups).push_back(part);
  }
}

void applyStandardAssignment(Execution& ex, Token& t, const model::FlowNode& n, TaskRecord& task) {
  const auto& h = n.human;
  auto resolve = [&](const std::string& text) -> std::string {
    if (text.rfind("resource:", 0) == 0) {
      const auto& res = ex.process().model().resources;
      auto it = res.find(text.substr(9));
      return it == res.end() ? text.substr(9) : it->second;
    }
    return asText(ex.evaluate(t, text, n.id));
  };
  std::vector<std::string> users, groups;
  if (!h.humanPerformer.empty()) {
    addOwners(resolve(h.humanPerformer), true, users, groups);
    if (!users.empty()) task.assignee = users.front();
    users.clear();
    groups.clear();
  }
  for (const auto& p : h.potentialOwners) addOwners(resolve(p), false, users, groups);
  task.candidateUsers.insert(task.candidateUsers.end(), users.begin(), users.end());
  task.candidateGroups.insert(task.candidateGroups.end(), groups.begin(), groups.end());
}

}  // namespace

void enterUserTask(Execution& ex, Token& t, const model::FlowNode& n) {
  TaskRow row;
  auto& task = row.task;
  task.id = ex.newId("tasks");
  task.instanceId = ex.state().row.id;
  task.elementId = n.id;
  task.name = n.name;  // "My Task ${loopCounter}"; as in Flowable, a name that cannot be evaluated stays as written
  if (!n.name.empty()) try {
      task.name = ex.evaluateText(t, n.name, n.id);
    } catch (const Error&) {
    }
  task.state = Task::State::open;
  task.createdAt = ex.now();
  if (!n.human.formKey.empty()) task.formKey = ex.evaluateText(t, n.human.formKey, n.id);
  if (!n.human.dueDate.empty()) task.dueAt = dueDate(ex, t, n);
  if (!n.human.assignee.empty()) task.assignee = asText(ex.evaluate(t, n.human.assignee, n.id));
  if (!n.human.owner.empty()) task.owner = asText(ex.evaluate(t, n.human.owner, n.id));
  if (!n.human.candidateUsers.empty()) task.candidateUsers = toList(ex.evaluate(t, n.human.candidateUsers, n.id));
  if (!n.human.candidateGroups.empty()) task.candidateGroups = toList(ex.evaluate(t, n.human.candidateGroups, n.id));
  applyStandardAssignment(ex, t, n, task);  // humanPerformer, potentialOwner: added to the attributes'
  if (auto rule = n.extensions.find("assigneeRule"); rule != n.extensions.end()) {
    auto a = resolveRule(ex, t, n, rule->second);
    if (a.empty()) {
      // Nobody: the task's policy decides (ordo:emptyAssignee = fail | skip | admin).
      auto policy = n.extensions.count("emptyAssignee") ? n.extensions.at("emptyAssignee") : "fail";
      if (policy == "skip") {
        ex.record("task_skipped", &t, &n, 0, rule->second);
        ex.leave(t);
        return;
      }
      const Directory* dir = ex.environment().directory();
      std::vector<std::string> admins = dir ? dir->usersWithRole("admin") : std::vector<std::string>{};
      if (policy == "admin" && !admins.empty()) {
        a.assignee = admins.front();
      } else {
        throw Error(ErrorCode::not_found,
                    "assigneeRule '" + rule->second + "' of " + n.label() + " resolves to nobody" +
                        (policy == "admin" ? " and there is no administrator" : ""),
                    n.id);
      }
    }
    task.assignee = a.assignee;
    task.candidateUsers = a.candidateUsers;
    task.candidateGroups = a.candidateGroups;
  }
  if (!n.human.priority.empty()) {
    auto p = ex.evaluate(t, n.human.priority, n.id);
    if (p.is_int64())
      task.priority = static_cast<int>(p.as_int64());
    else if (p.is_string())
      task.priority = std::atoi(std::string(p.as_string()).c_str());
  }
  row.tokenId = t.id;
  row.isNew = true;
  ex.record("task_created", &t, &n, task.id);
  if (!task.assignee.empty())
    if (auto to = ex.environment().entrustee(task.assignee, ex.process().definition.key, ex.now())) {
      task.owner = task.assignee;  // the entrusting user stays the owner
      task.assignee = *to;
      task.delegation = "entrusted";  // until the entrusted user accepts or rejects it
    }
  if (!task.assignee.empty()) {
    ex.record("task_assigned", &t, &n, task.id, task.assignee);
    ex.notify(task.assignee, "todo", task.id, task.name.empty() ? n.id : task.name);
  }
  ex.state().tasks.push_back(std::move(row));
  ex.wait(t);
}

void terminateUserTask(Execution& ex, Token& t, const model::FlowNode&) {
  ex.cancelTasksOf(t);
}

}  // namespace ordo::runtime
