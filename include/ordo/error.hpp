// Errors of the C++ API.
//
// Every failing call of ordo::Engine throws ordo::Error and leaves the
// database exactly as it was before the call.
#pragma once

#include <ordo/diagnostic.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace ordo {

// Stable codes; their names (toString) are the lower snake case words the
// scenario format and the HTTP API use.
enum class ErrorCode {
  not_found = 1,
  invalid_argument,
  parse_error,
  expression_error,
  no_outgoing_flow,
  wrong_state,
  forbidden,
  limit_exceeded,
  conflict,
  unsupported,
  unhandled_bpmn_error,
  service_failed,
  busy,
  io_error,
  interrupted,
  internal,
};
const char* toString(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, std::string elementId = {})
      : std::runtime_error(message), code_(code), elementId_(std::move(elementId)) {}

  ErrorCode code() const { return code_; }
  // The BPMN element at fault, when there is one.
  const std::string& elementId() const { return elementId_; }
  // For parse_error: every problem found in the model.
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  Error& withDiagnostics(std::vector<Diagnostic> d) {
    diagnostics_ = std::move(d);
    return *this;
  }

 private:
  ErrorCode code_;
  std::string elementId_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace ordo
