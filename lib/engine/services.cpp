// ordo::Engine's approval and query methods: one line each, into the services.
#include "approval/service.hpp"
#include "engine/impl.hpp"
#include "query/service.hpp"

namespace ordo {

void Engine::completeTask(Id taskId, const Variables& variables, const std::string& user, const std::string& comment,
                          std::int64_t expectedRevision) {
  approval::completeTask(*impl_, taskId, variables, user, comment, expectedRevision);
}

void Engine::claimTask(Id taskId, const std::string& user) {
  approval::claimTask(*impl_, taskId, user);
}

void Engine::unclaimTask(Id taskId, const std::string& user) {
  approval::unclaimTask(*impl_, taskId, user);
}

void Engine::delegateTask(Id taskId, const std::string& user, const std::string& to, const std::string& comment) {
  approval::delegateTask(*impl_, taskId, user, to, comment);
}

void Engine::resolveTask(Id taskId, const std::string& user, const Variables& variables, const std::string& comment) {
  approval::resolveTask(*impl_, taskId, user, variables, comment);
}

void Engine::transferTask(Id taskId, const std::string& user, const std::string& to, const std::string& comment) {
  approval::transferTask(*impl_, taskId, user, to, comment);
}

void Engine::urgeTask(Id taskId, const std::string& user) {
  approval::urgeTask(*impl_, taskId, user);
}

Id Engine::entrust(const std::string& user, const std::string& to, const std::vector<std::string>& processes,
                   std::int64_t validFrom, std::int64_t validUntil) {
  return approval::entrust(*impl_, user, to, processes, validFrom, validUntil);
}

void Engine::cancelEntrust(const std::string& user, const std::string& to) {
  approval::cancelEntrust(*impl_, user, to);
}

void Engine::acceptEntrustedTask(Id taskId, const std::string& user) {
  approval::acceptEntrustedTask(*impl_, taskId, user);
}

void Engine::rejectEntrustedTask(Id taskId, const std::string& user, const std::string& comment) {
  approval::rejectEntrustedTask(*impl_, taskId, user, comment);
}

void Engine::terminateInstance(Id instanceId, const std::string& user, const std::string& reason) {
  approval::terminateInstance(*impl_, instanceId, user, reason);
}

void Engine::invalidateInstance(Id instanceId, const std::string& user, const std::string& reason) {
  approval::invalidateInstance(*impl_, instanceId, user, reason);
}

void Engine::suspendInstance(Id instanceId, const std::string& user) {
  approval::suspendInstance(*impl_, instanceId, user);
}

void Engine::resumeInstance(Id instanceId, const std::string& user) {
  approval::resumeInstance(*impl_, instanceId, user);
}

void Engine::ccInstance(Id instanceId, const std::string& user, const std::vector<std::string>& users) {
  approval::ccInstance(*impl_, instanceId, user, users);
}

void Engine::skipTask(Id taskId, const std::string& user, const std::string& comment) {
  approval::skipTask(*impl_, taskId, user, comment);
}

void Engine::editVariables(Id instanceId, const std::string& user, const Variables& variables) {
  approval::editVariables(*impl_, instanceId, user, variables);
}

void Engine::deleteInstance(Id instanceId, const std::string& user, bool keepHistory) {
  approval::deleteInstance(*impl_, instanceId, user, keepHistory);
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

void Engine::markRead(Id messageId, const std::string& user, bool read) {
  approval::markRead(*impl_, messageId, user, read);
}

UserLists Engine::lists(const std::string& user) const {
  return approval::lists(*impl_, user);
}

void Engine::returnTask(Id taskId, const std::string& user, const std::string& target, const std::string& comment) {
  approval::returnTask(*impl_, taskId, user, target, comment);
}

void Engine::rejectTask(Id taskId, const std::string& user, const std::string& target, const std::string& comment) {
  approval::rejectTask(*impl_, taskId, user, target, comment);
}

std::vector<std::string> Engine::returnableNodes(Id taskId) const {
  return approval::returnableNodes(*impl_, taskId);
}

void Engine::addSigners(Id taskId, const std::string& user, const std::vector<std::string>& users,
                        const std::string& position) {
  approval::addSigners(*impl_, taskId, user, users, position);
}

void Engine::removeSigners(Id taskId, const std::string& user, const std::vector<std::string>& users) {
  approval::removeSigners(*impl_, taskId, user, users);
}

void Engine::jump(Id instanceId, const std::string& user, const std::string& target) {
  approval::jump(*impl_, instanceId, user, target);
}

void Engine::withdraw(Id instanceId, const std::string& user) {
  approval::withdraw(*impl_, instanceId, user);
}

Instance Engine::saveDraft(const StartRequest& request) {
  return approval::saveDraft(*impl_, request);
}

Instance Engine::submitDraft(Id instanceId, const std::string& user, const Variables& variables) {
  return approval::submitDraft(*impl_, instanceId, user, variables);
}

std::vector<ListItem> Engine::list(const ListQuery& q) const {
  return query::list(*impl_, q);
}

std::int64_t Engine::count(const ListQuery& q) const {
  return query::count(*impl_, q);
}

InstanceDetail Engine::instanceDetail(Id instanceId, const std::string& user) const {
  return query::instanceDetail(*impl_, instanceId, user);
}

Canvas Engine::canvas(Id instanceId) const {
  return query::canvas(*impl_, instanceId);
}

std::vector<Definition> Engine::startableDefinitions(const std::string& user) const {
  return query::startableDefinitions(*impl_, user);
}

Page<ListItem> Engine::listPage(const ListQuery& query) const {
  return query::listPage(*impl_, query);
}

}  // namespace ordo
