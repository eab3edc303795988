// /user, /group, /tenant (the engine's directory), Ordo's API tokens, /version, /engine.
#include <algorithm>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"

namespace ordo::server::camunda7 {

namespace {

value profileDto(const User& u) {
  auto space = u.name.find(' ');
  return object{{"id", u.id},
                {"firstName", space == std::string::npos ? u.name : u.name.substr(0, space)},
                {"lastName", space == std::string::npos ? std::string() : u.name.substr(space + 1)},
                {"email", nullptr},
                {"ordoDepartment", strOrNull(u.department)},
                {"ordoTenantId", strOrNull(u.tenant)},
                {"ordoGroups", array(u.roles.begin(), u.roles.end())}};
}

bool seesUser(const Principal& who, const User& u) {
  return who.admin || u.tenant == who.tenant;
}

User visibleUser(Call& c, const std::string& id) {
  auto u = c.engine.user(id);
  if (!u || !seesUser(c.who, *u)) throw Error(ErrorCode::not_found, "User with id '" + id + "' does not exist");
  return *u;
}

std::string fullName(const object& p) {
  auto first = text(p, "firstName"), last = text(p, "lastName");
  return first.empty() ? last : last.empty() ? first : first + " " + last;
}

void checkPassword(const std::string& password, const char* field) {
  if (password.size() < 8)
    throw Error(ErrorCode::invalid_argument, std::string(field) + ": a password needs at least 8 characters");
}

Response createUser(Call& c) {
  const auto& b = body(c);
  const auto& p = b.at("profile").as_object();
  User u;
  u.id = text(p, "id");
  if (u.id.empty()) throw Error(ErrorCode::invalid_argument, "profile.id: must not be empty");
  if (c.engine.user(u.id)) throw Error(ErrorCode::conflict, "profile.id: user '" + u.id + "' already exists");
  u.name = fullName(p);
  u.department = text(p, "ordoDepartment");
  u.tenant = text(p, "ordoTenantId");
  u.roles = strings(p, "ordoGroups");
  std::string hash;
  if (auto* cr = b.if_contains("credentials"); cr && cr->is_object()) {
    auto password = text(cr->as_object(), "password");
    checkPassword(password, "credentials.password");
    hash = Authenticator::hashPassword(password);
  }
  c.engine.saveUser(u);
  if (!hash.empty()) c.engine.setPasswordHash(u.id, hash);
  return server::noContent();
}

Response users(Call& c, bool count) {
  auto id = param(c, "id"), first = param(c, "firstName"), last = param(c, "lastName"),
       group = param(c, "memberOfGroup"), tenant = param(c, "memberOfTenant"), idIn = param(c, "idIn");
  std::vector<User> out;
  for (auto& u : c.engine.users()) {
    if (!seesUser(c.who, u)) continue;
    if (!id.empty() && u.id != id) continue;
    if (!idIn.empty() && ("," + idIn + ",").find("," + u.id + ",") == std::string::npos) continue;
    auto profile = profileDto(u).as_object();
    if (!first.empty() && profile["firstName"].as_string() != first) continue;
    if (!last.empty() && profile["lastName"].as_string() != last) continue;
    if (!group.empty() && std::find(u.roles.begin(), u.roles.end(), group) == u.roles.end()) continue;
    if (!tenant.empty() && u.tenant != tenant) continue;
    out.push_back(std::move(u));
  }
  if (count) return json(200, countOf(out.size()));
  page(out, c);
  array a;
  for (const auto& u : out) a.push_back(profileDto(u));
  return json(200, a);
}

value groupDto(const std::pair<std::string, std::string>& g) {
  return object{{"id", g.first}, {"name", strOrNull(g.second)}, {"type", "WORKFLOW"}};
}

std::pair<std::string, std::string> group(Call& c, const std::string& id) {
  for (const auto& g : c.engine.roles())
    if (g.first == id) return g;
  throw Error(ErrorCode::not_found, "Group with id '" + id + "' does not exist");
}

Response groups(Call& c, bool count) {
  auto id = param(c, "id"), name = param(c, "name"), member = param(c, "member");
  std::optional<User> m;
  if (!member.empty()) m = c.engine.user(member);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& g : c.engine.roles()) {
    if (!id.empty() && g.first != id) continue;
    if (!name.empty() && g.second != name) continue;
    if (!member.empty() && (!m || std::find(m->roles.begin(), m->roles.end(), g.first) == m->roles.end())) continue;
    out.push_back(g);
  }
  if (count) return json(200, countOf(out.size()));
  page(out, c);
  array a;
  for (const auto& g : out) a.push_back(groupDto(g));
  return json(200, a);
}

Tenant tenant(Call& c, const std::string& id) {
  for (const auto& t : c.engine.tenants())
    if (t.id == id && (c.who.admin || c.who.tenant == id)) return t;
  throw Error(ErrorCode::not_found, "Tenant with id '" + id + "' does not exist");
}

Response tenants(Call& c, bool count) {
  auto id = param(c, "id"), name = param(c, "name"), member = param(c, "userMember");
  std::optional<User> m;
  if (!member.empty()) m = c.engine.user(member);
  std::vector<Tenant> out;
  for (const auto& t : c.engine.tenants()) {
    if (!c.who.admin && t.id != c.who.tenant) continue;
    if (!id.empty() && t.id != id) continue;
    if (!name.empty() && t.name != name) continue;
    if (!member.empty() && (!m || m->tenant != t.id)) continue;
    out.push_back(t);
  }
  if (count) return json(200, countOf(out.size()));
  page(out, c);
  array a;
  for (const auto& t : out) a.push_back(object{{"id", t.id}, {"name", strOrNull(t.name)}});
  return json(200, a);
}

value tokenDto(const ApiToken& t) {
  return object{{"id", idString(t.id)},
                {"userId", t.user},
                {"name", strOrNull(t.name)},
                {"createdAt", isoTime(t.createdAt)},
                {"revoked", t.revokedAt != 0}};
}

}  // namespace

