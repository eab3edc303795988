// 工单告警: SLA deadlines of work-order types (the whole order, and per node), raised once per
// level when the engine's clock reaches them: inbox messages, an "alert" operation in the
// history, a webhook delivery kept for the server to make (retried with backoff).
#include <algorithm>
#include <set>

#include "engine/impl.hpp"
#include "jobs/iso8601.hpp"
#include "jobs/working_hours.hpp"

namespace ordo {

namespace {

bool taskIsOpen(const Task& t) {
  return t.state == Task::State::open;
}

std::int64_t leadMillis(const WorkOrderType& t) {
  if (t.alertLead.empty()) return 0;
  auto d = jobs::parseDuration(t.alertLead);
  return jobs::addDuration(0, d);
}

// Who hears of an alert on `tasks`: their assignees (or candidates), and the type's supervisors.
std::vector<std::string> audience(const std::vector<Task>& tasks, const WorkOrderType& type) {
  std::vector<std::string> out;
  auto add = [&](const std::string& u) {
    if (!u.empty() && std::find(out.begin(), out.end(), u) == out.end()) out.push_back(u);
  };
  for (const auto& t : tasks) {
    if (!t.assignee.empty())
      add(t.assignee);
    else
      for (const auto& u : t.candidateUsers) add(u);
  }
  for (const auto& s : type.supervisors) add(s);
  return out;
}

// The alerts due at `now` for one work order, not yet raised.
std::vector<WorkOrderAlert> dueFor(store::Session& c, std::int64_t orderId, Id instanceId, std::int64_t startedAt,
                                   const WorkOrderType& type, std::int64_t now) {
  std::set<std::pair<Id, std::string>> raised;
  for (const auto& a : c.listAlerts(orderId)) raised.insert({a.taskId, a.level});
  TaskQuery q;
  q.instanceId = instanceId;
  std::vector<Task> open;
  for (auto& t : c.queryTasks(q))
    if (taskIsOpen(t)) open.push_back(t);
  auto lead = leadMillis(type);
  std::vector<WorkOrderAlert> out;
  auto consider = [&](Id taskId, const std::string& element, std::int64_t deadline, const std::vector<Task>& on) {
    for (const char* level : {"approaching", "overdue"}) {
      bool due = std::string(level) == "overdue" ? now >= deadline : now >= deadline - lead;
      if (!due || raised.count({taskId, level})) continue;
      WorkOrderAlert a;
      a.orderId = orderId;
      a.instanceId = instanceId;
      a.taskId = taskId;
      a.elementId = element;
      a.level = level;
      a.deadline = deadline;
      a.raisedAt = now;
      a.notified = audience(on, type);
      a.webhookStatus = type.webhookUrl.empty() ? "" : "pending";
      a.webhookNextAt = now;
      out.push_back(a);
    }
  };
  std::optional<jobs::WorkingHours> hours;
  if (!type.workingHours.empty()) hours = jobs::parseWorkingHours(type.workingHours);  // checked when saved
  auto deadline = [&](std::int64_t from, const std::string& sla) {
    return hours ? jobs::addWorkingTime(from, sla, *hours) : jobs::addDuration(from, jobs::parseDuration(sla));
  };
  if (!type.slaDuration.empty()) consider(0, {}, deadline(startedAt, type.slaDuration), open);
  for (const auto& t : open)
    if (auto it = type.nodeSla.find(t.elementId); it != type.nodeSla.end())
      consider(t.id, t.elementId, deadline(t.createdAt, it->second), {t});
  return out;
}

std::string describe(const WorkOrderAlert& a) {
  std::string what = a.taskId ? "task " + std::to_string(a.taskId) + " (" + a.elementId + ")"
                              : "work order " + std::to_string(a.orderId);
  return a.level == "overdue" ? what + " passed its deadline" : what + " approaches its deadline";
}

}  // namespace

int Engine::raiseWorkOrderAlerts() {
  auto now = impl_->clock->nowMillis();
  // A read first: most rounds raise nothing and need not take the writer.
  auto due = impl_->read([&](store::Session& c) {
    std::map<std::string, WorkOrderType> types;
    for (auto& t : c.listWorkOrderTypes()) types[t.id] = t;
    std::vector<WorkOrderAlert> all;
    for (const auto& [order, instance, type, started] : c.alertCandidates()) {
      auto it = types.find(type);
      if (it == types.end()) continue;
      for (auto& a : dueFor(c, order, instance, started, it->second, now)) all.push_back(a);
    }
    return all;
  });
  if (due.empty()) return 0;
  return impl_->command([&](store::Session& c) {
    int raised = 0;
    for (const auto& a : due) {
      if (!c.insertAlert(a)) continue;  // another engine raised it meanwhile
      impl_->onInstance(
          c, a.instanceId, {},
          [&](runtime::Execution& ex) {
            const runtime::Token* token = nullptr;
            for (const auto& row : ex.state().tasks)
              if (row.task.id == a.taskId) token = ex.state().token(row.tokenId);
            ex.recordOperation("alert", token, a.taskId, describe(a), a.notified);
            for (const auto& u : a.notified) ex.notify(u, "alert", a.taskId, describe(a));
          },
          true);
      ++raised;
    }
    return raised;
  });
}

std::vector<WorkOrderAlert> Engine::workOrderAlerts(std::int64_t orderId) const {
  return impl_->read([&](store::Session& c) { return c.listAlerts(orderId); });
}

std::vector<WorkOrderAlert> Engine::dueWebhookDeliveries(int limit) const {
  if (limit <= 0) throw Error(ErrorCode::invalid_argument, "limit must be > 0");
  auto now = impl_->clock->nowMillis();
  return impl_->read([&](store::Session& c) { return c.dueWebhooks(now, limit); });
}

void Engine::recordWebhookDelivery(std::int64_t alertId, bool delivered, const std::string& error) {
  auto now = impl_->clock->nowMillis();
  impl_->command([&](store::Session& c) {
    auto a = c.alertById(alertId);
    if (!a) throw Error(ErrorCode::not_found, "alert " + std::to_string(alertId) + " not found");
    if (a->webhookStatus != "pending")
      throw Error(ErrorCode::wrong_state, "alert " + std::to_string(alertId) + " has no pending webhook");
    int attempts = a->webhookAttempts + 1;
    if (delivered)
      c.updateWebhook(alertId, "delivered", attempts, now, {});
    else if (attempts >= 5)
      c.updateWebhook(alertId, "failed", attempts, now, error);
    else
      c.updateWebhook(alertId, "pending", attempts, now + (1000LL << (attempts - 1)), error);
  });
}

}  // namespace ordo
