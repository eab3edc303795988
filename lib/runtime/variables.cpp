// Variables seen from a token (its scopes, innermost first), and history rows.
#include <algorithm>
#include <boost/json/serialize.hpp>

#include "jobs/iso8601.hpp"
#include "model/graph.hpp"
#include "runtime/execution.hpp"

namespace ordo::runtime {

using model::FlowNode;
using model::NodeKind;
using model::SequenceFlow;

// ---------------------------------------------------------------- variables

const boost::json::value* Execution::lookup(const Token& t, std::string_view name) const {
  for (const Token* cur = &t; cur;) {
    auto it = state_.variables.find(cur->id);
    if (it != state_.variables.end()) {
      auto v = it->second.find(name);
      if (v != it->second.end()) return &v->value();
    }
    if (cur->parent == 0) break;
    auto p = state_.tokens.find(cur->parent);
    cur = p == state_.tokens.end() ? nullptr : &p->second;
  }
  return nullptr;
}

Variables Execution::visibleVariables(const Token& t) const {
  Variables out;
  std::vector<const Token*> chain;
  for (const Token* cur = &t; cur;) {
    chain.push_back(cur);
    if (cur->parent == 0) break;
    auto p = state_.tokens.find(cur->parent);
    cur = p == state_.tokens.end() ? nullptr : &p->second;
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    auto v = state_.variables.find((*it)->id);
    if (v == state_.variables.end()) continue;
    for (const auto& kv : v->second) out[kv.key()] = kv.value();
  }
  return out;
}

void Execution::setVariable(const Token& from, const std::string& name, boost::json::value value) {
  // Camunda/Flowable: set where the variable already lives, else on the process.
  for (const Token* cur = &from; cur;) {
    auto it = state_.variables.find(cur->id);
    if (it != state_.variables.end() && it->second.contains(name)) {
      setLocalVariable(*cur, name, std::move(value));
      return;
    }
    if (cur->parent == 0) {
      setLocalVariable(*cur, name, std::move(value));
      return;
    }
    auto p = state_.tokens.find(cur->parent);
    cur = p == state_.tokens.end() ? nullptr : &p->second;
  }
  setLocalVariable(state_.rootToken(), name, std::move(value));
}

void Execution::setLocalVariable(const Token& scope, const std::string& name, boost::json::value value) {
  state_.variables[scope.id][name] = std::move(value);
  state_.dirtyVariables.emplace(scope.id, name);
}

// ---------------------------------------------------------------- history

void Execution::record(const std::string& kind, const Token* t, const FlowNode* n, Id taskId,
                       const std::string& comment) {
  HistoryRecord h;
  h.instanceId = state_.row.id;
  h.at = now();
  h.kind = kind;
  if (n) {
    h.elementId = n->id;
    h.elementType = model::toString(n->kind);
  } else if (t) {
    h.elementId = t->element;
  }
  h.taskId = taskId;
  h.actor = actor;
  h.comment = comment;
  // An element entered and left within one command is recorded by its element_left alone:
  // half the history rows of automatic steps, and nothing is lost (same command, same time).
  if (kind == "element_left" && t && n) {
    for (std::size_t i = state_.history.size(); i-- > 0;) {
      const auto& e = state_.history[i];
      if (i < historyTokens_.size() && historyTokens_[i] == t->id && e.kind == "element_entered" &&
          e.elementId == n->id) {
        h.elementType = e.elementType;  // keeps "multiInstanceBody"
        state_.history.erase(state_.history.begin() + static_cast<std::ptrdiff_t>(i));
        historyTokens_.erase(historyTokens_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
  historyTokens_.resize(state_.history.size());
  if (state_.history.capacity() == 0) {
    // A command records ~6 lines: growing from one moved every line (eight strings) each time.
    state_.history.reserve(16);
    historyTokens_.reserve(16);
  }
  state_.history.push_back(std::move(h));
  historyTokens_.push_back(t ? t->id : 0);
}

void Execution::notify(const std::string& user, const std::string& type, Id taskId, const std::string& title) {
  if (user.empty()) return;
  state_.inbox.push_back({user, type, taskId, title, now()});
}

void Execution::recordOperation(const std::string& action, const Token* t, Id taskId, const std::string& comment,
                                std::vector<std::string> targets) {
  record("operation", t, t ? process_.process->node(t->element) : nullptr, taskId, comment);
  state_.history.back().action = action;
  state_.history.back().targets = std::move(targets);
}

}  // namespace ordo::runtime
