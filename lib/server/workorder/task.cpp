// /workflow/task/*: complete, reject, delegate, transfer, stopProcess, return, delete. The
// accessToken's user acts; userId is the target of delegate and transfer.
#include <algorithm>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"
#include "server/workorder/common.hpp"

namespace ordo::server::workorder {

namespace {

bool taskPendingDelegation(const Task& t) {
  return t.delegation == "pending";
}

value taskOpBody() {
  using namespace schema;
  return obj({{"taskId", str("任务Id")},
              {"taskName", str()},
              {"userId", str("用户Id: the target of delegate and transfer")},
              {"comment", str("任务意见")},
              {"procInsId", str("流程实例Id")},
              {"targetKey", str("节点")},
              {"variables", any("流程变量信息: an object (or its JSON text)")},
              {"assignee", str()},
              {"candidateUsers", any()},
              {"candidateGroups", any()},
              {"copyUserIds", any("抄送用户Id: comma-separated or an array")},
              {"nextUserIds", any("下一节点审批人: comma-separated or an array")}});
}

Task taskOf(Call& c, const object& b, Instance* instance = nullptr) {
  return camunda7::visibleTask(c, textField(b, "taskId", true), instance);
}

Response done(Call& c, Id instance) {
  return ok(object{{"TaskId", firstOpenTask(c, instance)}, {"ProcessInstanceId", std::to_string(instance)}});
}

// A user the body names must exist: 4200 otherwise (before anything changes).
std::optional<Response> unknownUsers(Call& c, const std::vector<std::string>& users, const char* field) {
  for (const auto& u : users)
    if (!userExists(c, u)) return fail(kNoUser, std::string(field) + ": no user '" + u + "'");
  return std::nullopt;
}

W op(const char* path, const char* summary, std::function<Response(Call&)> f) {
  return W("POST", path, summary).body(taskOpBody()).handle(std::move(f));
}

Response transfer(Call& c) {
  const auto& b = bodyOf(c);
  auto t = taskOf(c, b);
  auto to = textField(b, "userId", true);
  if (auto r = unknownUsers(c, {to}, "userId")) return *r;
  c.engine.transferTask(t.id, actorOf(c), to, textField(b, "comment"));
  return ok(object{});
}

}  // namespace

void addTaskRoutes(RouteTable& t) {
  t.add(op("/workflow/task/complete", "审批流程", [](Call& c) {
          const auto& b = bodyOf(c);
          Instance i;
          auto task = taskOf(c, b, &i);
          auto vars = objectField(b, "variables");
          auto next = userList(b, "nextUserIds");
          auto copy = userList(b, "copyUserIds");
          if (auto r = unknownUsers(c, next, "nextUserIds")) return *r;
          if (auto r = unknownUsers(c, copy, "copyUserIds")) return *r;
          if (!next.empty()) {
            array a;
            for (const auto& u : next) a.push_back(value(u));
            vars["ordoNextApprovers"] = a;
          }
          auto comment = textField(b, "comment");
          // 抄送 first: once the task is completed its former assignee may no longer cc.
          if (!copy.empty()) c.engine.ccInstance(i.id, actorOf(c), copy);
          if (taskPendingDelegation(task) && task.assignee == c.who.user)
            c.engine.resolveTask(task.id, actorOf(c), vars, comment);
          else
            c.engine.completeTask(task.id, actorOf(c), vars, comment);
          return done(c, i.id);
        }).route);
  t.add(op("/workflow/task/reject", "拒绝任务 (驳回)", [](Call& c) {
          const auto& b = bodyOf(c);
          Instance i;
          auto task = taskOf(c, b, &i);
          c.engine.rejectTask(task.id, actorOf(c), textField(b, "targetKey"), textField(b, "comment"));
          return ok(object{});
        }).route);
  t.add(op("/workflow/task/delegate", "委派任务", [](Call& c) {
          const auto& b = bodyOf(c);
          auto task = taskOf(c, b);
          auto to = textField(b, "userId", true);
          if (auto r = unknownUsers(c, {to}, "userId")) return *r;
          c.engine.delegateTask(task.id, actorOf(c), to, textField(b, "comment"));
          return ok(object{});
        }).route);
  t.add(op("/workflow/task/transfer", "转办任务", transfer).route);
  t.add(op("/workflow/task/ transfer", "转办任务 (the document's path, with its space)", transfer).route);
  t.add(op("/workflow/task/stopProcess", "取消任务 (取消流程审批)", [](Call& c) {
          const auto& b = bodyOf(c);
          Instance i;
          auto ins = textField(b, "procInsId");
          if (!ins.empty())
            i = camunda7::visibleInstance(c, ins);
          else if (!textField(b, "taskId").empty())
            taskOf(c, b, &i);
          else
            throw Error(ErrorCode::invalid_argument, "procInsId: required (or taskId)");
          c.engine.terminateInstance(i.id, actorOf(c), textField(b, "comment"));
          return ok(object{});
        }).route);
  t.add(op("/workflow/task/return", "退回任务", [](Call& c) {
          const auto& b = bodyOf(c);
          auto task = taskOf(c, b);
          auto target = textField(b, "targetKey", true);
          auto allowed = c.engine.returnableNodes(task.id);
          if (std::find(allowed.begin(), allowed.end(), target) == allowed.end()) {
            std::string list;
            for (const auto& n : allowed) list += (list.empty() ? "" : ", ") + n;
            throw Error(ErrorCode::invalid_argument,
                        "targetKey: '" + target + "' is not a node this task may return to (" + list + ")");
          }
          c.engine.returnTask(task.id, actorOf(c), target, textField(b, "comment"));
          return ok(object{});
        }).route);
  t.add(op("/workflow/task/delete", "删除任务 (its instance, history kept)", [](Call& c) {
          const auto& b = bodyOf(c);
          Instance i;
          taskOf(c, b, &i);
          c.engine.deleteInstance(i.id, actorOf(c), true);
          return ok(object{});
        }).route);
}

}  // namespace ordo::server::workorder
