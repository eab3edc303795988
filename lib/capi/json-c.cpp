// The C ABI's JSON: the one reader of numbers, and the shapes the engine's writers lack.
#include <string>

#include "capi/capi.hpp"
#include "engine/json.hpp"

namespace ordo::capi {

namespace {

// What a bad value was, for the message: short, and never the whole of a long string.
std::string described(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "a list";
    case boost::json::kind::object: return "an object";
    case boost::json::kind::bool_: return v.as_bool() ? "true" : "false";
    case boost::json::kind::null: return "null";
    default: {
      auto text = boost::json::serialize(v);
      return text.size() > 40 ? text.substr(0, 40) + "..." : text;
    }
  }
}

std::string range(std::int64_t min, std::int64_t max) {
  if (max == kMaxInt64) return ">= " + std::to_string(min);
  return "from " + std::to_string(min) + " to " + std::to_string(max);
}

[[noreturn]] void refuse(std::string_view field, std::int64_t min, std::int64_t max, const std::string& got) {
  throw Error(ErrorCode::invalid_argument,
              "field '" + std::string(field) + "' must be an integer " + range(min, max) + ", not " + got);
}

}  // namespace

std::int64_t integerOf(const boost::json::value& v, std::string_view field, std::int64_t min, std::int64_t max) {
  std::int64_t n = 0;
  if (v.is_int64()) {
    n = v.as_int64();
  } else if (v.is_uint64()) {
    if (v.as_uint64() > static_cast<std::uint64_t>(kMaxInt64)) refuse(field, min, max, described(v));
    n = static_cast<std::int64_t>(v.as_uint64());
  } else {
    // A double (a fraction, an exponent, or an integer beyond 64 bits) and every non-number.
    refuse(field, min, max, described(v));
  }
  if (n < min || n > max) refuse(field, min, max, std::to_string(n));
  return n;
}

void checkIntegers(const boost::json::object& o, std::initializer_list<IntegerField> fields) {
  for (const auto& f : fields) {
    auto it = o.find(f.name);
    if (it == o.end() || it->value().is_null()) continue;
    (void)integerOf(it->value(), f.name, f.min, f.max);
  }
}

void checkArgument(std::int64_t value, const char* name, std::int64_t min, std::int64_t max) {
  if (value < min || value > max)
    throw Error(ErrorCode::invalid_argument,
                std::string(name) + " must be " + range(min, max) + ", not " + std::to_string(value));
}

boost::json::object requestObject(const char* text, const char* what, std::initializer_list<IntegerField> fields) {
  auto o = json::parseObject(text, what);
  checkIntegers(o, fields);
  return o;
}

boost::json::value historyJson(const HistoryEntry& h) {
  auto v = json::toJson(h);
  auto& o = v.as_object();
  o["action"] = h.action;
  boost::json::array targets;
  for (const auto& t : h.targets) targets.emplace_back(t);
  o["targets"] = std::move(targets);
  return v;
}

boost::json::value incidentJson(const Incident& i) {
  return {{"id", i.id},           {"instanceId", i.instanceId}, {"jobId", i.jobId},          {"elementId", i.elementId},
          {"message", i.message}, {"createdAt", i.createdAt},   {"resolvedAt", i.resolvedAt}};
}

}  // namespace ordo::capi
