// Tasks: plain and manual (pass through), service (a handler or an external worker). User tasks: user_task.cpp.
#include <algorithm>
#include <boost/json/serialize.hpp>

#include "runtime/execution.hpp"

namespace ordo::runtime {

namespace {

class HandlerContext : public ServiceTaskContext {
 public:
  HandlerContext(Execution& ex, Token& t, const model::FlowNode& n, std::string topic)
      : ex_(ex), t_(t), n_(n), topic_(std::move(topic)) {}
  Id instanceId() const override { return ex_.state().row.id; }
  const std::string& elementId() const override { return n_.id; }
  const std::string& topic() const override { return topic_; }
  Variables variables() const override { return ex_.visibleVariables(t_); }
  void setVariable(const std::string& name, boost::json::value value) override {
    sets_.push_back({name, std::move(value), false});
  }
  void setVariableLocal(const std::string& name, boost::json::value value) override {
    sets_.push_back({name, std::move(value), true});
  }
  void throwBpmnError(const std::string& code, const std::string& message) override {
    errorCode_ = code;
    errorMessage_ = message;
  }

  struct Set {
    std::string name;
    boost::json::value value;
    bool local;
  };
  std::vector<Set> sets_;
  std::optional<std::string> errorCode_;
  std::string errorMessage_;

 private:
  Execution& ex_;
  Token& t_;
  const model::FlowNode& n_;
  std::string topic_;
};

}  // namespace

void enterTask(Execution& ex, Token& t, const model::FlowNode&) {
  ex.leave(t);
}

void enterServiceTask(Execution& ex, Token& t, const model::FlowNode& n) {
  const auto& s = n.service;
  if (s.type == "external") {
    JobRow job;
    job.id = ex.newId("jobs");
    job.tokenId = t.id;
    job.kind = "external";
    job.element = n.id;
    job.topic = s.topic;
    job.retries = 3;
    job.isNew = true;
    ex.state().jobs.push_back(std::move(job));
    ex.wait(t);
    return;
  }
  if (callServiceHandler(ex, t, n)) ex.leave(t);
}

bool callServiceHandler(Execution& ex, Token& t, const model::FlowNode& n) {
  const auto& s = n.service;
  const ServiceHandler* handler = nullptr;
  std::string name;
  for (const auto* candidate : {&s.topic, &s.type, &s.className, &s.expression, &s.delegateExpression})
    if (!candidate->empty()) {
      if (name.empty()) name = *candidate;
      if ((handler = ex.environment().serviceHandler(*candidate))) {
        name = *candidate;
        break;
      }
    }
  if (!handler && !s.expression.empty() && ex.process().hasExpression(s.expression)) {
    auto value = ex.evaluate(t, s.expression, n.id);
    if (!s.resultVariable.empty()) ex.setVariable(t, s.resultVariable, std::move(value));
    return true;
  }
  if (!handler)
    throw Error(ErrorCode::unsupported,
                name.empty() ? "service task '" + n.id + "' names no implementation (type, topic, class or expression)"
                             : "no service handler is registered for '" + name + "' (service task '" + n.id + "')",
                n.id);
  HandlerContext ctx(ex, t, n, name);
  try {
    (*handler)(ctx);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::service_failed, "service task '" + n.id + "' failed: " + e.what(), n.id);
  } catch (...) {
    throw Error(ErrorCode::service_failed, "service task '" + n.id + "' failed", n.id);
  }
  for (auto& set : ctx.sets_) {
    if (set.local)
      ex.setLocalVariable(t, set.name, set.value);
    else
      ex.setVariable(t, set.name, set.value);
  }
  if (!s.resultVariable.empty() && !ctx.sets_.empty()) ex.setVariable(t, s.resultVariable, ctx.sets_.back().value);
  if (ctx.errorCode_) {
    ex.throwBpmnError(t, *ctx.errorCode_, ctx.errorMessage_);
    return false;
  }
  return true;
}

}  // namespace ordo::runtime
