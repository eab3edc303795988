// Work driven from outside (DingTalk's 自有工作流): templates without BPMN, records whose state
// the client sets, todos in groups. Each operation is one command; a refusal changes nothing.
#include <boost/uuid/uuid_generators.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <cctype>

#include "engine/impl.hpp"

namespace ordo {

namespace {

WorkRecord existingRecord(store::Session& c, Id id) {
  auto r = c.workRecordById(id);
  if (!r) throw Error(ErrorCode::not_found, "work record " + std::to_string(id) + " not found");
  return *r;
}

void checkResult(const std::string& result) {
  if (!result.empty() && result != "agree" && result != "refuse")
    throw Error(ErrorCode::invalid_argument, "result must be agree, refuse or empty, not '" + result + "'");
}

bool isRunning(const WorkRecord& r) {
  return r.state == Instance::State::running;
}

bool isOpen(const WorkTodo& t) {
  return t.state == Task::State::open;
}

// Every open todo of the record (of `groups`, when given) becomes cancelled; returns how many.
int cancelOpen(store::Session& c, Id record, const std::vector<std::string>* groups, std::int64_t now) {
  int n = 0;
  for (const auto& t : c.workTodosOf(record)) {
    if (!isOpen(t)) continue;
    if (groups && std::find(groups->begin(), groups->end(), t.group) == groups->end()) continue;
    c.setWorkTodoState(t.id, "cancelled", "", now);
    ++n;
  }
  return n;
}

}  // namespace

std::string Engine::saveWorkTemplate(const WorkTemplate& t) {
  if (t.name.empty()) throw Error(ErrorCode::invalid_argument, "a work template needs a name");
  return impl_->command([&](store::Session& c) {
    WorkTemplate saved = t;
    if (!saved.code.empty()) {
      auto old = c.workTemplate(saved.code);
      if (!old) throw Error(ErrorCode::not_found, "work template '" + saved.code + "' not found");
      if (old->tenant != saved.tenant)
        throw Error(ErrorCode::not_found, "work template '" + saved.code + "' not found");
    } else {
      auto uuid = boost::uuids::to_string(boost::uuids::random_generator()());
      for (auto& ch : uuid) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      saved.code = "PROC-" + uuid;
    }
    if (auto same = c.workTemplateByName(saved.tenant, saved.name); same && same->code != saved.code)
      throw Error(ErrorCode::conflict, "a work template named '" + saved.name + "' exists: " + same->code);
    saved.savedAt = impl_->clock->nowMillis();
    c.saveWorkTemplate(saved);
    return saved.code;
  });
}

std::optional<WorkTemplate> Engine::workTemplate(const std::string& code) const {
  return impl_->read([&](store::Session& c) { return c.workTemplate(code); });
}

std::optional<WorkTemplate> Engine::workTemplateByName(const std::string& tenant, const std::string& name) const {
  return impl_->read([&](store::Session& c) { return c.workTemplateByName(tenant, name); });
}

void Engine::deleteWorkTemplate(const std::string& code, bool cancelRunning) {
  impl_->command([&](store::Session& c) {
    if (!c.workTemplate(code)) throw Error(ErrorCode::not_found, "work template '" + code + "' not found");
    auto running = c.runningWorkRecords(code);
    if (!running.empty() && !cancelRunning)
      throw Error(ErrorCode::wrong_state, "work template '" + code + "' has " + std::to_string(running.size()) +
                                              " running records: clean them, or delete with cancelRunning");
    auto now = impl_->clock->nowMillis();
    for (Id r : running) {
      cancelOpen(c, r, nullptr, now);
      c.setWorkRecordState(r, "terminated", "", now);
    }
    c.markWorkTemplateDeleted(code, now);
  });
}

Id Engine::createWorkRecord(const WorkRecord& record) {
  if (record.originator.empty()) throw Error(ErrorCode::invalid_argument, "a work record needs its originator");
  return impl_->command([&](store::Session& c) {
    auto t = c.workTemplate(record.templateCode);
    if (!t || t->tenant != record.tenant)
      throw Error(ErrorCode::not_found, "work template '" + record.templateCode + "' not found");
    WorkRecord r = record;
    r.id = c.ids().next("instances");  // one id space with BPMN instances
    r.state = Instance::State::running;
    r.result.clear();
    r.createdAt = impl_->clock->nowMillis();
    r.endedAt = 0;
    if (r.title.empty()) r.title = t->name;
    c.insertWorkRecord(r);
    return r.id;
  });
}

WorkRecord Engine::workRecord(Id id) const {
  return impl_->read([&](store::Session& c) { return existingRecord(c, id); });
}

void Engine::updateWorkRecord(Id id, const std::string& state, const std::string& result, bool cancelOpenTodos) {
  if (state != "completed" && state != "terminated")
    throw Error(ErrorCode::invalid_argument, "a work record ends completed or terminated, not '" + state + "'");
  checkResult(result);
  impl_->command([&](store::Session& c) {
    auto r = existingRecord(c, id);
    if (!isRunning(r)) throw Error(ErrorCode::wrong_state, "work record " + std::to_string(id) + " is " + toString(r.state));
    auto now = impl_->clock->nowMillis();
    if (cancelOpenTodos) cancelOpen(c, id, nullptr, now);
    c.setWorkRecordState(id, state, result, now);
  });
}

std::vector<WorkTodo> Engine::createWorkTodos(Id recordId, const std::string& group, const std::string& groupName,
                                              const std::vector<std::pair<std::string, std::string>>& users) {
  if (users.empty()) throw Error(ErrorCode::invalid_argument, "todos need at least one user");
  for (const auto& u : users)
    if (u.first.empty()) throw Error(ErrorCode::invalid_argument, "a todo needs its user");
  return impl_->command([&](store::Session& c) {
    auto r = existingRecord(c, recordId);
    if (!isRunning(r))
      throw Error(ErrorCode::wrong_state, "work record " + std::to_string(recordId) + " is " + toString(r.state));
    auto now = impl_->clock->nowMillis();
    std::vector<WorkTodo> out;
    for (const auto& [user, url] : users) {
      WorkTodo t;
      t.id = c.ids().next("tasks");  // one id space with BPMN tasks
      t.recordId = recordId;
      t.group = group;
      t.groupName = groupName;
      t.user = user;
      t.url = url;
      t.createdAt = now;
      c.insertWorkTodo(t);
      c.addInbox(user, "todo", recordId, t.id, r.title, now);
      out.push_back(t);
    }
    return out;
  });
}

void Engine::updateWorkTodo(Id recordId, Id todoId, const std::string& state, const std::string& result) {
  if (state != "completed" && state != "cancelled")
    throw Error(ErrorCode::invalid_argument, "a todo ends completed or cancelled, not '" + state + "'");
  checkResult(result);
  impl_->command([&](store::Session& c) {
    existingRecord(c, recordId);
    auto t = c.workTodoById(todoId);
    if (!t || t->recordId != recordId)
      throw Error(ErrorCode::not_found,
                  "todo " + std::to_string(todoId) + " of work record " + std::to_string(recordId) + " not found");
    if (!isOpen(*t)) throw Error(ErrorCode::wrong_state, "todo " + std::to_string(todoId) + " is " + toString(t->state));
    c.setWorkTodoState(todoId, state, result, impl_->clock->nowMillis());
  });
}

int Engine::cancelWorkTodoGroups(Id recordId, const std::vector<std::string>& groups) {
  if (groups.empty()) throw Error(ErrorCode::invalid_argument, "name at least one todo group");
  return impl_->command([&](store::Session& c) {
    existingRecord(c, recordId);
    return cancelOpen(c, recordId, &groups, impl_->clock->nowMillis());
  });
}

std::vector<WorkTodo> Engine::workTodos(Id recordId) const {
  return impl_->read([&](store::Session& c) {
    existingRecord(c, recordId);
    return c.workTodosOf(recordId);
  });
}

Page<WorkTodo> Engine::userWorkTodos(const std::string& user, bool open, int offset, int limit) const {
  if (offset < 0 || limit < 0) throw Error(ErrorCode::invalid_argument, "offset and limit must be >= 0");
  const std::string state = open ? "open" : "cancelled";
  return impl_->read([&](store::Session& c) {
    return Page<WorkTodo>{c.userWorkTodos(user, state, offset, limit), c.countUserWorkTodos(user, state)};
  });
}

}  // namespace ordo
