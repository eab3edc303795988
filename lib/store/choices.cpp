// The two-phase next-approver choices (上一节点指定审批人): a completion that waits until the
// previous approver picks the next node's approvers.
#include "store/store.hpp"

namespace ordo::store {

void addPendingChoice(Connection& c, const PendingChoice& p) {
  c.prepare(
       "INSERT INTO pending_choices(id, task_id, node, candidate, user_id, variables, comment, created_at) "
       "VALUES (?,?,?,?,?,?,?,?)")
      .bind(1, p.choice.id)
      .bind(2, p.choice.taskId)
      .bind(3, p.choice.node)
      .bind(4, p.choice.user)
      .bind(5, p.user)
      .bind(6, p.variables)
      .bind(7, p.comment)
      .bind(8, p.createdAt)
      .run();
}

std::optional<PendingChoice> pendingChoice(Connection& c, Id id) {
  auto& q = c.prepare(
      "SELECT id, task_id, node, candidate, user_id, variables, comment, created_at FROM pending_choices WHERE id = ?");
  q.bind(1, id);
  std::optional<PendingChoice> out;
  if (q.step()) {
    PendingChoice p;
    p.choice = {q.int64(0), q.int64(1), q.text(2), q.text(3)};
    p.user = q.text(4);
    p.variables = q.text(5);
    p.comment = q.text(6);
    p.createdAt = q.int64(7);
    out = p;
  }
  q.reset();
  return out;
}

void deletePendingChoices(Connection& c, Id task) {
  c.prepare("DELETE FROM pending_choices WHERE task_id = ?").bind(1, task).run();
}

}  // namespace ordo::store
