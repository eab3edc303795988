// Jobs (timers, async continuations, external tasks), incidents, start timers, message
// and signal subscriptions, buffered messages.
#include <algorithm>
#include <variant>

#include "store/rows.hpp"

namespace ordo::store {

std::vector<DueJob> dueTimers(Connection& c, std::int64_t now, int limit) {
  auto& q =
      c.prepare("SELECT id, instance_id FROM jobs WHERE kind = 'timer' AND due_at <= ? ORDER BY due_at, id LIMIT ?");
  q.bind(1, now).bind(2, limit);
  return rows(q, [](Statement& row) -> DueJob { return {row.int64(0), row.int64(1)}; });
}

std::vector<DueJob> acquireJobs(Connection& c, const std::string& owner, std::int64_t now, std::int64_t lockMillis,
                                int limit) {
  // PostgreSQL: a job another process is acquiring at this moment is skipped, not waited for,
  // and one whose lock expired (its process died) is taken over.
  auto& q = c.prepare(std::string(
                          "UPDATE jobs SET lock_owner = ?1, lock_expires = ?2 WHERE id IN (SELECT id FROM jobs WHERE "
                          "kind IN ('timer', 'async', 'start') AND due_at <= ?3 AND retries > 0 AND (lock_owner IS "
                          "NULL OR coalesce(lock_expires, 0) <= ?3) AND (instance_id = 0 OR instance_id IN (SELECT id "
                          "FROM instances WHERE state = 'running')) ORDER BY due_at, id LIMIT ?4") +
                      (c.postgres() ? " FOR UPDATE SKIP LOCKED" : "") + ") RETURNING id, instance_id");
  q.bind(1, owner).bind(2, now + lockMillis).bind(3, now).bind(4, limit);
  auto out = rows(q, [](Statement& row) -> DueJob { return {row.int64(0), row.int64(1)}; });
  std::sort(out.begin(), out.end(), [](const DueJob& a, const DueJob& b) { return a.id < b.id; });
  return out;
}

std::optional<Id> lockedJob(Connection& c, Id job, const std::string& owner) {
  // PostgreSQL: the job's row stays locked to the end of the command that runs it.
  auto& q = c.prepare(c.postgres() ? "SELECT instance_id FROM jobs WHERE id = ? AND lock_owner = ? FOR UPDATE"
                                   : "SELECT instance_id FROM jobs WHERE id = ? AND lock_owner = ?");
  q.bind(1, job).bind(2, owner);
  std::optional<Id> out;
  if (q.step()) out = q.int64(0);
  q.reset();
  return out;
}

void failJob(Connection& c, Id job, const std::string& message, std::int64_t now) {
  auto& q = c.prepare("SELECT instance_id, element_id, retries, data FROM jobs WHERE id = ?");
  q.bind(1, job);
  if (!q.step()) {
    q.reset();
    return;
  }
  Id instance = q.int64(0);
  auto element = q.text(1);
  int retries = static_cast<int>(q.int64(2)) - 1;
  std::int64_t delay = 0;
  if (auto data = q.text(3); !data.empty()) {
    auto o = boost::json::parse(data).as_object();
    if (auto it = o.find("retryDelay"); it != o.end()) delay = it->value().to_number<std::int64_t>();
  }
  q.reset();
  if (retries < 0) retries = 0;
  c.prepare("UPDATE jobs SET retries = ?, error = ?, lock_owner = NULL, lock_expires = 0, due_at = ? WHERE id = ?")
      .bind(1, retries)
      .bind(2, message)
      .bind(3, now + delay)
      .bind(4, job)
      .run();
  if (retries == 0)
    c.prepare("INSERT INTO incidents(instance_id, job_id, element_id, message, created_at) VALUES (?,?,?,?,?)")
        .bind(1, instance)
        .bind(2, job)
        .bind(3, element)
        .bind(4, message)
        .bind(5, now)
        .run();
}

std::vector<Incident> incidentsOf(Connection& c, Id instance) {
  auto& q = c.prepare(
      "SELECT id, instance_id, coalesce(job_id, 0), element_id, message, created_at, coalesce(resolved_at, 0) FROM "
      "incidents WHERE instance_id = ? ORDER BY id");
  q.bind(1, instance);
  return rows(q, [](Statement& row) -> Incident {
    return {row.int64(0), row.int64(1), row.int64(2), row.text(3), row.text(4), row.int64(5), row.int64(6)};
  });
}

void resolveIncident(Connection& c, Id incident, int retries, std::int64_t now) {
  auto& q = c.prepare("SELECT job_id FROM incidents WHERE id = ? AND resolved_at IS NULL");
  q.bind(1, incident);
  if (!q.step()) {
    q.reset();
    throw Error(ErrorCode::not_found, "no open incident " + std::to_string(incident));
  }
  Id job = q.int64(0);
  q.reset();
  c.prepare("UPDATE jobs SET retries = ?, due_at = ?, lock_owner = NULL, lock_expires = 0 WHERE id = ?")
      .bind(1, retries)
      .bind(2, now)
      .bind(3, job)
      .run();
  c.prepare("UPDATE incidents SET resolved_at = ? WHERE id = ?").bind(1, now).bind(2, incident).run();
}

std::optional<std::int64_t> nextJobDue(Connection& c) {
  auto& q = c.prepare("SELECT min(due_at) FROM jobs WHERE kind IN ('timer', 'async', 'start') AND retries > 0");
  std::optional<std::int64_t> out;
  if (q.step() && !q.isNull(0)) out = q.int64(0);
  q.reset();
  return out;
}

void insertStartJob(Connection& c, Id definition, const std::string& element, std::int64_t due,
                    const boost::json::object& data) {
  boost::json::object d = data;
  d["definition"] = definition;
  c.prepare(
       "INSERT INTO jobs(instance_id, token_id, kind, element_id, due_at, retries, data) VALUES (0, 0, 'start', ?, ?, "
       "3, ?)")
      .bind(1, element)
      .bind(2, due)
      .bind(3, json(d))
      .run();
}

void removeStartJobs(Connection& c, const std::string& key, Id keep) {
  c.prepare(std::string("DELETE FROM jobs WHERE kind = 'start' AND ") +
            (c.postgres() ? "(data::jsonb->>'definition')::bigint" : "json_extract(data, '$.definition')") +
            " IN (SELECT id FROM definitions WHERE key = ? AND id <> ?)")
      .bind(1, key)
      .bind(2, keep)
      .run();
}

std::optional<StartJob> startJob(Connection& c, Id job) {
  auto& q = c.prepare("SELECT id, element_id, due_at, data FROM jobs WHERE id = ? AND kind = 'start'");
  q.bind(1, job);
  std::optional<StartJob> out;
  if (q.step()) {
    StartJob j;
    j.id = q.int64(0);
    j.element = q.text(1);
    j.dueAt = q.int64(2);
    j.data = boost::json::parse(q.text(3)).as_object();
    j.definition = j.data.at("definition").as_int64();
    out = std::move(j);
  }
  q.reset();
  return out;
}

void rescheduleStartJob(Connection& c, Id job, std::int64_t due, const boost::json::object& data) {
  c.prepare("UPDATE jobs SET due_at = ?, data = ?, lock_owner = NULL, lock_expires = 0 WHERE id = ?")
      .bind(1, due)
      .bind(2, json(data))
      .bind(3, job)
      .run();
}

void deleteJob(Connection& c, Id job) {
  c.prepare("DELETE FROM jobs WHERE id = ?").bind(1, job).run();
}

std::optional<Id> jobInstance(Connection& c, Id jobId, const char* kind) {
  auto& q = c.prepare("SELECT instance_id FROM jobs WHERE id = ? AND kind = ?");
  q.bind(1, jobId).bind(2, kind);
  std::optional<Id> out;
  if (q.step()) out = q.int64(0);
  q.reset();
  return out;
}

std::vector<std::pair<Id, Id>> lockableExternal(Connection& c, const std::string& topic, std::int64_t now, int limit) {
  auto& q = c.prepare(
      "SELECT j.id, j.instance_id FROM jobs j JOIN instances i ON i.id = j.instance_id "
      "WHERE j.kind = 'external' AND j.topic = ? AND j.retries > 0 AND i.state = 'running' AND "
      "coalesce(j.lock_expires, 0) <= ? AND coalesce(j.due_at, 0) <= ? ORDER BY j.id LIMIT ?" +
      // PostgreSQL: fetch-and-lock by several processes at once hands each task to one of them.
      std::string(c.postgres() ? " FOR UPDATE OF j SKIP LOCKED" : ""));
  q.bind(1, topic).bind(2, now).bind(3, now).bind(4, limit);
  return rows(q, [](Statement& row) { return std::pair<Id, Id>(row.int64(0), row.int64(1)); });
}

void lockExternal(Connection& c, Id job, const std::string& worker, std::int64_t expires) {
  c.prepare("UPDATE jobs SET lock_owner = ?, lock_expires = ? WHERE id = ?")
      .bind(1, worker)
      .bind(2, expires)
      .bind(3, job)
      .run();
}

std::vector<ExternalTask> externalTasksOf(Connection& c, Id instance) {
  auto& q = c.prepare(
      "SELECT id, instance_id, element_id, topic, lock_owner, retries, lock_expires FROM jobs WHERE instance_id = ? "
      "AND "
      "kind = 'external' ORDER BY id");
  q.bind(1, instance);
  return rows(q, [](Statement& row) {
    ExternalTask e;
    e.id = row.int64(0);
    e.instanceId = row.int64(1);
    e.elementId = row.text(2);
    e.topic = row.text(3);
    e.workerId = row.text(4);
    e.retries = static_cast<int>(row.int64(5));
    e.lockExpiresAt = row.int64(6);
    return e;
  });
}

std::vector<MessageWaiter> messageWaiters(Connection& c, const std::string& name, const std::string& businessKey,
                                          Id instance) {
  auto& q = c.prepare(
      "SELECT s.id, s.instance_id FROM subscriptions s JOIN instances i ON i.id = s.instance_id WHERE s.kind = "
      "'message' "
      "AND s.name = ?1 AND i.state = 'running' AND (?2 = '' OR i.business_key = ?2) AND (?3 = 0 OR i.id = ?3) "
      "ORDER BY s.id");
  q.bind(1, name).bind(2, businessKey).bind(3, instance);
  return rows(q, [](Statement& row) -> MessageWaiter { return {row.int64(0), row.int64(1)}; });
}

std::vector<Id> signalReceivers(Connection& c, const std::string& name) {
  auto& q = c.prepare(
      "SELECT DISTINCT s.instance_id FROM subscriptions s JOIN instances i ON i.id = s.instance_id WHERE s.kind = "
      "'signal' AND s.name = ? AND i.state = 'running' ORDER BY s.instance_id");
  q.bind(1, name);
  return rows(q, [](Statement& row) -> Id { return row.int64(0); });
}

void bufferMessage(Connection& c, const std::string& name, const std::string& businessKey, const Variables& variables,
                   std::int64_t now, std::int64_t expiresAt) {
  auto& q = c.prepare(
      "INSERT INTO buffered_messages(name, business_key, variables, created_at, expires_at) VALUES (?,?,?,?,?)");
  q.bind(1, name).bindOptional(2, businessKey).bind(3, json(variables)).bind(4, now);
  if (expiresAt)
    q.bind(5, expiresAt);
  else
    q.bindNull(5);
  q.run();
}

std::optional<Variables> takeBufferedMessage(Connection& c, const std::string& name, const std::string& businessKey,
                                             std::int64_t now) {
  // A message without a business key is for anyone; one with a key only for that instance.
  auto& q = c.prepare(
      "SELECT id, variables FROM buffered_messages WHERE name = ?1 AND (business_key IS NULL OR business_key = ?2) "
      "AND (expires_at IS NULL OR expires_at > ?3) ORDER BY id LIMIT 1" +
      // PostgreSQL: a buffered message is taken by one command only.
      std::string(c.postgres() ? " FOR UPDATE SKIP LOCKED" : ""));
  q.bind(1, name).bind(2, businessKey).bind(3, now);
  std::optional<Variables> out;
  Id id = 0;
  if (q.step()) {
    id = q.int64(0);
    out = boost::json::parse(q.text(1)).as_object();
  }
  q.reset();
  if (id) c.prepare("DELETE FROM buffered_messages WHERE id = ?").bind(1, id).run();
  return out;
}

void replaceStartSubscriptions(Connection& c, const std::string& key, Id definition,
                               const std::vector<StartSubscription>& subscriptions) {
  c.prepare("DELETE FROM start_subscriptions WHERE definition_id IN (SELECT id FROM definitions WHERE key = ?)")
      .bind(1, key)
      .run();
  for (const auto& s : subscriptions)
    c.prepare("INSERT OR IGNORE INTO start_subscriptions(kind, name, definition_id, element_id) VALUES (?, ?, ?, ?)")
        .bind(1, s.kind)
        .bind(2, s.name)
        .bind(3, definition)
        .bind(4, s.element)
        .run();
}

std::vector<StartSubscription> startSubscriptions(Connection& c, const std::string& kind, const std::string& name) {
  auto& q = c.prepare(
      "SELECT s.kind, s.name, s.definition_id, s.element_id FROM start_subscriptions s "
      "JOIN definitions d ON d.id = s.definition_id WHERE s.kind = ? AND s.name = ? ORDER BY d.key, s.element_id");
  q.bind(1, kind).bind(2, name);
  return rows(q, [](Statement& r) { return StartSubscription{r.text(0), r.text(1), r.int64(2), r.text(3)}; });
}

bool startSubscriptionsPending(Connection& c) {
  auto& q = c.prepare("SELECT count(*) FROM start_subscriptions WHERE kind = 'backfill'");
  q.step();
  bool pending = q.int64(0) > 0;
  q.reset();
  return pending;
}

void startSubscriptionsRegistered(Connection& c) {
  c.prepare("DELETE FROM start_subscriptions WHERE kind = 'backfill'").run();
}

}  // namespace ordo::store
