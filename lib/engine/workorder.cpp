// The work-order center's domain (engine.hpp's work-order section): clients and their secrets,
// the category tree, work-order types and work orders kept in step with their instances.
#include <openssl/crypto.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "engine/digest.hpp"
#include "engine/impl.hpp"
#include "jobs/iso8601.hpp"
#include "jobs/working_hours.hpp"

namespace ordo {

namespace {

// The one place a work order's status is read off its instance's state.
std::string statusOf(Instance::State instanceState) {
  if (instanceState == Instance::State::running) return "handling";
  if (instanceState == Instance::State::suspended) return "suspended";
  if (instanceState == Instance::State::completed) return "closed";
  if (instanceState == Instance::State::rejected) return "rejected";
  if (instanceState == Instance::State::draft) return "draft";
  return "cancelled";  // terminated, invalidated, deleted
}

bool instanceCompleted(const Instance& i) {
  return i.state == Instance::State::completed;
}

void withStatus(store::Session& c, WorkOrder& o) {
  auto i = c.instanceById(o.instanceId);
  o.status = i ? statusOf(i->state) : "cancelled";
}

// A user may file a work order for an instance they started, work on, or administer.
bool mayFile(command::Runner& run, store::Session& c, const Instance& i, const std::string& user) {
  if (user.empty() || i.initiator == user) return true;
  auto a = run.actor(c, user);
  if (a.admin) return true;
  TaskQuery q;
  q.instanceId = i.id;
  q.candidateUser = user;
  q.candidateGroups = a.roles;
  return !c.queryTasks(q).empty();
}

}  // namespace

std::string workOrderSecretHash(const std::string& secret) {
  return sha256Hex("ordo-workorder-client\n" + secret);
}

bool workOrderSecretMatches(const WorkOrderClient& client, const std::string& secret) {
  auto h = workOrderSecretHash(secret);
  return h.size() == client.secretHash.size() && CRYPTO_memcmp(h.data(), client.secretHash.data(), h.size()) == 0;
}

void Engine::setUserDisabled(const std::string& id, bool disabled) {
  if (impl_->options.directory) throw Error(ErrorCode::wrong_state, "users live in the host's directory");
  impl_->command([&](store::Session& c) {
    if (!c.setUserDisabled(id, disabled)) throw Error(ErrorCode::not_found, "user '" + id + "' not found");
  });
}

std::optional<Department> Engine::department(const std::string& id) const {
  if (impl_->options.directory) return impl_->options.directory->department(id);
  return impl_->read([&](store::Session& c) { return c.departmentById(id); });
}

void Engine::saveWorkOrderClient(const WorkOrderClient& client, const std::string& secret) {
  if (client.kind != "app" && client.kind != "service")
    throw Error(ErrorCode::invalid_argument, "kind: '" + client.kind + "' is neither app nor service");
  if (client.id.empty()) throw Error(ErrorCode::invalid_argument, "id: a client needs an id");
  impl_->command([&](store::Session& c) {
    auto x = client;
    auto old = c.workOrderClient(client.kind, client.id);
    if (!secret.empty())
      x.secretHash = workOrderSecretHash(secret);
    else if (old)
      x.secretHash = old->secretHash;
    else
      throw Error(ErrorCode::invalid_argument, "secret: a new " + client.kind + " needs a secret");
    x.createdAt = old ? old->createdAt : impl_->clock->nowMillis();
    c.saveWorkOrderClient(x);
  });
}

std::optional<WorkOrderClient> Engine::workOrderClient(const std::string& kind, const std::string& id) const {
  return impl_->read([&](store::Session& c) { return c.workOrderClient(kind, id); });
}

std::vector<WorkOrderClient> Engine::workOrderClients(const std::string& kind) const {
  return impl_->read([&](store::Session& c) { return c.listWorkOrderClients(kind); });
}

void Engine::deleteWorkOrderClient(const std::string& kind, const std::string& id) {
  impl_->command([&](store::Session& c) {
    if (!c.deleteWorkOrderClient(kind, id)) throw Error(ErrorCode::not_found, kind + " '" + id + "' not found");
  });
}

void Engine::saveWorkOrderCategory(const WorkOrderCategory& category) {
  if (category.id.empty()) throw Error(ErrorCode::invalid_argument, "id: a category needs an id");
  if (category.name.empty()) throw Error(ErrorCode::invalid_argument, "name: a category needs a name");
  impl_->command([&](store::Session& c) {
    if (!category.parentId.empty()) {
      std::map<std::string, std::string> parentOf;
      for (const auto& x : c.listWorkOrderCategories()) parentOf[x.id] = x.parentId;
      if (!parentOf.count(category.parentId))
        throw Error(ErrorCode::invalid_argument, "parentId: no category '" + category.parentId + "'");
      // Walking up from the new parent must not meet the category: the tree stays a tree.
      std::set<std::string> seen;
      for (std::string at = category.parentId; !at.empty() && seen.insert(at).second; at = parentOf[at])
        if (at == category.id)
          throw Error(ErrorCode::invalid_argument,
                      "parentId: '" + category.parentId + "' is '" + category.id + "' itself or below it");
    }
    c.saveWorkOrderCategory(category);
  });
}

std::vector<WorkOrderCategory> Engine::workOrderCategories() const {
  return impl_->read([&](store::Session& c) { return c.listWorkOrderCategories(); });
}

void Engine::saveWorkOrderType(const WorkOrderType& type) {
  if (type.id.empty()) throw Error(ErrorCode::invalid_argument, "id: a work-order type needs an id");
  if (type.name.empty()) throw Error(ErrorCode::invalid_argument, "name: a work-order type needs a name");
  auto duration = [](const std::string& field, const std::string& text) {
    if (text.empty()) return;
    try {
      jobs::parseDuration(text);
    } catch (const std::exception& e) {
      throw Error(ErrorCode::invalid_argument,
                  field + ": '" + text + "' is not an ISO-8601 duration (" + e.what() + ")");
    }
  };
  duration("slaDuration", type.slaDuration);
  duration("alertLead", type.alertLead);
  for (const auto& [node, d] : type.nodeSla) duration("nodeSla." + node, d);
  if (!type.workingHours.empty()) {
    try {
      auto hours = jobs::parseWorkingHours(type.workingHours);
      if (!type.slaDuration.empty()) jobs::addWorkingTime(0, type.slaDuration, hours);
      for (const auto& [node, d] : type.nodeSla) jobs::addWorkingTime(0, d, hours);
    } catch (const std::exception& e) {
      throw Error(ErrorCode::invalid_argument, "workingHours: '" + type.workingHours + "': " + e.what());
    }
  }
  if (!type.webhookUrl.empty() && type.webhookUrl.rfind("http://", 0) != 0 && type.webhookUrl.rfind("https://", 0) != 0)
    throw Error(ErrorCode::invalid_argument,
                "webhookUrl: '" + type.webhookUrl + "' is not an http:// or https:// address");
  impl_->command([&](store::Session& c) {
    if (!type.categoryId.empty()) {
      auto all = c.listWorkOrderCategories();
      if (std::none_of(all.begin(), all.end(), [&](const auto& x) { return x.id == type.categoryId; }))
        throw Error(ErrorCode::not_found, "categoryId: no category '" + type.categoryId + "'");
    }
    if (!type.processKey.empty() && !c.latestDefinition(type.processKey))
      throw Error(ErrorCode::not_found, "processKey: no definition '" + type.processKey + "' is deployed");
    c.saveWorkOrderType(type);
  });
}

std::vector<WorkOrderType> Engine::workOrderTypes() const {
  return impl_->read([&](store::Session& c) { return c.listWorkOrderTypes(); });
}

std::optional<WorkOrderType> Engine::workOrderType(const std::string& id) const {
  for (auto& t : workOrderTypes())
    if (t.id == id) return t;
  return std::nullopt;
}

WorkOrder Engine::createWorkOrder(const WorkOrder& order, const Actor& actor) {
  if (order.title.empty()) throw Error(ErrorCode::invalid_argument, "title: a work order needs a title");
  if (!order.compensation.empty() && order.compensation != "paid" && order.compensation != "unpaid")
    throw Error(ErrorCode::invalid_argument, "compensation: '" + order.compensation + "' is neither paid nor unpaid");
  auto now = impl_->clock->nowMillis();
  return impl_->command([&](store::Session& c) {
    auto i = c.instanceById(order.instanceId);
    if (!i) throw Error(ErrorCode::not_found, "instance " + std::to_string(order.instanceId) + " not found");
    if (order.taskId) {
      Id of = 0;
      if (!c.taskById(order.taskId, &of) || of != i->id)
        throw Error(ErrorCode::not_found,
                    "task " + std::to_string(order.taskId) + " is not a task of instance " + std::to_string(i->id));
    }
    if (!order.typeId.empty()) {
      auto all = c.listWorkOrderTypes();
      if (std::none_of(all.begin(), all.end(), [&](const auto& t) { return t.id == order.typeId; }))
        throw Error(ErrorCode::not_found, "typeId: no work-order type '" + order.typeId + "'");
    }
    if (!mayFile(*impl_, c, *i, actor.userId()))
      throw Error(ErrorCode::forbidden,
                  "user '" + actor.userId() + "' neither started nor works on instance " + std::to_string(i->id));
    WorkOrder o = order;
    o.createdBy = actor.userId();
    o.createdAt = now;
    o.evaluationScore = 0;
    o.evaluationComment.clear();
    o.evaluatedAt = 0;
    o.id = c.insertWorkOrder(o);
    if (o.number.empty()) {
      std::time_t t = static_cast<std::time_t>(now / 1000);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char day[16];
      std::strftime(day, sizeof day, "%Y%m%d", &tm);
      o.number = "WO" + std::string(day) + "-" + std::to_string(o.id);
      c.setWorkOrderNumber(o.id, o.number);
    }
    withStatus(c, o);
    return o;
  });
}

WorkOrder Engine::workOrder(std::int64_t id) const {
  return impl_->read([&](store::Session& c) {
    auto o = c.workOrderById(id);
    if (!o) throw Error(ErrorCode::not_found, "work order " + std::to_string(id) + " not found");
    withStatus(c, *o);
    return *o;
  });
}

std::optional<WorkOrder> Engine::workOrderOfInstance(Id instanceId) const {
  return impl_->read([&](store::Session& c) {
    auto o = c.workOrderByInstance(instanceId);
    if (o) withStatus(c, *o);
    return o;
  });
}

Page<WorkOrder> Engine::workOrders(const WorkOrderQuery& query) const {
  if (query.offset < 0 || query.limit < 0) throw Error(ErrorCode::invalid_argument, "offset and limit must be >= 0");
  return impl_->read([&](store::Session& c) {
    Page<WorkOrder> p;
    // The status lives in the instance: filter by it after reading (the store has the rest).
    if (query.status.empty()) {
      p.items = c.listWorkOrders(query, &p.total);
      for (auto& o : p.items) withStatus(c, o);
      return p;
    }
    auto all = query;
    all.offset = 0;
    all.limit = 0;
    for (auto& o : c.listWorkOrders(all, nullptr)) {
      withStatus(c, o);
      if (o.status != query.status) continue;
      if (p.total >= query.offset && (query.limit == 0 || static_cast<int>(p.items.size()) < query.limit))
        p.items.push_back(o);
      ++p.total;
    }
    return p;
  });
}

void Engine::evaluateWorkOrder(std::int64_t id, const Actor& actor, int score, const std::string& comment) {
  if (score < 1 || score > 5)
    throw Error(ErrorCode::invalid_argument, "score: " + std::to_string(score) + " is not 1..5");
  auto now = impl_->clock->nowMillis();
  impl_->command([&](store::Session& c) {
    auto o = c.workOrderById(id);
    if (!o) throw Error(ErrorCode::not_found, "work order " + std::to_string(id) + " not found");
    auto i = c.instanceById(o->instanceId);
    const auto& user = actor.userId();
    if (!actor.isSystem() && user != o->createdBy && (!i || user != i->initiator))
      throw Error(ErrorCode::forbidden, "user '" + user + "' did not file work order " + std::to_string(id));
    if (!i || !instanceCompleted(*i))
      throw Error(ErrorCode::wrong_state, "work order " + std::to_string(id) + " is not closed yet");
    if (o->evaluatedAt)
      throw Error(ErrorCode::wrong_state, "work order " + std::to_string(id) + " is evaluated already");
    c.evaluateWorkOrder(id, score, comment, now);
  });
}

std::pair<std::string, std::string> Engine::startFormOf(Id definitionId) const {
  return impl_->read([&](store::Session& c) {
    if (!c.definitionById(definitionId))
      throw Error(ErrorCode::not_found, "definition " + std::to_string(definitionId) + " not found");
    auto dp = impl_->deployed(c, definitionId);
    std::string formKey;
    for (const auto* s : dp->process->scope.noneStarts())
      if (auto it = s->extensions.find("formKey"); it != s->extensions.end()) formKey = it->second;
    std::string schema = "{}";
    if (!formKey.empty())
      if (auto f = c.formSchema(definitionId, formKey)) schema = *f;
    return std::pair{formKey, schema};
  });
}

std::pair<std::string, std::string> Engine::taskForm(Id taskId) const {
  return impl_->read([&](store::Session& c) {
    Id instanceId = 0;
    auto t = c.taskById(taskId, &instanceId);
    auto i = t ? c.instanceById(instanceId) : std::nullopt;
    if (!t || !i) throw Error(ErrorCode::not_found, "task " + std::to_string(taskId) + " not found");
    std::string schema = "{}";
    if (!t->formKey.empty())
      if (auto f = c.formSchema(i->definitionId, t->formKey)) schema = *f;
    return std::pair{t->formKey, schema};
  });
}

}  // namespace ordo
