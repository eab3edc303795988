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
InstanceDetail instanceDetail(command::Runner& run, Id instanceId, const std::string& user);
Canvas canvas(command::Runner& run, Id instanceId);
std::vector<Definition> startableDefinitions(command::Runner& run, const std::string& user);

}  // namespace ordo::query
