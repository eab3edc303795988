// Starting (submitting the first step, or saving a draft) and entrustment (委托): entrust,
// cancelEntrust, acceptEntrust, rejectEntrust.
#include "server/lowcode/common.hpp"

namespace ordo::server::lowcode {

namespace {

using namespace schema;

// A task of the enterprise (through its instance): another enterprise's is unknown.
Task visibleTask(Call& c, const Who& who, Id id) {
  Task task;
  try {
    task = c.engine.task(id);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::not_found) throw Error(ErrorCode::not_found, "taskId: no task " + std::to_string(id));
    throw;
  }
  try {
    visibleInstance(c, who, task.instanceId);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::not_found) throw Error(ErrorCode::not_found, "taskId: no task " + std::to_string(id));
    throw;
  }
  return task;
}

}  // namespace

void addStartAndEntrustRoutes(RouteTable& t) {
  t.add(L("start", "流程发起(提交第一步,存草稿): start the latest version of processKey, or save a draft")
            .body(obj({{"processKey", str()}, {"formData", mapOf(any())}, {"draft", boolean()}}, {"processKey"}))
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto d = latestDefinition(c, who, text(b, "processKey"));
              StartRequest r;
              r.definitionId = d.id;
              r.key = d.key;
              r.variables = formData(b);
              r.initiator = who.user;
              r.tenant = who.ent;
              auto* draft = b.if_contains("draft");
              bool isDraft = draft && draft->is_bool() && draft->as_bool();
              auto inst = isDraft ? c.engine.saveDraft(r) : c.engine.start(r);
              array tasks;
              if (!isDraft) {
                TaskQuery open;
                open.instanceId = inst.id;
                for (const auto& task : c.engine.tasks(open)) tasks.emplace_back(task.id);
              }
              return value(object{{"instanceId", inst.id}, {"taskIds", tasks}});
            })
            .route);
  t.add(L("entrust", "流程 - 委托: the user's new tasks (of processKeys; none: all) go to toUserId in a period")
            .body(obj({{"toUserId", str()},
                       {"processKeys", arrayOf(str())},
                       {"startTime", str("yyyy-MM-dd HH:mm:ss; absent: now")},
                       {"endTime", str("yyyy-MM-dd HH:mm:ss; absent: open")},
                       {"message", str()}},
                      {"toUserId"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto to = text(b, "toUserId");
              requireMember(c, who, to, "toUserId");
              std::vector<std::string> keys;
              if (auto* k = b.if_contains("processKeys"))
                for (const auto& x : k->as_array()) keys.emplace_back(x.as_string());
              c.engine.entrust(who.actor, to, keys, parseDateTime(text(b, "startTime"), "startTime"),
                               parseDateTime(text(b, "endTime"), "endTime"));
              return value(true);
            })
            .route);
  t.add(L("cancelEntrust", "流程 - 取消委托: end the user's entrustment to toUserId")
            .body(obj({{"toUserId", str()}}, {"toUserId"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              c.engine.cancelEntrust(who.actor, text(body(c), "toUserId"));
              return value(true);
            })
            .route);
  t.add(L("acceptEntrust", "流程 - 接受委托: the entrusted user accepts a task")
            .body(obj({{"taskId", integer()}}, {"taskId"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              auto task = visibleTask(c, who, idOf(body(c), "taskId"));
              c.engine.acceptEntrustedTask(task.id, who.actor);
              return value(true);
            })
            .route);
  t.add(L("rejectEntrust", "流程 - 拒绝委托: the entrusted user gives a task back to its owner")
            .body(obj({{"taskId", integer()}, {"message", str()}}, {"taskId"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto task = visibleTask(c, who, idOf(b, "taskId"));
              c.engine.rejectEntrustedTask(task.id, who.actor, text(b, "message"));
              return value(true);
            })
            .route);
}

}  // namespace ordo::server::lowcode
