// The complex gateway (BPMN 2.0, 13.3.5): it waits for tokens until its activationCondition
// holds, fires once (its outgoing flows chosen as an inclusive split chooses them), then
// absorbs what the same wave still brings on its other incoming flows until nothing more can
// arrive, and only then waits for the next wave. The condition reads `activationCount` (the
// tokens waiting) and `activated` (tokens waiting per incoming flow id); without a condition
// it fires as an inclusive join does, when no other token can still arrive.
//
// While it absorbs, a marker token waits at the gateway (data "complexFired", and "seen": the
// incoming flows that delivered in this wave), so the state survives between commands.
#include <algorithm>
#include <map>

#include "runtime/execution.hpp"

namespace ordo::runtime {

namespace {

std::string via(const Token& t) {
  const auto* v = t.data.if_contains("via");
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool seenIn(const boost::json::array& seen, const std::string& flow) {
  return std::any_of(seen.begin(), seen.end(), [&](const boost::json::value& v) { return v == flow.c_str(); });
}

}  // namespace

void enterComplexGateway(Execution& ex, Token& t, const model::FlowNode& n) {
  if (n.incoming.size() <= 1) {
    ex.record("element_left", &t, &n);
    ex.take(t, ex.selectOutgoing(t, n, false));
    return;
  }
  transition(t, TokenState::joining);
  t.dirty = true;  // judged by Execution::fireComplexGateways once every token has come to rest
}

bool Execution::fireComplexGateways() {
  // One gateway and scope at a time: the first that can move does, and the agenda runs again.
  std::map<std::pair<Id, std::string>, std::vector<Token*>> groups;
  for (auto& [id, t] : state_.tokens) {
    if (t.removed || t.state != TokenState::joining) continue;
    const auto* n = process_.process->node(t.element);
    if (n && n->kind == model::NodeKind::complexGateway) groups[{t.parent, t.element}].push_back(&t);
  }
  for (auto& [key, tokens] : groups) {
    const auto& n = *process_.process->node(key.second);
    Token* marker = nullptr;
    std::vector<Token*> wave;
    for (auto* t : tokens) {
      if (t->data.contains("complexFired"))
        marker = t;
      else
        wave.push_back(t);
    }
    if (marker) {
      // Resetting: the wave's late tokens end here; a flow that delivered already waits for the next wave.
      auto& seen = marker->data["seen"].as_array();
      bool moved = false;
      for (auto* t : wave)
        if (!seenIn(seen, via(*t))) {
          seen.push_back(boost::json::value(via(*t)));
          marker->dirty = true;
          record("element_left", t, &n);
          endToken(*t);
          moved = true;
        }
      if (seen.size() >= n.incoming.size() || !canStillArrive(*this, key.first, n)) {
        endToken(*marker);  // reset: the next token starts a new wave
        return true;
      }
      if (moved) return true;
      continue;
    }
    if (wave.empty()) continue;
    // One token per incoming flow takes part; a second on the same flow belongs to the next wave.
    std::vector<Token*> chosen;
    boost::json::object activated;
    for (auto* t : wave) {
      auto flow = via(*t);
      if (activated.contains(flow)) continue;
      activated[flow] = 1;
      chosen.push_back(t);
    }
    bool fire;
    if (n.activationCondition.empty()) {
      fire = !canStillArrive(*this, key.first, n);
    } else {
      boost::json::object extra{{"activationCount", static_cast<std::int64_t>(chosen.size())},
                                {"activated", activated}};
      fire = evaluateCondition(*chosen.front(), n.activationCondition, n.id, &extra);
    }
    if (!fire) continue;
    Token& going = *chosen.front();
    boost::json::array seen;
    for (auto* t : chosen) {
      seen.push_back(boost::json::value(via(*t)));
      if (t != &going) t->removed = true;
    }
    if (seen.size() < n.incoming.size() && canStillArrive(*this, key.first, n)) {
      Token& m = newToken(key.first, n.id);
      transition(m, TokenState::joining);
      m.data = {{"complexFired", true}, {"seen", std::move(seen)}};
    }
    transition(going, TokenState::active);
    going.dirty = true;
    record("element_left", &going, &n);
    take(going, selectOutgoing(going, n, false));
    return true;
  }
  return false;
}

}  // namespace ordo::runtime
