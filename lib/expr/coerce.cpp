// JUEL 2.2 type coercion (EL 2.2 spec, section 1.18) applied to JSON values.

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <system_error>

#include "expr/internal.hpp"

namespace ordo::expr::detail {
namespace {

[[noreturn]] void notNumeric(std::string_view s, const Evaluation& context) {
  fail("cannot coerce string '" + excerpt(s) + "' to a number", context.text);
}

// Like Java's Long.valueOf / Double.valueOf, which JUEL picks by the presence
// of '.', 'e' or 'E'; '+' is allowed, spaces and "NaN" are not.
Number parseNumber(std::string_view s, const Evaluation& context) {
  std::string_view digits = s;
  const bool plus = !digits.empty() && digits.front() == '+';
  if (plus) digits.remove_prefix(1);  // from_chars reads '-' but not '+'
  const std::size_t body = !plus && !digits.empty() && digits.front() == '-' ? 1 : 0;
  if (digits.size() <= body || !(std::isdigit(static_cast<unsigned char>(digits[body])) || digits[body] == '.')) {
    notNumeric(s, context);
  }
  const char* first = digits.data();
  const char* last = digits.data() + digits.size();
  Number number;
  number.isReal = digits.find_first_of(".eE") != std::string_view::npos;
  const auto result =
      number.isReal ? std::from_chars(first, last, number.real) : std::from_chars(first, last, number.integer);
  if (result.ec == std::errc::result_out_of_range) {
    fail("string '" + excerpt(s) + "' is out of range for a number", context.text);
  }
  if (result.ec != std::errc() || result.ptr != last) notNumeric(s, context);
  return number;
}

std::string realText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  // JUEL users write ${amount} in messages and expect "5", not Java's "5.0".
  if (d == std::trunc(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<std::int64_t>(d));
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, result.ptr);
}

// Compact JSON like boost::json::serialize, but with numbers spelled as in
// toText ("3" rather than "3E0"). Iterative, so any depth is safe.
std::string containerText(const boost::json::value& root) {
  struct Frame {
    const boost::json::value* container;
    std::size_t next;
  };
  std::string out;
  std::vector<Frame> stack;
  const auto open = [&](const boost::json::value& v) {
    if (v.is_array() || v.is_object()) {
      out.push_back(v.is_array() ? '[' : '{');
      stack.push_back({&v, 0});
    } else if (v.is_string()) {
      out += boost::json::serialize(v.get_string());
    } else {
      out += v.is_null() ? "null" : toText(v);
    }
  };
  open(root);
  while (!stack.empty()) {
    const boost::json::value& container = *stack.back().container;
    const std::size_t index = stack.back().next++;
    const std::size_t size = container.is_array() ? container.get_array().size() : container.get_object().size();
    if (index == size) {
      out.push_back(container.is_array() ? ']' : '}');
      stack.pop_back();
      continue;
    }
    if (index > 0) out.push_back(',');
    if (container.is_array()) {
      open(container.get_array()[index]);
    } else {
      const boost::json::key_value_pair& entry = *(container.get_object().begin() + index);
      out += boost::json::serialize(entry.key());
      out.push_back(':');
      open(entry.value());
    }
  }
  return out;
}

}  // namespace

const char* typeName(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "number";
    case boost::json::kind::string: return "string";
    case boost::json::kind::array: return "array";
    case boost::json::kind::object: return "object";
  }
  return "value";
}

Number toNumber(const boost::json::value& value, const Evaluation& context) {
  Number number;
  switch (value.kind()) {
    case boost::json::kind::null: return number;
    case boost::json::kind::int64: number.integer = value.get_int64(); return number;
    case boost::json::kind::uint64:
      // Above INT64_MAX only a double can hold it.
      if (value.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) {
        number.isReal = true;
        number.real = static_cast<double>(value.get_uint64());
      } else {
        number.integer = static_cast<std::int64_t>(value.get_uint64());
      }
      return number;
    case boost::json::kind::double_:
      number.isReal = true;
      number.real = value.get_double();
      return number;
    case boost::json::kind::string: {
      const std::string_view s = value.get_string();
      if (s.empty()) return number;
      return parseNumber(s, context);
    }
    default: fail(std::string("cannot coerce ") + typeName(value) + " to a number", context.text);
  }
}

bool toBoolean(const boost::json::value& value, const Evaluation& context) {
  switch (value.kind()) {
    case boost::json::kind::null: return false;
    case boost::json::kind::bool_: return value.get_bool();
    // Java's Boolean.valueOf: anything but "true" in some case is false.
    case boost::json::kind::string: return equalsIgnoreCase(value.get_string(), "true");
    default: fail(std::string("cannot coerce ") + typeName(value) + " to a boolean", context.text);
  }
}

std::string toText(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: return {};
    case boost::json::kind::bool_: return value.get_bool() ? "true" : "false";
    case boost::json::kind::int64: return std::to_string(value.get_int64());
    case boost::json::kind::uint64: return std::to_string(value.get_uint64());
    case boost::json::kind::double_: return realText(value.get_double());
    case boost::json::kind::string: return std::string(value.get_string());
    case boost::json::kind::array:
    case boost::json::kind::object: return containerText(value);
  }
  return {};
}

bool sameValue(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
  }
  return a == b;
}

// Java's intValue() for numbers, Integer.valueOf for strings.
std::int64_t toIndex(const boost::json::value& key, const Evaluation& context) {
  Number n;
  if (key.is_number()) {
    n = toNumber(key, context);
  } else if (key.is_string()) {
    try {
      n = toNumber(key, context);
    } catch (const Error&) {
      // "Cannot coerce 'size' to a number" would puzzle someone who wrote list.size.
      fail("cannot use string '" + excerpt(key.get_string()) + "' as an array index", context.text);
    }
  } else {
    fail(std::string("cannot use ") + typeName(key) + " as an array index", context.text);
  }
  if (!n.isReal) return n.integer;
  if (!std::isfinite(n.real) || std::fabs(n.real) > 1e18) return -1;
  return static_cast<std::int64_t>(n.real);
}

std::string excerpt(std::string_view s) {
  constexpr std::size_t limit = 40;
  std::size_t keep = std::min(s.size(), limit);
  while (keep < s.size() && keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80) --keep;
  std::string out(s.substr(0, keep));
  if (keep < s.size()) out += "...";
  return out;
}

std::size_t javaLength(std::string_view utf8) {
  std::size_t units = 0;
  for (const char c : utf8) {
    const auto u = static_cast<unsigned char>(c);
    if ((u & 0xC0) != 0x80) ++units;  // not a continuation byte
    if (u >= 0xF0) ++units;           // outside the BMP: a surrogate pair in UTF-16
  }
  return units;
}

}  // namespace ordo::expr::detail
