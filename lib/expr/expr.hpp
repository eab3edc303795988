// JUEL expressions, the dialect of ${...} that Flowable and Camunda 7 models
// carry in conditions, assignees and input mappings.
//
// An expression is compiled once (at deployment) and evaluated many times
// against a process instance's variables. Evaluation reaches nothing but the
// Variables it is given: there are no free functions, no bean resolution and no
// assignment; its one side effect is `execution.setVariable(name, value)`, which
// the Variables may accept (setVariable below) or refuse. Values are JSON.
//
// Coercion follows JUEL 2.2 (EL 2.2 spec, section 1.18) on JSON types: null
// counts as 0 in arithmetic and false in logic, numeric strings take part in
// arithmetic and comparison, `+` is numeric only (concatenate with templates
// such as "Hello ${name}!"), `/` always divides in doubles.
//
// Deliberate departures from JUEL, so that a model fails loudly rather than
// computing something surprising, or because the values are JSON, not Java:
//  - integer overflow, x / 0 and x % 0 are Errors (Java wraps, or gives
//    Infinity/NaN); reading a property of null is an Error (JUEL: null);
//  - a string compared with a number is read as int64 or double by its
//    spelling, so "1.5" > 1 works where JUEL (coercing to Long) fails;
//  - equals() and list.contains() compare JSON numbers by value (1 equals 1.0);
//  - integral doubles print without ".0" and arrays/objects print as compact
//    JSON; toUpperCase()/toLowerCase() map ASCII letters only;
//  - unknown methods and wrong argument counts fail at compile(), and there
//    are no functions (ns:f()); keywords may follow '.' (a.empty reads key "empty");
//  - strings accept both \' and \" whichever quote encloses them.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ordo::expr {

// Raised by compile() for a syntax error and by evaluate() for a failure at run time
// (unknown variable, wrong type, division by zero...). what() is a one-line message that
// quotes the expression text, e.g.: "unknown variable 'amount' in ${amount > 10}".
// Syntax errors also give the 1-based column in the text: "syntax error at column 9: ...".
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where evaluation looks up top-level identifiers. Returns nullptr when the name is unknown.
// The returned value must stay valid and unchanged for the duration of one evaluate() call.
class Variables {
 public:
  virtual ~Variables() = default;
  virtual const boost::json::value* find(std::string_view name) const = 0;
  // execution.setVariable / setVariableLocal in the text. A host that lets this evaluation
  // write records the value and returns true; the default refuses (evaluate() then throws).
  virtual bool setVariable(std::string_view name, const boost::json::value& value, bool local) const {
    (void)name, (void)value, (void)local;
    return false;
  }
};

// Limits checked by compile(), so that hostile text fails cleanly instead of
// exhausting the stack or memory.
inline constexpr std::size_t maxTextLength = 64 * 1024;  // bytes of source text
inline constexpr int maxNesting = 256;                   // parentheses, operators, operands

// A compiled expression. Cheap to copy (shares the compiled tree); immutable; thread-safe to evaluate.
class Expression {
 public:
  Expression();  // the empty literal ""

  // Text forms: "${...}" or "#{...}" alone -> the value of the expression (any JSON type);
  // text mixing literal parts and ${...} -> a string (concatenation, null renders as "");
  // text with no ${ -> a literal string. "\${" in literal text stands for a literal "${".
  // Throws Error on a syntax error, on text longer than maxTextLength and on
  // nesting deeper than maxNesting.
  static Expression compile(std::string_view text);

  // The value: booleans, int64, doubles, strings, null, or copies of the
  // arrays/objects read from vars. Throws Error on failure at run time.
  boost::json::value evaluate(const Variables& vars) const;

  // JUEL coercion to boolean: true/false, strings "true"/"false" (case-insensitive), null -> Error
  // ("condition ... evaluated to null"), anything else -> Error naming the type.
  bool evaluateBool(const Variables& vars) const;

  // Coerce to string (JUEL: null -> "", numbers without trailing ".0" when integral;
  // arrays and objects render as compact JSON).
  std::string evaluateString(const Variables& vars) const;

  // The source text exactly as given to compile().
  const std::string& text() const;

  bool isLiteral() const;  // no ${} inside

  // Top-level identifiers the expression reads, each once, in order of first
  // appearance (for conditional events and diagnostics). Property and method
  // names after '.' are not included.
  std::vector<std::string> identifiers() const;

 private:
  struct Impl;
  explicit Expression(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// Flowable's typed variable mappings (flowable:in targetType, flowable:out sourceType): `value`
// as "string", "integer", "long", "double", "boolean", "json" (an object or array), "array",
// "date" or "localdate" (ISO-8601 text); null stays null. Throws Error when it cannot be converted.
boost::json::value convertTo(const boost::json::value& value, std::string_view type);
bool isConversionType(std::string_view type);

}  // namespace ordo::expr
