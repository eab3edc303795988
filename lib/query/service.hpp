// The query service: a user's lists, instance detail, the canvas, startable definitions;
// each a read in one snapshot of the database.
#pragma once

#include <map>
#include <optional>
#include <ordo/engine.hpp>
#include <string>
#include <vector>

#include "command/runner.hpp"

namespace ordo::query {

std::vector<ListItem> list(command::Runner& run, const ListQuery& q);
std::int64_t count(command::Runner& run, const ListQuery& q);
Page<ListItem> listPage(command::Runner& run, const ListQuery& q);
// The most items one page of a list may hold (limit 0 asks for every match).
constexpr int kMaxPageSize = 10'000;
InstanceDetail instanceDetail(command::Runner& run, Id instanceId, const std::string& user);
Canvas canvas(command::Runner& run, Id instanceId);
std::vector<DefinitionNode> definitionNodes(command::Runner& run, Id definitionId);
std::vector<Definition> startableDefinitions(command::Runner& run, const std::string& user);

}  // namespace ordo::query
