// Micro-benchmarks (Google Benchmark) of the per-step costs inside a command:
// evaluating a compiled condition, and parsing a model at deploy.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "expr/expr.hpp"
#include "parse/parser.hpp"

namespace {

class Vars : public ordo::expr::Variables {
 public:
  Vars() : amount_(1500), dept_("IT") {}
  const boost::json::value* find(std::string_view name) const override {
    if (name == "amount") return &amount_;
    if (name == "dept") return &dept_;
    return nullptr;
  }

 private:
  boost::json::value amount_, dept_;
};

void ConditionEvaluate(benchmark::State& state) {
  auto e = ordo::expr::Expression::compile("${amount > 1000 && dept == 'IT'}");
  Vars vars;
  for (auto _ : state) benchmark::DoNotOptimize(e.evaluateBool(vars));
}
BENCHMARK(ConditionEvaluate);

void ConditionCompile(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ordo::expr::Expression::compile("${amount > 1000 && dept == 'IT'}"));
}
BENCHMARK(ConditionCompile);

void ParseLeaveApproval(benchmark::State& state) {
  std::ifstream in(ORDO_SAMPLES "/leave-approval.bpmn");
  std::stringstream s;
  s << in.rdbuf();
  auto xml = s.str();
  for (auto _ : state) benchmark::DoNotOptimize(ordo::parse::parseDefinitions(xml));
}
BENCHMARK(ParseLeaveApproval);

}  // namespace

BENCHMARK_MAIN();
