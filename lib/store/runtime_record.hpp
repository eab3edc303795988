// An instance's token tree and variables as one row of `instance_runtime` (schema 21), two JSON
// texts, instead of a row per token and per variable: a command rewrites one row in one B-tree
// where it inserted, updated and deleted rows in three (and an index). Private to lib/store.
//   tokens     [[id, parent or null, element, state, data or null], ...] in id order
//   variables  {"<scope token id>": {name: value, ...}, ...}; scope "0" holds a finished
//              instance's process variables
// The views `tokens` and `variables` (schema 21) show the same as the old tables, to read.
#pragma once

#include <map>
#include <string>

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

}  // namespace ordo::store
