// Authentication: HTTP Basic against the engine's users (libsodium crypto_pwhash_str hashes)
// and bearer API tokens (crypto_generichash of the secret). A verified header is remembered
// for a minute under a keyed hash of it, so a request pays crypto_pwhash once, not each time.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <ordo/engine.hpp>
#include <semaphore>
#include <string>
#include <unordered_map>

#include "server/http.hpp"

namespace ordo::server {

class Authenticator {
 public:
  Authenticator(Engine& engine, std::string anonymousUser);
  // The principal of an Authorization header (null: none given). On failure `why` says why.
  std::optional<Principal> authenticate(const std::string* header, std::string& why);
  // Drops every remembered credential (a password changed, a token was revoked, a user left).
  void forget();
  Principal principalOf(const User& user, const std::string& via) const;

  static std::string hashPassword(const std::string& password);
  static bool verifyPassword(const std::string& hash, const std::string& password);
  static std::string newTokenSecret();
  static std::string tokenHash(const std::string& secret);

 private:
  Engine& engine_;
  std::string anonymous_;
  unsigned char key_[32];
  std::mutex mutex_;
  struct Remembered {
    Principal who;
    std::chrono::steady_clock::time_point until;
  };
  std::unordered_map<std::string, Remembered> cache_;
  // crypto_pwhash takes 64 MiB and ~0.1 s each: at most two at once, so a burst of wrong
  // passwords costs time, not half a gigabyte.
  std::counting_semaphore<2> hashing_{2};
};

}  // namespace ordo::server
