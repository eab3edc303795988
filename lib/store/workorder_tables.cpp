// The work-order center's tables (store/workorder_tables.hpp), in SQL.
#include "store/workorder_tables.hpp"

#include "store/rows.hpp"

namespace ordo::store {

namespace {

WorkOrderClient readClient(Statement& q) {
  WorkOrderClient c;
  c.kind = q.text(0);
  c.id = q.text(1);
  c.name = q.text(2);
  c.secretHash = q.text(3);
  c.images = q.text(4);
  c.appFlag = q.text(5);
  c.applicationId = q.text(6);
  c.disabled = q.int64(7) != 0;
  c.createdAt = q.int64(8);
  return c;
}
constexpr const char* kClientSelect =
    "SELECT kind, id, name, secret_hash, images, app_flag, application_id, disabled, created_at FROM wo_clients ";

WorkOrder readOrder(Statement& q) {
  WorkOrder o;
  o.id = q.int64(0);
  o.number = q.text(1);
  o.title = q.text(2);
  o.typeId = q.text(3);
  o.source = q.text(4);
  o.description = q.text(5);
  o.attachments = parseList(q.text(6));
  auto form = q.text(7);
  if (!form.empty()) {
    boost::system::error_code ec;
    auto v = boost::json::parse(form, ec);
    if (!ec && v.is_object()) o.formData = v.as_object();
  }
  o.compensation = q.text(8);
  o.roomNumber = q.text(9);
  o.systemId = q.text(10);
  o.projectId = q.text(11);
  o.instanceId = q.int64(12);
  o.taskId = q.isNull(13) ? 0 : q.int64(13);
  o.createdBy = q.text(14);
  o.createdAt = q.int64(15);
  o.evaluationScore = q.isNull(16) ? 0 : static_cast<int>(q.int64(16));
  o.evaluationComment = q.text(17);
  o.evaluatedAt = q.isNull(18) ? 0 : q.int64(18);
  return o;
}
constexpr const char* kOrderCols =
    "id, number, title, type_id, source, description, attachments, form_data, compensation, room_number, system_id, "
    "project_id, instance_id, task_id, created_by, created_at, evaluation_score, evaluation_comment, evaluated_at";

std::string nodeSlaJson(const std::map<std::string, std::string>& m) {
  boost::json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return boost::json::serialize(o);
}

std::map<std::string, std::string> nodeSlaOf(const std::string& text) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (!ec && v.is_object())
    for (const auto& kv : v.as_object())
      if (kv.value().is_string()) out[std::string(kv.key())] = std::string(kv.value().as_string());
  return out;
}

}  // namespace

bool setUserDisabled(Connection& c, const std::string& user, bool disabled) {
  c.prepare("UPDATE users SET disabled = ? WHERE id = ?").bind(1, disabled ? 1 : 0).bind(2, user).run();
  return c.changes() > 0;
}

void saveWorkOrderClient(Connection& c, const WorkOrderClient& x) {
  c.prepare(
       "INSERT OR REPLACE INTO wo_clients(kind, id, name, secret_hash, images, app_flag, application_id, disabled, "
       "created_at) VALUES (?,?,?,?,?,?,?,?,?)")
      .bind(1, x.kind)
      .bind(2, x.id)
      .bindOptional(3, x.name)
      .bind(4, x.secretHash)
      .bindOptional(5, x.images)
      .bindOptional(6, x.appFlag)
      .bindOptional(7, x.applicationId)
      .bind(8, x.disabled ? 1 : 0)
      .bind(9, x.createdAt)
      .run();
}

