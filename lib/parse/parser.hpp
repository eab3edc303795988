// Reading BPMN 2.0 XML into the model.
#pragma once

#include <memory>
#include <ordo/diagnostic.hpp>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace ordo::parse {

struct ParseResult {
  // Null when the document could not be read at all (not XML, not BPMN).
  // Otherwise the model is complete even if diagnostics hold errors, so that
  // tools can still show it; deploying requires !hasErrors(diagnostics).
  std::shared_ptr<const model::Definitions> definitions;
  std::vector<Diagnostic> diagnostics;
};

ParseResult parseDefinitions(const std::string& xml, const ValidationOptions& options = {});

}  // namespace ordo::parse
