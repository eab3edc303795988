// Native routes the console draws: 工单告警 (alerts), 报告分析 (runs, durations, evaluations)
// and 监控中心 (abnormal instances beside normal ones).
#include <algorithm>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"
#include "server/workorder/common.hpp"

namespace ordo::server::workorder {

namespace {

using camunda7::R;

value alertJson(const WorkOrderAlert& a) {
  array users;
  for (const auto& u : a.notified) users.push_back(value(u));
  return object{
      {"id", std::to_string(a.id)},
      {"workOrderId", std::to_string(a.orderId)},
      {"processInstanceId", std::to_string(a.instanceId)},
      {"taskId", camunda7::idOrNull(a.taskId)},
      {"elementId", camunda7::strOrNull(a.elementId)},
      {"level", a.level},
      {"deadline", camunda7::isoTime(a.deadline)},
      {"raised", camunda7::isoTime(a.raisedAt)},
      {"notified", users},
      {"webhook",
       a.webhookStatus.empty()
           ? value(nullptr)
           : value(object{{"status", a.webhookStatus}, {"attempts", a.webhookAttempts}, {"error", a.webhookError}})}};
}

std::int64_t timeParam(const Call& c, const char* name) {
  auto v = camunda7::param(c, name);
  return v.empty() ? 0 : camunda7::parseTime(v, name);
}

value statsJson(const DurationStats& s) {
  return object{{"group", s.group},   {"count", s.count},   {"meanMillis", s.mean},
                {"p50Millis", s.p50}, {"p90Millis", s.p90}, {"maxMillis", s.max}};
}

}  // namespace

void addReportRoutes(RouteTable& t) {
  using namespace schema;
  const std::string p = "/ordo/workorder";
  t.add(R("GET", p + "/alerts", "Work orders",
          "工单告警: alerts raised (an administrator: all; others: those sent to them)")
            .query("workOrderId", "integer")
            .handle([](Call& c) {
              auto order = camunda7::queryInt(c, "workOrderId").value_or(0);
              array out;
              for (const auto& a : c.engine.workOrderAlerts(order))
                if (c.who.admin || std::count(a.notified.begin(), a.notified.end(), c.who.user))
                  out.push_back(alertJson(a));
              return json(200, out);
            })
            .route);
  t.add(R("GET", p + "/analytics/runs", "Work orders",
          "报告分析: instances started, completed, rejected, cancelled per period")
            .admin()
            .query("period", "string", "month (default), quarter or year")
            .query("groupBy", "string", "definition (default), category or none")
            .query("startedAfter", "string", "from this time (yyyy-MM-dd'T'HH:mm:ss.SSSZ)")
            .query("startedBefore", "string", "before this time")
            .handle([](Call& c) {
              RunCountQuery q;
              if (auto v = camunda7::param(c, "period"); !v.empty()) q.period = v;
              if (auto v = camunda7::param(c, "groupBy"); !v.empty()) q.groupBy = v;
              q.from = timeParam(c, "startedAfter");
              q.to = timeParam(c, "startedBefore");
              array out;
              for (const auto& r : c.engine.runCounts(q))
                out.push_back(object{{"period", r.period},
                                     {"group", r.group},
                                     {"started", r.started},
                                     {"completed", r.completed},
                                     {"rejected", r.rejected},
                                     {"cancelled", r.cancelled}});
              return json(200, out);
            })
            .route);
  t.add(R("GET", p + "/analytics/durations", "Work orders",
          "报告分析: durations (count, mean, p50, p90, max) by process, node or assignee")
            .admin()
            .query("by", "string", "process (default), node or assignee")
            .query("endedAfter", "string")
            .query("endedBefore", "string")
            .handle([](Call& c) {
              auto by = camunda7::param(c, "by");
              array out;
              for (const auto& s : c.engine.durationStats(by.empty() ? "process" : by, timeParam(c, "endedAfter"),
                                                          timeParam(c, "endedBefore")))
                out.push_back(statsJson(s));
              return json(200, out);
            })
            .route);
  t.add(R("GET", p + "/analytics/evaluations", "Work orders", "报告分析: evaluations per work-order type")
            .admin()
            .handle([](Call& c) {
              array out;
              for (const auto& e : c.engine.evaluationStats()) {
                object scores;
                for (const auto& [k, n] : e.byScore) scores[std::to_string(k)] = n;
                out.push_back(object{{"typeId", e.group}, {"count", e.count}, {"mean", e.mean}, {"byScore", scores}});
              }
              return json(200, out);
            })
            .route);
  t.add(R("GET", p + "/monitor", "Work orders",
          "监控中心: abnormal instances (overdue, incident, stuck, suspended) and the normal count")
            .admin()
            .query("stuckMinutes", "integer", "waiting longer than this is stuck (default 1440)")
            .handle([](Call& c) {
              auto minutes = camunda7::queryInt(c, "stuckMinutes").value_or(1440);
              if (minutes <= 0) throw Error(ErrorCode::invalid_argument, "stuckMinutes: must be > 0");
              std::int64_t normal = 0;
              array out;
              for (const auto& a : c.engine.abnormalInstances(minutes * 60000, &normal))
                out.push_back(object{{"processInstanceId", std::to_string(a.instanceId)},
                                     {"processDefinitionKey", a.definitionKey},
                                     {"reason", a.reason},
                                     {"since", camunda7::timeOrNull(a.since)}});
              return json(200, object{{"normal", normal}, {"abnormal", out}});
            })
            .route);
}

}  // namespace ordo::server::workorder
