#include "server/schema.hpp"

#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <ordo/error.hpp>

namespace ordo::server {

namespace {
const char* kindOf(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "integer";
    case boost::json::kind::double_: return "number";
    case boost::json::kind::string: return "string";
    case boost::json::kind::array: return "array";
    case boost::json::kind::object: return "object";
  }
  return "value";
}

bool isType(const std::string& t, const boost::json::value& v) {
  if (t == "integer")
    return v.is_int64() || v.is_uint64() ||
           (v.is_double() && v.as_double() == static_cast<double>(static_cast<long long>(v.as_double())));
  if (t == "number") return v.is_number();
  return t == kindOf(v);
}

std::string field(const std::string& at) {
  return at.empty() ? "body" : at;
}
}  // namespace

namespace {
std::mutex checksMutex;
std::map<std::string, ValueCheck>& checks() {
  static std::map<std::string, ValueCheck> all;
  return all;
}
}  // namespace

void registerCheck(const std::string& name, ValueCheck check) {
  std::lock_guard lock(checksMutex);
  checks()[name] = check;
}

void checkSchema(const boost::json::value& s, const boost::json::value& v, const std::string& at) {
  if (!s.is_object()) return;
  const auto& o = s.as_object();
  if (auto* name = o.if_contains("x-ordo-check"); name && name->is_string()) {
    ValueCheck check = nullptr;
    {
      std::lock_guard lock(checksMutex);
      auto it = checks().find(std::string(name->as_string()));
      if (it != checks().end()) check = it->second;
    }
    if (check) check(v, field(at));
  }
  if (auto* t = o.if_contains("type")) {
    bool ok = false;
    std::string want;
    if (t->is_string()) {
      want = std::string(t->as_string());
      ok = isType(want, v);
    } else if (t->is_array()) {
      for (const auto& one : t->as_array()) {
        if (!want.empty()) want += " or ";
        want += std::string(one.as_string());
        ok = ok || isType(std::string(one.as_string()), v);
      }
    }
    if (!ok)
      throw Error(ErrorCode::invalid_argument, field(at) + ": expected " +
                                                   (want == "object"  ? "an object"
                                                    : want == "array" ? "an array"
                                                                      : want) +
                                                   ", got " + kindOf(v));
  }
  if (v.is_object()) {
    const auto& obj = v.as_object();
    if (auto* req = o.if_contains("required"))
      for (const auto& name : req->as_array())
        if (!obj.contains(name.as_string()))
          throw Error(ErrorCode::invalid_argument,
                      (at.empty() ? "" : at + ".") + std::string(name.as_string()) + ": is required");
    const boost::json::object* props = nullptr;
    if (auto* p = o.if_contains("properties")) props = &p->as_object();
    const boost::json::value* extra = o.if_contains("additionalProperties");
    for (const auto& [k, child] : obj) {
      std::string path = at.empty() ? std::string(k) : at + "." + std::string(k);
      if (props && props->contains(k))
        checkSchema(props->at(k), child, path);
      else if (extra && extra->is_object())
        checkSchema(*extra, child, path);
    }
  } else if (v.is_array()) {
    if (auto* items = o.if_contains("items")) {
      std::size_t i = 0;
      for (const auto& child : v.as_array()) checkSchema(*items, child, field(at) + "[" + std::to_string(i++) + "]");
    }
  }
  if (auto* e = o.if_contains("enum")) {
    bool found = false;
    for (const auto& one : e->as_array()) found = found || one == v;
    if (!found)
      throw Error(ErrorCode::invalid_argument,
                  field(at) + ": must be one of " + boost::json::serialize(*e) + ", got " + boost::json::serialize(v));
  }
}

namespace schema {
namespace {
boost::json::value typed(const char* type, const char* description) {
  boost::json::object o{{"type", type}};
  if (description) o["description"] = description;
  return o;
}
}  // namespace
boost::json::value str(const char* d) {
  return typed("string", d);
}
boost::json::value integer(const char* d) {
  return typed("integer", d);
}
boost::json::value number(const char* d) {
  return typed("number", d);
}
boost::json::value boolean(const char* d) {
  return typed("boolean", d);
}
boost::json::value any(const char* d) {
  boost::json::object o;
  if (d) o["description"] = d;
  return o;
}
boost::json::value arrayOf(boost::json::value items) {
  return boost::json::object{{"type", "array"}, {"items", std::move(items)}};
}
boost::json::value mapOf(boost::json::value values) {
  return boost::json::object{{"type", "object"}, {"additionalProperties", std::move(values)}};
}
boost::json::value obj(std::initializer_list<std::pair<const char*, boost::json::value>> properties,
                       std::initializer_list<const char*> required) {
  boost::json::object props;
  for (const auto& [k, v] : properties) props[k] = v;
  boost::json::object o{{"type", "object"}, {"properties", std::move(props)}};
  if (required.size()) {
    boost::json::array r;
    for (const char* k : required) r.emplace_back(k);
    o["required"] = std::move(r);
  }
  return o;
}
boost::json::value typedValue() {
  auto o = obj({{"value", any("the value; for type Json a JSON text")},
                {"type", str("String, Integer, Long, Short, Double, Boolean, Json, Date, Null, Object")},
                {"valueInfo", typed("object", nullptr)}});
  o.as_object()["x-ordo-check"] = "typedValue";
  return o;
}
boost::json::value variables() {
  return mapOf(typedValue());
}
boost::json::value ref(const char* component) {
  return boost::json::object{{"$ref", std::string("#/components/schemas/") + component}};
}
}  // namespace schema

}  // namespace ordo::server
