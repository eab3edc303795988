// The native API of the work-order center (/engine-rest/ordo/workorder/...), in Camunda's
// error body: an administrator registers applications, services, categories and types,
// disables accounts; users read their work orders and evaluate them.
#include "server/camunda7/common.hpp"
#include "server/state.hpp"
#include "server/workorder/common.hpp"

namespace ordo::server::workorder {

namespace {

using camunda7::R;

value clientJson(const WorkOrderClient& x) {
  return object{{"kind", x.kind},         {"id", x.id},
                {"name", x.name},         {"images", x.images},
                {"appFlag", x.appFlag},   {"applicationId", x.applicationId},
                {"disabled", x.disabled}, {"createdAt", camunda7::isoTime(x.createdAt)}};
}

value categoryJson(const WorkOrderCategory& x) {
  return object{{"id", x.id},
                {"parentId", camunda7::strOrNull(x.parentId)},
                {"name", x.name},
                {"description", x.description},
                {"sort", x.sort}};
}

value typeJson(const WorkOrderType& x) {
  array sup;
  for (const auto& s : x.supervisors) sup.push_back(value(s));
  object nodeSla;
  for (const auto& [k, v] : x.nodeSla) nodeSla[k] = v;
  return object{{"id", x.id},
                {"name", x.name},
                {"categoryId", x.categoryId},
                {"scenario", x.scenario},
                {"systemId", x.systemId},
                {"projectId", x.projectId},
                {"processKey", x.processKey},
                {"supervisors", sup},
                {"slaDuration", x.slaDuration},
                {"nodeSla", nodeSla},
                {"alertLead", x.alertLead},
                {"workingHours", x.workingHours},
                {"webhookUrl", x.webhookUrl}};
}

value orderJson(const WorkOrder& o) {
  array att;
  for (const auto& a : o.attachments) att.push_back(value(a));
  return object{{"id", std::to_string(o.id)},
                {"number", o.number},
                {"title", o.title},
                {"typeId", o.typeId},
                {"source", o.source},
                {"status", o.status},
                {"description", o.description},
                {"attachments", att},
                {"formData", o.formData},
                {"compensation", o.compensation},
                {"roomNumber", o.roomNumber},
                {"systemId", o.systemId},
                {"projectId", o.projectId},
                {"processInstanceId", std::to_string(o.instanceId)},
                {"taskId", camunda7::idOrNull(o.taskId)},
                {"createdBy", o.createdBy},
                {"createdAt", camunda7::isoTime(o.createdAt)},
                {"evaluation", o.evaluatedAt ? value(object{{"score", o.evaluationScore},
                                                            {"comment", o.evaluationComment},
                                                            {"at", camunda7::isoTime(o.evaluatedAt)}})
                                             : value(nullptr)}};
}

// A work order the caller filed or started the instance of (an administrator sees all).
WorkOrder visibleOrder(Call& c, const std::string& id) {
  Id n = camunda7::parseId(id, "Work order");
  try {
    auto o = c.engine.workOrder(n);
    if (c.who.admin || o.createdBy == c.who.user) return o;
    auto i = c.engine.instance(o.instanceId);
    if (i.initiator == c.who.user) return o;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
  }
  throw Error(ErrorCode::not_found, "Work order with id '" + id + "' does not exist");
}

// A form as the work-order center serves it: its key and the form-js schema ({} when none).
Response formReply(const std::pair<std::string, std::string>& form) {
  boost::system::error_code ec;
  auto content = boost::json::parse(form.second, ec);
  if (ec || !content.is_object()) content = object{};
  return json(200, object{{"formKey", camunda7::strOrNull(form.first)}, {"formContent", content}});
}

}  // namespace

void addNativeRoutes(RouteTable& t) {
  using namespace schema;
  const std::string p = "/ordo/workorder";
  t.add(R("POST", p + "/clients", "Work orders", "Register an application (app) or service of the work-order center")
            .admin()
            .body(obj({{"kind", str("app or service")},
                       {"id", str("appID / serverID")},
                       {"name", str()},
                       {"secret", str("secretKey; omitted: keep the stored one")},
                       {"images", str()},
                       {"appFlag", str()},
                       {"applicationId", str()},
                       {"disabled", boolean()}},
                      {"kind", "id"}))
            .noContent()
            .handle([](Call& c) {
              const auto& b = camunda7::body(c);
              WorkOrderClient x;
              x.kind = camunda7::text(b, "kind");
              x.id = camunda7::text(b, "id");
              x.name = camunda7::text(b, "name");
              x.images = camunda7::text(b, "images");
              x.appFlag = camunda7::text(b, "appFlag");
              if (x.appFlag.empty()) x.appFlag = "0";
              x.applicationId = camunda7::text(b, "applicationId");
              x.disabled = camunda7::flag(b, "disabled");
              c.engine.saveWorkOrderClient(x, camunda7::text(b, "secret"));
              return server::noContent();
            })
            .route);
  t.add(R("GET", p + "/clients", "Work orders", "The registered applications and services (no secrets)")
            .admin()
            .query("kind", "string", "app or service; omitted: both")
            .handle([](Call& c) {
              array out;
              for (const auto& x : c.engine.workOrderClients(camunda7::param(c, "kind"))) out.push_back(clientJson(x));
              return json(200, out);
            })
            .route);
  t.add(R("DELETE", p + "/clients/{id}", "Work orders", "Remove an application or service")
            .admin()
            .query("kind", "string", "app or service; omitted: whichever has the id")
            .noContent()
            .handle([](Call& c) {
              auto id = c.request.params.at("id");
              auto kind = camunda7::param(c, "kind");
              bool any = false;
              for (const char* k : {"app", "service"})
                if ((kind.empty() || kind == k) && c.engine.workOrderClient(k, id)) {
                  c.engine.deleteWorkOrderClient(k, id);
                  any = true;
                }
              if (!any) throw Error(ErrorCode::not_found, "no application or service '" + id + "'");
              return server::noContent();
            })
            .route);
  t.add(
      R("POST", p + "/categories", "Work orders", "Save a category (综合工单类型) of the tree")
          .admin()
          .body(obj({{"id", str()}, {"name", str()}, {"parentId", str()}, {"description", str()}, {"sort", integer()}},
                    {"id", "name"}))
          .noContent()
          .handle([](Call& c) {
            const auto& b = camunda7::body(c);
            c.engine.saveWorkOrderCategory({camunda7::text(b, "id"), camunda7::text(b, "parentId"),
                                            camunda7::text(b, "name"), camunda7::text(b, "description"),
                                            static_cast<int>(camunda7::integerField(b, "sort").value_or(0))});
            return server::noContent();
          })
          .route);
  t.add(R("GET", p + "/categories", "Work orders", "The category tree, flat (parentId links it)")
            .handle([](Call& c) {
              array out;
              for (const auto& x : c.engine.workOrderCategories()) out.push_back(categoryJson(x));
              return json(200, out);
            })
            .route);
  t.add(R("POST", p + "/types", "Work orders", "Save a work-order type (应用工单类型)")
            .admin()
            .body(obj({{"id", str()},
                       {"name", str()},
                       {"categoryId", str()},
                       {"scenario", str("business scenario")},
                       {"systemId", str("application system")},
                       {"projectId", str()},
                       {"processKey", str("the definition its work orders run")},
                       {"supervisors", arrayOf(str())},
                       {"slaDuration", str("ISO-8601 duration of the whole work order")},
                       {"nodeSla", mapOf(str("ISO-8601 duration a task of that node may take"))},
                       {"alertLead", str("ISO-8601: how long before a deadline it is approaching (default PT1H)")},
                       {"workingHours", str("SLAs in working time: 'Mon-Fri 09:00-18:00 except 2026-10-01'")},
                       {"webhookUrl", str("http:// or https:// address alerts are POSTed to")},
                       {"webhookSecret", str("HMAC-SHA256 key of X-Ordo-Signature")}},
                      {"id", "name"}))
            .noContent()
            .handle([](Call& c) {
              const auto& b = camunda7::body(c);
              WorkOrderType x;
              x.id = camunda7::text(b, "id");
              x.name = camunda7::text(b, "name");
              x.categoryId = camunda7::text(b, "categoryId");
              x.scenario = camunda7::text(b, "scenario");
              x.systemId = camunda7::text(b, "systemId");
              x.projectId = camunda7::text(b, "projectId");
              x.processKey = camunda7::text(b, "processKey");
              x.supervisors = camunda7::strings(b, "supervisors");
              x.slaDuration = camunda7::text(b, "slaDuration");
              if (auto* m = b.if_contains("nodeSla"))
                for (const auto& kv : m->as_object())
                  x.nodeSla[std::string(kv.key())] = std::string(kv.value().as_string());
              if (b.contains("alertLead")) x.alertLead = camunda7::text(b, "alertLead");
              x.workingHours = camunda7::text(b, "workingHours");
              x.webhookUrl = camunda7::text(b, "webhookUrl");
              x.webhookSecret = camunda7::text(b, "webhookSecret");
              c.engine.saveWorkOrderType(x);
              return server::noContent();
            })
            .route);
  t.add(R("GET", p + "/types", "Work orders", "The work-order types")
            .handle([](Call& c) {
              array out;
              for (const auto& x : c.engine.workOrderTypes()) out.push_back(typeJson(x));
              return json(200, out);
            })
            .route);
  t.add(R("GET", p + "/orders", "Work orders", "Work orders: the caller's (an administrator's: all)")
            .query("status", "string", "handling, suspended, closed, rejected, cancelled")
            .query("typeId", "string")
            .paged()
            .handle([](Call& c) {
              WorkOrderQuery q;
              if (!c.who.admin) q.createdBy = c.who.user;
              q.status = camunda7::param(c, "status");
              q.typeId = camunda7::param(c, "typeId");
              q.offset = static_cast<int>(std::max<std::int64_t>(0, camunda7::queryInt(c, "firstResult").value_or(0)));
              q.limit = static_cast<int>(
                  std::clamp<std::int64_t>(camunda7::queryInt(c, "maxResults").value_or(100), 0, 1000));
              auto page = c.engine.workOrders(q);
              array out;
              for (const auto& o : page.items) out.push_back(orderJson(o));
              auto r = json(200, out);
              r.headers.emplace_back("X-Total-Count", std::to_string(page.total));
              return r;
            })
            .route);
  t.add(R("GET", p + "/orders/{id}", "Work orders", "One work order")
            .handle([](Call& c) { return json(200, orderJson(visibleOrder(c, c.request.params.at("id")))); })
            .route);
  t.add(R("POST", p + "/orders/{id}/evaluation", "Work orders", "评价: the initiator rates a closed work order 1..5")
            .body(obj({{"score", integer("1..5")}, {"comment", str()}}, {"score"}))
            .noContent()
            .handle([](Call& c) {
              auto o = visibleOrder(c, c.request.params.at("id"));
              const auto& b = camunda7::body(c);
              auto score = camunda7::integerField(b, "score").value_or(0);
              if (score < 1 || score > 5)
                throw Error(ErrorCode::invalid_argument, "score: " + std::to_string(score) + " is not 1..5");
              c.engine.evaluateWorkOrder(o.id, Actor::user(c.who.user), static_cast<int>(score),
                                         camunda7::text(b, "comment"));
              return server::noContent();
            })
            .route);
  t.add(R("POST", p + "/definitions", "Work orders", "设计: deploy a process with its form-js schemas (a deployment)")
            .admin()
            .body(obj({{"name", str("deployment name")},
                       {"xml", str("BPMN 2.0 XML")},
                       {"forms", mapOf(str("a form-js JSON schema, by flowable:formKey"))}},
                      {"xml"}))
            .handle([](Call& c) {
              const auto& b = camunda7::body(c);
              DeploymentRequest r;
              r.name = camunda7::text(b, "name");
              r.source = "workorder design";
              r.tenant = c.who.tenant;
              r.resources.push_back({r.name.empty() ? "process.bpmn" : r.name + ".bpmn", camunda7::text(b, "xml")});
              if (auto* f = b.if_contains("forms"))
                for (const auto& kv : f->as_object())
                  r.forms[std::string(kv.key())] = std::string(kv.value().as_string());
              auto d = c.engine.deployResources(r);
              c.state.forgetDefinitions();
              array defs;
              for (const auto& x : d.definitions)
                defs.push_back(object{{"id", std::to_string(x.id)},
                                      {"definitionId", definitionIdOf(x)},
                                      {"key", x.key},
                                      {"version", x.version}});
              return json(200, object{{"deploymentId", std::to_string(d.id)}, {"definitions", defs}});
            })
            .route);
  t.add(R("PUT", p + "/definitions/{id}/publication", "Work orders",
          "发布 / 下线: publish a definition or take it offline")
            .admin()
            .body(obj({{"publication", str("published or offline")}}, {"publication"}))
            .noContent()
            .handle([](Call& c) {
              auto d = camunda7::visibleDefinition(c, c.request.params.at("id"));
              auto text = camunda7::text(camunda7::body(c), "publication");
              Definition::Publication pub;
              try {
                pub = publicationFrom(text);
              } catch (const std::exception&) {
                throw Error(ErrorCode::invalid_argument,
                            "publication: '" + text + "' is neither published nor offline");
              }
              c.engine.setDefinitionPublication(d.id, pub, Actor::user(c.who.user));
              c.state.forgetDefinitions();
              return server::noContent();
            })
            .route);
  t.add(R("GET", p + "/tasks/{id}/form", "Work orders", "A task's form (its formKey and form-js schema, of its version)")
            .handle([](Call& c) {
              auto task = camunda7::visibleTask(c, c.request.params.at("id"));
              return formReply(c.engine.taskForm(task.id));
            })
            .route);
  t.add(R("GET", p + "/definitions/{id}/start-form", "Work orders",
          "A definition's start form (its formKey and form-js schema, of exactly that version)")
            .handle([](Call& c) {
              auto d = camunda7::visibleDefinition(c, c.request.params.at("id"));
              return formReply(c.engine.startFormOf(d.id));
            })
            .route);
  t.add(R("PUT", p + "/users/{id}/disabled", "Work orders", "Disable (or enable) an account: its tokens answer 4002")
            .admin()
            .body(obj({{"disabled", boolean()}}, {"disabled"}))
            .noContent()
            .handle([](Call& c) {
              c.engine.setUserDisabled(c.request.params.at("id"), camunda7::flag(camunda7::body(c), "disabled"));
              c.state.auth.forget();
              return server::noContent();
            })
            .route);
}

}  // namespace ordo::server::workorder
