// Flowable's typed variable mappings (flowable:in targetType, flowable:out sourceType): a value
// converted to a named type, in JSON's terms (dates stay ISO-8601 text: JSON has no date type).
#include <boost/json/parse.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "expr/expr.hpp"
#include "expr/internal.hpp"

namespace ordo::expr {

namespace {

[[noreturn]] void cannot(const boost::json::value& v, std::string_view type) {
  throw Error("cannot convert " + std::string(detail::typeName(v)) + " '" + detail::excerpt(detail::toText(v)) +
              "' to " + std::string(type));
}

std::int64_t toInteger(const boost::json::value& v, std::string_view type) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.get_uint64());
  if (v.is_double() && std::isfinite(v.get_double()) && std::fabs(v.get_double()) < 9.2e18)
    return static_cast<std::int64_t>(v.get_double());  // as Java's intValue(): the fraction is dropped
  if (v.is_string()) {
    std::string_view s = v.get_string();
    std::int64_t out = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty()) return out;
  }
  cannot(v, type);
}

double toDouble(const boost::json::value& v, std::string_view type) {
  if (v.is_number()) return v.to_number<double>();
  if (v.is_string()) {
    std::string_view s = v.get_string();
    double out = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty() && std::isfinite(out)) return out;
  }
  cannot(v, type);
}

boost::json::value parsedJson(const boost::json::value& v, std::string_view type) {
  if (!v.is_string()) return v;
  boost::system::error_code ec;
  auto out = boost::json::parse(std::string(v.get_string()), ec);
  if (ec) cannot(v, type);
  return out;
}

}  // namespace

bool isConversionType(std::string_view type) {
  for (const char* t : {"string", "integer", "long", "double", "boolean", "json", "array", "date", "localdate"})
    if (type == t) return true;
  return false;
}

boost::json::value convertTo(const boost::json::value& v, std::string_view type) {
  if (v.is_null()) return v;
  if (type == "string") return boost::json::value(detail::toText(v));
  if (type == "integer") {
    auto n = toInteger(v, type);
    if (n < INT32_MIN || n > INT32_MAX) cannot(v, type);
    return n;
  }
  if (type == "long") return toInteger(v, type);
  if (type == "double") return toDouble(v, type);
  if (type == "boolean") {
    if (v.is_bool()) return v;
    if (v.is_string() && (v.get_string() == "true" || v.get_string() == "false")) return v.get_string() == "true";
    cannot(v, type);
  }
  if (type == "json") {
    auto out = parsedJson(v, type);
    if (!out.is_object() && !out.is_array()) cannot(v, type);
    return out;
  }
  if (type == "array") {
    auto out = parsedJson(v, type);
    if (!out.is_array()) cannot(v, type);
    return out;
  }
  if (type == "date" || type == "localdate") {
    if (!v.is_string()) cannot(v, type);
    std::string s(v.get_string());
    // A local date is the date part of a date-time ("2025-06-15T10:30:00Z" -> "2025-06-15").
    if (type == "localdate" && s.size() > 10 && s[4] == '-' && s[7] == '-' && s[10] == 'T') s.resize(10);
    return boost::json::value(s);
  }
  throw Error("unknown conversion type '" + std::string(type) + "'");
}

}  // namespace ordo::expr
