// The validation rules that look at the linked model as a whole.
#pragma once

#include <ordo/diagnostic.hpp>
#include <vector>

#include "model/model.hpp"

namespace ordo::parse {

void checkRules(const model::Definitions& definitions, ValidationPurpose purpose, std::vector<Diagnostic>& out);
// The engines' own rules on events and task implementations (event_rules.cpp); `severity` is
// that of an execution problem.
void checkEventRules(const model::Definitions& definitions, const model::Process& process, Severity severity,
                     std::vector<Diagnostic>& out);

}  // namespace ordo::parse
