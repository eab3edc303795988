// 报告分析 and 监控中心 in SQL: counts by index range (instances_started, instances_ended),
// percentiles by OFFSET in a duration index, abnormal instances by the indexes they live in.
#include <limits>

#include "store/rollup.hpp"
#include "store/rows.hpp"
#include "store/workorder_tables.hpp"

namespace ordo::store {

std::vector<RunCount> runCountsBetween(Connection& c, std::int64_t from, std::int64_t to, const std::string& groupBy) {
  if (groupBy != "definition" && groupBy != "category" && groupBy != "none")
    throw Error(ErrorCode::invalid_argument, "groupBy: '" + groupBy + "' is not definition, category or none");
  // The rollup's 15-minute buckets whose start lies in [from, to); the groups are summed here.
  auto& q = c.prepare(
      "SELECT d.key, coalesce(d.category, ''), sum(r.started), sum(r.completed), sum(r.rejected), sum(r.cancelled) "
      "FROM rollup_runs r JOIN definitions d ON d.id = r.definition_id WHERE r.bucket >= ? AND r.bucket < ? GROUP BY "
      "r.definition_id, d.key, d.category");
  auto bucket = [](std::int64_t ms) { return ms / kRunBucketMillis + (ms % kRunBucketMillis > 0 ? 1 : 0); };
  q.bind(1, bucket(from)).bind(2, bucket(to));
  std::map<std::string, RunCount> by;
  while (q.step()) {
    if (!q.int64(2) && !q.int64(3) && !q.int64(4) && !q.int64(5)) continue;
    auto& r = by[groupBy == "definition" ? q.text(0) : groupBy == "category" ? q.text(1) : std::string()];
    r.started += q.int64(2);
    r.completed += q.int64(3);
    r.rejected += q.int64(4);
    r.cancelled += q.int64(5);
  }
  q.reset();
  std::vector<RunCount> out;
  for (auto& [g, r] : by) {
    r.group = g;
    out.push_back(r);
  }
  return out;
}

std::pair<std::int64_t, std::int64_t> startedRange(Connection& c) {
  // The first and last buckets that count something, each from its end of the key.
  auto edge = [&](const char* order) -> std::optional<std::int64_t> {
    auto& q = c.prepare(std::string("SELECT bucket FROM rollup_runs WHERE started != 0 OR completed != 0 OR rejected "
                                    "!= 0 OR cancelled != 0 ORDER BY bucket ") +
                        order + " LIMIT 1");
    std::optional<std::int64_t> b;
    if (q.step()) b = q.int64(0);
    q.reset();
    return b;
  };
  auto lo = edge("ASC"), hi = edge("DESC");
  if (!lo || !hi) return {0, 0};
  return {*lo * kRunBucketMillis, (*hi + 1) * kRunBucketMillis - 1};
}

namespace {

// The nearest-rank percentile (the ceil(p * n)-th smallest), 0-based.
std::int64_t rankOf(std::int64_t n, int percent) {
  return std::max<std::int64_t>(0, (n * percent + 99) / 100 - 1);
}

// Over a time range (the histograms have no time): the groups in one pass over a duration
// index, then p50 and p90 by OFFSET in it.
std::vector<DurationStats> durationStatsScan(Connection& c, const std::string& by, std::int64_t from, std::int64_t to) {
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
    // One cursor from p50 on to p90.
    auto rank = [&](int percent) { return rankOf(s.count, percent); };
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

// Without a range, from the histograms: count, mean and the bucket of each rank, then the exact
// value by a short OFFSET inside that bucket's slice of the duration index.
std::vector<DurationStats> durationStatsRollup(Connection& c, const std::string& by) {
  std::string slice;
  if (by == "process")
    slice =
        "SELECT ended_at - started_at FROM instances INDEXED BY instances_duration WHERE ended_at IS NOT NULL AND "
        "definition_id IN (SELECT id FROM definitions WHERE key = ?1)";
  else if (by == "node" || by == "assignee")
    slice = std::string("SELECT ended_at - created_at FROM tasks INDEXED BY ") +
            (by == "node" ? "tasks_duration WHERE state = 'completed' AND element_id = ?1"
                          : "tasks_completer_duration WHERE state = 'completed' AND completed_by = ?1");
  else
    throw Error(ErrorCode::invalid_argument, "by: '" + by + "' is not process, node or assignee");
  std::string column = by == "process" ? "ended_at - started_at" : "ended_at - created_at";
  slice += " AND " + column + " >= ?2 AND " + column + " < ?3 ORDER BY " + column + " LIMIT 1 OFFSET ?4";
  auto& h = c.prepare(
      "SELECT grp, bucket, n, total FROM rollup_durations WHERE kind = ? AND n != 0 ORDER BY grp, bucket");
  h.bind(1, by);
  struct Histogram {
    std::vector<std::pair<std::int64_t, std::int64_t>> buckets;  // (bucket, n), ascending
    std::int64_t total = 0;
  };
  std::map<std::string, Histogram> groups;
  while (h.step()) {
    auto& g = groups[h.text(0)];
    g.buckets.emplace_back(h.int64(1), h.int64(2));
    g.total += h.int64(3);
  }
  h.reset();
  auto& v = c.prepare(slice);
  std::vector<DurationStats> out;
  for (const auto& group : groups) {
    const auto& name = group.first;  // not a structured binding: lambdas below capture it
    const auto& g = group.second;
    DurationStats s;
    s.group = name;
    for (const auto& b : g.buckets) s.count += b.second;
    if (s.count <= 0) continue;
    s.mean = static_cast<double>(g.total) / static_cast<double>(s.count);
    auto valueAt = [&](std::int64_t rank) -> std::int64_t {
      for (const auto& [bucket, n] : g.buckets) {
        if (rank >= n) {
          rank -= n;
          continue;
        }
        auto hi = durationBucketFloor(bucket + 1);
        v.bind(1, name).bind(2, durationBucketFloor(bucket)).bind(3, hi).bind(4, rank);
        std::int64_t value = v.step() ? v.int64(0) : 0;
        v.reset();
        return value;
      }
      return 0;
    };
    s.p50 = valueAt(rankOf(s.count, 50));
    s.p90 = valueAt(rankOf(s.count, 90));
    s.max = valueAt(s.count - 1);
    out.push_back(s);
  }
  return out;
}

}  // namespace

std::vector<DurationStats> durationStats(Connection& c, const std::string& by, std::int64_t from, std::int64_t to) {
  return from == 0 && to == 0 ? durationStatsRollup(c, by) : durationStatsScan(c, by, from, to);
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
      "SELECT i.id, d.key, min(a.deadline) FROM wo_alerts a CROSS JOIN instances i CROSS JOIN definitions d WHERE "
      "i.id = a.instance_id AND d.id = i.definition_id AND a.level = 'overdue' AND i.state = 'running' GROUP BY i.id, "
      "d.key ORDER BY i.id");
  add(overdue, "overdue");
  auto& incident = c.prepare(
      "SELECT i.id, d.key, min(x.created_at) FROM incidents x CROSS JOIN instances i CROSS JOIN definitions d WHERE "
      "i.id = x.instance_id AND d.id = i.definition_id AND x.resolved_at IS NULL AND i.state IN ('running', "
      "'suspended') GROUP BY i.id, d.key ORDER BY i.id");
  add(incident, "incident");
  auto& suspended = c.prepare(
      "SELECT i.id, d.key, i.started_at FROM instances i INDEXED BY instances_state JOIN definitions d ON d.id = "
      "i.definition_id WHERE i.state = 'suspended' ORDER BY i.id");
  add(suspended, "suspended");
  // Stuck: running, and nothing happened since the threshold (its latest history line is older).
  // SQLite: the latest line is the last of the instance's latest history_log row (not the view,
  // which would unpack every row of every running instance).
  auto& stuck = c.prepare(
      std::string("SELECT id, key, last FROM (SELECT i.id AS id, d.key AS key, ") +
      (c.postgres() ? "(SELECT h.at FROM history h WHERE h.instance_id = i.id ORDER BY h.id DESC LIMIT 1)"
                    : "(SELECT coalesce(l.entries ->> '$[#-1][8]', l.at) FROM history_log l WHERE l.instance_id = i.id "
                      "ORDER BY l.id DESC LIMIT 1)") +
      " AS last FROM instances i INDEXED BY instances_state JOIN definitions d ON d.id = i.definition_id WHERE i.state "
      "= 'running') AS running WHERE last < ? ORDER BY id");
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
