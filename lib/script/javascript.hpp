// JavaScript for script tasks: ECMAScript 5.1 through Debian's duktape.
//
// A script sees the process variables as globals and through `execution.getVariable`,
// sets them with `execution.setVariable` (as Flowable's and Camunda's scripts do), and may
// end its task with `throw new BpmnError(code)`. Each run happens in a sandboxed child
// (script/sandbox.hpp) with a heap of its own capped at the memory budget, so the engine's
// memory and time are never the script's. No heap exists unless a script runs.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace ordo::script {

struct Limits {
  std::int64_t timeMillis = 2000;
  std::size_t memoryBytes = std::size_t{64} << 20;
};

struct Run {
  std::string source;
  boost::json::object variables;    // every variable visible at the task
  boost::json::object execution;    // execution.id, .activityId, .processBusinessKey ...
  bool autoStoreVariables = false;  // Flowable's autoStoreVariables: assigned globals become variables
};

struct Outcome {
  enum class Kind { completed, bpmnError, failed };
  struct Set {
    std::string name;
    boost::json::value value;
    bool local = false;  // setVariableLocal
  };
  Kind kind = Kind::failed;
  boost::json::value result;  // the script's completion value, for resultVariable
  std::vector<Set> sets;      // in the order the script made them
  std::string errorCode;      // bpmnError
  std::string message;        // the BPMN error's message, or why the script failed
};

// Why `source` does not compile ("SyntaxError: ... (line 3)"), or empty when it does.
std::string compileError(const std::string& source);
Outcome runJavaScript(const Run& run, const Limits& limits);

}  // namespace ordo::script
