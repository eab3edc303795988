// Script tasks: JavaScript in the sandboxed duktape child (lib/script), JUEL as an expression.
#include "runtime/execution.hpp"
#include "script/javascript.hpp"

namespace ordo::runtime {

namespace {

void finish(Execution& ex, Token& t, const model::FlowNode& n, boost::json::value result) {
  if (!n.script.resultVariable.empty()) ex.setVariable(t, n.script.resultVariable, std::move(result));
  ex.leave(t);
}

}  // namespace

void enterScriptTask(Execution& ex, Token& t, const model::FlowNode& n) {
  const auto& s = n.script;
  if (model::scriptLanguage(s.format) == model::ScriptLanguage::juel) {
    finish(ex, t, n, ex.evaluate(t, s.text, n.id));
    return;
  }
  script::Run run;
  run.source = s.text;
  run.variables = ex.visibleVariables(t);
  run.execution = ex.executionView(t).as_object();
  run.execution.erase("variables");  // the script reads them through getVariable and as globals
  run.autoStoreVariables = s.autoStoreVariables;
  const auto& env = ex.environment();
  auto out = script::runJavaScript(run, {env.scriptTimeMillis(), env.scriptMemoryBytes()});
  using K = script::Outcome::Kind;
  if (out.kind == K::failed)
    throw Error(ErrorCode::service_failed, "script task '" + n.id + "' failed: " + out.message, n.id);
  if (out.kind == K::bpmnError) {
    ex.throwBpmnError(t, out.errorCode, out.message);
    return;
  }
  for (auto& set : out.sets) {
    if (set.local)
      ex.setLocalVariable(t, set.name, std::move(set.value));
    else
      ex.setVariable(t, set.name, std::move(set.value));
  }
  finish(ex, t, n, std::move(out.result));
}

}  // namespace ordo::runtime
