// The methods a JUEL expression may call on a value: the handful of
// java.lang.String, java.util.List and java.util.Map methods that Flowable
// and Camunda models use, applied to JSON strings, arrays and objects.
// Arguments a Java method declares as String are coerced to string, as JUEL
// does (null -> ""). Case mapping is ASCII only.

#include <algorithm>
#include <optional>

#include "expr/internal.hpp"

namespace ordo::expr::detail {
namespace {

struct Method {
  std::string_view name;
  int arity;
};

constexpr Method methods[] = {
    {"toString", 0},
    {"equals", 1},
    {"contains", 1},
    {"startsWith", 1},
    {"endsWith", 1},
    {"length", 0},
    {"toUpperCase", 0},
    {"toLowerCase", 0},
    {"trim", 0},
    {"concat", 1},
    {"equalsIgnoreCase", 1},
    {"isEmpty", 0},
    {"size", 0},
    {"get", 1},
    {"containsKey", 1},
    // the read-only `execution` view a host provides: {"variables": {...}, ...}
    {"getVariable", 1},
    {"hasVariable", 1},
    {"getVariables", 0},
    {"setVariable", 2},
    {"setVariableLocal", 2},
};

Operand integer(std::size_t n) {
  return Operand::hold(boost::json::value(static_cast<std::int64_t>(n)));
}
Operand text(std::string_view s) {
  return Operand::hold(boost::json::value(boost::json::string_view(s.data(), s.size())));
}

char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// std::nullopt: no such method on strings.
std::optional<Operand> stringMethod(std::string_view name, std::string_view s, const std::vector<Operand>& arguments) {
  const auto argument = [&] { return toText(arguments.at(0).get()); };
  if (name == "contains") return boolean(s.find(argument()) != std::string_view::npos);
  if (name == "startsWith") return boolean(s.starts_with(argument()));
  if (name == "endsWith") return boolean(s.ends_with(argument()));
  if (name == "length") return integer(javaLength(s));
  if (name == "isEmpty") return boolean(s.empty());
  if (name == "concat") return text(std::string(s) + argument());
  if (name == "toUpperCase" || name == "toLowerCase") {
    std::string mapped(s);
    std::transform(mapped.begin(), mapped.end(), mapped.begin(), name == "toUpperCase" ? upper : asciiLower);
    return text(mapped);
  }
  if (name == "trim") {
    // Java's trim() drops every character up to and including ' '.
    const auto blank = [](char c) { return static_cast<unsigned char>(c) <= ' '; };
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return text(s);
  }
  if (name == "equalsIgnoreCase") {
    const boost::json::value& other = arguments.at(0).get();
    if (other.is_null()) return boolean(false);
    const std::string t = toText(other);
    return boolean(equalsIgnoreCase(s, t));
  }
  return std::nullopt;
}

std::optional<Operand> listMethod(std::string_view name, const Operand& target, const std::vector<Operand>& arguments,
                                  const Evaluation& context) {
  const boost::json::array& items = target.get().get_array();
  if (name == "size") return integer(items.size());
  if (name == "isEmpty") return boolean(items.empty());
  if (name == "contains") {
    const boost::json::value& wanted = arguments.at(0).get();
    return boolean(std::any_of(items.begin(), items.end(),
                               [&](const boost::json::value& item) { return sameValue(item, wanted); }));
  }
  if (name == "get") {
    // Unlike list[i], Java's List.get(i) refuses an index out of range.
    const std::int64_t index = toIndex(arguments.at(0).get(), context);
    if (index < 0 || static_cast<std::uint64_t>(index) >= items.size()) {
      fail("index " + excerpt(toText(arguments.at(0).get())) + " is out of range for an array of size " +
               std::to_string(items.size()),
           context.text);
    }
    return target.part(items[static_cast<std::size_t>(index)]);
  }
  return std::nullopt;
}

std::optional<Operand> mapMethod(std::string_view name, const Operand& target, const std::vector<Operand>& arguments,
                                 const Evaluation& context) {
  const boost::json::object& entries = target.get().get_object();
  if (name == "setVariable" || name == "setVariableLocal") {
    // DelegateExecution's writer: the host decides whether this evaluation may write.
    if (!entries.contains("variables")) return std::nullopt;
    const boost::json::value& key = arguments.at(0).get();
    if (!key.is_string() || key.get_string().empty())
      fail(std::string(name) + " needs a variable name as its first argument", context.text);
    if (!context.variables.setVariable(key.get_string(), arguments.at(1).get(), name == "setVariableLocal"))
      fail(std::string(name) + " is not allowed in this expression (only where the engine runs it as an action)",
           context.text);
    return Operand{};
  }
  if (name == "size") return integer(entries.size());
  if (name == "isEmpty") return boolean(entries.empty());
  if (name == "getVariable" || name == "hasVariable" || name == "getVariables") {
    // DelegateExecution's readers, on an object that carries its variables under "variables".
    const boost::json::value* vars = entries.if_contains("variables");
    if (!vars || !vars->is_object()) return std::nullopt;
    if (name == "getVariables") return target.part(*vars);
    const boost::json::value& key = arguments.at(0).get();
    const boost::json::value* found = key.is_null() ? nullptr : vars->get_object().if_contains(toText(key));
    if (name == "hasVariable") return boolean(found != nullptr);
    return found ? target.part(*found) : Operand{};
  }
  if (name == "containsKey" || name == "get") {
    const boost::json::value& key = arguments.at(0).get();
    const boost::json::value* found = key.is_null() ? nullptr : entries.if_contains(toText(key));
    if (name == "containsKey") return boolean(found != nullptr);
    return found ? target.part(*found) : Operand{};
  }
  return std::nullopt;
}

}  // namespace

int methodArity(std::string_view name) {
  for (const Method& method : methods) {
    if (method.name == name) return method.arity;
  }
  return -1;
}

Operand callMethod(const Node& node, const Operand& target, const std::vector<Operand>& arguments,
                   const Evaluation& context) {
  const std::string& name = node.name;
  const boost::json::value& value = target.get();
  if (value.is_null()) {
    const Node& owner = *node.operands[0];
    const std::string what = owner.op == Op::variable ? "variable '" + owner.name + "', which is null" : "null";
    fail("cannot call method '" + name + "' on " + what, context.text);
  }
  // java.lang.Object's methods, which every value has.
  if (name == "toString") return text(toText(value));
  if (name == "equals") return boolean(sameValue(value, arguments.at(0).get()));
  std::optional<Operand> result;
  if (value.is_string()) result = stringMethod(name, value.get_string(), arguments);
  if (value.is_array()) result = listMethod(name, target, arguments, context);
  if (value.is_object()) result = mapMethod(name, target, arguments, context);
  if (!result) fail(std::string("type ") + typeName(value) + " has no method '" + name + "'", context.text);
  return std::move(*result);
}

}  // namespace ordo::expr::detail
