// Diagnostics: what validation says about a BPMN document.
//
// A Diagnostic is a plain value; a list of them is returned by value and owned
// by the caller. Validation never throws for a bad document: every problem it
// finds comes back as one Diagnostic, all at once.
#pragma once

#include <string>
#include <vector>

namespace ordo {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;       // stable, lower snake case: "duplicate_id", "unsupported" ...
  std::string message;    // one line, names the element or attribute at fault
  std::string elementId;  // empty when the problem is not tied to an element
  int line = 0;           // 1-based; 0 when unknown
  int column = 0;         // 1-based; 0 when unknown
};

// What the document is being checked for. `interchange` accepts any correct
// BPMN 2.0 model; `execution` also demands what deploying needs (an executable
// process, only elements the engine runs), turning those warnings into errors.
enum class ValidationPurpose { interchange, execution };

bool hasErrors(const std::vector<Diagnostic>& diagnostics);

// Checks BPMN 2.0 XML text. `maxBytes` and `maxDepth` bound what a hostile
// document can cost; a document beyond them is refused with one diagnostic.
struct ValidationOptions {
  ValidationPurpose purpose = ValidationPurpose::interchange;
  std::size_t maxBytes = 16u << 20;
  int maxDepth = 256;
};
std::vector<Diagnostic> validate(const std::string& xml, const ValidationOptions& options = {});

}  // namespace ordo
