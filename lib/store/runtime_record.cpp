// The instance record's two JSON texts (runtime_record.hpp), written and read in one pass each.
#include "store/runtime_record.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_map>

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

const std::vector<std::string>& historyNames() {
  static const std::vector<std::string> names = {
      // kinds
      "instance_started", "element_entered", "element_left", "element_cancelled", "element_skipped", "task_created",
      "task_assigned", "task_completed", "task_cancelled", "task_skipped", "instance_completed",
      "instance_terminated", "instance_rejected", "instance_withdrawn", "instance_invalidated", "instance_deleted",
      "operation", "timer_fired", "message_thrown", "error_caught", "error_propagated", "escalation_caught",
      "escalation_uncaught", "compensation_started", "transaction_cancelled", "variables_set", "draft_saved",
      // element types
      "startEvent", "endEvent", "userTask", "serviceTask", "scriptTask", "sendTask", "receiveTask", "manualTask",
      "businessRuleTask", "task", "callActivity", "subProcess", "transaction", "adHocSubProcess", "exclusiveGateway",
      "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway", "intermediateCatchEvent",
      "intermediateThrowEvent", "boundaryEvent"};
  return names;
}

namespace {
int historyCode(std::string_view name) {
  static const auto codes = [] {
    std::unordered_map<std::string_view, int> m;
    const auto& names = historyNames();
    for (std::size_t i = 0; i < names.size(); ++i) m.emplace(names[i], static_cast<int>(i) + 1);
    return m;
  }();
  auto it = codes.find(name);
  return it == codes.end() ? 0 : it->second;
}
}  // namespace

std::string encodeHistory(const std::vector<runtime::HistoryRecord>& lines, std::int64_t at, std::string_view actor) {
  std::string out;
  out.reserve(64 * lines.size() + 2);
  out += '[';
  std::string_view lastElement, lastType;  // of the line before
  for (const auto& h : lines) {
    if (out.size() > 1) out += ',';
    out += '[';
    // The element and type of the line before: 0 in the element's place, none in the type's.
    const bool same = !h.elementId.empty() && h.elementId == lastElement && h.elementType == lastType;
    // Written in place: the gaps before a field only once a later field is written, so the
    // nulls at the end are left out (a gap is null, the type's 0: no type).
    int written = 0;
    auto field = [&](int i) {
      for (; written < i; ++written) {
        if (written) out += ',';
        out += written == 2 ? "0" : "null";
      }
      if (written) out += ',';
      ++written;
    };
    auto text = [&](int i, std::string_view v) {
      if (v.empty()) return;
      field(i);
      appendQuoted(out, v);
    };
    auto number = [&](int i, std::int64_t v) {
      field(i);
      char digits[24];
      auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
      out.append(digits, end);
    };
    auto name = [&](int i, std::string_view v) {
      if (int code = historyCode(v))
        number(i, code);
      else
        text(i, v);
    };
    name(0, h.kind);
    if (same) {
      number(1, 0);
    } else {
      text(1, h.elementId);
      name(2, h.elementType);
    }
    lastElement = h.elementId;
    lastType = h.elementType;
    if (h.taskId) number(3, h.taskId);
    if (h.actor != actor) {
      field(4);
      appendQuoted(out, h.actor);  // "" where the row has an actor and the line none
    }
    text(5, h.comment);
    text(6, h.action);
    if (!h.targets.empty()) text(7, listJson(h.targets));
    if (h.at != at) number(8, h.at);
    out += ']';
  }
  out += ']';
  return out;
}

void decodeHistory(Id id, Id instance, std::int64_t at, const std::string& actor, const std::string& entries,
                   std::vector<HistoryEntry>& out) {
  const auto& names = historyNames();
  auto parsed = boost::json::parse(entries);
  Id next = id;
  std::string lastElement, lastType;
  for (const auto& line : parsed.as_array()) {
    const auto& f = line.as_array();
    auto text = [&](std::size_t i) -> std::string {
      return i < f.size() && f[i].is_string() ? std::string(f[i].as_string()) : std::string();
    };
    auto name = [&](std::size_t i) -> std::string {
      if (i < f.size() && f[i].is_int64()) {
        const auto code = f[i].as_int64();
        if (code == 0) return std::string();  // no type
        if (code < 1 || code > static_cast<std::int64_t>(names.size()))
          throw Error(ErrorCode::internal, "history line with an unknown name code " + std::to_string(code));
        return names[static_cast<std::size_t>(code - 1)];
      }
      return text(i);
    };
    HistoryEntry h;
    h.id = next++;
    h.instanceId = instance;
    h.kind = name(0);
    if (f.size() > 1 && f[1].is_int64()) {  // the line before's
      h.elementId = lastElement;
      h.elementType = lastType;
    } else {
      h.elementId = lastElement = text(1);
      h.elementType = lastType = name(2);
    }
    h.taskId = f.size() > 3 && f[3].is_int64() ? f[3].as_int64() : 0;
    h.actor = f.size() > 4 && f[4].is_string() ? std::string(f[4].as_string()) : actor;
    h.comment = text(5);
    h.action = text(6);
    h.targets = parseList(text(7));
    h.at = f.size() > 8 && f[8].is_int64() ? f[8].as_int64() : at;
    out.push_back(std::move(h));
  }
}

}  // namespace ordo::store
