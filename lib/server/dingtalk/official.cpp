// DingTalk's official approval API (官方工作流): the engine runs the approval of a deployed
// definition; process_code is its key. Create, get, execute, terminate, comment, listids,
// gettodonum, get_by_name, listbyuserid.
#include <algorithm>
#include <map>
#include <set>

#include "server/dingtalk/common.hpp"
#include "server/state.hpp"

namespace ordo::server::dingtalk {

namespace {

using namespace schema;

// "a,b" or ["a", "b"] -> {"a", "b"}; anything else is 40035 naming the field.
std::vector<std::string> userList(const object& o, const char* key) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  auto add = [&](std::string s) {
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(' ') + 1);
    if (!s.empty()) out.push_back(s);
  };
  if (v->is_string()) {
    std::string s(v->as_string());
    for (std::size_t pos = 0;;) {
      auto comma = s.find(',', pos);
      add(s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  } else {
    for (const auto& x : v->as_array()) {
      if (!x.is_string()) throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected user ids (strings)");
      add(std::string(x.as_string()));
    }
  }
  return out;
}

// The per-instance approver chain (approvers: one user a step, in order; approvers_v2: steps of
// users, AND 会签 / OR 或签 / NONE) as the start variables a chain model reads:
// ordoApproverSteps [{users, mode}] and approvers (every user, in order).
void approverChain(Call& c, const object& b, Variables& vars) {
  array steps, everyone;
  for (const auto& u : userList(b, "approvers")) {
    requireUser(c, u, "approvers");
    steps.push_back(object{{"users", array{value(u)}}, {"mode", "AND"}});
    everyone.emplace_back(u);
  }
  if (auto* v2 = b.if_contains("approvers_v2"); v2 && !v2->is_null()) {
    if (!steps.empty())
      throw Error(ErrorCode::invalid_argument, "approvers_v2: give approvers or approvers_v2, not both");
    for (const auto& s : v2->as_array()) {
      const auto& o = s.as_object();
      auto mode = text(o, "task_action_type");
      if (mode.empty()) mode = "NONE";
      auto users = userList(o, "user_ids");
      if (users.empty()) throw Error(ErrorCode::invalid_argument, "approvers_v2[].user_ids: is empty");
      if (mode == "NONE" && users.size() > 1)
        throw Error(ErrorCode::invalid_argument, "approvers_v2[].user_ids: a NONE step has one user");
      array a;
      for (const auto& u : users) {
        requireUser(c, u, "approvers_v2[].user_ids");
        a.emplace_back(u);
        everyone.emplace_back(u);
      }
      steps.push_back(object{{"users", a}, {"mode", mode == "OR" ? "OR" : "AND"}});
    }
  }
  if (steps.empty()) return;
  vars["ordoApproverSteps"] = steps;
  vars["approvers"] = everyone;
}

// The latest deployed definition of `code` the application may start (its tenant's or shared).
Definition definitionByCode(Call& c, const std::string& code) {
  auto catalog = c.state.definitions();
  const Definition* best = nullptr;
  for (const auto& [d, origin] : catalog->all) {
    if (d.key != code || origin.deleted) continue;
    if (!origin.tenant.empty() && origin.tenant != c.who.tenant) continue;
    if (!best || d.version > best->version) best = &d;
  }
  if (!best) throw Error(ErrorCode::invalid_argument, "process_code: no template '" + code + "'");
  return *best;
}

std::string operationType(const HistoryEntry& h) {
  const auto& a = h.action;
  if (a == "start") return "START_PROCESS_INSTANCE";
  if (a == "complete" || a == "reject" || a == "resolve" || a == "skip") return "EXECUTE_TASK_NORMAL";
  if (a == "transfer" || a == "delegate") return "REDIRECT_TASK";
  if (a == "addSigners") return "APPEND_TASK_AFTER";
  if (a == "comment") return "ADD_REMARK";
  if (a == "terminate" || a == "invalidate" || a == "withdraw") return "TERMINATE_PROCESS_INSTANCE";
  if (a == "cc") return "PROCESS_CC";
  return a;  // Ordo's own name for an operation DingTalk has no word for (urge, jump, edit ...)
}

std::string operationResult(const HistoryEntry& h) {
  if (h.action == "complete" || h.action == "resolve") return "AGREE";
  if (h.action == "reject") return "REFUSE";
  return "NONE";
}

object instanceDto(Call& c, const Instance& i) {
  auto def = c.engine.definition(i.definitionId);
  auto ops = c.engine.operations(i.id);
  std::string originatorName = i.initiator, dept = "-1";
  if (!i.initiator.empty())
    if (auto u = c.engine.user(i.initiator)) {
      if (!u->name.empty()) originatorName = u->name;
      if (!u->department.empty()) dept = u->department;
    }
  array records, cc, forms, tasks;
  std::set<std::string> ccSeen;
  std::map<Id, const HistoryEntry*> refused;  // the task that refused: COMPLETED + REFUSE, by whom
  for (const auto& h : ops) {
    if (h.action == "cc")
      for (const auto& u : h.targets)
        if (ccSeen.insert(u).second) cc.emplace_back(u);
    if (h.action == "reject") refused[h.taskId] = &h;
    records.push_back(object{{"userid", h.actor},
                             {"date", dateTime(h.at)},
                             {"operation_type", operationType(h)},
                             {"operation_result", operationResult(h)},
                             {"remark", h.comment}});
  }
  if (i.state == Instance::State::completed || i.state == Instance::State::rejected)
    records.push_back(object{{"userid", ""},
                             {"date", dateTime(i.endedAt)},
                             {"operation_type", "FINISH_PROCESS_INSTANCE"},
                             {"operation_result", "NONE"},
                             {"remark", ""}});
  for (const auto& kv : c.engine.variables(i.id))
    forms.push_back(object{{"name", kv.key()}, {"value", valueText(kv.value())}, {"ext_value", ""}});
  TaskQuery all;
  all.instanceId = i.id;
  all.includeFinished = true;
  auto taskList = c.engine.tasks(all);
  // Oldest first, as the approval went.
  std::sort(taskList.begin(), taskList.end(), [](const Task& a, const Task& b) { return a.id < b.id; });
  for (const auto& t : taskList) {
    std::string status = taskStatus(t), result = t.state == Task::State::completed ? "AGREE" : "NONE";
    std::string user = t.state == Task::State::completed && !t.completedBy.empty() ? t.completedBy : t.assignee;
    std::int64_t finished = t.endedAt;
    if (auto it = refused.find(t.id); it != refused.end()) {
      status = "COMPLETED";
      result = "REFUSE";
      user = it->second->actor;
      finished = it->second->at;
    }
    tasks.push_back(object{{"userid", user},
                           {"task_status", status},
                           {"task_result", result},
                           {"create_time", dateTime(t.createdAt)},
                           {"finish_time", dateTime(finished)},
                           {"taskid", idString(t.id)},
                           {"activity_id", t.elementId},
                           {"url", ""}});
  }
  std::string name = def.name.empty() ? def.key : def.name;
  return object{{"title", originatorName + "提交的" + name},
                {"create_time", dateTime(i.startedAt)},
                {"finish_time", dateTime(i.endedAt)},
                {"originator_userid", i.initiator},
                {"originator_dept_id", dept},
                {"status", instanceStatus(i)},
                {"result", instanceResult(i)},
                {"business_id", i.businessKey},
                {"cc_userids", cc},
                {"form_component_values", forms},
                {"operation_records", records},
                {"tasks", tasks},
                {"biz_action", "NONE"},
                {"attached_process_instance_ids", array()}};
}

// The open task `taskId` of instance `i`: else 40035 naming task_id.
Task openTaskOf(Call& c, const Instance& i, Id taskId) {
  Task t;
  try {
    t = c.engine.task(taskId);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
    throw Error(ErrorCode::invalid_argument, "task_id: no task " + std::to_string(taskId));
  }
  if (t.instanceId != i.id)
    throw Error(ErrorCode::invalid_argument,
                "task_id: task " + std::to_string(taskId) + " is not of instance " + std::to_string(i.id));
  if (!isOpen(t)) throw Error(ErrorCode::wrong_state, "task_id: task " + std::to_string(taskId) + " is " + toString(t.state));
  return t;
}

std::int64_t wholeOr(const object& o, const char* key, std::int64_t otherwise) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : otherwise;
}

}  // namespace

