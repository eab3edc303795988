// Work driven from outside (schema 14): templates without BPMN, records whose state the
// client sets, and their todos in groups.
#include <boost/json.hpp>

#include "store/rows.hpp"
#include "store/store.hpp"

namespace ordo::store {

namespace {

constexpr const char* kTemplateCols = "code, name, description, tenant, form, saved_at";
constexpr const char* kRecordCols =
    "id, template, tenant, originator, title, url, form, state, result, created_at, ended_at";
constexpr const char* kTodoCols =
    "id, record_id, group_id, group_name, user_id, url, state, result, created_at, ended_at";

WorkTemplate readTemplate(Statement& q) {
  return WorkTemplate{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.int64(5)};
}

WorkRecord readRecord(Statement& q) {
  WorkRecord r;
  r.id = q.int64(0);
  r.templateCode = q.text(1);
  r.tenant = q.text(2);
  r.originator = q.text(3);
  r.title = q.text(4);
  r.url = q.text(5);
  boost::system::error_code ec;
  auto form = boost::json::parse(q.text(6), ec);
  if (!ec && form.is_object()) r.form = form.as_object();
  r.state = instanceStateFrom(q.text(7));
  r.result = q.text(8);
  r.createdAt = q.int64(9);
  r.endedAt = q.isNull(10) ? 0 : q.int64(10);
  return r;
}

WorkTodo readTodo(Statement& q) {
  WorkTodo t;
  t.id = q.int64(0);
  t.recordId = q.int64(1);
  t.group = q.text(2);
  t.groupName = q.text(3);
  t.user = q.text(4);
  t.url = q.text(5);
  t.state = taskStateFrom(q.text(6));
  t.result = q.text(7);
  t.createdAt = q.int64(8);
  t.endedAt = q.isNull(9) ? 0 : q.int64(9);
  return t;
}

template <class T, class F>
std::optional<T> one(Statement& q, F read) {
  std::optional<T> out;
  if (q.step()) out = read(q);
  q.reset();
  return out;
}

}  // namespace

void saveWorkTemplate(Connection& c, const WorkTemplate& t) {
  c.prepare(
       "INSERT INTO work_templates(code, name, description, tenant, form, saved_at) VALUES (?,?,?,?,?,?) "
       "ON CONFLICT(code) DO UPDATE SET name = excluded.name, description = excluded.description, "
       "form = excluded.form, saved_at = excluded.saved_at")
      .bind(1, t.code)
      .bind(2, t.name)
      .bind(3, t.description)
      .bind(4, t.tenant)
      .bind(5, t.form)
      .bind(6, t.savedAt)
      .run();
}

std::optional<WorkTemplate> workTemplate(Connection& c, const std::string& code) {
  auto& q =
      c.prepare(std::string("SELECT ") + kTemplateCols + " FROM work_templates WHERE code = ? AND deleted_at IS NULL");
  q.bind(1, code);
  return one<WorkTemplate>(q, readTemplate);
}

std::optional<WorkTemplate> workTemplateByName(Connection& c, const std::string& tenant, const std::string& name) {
  auto& q = c.prepare(std::string("SELECT ") + kTemplateCols +
                      " FROM work_templates WHERE tenant = ? AND name = ? AND deleted_at IS NULL");
  q.bind(1, tenant).bind(2, name);
  return one<WorkTemplate>(q, readTemplate);
}

void markWorkTemplateDeleted(Connection& c, const std::string& code, std::int64_t now) {
  c.prepare("UPDATE work_templates SET deleted_at = ? WHERE code = ?").bind(1, now).bind(2, code).run();
}

void insertWorkRecord(Connection& c, const WorkRecord& r) {
  c.prepare(std::string("INSERT INTO work_records(") + kRecordCols + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, r.id)
      .bind(2, r.templateCode)
      .bind(3, r.tenant)
      .bind(4, r.originator)
      .bind(5, r.title)
      .bind(6, r.url)
      .bind(7, boost::json::serialize(r.form))
      .bind(8, toString(r.state))
      .bind(9, r.result)
      .bind(10, r.createdAt)
      .bindNull(11)
      .run();
}

std::optional<WorkRecord> workRecordById(Connection& c, Id id) {
  auto& q = c.prepare(std::string("SELECT ") + kRecordCols + " FROM work_records WHERE id = ?");
  q.bind(1, id);
  return one<WorkRecord>(q, readRecord);
}

void setWorkRecordState(Connection& c, Id id, const std::string& state, const std::string& result, std::int64_t at) {
  c.prepare("UPDATE work_records SET state = ?, result = ?, ended_at = ? WHERE id = ?")
      .bind(1, state)
      .bind(2, result)
      .bind(3, at)
      .bind(4, id)
      .run();
}

std::vector<Id> runningWorkRecords(Connection& c, const std::string& templateCode) {
  auto& q = c.prepare("SELECT id FROM work_records WHERE template = ? AND state = 'running' ORDER BY id");
  q.bind(1, templateCode);
  return rows(q, [](Statement& row) -> Id { return row.int64(0); });
}

void insertWorkTodo(Connection& c, const WorkTodo& t) {
  c.prepare(std::string("INSERT INTO work_todos(") + kTodoCols + ") VALUES (?,?,?,?,?,?,?,?,?,?)")
      .bind(1, t.id)
      .bind(2, t.recordId)
      .bind(3, t.group)
      .bind(4, t.groupName)
      .bind(5, t.user)
      .bind(6, t.url)
      .bind(7, toString(t.state))
      .bind(8, t.result)
      .bind(9, t.createdAt)
      .bindNull(10)
      .run();
}

std::optional<WorkTodo> workTodoById(Connection& c, Id id) {
  auto& q = c.prepare(std::string("SELECT ") + kTodoCols + " FROM work_todos WHERE id = ?");
  q.bind(1, id);
  return one<WorkTodo>(q, readTodo);
}

void setWorkTodoState(Connection& c, Id id, const std::string& state, const std::string& result, std::int64_t at) {
  c.prepare("UPDATE work_todos SET state = ?, result = ?, ended_at = ? WHERE id = ?")
      .bind(1, state)
      .bind(2, result)
      .bind(3, at)
      .bind(4, id)
      .run();
}

std::vector<WorkTodo> workTodosOf(Connection& c, Id record) {
  auto& q = c.prepare(std::string("SELECT ") + kTodoCols + " FROM work_todos WHERE record_id = ? ORDER BY id");
  q.bind(1, record);
  return rows(q, readTodo);
}

std::vector<WorkTodo> userWorkTodos(Connection& c, const std::string& user, const std::string& state, int offset,
                                    int limit) {
  auto& q = c.prepare(std::string("SELECT ") + kTodoCols +
                      " FROM work_todos WHERE user_id = ? AND state = ? ORDER BY id DESC LIMIT ? OFFSET ?");
  q.bind(1, user).bind(2, state).bind(3, limit == 0 ? -1 : limit).bind(4, offset);
  return rows(q, readTodo);
}

std::int64_t countUserWorkTodos(Connection& c, const std::string& user, const std::string& state) {
  auto& q = c.prepare("SELECT count(*) FROM work_todos WHERE user_id = ? AND state = ?");
  q.bind(1, user).bind(2, state);
  q.step();
  auto n = q.int64(0);
  q.reset();
  return n;
}

}  // namespace ordo::store
