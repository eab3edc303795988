// 报告分析 and 监控中心 in SQL: counts by index range (instances_started, instances_ended),
// percentiles by OFFSET in a duration index, abnormal instances by the indexes they live in.
#include <limits>

#include "store/rows.hpp"
#include "store/workorder_tables.hpp"

namespace ordo::store {

namespace {

// The group column of a run count: the definition's key, its category, or one group.
std::string groupColumn(const std::string& groupBy) {
  if (groupBy == "definition") return "d.key";
  if (groupBy == "category") return "coalesce(d.category, '')";
  if (groupBy == "none") return "''";
  throw Error(ErrorCode::invalid_argument, "groupBy: '" + groupBy + "' is not definition, category or none");
}

// The nth (0-based) duration of a group, in index order.
std::int64_t nth(Statement& q, std::int64_t n) {
  std::int64_t v = 0;
  if (q.step()) v = q.int64(0);
  q.reset();
  (void)n;
  return v;
}

}  // namespace

std::vector<RunCount> runCountsBetween(Connection& c, std::int64_t from, std::int64_t to, const std::string& groupBy) {
  auto col = groupColumn(groupBy);
  std::map<std::string, RunCount> by;
  auto& started = c.prepare("SELECT " + col +
                            ", count(*) FROM instances i INDEXED BY instances_started JOIN definitions d ON d.id = "
                            "i.definition_id WHERE i.started_at >= ? AND i.started_at < ? AND i.parent_id IS NULL "
                            "AND i.state != 'draft' GROUP BY 1");
  started.bind(1, from).bind(2, to);
  while (started.step()) by[started.text(0)].started = started.int64(1);
  started.reset();
  auto& ended = c.prepare(
      "SELECT " + col +
      ", sum(i.state = 'completed'), sum(i.state = 'rejected'), sum(i.state IN ('terminated', 'invalidated', "
      "'deleted')) FROM instances i INDEXED BY instances_ended JOIN definitions d ON d.id = i.definition_id WHERE "
      "i.ended_at IS NOT NULL AND i.ended_at >= ? AND i.ended_at < ? AND i.parent_id IS NULL GROUP BY 1");
  ended.bind(1, from).bind(2, to);
  while (ended.step()) {
    auto& r = by[ended.text(0)];
    r.completed = ended.int64(1);
    r.rejected = ended.int64(2);
    r.cancelled = ended.int64(3);
  }
  ended.reset();
  std::vector<RunCount> out;
  for (auto& [g, r] : by) {
    r.group = g;
    out.push_back(r);
  }
  return out;
}

std::pair<std::int64_t, std::int64_t> startedRange(Connection& c) {
  auto& q = c.prepare("SELECT min(started_at), max(started_at), max(ended_at) FROM instances");
  std::pair<std::int64_t, std::int64_t> out{0, 0};
  if (q.step() && !q.isNull(0)) out = {q.int64(0), std::max(q.int64(1), q.isNull(2) ? 0 : q.int64(2))};
  q.reset();
  return out;
}

std::vector<DurationStats> durationStats(Connection& c, const std::string& by, std::int64_t from, std::int64_t to) {
  // Each kind: the groups with count, mean and max, then p50 and p90 by OFFSET in the duration index.
  std::string groups, ordered;
  if (by == "process") {
    groups =
        "SELECT d.key, count(*), avg(i.ended_at - i.started_at), max(i.ended_at - i.started_at) FROM instances i "
        "INDEXED BY instances_duration JOIN definitions d ON d.id = i.definition_id WHERE i.ended_at IS NOT NULL "
        "AND i.ended_at >= ? AND i.ended_at < ? GROUP BY d.key ORDER BY d.key";
    ordered =
        "SELECT i.ended_at - i.started_at FROM instances i INDEXED BY instances_duration WHERE i.ended_at IS NOT NULL "
        "AND i.definition_id IN (SELECT id FROM definitions WHERE key = ?) AND i.ended_at >= ? AND i.ended_at < ? "
        "ORDER BY i.ended_at - i.started_at LIMIT 1 OFFSET ?";
  } else if (by == "node" || by == "assignee") {
    std::string col = by == "node" ? "element_id" : "completed_by";
    std::string index = by == "node" ? "tasks_duration" : "tasks_completer_duration";
    groups = "SELECT coalesce(" + col + ", ''), count(*), avg(ended_at - created_at), max(ended_at - created_at) FROM "
             "tasks INDEXED BY " + index + " WHERE state = 'completed' AND ended_at >= ? AND ended_at < ? GROUP BY " +
             col + " ORDER BY " + col;
    ordered = "SELECT ended_at - created_at FROM tasks INDEXED BY " + index + " WHERE state = 'completed' AND " + col +
              " IS ? AND ended_at >= ? AND ended_at < ? ORDER BY ended_at - created_at LIMIT 1 OFFSET ?";
  } else {
    throw Error(ErrorCode::invalid_argument, "by: '" + by + "' is not process, node or assignee");
  }
  if (to == 0) to = std::numeric_limits<std::int64_t>::max();
  auto& g = c.prepare(groups);
  g.bind(1, from).bind(2, to);
  std::vector<DurationStats> out;
  while (g.step()) {
    DurationStats s;
    s.group = g.text(0);
    s.count = g.int64(1);
    s.mean = g.isNull(2) ? 0 : g.real(2);
    s.max = g.int64(3);
    out.push_back(s);
  }
  g.reset();
  auto& o = c.prepare(ordered);
  for (auto& s : out) {
    // The nearest-rank percentile: the ceil(p * n)-th smallest.
    auto rank = [&](int percent) { return std::max<std::int64_t>(0, (s.count * percent + 99) / 100 - 1); };
    o.bind(1, s.group).bind(2, from).bind(3, to).bind(4, rank(50));
    s.p50 = nth(o, rank(50));
    o.bind(1, s.group).bind(2, from).bind(3, to).bind(4, rank(90));
    s.p90 = nth(o, rank(90));
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
      "d ON d.id = i.definition_id WHERE a.level = 'overdue' AND i.state = 'running' GROUP BY i.id ORDER BY i.id");
  add(overdue, "overdue");
  auto& incident = c.prepare(
      "SELECT i.id, d.key, min(x.created_at) FROM incidents x JOIN instances i ON i.id = x.instance_id JOIN "
      "definitions d ON d.id = i.definition_id WHERE x.resolved_at IS NULL AND i.state IN ('running', 'suspended') "
      "GROUP BY i.id ORDER BY i.id");
  add(incident, "incident");
  auto& suspended = c.prepare(
      "SELECT i.id, d.key, i.started_at FROM instances i INDEXED BY instances_state JOIN definitions d ON d.id = "
      "i.definition_id WHERE i.state = 'suspended' ORDER BY i.id");
  add(suspended, "suspended");
  // Stuck: running, and nothing happened since the threshold (its latest history line is older).
  auto& stuck = c.prepare(
      "SELECT i.id, d.key, (SELECT h.at FROM history h WHERE h.instance_id = i.id ORDER BY h.id DESC LIMIT 1) AS last "
      "FROM instances i INDEXED BY instances_state JOIN definitions d ON d.id = i.definition_id WHERE i.state = "
      "'running' AND last < ? ORDER BY i.id");
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
