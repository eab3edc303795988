// An instance's token tree and variables as one row of `instance_runtime` (schema 21), two JSON
// texts, instead of a row per token and per variable: a command rewrites one row in one B-tree
// where it inserted, updated and deleted rows in three (and an index). Private to lib/store.
//   tokens     [[id, parent or null, element, state, data or null], ...] in id order
//   variables  {"<scope token id>": {name: value, ...}, ...}; scope "0" holds a finished
//              instance's process variables
// The views `tokens` and `variables` (schema 21) show the same as the old tables, to read.
#pragma once

#include <map>
#include <ordo/engine.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/state.hpp"

namespace ordo::store {

// The tokens and variables a load reads back after a save of `s`: removed tokens gone, a removed
// process token's variables moved to scope 0, a removed inner scope's variables gone.
struct SettledRuntime {
  std::map<Id, runtime::Token> tokens;
  std::map<Id, boost::json::object> variables;
};
SettledRuntime settle(const runtime::InstanceState& s);

// True when saving `s` changes its record (a token added, changed or removed, a variable set).
bool runtimeChanged(const runtime::InstanceState& s);

std::string encodeTokens(const std::map<Id, runtime::Token>& tokens);
std::string encodeVariables(const std::map<Id, boost::json::object>& variables);
// Into `s.tokens` and `s.variables` (what they held is replaced).
void decodeRuntime(const std::string& tokens, const std::string& variables, runtime::InstanceState& s);

// A command's history of one instance as one row of `history_log` (schema 26) instead of a row
// (and an index entry) per line: the row's id is its first line's, the lines' ids follow it; the
// row's actor is its first line's.
//   entries  [[kind, element, element type, task, actor, comment, action, targets, at], ...]
//            trailing nulls left out; actor only where it is not the row's, at only where it is
//            not the row's; a kind or element type of historyNames() as its code (index + 1);
//            targets as the list's JSON text; element 0 (schema 28): the element and type of the
//            line before (type then left out, or 0), a type 0: none
// The view `history` shows the lines as the old table's rows, to read.
std::string encodeHistory(const std::vector<runtime::HistoryRecord>& lines, std::int64_t at, std::string_view actor);
// The lines of the row (id, instance, at, actor, entries), appended to `out`.
void decodeHistory(Id id, Id instance, std::int64_t at, const std::string& actor, const std::string& entries,
                   std::vector<HistoryEntry>& out);
// The names a history line's kind and element type are written as codes for (table
// history_names): appended to only, in a migration, never reordered.
const std::vector<std::string>& historyNames();

}  // namespace ordo::store