void addIdentityRoutes(RouteTable& t) {
  using namespace schema;
  t.add(R("GET", "/version", "Engine", "The Camunda REST API version this server speaks")
            .returns(obj({{"version", str()}}))
            .handle([](Call&) {
              return json(200, object{{"version", "7.22.0"}, {"ordoVersion", "0.1.0"}});
            })
            .route);
  t.add(R("GET", "/engine", "Engine", "The process engines")
            .returns(arrayOf(obj({{"name", str()}})))
            .handle([](Call&) {
              return json(200, array{object{{"name", "default"}}});
            })
            .route);
  auto profile = obj({{"id", str()},
                      {"firstName", str()},
                      {"lastName", str()},
                      {"email", str()},
                      {"ordoDepartment", str("Ordo: the user's department id")},
                      {"ordoTenantId", str("Ordo: the user's tenant")},
                      {"ordoGroups", arrayOf(str())}},
                     {"id"});
  t.add(R("POST", "/user/create", "User", "Create a user")
            .admin()
            .body(obj({{"profile", profile}, {"credentials", obj({{"password", str()}}, {"password"})}}, {"profile"}))
            .noContent()
            .handle(createUser)
            .route);
  auto userParams = [](R& r) {
    r.query("id").query("idIn").query("firstName").query("lastName").query("memberOfGroup").query("memberOfTenant");
  };
  R ul("GET", "/user", "User", "List users");
  userParams(ul);
  t.add(ul.paged().returns(arrayOf(profile)).handle([](Call& c) { return users(c, false); }).route);
  R uc("GET", "/user/count", "User", "Count users");
  userParams(uc);
  t.add(uc.returns(countSchema()).handle([](Call& c) { return users(c, true); }).route);
  t.add(R("GET", "/user/{id}/profile", "User", "Get a user's profile")
            .returns(profile)
            .handle([](Call& c) { return json(200, profileDto(visibleUser(c, c.request.params.at("id")))); })
            .route);
  t.add(R("PUT", "/user/{id}/profile", "User", "Update a user's profile")
            .body(profile)
            .noContent()
            .handle([](Call& c) {
              auto u = visibleUser(c, c.request.params.at("id"));
              if (!c.who.admin && c.who.user != u.id)
                throw Error(ErrorCode::forbidden, "id: only an administrator or the user may change a profile");
              const auto& b = body(c);
              if (!text(b, "id").empty() && text(b, "id") != u.id)
                throw Error(ErrorCode::invalid_argument, "id: a user's id cannot change");
              u.name = fullName(b);
              if (c.who.admin) {
                if (b.contains("ordoDepartment")) u.department = text(b, "ordoDepartment");
                if (b.contains("ordoTenantId")) u.tenant = text(b, "ordoTenantId");
                if (b.contains("ordoGroups")) u.roles = strings(b, "ordoGroups");
              }
              c.engine.saveUser(u);
              c.state.auth.forget();
              return server::noContent();
            })
            .route);
  t.add(R("PUT", "/user/{id}/credentials", "User", "Change a user's password")
            .body(obj({{"password", str()}, {"authenticatedUserPassword", str()}}, {"password"}))
            .noContent()
            .handle([](Call& c) {
              auto u = visibleUser(c, c.request.params.at("id"));
              const auto& b = body(c);
              if (!c.who.admin) {
                if (c.who.user != u.id)
                  throw Error(ErrorCode::forbidden, "id: only an administrator or the user may change a password");
                auto current = c.engine.passwordHash(u.id);
                if (current.empty() || !Authenticator::verifyPassword(current, text(b, "authenticatedUserPassword")))
                  throw Error(ErrorCode::invalid_argument, "authenticatedUserPassword: wrong password");
              }
              auto password = text(b, "password");
              checkPassword(password, "password");
              c.engine.setPasswordHash(u.id, Authenticator::hashPassword(password));
              c.state.auth.forget();
              return server::noContent();
            })
            .route);
  t.add(R("DELETE", "/user/{id}", "User", "Delete a user")
            .admin()
            .noContent()
            .handle([](Call& c) {
              auto u = visibleUser(c, c.request.params.at("id"));
              c.engine.deleteUser(u.id);
              c.state.auth.forget();
              return server::noContent();
            })
            .route);
  auto groupSchema = obj({{"id", str()}, {"name", str()}, {"type", str()}}, {"id"});
  t.add(R("POST", "/group/create", "Group", "Create a group (an Ordo role)")
            .admin()
            .body(groupSchema)
            .noContent()
            .handle([](Call& c) {
              auto id = text(body(c), "id");
              if (id.empty()) throw Error(ErrorCode::invalid_argument, "id: must not be empty");
              for (const auto& g : c.engine.roles())
                if (g.first == id) throw Error(ErrorCode::conflict, "id: group '" + id + "' already exists");
              c.engine.saveRole(id, text(body(c), "name"));
              return server::noContent();
            })
            .route);
  auto groupParams = [](R& r) { r.query("id").query("name").query("member"); };
  R gl("GET", "/group", "Group", "List groups");
  groupParams(gl);
  t.add(gl.paged().returns(arrayOf(groupSchema)).handle([](Call& c) { return groups(c, false); }).route);
  R gc("GET", "/group/count", "Group", "Count groups");
  groupParams(gc);
  t.add(gc.returns(countSchema()).handle([](Call& c) { return groups(c, true); }).route);
  t.add(R("GET", "/group/{id}", "Group", "Get a group")
            .returns(groupSchema)
            .handle([](Call& c) { return json(200, groupDto(group(c, c.request.params.at("id")))); })
            .route);
  t.add(R("PUT", "/group/{id}", "Group", "Update a group's name")
            .admin()
            .body(groupSchema)
            .noContent()
            .handle([](Call& c) {
              auto g = group(c, c.request.params.at("id"));
              c.engine.saveRole(g.first, text(body(c), "name"));
              return server::noContent();
            })
            .route);
  t.add(R("DELETE", "/group/{id}", "Group", "Delete a group")
            .admin()
            .noContent()
            .handle([](Call& c) {
              c.engine.deleteRole(group(c, c.request.params.at("id")).first);
              c.state.auth.forget();
              return server::noContent();
            })
            .route);
  auto membership = [](bool add) {
    return [add](Call& c) {
      auto g = group(c, c.request.params.at("id"));
      auto u = visibleUser(c, c.request.params.at("userId"));
      auto it = std::find(u.roles.begin(), u.roles.end(), g.first);
      if (add && it == u.roles.end()) u.roles.push_back(g.first);
      if (!add && it != u.roles.end()) u.roles.erase(it);
      c.engine.saveUser(u);
      c.state.auth.forget();
      return server::noContent();
    };
  };
  t.add(R("PUT", "/group/{id}/members/{userId}", "Group", "Add a user to a group")
            .admin()
            .noContent()
            .handle(membership(true))
            .route);
  t.add(R("DELETE", "/group/{id}/members/{userId}", "Group", "Remove a user from a group")
            .admin()
            .noContent()
            .handle(membership(false))
            .route);
  auto tenantSchema = obj({{"id", str()}, {"name", str()}}, {"id"});
  t.add(R("POST", "/tenant/create", "Tenant", "Create a tenant")
            .admin()
            .body(tenantSchema)
            .noContent()
            .handle([](Call& c) {
              auto id = text(body(c), "id");
              if (id.empty()) throw Error(ErrorCode::invalid_argument, "id: must not be empty");
              for (const auto& known : c.engine.tenants())
                if (known.id == id) throw Error(ErrorCode::conflict, "id: tenant '" + id + "' already exists");
              c.engine.saveTenant({id, text(body(c), "name")});
              return server::noContent();
            })
            .route);
  auto tenantParams = [](R& r) { r.query("id").query("name").query("userMember"); };
  R tl("GET", "/tenant", "Tenant", "List tenants");
  tenantParams(tl);
  t.add(tl.paged().returns(arrayOf(tenantSchema)).handle([](Call& c) { return tenants(c, false); }).route);
  R tc("GET", "/tenant/count", "Tenant", "Count tenants");
  tenantParams(tc);
  t.add(tc.returns(countSchema()).handle([](Call& c) { return tenants(c, true); }).route);
  t.add(R("GET", "/tenant/{id}", "Tenant", "Get a tenant")
            .returns(tenantSchema)
            .handle([](Call& c) {
              auto x = tenant(c, c.request.params.at("id"));
              return json(200, object{{"id", x.id}, {"name", strOrNull(x.name)}});
            })
            .route);
  t.add(R("DELETE", "/tenant/{id}", "Tenant", "Delete a tenant")
            .admin()
            .noContent()
            .handle([](Call& c) {
              c.engine.deleteTenant(tenant(c, c.request.params.at("id")).id);
              return server::noContent();
            })
            .route);
  auto tenantMember = [](bool add) {
    return [add](Call& c) {
      auto x = tenant(c, c.request.params.at("id"));
      auto u = visibleUser(c, c.request.params.at("userId"));
      if (add) u.tenant = x.id;
      if (!add && u.tenant == x.id) u.tenant.clear();
      c.engine.saveUser(u);
      c.state.auth.forget();
      return server::noContent();
    };
  };
  t.add(
      R("PUT", "/tenant/{id}/user-members/{userId}", "Tenant", "Make a user a member of a tenant (Ordo: its only one)")
          .admin()
          .noContent()
          .handle(tenantMember(true))
          .route);
  t.add(R("DELETE", "/tenant/{id}/user-members/{userId}", "Tenant", "Remove a user from a tenant")
            .admin()
            .noContent()
            .handle(tenantMember(false))
            .route);
  t.add(R("POST", "/ordo/tokens", "Ordo", "Ordo: issue an API token to a user (shown once)")
            .admin()
            .body(obj({{"userId", str()}, {"name", str()}}, {"userId"}))
            .returns(obj({{"id", str()}, {"userId", str()}, {"token", str()}}))
            .handle([](Call& c) {
              auto user = text(body(c), "userId");
              if (user.empty()) throw Error(ErrorCode::invalid_argument, "userId: must not be empty");
              auto secret = Authenticator::newTokenSecret();
              Id id = c.engine.createApiToken(user, text(body(c), "name"), Authenticator::tokenHash(secret));
              return json(200, object{{"id", idString(id)},
                                      {"userId", user},
                                      {"name", strOrNull(text(body(c), "name"))},
                                      {"token", secret}});
            })
            .route);
  t.add(R("GET", "/ordo/tokens", "Ordo", "Ordo: list API tokens (an administrator's: all; a user's: their own)")
            .returns(arrayOf(obj({{"id", str()}, {"userId", str()}, {"revoked", boolean()}})))
            .handle([](Call& c) {
              array a;
              for (const auto& tk : c.engine.apiTokens(c.who.admin ? std::string() : c.who.user))
                a.push_back(tokenDto(tk));
              return json(200, a);
            })
            .route);
  t.add(R("DELETE", "/ordo/tokens/{id}", "Ordo", "Ordo: revoke an API token")
            .noContent()
            .handle([](Call& c) {
              const auto& id = c.request.params.at("id");
              Id n = parseId(id, "Token");
              bool mine = false;
              for (const auto& tk : c.engine.apiTokens(c.who.admin ? std::string() : c.who.user))
                mine = mine || (tk.id == n && !tk.revokedAt);
              if (!mine) throw Error(ErrorCode::not_found, "Token with id '" + id + "' does not exist");
              c.engine.revokeApiToken(n);
              c.state.auth.forget();
              return server::noContent();
            })
            .route);
  // Departments with their leaders (the leader chains of the assignment rules); one by id,
  // as the console reads those its users name.
  auto departmentSchema = obj({{"id", str()}, {"name", str()}, {"parent", str("the parent department's id")},
                               {"leader", str("the leader's user id")}});
  auto departmentDto = [](const Department& d) {
    return object{{"id", d.id}, {"name", d.name}, {"parent", strOrNull(d.parent)}, {"leader", strOrNull(d.leader)}};
  };
  t.add(R("GET", "/ordo/departments/{id}", "User", "Ordo: a department with its parent and leader")
            .returns(departmentSchema)
            .handle([=](Call& c) {
              const auto& id = c.request.params.at("id");
              auto d = c.engine.department(id);
              if (!d) throw Error(ErrorCode::not_found, "Department with id '" + id + "' does not exist");
              return json(200, departmentDto(*d));
            })
            .route);
  // Both check what they name: the parent department and the leader must exist.
  auto saveDepartment = [=](Call& c, const std::string& id) {
    const auto& b = body(c);
    Department d{id, text(b, "name"), text(b, "parent"), text(b, "leader")};
    if (d.name.empty()) d.name = d.id;
    if (!d.parent.empty() && !c.engine.department(d.parent))
      throw Error(ErrorCode::not_found, "parent: department '" + d.parent + "' does not exist");
    if (!d.leader.empty() && !c.engine.user(d.leader))
      throw Error(ErrorCode::not_found, "leader: user '" + d.leader + "' does not exist");
    c.engine.saveDepartment(d);
    return json(200, departmentDto(d));
  };
  t.add(R("POST", "/ordo/departments", "User", "Ordo: create a department (its name, parent and leader)")
            .admin()
            .body(obj({{"id", str()}, {"name", str()}, {"parent", str()}, {"leader", str()}}, {"id"}))
            .returns(departmentSchema)
            .handle([=](Call& c) {
              auto id = text(body(c), "id");
              if (id.empty()) throw Error(ErrorCode::invalid_argument, "id: a department needs one");
              if (c.engine.department(id))
                throw Error(ErrorCode::conflict, "id: department '" + id + "' already exists");
              return saveDepartment(c, id);
            })
            .route);
  t.add(R("PUT", "/ordo/departments/{id}", "User", "Ordo: change a department's name, parent or leader")
            .admin()
            .body(obj({{"name", str()}, {"parent", str()}, {"leader", str()}}))
            .returns(departmentSchema)
            .handle([=](Call& c) {
              const auto& id = c.request.params.at("id");
              if (!c.engine.department(id))
                throw Error(ErrorCode::not_found, "Department with id '" + id + "' does not exist");
              return saveDepartment(c, id);
            })
            .route);
}

}  // namespace ordo::server::camunda7
