// Evaluates a compiled tree against variables: JUEL 2.2 operator semantics
// (EL 2.2 spec, sections 1.6 to 1.10) on JSON values.
// Where a rule departs from JUEL (see expr.hpp), a comment says so.

#include <cmath>

#include "expr/internal.hpp"

namespace ordo::expr::detail {
namespace {

Operand integer(std::int64_t i) {
  return Operand::hold(boost::json::value(i));
}
Operand real(double d) {
  return Operand::hold(boost::json::value(d));
}

bool isContainer(const boost::json::value& v) {
  return v.is_array() || v.is_object();
}

[[gnu::noinline]] Operand arithmetic(Op op, const boost::json::value& a, const boost::json::value& b,
                                     const Evaluation& context) {
  // JUEL: both null gives 0 whatever the operator, even / and %.
  if (a.is_null() && b.is_null()) return integer(0);
  const Number x = toNumber(a, context);
  const Number y = toNumber(b, context);
  // JUEL: / always works in doubles, so 3 / 2 is 1.5.
  if (op == Op::divide) {
    // Departure: Java gives Infinity or NaN, which no gateway condition can mean.
    if (y.asReal() == 0) fail("division by zero", context.text);
    return real(x.asReal() / y.asReal());
  }
  if (x.isReal || y.isReal) {
    const double l = x.asReal();
    const double r = y.asReal();
    switch (op) {
      case Op::add: return real(l + r);
      case Op::subtract: return real(l - r);
      case Op::multiply: return real(l * r);
      default:
        if (r == 0) fail("modulo by zero", context.text);
        return real(std::fmod(l, r));  // Java's % on doubles truncates like fmod
    }
  }
  std::int64_t result = 0;
  bool overflow = false;
  switch (op) {
    case Op::add: overflow = __builtin_add_overflow(x.integer, y.integer, &result); break;
    case Op::subtract: overflow = __builtin_sub_overflow(x.integer, y.integer, &result); break;
    case Op::multiply: overflow = __builtin_mul_overflow(x.integer, y.integer, &result); break;
    default:
      if (y.integer == 0) fail("modulo by zero", context.text);
      // INT64_MIN % -1 traps on x86; the answer is 0.
      result = y.integer == -1 ? 0 : x.integer % y.integer;
      break;
  }
  // Departure: Java wraps around silently.
  if (overflow) fail("integer overflow", context.text);
  return integer(result);
}

[[gnu::noinline]] Operand negate(const boost::json::value& a, const Evaluation& context) {
  const Number x = toNumber(a, context);
  if (x.isReal) return real(-x.real);
  if (x.integer == INT64_MIN) fail("integer overflow", context.text);
  return integer(-x.integer);
}

[[gnu::noinline]] bool equal(const boost::json::value& a, const boost::json::value& b, const Evaluation& context) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.is_number() || b.is_number()) {
    // Departure, as in relation(): "10.0" == 10 is true where JUEL would fail.
    const Number x = toNumber(a, context);
    const Number y = toNumber(b, context);
    if (x.isReal || y.isReal) return x.asReal() == y.asReal();
    return x.integer == y.integer;
  }
  if (a.is_bool() || b.is_bool()) return toBoolean(a, context) == toBoolean(b, context);
  if (a.is_string() || b.is_string()) return toText(a) == toText(b);
  return a == b;  // two arrays or two objects: deep equality
}

[[gnu::noinline]] bool relation(Op op, const boost::json::value& a, const boost::json::value& b,
                                const Evaluation& context) {
  // JUEL: every ordering comparison with null is false.
  if (a.is_null() || b.is_null()) return false;
  if (isContainer(a) || isContainer(b)) {
    fail(std::string("cannot order ") + typeName(a) + " and " + typeName(b), context.text);
  }
  int order = 0;
  if (a.is_number() || b.is_number()) {
    // Departure: a numeric string is read by its spelling, not as the other side's type.
    const Number x = toNumber(a, context);
    const Number y = toNumber(b, context);
    if (x.isReal || y.isReal) {
      const double l = x.asReal();
      const double r = y.asReal();
      if (std::isnan(l) || std::isnan(r)) return false;
      order = l < r ? -1 : (l > r ? 1 : 0);
    } else {
      order = x.integer < y.integer ? -1 : (x.integer > y.integer ? 1 : 0);
    }
  } else if (a.is_string() || b.is_string()) {
    order = toText(a).compare(toText(b));  // byte order of UTF-8 is code point order
  } else {
    order = static_cast<int>(a.get_bool()) - static_cast<int>(b.get_bool());  // false < true
  }
  switch (op) {
    case Op::less: return order < 0;
    case Op::greater: return order > 0;
    case Op::lessEqual: return order <= 0;
    default: return order >= 0;
  }
}

