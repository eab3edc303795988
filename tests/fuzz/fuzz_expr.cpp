// libFuzzer: the JUEL compiler and evaluator. The input is an expression text; it is
// compiled and, when it compiles, evaluated as a value, a condition and a string against
// variables of every JSON type. Only ordo::expr::Error may come out.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "expr/expr.hpp"

namespace {

class Vars final : public ordo::expr::Variables {
 public:
  Vars()
      : v_(boost::json::parse(
               R"({"amount": 1500, "big": 9223372036854775807, "small": -9223372036854775808, "ratio": 0.5,
                "name": "Mary", "dept": "IT", "empty": "", "nothing": null, "yes": true, "no": false,
                "list": [1, 2.5, "x", null, [3]], "map": {"a": 1, "b": {"c": "d"}}, "num": "42", "neg": -1})")
               .as_object()) {}
  const boost::json::value* find(std::string_view name) const override { return v_.if_contains(name); }

 private:
  boost::json::object v_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Vars vars;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ordo::expr::Expression e;
  try {
    e = ordo::expr::Expression::compile(text);
  } catch (const ordo::expr::Error&) {
    return 0;
  }
  (void)e.identifiers();
  (void)e.isLiteral();
  try {
    (void)e.evaluate(vars);
  } catch (const ordo::expr::Error&) {
  }
  try {
    (void)e.evaluateBool(vars);
  } catch (const ordo::expr::Error&) {
  }
  try {
    (void)e.evaluateString(vars);
  } catch (const ordo::expr::Error&) {
  }
  return 0;
}