void addOfficialRoutes(RouteTable& t) {
  auto form = arrayOf(obj({{"name", str()}, {"value", str()}, {"ext_value", str()}}, {"name"}));
  t.add(D("/topapi/processinstance/create", "DingTalk: start an approval of the template process_code")
            .body(obj({{"agent_id", integer()},
                       {"process_code", str()},
                       {"originator_user_id", str()},
                       {"dept_id", integer()},
                       {"approvers", oneOf({"string", "array"})},
                       {"approvers_v2", arrayOf(obj({{"task_action_type",
                                                      object{{"type", "string"}, {"enum", array{"AND", "OR", "NONE"}}}},
                                                     {"user_ids", arrayOf(str())}},
                                                    {"user_ids"}))},
                       {"cc_list", oneOf({"string", "array"})},
                       {"cc_position", str()},
                       {"form_component_values", form}},
                      {"process_code", "originator_user_id", "form_component_values"}))
            .handle([](Call& c) {
              const auto& b = body(c);
              auto originator = text(b, "originator_user_id");
              requireUser(c, originator, "originator_user_id");
              auto def = definitionByCode(c, text(b, "process_code"));
              StartRequest r;
              r.definitionId = def.id;
              r.initiator = originator;
              r.tenant = c.who.tenant;
              for (const auto& f : b.at("form_component_values").as_array()) {
                const auto& fo = f.as_object();
                auto name = text(fo, "name");
                if (name.empty()) throw Error(ErrorCode::invalid_argument, "form_component_values[].name: is empty");
                r.variables[name] = formValue(text(fo, "value"));
              }
              approverChain(c, b, r.variables);
              r.cc = userList(b, "cc_list");
              for (const auto& u : r.cc) requireUser(c, u, "cc_list");
              auto inst = c.engine.start(r);
              return object{{"process_instance_id", idString(inst.id)}};
            })
            .route);
  t.add(D("/topapi/processinstance/get", "DingTalk: an approval with its operation records and tasks")
            .body(obj({{"process_instance_id", str()}}, {"process_instance_id"}))
            .handle([](Call& c) {
              auto i = visibleInstance(c, idField(body(c), "process_instance_id"));
              return object{{"process_instance", instanceDto(c, i)}};
            })
            .route);
  t.add(D("/topapi/process/instance/execute", "DingTalk: agree (complete) or refuse (reject) a task")
            .body(wrapped(obj({{"process_instance_id", str()},
                               {"actioner_userid", str()},
                               {"task_id", integer()},
                               {"result", object{{"type", "string"}, {"enum", array{"agree", "refuse"}}}},
                               {"remark", str()},
                               {"file", any()}},
                              {"process_instance_id", "actioner_userid", "task_id", "result"})))
            .handle([](Call& c) {
              const auto& r = request(c);
              auto i = visibleInstance(c, idField(r, "process_instance_id"));
              auto actor = actingUser(c, r, "actioner_userid");
              auto task = openTaskOf(c, i, r.at("task_id").to_number<std::int64_t>());
              auto remark = text(r, "remark");
              // agree completes with approved=true, for the models that branch on it (as the samples do).
              if (text(r, "result") == "agree")
                c.engine.completeTask(task.id, actor, {{"approved", true}}, remark);
              else
                c.engine.rejectTask(task.id, actor, {}, remark);
              return object{{"result", true}};
            })
            .route);
  t.add(D("/topapi/process/instance/terminate", "DingTalk: terminate an approval, as a user or as the system")
            .body(wrapped(obj({{"process_instance_id", str()},
                               {"is_system", boolean()},
                               {"remark", str()},
                               {"operating_userid", str()}},
                              {"process_instance_id", "is_system"})))
            .handle([](Call& c) {
              const auto& r = request(c);
              auto i = visibleInstance(c, idField(r, "process_instance_id"));
              if (r.at("is_system").as_bool())
                c.engine.terminateInstance(i.id, Actor::system(), text(r, "remark"));
              else
                c.engine.terminateInstance(i.id, actingUser(c, r, "operating_userid"), text(r, "remark"));
              return object{{"result", true}, {"success", true}};
            })
            .route);
  t.add(D("/topapi/process/instance/comment/add", "DingTalk: a comment on an approval")
            .body(wrapped(
                obj({{"process_instance_id", str()}, {"text", str()}, {"comment_userid", str()}, {"file", any()}},
                    {"process_instance_id", "text", "comment_userid"})))
            .handle([](Call& c) {
              const auto& r = request(c);
              auto i = visibleInstance(c, idField(r, "process_instance_id"));
              if (r.contains("file") && !r.at("file").is_null())
                throw Error(ErrorCode::invalid_argument, "file: attachments are not supported (Ordo keeps no files)");
              c.engine.addComment(i.id, actingUser(c, r, "comment_userid"), text(r, "text"));
              return object{{"result", true}, {"success", true}};
            })
            .route);
  t.add(D("/topapi/processinstance/listids", "DingTalk: ids of a template's approvals started in a time range")
            .body(obj({{"process_code", str()},
                       {"start_time", integer()},
                       {"end_time", integer()},
                       {"size", integer()},
                       {"cursor", integer()},
                       {"userid_list", str()}},
                      {"process_code", "start_time"}))
            .handle([](Call& c) {
              const auto& b = body(c);
              auto size = wholeOr(b, "size", 10), cursor = wholeOr(b, "cursor", 0);
              auto from = b.at("start_time").to_number<std::int64_t>(), to = wholeOr(b, "end_time", 0);
              if (size < 1 || size > 20) throw Error(ErrorCode::invalid_argument, "size: from 1 to 20");
              if (cursor < 0) throw Error(ErrorCode::invalid_argument, "cursor: must be >= 0");
              if (from < 0 || to < 0 || (to && to < from))
                throw Error(ErrorCode::invalid_argument, "end_time: before start_time");
              auto users = userList(b, "userid_list");
              for (const auto& u : users) requireUser(c, u, "userid_list");
              auto def = definitionByCode(c, text(b, "process_code"));
              InstanceQuery q;
              q.definitionKey = def.key;
              q.startedFrom = from ? from : 1;
              q.startedTo = to;
              if (users.size() == 1) q.initiator = users[0];
              std::vector<Instance> match;
              std::set<std::string> who(users.begin(), users.end());
              for (auto& i : c.engine.instances(q))
                if (i.tenant == c.who.tenant && i.state != Instance::State::deleted && (who.empty() || who.count(i.initiator)))
                  match.push_back(std::move(i));
              array list;
              for (auto k = cursor; k < static_cast<std::int64_t>(match.size()) && k < cursor + size; ++k)
                list.emplace_back(idString(match[static_cast<std::size_t>(k)].id));
              object result{{"list", list}};
              if (cursor + size < static_cast<std::int64_t>(match.size())) result["next_cursor"] = cursor + size;
              return object{{"result", result}};
            })
            .route);
  t.add(D("/topapi/process/gettodonum", "DingTalk: how many approvals wait for the user")
            .body(obj({{"userid", str()}}, {"userid"}))
            .handle([](Call& c) {
              const auto& b = body(c);
              ListQuery q;
              q.user = text(b, "userid");
              requireUser(c, q.user, "userid");
              q.type = "todo";
              q.tenant = c.who.tenant;
              return object{{"count", c.engine.count(q)}};
            })
            .route);
  t.add(D("/topapi/process/get_by_name", "DingTalk: the process_code of a template by its name")
            .body(obj({{"name", str()}}, {"name"}))
            .handle([](Call& c) {
              auto name = text(body(c), "name");
              auto catalog = c.state.definitions();
              const Definition* best = nullptr;
              for (const auto& [d, origin] : catalog->all) {
                if (d.name != name || origin.deleted) continue;
                if (!origin.tenant.empty() && origin.tenant != c.who.tenant) continue;
                if (!best || d.deployedAt > best->deployedAt) best = &d;
              }
              if (best) return object{{"process_code", best->key}};
              // Else a template of the own workflow (自有工作流), saved by /topapi/process/save.
              if (auto own = c.engine.workTemplateByName(c.who.tenant, name))
                return object{{"process_code", own->code}};
              throw Error(ErrorCode::invalid_argument, "name: no template named '" + name + "'");
            })
            .route);
  t.add(D("/topapi/process/listbyuserid", "DingTalk: the templates a user may start")
            .body(obj({{"userid", str()}, {"offset", integer()}, {"size", integer()}}, {"userid"}))
            .handle([](Call& c) {
              const auto& b = body(c);
              auto user = text(b, "userid");
              requireUser(c, user, "userid");
              auto offset = wholeOr(b, "offset", 0), size = wholeOr(b, "size", 100);
              if (offset < 0) throw Error(ErrorCode::invalid_argument, "offset: must be >= 0");
              if (size < 1 || size > 100) throw Error(ErrorCode::invalid_argument, "size: from 1 to 100");
              auto defs = c.engine.startableDefinitions(user);
              auto origins = c.engine.definitionOrigins();
              std::vector<Definition> mine;
              for (const auto& d : defs) {
                auto it = origins.find(d.id);
                if (it != origins.end() &&
                    (it->second.deleted || (!it->second.tenant.empty() && it->second.tenant != c.who.tenant)))
                  continue;
                mine.push_back(d);
              }
              array list;
              for (auto k = offset; k < static_cast<std::int64_t>(mine.size()) && k < offset + size; ++k) {
                const auto& d = mine[static_cast<std::size_t>(k)];
                list.push_back(object{
                    {"name", d.name.empty() ? d.key : d.name}, {"icon_url", ""}, {"process_code", d.key}, {"url", ""}});
              }
              object result{{"process_list", list}};
              if (offset + size < static_cast<std::int64_t>(mine.size())) result["next_cursor"] = offset + size;
              return object{{"result", result}};
            })
            .route);
}

}  // namespace ordo::server::dingtalk
