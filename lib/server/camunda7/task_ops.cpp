// What a user does with a task: Camunda's claim, unclaim, assignee, delegate, resolve,
// complete and submit-form, and Ordo's approval operations in the same style (reject,
// return, transfer, add/remove signers, urge, cc, entrusted tasks, skip).
#include "server/camunda7/common.hpp"
#include "server/state.hpp"

namespace ordo::server::camunda7 {

namespace {

const std::string& idParam(Call& c) {
  return c.request.params.at("id");
}

Response complete(Call& c) {
  Instance i;
  auto task = openTask(c, idParam(c), &i);
  const auto& b = body(c);
  auto vars = untypedVariables(b.if_contains("variables"), "variables");
  auto user = actingUser(c, b);
  c.engine.completeTask(task.id, user, vars, text(b, "comment"));
  if (!flag(b, "withVariablesInReturn")) return server::noContent();
  Variables after;
  try {
    after = c.engine.variables(i.id);
  } catch (const Error&) {
  }
  return json(200, typedVariables(after));
}

// A route that acts on one task with a body and answers 204.
R taskOp(const char* path, const char* summary, value bodySchema, std::function<void(Call&, const Task&)> f) {
  R r("POST", std::string("/task/{id}") + path, "Task", summary);
  r.body(std::move(bodySchema)).noContent().handle([f](Call& c) {
    auto task = openTask(c, idParam(c), nullptr);
    f(c, task);
    return server::noContent();
  });
  return r;
}

}  // namespace

void addTaskOperationRoutes(RouteTable& t) {
  using namespace schema;
  auto userBody = obj({{"userId", str("the user")}}, {"userId"});
  auto completeBody = obj({{"variables", variables()},
                           {"withVariablesInReturn", boolean()},
                           {"comment", str("Ordo: a comment recorded with the completion")},
                           {"userId", str("Ordo: act as this user (administrators and service accounts)")}});
  t.add(R("POST", "/task/{id}/complete", "Task", "Complete a task")
            .body(completeBody)
            .returns(variables())
            .noContent()
            .handle(complete)
            .route);
  t.add(R("POST", "/task/{id}/submit-form", "Task", "Complete a task with form data")
            .body(completeBody)
            .returns(variables())
            .noContent()
            .handle(complete)
            .route);
  t.add(taskOp("/claim", "Claim a task for a user", userBody, [](Call& c, const Task& task) {
          auto user = text(body(c), "userId");
          requireSelfOrTrusted(c, user, "userId");
          c.engine.claimTask(task.id, user);
        }).route);
  t.add(taskOp("/unclaim", "Unclaim a task", obj({}), [](Call& c, const Task& task) {
          // The assignee gives it back; an administrator may take it from anyone.
          c.engine.unclaimTask(task.id, c.who.admin && !task.assignee.empty() ? task.assignee : c.who.user);
        }).route);
  t.add(taskOp("/assignee", "Set a task's assignee", userBody, [](Call& c, const Task& task) {
          auto to = text(body(c), "userId");
          if (to.empty()) throw Error(ErrorCode::invalid_argument, "userId: must not be empty");
          if (task.assignee.empty()) {
            requireSelfOrTrusted(c, to, "userId");
            c.engine.claimTask(task.id, to);
          } else if (task.assignee != to) {
            c.engine.transferTask(task.id, c.who.admin ? task.assignee : c.who.user, to);
          }
        }).route);
  t.add(taskOp("/delegate", "Delegate a task (委派)", userBody, [](Call& c, const Task& task) {
          auto to = text(body(c), "userId");
          if (to.empty()) throw Error(ErrorCode::invalid_argument, "userId: must not be empty");
          c.engine.delegateTask(task.id, c.who.admin && !task.assignee.empty() ? task.assignee : c.who.user, to,
                                text(body(c), "comment"));
        }).route);
  t.add(
      taskOp("/resolve", "Resolve a delegated task", obj({{"variables", variables()}}), [](Call& c, const Task& task) {
        c.engine.resolveTask(task.id, actingUser(c, body(c)),
                             untypedVariables(body(c).if_contains("variables"), "variables"), text(body(c), "comment"));
      }).route);
  // Ordo's approval operations.
  auto commentBody = [](std::initializer_list<std::pair<const char*, value>> extra,
                        std::initializer_list<const char*> required = {}) {
    boost::json::object props{{"comment", str()},
                              {"userId", str("act as this user (administrators, service accounts)")}};
    for (const auto& [k, v] : extra) props[k] = v;
    boost::json::object o{{"type", "object"}, {"properties", props}};
    if (required.size()) {
      boost::json::array r;
      for (auto* k : required) r.emplace_back(k);
      o["required"] = r;
    }
    return value(o);
  };
  t.add(taskOp("/reject", "Ordo: reject (驳回): end the instance rejected, or return to a target",
               commentBody({{"activityId", str("an earlier user task to return to")}}),
               [](Call& c, const Task& task) {
                 c.engine.rejectTask(task.id, actingUser(c, body(c)), text(body(c), "activityId"),
                                     text(body(c), "comment"));
               })
            .route);
  t.add(taskOp("/return", "Ordo: return (退回) to an earlier user task",
               commentBody({{"activityId", str("the target user task")}}, {"activityId"}),
               [](Call& c, const Task& task) {
                 auto target = text(body(c), "activityId");
                 if (target.empty()) throw Error(ErrorCode::invalid_argument, "activityId: must not be empty");
                 c.engine.returnTask(task.id, actingUser(c, body(c)), target, text(body(c), "comment"));
               })
            .route);
  t.add(R("GET", "/task/{id}/returnable", "Task", "Ordo: the user tasks a return may target")
            .returns(arrayOf(obj({{"activityId", str()}})))
            .handle([](Call& c) {
              auto task = openTask(c, idParam(c), nullptr);
              array a;
              for (const auto& n : c.engine.returnableNodes(task.id)) a.push_back(object{{"activityId", n}});
              return json(200, a);
            })
            .route);
  t.add(taskOp("/transfer", "Ordo: transfer (转办) to another user",
               commentBody({{"targetUserId", str("the new assignee")}}, {"targetUserId"}),
               [](Call& c, const Task& task) {
                 auto to = text(body(c), "targetUserId");
                 if (to.empty()) throw Error(ErrorCode::invalid_argument, "targetUserId: must not be empty");
                 c.engine.transferTask(task.id, actingUser(c, body(c)), to, text(body(c), "comment"));
               })
            .route);
  t.add(taskOp("/add-signers", "Ordo: add signers (加签) to a multi-instance task",
               commentBody(
                   {{"userIds", arrayOf(str())},
                    {"position", boost::json::object{{"type", "string"}, {"enum", {"parallel", "before", "after"}}}}},
                   {"userIds"}),
               [](Call& c, const Task& task) {
                 auto users = strings(body(c), "userIds");
                 if (users.empty()) throw Error(ErrorCode::invalid_argument, "userIds: name at least one user");
                 auto position = text(body(c), "position");
                 c.engine.addSigners(task.id, actingUser(c, body(c)), users,
                                     position.empty() ? SignerPosition::parallel : signerPositionFrom(position));
               })
            .route);
  t.add(taskOp("/remove-signers", "Ordo: remove signers (减签) from a multi-instance task",
               commentBody({{"userIds", arrayOf(str())}}, {"userIds"}),
               [](Call& c, const Task& task) {
                 auto users = strings(body(c), "userIds");
                 if (users.empty()) throw Error(ErrorCode::invalid_argument, "userIds: name at least one user");
                 c.engine.removeSigners(task.id, actingUser(c, body(c)), users);
               })
            .route);
  t.add(taskOp("/urge", "Ordo: urge (催办) the task's assignee (3 a day)", commentBody({}),
               [](Call& c, const Task& task) { c.engine.urgeTask(task.id, actingUser(c, body(c))); })
            .route);
  t.add(taskOp("/cc", "Ordo: cc (抄送) the task's instance to users",
               commentBody({{"userIds", arrayOf(str())}}, {"userIds"}),
               [](Call& c, const Task& task) {
                 auto users = strings(body(c), "userIds");
                 if (users.empty()) throw Error(ErrorCode::invalid_argument, "userIds: name at least one user");
                 c.engine.ccInstance(task.instanceId, actingUser(c, body(c)), users);
               })
            .route);
  t.add(taskOp("/skip", "Ordo: skip a task without a decision (administrators)", commentBody({}),
               [](Call& c, const Task& task) {
                 c.engine.skipTask(task.id, actingUser(c, body(c)), text(body(c), "comment"));
               })
            .route);
  t.add(taskOp("/accept-entrusted", "Ordo: accept a task entrusted (委托) to you", commentBody({}),
               [](Call& c, const Task& task) { c.engine.acceptEntrustedTask(task.id, actingUser(c, body(c))); })
            .route);
  t.add(taskOp("/reject-entrusted", "Ordo: give an entrusted task back to its owner", commentBody({}),
               [](Call& c, const Task& task) {
                 c.engine.rejectEntrustedTask(task.id, actingUser(c, body(c)), text(body(c), "comment"));
               })
            .route);
}

}  // namespace ordo::server::camunda7
