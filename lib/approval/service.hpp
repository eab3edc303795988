// The approval service: task and instance operations (转办, 委派, 退回, 撤回, 加签, 抄送,
// 催办, 作废 ...), identity and the inbox, each a command on the runner. ordo::Engine
// delegates to these in a line per method; a refusal throws and changes nothing.
#pragma once

#include <map>
#include <optional>
#include <ordo/engine.hpp>
#include <string>
#include <vector>

#include "command/runner.hpp"

namespace ordo::approval {

void completeTask(command::Runner& run, Id taskId, const Variables& variables, const std::string& user,
                  const std::string& comment, std::int64_t expectedRevision);
// choice.cpp: the two-phase next-approver choice.
std::vector<ApproverChoice> completeOrChoose(command::Runner& run, Id taskId, const std::string& user,
                                             const Variables& variables, const std::string& comment);
void submitChoices(command::Runner& run, const std::vector<Id>& choiceIds);
ApproverChoice approverChoice(command::Runner& run, Id choiceId);
void claimTask(command::Runner& run, Id taskId, const std::string& user);
void unclaimTask(command::Runner& run, Id taskId, const std::string& user);
void delegateTask(command::Runner& run, Id taskId, const std::string& user, const std::string& to,
                  const std::string& comment);
void resolveTask(command::Runner& run, Id taskId, const std::string& user, const Variables& variables,
                 const std::string& comment);
void transferTask(command::Runner& run, Id taskId, const std::string& user, const std::string& to,
                  const std::string& comment);
void urgeTask(command::Runner& run, Id taskId, const std::string& user);
Id entrust(command::Runner& run, const std::string& user, const std::string& to,
           const std::vector<std::string>& processes, std::int64_t validFrom, std::int64_t validUntil);
void cancelEntrust(command::Runner& run, const std::string& user, const std::string& to);
void acceptEntrustedTask(command::Runner& run, Id taskId, const std::string& user);
void rejectEntrustedTask(command::Runner& run, Id taskId, const std::string& user, const std::string& comment);
void terminateInstance(command::Runner& run, Id instanceId, const std::string& user, const std::string& reason,
                       const std::string& atNode = {});
void invalidateInstance(command::Runner& run, Id instanceId, const std::string& user, const std::string& reason,
                        const std::string& atNode = {});
void suspendInstance(command::Runner& run, Id instanceId, const std::string& user, const std::string& atNode = {});
void addComment(command::Runner& run, Id instanceId, const std::string& user, const std::string& text);
void resumeInstance(command::Runner& run, Id instanceId, const std::string& user);
void ccInstance(command::Runner& run, Id instanceId, const std::string& user, const std::vector<std::string>& users);
void skipTask(command::Runner& run, Id taskId, const std::string& user, const std::string& comment);
void editVariables(command::Runner& run, Id instanceId, const std::string& user, const Variables& variables);
void deleteInstance(command::Runner& run, Id instanceId, const std::string& user, bool keepHistory);
std::vector<HistoryEntry> operations(command::Runner& run, Id instanceId);
void saveUser(command::Runner& run, const User& u);
void saveDepartment(command::Runner& run, const Department& d);
void saveRole(command::Runner& run, const std::string& id, const std::string& name);
std::optional<User> user(command::Runner& run, const std::string& id);
std::vector<InboxMessage> inbox(command::Runner& run, const std::string& user, bool unreadOnly, int offset, int limit,
                                const std::string& type);
std::map<std::string, std::int64_t> inboxCounts(command::Runner& run, const std::string& user);
void markRead(command::Runner& run, Id messageId, const std::string& user, bool read);
UserLists lists(command::Runner& run, const std::string& user);
void returnTask(command::Runner& run, Id taskId, const std::string& user, const std::string& target,
                const std::string& comment);
void rejectTask(command::Runner& run, Id taskId, const std::string& user, const std::string& target,
                const std::string& comment);
std::vector<std::string> returnableNodes(command::Runner& run, Id taskId);
void addSigners(command::Runner& run, Id taskId, const std::string& user, const std::vector<std::string>& users,
                SignerPosition position);
SignerPosition signerPosition(const std::string& text);
void removeSigners(command::Runner& run, Id taskId, const std::string& user, const std::vector<std::string>& users);
void jump(command::Runner& run, Id instanceId, const std::string& user, const std::string& target);
void withdraw(command::Runner& run, Id instanceId, const std::string& user);
// Whether withdraw(instanceId, user) would succeed now (the same check).
bool mayWithdraw(command::Runner& run, Id instanceId, const std::string& user);
// 催办 of every open task of the instance, in one command.
void urgeInstance(command::Runner& run, Id instanceId, const std::string& user);
Instance saveDraft(command::Runner& run, const StartRequest& request);
Instance submitDraft(command::Runner& run, Id instanceId, const std::string& user, const Variables& variables);

}  // namespace ordo::approval
