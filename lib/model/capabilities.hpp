// What the runtime can execute. Validation reports anything else as
// `unsupported`, so a model never deploys with a part that would be ignored.
#pragma once

#include <string>

#include "model/model.hpp"

namespace ordo::model {

// Empty when the runtime executes `node` as modelled; otherwise what it lacks,
// phrased to follow "not supported yet: ".
std::string unsupportedFeature(const FlowNode& node);

}  // namespace ordo::model
