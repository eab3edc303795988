// The validation rules that look at the linked model as a whole.
#pragma once

#include <ordo/diagnostic.hpp>
#include <vector>

#include "model/model.hpp"

namespace ordo::parse {

void checkRules(const model::Definitions& definitions, ValidationPurpose purpose, std::vector<Diagnostic>& out);

}  // namespace ordo::parse
