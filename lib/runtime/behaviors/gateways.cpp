// Gateways: exclusive (first true condition), parallel (fork, join on every incoming flow),
// inclusive (fork on every true condition, join when no token can still arrive).
#include <algorithm>
#include <set>

#include "model/graph.hpp"
#include "runtime/execution.hpp"

namespace ordo::runtime {

namespace {

void pass(Execution& ex, Token& t, const model::FlowNode& n, const std::vector<const model::SequenceFlow*>& flows) {
  ex.leaveBy(t, n, flows);
}

void arrive(Token& t) {
  transition(t, TokenState::joining);
  t.dirty = true;
}

}  // namespace

void enterExclusiveGateway(Execution& ex, Token& t, const model::FlowNode& n) {
  pass(ex, t, n, ex.selectOutgoing(t, n, true));
}

bool parallelJoinReady(Execution& ex, Token& arrived, const model::FlowNode& n) {
  // One waiting token per incoming flow (BPMN 13.3.4); a second token on the same
  // flow waits for the next firing.
  auto waiting = ex.state().children(arrived.parent);
  std::vector<Token*> chosen;
  for (const auto* f : n.incoming) {
    Token* pick = nullptr;
    for (auto* c : waiting)
      if (c->element == n.id && c->state == TokenState::joining && c->data.contains("via") &&
          c->data.at("via").as_string() == f->id && std::find(chosen.begin(), chosen.end(), c) == chosen.end()) {
        pick = c;
        if (c == &arrived) break;  // prefer the token that just came
      }
    if (!pick) return false;
    chosen.push_back(pick);
  }
  for (auto* c : chosen)
    if (c != &arrived) c->removed = true;
  return true;
}

void enterParallelGateway(Execution& ex, Token& t, const model::FlowNode& n) {
  if (n.incoming.size() > 1) {
    arrive(t);
    if (!parallelJoinReady(ex, t, n)) return;
  }
  std::vector<const model::SequenceFlow*> all;
  for (auto* f : n.outgoing) all.push_back(f);
  pass(ex, t, n, all);
}

bool canStillArrive(Execution& ex, Id scope, const model::FlowNode& n) {
  const auto& graph = *n.scope->graph;
  for (auto* c : ex.state().children(scope)) {
    if (c->element == n.id && c->state == TokenState::joining) continue;
    const auto* at = ex.process().process->node(c->element);
    if (at && at->scope == n.scope && (at == &n || graph.reaches(at, &n))) return true;
  }
  return false;
}

bool inclusiveJoinReady(Execution& ex, const Token& arrived, const model::FlowNode& n) {
  return !canStillArrive(ex, arrived.parent, n);
}

void enterInclusiveGateway(Execution& ex, Token& t, const model::FlowNode& n) {
  if (n.incoming.size() > 1) {
    arrive(t);
    return;  // judged by Execution::fireInclusiveJoins once every token has come to rest
  }
  pass(ex, t, n, ex.selectOutgoing(t, n, false));
}

bool Execution::fireInclusiveJoins() {
  for (auto& [id, t] : state_.tokens) {
    if (t.removed || t.state != TokenState::joining) continue;
    const auto& n = node(t);
    if (n.kind != model::NodeKind::inclusiveGateway) continue;
    if (!inclusiveJoinReady(*this, t, n)) continue;
    for (auto* c : state_.children(t.parent))
      if (c != &t && c->element == n.id && c->state == TokenState::joining) c->removed = true;
    transition(t, TokenState::active);
    t.dirty = true;
    pass(*this, t, n, selectOutgoing(t, n, false));
    return true;
  }
  return false;
}

}  // namespace ordo::runtime
