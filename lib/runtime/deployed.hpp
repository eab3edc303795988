// A deployed process: its definition row, the shared immutable model, and
// every expression of the model compiled once at deployment.
#pragma once

#include <memory>
#include <ordo/diagnostic.hpp>
#include <ordo/engine.hpp>
#include <string>
#include <unordered_map>

#include "expr/expr.hpp"
#include "model/model.hpp"

namespace ordo::runtime {

struct CompiledModel {
  std::shared_ptr<const model::Definitions> model;
  std::unordered_map<std::string, expr::Expression> expressions;  // by source text
  // The message or signal name of each definition of a process-level start event, by
  // "<start id>/<index>": a name expression (flowable:messageExpression="${'start'}${1+1}") is
  // evaluated at deploy, without variables.
  std::unordered_map<std::string, std::string> startEventNames;
  static std::string startEventKey(const std::string& startId, std::size_t index) {
    return startId + "/" + std::to_string(index);
  }

  // Compiles every expression of the model; a syntax error becomes a diagnostic naming the element.
  static std::shared_ptr<CompiledModel> compile(std::shared_ptr<const model::Definitions> model,
                                                std::vector<Diagnostic>& diagnostics);
  const expr::Expression& expression(const std::string& text) const;
  bool has(const std::string& text) const { return expressions.count(text) != 0; }
};

struct DeployedProcess {
  Definition definition;
  std::shared_ptr<const CompiledModel> compiled;
  const model::Process* process = nullptr;

  const model::Definitions& model() const { return *compiled->model; }
  const expr::Expression& expression(const std::string& text) const { return compiled->expression(text); }
  bool hasExpression(const std::string& text) const { return compiled->has(text); }
};

}  // namespace ordo::runtime
