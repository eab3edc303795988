// 报告分析 and 监控中心: run counts per month, quarter or year; duration and evaluation
// statistics; abnormal instances beside normal ones. The SQL is lib/store's.
#include <ctime>
#include <set>

#include "engine/impl.hpp"

namespace ordo {

namespace {

// The local-time start of the period holding `ms`, its label, and the start of the next.
struct Period {
  std::int64_t from, to;
  std::string label;
};

std::int64_t localMillis(int year, int month) {
  std::tm tm{};
  tm.tm_year = year - 1900 + (month - 1) / 12;
  tm.tm_mon = (month - 1) % 12;
  tm.tm_mday = 1;
  tm.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&tm)) * 1000;
}

Period periodOf(std::int64_t ms, const std::string& kind) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  int y = tm.tm_year + 1900, m = tm.tm_mon + 1;
  char buf[32];
  if (kind == "month") {
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return {localMillis(y, m), localMillis(y, m + 1), buf};
  }
  if (kind == "quarter") {
    int q = (m - 1) / 3;
    std::snprintf(buf, sizeof buf, "%04d-Q%d", y, q + 1);
    return {localMillis(y, q * 3 + 1), localMillis(y, q * 3 + 4), buf};
  }
  if (kind == "year") {
    std::snprintf(buf, sizeof buf, "%04d", y);
    return {localMillis(y, 1), localMillis(y + 1, 1), buf};
  }
  throw Error(ErrorCode::invalid_argument, "period: '" + kind + "' is not month, quarter or year");
}

}  // namespace

std::vector<RunCount> Engine::runCounts(const RunCountQuery& query) const {
  periodOf(0, query.period);  // refuses an unknown period before reading
  if (query.groupBy != "definition" && query.groupBy != "category" && query.groupBy != "none")
    throw Error(ErrorCode::invalid_argument, "groupBy: '" + query.groupBy + "' is not definition, category or none");
  return impl_->read([&](store::Session& c) {
    std::vector<RunCount> out;
    auto [lo, hi] = c.startedRange();
    if (!lo) return out;
    std::int64_t from = query.from ? query.from : lo;
    std::int64_t to = query.to ? query.to : hi + 1;
    // One index range per period: no per-row date arithmetic in SQL.
    for (auto p = periodOf(from, query.period); p.from < to; p = periodOf(p.to, query.period)) {
      for (auto& r : c.runCountsBetween(std::max(p.from, from), std::min(p.to, to), query.groupBy)) {
        r.period = p.label;
        out.push_back(r);
      }
    }
    return out;
  });
}

std::vector<DurationStats> Engine::durationStats(const std::string& by, std::int64_t from, std::int64_t to) const {
  return impl_->read([&](store::Session& c) { return c.durationStats(by, from, to); });
}

void Engine::rebuildAnalytics() {
  impl_->command([&](store::Session& c) { c.rebuildRollups(); });
}

std::vector<EvaluationStats> Engine::evaluationStats() const {
  return impl_->read([&](store::Session& c) { return c.evaluationStats(); });
}

std::vector<AbnormalInstance> Engine::abnormalInstances(std::int64_t stuckMillis, std::int64_t* normal) const {
  if (stuckMillis <= 0) throw Error(ErrorCode::invalid_argument, "stuckMillis must be > 0");
  auto now = impl_->clock->nowMillis();
  return impl_->read([&](store::Session& c) {
    auto out = c.abnormalInstances(now, stuckMillis);
    if (normal) {
      std::set<std::int64_t> running;
      for (const auto& a : out)
        if (a.reason != "suspended") running.insert(a.instanceId);
      *normal = c.countRunning() - static_cast<std::int64_t>(running.size());
    }
    return out;
  });
}

}  // namespace ordo
