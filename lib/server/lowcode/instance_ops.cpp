// Operations on an instance: invalid (documented), interrupt, resume, rollback, retrieve, cc,
// submit, delete, refresh, editFormData. `access` true: the user acts as the handler of
// `nodeId`; false: the system acts (no permission check beyond membership of entId).
#include "server/lowcode/common.hpp"

namespace ordo::server::lowcode {

namespace {

using namespace schema;

Actor actorFor(const Who& who, const object& b) {
  auto* access = b.if_contains("access");
  return access && access->is_bool() && !access->as_bool() ? Actor::system() : who.actor;
}

}  // namespace

void addInstanceOperationRoutes(RouteTable& t) {
  t.add(L("invalid", "流程作废: invalidate an instance at a node (access: as its handler; else as the system)")
            .body(obj({{"instanceId", integer()}, {"message", str()}, {"nodeId", str()}, {"access", boolean()}},
                      {"instanceId", "message", "nodeId", "access"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto i = visibleInstance(c, who, idOf(b, "instanceId"));
              c.engine.invalidateInstance(i.id, actorFor(who, b), text(b, "message"), text(b, "nodeId"));
              return value(true);
            })
            .route);
  t.add(L("interrupt", "流程中断: suspend an instance at a node (access as for invalid)")
            .body(obj({{"instanceId", integer()}, {"nodeId", str()}, {"message", str()}, {"access", boolean()}},
                      {"instanceId", "nodeId", "access"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto i = visibleInstance(c, who, idOf(b, "instanceId"));
              c.engine.suspendInstance(i.id, actorFor(who, b), text(b, "nodeId"));
              return value(true);
            })
            .route);
  t.add(L("resume", "流程恢复: resume an interrupted instance (its initiator or an administrator)")
            .body(obj({{"instanceId", integer()}, {"message", str()}}, {"instanceId"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              auto i = visibleInstance(c, who, idOf(body(c), "instanceId"));
              c.engine.resumeInstance(i.id, who.actor);
              return value(true);
            })
            .route);
  t.add(L("rollback", "流程回退: return the task at nodeId to the earlier node targetNodeId")
            .body(obj({{"instanceId", integer()},
                       {"nodeId", str()},
                       {"targetNodeId", str()},
                       {"message", str()},
                       {"access", boolean()}},
                      {"instanceId", "nodeId", "targetNodeId"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto i = visibleInstance(c, who, idOf(b, "instanceId"));
              auto tasks = openTasksAt(c, i.id, text(b, "nodeId"), who.user);
              auto target = text(b, "targetNodeId");
              if (target.empty()) throw Error(ErrorCode::invalid_argument, "targetNodeId: is required");
              c.engine.returnTask(tasks.front().id, actorFor(who, b), target, text(b, "message"));
              return value(true);
            })
            .route);
  t.add(L("retrieve", "流程取回: take the instance back (its initiator before anyone acted, or the last approver)")
            .body(obj({{"instanceId", integer()}, {"message", str()}}, {"instanceId"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              auto i = visibleInstance(c, who, idOf(body(c), "instanceId"));
              c.engine.withdraw(i.id, who.actor);
              return value(true);
            })
            .route);
  t.add(L("cc", "流程抄送: send a cc of the instance to users of the enterprise")
            .body(obj({{"instanceId", integer()}, {"nodeId", str()}, {"userIds", arrayOf(str())}, {"message", str()}},
                      {"instanceId", "userIds"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto i = visibleInstance(c, who, idOf(b, "instanceId"));
              std::vector<std::string> users;
              for (const auto& u : b.at("userIds").as_array()) {
                users.emplace_back(u.as_string());
                requireMember(c, who, users.back(), "userIds");
              }
              c.engine.ccInstance(i.id, who.actor, users);
              return value(true);
            })
            .route);
  t.add(L("submit", "提交流程: complete the user's task at nodeId with formData, or submit a draft")
            .body(obj({{"instanceId", integer()},
                       {"nodeId", str()},
                       {"message", str()},
                       {"formData", mapOf(any())},
                       {"access", boolean()}},
                      {"instanceId"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto i = visibleInstance(c, who, idOf(b, "instanceId"));
              if (i.state == Instance::State::draft) {
                c.engine.submitDraft(i.id, who.actor, formData(b));
                return value(true);
              }
              auto tasks = openTasksAt(c, i.id, text(b, "nodeId"), who.user);
              c.engine.completeTask(tasks.front().id, actorFor(who, b), formData(b), text(b, "message"));
              return value(true);
            })
            .route);
  t.add(L("delete", "删除某个流程实例: delete an instance (its initiator or an administrator); its history stays")
            .body(obj({{"instanceId", integer()}}, {"instanceId"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              auto i = visibleInstance(c, who, idOf(body(c), "instanceId"));
              c.engine.deleteInstance(i.id, who.actor, true);
              return value(true);
            })
            .route);
  t.add(L("refresh", "刷新同步: nothing to synchronize (the engine is the record); checks the instance")
            .body(obj({{"instanceId", integer()}}, {"instanceId"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              visibleInstance(c, who, idOf(body(c), "instanceId"));
              return value(true);
            })
            .route);
  t.add(L("editFormData", "超管修改流程主表数据: an administrator edits the form data")
            .body(obj({{"instanceId", integer()}, {"formData", mapOf(any())}}, {"instanceId", "formData"}))
            .boolean()
            .handle([](Call& c, const Who& who) {
              const auto& b = body(c);
              auto i = visibleInstance(c, who, idOf(b, "instanceId"));
              c.engine.editVariables(i.id, who.actor, formData(b));
              return value(true);
            })
            .route);
}

}  // namespace ordo::server::lowcode
