// Reading: detail, todoNodes, executions, definition, todoSummary, count, list.
#include <set>

#include "server/lowcode/common.hpp"

namespace ordo::server::lowcode {

namespace {

using namespace schema;

const char* kListTypes[] = {"todo", "done", "started", "cc", "drafts"};

value listType() {
  array e;
  for (const char* x : kListTypes) e.emplace_back(x);
  return object{{"type", "string"}, {"enum", e}};
}

std::int64_t intOr(const object& o, const char* key, std::int64_t otherwise) {
  auto* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<std::int64_t>() : otherwise;
}

// pageNum (from 1) and pageSize (1 ... 1000) as an offset and a limit.
std::pair<int, int> page(const object& b) {
  auto num = intOr(b, "pageNum", 1), size = intOr(b, "pageSize", 10);
  if (num < 1) throw Error(ErrorCode::invalid_argument, "pageNum: from 1");
  if (size < 1 || size > 1000) throw Error(ErrorCode::invalid_argument, "pageSize: from 1 to 1000");
  return {static_cast<int>((num - 1) * size), static_cast<int>(size)};
}

object detailOf(Call& c, const Instance& i) {
  auto def = c.engine.definition(i.definitionId);
  auto names = nodeNames(c, i.definitionId);
  TaskQuery open;
  open.instanceId = i.id;
  std::map<std::string, array> byNode;
  std::vector<std::string> order;
  for (const auto& t : c.engine.tasks(open)) {
    if (!byNode.count(t.elementId)) order.push_back(t.elementId);
    for (const auto& a : assigneesOf(t)) byNode[t.elementId].push_back(a);
  }
  array current;
  for (const auto& n : order)
    current.push_back(object{{"nodeId", n}, {"nodeName", names[n]}, {"assignees", byNode[n]}});
  return object{{"instanceId", i.id},
                {"processKey", i.definitionKey},
                {"processName", def.name},
                {"status", toString(i.state)},
                {"initiator", i.initiator},
                {"startTime", dateTime(i.startedAt)},
                {"endTime", dateTime(i.endedAt)},
                {"currentNodes", current},
                {"formData", c.engine.variables(i.id)}};
}

}  // namespace

void addQueryRoutes(RouteTable& t) {
  t.add(L("detail", "查看单个流程详情: an instance, where it waits and its form data")
            .body(obj({{"instanceId", integer()}}, {"instanceId"}))
            .handle([](Call& c, const Who& who) {
              return value(detailOf(c, visibleInstance(c, who, idOf(body(c), "instanceId"))));
            })
            .route);
  t.add(L("todoNodes", "根据流程实例id获取待办节点信息: the open tasks of an instance")
            .body(obj({{"instanceId", integer()}}, {"instanceId"}))
            .handle([](Call& c, const Who& who) {
              auto i = visibleInstance(c, who, idOf(body(c), "instanceId"));
              auto names = nodeNames(c, i.definitionId);
              TaskQuery open;
              open.instanceId = i.id;
              array out;
              for (const auto& task : c.engine.tasks(open))
                out.push_back(object{{"nodeId", task.elementId},
                                     {"nodeName", names[task.elementId]},
                                     {"taskId", task.id},
                                     {"assignees", assigneesOf(task)}});
              return value(out);
            })
            .route);
  t.add(L("executions", "流程执行实例查询接口: every node of the instance as done, active or notReached")
            .body(obj({{"instanceId", integer()}}, {"instanceId"}))
            .handle([](Call& c, const Who& who) {
              auto i = visibleInstance(c, who, idOf(body(c), "instanceId"));
              array out;
              for (const auto& n : c.engine.canvas(i.id).nodes) {
                array approvers;
                for (const auto& a : n.approvers) approvers.emplace_back(a);
                out.push_back(object{{"nodeId", n.id},
                                     {"nodeName", n.name},
                                     {"status", n.status},
                                     {"assignees", approvers},
                                     {"startTime", dateTime(n.startedAt)},
                                     {"endTime", dateTime(n.endedAt)}});
              }
              return value(out);
            })
            .route);
  t.add(L("definition", "流程定义获取接口: the latest version of a process and its nodes")
            .body(obj({{"processKey", str()}}, {"processKey"}))
            .handle([](Call& c, const Who& who) {
              auto d = latestDefinition(c, who, text(body(c), "processKey"));
              array nodes;
              for (const auto& n : c.engine.definitionNodes(d.id))
                nodes.push_back(object{{"nodeId", n.id}, {"nodeName", n.name}, {"nodeType", n.kind}});
              return value(
                  object{{"processKey", d.key}, {"processName", d.name}, {"version", d.version}, {"nodes", nodes}});
            })
            .route);
  t.add(L("todoSummary", "获取多个应用待办简略list: the user's todo of the given applications (process keys)")
            .body(obj({{"appIds", arrayOf(str())}, {"pageNum", integer()}, {"pageSize", integer()}}))
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto [offset, limit] = page(b);
              std::set<std::string> apps;
              if (auto* a = b.if_contains("appIds"))
                for (const auto& x : a->as_array()) apps.insert(std::string(x.as_string()));
              ListQuery q;
              q.user = who.user;
              q.type = "todo";
              q.tenant = who.ent;
              q.limit = 0;
              std::vector<ListItem> match;
              for (auto& item : c.engine.list(q))
                if (apps.empty() || apps.count(item.instance.definitionKey)) match.push_back(std::move(item));
              array list;
              for (auto k = static_cast<std::size_t>(offset); k < match.size() && k < std::size_t(offset + limit);
                   ++k) {
                const auto& item = match[k];
                list.push_back(object{{"instanceId", item.instance.id},
                                      {"taskId", item.task.id},
                                      {"nodeId", item.task.elementId},
                                      {"nodeName", item.task.name},
                                      {"processKey", item.instance.definitionKey},
                                      {"processName", item.processName},
                                      {"initiator", item.instance.initiator},
                                      {"createTime", dateTime(item.task.createdAt)}});
              }
              return value(object{{"total", match.size()}, {"list", list}});
            })
            .route);
  t.add(L("count", "获取实例列表总数: how long one of the user's lists is")
            .body(obj({{"type", listType()}}, {"type"}))
            .handle([](Call& c, const Who& who) {
              ListQuery q;
              q.user = who.user;
              q.type = text(body(c), "type");
              q.tenant = who.ent;
              return value(c.engine.count(q));
            })
            .route);
  t.add(L("list", "获取流程列表: one page of the user's list (todo, done, started, cc, drafts)")
            .body(obj({{"type", listType()}, {"pageNum", integer()}, {"pageSize", integer()}, {"processKey", str()}},
                      {"type"}))
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto [offset, limit] = page(b);
              ListQuery q;
              q.user = who.user;
              q.type = text(b, "type");
              q.processKey = text(b, "processKey");
              q.tenant = who.ent;
              q.offset = offset;
              q.limit = limit;
              auto p = c.engine.listPage(q);
              array list;
              for (const auto& item : p.items) {
                const auto& i = item.instance;
                list.push_back(object{{"instanceId", i.id},
                                      {"processKey", i.definitionKey},
                                      {"processName", item.processName},
                                      {"status", toString(i.state)},
                                      {"initiator", i.initiator},
                                      {"startTime", dateTime(i.startedAt)},
                                      {"endTime", dateTime(i.endedAt)},
                                      {"taskId", item.task.id},
                                      {"nodeId", item.task.elementId},
                                      {"nodeName", item.task.name}});
              }
              return value(object{{"total", p.total}, {"list", list}});
            })
            .route);
}

}  // namespace ordo::server::lowcode
