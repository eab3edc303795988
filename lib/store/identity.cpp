// Identity, inbox, entrustments, forms, deleting an instance's rows, counts.
#include <algorithm>
#include <variant>

#include "store/rollup.hpp"
#include "store/rows.hpp"

namespace ordo::store {

// ---------------------------------------------------------------- identity, inbox, lists

void saveUser(Connection& c, const User& u) {
  // An upsert, so that saving a user's profile keeps whether it is disabled (setUserDisabled).
  c.prepare(
       "INSERT INTO users(id, name, department_id, tenant) VALUES (?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
       "name = excluded.name, department_id = excluded.department_id, tenant = excluded.tenant")
      .bind(1, u.id)
      .bindOptional(2, u.name)
      .bindOptional(3, u.department)
      .bindOptional(4, u.tenant)
      .run();
  c.prepare("DELETE FROM user_roles WHERE user_id = ?").bind(1, u.id).run();
  for (const auto& r : u.roles)
    c.prepare("INSERT OR IGNORE INTO user_roles(user_id, role_id) VALUES (?,?)").bind(1, u.id).bind(2, r).run();
}

void saveDepartment(Connection& c, const Department& d) {
  c.prepare("INSERT OR REPLACE INTO departments(id, name, parent_id, leader_id) VALUES (?,?,?,?)")
      .bind(1, d.id)
      .bindOptional(2, d.name)
      .bindOptional(3, d.parent)
      .bindOptional(4, d.leader)
      .run();
}

void saveRole(Connection& c, const std::string& id, const std::string& name) {
  c.prepare("INSERT OR REPLACE INTO roles(id, name) VALUES (?,?)").bind(1, id).bindOptional(2, name).run();
}

std::optional<User> userById(Connection& c, const std::string& id) {
  auto& q = c.prepare("SELECT id, name, department_id, tenant, disabled FROM users WHERE id = ?");
  q.bind(1, id);
  std::optional<User> out;
  if (q.step()) {
    out = User{q.text(0), q.text(1), q.text(2), {}, q.text(3)};
    out->disabled = q.int64(4) != 0;
  }
  q.reset();
  if (!out) return out;
  auto& r = c.prepare("SELECT role_id FROM user_roles WHERE user_id = ? ORDER BY role_id");
  r.bind(1, id);
  while (r.step()) out->roles.push_back(r.text(0));
  r.reset();
  return out;
}

std::optional<Department> departmentById(Connection& c, const std::string& id) {
  auto& q = c.prepare("SELECT id, name, parent_id, leader_id FROM departments WHERE id = ?");
  q.bind(1, id);
  std::optional<Department> out;
  if (q.step()) out = Department{q.text(0), q.text(1), q.text(2), q.text(3)};
  q.reset();
  return out;
}

std::vector<std::string> usersWithRole(Connection& c, const std::string& role) {
  auto& q = c.prepare("SELECT user_id FROM user_roles WHERE role_id = ? ORDER BY user_id");
  q.bind(1, role);
  return rows(q, [](Statement& row) -> std::string { return row.text(0); });
}

std::vector<std::string> usersInDepartment(Connection& c, const std::string& department) {
  auto& q = c.prepare("SELECT id FROM users WHERE department_id = ? ORDER BY id");
  q.bind(1, department);
  return rows(q, [](Statement& row) -> std::string { return row.text(0); });
}

std::vector<InboxMessage> inboxOf(Connection& c, const std::string& user, bool unreadOnly, int offset, int limit,
                                  const std::string& type) {
  auto& q = c.prepare(
      "SELECT id, user_id, type, coalesce(instance_id, 0), coalesce(task_id, 0), title, created_at, read_at IS NOT "
      "NULL "
      "FROM inbox WHERE user_id = ?1 AND (?2 = 0 OR read_at IS NULL) AND (?5 = '' OR type = ?5) ORDER BY id DESC "
      "LIMIT ?3 OFFSET ?4");
  q.bind(1, user).bind(2, unreadOnly ? 1 : 0).bind(3, limit).bind(4, offset).bind(5, type);
  std::vector<InboxMessage> out;
  while (q.step())
    out.push_back({q.int64(0), q.text(1), q.text(2), q.int64(3), q.int64(4), q.text(5), q.int64(6), q.int64(7) != 0});
  q.reset();
  return out;
}

std::map<std::string, std::int64_t> inboxCounts(Connection& c, const std::string& user) {
  auto& q = c.prepare("SELECT type, count(*) FROM inbox WHERE user_id = ? AND read_at IS NULL GROUP BY type");
  q.bind(1, user);
  std::map<std::string, std::int64_t> out;
  while (q.step()) out[q.text(0)] = q.int64(1);
  q.reset();
  return out;
}

bool markRead(Connection& c, Id message, const std::string& user, bool read, std::int64_t now) {
  auto& q = c.prepare("UPDATE inbox SET read_at = ? WHERE id = ? AND user_id = ?");
  if (read)
    q.bind(1, now);
  else
    q.bindNull(1);
  q.bind(2, message).bind(3, user).run();
  return c.changes() == 1;
}

void addInbox(Connection& c, const std::string& user, const std::string& type, Id instance, Id task,
              const std::string& title, std::int64_t now) {
  c.prepare("INSERT INTO inbox(user_id, type, instance_id, task_id, title, created_at) VALUES (?,?,?,?,?,?)")
      .bind(1, user)
      .bind(2, type)
      .bind(3, instance)
      .bind(4, task)
      .bindOptional(5, title)
      .bind(6, now)
      .run();
}

std::int64_t countOperations(Connection& c, Id task, const std::string& action, std::int64_t since) {
  // Through the task's instance (history_instance, on SQLite history_log_instance under the view):
  // an index by action would be written by every operation for this rare check (schema 22 dropped it).
  auto& q = c.prepare(
      "SELECT count(*) FROM history WHERE instance_id = (SELECT instance_id FROM tasks WHERE id = ?2) AND "
      "task_id = ?2 AND action = ?1 AND at >= ?3");
  q.bind(1, action).bind(2, task).bind(3, since);
  q.step();
  auto n = q.int64(0);
  q.reset();
  return n;
}

UserLists listsOf(Connection& c, const std::string& user, const std::vector<std::string>& roles) {
  UserLists l;
  TaskQuery todo;
  todo.candidateUser = user;
  todo.candidateGroups = roles;
  l.todo = countTasks(c, todo) + countUserWorkTodos(c, user, "open");  // BPMN tasks and work driven from outside
  auto one = [&](const char* sql) {
    auto& q = c.prepare(sql);
    q.bind(1, user);
    q.step();
    auto n = q.int64(0);
    q.reset();
    return n;
  };
  l.done = one("SELECT count(*) FROM tasks WHERE completed_by = ?") + countUserWorkTodos(c, user, "completed");
  l.started = one("SELECT count(*) FROM instances WHERE initiator = ? AND state <> 'draft' AND parent_id IS NULL") +
              one("SELECT count(*) FROM work_records WHERE originator = ?");
  l.cc = one("SELECT count(DISTINCT instance_id) FROM inbox WHERE user_id = ? AND type = 'cc'");
  l.drafts = one("SELECT count(*) FROM instances WHERE initiator = ? AND state = 'draft'");
  return l;
}

Id addEntrustment(Connection& c, const std::string& from, const std::string& to,
                  const std::vector<std::string>& processes, std::int64_t validFrom, std::int64_t validUntil,
                  std::int64_t now) {
  auto& q = c.prepare(
      "INSERT INTO entrustments(from_user, to_user, processes, valid_from, valid_until, created_at) VALUES "
      "(?,?,?,?,?,?)");
  q.bind(1, from).bind(2, to);
  if (processes.empty())
    q.bindNull(3);
  else
    q.bind(3, listJson(processes));
  if (validFrom)
    q.bind(4, validFrom);
  else
    q.bindNull(4);
  if (validUntil)
    q.bind(5, validUntil);
  else
    q.bindNull(5);
  q.bind(6, now).run();
  return c.lastInsertId();
}

int cancelEntrustments(Connection& c, const std::string& from, const std::string& to, std::int64_t now) {
  c.prepare("UPDATE entrustments SET cancelled_at = ? WHERE from_user = ? AND to_user = ? AND cancelled_at IS NULL")
      .bind(1, now)
      .bind(2, from)
      .bind(3, to)
      .run();
  return c.changes();
}

std::optional<std::string> entrustee(Connection& c, const std::string& user, const std::string& processKey,
                                     std::int64_t now) {
  auto& q = c.prepare(
      "SELECT to_user, processes FROM entrustments WHERE from_user = ?1 AND cancelled_at IS NULL AND "
      "(valid_from IS NULL OR valid_from <= ?2) AND (valid_until IS NULL OR valid_until > ?2) ORDER BY id DESC");
  q.bind(1, user).bind(2, now);
  std::optional<std::string> out;
  while (!out && q.step()) {
    auto processes = parseList(q.text(1));
    if (processes.empty() || std::find(processes.begin(), processes.end(), processKey) != processes.end())
      out = q.text(0);
  }
  q.reset();
  return out;
}

void saveForm(Connection& c, Id definition, const std::string& formKey, const std::string& schema) {
  c.prepare("INSERT OR REPLACE INTO forms(definition_id, form_key, schema) VALUES (?,?,?)")
      .bind(1, definition)
      .bind(2, formKey)
      .bind(3, schema)
      .run();
}

std::optional<std::string> formSchema(Connection& c, Id definition, const std::string& formKey) {
  auto& q = c.prepare("SELECT schema FROM forms WHERE definition_id = ? AND form_key = ?");
  q.bind(1, definition).bind(2, formKey);
  std::optional<std::string> out;
  if (q.step()) out = q.text(0);
  q.reset();
  return out;
}

void failExternalJob(Connection& c, Id job, const std::string& message, int retries, std::int64_t dueAt) {
  c.prepare("UPDATE jobs SET retries = ?, error = ?, lock_owner = NULL, lock_expires = 0, due_at = ? WHERE id = ?")
      .bind(1, retries)
      .bind(2, message)
      .bind(3, dueAt)
      .bind(4, job)
      .run();
}

void insertIncident(Connection& c, Id instance, Id job, const std::string& element, const std::string& message,
                    std::int64_t at) {
  c.prepare("INSERT INTO incidents(instance_id, job_id, element_id, message, created_at) VALUES (?,?,?,?,?)")
      .bind(1, instance)
      .bind(2, job)
      .bind(3, element)
      .bind(4, message)
      .bind(5, at)
      .run();
}

void markInstanceDeleted(Connection& c, Id instance) {
  RollupChange rollup;
  rollup.storedInstance(c, -1, instance);
  c.prepare("UPDATE instances SET state = 'deleted', revision = revision + 1 WHERE id = ?").bind(1, instance).run();
  rollup.storedInstance(c, 1, instance);
  rollup.apply(c);
}

void deleteInstanceRows(Connection& c, Id instance, bool keepHistory) {
  RollupChange rollup;  // what the rows deleted here counted
  rollup.storedTasks(c, -1, instance);
  if (!keepHistory) rollup.storedInstance(c, -1, instance);
  rollup.apply(c);
  c.prepare("DELETE FROM task_candidates WHERE task_id IN (SELECT id FROM tasks WHERE instance_id = ?)")
      .bind(1, instance)
      .run();
  c.prepare("DELETE FROM instance_runtime WHERE instance_id = ?").bind(1, instance).run();
  for (const char* table : {"tasks", "jobs", "subscriptions", "incidents", "inbox"})
    c.prepare(std::string("DELETE FROM ") + table + " WHERE instance_id = ?").bind(1, instance).run();
  if (!keepHistory) {
    c.prepare(c.postgres() ? "DELETE FROM history WHERE instance_id = ?" : "DELETE FROM history_log WHERE instance_id = ?")
        .bind(1, instance)
        .run();
    c.prepare("DELETE FROM instances WHERE id = ?").bind(1, instance).run();
  }
}

int countJobs(Connection& c, Id instance) {
  auto& q = c.prepare("SELECT count(*) FROM jobs WHERE instance_id = ? AND kind IN ('timer', 'async')");
  q.bind(1, instance);
  q.step();
  int n = static_cast<int>(q.int64(0));
  q.reset();
  return n;
}

int countIncidents(Connection& c, Id instance) {
  auto& q = c.prepare("SELECT count(*) FROM incidents WHERE instance_id = ? AND resolved_at IS NULL");
  q.bind(1, instance);
  q.step();
  int n = static_cast<int>(q.int64(0));
  q.reset();
  return n;
}

}  // namespace ordo::store
