#include "server/auth.hpp"

#include <sodium.h>

#include <algorithm>

namespace ordo::server {

namespace {

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

bool decodeBase64(const std::string& in, std::string& out) {
  std::string buf(in.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(buf.data()), buf.size(), in.data(), in.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  out.assign(buf.data(), len);
  return true;
}

void initSodium() {
  static const int ok = sodium_init();
  if (ok < 0) throw Error(ErrorCode::internal, "libsodium failed to initialise");
}

}  // namespace

Authenticator::Authenticator(Engine& engine, std::string anonymousUser)
    : engine_(engine), anonymous_(std::move(anonymousUser)) {
  initSodium();
  randombytes_buf(key_, sizeof key_);
}

Principal Authenticator::principalOf(const User& u, const std::string& via) const {
  Principal p;
  p.user = u.id;
  p.tenant = u.tenant;
  p.roles = u.roles;
  p.admin = std::find(u.roles.begin(), u.roles.end(), "admin") != u.roles.end();
  p.service = std::find(u.roles.begin(), u.roles.end(), "service") != u.roles.end();
  p.via = via;
  return p;
}

std::optional<Principal> Authenticator::authenticate(const std::string* header, std::string& why) {
  if (!header || header->empty()) {
    if (anonymous_.empty()) {
      why = "authentication required: send HTTP Basic credentials or a bearer API token";
      return std::nullopt;
    }
    auto u = engine_.user(anonymous_);
    Principal p = u ? principalOf(*u, "anonymous") : Principal{};
    if (!u) {
      p.user = anonymous_;
      p.admin = anonymous_ == "admin";
      p.via = "anonymous";
    }
    return p;
  }
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(header->data()), header->size(),
                     key_, sizeof key_);
  std::string cacheKey = hex(digest, sizeof digest);
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(cacheKey);
    if (it != cache_.end() && it->second.until > now) return it->second.who;
  }
  std::optional<Principal> who;
  auto space = header->find(' ');
  std::string scheme = header->substr(0, space);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string rest = space == std::string::npos ? std::string() : header->substr(space + 1);
  if (scheme == "basic") {
    std::string decoded;
    auto colon = std::string::npos;
    if (decodeBase64(rest, decoded)) colon = decoded.find(':');
    if (colon == std::string::npos) {
      why = "Authorization: malformed Basic credentials";
      return std::nullopt;
    }
    std::string id = decoded.substr(0, colon), password = decoded.substr(colon + 1);
    auto u = engine_.user(id);
    auto hash = u ? engine_.passwordHash(id) : std::string();
    bool verified = false;
    if (u && !hash.empty()) {
      hashing_.acquire();
      verified = verifyPassword(hash, password);
      hashing_.release();
    }
    if (!verified) {
      why = "Authorization: wrong user name or password";
      return std::nullopt;
    }
    who = principalOf(*u, "basic");
  } else if (scheme == "bearer") {
    auto token = rest.empty() ? std::nullopt : engine_.apiTokenByHash(tokenHash(rest));
    auto u = token ? engine_.user(token->user) : std::nullopt;
    if (!u) {
      why = "Authorization: unknown or revoked API token";
      return std::nullopt;
    }
    who = principalOf(*u, "bearer");
  } else {
    why = "Authorization: unsupported scheme '" + scheme + "' (use Basic or Bearer)";
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  if (cache_.size() > 10000) cache_.clear();
  cache_[cacheKey] = {*who, now + std::chrono::seconds(60)};
  return who;
}

void Authenticator::forget() {
  std::lock_guard lock(mutex_);
  cache_.clear();
}

std::string Authenticator::hashPassword(const std::string& password) {
  initSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw Error(ErrorCode::internal, "crypto_pwhash_str ran out of memory");
  return out;
}

bool Authenticator::verifyPassword(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string Authenticator::newTokenSecret() {
  initSodium();
  unsigned char raw[24];
  randombytes_buf(raw, sizeof raw);
  return "ordo_" + hex(raw, sizeof raw);
}

std::string Authenticator::tokenHash(const std::string& secret) {
  initSodium();
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                     nullptr, 0);
  return hex(digest, sizeof digest);
}

}  // namespace ordo::server
