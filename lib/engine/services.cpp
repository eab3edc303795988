// ordo::Engine's approval and query methods: one line each, into the services.
#include <algorithm>

#include "approval/service.hpp"
#include "engine/impl.hpp"
#include "query/service.hpp"

namespace ordo {

void Engine::completeTask(Id taskId, const Actor& actor, const Variables& variables, const std::string& comment,
                          std::int64_t expectedRevision) {
  approval::completeTask(*impl_, taskId, variables, actor.userId(), comment, expectedRevision);
}

void Engine::claimTask(Id taskId, const Actor& actor) {
  approval::claimTask(*impl_, taskId, actor.userId());
}

void Engine::unclaimTask(Id taskId, const Actor& actor) {
  approval::unclaimTask(*impl_, taskId, actor.userId());
}

void Engine::delegateTask(Id taskId, const Actor& actor, const std::string& to, const std::string& comment) {
  approval::delegateTask(*impl_, taskId, actor.userId(), to, comment);
}

void Engine::resolveTask(Id taskId, const Actor& actor, const Variables& variables, const std::string& comment) {
  approval::resolveTask(*impl_, taskId, actor.userId(), variables, comment);
}

void Engine::transferTask(Id taskId, const Actor& actor, const std::string& to, const std::string& comment) {
  approval::transferTask(*impl_, taskId, actor.userId(), to, comment);
}

void Engine::urgeTask(Id taskId, const Actor& actor) {
  approval::urgeTask(*impl_, taskId, actor.userId());
}

std::vector<ApproverChoice> Engine::completeOrChoose(Id taskId, const Actor& actor, const Variables& variables,
                                                     const std::string& comment) {
  return approval::completeOrChoose(*impl_, taskId, actor.userId(), variables, comment);
}

void Engine::submitChoices(const std::vector<Id>& choiceIds) {
  approval::submitChoices(*impl_, choiceIds);
}

ApproverChoice Engine::approverChoice(Id choiceId) const {
  return approval::approverChoice(*impl_, choiceId);
}

void Engine::urgeInstance(Id instanceId, const Actor& actor) {
  approval::urgeInstance(*impl_, instanceId, actor.userId());
}

Id Engine::entrust(const Actor& actor, const std::string& to, const std::vector<std::string>& processes,
                   std::int64_t validFrom, std::int64_t validUntil) {
  return approval::entrust(*impl_, actor.userId(), to, processes, validFrom, validUntil);
}

void Engine::cancelEntrust(const Actor& actor, const std::string& to) {
  approval::cancelEntrust(*impl_, actor.userId(), to);
}

void Engine::acceptEntrustedTask(Id taskId, const Actor& actor) {
  approval::acceptEntrustedTask(*impl_, taskId, actor.userId());
}

void Engine::rejectEntrustedTask(Id taskId, const Actor& actor, const std::string& comment) {
  approval::rejectEntrustedTask(*impl_, taskId, actor.userId(), comment);
}

void Engine::terminateInstance(Id instanceId, const Actor& actor, const std::string& reason,
                               const std::string& atNode) {
  approval::terminateInstance(*impl_, instanceId, actor.userId(), reason, atNode);
}

void Engine::invalidateInstance(Id instanceId, const Actor& actor, const std::string& reason,
                                const std::string& atNode) {
  approval::invalidateInstance(*impl_, instanceId, actor.userId(), reason, atNode);
}

void Engine::suspendInstance(Id instanceId, const Actor& actor, const std::string& atNode) {
  approval::suspendInstance(*impl_, instanceId, actor.userId(), atNode);
}

void Engine::addComment(Id instanceId, const Actor& actor, const std::string& text) {
  approval::addComment(*impl_, instanceId, actor.userId(), text);
}

void Engine::resumeInstance(Id instanceId, const Actor& actor) {
  approval::resumeInstance(*impl_, instanceId, actor.userId());
}

void Engine::ccInstance(Id instanceId, const Actor& actor, const std::vector<std::string>& users) {
  approval::ccInstance(*impl_, instanceId, actor.userId(), users);
}

void Engine::skipTask(Id taskId, const Actor& actor, const std::string& comment) {
  approval::skipTask(*impl_, taskId, actor.userId(), comment);
}

void Engine::editVariables(Id instanceId, const Actor& actor, const Variables& variables) {
  approval::editVariables(*impl_, instanceId, actor.userId(), variables);
}

void Engine::deleteInstance(Id instanceId, const Actor& actor, bool keepHistory) {
  approval::deleteInstance(*impl_, instanceId, actor.userId(), keepHistory);
}

std::vector<HistoryEntry> Engine::operations(Id instanceId) const {
  return approval::operations(*impl_, instanceId);
}

void Engine::saveUser(const User& u) {
  approval::saveUser(*impl_, u);
}

void Engine::saveDepartment(const Department& d) {
  approval::saveDepartment(*impl_, d);
}

void Engine::saveRole(const std::string& id, const std::string& name) {
  approval::saveRole(*impl_, id, name);
}

std::optional<User> Engine::user(const std::string& id) const {
  return approval::user(*impl_, id);
}

std::vector<InboxMessage> Engine::inbox(const std::string& user, bool unreadOnly, int offset, int limit,
                                        const std::string& type) const {
  return approval::inbox(*impl_, user, unreadOnly, offset, limit, type);
}

std::map<std::string, std::int64_t> Engine::inboxCounts(const std::string& user) const {
  return approval::inboxCounts(*impl_, user);
}

void Engine::markRead(Id messageId, const Actor& actor, bool read) {
  approval::markRead(*impl_, messageId, actor.userId(), read);
}

UserLists Engine::lists(const std::string& user) const {
  return approval::lists(*impl_, user);
}

void Engine::returnTask(Id taskId, const Actor& actor, const std::string& target, const std::string& comment) {
  approval::returnTask(*impl_, taskId, actor.userId(), target, comment);
}

void Engine::rejectTask(Id taskId, const Actor& actor, const std::string& target, const std::string& comment) {
  approval::rejectTask(*impl_, taskId, actor.userId(), target, comment);
}

std::vector<std::string> Engine::returnableNodes(Id taskId) const {
  return approval::returnableNodes(*impl_, taskId);
}

void Engine::addSigners(Id taskId, const Actor& actor, const std::vector<std::string>& users, SignerPosition position) {
  approval::addSigners(*impl_, taskId, actor.userId(), users, position);
}

void Engine::removeSigners(Id taskId, const Actor& actor, const std::vector<std::string>& users) {
  approval::removeSigners(*impl_, taskId, actor.userId(), users);
}

void Engine::jump(Id instanceId, const Actor& actor, const std::string& target) {
  approval::jump(*impl_, instanceId, actor.userId(), target);
}

void Engine::withdraw(Id instanceId, const Actor& actor) {
  approval::withdraw(*impl_, instanceId, actor.userId());
}

bool Engine::mayWithdraw(Id instanceId, const std::string& user) const {
  return approval::mayWithdraw(*impl_, instanceId, user);
}

Instance Engine::saveDraft(const StartRequest& request) {
  return approval::saveDraft(*impl_, request);
}

Instance Engine::submitDraft(Id instanceId, const Actor& actor, const Variables& variables) {
  return approval::submitDraft(*impl_, instanceId, actor.userId(), variables);
}

std::vector<ListItem> Engine::list(const ListQuery& q) const {
  return query::list(*impl_, q);
}

std::int64_t Engine::count(const ListQuery& q) const {
  return query::count(*impl_, q);
}

InstanceDetail Engine::instanceDetail(Id instanceId, const std::string& user) const {
  auto d = query::instanceDetail(*impl_, instanceId, user);
  // withdraw is offered exactly when withdraw would succeed (the initiator after an approver
  // acted may not; the approver whose completion nobody acted on yet may).
  auto& acts = d.allowedActions;
  acts.erase(std::remove(acts.begin(), acts.end(), "withdraw"), acts.end());
  if (approval::mayWithdraw(*impl_, instanceId, user)) acts.emplace_back("withdraw");
  return d;
}

Canvas Engine::canvas(Id instanceId) const {
  return query::canvas(*impl_, instanceId);
}

std::vector<DefinitionNode> Engine::definitionNodes(Id definitionId) const {
  return query::definitionNodes(*impl_, definitionId);
}

std::vector<Definition> Engine::startableDefinitions(const std::string& user) const {
  return query::startableDefinitions(*impl_, user);
}

Page<ListItem> Engine::listPage(const ListQuery& query) const {
  return query::listPage(*impl_, query);
}

SignerPosition signerPositionFrom(const std::string& text) {
  return approval::signerPosition(text);
}

}  // namespace ordo
