// The work-order center (统一工单中心): applications and services that call it, categories
// (综合工单类型, a tree), work-order types (应用工单类型) and work orders tied to their process
// instance. Values only; Engine's work-order section (engine.hpp) keeps them in its store.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ordo {

// A caller registered by an administrator: an application (requestType=app, 应用管理平台)
// or a service (requestType=service, 服务总线). Only a hash of its secret is kept.
struct WorkOrderClient {
  std::string id;          // appID / serverID
  std::string kind;        // "app" or "service"
  std::string name;        // applicationName
  std::string secretHash;  // hex SHA-256 of the secret
  std::string images;      // icon address
  std::string appFlag = "0";
  std::string applicationId;  // the platform's own id of the application (app/list's applicationId)
  bool disabled = false;
  std::int64_t createdAt = 0;
};

// 综合工单类型: a node of the category tree.
struct WorkOrderCategory {
  std::string id, parentId;  // parentId empty at the root
  std::string name, description;
  int sort = 0;
};

// 应用工单类型: what a work order is, in which scenario, system and project, run by which process.
struct WorkOrderType {
  std::string id, name;
  std::string categoryId;  // a WorkOrderCategory
  std::string scenario;    // the business scenario (报修, 投诉 ...)
  std::string systemId;    // the application system (a WorkOrderClient id or free text)
  std::string projectId;
  std::string processKey;                      // the definition key its work orders start
  std::vector<std::string> supervisors;        // users told about its alerts
  std::string slaDuration;                     // ISO-8601 duration a work order of this type should take; empty: none
  std::map<std::string, std::string> nodeSla;  // per node (element id): ISO-8601 duration a task may take
  std::string alertLead = "PT1H";              // ISO-8601: how long before a deadline it is "approaching"
  // Empty: SLAs run on the wall clock. Else they count working time, in the server's local time:
  // "Mon-Fri 09:00-18:00", optionally "... except 2026-10-01,2026-10-02"; P1D is a working day.
  std::string workingHours;
  std::string webhookUrl;                      // http(s)://host:port/path an alert is POSTed to; empty: none
  std::string webhookSecret;                   // the HMAC-SHA256 key of the X-Ordo-Signature header
};

// 工单告警: a deadline approaching or passed, raised once per work order (or task) and level.
struct WorkOrderAlert {
  std::int64_t id = 0, orderId = 0;
  std::int64_t instanceId = 0, taskId = 0;  // taskId 0: the work order's own SLA
  std::string elementId;                    // the node of a task's SLA
  std::string level;                        // "approaching" or "overdue"
  std::int64_t deadline = 0, raisedAt = 0;
  std::vector<std::string> notified;  // who got an inbox message (type "alert")
  // The webhook delivery: "" (no webhook), pending, delivered, failed (after its last attempt).
  std::string webhookStatus;
  int webhookAttempts = 0;
  std::int64_t webhookNextAt = 0;
  std::string webhookError;
};

// 报告分析: instances per period (month 2025-01, quarter 2025-Q1, year 2025) and group.
struct RunCountQuery {
  std::string period = "month";        // month, quarter, year
  std::string groupBy = "definition";  // definition (key), category, none
  std::int64_t from = 0, to = 0;       // started in [from, to); 0: open
};
struct RunCount {
  std::string period, group;
  std::int64_t started = 0, completed = 0, rejected = 0, cancelled = 0;
};
// Durations in milliseconds of ended instances (by process), completed tasks (by node: key/element,
// or by assignee).
struct DurationStats {
  std::string group;
  std::int64_t count = 0;
  double mean = 0;
  std::int64_t p50 = 0, p90 = 0, max = 0;
};
struct EvaluationStats {
  std::string group;  // the work-order type
  std::int64_t count = 0;
  double mean = 0;
  std::map<int, std::int64_t> byScore;
};
// 监控中心: an instance that needs a look, and why.
struct AbnormalInstance {
  std::int64_t instanceId = 0;
  std::string definitionKey;
  std::string reason;  // overdue, incident, stuck, suspended
  std::int64_t since = 0;
};

// A work order (工单) and the process instance that carries it.
struct WorkOrder {
  std::int64_t id = 0;
  std::string number;  // 工单编号; generated (WO<yyyymmdd>-<id>) when empty
  std::string title, typeId, source, description;
  std::string status;  // derived from the instance: handling, suspended, closed, rejected, cancelled
  std::vector<std::string> attachments;
  boost::json::object formData;
  std::string compensation;  // 是否有偿: "paid", "unpaid" or empty
  std::string roomNumber, systemId, projectId;
  std::int64_t instanceId = 0;
  std::int64_t taskId = 0;  // the task it was created at (0: none)
  std::string createdBy;
  std::int64_t createdAt = 0;
  // 评价: 1..5 and a comment, by the initiator once the work order is closed.
  int evaluationScore = 0;
  std::string evaluationComment;
  std::int64_t evaluatedAt = 0;
};

struct WorkOrderQuery {
  std::string createdBy, typeId, status;
  std::int64_t instanceId = 0;
  int offset = 0;
  int limit = 100;
};

// True when `secret` is the client's (its SHA-256, compared in constant time).
bool workOrderSecretMatches(const WorkOrderClient& client, const std::string& secret);
// The hash saveWorkOrderClient stores: hex SHA-256.
std::string workOrderSecretHash(const std::string& secret);

}  // namespace ordo
