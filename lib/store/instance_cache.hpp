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
#include "store/runtime_record.hpp"

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

  // After saveInstance wrote `s`, whose tokens and variables read back as `settled`: keeps what
  // a load would now return.
  void saved(const runtime::InstanceState& s, SettledRuntime settled) {
    if (entries_.size() >= kCapacity && !entries_.count(s.row.id)) entries_.clear();
    runtime::InstanceState& c = entries_[s.row.id];
    c = runtime::InstanceState{};
    c.row = s.row;
    c.tokens = std::move(settled.tokens);
    c.variables = std::move(settled.variables);
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