std::optional<WorkOrderClient> workOrderClient(Connection& c, const std::string& kind, const std::string& id) {
  auto& q = c.prepare(std::string(kClientSelect) + "WHERE kind = ? AND id = ?");
  q.bind(1, kind).bind(2, id);
  auto all = rows(q, readClient);
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::vector<WorkOrderClient> listWorkOrderClients(Connection& c, const std::string& kind) {
  auto& q = c.prepare(std::string(kClientSelect) + "WHERE ? = '' OR kind = ? ORDER BY kind, created_at, id");
  q.bind(1, kind).bind(2, kind);
  return rows(q, readClient);
}

bool deleteWorkOrderClient(Connection& c, const std::string& kind, const std::string& id) {
  c.prepare("DELETE FROM wo_clients WHERE kind = ? AND id = ?").bind(1, kind).bind(2, id).run();
  return c.changes() > 0;
}

void saveWorkOrderCategory(Connection& c, const WorkOrderCategory& x) {
  c.prepare("INSERT OR REPLACE INTO wo_categories(id, parent_id, name, description, sort) VALUES (?,?,?,?,?)")
      .bind(1, x.id)
      .bindOptional(2, x.parentId)
      .bind(3, x.name)
      .bindOptional(4, x.description)
      .bind(5, x.sort)
      .run();
}

std::vector<WorkOrderCategory> listWorkOrderCategories(Connection& c) {
  auto& q = c.prepare("SELECT id, parent_id, name, description, sort FROM wo_categories ORDER BY sort, id");
  return rows(q, [](Statement& r) {
    return WorkOrderCategory{r.text(0), r.text(1), r.text(2), r.text(3), static_cast<int>(r.int64(4))};
  });
}

void saveWorkOrderType(Connection& c, const WorkOrderType& x) {
  c.prepare(
       "INSERT OR REPLACE INTO wo_types(id, name, category_id, scenario, system_id, project_id, process_key, "
       "supervisors, sla_duration, node_sla, alert_lead, webhook_url, webhook_secret, working_hours) VALUES "
       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, x.id)
      .bind(2, x.name)
      .bindOptional(3, x.categoryId)
      .bindOptional(4, x.scenario)
      .bindOptional(5, x.systemId)
      .bindOptional(6, x.projectId)
      .bindOptional(7, x.processKey)
      .bind(8, listJson(x.supervisors))
      .bindOptional(9, x.slaDuration)
      .bind(10, nodeSlaJson(x.nodeSla))
      .bindOptional(11, x.alertLead)
      .bindOptional(12, x.webhookUrl)
      .bindOptional(13, x.webhookSecret)
      .bindOptional(14, x.workingHours)
      .run();
}

std::vector<WorkOrderType> listWorkOrderTypes(Connection& c) {
  auto& q = c.prepare(
      "SELECT id, name, category_id, scenario, system_id, project_id, process_key, supervisors, sla_duration, "
      "node_sla, alert_lead, webhook_url, webhook_secret, working_hours FROM wo_types ORDER BY id");
  return rows(q, [](Statement& r) {
    WorkOrderType t;
    t.id = r.text(0);
    t.name = r.text(1);
    t.categoryId = r.text(2);
    t.scenario = r.text(3);
    t.systemId = r.text(4);
    t.projectId = r.text(5);
    t.processKey = r.text(6);
    t.supervisors = parseList(r.text(7));
    t.slaDuration = r.text(8);
    t.nodeSla = nodeSlaOf(r.text(9));
    t.alertLead = r.text(10);
    t.webhookUrl = r.text(11);
    t.webhookSecret = r.text(12);
    t.workingHours = r.text(13);
    return t;
  });
}

std::int64_t insertWorkOrder(Connection& c, const WorkOrder& o) {
  c.prepare(std::string("INSERT INTO wo_orders(") + kOrderCols + ") VALUES (" +
            (c.postgres() ? "DEFAULT" : "NULL") + ",?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL,NULL,NULL)")
      .bind(1, o.number)
      .bind(2, o.title)
      .bindOptional(3, o.typeId)
      .bindOptional(4, o.source)
      .bindOptional(5, o.description)
      .bind(6, listJson(o.attachments))
      .bind(7, json(o.formData))
      .bindOptional(8, o.compensation)
      .bindOptional(9, o.roomNumber)
      .bindOptional(10, o.systemId)
      .bindOptional(11, o.projectId)
      .bind(12, o.instanceId)
      .bind(13, o.taskId)
      .bindOptional(14, o.createdBy)
      .bind(15, o.createdAt)
      .run();
  return c.lastInsertId();
}

void setWorkOrderNumber(Connection& c, std::int64_t id, const std::string& number) {
  c.prepare("UPDATE wo_orders SET number = ? WHERE id = ?").bind(1, number).bind(2, id).run();
}

std::optional<WorkOrder> workOrderById(Connection& c, std::int64_t id) {
  auto& q = c.prepare(std::string("SELECT ") + kOrderCols + " FROM wo_orders WHERE id = ?");
  q.bind(1, id);
  auto all = rows(q, readOrder);
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::optional<WorkOrder> workOrderByInstance(Connection& c, Id instance) {
  auto& q =
      c.prepare(std::string("SELECT ") + kOrderCols + " FROM wo_orders WHERE instance_id = ? ORDER BY id LIMIT 1");
  q.bind(1, instance);
  auto all = rows(q, readOrder);
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::vector<WorkOrder> listWorkOrders(Connection& c, const WorkOrderQuery& f, std::int64_t* total) {
  const char* where =
      " FROM wo_orders WHERE (? = '' OR created_by = ?) AND (? = '' OR type_id = ?) AND (? = 0 OR instance_id = ?)";
  auto bindAll = [&](Statement& q) {
    q.bind(1, f.createdBy).bind(2, f.createdBy).bind(3, f.typeId).bind(4, f.typeId);
    q.bind(5, f.instanceId).bind(6, f.instanceId);
  };
  if (total) {
    auto& n = c.prepare(std::string("SELECT count(*)") + where);
    bindAll(n);
    *total = n.step() ? n.int64(0) : 0;
    n.reset();
  }
  auto& q = c.prepare(std::string("SELECT ") + kOrderCols + where + " ORDER BY id DESC LIMIT ? OFFSET ?");
  bindAll(q);
  q.bind(7, f.limit > 0 ? f.limit : -1).bind(8, f.offset);
  return rows(q, readOrder);
}

void evaluateWorkOrder(Connection& c, std::int64_t id, int score, const std::string& comment, std::int64_t at) {
  c.prepare("UPDATE wo_orders SET evaluation_score = ?, evaluation_comment = ?, evaluated_at = ? WHERE id = ?")
      .bind(1, score)
      .bindOptional(2, comment)
      .bind(3, at)
      .bind(4, id)
      .run();
}

namespace {

WorkOrderAlert readAlert(Statement& q) {
  WorkOrderAlert a;
  a.id = q.int64(0);
  a.orderId = q.int64(1);
  a.instanceId = q.int64(2);
  a.taskId = q.int64(3);
  a.elementId = q.text(4);
  a.level = q.text(5);
  a.deadline = q.int64(6);
  a.raisedAt = q.int64(7);
  a.notified = parseList(q.text(8));
  a.webhookStatus = q.text(9);
  a.webhookAttempts = static_cast<int>(q.int64(10));
  a.webhookNextAt = q.isNull(11) ? 0 : q.int64(11);
  a.webhookError = q.text(12);
  return a;
}
constexpr const char* kAlertSelect =
    "SELECT id, order_id, instance_id, task_id, element_id, level, deadline, raised_at, notified, webhook_status, "
    "webhook_attempts, webhook_next_at, webhook_error FROM wo_alerts ";

}  // namespace

std::vector<AlertCandidate> alertCandidates(Connection& c) {
  auto& q = c.prepare(
      "SELECT o.id, o.instance_id, o.type_id, i.started_at FROM wo_orders o JOIN instances i ON i.id = o.instance_id "
      "JOIN wo_types t ON t.id = o.type_id WHERE i.state = 'running' AND (t.sla_duration IS NOT NULL OR "
      "t.node_sla != '{}') ORDER BY o.id");
  return rows(q, [](Statement& r) { return AlertCandidate{r.int64(0), r.int64(1), r.text(2), r.int64(3)}; });
}

std::int64_t insertAlert(Connection& c, const WorkOrderAlert& a) {
  c.prepare(
       "INSERT OR IGNORE INTO wo_alerts(order_id, instance_id, task_id, element_id, level, deadline, raised_at, "
       "notified, webhook_status, webhook_attempts, webhook_next_at) VALUES (?,?,?,?,?,?,?,?,?,0,?)")
      .bind(1, a.orderId)
      .bind(2, a.instanceId)
      .bind(3, a.taskId)
      .bindOptional(4, a.elementId)
      .bind(5, a.level)
      .bind(6, a.deadline)
      .bind(7, a.raisedAt)
      .bind(8, listJson(a.notified))
      .bindOptional(9, a.webhookStatus)
      .bind(10, a.webhookNextAt)
      .run();
  return c.changes() > 0 ? c.lastInsertId() : 0;
}

std::vector<WorkOrderAlert> listAlerts(Connection& c, std::int64_t orderId) {
  auto& q = c.prepare(std::string(kAlertSelect) + "WHERE ? = 0 OR order_id = ? ORDER BY id DESC");
  q.bind(1, orderId).bind(2, orderId);
  return rows(q, readAlert);
}

std::vector<WorkOrderAlert> dueWebhooks(Connection& c, std::int64_t now, int limit) {
  auto& q = c.prepare(std::string(kAlertSelect) +
                      "WHERE webhook_status = 'pending' AND webhook_next_at <= ? ORDER BY webhook_next_at LIMIT ?");
  q.bind(1, now).bind(2, limit);
  return rows(q, readAlert);
}

std::optional<WorkOrderAlert> alertById(Connection& c, std::int64_t id) {
  auto& q = c.prepare(std::string(kAlertSelect) + "WHERE id = ?");
  q.bind(1, id);
  auto all = rows(q, readAlert);
  if (all.empty()) return std::nullopt;
  return all.front();
}

void updateWebhook(Connection& c, std::int64_t id, const std::string& status, int attempts, std::int64_t nextAt,
                   const std::string& error) {
  c.prepare(
       "UPDATE wo_alerts SET webhook_status = ?, webhook_attempts = ?, webhook_next_at = ?, webhook_error = ? "
       "WHERE id = ?")
      .bind(1, status)
      .bind(2, attempts)
      .bind(3, nextAt)
      .bindOptional(4, error)
      .bind(5, id)
      .run();
}

}  // namespace ordo::store
