// The instance record's two JSON texts (runtime_record.hpp), written and read in one pass each.
#include "store/runtime_record.hpp"

#include <algorithm>
#include <charconv>

#include "store/rows.hpp"

namespace ordo::store {

SettledRuntime settle(const runtime::InstanceState& s) {
  SettledRuntime out;
  out.variables = s.variables;
  for (const auto& [id, t] : s.tokens) {
    if (!t.removed) {
      auto& k = out.tokens.emplace(id, t).first->second;
      k.isNew = k.dirty = false;
      continue;
    }
    auto vs = out.variables.find(id);
    if (vs == out.variables.end()) continue;
    // The process token's variables outlive it, as the finished instance's variables.
    if (t.parent == 0)
      for (auto& [name, value] : vs->second) out.variables[0][name] = std::move(value);
    out.variables.erase(id);
  }
  for (auto it = out.variables.begin(); it != out.variables.end();)
    it = it->second.empty() ? out.variables.erase(it) : std::next(it);
  return out;
}

bool runtimeChanged(const runtime::InstanceState& s) {
  if (s.isNew || !s.dirtyVariables.empty()) return true;
  for (const auto& [id, t] : s.tokens)
    if (t.isNew || t.dirty || t.removed) return true;
  return false;
}

namespace {

// An object's JSON appended to `out`, checked as json() checks a value (no Infinity or NaN).
void appendObject(std::string& out, const boost::json::object& o) {
  const auto from = out.size();
  out += boost::json::serialize(o);
  rejectNonFinite(std::string_view(out).substr(from), o);
}

// A string literal; element ids and token states almost never need escapes.
void appendQuoted(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char ch) {
    return ch != '"' && ch != '\\' && static_cast<unsigned char>(ch) >= 0x20;
  });
  if (!plain) {
    out += boost::json::serialize(boost::json::value(boost::json::string_view(text.data(), text.size())));
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

}  // namespace

// Written straight into one string: building a Boost.JSON array of rows first copied every
// token's data and every variable (callgrind: ~30,000 instructions an approval).
std::string encodeTokens(const std::map<Id, runtime::Token>& tokens) {
  std::string out = "[";
  for (const auto& [id, t] : tokens) {
    if (out.size() > 1) out += ',';
    out += '[';
    out += std::to_string(id);
    out += ',';
    out += t.parent ? std::to_string(t.parent) : "null";
    out += ',';
    appendQuoted(out, t.element);
    out += ',';
    appendQuoted(out, runtime::toString(t.state));
    out += ',';
    if (t.data.empty())
      out += "null";
    else
      appendObject(out, t.data);
    out += ']';
  }
  out += ']';
  return out;
}

std::string encodeVariables(const std::map<Id, boost::json::object>& variables) {
  std::string out = "{";
  for (const auto& [scope, vars] : variables) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += std::to_string(scope);
    out += "\":";
    appendObject(out, vars);
  }
  out += '}';
  return out;
}

namespace {
Id scopeOf(boost::json::string_view key) {
  Id scope = 0;
  auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), scope);
  if (ec != std::errc() || end != key.data() + key.size())
    throw Error(ErrorCode::internal, "instance record: a variable scope is not a token id: " + std::string(key));
  return scope;
}
}  // namespace

void decodeRuntime(const std::string& tokens, const std::string& variables, runtime::InstanceState& s) {
  s.tokens.clear();
  s.variables.clear();
  if (!tokens.empty()) {
    auto parsed = boost::json::parse(tokens);
    for (auto& e : parsed.as_array()) {
      auto& row = e.as_array();
      runtime::Token t;
      t.id = row.at(0).to_number<Id>();
      t.parent = row.at(1).is_null() ? 0 : row.at(1).to_number<Id>();
      t.element = std::string(row.at(2).as_string());
      t.state = runtime::tokenStateFrom(std::string(row.at(3).as_string()));
      if (row.at(4).is_object()) t.data = std::move(row.at(4).as_object());
      s.tokens.emplace(t.id, std::move(t));
    }
  }
  if (!variables.empty()) {
    auto parsed = boost::json::parse(variables);
    for (auto& [key, vars] : parsed.as_object()) s.variables[scopeOf(key)] = std::move(vars.as_object());
  }
}

}  // namespace ordo::store