bool isEmpty(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return true;
    case boost::json::kind::string: return v.get_string().empty();
    case boost::json::kind::array: return v.get_array().empty();
    case boost::json::kind::object: return v.get_object().empty();
    default: return false;
  }
}

[[gnu::noinline]] Operand lookup(const Node& node, const Operand& base, const Operand& key, const Evaluation& context) {
  const boost::json::value& b = base.get();
  const boost::json::value& k = key.get();
  switch (b.kind()) {
    case boost::json::kind::object: {
      // JUEL's map resolver: a missing key reads as null.
      if (k.is_null()) return {};
      const boost::json::value* found = b.get_object().if_contains(toText(k));
      return found ? base.part(*found) : Operand{};
    }
    case boost::json::kind::array: {
      // JUEL's list resolver: an index out of range reads as null.
      if (k.is_null()) return {};
      const std::int64_t index = toIndex(k, context);
      const boost::json::array& items = b.get_array();
      if (index < 0 || static_cast<std::uint64_t>(index) >= items.size()) return {};
      return base.part(items[static_cast<std::size_t>(index)]);
    }
    case boost::json::kind::null: {
      // Departure: JUEL yields null, which hides a missing variable until later.
      const Node& owner = *node.operands[0];
      const std::string what = owner.op == Op::variable ? "variable '" + owner.name + "', which is null" : "null";
      fail("cannot read property '" + excerpt(toText(k)) + "' of " + what, context.text);
    }
    default: fail("cannot read property '" + excerpt(toText(k)) + "' of a " + typeName(b), context.text);
  }
}

[[gnu::noinline]] Operand property(const Node& node, const Evaluation& context) {
  const Operand base = evaluate(*node.operands[0], context);
  const Operand key = evaluate(*node.operands[1], context);
  return lookup(node, base, key, context);
}

[[gnu::noinline]] Operand method(const Node& node, const Evaluation& context) {
  const Operand target = evaluate(*node.operands[0], context);
  std::vector<Operand> arguments;
  arguments.reserve(node.operands.size() - 1);
  for (std::size_t i = 1; i < node.operands.size(); ++i) arguments.push_back(evaluate(*node.operands[i], context));
  return callMethod(node, target, arguments, context);
}

bool test(const Node& node, const Evaluation& context) {
  return toBoolean(evaluate(node, context).get(), context);
}

[[gnu::noinline]] Operand variable(const Node& node, const Evaluation& context) {
  const boost::json::value* found = context.variables.find(node.name);
  if (found == nullptr) fail("unknown variable '" + node.name + "'", context.text);
  return Operand::borrow(*found);
}

[[gnu::noinline]] Operand unary(const Node& node, const Evaluation& context) {
  const Operand operand = evaluate(*node.operands[0], context);
  switch (node.op) {
    case Op::negate: return negate(operand.get(), context);
    case Op::logicalNot: return boolean(!toBoolean(operand.get(), context));
    default: return boolean(isEmpty(operand.get()));
  }
}

[[gnu::noinline]] Operand binary(const Node& node, const Evaluation& context) {
  const Operand left = evaluate(*node.operands[0], context);
  const Operand right = evaluate(*node.operands[1], context);
  const boost::json::value& a = left.get();
  const boost::json::value& b = right.get();
  switch (node.op) {
    case Op::equal: return boolean(equal(a, b, context));
    case Op::notEqual: return boolean(!equal(a, b, context));
    case Op::less:
    case Op::greater:
    case Op::lessEqual:
    case Op::greaterEqual: return boolean(relation(node.op, a, b, context));
    default: return arithmetic(node.op, a, b, context);
  }
}

