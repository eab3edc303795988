// Ordo's own operations in the Camunda style: instance operations (withdraw, terminate,
// invalidate, jump), drafts, entrustments, a user's lists, instance detail and canvas, the inbox.
#include "server/camunda7/common.hpp"
#include "server/state.hpp"

namespace ordo::server::camunda7 {

namespace {

value taskBrief(const Task& t) {
  return object{{"id", idString(t.id)},
                {"name", strOrNull(t.name)},
                {"taskDefinitionKey", t.elementId},
                {"assignee", strOrNull(t.assignee)},
                {"candidateUsers", array(t.candidateUsers.begin(), t.candidateUsers.end())},
                {"candidateGroups", array(t.candidateGroups.begin(), t.candidateGroups.end())},
                {"created", isoTime(t.createdAt)},
                {"state", toString(t.state)}};
}

Response instanceOp(Call& c, const std::function<void(const Instance&, const std::string& user, const object& b)>& f) {
  auto i = visibleInstance(c, c.request.params.at("id"));
  const auto& b = body(c);
  f(i, actingUser(c, b), b);
  return server::noContent();
}

Response list(Call& c) {
  const auto& type = c.request.params.at("type");
  if (type != "todo" && type != "done" && type != "started" && type != "cc" && type != "drafts")
    throw Error(ErrorCode::not_found, "type: no list '" + type + "' (todo, done, started, cc, drafts)");
  ListQuery q;
  q.user = c.who.user;
  if (auto u = param(c, "userId"); !u.empty()) {
    requireSelfOrTrusted(c, u, "userId");
    q.user = u;
  }
  q.type = type;
  q.processKey = param(c, "processDefinitionKey");
  q.processName = param(c, "processDefinitionNameLike");
  q.category = param(c, "category");
  q.tenant = c.who.admin ? param(c, "tenantId") : c.who.tenant;
  auto from = param(c, "startedAfter"), to = param(c, "startedBefore");
  if (!from.empty()) q.startedFrom = parseTime(from, "startedAfter");
  if (!to.empty()) q.startedTo = parseTime(to, "startedBefore");
  q.newestFirst = param(c, "sortOrder") != "asc";
  q.offset = static_cast<int>(std::max<std::int64_t>(0, queryInt(c, "firstResult").value_or(0)));
  q.limit = static_cast<int>(std::clamp<std::int64_t>(queryInt(c, "maxResults").value_or(20), 0, 1000));
  array items;
  for (const auto& item : c.engine.list(q)) {
    object o{{"processInstance", instanceDto(item.instance)}, {"processDefinitionName", strOrNull(item.processName)}};
    o["task"] = item.task.id ? taskDto(item.task, item.instance) : value(nullptr);
    items.push_back(std::move(o));
  }
  return json(200, object{{"items", items}, {"count", c.engine.count(q)}});
}

}  // namespace

void addOrdoRoutes(RouteTable& t) {
  using namespace schema;
  auto reasonBody = obj({{"reason", str()}, {"userId", str("act as this user (administrators, service accounts)")}});
  t.add(
      R("POST", "/process-instance/{id}/withdraw", "Ordo", "Ordo: withdraw (撤回) an instance or your last completion")
          .body(obj({{"userId", str()}}))
          .noContent()
          .handle([](Call& c) {
            return instanceOp(
                c, [&](const Instance& i, const std::string& u, const object&) { c.engine.withdraw(i.id, u); });
          })
          .route);
  t.add(R("POST", "/process-instance/{id}/terminate", "Ordo", "Ordo: terminate (终止) an instance")
            .body(reasonBody)
            .noContent()
            .handle([](Call& c) {
              return instanceOp(c, [&](const Instance& i, const std::string& u, const object& b) {
                c.engine.terminateInstance(i.id, u, text(b, "reason"));
              });
            })
            .route);
  t.add(R("POST", "/process-instance/{id}/invalidate", "Ordo", "Ordo: invalidate (作废) an instance")
            .body(reasonBody)
            .noContent()
            .handle([](Call& c) {
              return instanceOp(c, [&](const Instance& i, const std::string& u, const object& b) {
                c.engine.invalidateInstance(i.id, u, text(b, "reason"));
              });
            })
            .route);
  t.add(R("POST", "/process-instance/{id}/jump", "Ordo", "Ordo: move an instance to any node (administrators)")
            .body(obj({{"activityId", str()}, {"userId", str()}}, {"activityId"}))
            .noContent()
            .handle([](Call& c) {
              return instanceOp(c, [&](const Instance& i, const std::string& u, const object& b) {
                auto target = text(b, "activityId");
                if (target.empty()) throw Error(ErrorCode::invalid_argument, "activityId: must not be empty");
                c.engine.jump(i.id, u, target);
              });
            })
            .route);
  t.add(R("POST", "/process-instance/{id}/cc", "Ordo", "Ordo: cc (抄送) an instance to users")
            .body(obj({{"userIds", arrayOf(str())}, {"userId", str()}}, {"userIds"}))
            .noContent()
            .handle([](Call& c) {
              return instanceOp(c, [&](const Instance& i, const std::string& u, const object& b) {
                auto users = strings(b, "userIds");
                if (users.empty()) throw Error(ErrorCode::invalid_argument, "userIds: name at least one user");
                c.engine.ccInstance(i.id, u, users);
              });
            })
            .route);
  t.add(R("POST", "/process-instance/{id}/submit", "Ordo", "Ordo: submit a draft (草稿): it starts for real")
            .body(obj({{"variables", variables()}, {"userId", str()}}))
            .returns(instanceSchema())
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              const auto& b = body(c);
              auto started = c.engine.submitDraft(i.id, actingUser(c, b),
                                                  untypedVariables(b.if_contains("variables"), "variables"));
              return json(200, instanceDto(started));
            })
            .route);
  t.add(R("POST", "/process-definition/key/{key}/draft", "Ordo", "Ordo: save a draft of a new instance")
            .body(obj({{"variables", variables()}, {"businessKey", str()}}))
            .returns(instanceSchema())
            .handle([](Call& c) {
              auto d = latestVisible(c, c.request.params.at("key"));
              const auto& b = body(c);
              return json(200, instanceDto(c.engine.saveDraft(startRequestFor(c, d, b))));
            })
            .route);
  t.add(R("GET", "/process-instance/{id}/detail", "Ordo", "Ordo: an instance as the asking user sees it")
            .returns(obj({{"processInstance", instanceSchema()}, {"allowedActions", arrayOf(str())}}))
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              auto d = c.engine.instanceDetail(i.id, c.who.user);
              array tasks;
              for (const auto& task : d.openTasks) tasks.push_back(taskBrief(task));
              return json(200, object{{"processInstance", instanceDto(d.instance)},
                                      {"processDefinitionName", strOrNull(d.processName)},
                                      {"openTasks", tasks},
                                      {"currentActivityIds", array(d.currentNodes.begin(), d.currentNodes.end())},
                                      {"allowedActions", array(d.allowedActions.begin(), d.allowedActions.end())}});
            })
            .route);
  t.add(R("GET", "/process-instance/{id}/canvas", "Ordo", "Ordo: every node and flow as done, active or not reached")
            .returns(obj({{"nodes", arrayOf(any())}, {"edges", arrayOf(any())}}))
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              auto canvas = c.engine.canvas(i.id);
              array nodes, edges;
              for (const auto& n : canvas.nodes)
                nodes.push_back(object{{"id", n.id},
                                       {"name", strOrNull(n.name)},
                                       {"type", n.kind},
                                       {"status", n.status},
                                       {"approvers", array(n.approvers.begin(), n.approvers.end())},
                                       {"comments", array(n.comments.begin(), n.comments.end())},
                                       {"startTime", timeOrNull(n.startedAt)},
                                       {"endTime", timeOrNull(n.endedAt)}});
              for (const auto& e : canvas.edges)
                edges.push_back(object{{"id", e.id}, {"source", e.source}, {"target", e.target}, {"status", e.status}});
              return json(200, object{{"nodes", nodes}, {"edges", edges}});
            })
            .route);
  t.add(R("GET", "/process-instance/{id}/operations", "Ordo", "Ordo: an instance's approval operations")
            .returns(arrayOf(obj({{"action", str()}, {"userId", str()}})))
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              array a;
              for (const auto& h : c.engine.operations(i.id))
                a.push_back(object{{"id", idString(h.id)},
                                   {"action", h.action},
                                   {"userId", strOrNull(h.actor)},
                                   {"taskId", idOrNull(h.taskId)},
                                   {"activityId", strOrNull(h.elementId)},
                                   {"comment", strOrNull(h.comment)},
                                   {"targets", array(h.targets.begin(), h.targets.end())},
                                   {"time", isoTime(h.at)}});
              return json(200, a);
            })
            .route);
  t.add(
      R("GET", "/ordo/lists", "Ordo", "Ordo: how long each of your lists is")
          .query("userId", "string", "another user's (administrators, service accounts)")
          .returns(obj({{"todo", integer()},
                        {"done", integer()},
                        {"started", integer()},
                        {"cc", integer()},
                        {"drafts", integer()}}))
          .handle([](Call& c) {
            auto user = c.who.user;
            if (auto u = param(c, "userId"); !u.empty()) {
              requireSelfOrTrusted(c, u, "userId");
              user = u;
            }
            auto l = c.engine.lists(user);
            return json(
                200,
                object{{"todo", l.todo}, {"done", l.done}, {"started", l.started}, {"cc", l.cc}, {"drafts", l.drafts}});
          })
          .route);
  t.add(
      R("GET", "/ordo/lists/{type}", "Ordo", "Ordo: one of your lists (todo, done, started, cc, drafts) with its count")
          .query("userId")
          .query("processDefinitionKey")
          .query("processDefinitionNameLike")
          .query("category")
          .query("tenantId")
          .query("startedAfter")
          .query("startedBefore")
          .query("sortOrder", "string", "desc (newest first, the default) or asc")
          .paged()
          .returns(obj({{"items", arrayOf(any())}, {"count", integer()}}))
          .handle(list)
          .route);
  t.add(R("GET", "/ordo/inbox", "Ordo", "Ordo: your inbox (todo, cc, urge, ended messages)")
            .query("unreadOnly", "boolean")
            .query("type", "string", "todo, cc, urge or ended")
            .paged()
            .returns(arrayOf(obj({{"id", str()}, {"type", str()}, {"read", boolean()}})))
            .handle([](Call& c) {
              auto first = std::max<std::int64_t>(0, queryInt(c, "firstResult").value_or(0));
              auto max = std::clamp<std::int64_t>(queryInt(c, "maxResults").value_or(100), 0, 1000);
              array a;
              for (const auto& m : c.engine.inbox(c.who.user, queryBool(c, "unreadOnly").value_or(false),
                                                  static_cast<int>(first), static_cast<int>(max), param(c, "type")))
                a.push_back(object{{"id", idString(m.id)},
                                   {"type", m.type},
                                   {"processInstanceId", idOrNull(m.instanceId)},
                                   {"taskId", idOrNull(m.taskId)},
                                   {"title", m.title},
                                   {"created", isoTime(m.createdAt)},
                                   {"read", m.read}});
              return json(200, a);
            })
            .route);
  t.add(R("GET", "/ordo/inbox/count", "Ordo", "Ordo: your unread messages by type")
            .returns(mapOf(integer()))
            .handle([](Call& c) {
              object o;
              for (const auto& [k, n] : c.engine.inboxCounts(c.who.user)) o[k] = n;
              return json(200, o);
            })
            .route);
  t.add(R("POST", "/ordo/inbox/{id}/read", "Ordo", "Ordo: mark a message read (or unread)")
            .body(obj({{"read", boolean()}}))
            .noContent()
            .handle([](Call& c) {
              c.engine.markRead(parseId(c.request.params.at("id"), "Message"), c.who.user, flag(body(c), "read", true));
              return server::noContent();
            })
            .route);
  t.add(R("POST", "/ordo/entrustments", "Ordo", "Ordo: entrust (委托) your new tasks to another user")
            .body(obj({{"toUserId", str()},
                       {"processDefinitionKeys", arrayOf(str())},
                       {"validFrom", str()},
                       {"validUntil", str()},
                       {"userId", str()}},
                      {"toUserId"}))
            .returns(obj({{"id", str()}}))
            .handle([](Call& c) {
              const auto& b = body(c);
              auto to = text(b, "toUserId");
              if (to.empty()) throw Error(ErrorCode::invalid_argument, "toUserId: must not be empty");
              auto from = text(b, "validFrom"), until = text(b, "validUntil");
              Id id = c.engine.entrust(actingUser(c, b), to, strings(b, "processDefinitionKeys"),
                                       from.empty() ? 0 : parseTime(from, "validFrom"),
                                       until.empty() ? 0 : parseTime(until, "validUntil"));
              return json(200, object{{"id", idString(id)}});
            })
            .route);
  t.add(R("DELETE", "/ordo/entrustments/{toUserId}", "Ordo", "Ordo: cancel your entrustments to a user")
            .query("userId")
            .noContent()
            .handle([](Call& c) {
              auto user = c.who.user;
              if (auto u = param(c, "userId"); !u.empty()) {
                requireSelfOrTrusted(c, u, "userId");
                user = u;
              }
              c.engine.cancelEntrust(user, c.request.params.at("toUserId"));
              return server::noContent();
            })
            .route);
  t.add(R("GET", "/ordo/startable", "Ordo", "Ordo: the latest definitions you may start")
            .returns(arrayOf(definitionSchema()))
            .handle([](Call& c) {
              auto visible = visibleDefinitions(c);
              array a;
              for (const auto& d : c.engine.startableDefinitions(c.who.user))
                for (const auto& [v, o] : visible)
                  if (v.id == d.id) a.push_back(definitionDto(v, o));
              return json(200, a);
            })
            .route);
}

}  // namespace ordo::server::camunda7
