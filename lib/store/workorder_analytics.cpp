// 报告分析 and 监控中心 in SQL: counts by index range (instances_started, instances_ended),
// percentiles by OFFSET in a duration index, abnormal instances by the indexes they live in.
#include <limits>

#include "store/rows.hpp"
#include "store/workorder_tables.hpp"

namespace ordo::store {

std::vector<RunCount> runCountsBetween(Connection& c, std::int64_t from, std::int64_t to, const std::string& groupBy) {
  if (groupBy != "definition" && groupBy != "category" && groupBy != "none")
    throw Error(ErrorCode::invalid_argument, "groupBy: '" + groupBy + "' is not definition, category or none");
  // Per definition version, a count over one index range each (definition_id, time, ...):
  // index-only, no grouping in SQL; the groups are summed here.
  std::map<std::string, RunCount> by;
  auto& started = c.prepare(
      "SELECT count(*) FROM instances INDEXED BY instances_started WHERE definition_id = ? AND started_at >= ? AND "
      "started_at < ? AND parent_id IS NULL AND state != 'draft'");
  auto& ended = c.prepare(
      "SELECT coalesce(sum(CASE WHEN state = 'completed' THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN state = "
      "'rejected' THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN state IN ('terminated', 'invalidated', 'deleted') "
      "THEN 1 ELSE 0 END), 0) FROM instances INDEXED BY instances_ended WHERE definition_id = ? "
      "AND ended_at IS NOT NULL AND ended_at >= ? AND ended_at < ? AND parent_id IS NULL");
  auto& defs = c.prepare("SELECT id, key, coalesce(category, '') FROM definitions ORDER BY id");
  std::vector<std::tuple<Id, std::string, std::string>> all;
  while (defs.step()) all.emplace_back(defs.int64(0), defs.text(1), defs.text(2));
  defs.reset();
  for (const auto& [id, key, category] : all) {
    started.bind(1, id).bind(2, from).bind(3, to);
    std::int64_t n = started.step() ? started.int64(0) : 0;
    started.reset();
    ended.bind(1, id).bind(2, from).bind(3, to);
    std::int64_t done = 0, rejected = 0, cancelled = 0;
    if (ended.step()) {
      done = ended.int64(0);
      rejected = ended.int64(1);
      cancelled = ended.int64(2);
    }
    ended.reset();
    if (!n && !done && !rejected && !cancelled) continue;
    auto& r = by[groupBy == "definition" ? key : groupBy == "category" ? category : std::string()];
    r.started += n;
    r.completed += done;
    r.rejected += rejected;
    r.cancelled += cancelled;
  }
  std::vector<RunCount> out;
  for (auto& [g, r] : by) {
    r.group = g;
    out.push_back(r);
  }
  return out;
}

std::pair<std::int64_t, std::int64_t> startedRange(Connection& c) {
  // Per definition, from the ends of its index ranges: no scan of the instances.
  auto& q = c.prepare(
      std::string(c.postgres() ? "SELECT min(lo), GREATEST(max(hi), coalesce(max(last), 0)) FROM"
                               : "SELECT min(lo), max(max(hi), coalesce(max(last), 0)) FROM") +
      " (SELECT (SELECT min(started_at) FROM instances "
      "INDEXED BY instances_started WHERE definition_id = d.id) AS lo, (SELECT max(started_at) FROM instances INDEXED "
      "BY instances_started WHERE definition_id = d.id) AS hi, (SELECT max(ended_at) FROM instances INDEXED BY "
      "instances_ended WHERE definition_id = d.id AND ended_at IS NOT NULL) AS last FROM definitions d) AS r");
  std::pair<std::int64_t, std::int64_t> out{0, 0};
  if (q.step() && !q.isNull(0)) out = {q.int64(0), std::max(q.int64(1), q.isNull(2) ? 0 : q.int64(2))};
  q.reset();
  return out;
}

std::vector<DurationStats> durationStats(Connection& c, const std::string& by, std::int64_t from, std::int64_t to) {
  // Each kind: the groups with count, mean and max in one pass over a duration index, then p50
  // and p90 by OFFSET in it. A time range adds a look at each row (the index has no end time).
  bool ranged = from != 0 || to != 0;
  if (to == 0) to = std::numeric_limits<std::int64_t>::max();
  std::string range = ranged ? " AND ended_at >= ?2 AND ended_at < ?3" : "";
  std::string groups, ordered, single;
  if (by == "process") {
    groups =
        "SELECT d.key, count(*), avg(i.ended_at - i.started_at), max(i.ended_at - i.started_at) FROM definitions d "
        "JOIN instances i INDEXED BY instances_duration ON i.definition_id = d.id WHERE i.ended_at IS NOT NULL AND "
        "?1 = ?1" +
        range + " GROUP BY d.key ORDER BY d.key";
    // A key of one version reads the index in its own order (?1 is then the definition id);
    // several versions are merged by a sort.
    ordered =
        "SELECT ended_at - started_at FROM instances INDEXED BY instances_duration WHERE ended_at IS NOT NULL AND "
        "definition_id IN (SELECT id FROM definitions WHERE key = ?1)" +
        range + " ORDER BY ended_at - started_at LIMIT -1 OFFSET ?4";
    single =
        "SELECT ended_at - started_at FROM instances INDEXED BY instances_duration WHERE ended_at IS NOT NULL AND "
        "definition_id = ?1" +
        range + " ORDER BY ended_at - started_at LIMIT -1 OFFSET ?4";
  } else if (by == "node" || by == "assignee") {
    std::string col = by == "node" ? "element_id" : "completed_by";
    std::string index = by == "node" ? "tasks_duration" : "tasks_completer_duration";
    groups = "SELECT " + col +
             ", count(*), avg(ended_at - created_at), max(ended_at - created_at) FROM tasks INDEXED BY " + index +
             " WHERE state = 'completed' AND ?1 = ?1" + range + " GROUP BY " + col + " ORDER BY " + col;
    ordered = "SELECT ended_at - created_at FROM tasks INDEXED BY " + index + " WHERE state = 'completed' AND " + col +
              " = ?1" + range + " ORDER BY ended_at - created_at LIMIT -1 OFFSET ?4";
  } else {
    throw Error(ErrorCode::invalid_argument, "by: '" + by + "' is not process, node or assignee");
  }
  auto& g = c.prepare(groups);
  g.bind(1, 0);
  if (ranged) g.bind(2, from).bind(3, to);
  std::vector<DurationStats> out;
  while (g.step()) {
    DurationStats s;
    s.group = g.text(0);
    s.count = g.int64(1);
    s.mean = g.real(2);
    s.max = g.int64(3);
    out.push_back(s);
  }
  g.reset();
  for (auto& s : out) {
    std::vector<Id> versions;
    if (!single.empty()) {
      auto& v = c.prepare("SELECT id FROM definitions WHERE key = ?");
      v.bind(1, s.group);
      versions = rows(v, [](Statement& r) { return r.int64(0); });
    }
    auto& o = c.prepare(versions.size() == 1 ? single : ordered);
    // The nearest-rank percentiles (the ceil(p * n)-th smallest): one cursor from p50 on to p90.
    auto rank = [&](int percent) { return std::max<std::int64_t>(0, (s.count * percent + 99) / 100 - 1); };
    if (versions.size() == 1)
      o.bind(1, versions.front());
    else
      o.bind(1, s.group);
    o.bind(4, rank(50));
    if (ranged) o.bind(2, from).bind(3, to);
    if (o.step()) {
      s.p50 = s.p90 = o.int64(0);
      for (auto at = rank(50); at < rank(90) && o.step(); ++at) s.p90 = o.int64(0);
    }
    o.reset();
  }
  return out;
}

std::vector<EvaluationStats> evaluationStats(Connection& c) {
  auto& q = c.prepare(
      "SELECT coalesce(type_id, ''), evaluation_score, count(*) FROM wo_orders INDEXED BY wo_orders_type WHERE "
      "evaluation_score IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2");
  std::map<std::string, EvaluationStats> by;
  while (q.step()) {
    auto& e = by[q.text(0)];
    e.group = q.text(0);
    auto n = q.int64(2);
    e.byScore[static_cast<int>(q.int64(1))] = n;
    e.mean = (e.mean * static_cast<double>(e.count) + static_cast<double>(q.int64(1) * n)) /
             static_cast<double>(e.count + n);
    e.count += n;
  }
  q.reset();
  std::vector<EvaluationStats> out;
  for (auto& [k, v] : by) out.push_back(v);
  return out;
}

std::vector<AbnormalInstance> abnormalInstances(Connection& c, std::int64_t now, std::int64_t stuckMillis) {
  std::vector<AbnormalInstance> out;
  auto add = [&](Statement& q, const char* reason) {
    while (q.step()) out.push_back(AbnormalInstance{q.int64(0), q.text(1), reason, q.isNull(2) ? 0 : q.int64(2)});
    q.reset();
  };
  auto& overdue = c.prepare(
      "SELECT i.id, d.key, min(a.deadline) FROM wo_alerts a JOIN instances i ON i.id = a.instance_id JOIN definitions "
      "d ON d.id = i.definition_id WHERE a.level = 'overdue' AND i.state = 'running' GROUP BY i.id, d.key ORDER BY i.id");
  add(overdue, "overdue");
  auto& incident = c.prepare(
      "SELECT i.id, d.key, min(x.created_at) FROM incidents x JOIN instances i ON i.id = x.instance_id JOIN "
      "definitions d ON d.id = i.definition_id WHERE x.resolved_at IS NULL AND i.state IN ('running', 'suspended') "
      "GROUP BY i.id, d.key ORDER BY i.id");
  add(incident, "incident");
  auto& suspended = c.prepare(
      "SELECT i.id, d.key, i.started_at FROM instances i INDEXED BY instances_state JOIN definitions d ON d.id = "
      "i.definition_id WHERE i.state = 'suspended' ORDER BY i.id");
  add(suspended, "suspended");
  // Stuck: running, and nothing happened since the threshold (its latest history line is older).
  auto& stuck = c.prepare(
      "SELECT id, key, last FROM (SELECT i.id AS id, d.key AS key, (SELECT h.at FROM history h WHERE h.instance_id = "
      "i.id ORDER BY h.id DESC LIMIT 1) AS last FROM instances i INDEXED BY instances_state JOIN definitions d ON d.id "
      "= i.definition_id WHERE i.state = 'running') AS running WHERE last < ? ORDER BY id");
  stuck.bind(1, now - stuckMillis);
  add(stuck, "stuck");
  return out;
}

std::int64_t countRunning(Connection& c) {
  auto& q = c.prepare("SELECT count(*) FROM instances INDEXED BY instances_state WHERE state = 'running'");
  std::int64_t n = q.step() ? q.int64(0) : 0;
  q.reset();
  return n;
}

}  // namespace ordo::store
