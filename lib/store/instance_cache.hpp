// The writer's cache of instance state: what the last command saved of each recently used
// instance, as loadInstance would read it back, so that a command on a hot instance does not
// re-read the tokens, variables, open tasks and subscriptions it wrote itself. Used only with
// the writer held. An entry counts only while the instance's row still has the revision the
// entry was saved at (read, one row, by every load); the whole cache is dropped when another
// connection committed to the file (PRAGMA data_version) and when a command or its batch fails
// (what it saved was rolled back). Jobs are always read: their locks change without a revision.
#pragma once

#include <unordered_map>

#include "runtime/state.hpp"

namespace ordo::store {

class InstanceCache {
 public:
  static constexpr std::size_t kCapacity = 4096;  // entries; past it the cache starts over

  const runtime::InstanceState* find(Id id) const {
    auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
  }
  void erase(Id id) { entries_.erase(id); }
  void clear() { entries_.clear(); }
  std::size_t size() const { return entries_.size(); }

  // After saveInstance wrote `s`: keeps what a load would now return.
  void saved(const runtime::InstanceState& s) {
    if (entries_.size() >= kCapacity && !entries_.count(s.row.id)) entries_.clear();
    runtime::InstanceState& c = entries_[s.row.id];
    c = runtime::InstanceState{};
    c.row = s.row;
    c.variables = s.variables;
    for (const auto& [id, t] : s.tokens) {
      if (!t.removed) {
        auto& k = c.tokens.emplace(id, t).first->second;
        k.isNew = k.dirty = false;
        continue;
      }
      // As saveInstance left the rows: the process token's variables move to scope 0, others go.
      auto vs = c.variables.find(id);
      if (vs == c.variables.end()) continue;
      if (t.parent == 0)
        for (const auto& [name, value] : vs->second) c.variables[0][name] = value;
      c.variables.erase(id);
    }
    for (auto it = c.variables.begin(); it != c.variables.end();)
      it = it->second.empty() ? c.variables.erase(it) : std::next(it);
    for (const auto& tr : s.tasks)
      if (tr.task.state == Task::State::open) {
        c.tasks.push_back(tr);
        c.tasks.back().isNew = c.tasks.back().dirty = false;
      }
    for (const auto& sub : s.subscriptions)
      if (!sub.removed) {
        c.subscriptions.push_back(sub);
        c.subscriptions.back().isNew = c.subscriptions.back().createdNow = false;
      }
  }

  // A load from the entry: the row as read now (same revision), jobs as read now.
  static void fill(const runtime::InstanceState& entry, runtime::InstanceState& out) {
    out.tokens = entry.tokens;
    out.variables = entry.variables;
    out.tasks = entry.tasks;
    out.subscriptions = entry.subscriptions;
  }

 private:
  std::unordered_map<Id, runtime::InstanceState> entries_;
};

}  // namespace ordo::store
