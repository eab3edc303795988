// ordo::Actor: who acts in a command.
//
// A user acts as themselves: the engine checks that they may (the task's assignee or a
// candidate, the initiator, the role "admin" ...). An application acts for a user it names
// (a trusted integration such as a seed dialect's app key): the permissions are that
// user's. The system is the host program itself: no permission check, recorded as the
// system. There is no fourth way: an empty user id is refused, not taken as the system.
#pragma once

#include <ordo/error.hpp>
#include <string>
#include <utility>

namespace ordo {

class Actor {
 public:
  enum class Kind { user, application, system };

  static Actor user(std::string id) { return Actor(Kind::user, std::move(id), {}); }
  static Actor application(std::string application, std::string forUser) {
    if (application.empty()) throw Error(ErrorCode::invalid_argument, "an application actor needs its name");
    return Actor(Kind::application, std::move(forUser), std::move(application));
  }
  static Actor system() { return Actor(Kind::system, {}, {}); }

  // A user by id, so that engine.claimTask(id, "alice") reads as it should.
  Actor(const std::string& userId) : Actor(Kind::user, userId, {}) {}         // NOLINT: implicit on purpose
  Actor(const char* userId) : Actor(Kind::user, userId ? userId : "", {}) {}  // NOLINT

  Kind kind() const { return kind_; }
  // The user whose permissions apply (the application's user); empty for the system.
  const std::string& userId() const { return user_; }
  const std::string& applicationName() const { return application_; }
  bool isSystem() const { return kind_ == Kind::system; }

 private:
  Actor(Kind kind, std::string user, std::string application)
      : kind_(kind), user_(std::move(user)), application_(std::move(application)) {
    if (kind_ != Kind::system && user_.empty())
      throw Error(ErrorCode::invalid_argument,
                  "the acting user is empty: name the user, or pass ordo::Actor::system() to act as the host");
  }
  Kind kind_;
  std::string user_, application_;
};

}  // namespace ordo
