// WorkOrder/app/list (应用), synthesis/list (综合工单类型) and userdefine/workorder/workorder (创建工单).
#include "server/camunda7/common.hpp"
#include "server/state.hpp"
#include "server/workorder/common.hpp"

namespace ordo::server::workorder {

namespace {

// accessToken 是 in the query of both lists: when sent it must be the header's token.
void sameToken(Call& c) {
  auto q = queryText(c, "accessToken");
  const std::string* h = c.request.header("accesstoken");
  if (!h || q != *h) throw Error(ErrorCode::invalid_argument, "accessToken: the query's token is not the header's");
}

template <class T>
array pageOf(const std::vector<T>& all, int offset, int limit, const std::function<value(const T&)>& row) {
  array out;
  for (std::size_t k = static_cast<std::size_t>(offset); k < all.size() && out.size() < static_cast<std::size_t>(limit);
       ++k)
    out.push_back(row(all[k]));
  return out;
}

// 是否有偿: paid / unpaid, as the document leaves the spelling open.
std::string compensationOf(const std::string& s) {
  if (s.empty()) return {};
  if (s == "paid" || s == "1" || s == "true" || s == "是" || s == "有偿") return "paid";
  if (s == "unpaid" || s == "0" || s == "false" || s == "否" || s == "无偿") return "unpaid";
  throw Error(ErrorCode::invalid_argument, "compensation: '" + s + "' is neither paid (1, 是) nor unpaid (0, 否)");
}

}  // namespace

void addCatalogRoutes(RouteTable& t) {
  using namespace schema;
  t.add(W("GET", "/WorkOrder/app/list", "查询应用工单类型 (the registered applications)")
            .query("accessToken", "string", true, "token")
            .query("pageNo", "integer", true, "当前页")
            .query("pageSize", "integer", true, "每页数量")
            .handle([](Call& c) {
              sameToken(c);
              int offset = 0, limit = 0;
              paging(c, "pageNo", offset, limit);
              auto apps = allClients(c.state, "app");
              std::string caller = c.who.via.rfind("app:", 0) == 0 ? c.who.via.substr(4) : "";
              const std::string* secret = c.request.header("secretkey");
              std::function<value(const WorkOrderClient&)> row = [&](const WorkOrderClient& a) -> value {
                // Only a hash is kept: the secret shown is the caller's own, which it just sent.
                return object{{"appId", a.id},
                              {"applicationName", a.name},
                              {"applicationId", a.applicationId.empty() ? a.id : a.applicationId},
                              {"applicationSecret", a.id == caller && secret ? value(*secret) : value(nullptr)},
                              {"appFlag", a.appFlag.empty() ? "0" : a.appFlag},
                              {"images", a.images.empty() ? value(nullptr) : value(a.images)}};
              };
              return ok(pageOf(apps, offset, limit, row));
            })
            .route);
  t.add(W("GET", "/synthesis/list", "查询综合工单类型 (the category tree)")
            .query("accessToken", "string", true, "token")
            .query("pageNo", "integer", true, "当前页")
            .query("pageSize", "integer", true, "每页数量")
            .handle([](Call& c) {
              sameToken(c);
              int offset = 0, limit = 0;
              paging(c, "pageNo", offset, limit);
              auto all = c.engine.workOrderCategories();
              std::function<value(const WorkOrderCategory&)> row = [&](const WorkOrderCategory& x) -> value {
                bool children = false;
                for (const auto& y : all) children = children || y.parentId == x.id;
                return object{{"synthesisId", x.id},
                              {"parentId", x.parentId.empty() ? value(nullptr) : value(x.parentId)},
                              {"categoryName", x.name},
                              {"description", x.description},
                              {"childFlag", children ? "1" : "0"}};
              };
              return ok(pageOf(all, offset, limit, row));
            })
            .route);
  t.add(W("POST", "/userdefine/workorder/workorder", "创建工单")
            .body(obj({{"processId", str("流程定义ID (a key or a definitionId)")},
                       {"taskId", str("任务ID")},
                       {"params", any("表单参数: an object")},
                       {"systemId", str("所属系统")},
                       {"projectId", str("项目名称")},
                       {"workorderId", str("工单(流程)类型")},
                       {"workorderIdExtend", str()},
                       {"workorderNumber", str("工单编号")},
                       {"title", str("工单标题")},
                       {"workorderStatus", str()},
                       {"processStatus", str()},
                       {"source", str("工单来源")},
                       {"compensation", str("是否有偿")},
                       {"evaluate", str("评价")},
                       {"roomNumber", str("房号")},
                       {"description", str()},
                       {"attachmentUrls", any("附件地址: comma-separated or an array")},
                       {"procInstId", str("the instance it belongs to")}},
                      {"processId", "taskId", "params", "systemId", "projectId", "title"}))
            .handle([](Call& c) {
              const auto& b = bodyOf(c);
              WorkOrder o;
              o.title = textField(b, "title", true);
              if (o.title.empty()) throw Error(ErrorCode::invalid_argument, "title: must not be empty");
              o.formData = objectField(b, "params");
              o.systemId = textField(b, "systemId");
              o.projectId = textField(b, "projectId");
              o.typeId = textField(b, "workorderId");
              o.number = textField(b, "workorderNumber");
              o.source = textField(b, "source");
              o.compensation = compensationOf(textField(b, "compensation"));
              o.roomNumber = textField(b, "roomNumber");
              o.description = textField(b, "description");
              o.attachments = userList(b, "attachmentUrls");
              auto process = textField(b, "processId", true);
              auto taskId = textField(b, "taskId"), ins = textField(b, "procInstId");
              Instance i;
              if (!taskId.empty()) {
                auto task = camunda7::visibleTask(c, taskId, &i);
                o.taskId = task.id;
                if (!ins.empty() && ins != std::to_string(i.id))
                  throw Error(ErrorCode::not_found, "taskId: " + taskId + " is not a task of instance " + ins);
              } else if (!ins.empty()) {
                i = camunda7::visibleInstance(c, ins);
              } else {
                throw Error(ErrorCode::invalid_argument, "taskId: required (or procInstId)");
              }
              auto d = resolveDefinition(c, process, "processId");
              if (d.key != i.definitionKey)
                throw Error(ErrorCode::not_found, "processId: instance " + std::to_string(i.id) + " runs " +
                                                      i.definitionKey + ", not " + d.key);
              o.instanceId = i.id;
              auto made = c.engine.createWorkOrder(o, actorOf(c));
              return ok(object{{"TaskId", o.taskId ? value(std::to_string(o.taskId)) : value("")},
                               {"ProcessInstanceId", std::to_string(i.id)},
                               {"id", std::to_string(made.id)},
                               {"workorderNumber", made.number}});
            })
            .route);
}

}  // namespace ordo::server::workorder
