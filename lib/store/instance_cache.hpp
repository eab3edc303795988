// The writer's cache of instance state: what the last command saved of each recently used
// instance, as loadInstance would read it back, so that a command on a hot instance reads
// nothing it wrote itself. Used only with the writer held. The cache is the truth about its
// instances because every other write drops it: the whole cache when another connection
// committed to the file (PRAGMA data_version) and when a command or its batch fails (what it
// saved was rolled back); an entry when the writer deletes or marks its instance outside a save.
// An instance's row changes only through a save, and its jobs are inserted only through one; the
// jobs' locks and retries change outside saves, so an entry with jobs reads them again.
#pragma once

#include <algorithm>
#include <unordered_map>

#include "runtime/state.hpp"
#include "store/runtime_record.hpp"

namespace ordo::store {

class InstanceCache {
 public:
  static constexpr std::size_t kCapacity = 4096;  // entries; past it the cache starts over

  struct Entry {
    runtime::InstanceState state;
    bool hasJobs = false;  // when saved: without, the instance has none until its next save
  };

  const Entry* find(Id id) const {
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
    Entry& e = entries_[s.row.id];
    e.hasJobs = std::any_of(s.jobs.begin(), s.jobs.end(), [](const runtime::JobRow& j) { return !j.removed; });
    runtime::InstanceState& c = e.state;
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

  // A load from the entry, but for its jobs.
  static void fill(const runtime::InstanceState& entry, runtime::InstanceState& out) {
    out.row = entry.row;
    out.tokens = entry.tokens;
    out.variables = entry.variables;
    out.tasks = entry.tasks;
    out.subscriptions = entry.subscriptions;
  }

 private:
  std::unordered_map<Id, Entry> entries_;
};

}  // namespace ordo::store
