// Tables of the work-order center (schema 14): its clients, category tree, types and work
// orders; and whether a user is disabled. In SQL, on the connection given.
#pragma once

#include <optional>
#include <ordo/engine.hpp>
#include <string>
#include <vector>

#include "store/sqlite.hpp"

namespace ordo::store {

bool setUserDisabled(Connection& c, const std::string& user, bool disabled);  // false: no such user
void saveWorkOrderClient(Connection& c, const WorkOrderClient& client);
std::optional<WorkOrderClient> workOrderClient(Connection& c, const std::string& kind, const std::string& id);
std::vector<WorkOrderClient> listWorkOrderClients(Connection& c, const std::string& kind);
bool deleteWorkOrderClient(Connection& c, const std::string& kind, const std::string& id);
void saveWorkOrderCategory(Connection& c, const WorkOrderCategory& category);
std::vector<WorkOrderCategory> listWorkOrderCategories(Connection& c);
void saveWorkOrderType(Connection& c, const WorkOrderType& type);
std::vector<WorkOrderType> listWorkOrderTypes(Connection& c);
std::int64_t insertWorkOrder(Connection& c, const WorkOrder& order);  // returns its id
void setWorkOrderNumber(Connection& c, std::int64_t id, const std::string& number);
std::optional<WorkOrder> workOrderById(Connection& c, std::int64_t id);
std::optional<WorkOrder> workOrderByInstance(Connection& c, Id instance);
std::vector<WorkOrder> listWorkOrders(Connection& c, const WorkOrderQuery& q, std::int64_t* total);
void evaluateWorkOrder(Connection& c, std::int64_t id, int score, const std::string& comment, std::int64_t at);

// Alerts: the running work orders whose type has an SLA, the alert rows, their webhooks.
struct AlertCandidate {
  std::int64_t orderId = 0;
  Id instanceId = 0;
  std::string typeId;
  std::int64_t startedAt = 0;
};
std::vector<AlertCandidate> alertCandidates(Connection& c);
std::int64_t insertAlert(Connection& c, const WorkOrderAlert& a);  // 0: raised before
std::vector<WorkOrderAlert> listAlerts(Connection& c, std::int64_t orderId);
std::vector<WorkOrderAlert> dueWebhooks(Connection& c, std::int64_t now, int limit);
std::optional<WorkOrderAlert> alertById(Connection& c, std::int64_t id);
void updateWebhook(Connection& c, std::int64_t id, const std::string& status, int attempts, std::int64_t nextAt,
                   const std::string& error);

// Analysis and monitoring (workorder_analytics.cpp).
std::vector<RunCount> runCountsBetween(Connection& c, std::int64_t from, std::int64_t to, const std::string& groupBy);
std::pair<std::int64_t, std::int64_t> startedRange(Connection& c);  // {0, 0} when none
std::vector<DurationStats> durationStats(Connection& c, const std::string& by, std::int64_t from, std::int64_t to);
std::vector<EvaluationStats> evaluationStats(Connection& c);
std::vector<AbnormalInstance> abnormalInstances(Connection& c, std::int64_t now, std::int64_t stuckMillis);
std::int64_t countRunning(Connection& c);

}  // namespace ordo::store
