// Identity: users, roles and departments, as the engine sees them.
//
// By default the engine keeps them in its own SQLite file (Engine::saveUser ...).
// A host with its own directory implements ordo::Directory and passes it in
// EngineOptions::directory; the engine then asks it instead, on the thread
// running the command that needs the answer (its caller's, or the one running
// its group-commit batch).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ordo {

struct User {
  std::string id, name;
  std::string department;          // department id, may be empty
  std::vector<std::string> roles;  // role (group) ids; "admin" may do every operation
  std::string tenant;
  bool disabled = false;  // kept by Engine::setUserDisabled; a dialect refuses a disabled user's credentials
};

struct Department {
  std::string id, name;
  std::string parent;  // empty at the root
  std::string leader;  // user id
};

class Directory {
 public:
  virtual ~Directory() = default;
  virtual std::optional<User> user(const std::string& id) const = 0;
  virtual std::optional<Department> department(const std::string& id) const = 0;
  virtual std::vector<std::string> usersWithRole(const std::string& role) const = 0;
  virtual std::vector<std::string> usersInDepartment(const std::string& department) const {
    (void)department;
    return {};
  }
};

}  // namespace ordo
