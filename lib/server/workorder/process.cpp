// /workflow/process/*: the startable definitions, the start form, starting, and the three lists.
#include <algorithm>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"
#include "server/workorder/common.hpp"

namespace ordo::server::workorder {

namespace {

// processKey, processName, category, proStartBeginTime, proStartEndTime of the lists.
ListQuery listQuery(Call& c, const std::string& type) {
  ListQuery q;
  q.user = c.who.user;
  q.type = type;
  q.processKey = queryText(c, "processKey");
  q.processName = queryText(c, "processName");
  q.category = queryText(c, "category");
  if (auto from = queryText(c, "proStartBeginTime"); !from.empty())
    q.startedFrom = parseLocalTime(from, "proStartBeginTime");
  if (auto to = queryText(c, "proStartEndTime"); !to.empty()) q.startedTo = parseLocalTime(to, "proStartEndTime");
  if (q.startedFrom && q.startedTo && q.startedFrom > q.startedTo)
    throw Error(ErrorCode::invalid_argument, "proStartBeginTime: after proStartEndTime");
  paging(c, "pageNum", q.offset, q.limit);
  return q;
}

Response listReply(Call& c, const std::string& type, const std::string& list) {
  auto q = listQuery(c, type);
  auto page = c.engine.listPage(q);
  array out;
  for (const auto& item : page.items) out.push_back(taskRow(c, item, list));
  return rows(page.total, std::move(out));
}

W listRoute(const char* path, const char* summary, bool own) {
  W w("GET", path, summary);
  w.query("pageNum", "integer", true, "当前页").query("pageSize", "integer", true, "展示条数");
  if (own) w.query("processKey", "string", false, "流程标识").query("category", "string", false, "流程分类");
  w.query("processName", "string", false, "流程名称")
      .query("proStartBeginTime", "string", false, "流程最早开始时间 yyyy-MM-dd HH:mm:ss")
      .query("proStartEndTime", "string", false, "流程最晚开始时间 yyyy-MM-dd HH:mm:ss");
  return w;
}

Response start(Call& c, const std::string& fromPath) {
  const auto& b = bodyOf(c);
  std::string id = fromPath;
  if (id.empty()) id = textField(b, "processDefId");
  if (id.empty()) id = textField(b, "processId");
  if (id.empty())
    throw Error(ErrorCode::invalid_argument, "processDefId: required (or processId, or start/{processId})");
  auto vars = objectField(b, "variables");
  auto d = resolveDefinition(c, id, "processDefId");
  auto origin = camunda7::definitionOrigin(c, d.id);
  StartRequest r;
  r.definitionId = d.id;
  if (!vars.contains("initiator")) vars["initiator"] = c.who.user;  // RuoYi's procVars.initiator
  r.variables = vars;
  r.initiator = c.who.user;
  r.tenant = origin.tenant.empty() ? c.who.tenant : origin.tenant;
  auto i = c.engine.start(r);
  auto first = firstOpenTask(c, i.id);
  return ok(object{{"TaskId", first}, {"ProcessInstanceId", std::to_string(i.id)}}, "流程启动成功");
}

}  // namespace

void addProcessRoutes(RouteTable& t) {
  using namespace schema;
  t.add(W("GET", "/workflow/process/list", "获取可发起流程列表")
            .query("pageNum", "integer", true, "当前页")
            .query("pageSize", "integer", true, "展示条数")
            .query("processKey", "string", false, "流程标识")
            .query("processName", "string", false, "流程名称")
            .query("category", "string", false, "流程分类")
            .handle([](Call& c) {
              int offset = 0, limit = 0;
              paging(c, "pageNum", offset, limit);
              auto key = queryText(c, "processKey"), name = queryText(c, "processName"),
                   category = queryText(c, "category");
              std::vector<Definition> match;
              for (const auto& d : c.engine.startableDefinitions(c.who.user)) {
                if (d.publication == Definition::Publication::offline) continue;  // 下线: not startable
                if (!key.empty() && d.key != key) continue;
                if (!name.empty() && d.name.find(name) == std::string::npos) continue;
                if (!category.empty() && d.category != category) continue;
                if (!camunda7::seesTenant(c.who, camunda7::definitionOrigin(c, d.id).tenant) &&
                    !camunda7::definitionOrigin(c, d.id).tenant.empty())
                  continue;
                match.push_back(d);
              }
              array out;
              for (std::size_t k = static_cast<std::size_t>(offset);
                   k < match.size() && out.size() < static_cast<std::size_t>(limit); ++k) {
                const auto& d = match[k];
                auto form = c.engine.startFormOf(d.id);
                auto dep = deploymentIdOf(c, d.id);
                out.push_back(object{{"definitionId", definitionIdOf(d)},
                                     {"processName", d.name.empty() ? d.key : d.name},
                                     {"processKey", d.key},
                                     {"category", d.category.empty() ? value(nullptr) : value(d.category)},
                                     {"version", d.version},
                                     {"formId", nullptr},
                                     {"formName", form.first.empty() ? value(nullptr) : value(form.first)},
                                     {"deploymentId", dep.empty() ? value(nullptr) : value(dep)},
                                     {"suspended", !d.startsInstances()},
                                     {"deploymentTime", localTime(d.deployedAt)},
                                     {"iconId", nullptr}});
              }
              return rows(static_cast<std::int64_t>(match.size()), std::move(out));
            })
            .route);
  t.add(W("GET", "/workflow/process/getProcessForm", "获取流程表单信息")
            .query("definitionId", "string", true, "流程定义ID")
            .query("deployId", "string", true, "部署id")
            .query("procInsId", "string", false, "流程实例id")
            .handle([](Call& c) {
              auto d = resolveDefinition(c, queryText(c, "definitionId"), "definitionId");
              auto dep = deploymentIdOf(c, d.id);
              if (!dep.empty() && queryText(c, "deployId") != dep)
                throw Error(ErrorCode::not_found, "deployId: '" + queryText(c, "deployId") +
                                                      "' is not the deployment of " + definitionIdOf(d));
              auto form = c.engine.startFormOf(d.id);
              boost::system::error_code ec;
              auto content = boost::json::parse(form.second, ec);
              if (ec || !content.is_object()) content = object{};
              if (auto ins = queryText(c, "procInsId"); !ins.empty()) {
                auto i = camunda7::visibleInstance(c, ins);
                if (i.definitionId != d.id)
                  throw Error(ErrorCode::not_found,
                              "procInsId: " + ins + " is not an instance of " + definitionIdOf(d));
                content.as_object()["formData"] = c.engine.variables(i.id);
              }
              return ok(object{{"formKey", form.first.empty() ? value(nullptr) : value(form.first)},
                               {"formContent", content}});
            })
            .route);
  auto startBody = obj({{"processDefId", str("流程定义ID (the example's name)")},
                        {"processId", str("流程定义ID (the table's name)")},
                        {"variables", any("表单信息: an object")}});
  t.add(W("POST", "/workflow/process/start", "发起流程")
            .body(startBody)
            .handle([](Call& c) { return start(c, {}); })
            .route);
  t.add(W("POST", "/workflow/process/start/{processId}", "发起流程 (API概述: start/{processId})")
            .body(startBody)
            .handle([](Call& c) { return start(c, c.request.params.at("processId")); })
            .route);
  t.add(listRoute("/workflow/process/ownList", "查看我发起的流程", true)
            .handle([](Call& c) { return listReply(c, "started", "own"); })
            .route);
  t.add(listRoute("/workflow/process/todoList", "查询待办任务", false)
            .handle([](Call& c) { return listReply(c, "todo", "todo"); })
            .route);
  t.add(listRoute("/workflow/process/finishedList", "查询已办任务", false)
            .handle([](Call& c) { return listReply(c, "done", "finished"); })
            .route);
}

}  // namespace ordo::server::workorder
