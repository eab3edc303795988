// DingTalk's own-workflow API (自有工作流): the client runs its own engine and mirrors its
// templates, instances and todos into Ordo's store as work driven from outside
// (Engine::saveWorkTemplate, createWorkRecord, createWorkTodos ...), where the todos count in
// the users' todo lists and inboxes. workrecord/taskgroup/cancel is the one the seed documents.
#include <map>
#include <set>

#include "server/dingtalk/common.hpp"
#include "server/state.hpp"

namespace ordo::server::dingtalk {

namespace {

using namespace schema;

value enumOf(std::initializer_list<const char*> values) {
  array e;
  for (const char* x : values) e.emplace_back(x);
  return object{{"type", "string"}, {"enum", e}};
}

// A work record this application sees: another tenant's is unknown, as a bad id is.
WorkRecord visibleRecord(Call& c, const object& o) {
  Id id = idField(o, "process_instance_id");
  try {
    auto r = c.engine.workRecord(id);
    if (r.tenant == c.who.tenant) return r;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
  }
  throw Error(ErrorCode::invalid_argument, "process_instance_id: no work record " + std::to_string(id));
}

std::string recordState(const std::string& status) {
  return status == "COMPLETED" ? "completed" : "terminated";  // the schema allows these two
}

std::string lower(const std::string& s) {
  return s == "AGREE" || s == "agree" ? "agree" : s == "REFUSE" || s == "refuse" ? "refuse" : "";
}

bool flag(const object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_bool() && v->as_bool();
}

std::int64_t intOr(const object& o, const char* key, std::int64_t otherwise) {
  auto* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<std::int64_t>() : otherwise;
}

}  // namespace

void addOwnWorkflowRoutes(RouteTable& t) {
  auto component = obj({{"component_name", str()},
                        {"props", obj({{"id", str()}, {"label", str()}, {"required", boolean()}}, {"label"})}},
                       {"component_name", "props"});
  t.add(D("/topapi/process/save", "DingTalk own workflow: create or update a template (no BPMN)")
            .body(obj({{"saveProcessRequest", obj({{"agentid", integer()},
                                                   {"process_code", str()},
                                                   {"name", str()},
                                                   {"description", str()},
                                                   {"form_component_list", arrayOf(component)},
                                                   {"fake_mode", boolean()}},
                                                  {"name", "description", "form_component_list"})}},
                      {"saveProcessRequest"}))
            .handle([](Call& c) {
              const auto& r = body(c).at("saveProcessRequest").as_object();
              WorkTemplate tpl;
              tpl.code = text(r, "process_code");
              tpl.name = text(r, "name");
              tpl.description = text(r, "description");
              tpl.tenant = c.who.tenant;
              tpl.form = boost::json::serialize(r.at("form_component_list"));
              if (tpl.name.empty()) throw Error(ErrorCode::invalid_argument, "name: is empty");
              try {
                return object{{"result", object{{"process_code", c.engine.saveWorkTemplate(tpl)}}}};
              } catch (const Error& e) {
                if (e.code() == ErrorCode::not_found)
                  throw Error(ErrorCode::invalid_argument, std::string("process_code: ") + e.what());
                throw;
              }
            })
            .route);
  t.add(D("/topapi/process/delete", "DingTalk own workflow: delete a template")
            .body(wrapped(obj({{"agentid", integer()}, {"process_code", str()}, {"clean_running_task", boolean()}},
                              {"process_code"})))
            .handle([](Call& c) {
              const auto& r = request(c);
              auto code = text(r, "process_code");
              auto tpl = c.engine.workTemplate(code);
              if (!tpl || tpl->tenant != c.who.tenant)
                throw Error(ErrorCode::invalid_argument, "process_code: no template '" + code + "'");
              c.engine.deleteWorkTemplate(code, flag(r, "clean_running_task"));
              return object{};
            })
            .route);
  auto formValues = arrayOf(obj({{"name", str()}, {"value", str()}, {"ext_value", str()}}, {"name"}));
  t.add(D("/topapi/process/workrecord/create", "DingTalk own workflow: mirror an instance of a template")
            .body(wrapped(obj({{"agentid", integer()},
                               {"process_code", str()},
                               {"originator_user_id", str()},
                               {"form_component_values", formValues},
                               {"url", str()},
                               {"title", str()}},
                              {"process_code", "originator_user_id", "form_component_values"})))
            .handle([](Call& c) {
              const auto& r = request(c);
              WorkRecord rec;
              rec.originator = text(r, "originator_user_id");
              requireUser(c, rec.originator, "originator_user_id");
              rec.templateCode = text(r, "process_code");
              rec.tenant = c.who.tenant;
              rec.url = text(r, "url");
              rec.title = text(r, "title");
              for (const auto& f : r.at("form_component_values").as_array()) {
                auto name = text(f.as_object(), "name");
                if (name.empty()) throw Error(ErrorCode::invalid_argument, "form_component_values[].name: is empty");
                rec.form[name] = formValue(text(f.as_object(), "value"));
              }
              if (!c.engine.workTemplate(rec.templateCode))
                throw Error(ErrorCode::invalid_argument, "process_code: no template '" + rec.templateCode + "'");
              Id id = c.engine.createWorkRecord(rec);
              return object{{"result", object{{"process_instance_id", idString(id)}}}};
            })
            .route);
  auto status = enumOf({"COMPLETED", "TERMINATED"});
  auto result = enumOf({"agree", "refuse"});
  t.add(D("/topapi/process/workrecord/update", "DingTalk own workflow: end a mirrored instance")
            .body(wrapped(obj({{"agentid", integer()},
                               {"process_instance_id", str()},
                               {"status", status},
                               {"result", result},
                               {"cancel_running_task", boolean()}},
                              {"process_instance_id", "status"})))
            .handle([](Call& c) {
              const auto& r = request(c);
              auto rec = visibleRecord(c, r);
              c.engine.updateWorkRecord(rec.id, recordState(text(r, "status")), text(r, "result"),
                                        flag(r, "cancel_running_task"));
              return object{{"result", true}};
            })
            .route);
  t.add(D("/topapi/process/workrecord/batchupdate", "DingTalk own workflow: end several mirrored instances")
            .body(wrapped(
                obj({{"agentid", integer()},
                     {"instances", arrayOf(obj({{"process_instance_id", str()}, {"status", status}, {"result", result}},
                                               {"process_instance_id", "status"}))}},
                    {"instances"})))
            .handle([](Call& c) {
              const auto& list = request(c).at("instances").as_array();
              if (list.empty()) throw Error(ErrorCode::invalid_argument, "instances: is empty");
              // Every one is checked before any changes, so that a bad one changes nothing.
              std::vector<WorkRecord> records;
              std::set<Id> seen;
              for (const auto& x : list) {
                records.push_back(visibleRecord(c, x.as_object()));
                if (records.back().state != Instance::State::running)
                  throw Error(ErrorCode::wrong_state, "process_instance_id: work record " +
                                                          std::to_string(records.back().id) + " is " +
                                                          toString(records.back().state));
                if (!seen.insert(records.back().id).second)
                  throw Error(ErrorCode::invalid_argument,
                              "instances: work record " + std::to_string(records.back().id) + " twice");
              }
              for (std::size_t i = 0; i < list.size(); ++i) {
                const auto& o = list[i].as_object();
                c.engine.updateWorkRecord(records[i].id, recordState(text(o, "status")), text(o, "result"), false);
              }
              return object{{"result", true}};
            })
            .route);
  t.add(D("/topapi/process/workrecord/task/create", "DingTalk own workflow: todos of a mirrored instance, in a group")
            .body(wrapped(obj({{"agentid", integer()},
                               {"process_instance_id", str()},
                               {"activity_id", str()},
                               {"activity_name", str()},
                               {"tasks", arrayOf(obj({{"userid", str()}, {"url", str()}}, {"userid"}))}},
                              {"process_instance_id", "tasks"})))
            .handle([](Call& c) {
              const auto& r = request(c);
              auto rec = visibleRecord(c, r);
              std::vector<std::pair<std::string, std::string>> users;
              for (const auto& x : r.at("tasks").as_array()) {
                const auto& o = x.as_object();
                users.emplace_back(text(o, "userid"), text(o, "url"));
                requireUser(c, users.back().first, "tasks[].userid");
              }
              if (users.empty()) throw Error(ErrorCode::invalid_argument, "tasks: is empty");
              array out;
              for (const auto& todo :
                   c.engine.createWorkTodos(rec.id, text(r, "activity_id"), text(r, "activity_name"), users))
                out.push_back(object{{"userid", todo.user}, {"task_id", todo.id}});
              return object{{"tasks", out}};
            })
            .route);
  t.add(D("/topapi/process/workrecord/task/query", "DingTalk own workflow: a user's todos (0 open, -1 removed)")
            .body(obj({{"userid", str()}, {"offset", integer()}, {"count", integer()}, {"status", integer()}},
                      {"userid"}))
            .handle([](Call& c) {
              const auto& b = body(c);
              auto user = text(b, "userid");
              requireUser(c, user, "userid");
              auto offset = intOr(b, "offset", 0), count = intOr(b, "count", 10), st = intOr(b, "status", 0);
              if (offset < 0) throw Error(ErrorCode::invalid_argument, "offset: must be >= 0");
              if (count < 1 || count > 50) throw Error(ErrorCode::invalid_argument, "count: from 1 to 50");
              if (st != 0 && st != -1) throw Error(ErrorCode::invalid_argument, "status: 0 or -1");
              auto page = c.engine.userWorkTodos(user, st == 0, static_cast<int>(offset), static_cast<int>(count));
              array list;
              for (const auto& todo : page.items) {
                auto rec = c.engine.workRecord(todo.recordId);
                if (rec.tenant != c.who.tenant) continue;
                array forms;
                for (const auto& kv : rec.form)
                  forms.push_back(object{{"title", kv.key()}, {"content", valueText(kv.value())}});
                list.push_back(object{{"task_id", todo.id},
                                      {"instance_id", idString(rec.id)},
                                      {"title", rec.title},
                                      {"url", todo.url.empty() ? rec.url : todo.url},
                                      {"forms", forms}});
              }
              return object{{"result", object{{"has_more", offset + count < page.total}, {"list", list}}}};
            })
            .route);
  t.add(D("/topapi/process/workrecord/task/update", "DingTalk own workflow: complete or cancel todos")
            .body(wrapped(obj({{"agentid", integer()},
                               {"process_instance_id", str()},
                               {"tasks", arrayOf(obj({{"task_id", integer()},
                                                      {"status", enumOf({"COMPLETED", "CANCELED"})},
                                                      {"result", enumOf({"AGREE", "REFUSE"})}},
                                                     {"task_id", "status"}))}},
                              {"process_instance_id", "tasks"})))
            .handle([](Call& c) {
              const auto& r = request(c);
              auto rec = visibleRecord(c, r);
              const auto& tasks = r.at("tasks").as_array();
              if (tasks.empty()) throw Error(ErrorCode::invalid_argument, "tasks: is empty");
              // Checked before any changes, so that a bad one changes nothing.
              std::map<Id, WorkTodo> todos;
              for (const auto& todo : c.engine.workTodos(rec.id)) todos[todo.id] = todo;
              std::set<Id> seen;
              for (const auto& x : tasks) {
                Id id = x.as_object().at("task_id").to_number<Id>();
                auto it = todos.find(id);
                if (it == todos.end())
                  throw Error(ErrorCode::invalid_argument,
                              "tasks[].task_id: no todo " + std::to_string(id) + " of this instance");
                if (it->second.state != Task::State::open)
                  throw Error(ErrorCode::wrong_state,
                              "tasks[].task_id: todo " + std::to_string(id) + " is " + toString(it->second.state));
                if (!seen.insert(id).second)
                  throw Error(ErrorCode::invalid_argument, "tasks: todo " + std::to_string(id) + " twice");
              }
              for (const auto& x : tasks) {
                const auto& o = x.as_object();
                c.engine.updateWorkTodo(rec.id, o.at("task_id").to_number<Id>(),
                                        text(o, "status") == "COMPLETED" ? "completed" : "cancelled",
                                        lower(text(o, "result")));
              }
              return object{{"result", true}};
            })
            .route);
  t.add(D("/topapi/process/workrecord/taskgroup/cancel",
          "DingTalk own workflow: every RUNNING todo of the groups becomes CANCELED (或签)")
            .body(wrapped(obj({{"agentid", integer()},
                               {"process_instance_id", str()},
                               {"activity_id", str()},
                               {"activity_id_list", arrayOf(str())}},
                              {"agentid", "process_instance_id", "activity_id"})))
            .handle([](Call& c) {
              const auto& r = request(c);
              auto rec = visibleRecord(c, r);
              std::vector<std::string> groups{text(r, "activity_id")};
              if (auto* l = r.if_contains("activity_id_list"))
                for (const auto& g : l->as_array()) groups.emplace_back(g.as_string());
              c.engine.cancelWorkTodoGroups(rec.id, groups);
              return object{};
            })
            .route);
}

}  // namespace ordo::server::dingtalk