// Flowable's variable functions (org.flowable.common.engine.impl.el.function): the first
// argument names a variable, which reads as null when it is not set.
[[gnu::noinline]] Operand function(const Node& node, const Evaluation& context) {
  const std::string variableName = toText(evaluate(*node.operands[0], context).get());
  const boost::json::value* found = context.variables.find(variableName);
  static const boost::json::value null;
  const boost::json::value& v = found ? *found : null;
  std::vector<Operand> args;
  for (std::size_t i = 1; i < node.operands.size(); ++i) args.push_back(evaluate(*node.operands[i], context));
  const std::string& f = node.name;
  if (f == "get") return found ? Operand::borrow(*found) : Operand{};
  if (f == "getOrDefault") return found && !found->is_null() ? Operand::borrow(*found) : std::move(args.at(0));
  if (f == "exists") return boolean(found != nullptr);
  if (f == "isEmpty" || f == "empty") return boolean(isEmpty(v));
  if (f == "isNotEmpty" || f == "notEmpty") return boolean(!isEmpty(v));
  if (f == "equals" || f == "eq") return boolean(!v.is_null() && equal(v, args.at(0).get(), context));
  if (f == "notEquals" || f == "ne") return boolean(v.is_null() || !equal(v, args.at(0).get(), context));
  if (f == "contains" || f == "containsAny") {
    // A string contains substrings, a list contains elements; contains needs all, containsAny one.
    bool all = f == "contains", any = false;
    for (const auto& a : args) {
      bool has = false;
      if (v.is_string()) has = std::string_view(v.get_string()).find(toText(a.get())) != std::string_view::npos;
      if (v.is_array())
        for (const auto& e : v.get_array()) has = has || sameValue(e, a.get());
      all = all && has;
      any = any || has;
    }
    return boolean(f == "contains" ? all && !args.empty() : any);
  }
  const auto cmp = [&](Op op) { return boolean(!v.is_null() && relation(op, v, args.at(0).get(), context)); };
  if (f == "lowerThan" || f == "lt") return cmp(Op::less);
  if (f == "lowerThanOrEquals" || f == "lte") return cmp(Op::lessEqual);
  if (f == "greaterThan" || f == "gt") return cmp(Op::greater);
  if (f == "greaterThanOrEquals" || f == "gte") return cmp(Op::greaterEqual);
  fail("unknown function '" + f + "'", context.text);
}

}  // namespace

bool functionArity(std::string_view name, int& min, int& max) {
  struct F {
    std::string_view name;
    int min, max;
  };
  static constexpr F table[] = {
      {"get", 1, 1},          {"getOrDefault", 2, 2}, {"exists", 1, 1},   {"isEmpty", 1, 1},
      {"empty", 1, 1},        {"isNotEmpty", 1, 1},   {"notEmpty", 1, 1}, {"equals", 2, 2},
      {"eq", 2, 2},           {"notEquals", 2, 2},    {"ne", 2, 2},       {"contains", 2, -1},
      {"containsAny", 2, -1}, {"lowerThan", 2, 2},    {"lt", 2, 2},       {"lowerThanOrEquals", 2, 2},
      {"lte", 2, 2},          {"greaterThan", 2, 2},  {"gt", 2, 2},       {"greaterThanOrEquals", 2, 2},
      {"gte", 2, 2},
  };
  for (const auto& f : table)
    if (f.name == name) {
      min = f.min;
      max = f.max;
      return true;
    }
  return false;
}

// Recursion depth is the tree's height, which the parser bounds by maxNesting;
// the work of each operator happens in helpers, keeping this frame small.
Operand evaluate(const Node& node, const Evaluation& context) {
  switch (node.op) {
    case Op::literal: return Operand::borrow(node.literal);
    case Op::variable: return variable(node, context);
    case Op::property: return property(node, context);
    case Op::method: return method(node, context);
    case Op::function: return function(node, context);
    case Op::negate:
    case Op::logicalNot:
    case Op::empty: return unary(node, context);
    case Op::logicalAnd: return boolean(test(*node.operands[0], context) && test(*node.operands[1], context));
    case Op::logicalOr: return boolean(test(*node.operands[0], context) || test(*node.operands[1], context));
    case Op::choose: return evaluate(test(*node.operands[0], context) ? *node.operands[1] : *node.operands[2], context);
    default: return binary(node, context);
  }
}

}  // namespace ordo::expr::detail
