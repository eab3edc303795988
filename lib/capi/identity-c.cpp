// The C ABI: the engine's own directory of users, departments and roles.
#include "capi/capi.hpp"
#include "engine/json.hpp"

using namespace ordo;
using namespace ordo::capi;

namespace {

std::string textField(const boost::json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return {};
  if (!it->value().is_string())
    throw Error(ErrorCode::invalid_argument, std::string("field '") + key + "' must be a string");
  return std::string(it->value().as_string());
}

Department departmentFrom(const char* text) {
  auto o = json::parseObject(text, "department_json");
  for (const auto& kv : o)
    if (kv.key() != "id" && kv.key() != "name" && kv.key() != "parent" && kv.key() != "leader")
      throw Error(ErrorCode::invalid_argument, "unknown field '" + std::string(kv.key()) + "' in the department");
  Department d;
  d.id = textField(o, "id");
  if (d.id.empty()) throw Error(ErrorCode::invalid_argument, "field 'id' is required");
  d.name = textField(o, "name");
  d.parent = textField(o, "parent");
  d.leader = textField(o, "leader");
  return d;
}

boost::json::value userJson(const User& u) {
  boost::json::array roles;
  for (const auto& r : u.roles) roles.emplace_back(r);
  return {
      {"id", u.id}, {"name", u.name}, {"department", u.department}, {"roles", std::move(roles)}, {"tenant", u.tenant}};
}

}  // namespace

extern "C" {

int ordo_user_save(ordo_engine* engine, const char* user_json) {
  return guard(engine, [&] {
    if (!user_json) throw Error(ErrorCode::invalid_argument, "user_json is NULL");
    engineOf(engine).saveUser(json::user(json::parseObject(user_json, "user_json")));
  });
}

int ordo_user_get(char** out_json, ordo_engine* engine, const char* user_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    if (!user_id || !*user_id) throw Error(ErrorCode::invalid_argument, "user_id is NULL or empty");
    auto u = engineOf(engine).user(user_id);
    if (!u) throw Error(ErrorCode::not_found, "no user '" + std::string(user_id) + "'");
    *out_json = ownedJson(userJson(*u));
  });
}

int ordo_department_save(ordo_engine* engine, const char* department_json) {
  return guard(engine, [&] {
    if (!department_json) throw Error(ErrorCode::invalid_argument, "department_json is NULL");
    engineOf(engine).saveDepartment(departmentFrom(department_json));
  });
}

int ordo_role_save(ordo_engine* engine, const char* role_id, const char* name) {
  return guard(engine, [&] {
    if (!role_id || !*role_id) throw Error(ErrorCode::invalid_argument, "role_id is NULL or empty");
    engineOf(engine).saveRole(role_id, str(name));
  });
}

}  // extern "C"
