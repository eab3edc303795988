// One entry point for every approval operation, by name, from JSON: what the C ABI
// (ordo_operation_run) and the scenario runner's `action` steps call.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <ordo/engine.hpp>

namespace ordo::approval {

// request: {"op", "user", "task": id, "instance": id, "to", "target", "users": [], "position",
// "comment", "reason", "variables": {}, "process", "businessKey", "processes": [], "from", "until"
// (epoch ms), "keepHistory", "choices": [id]}. Returns the operation's result as JSON (null for most; the
// instance for draft and submit; the node ids for "returnable"; the choices [{id, task, node, user}] for
// "completeOrChoose"). Unknown ops and fields are invalid_argument.
boost::json::value runOperation(Engine& engine, const boost::json::object& request);

}  // namespace ordo::approval
