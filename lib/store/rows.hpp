// What the store's files share: JSON columns, reading rows, the column lists of the
// tables' value types. Private to lib/store.
#pragma once

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace ordo::store {

using runtime::InstanceState;
using runtime::JobRow;
using runtime::TaskRow;
using runtime::Token;

// ---------------------------------------------------------------- helpers

// True when `v` holds a number JSON cannot spell (Boost.JSON writes "Infinity" and "NaN",
// which it cannot read back: one such variable would make its instance unloadable).
inline bool hasNonFinite(const boost::json::value& v);
inline bool hasNonFinite(const boost::json::object& o) {
  return std::any_of(o.begin(), o.end(), [](const auto& kv) { return hasNonFinite(kv.value()); });
}
inline bool hasNonFinite(const boost::json::value& v) {
  if (v.is_double()) return !std::isfinite(v.get_double());
  if (v.is_array())
    return std::any_of(v.get_array().begin(), v.get_array().end(),
                       [](const boost::json::value& e) { return hasNonFinite(e); });
  if (v.is_object()) return hasNonFinite(v.get_object());
  return false;
}

// Throws when `text`, just serialized from `v` (a value or an object), spells a number JSON
// cannot read back. Only a number out of range (1e400, or a computed overflow) serializes with a
// letter I or N outside a string: only the rare text that has one is walked.
template <class Json>
void rejectNonFinite(std::string_view text, const Json& v) {
  if (text.find_first_of("IN") == std::string_view::npos || !hasNonFinite(v)) return;
  throw Error(ErrorCode::invalid_argument,
              "a number out of the range of a double (infinite or not a number) cannot be stored: " +
                  std::string(text.substr(0, 80)));
}

inline std::string json(const boost::json::value& v) {
  auto text = boost::json::serialize(v);
  rejectNonFinite(text, v);
  return text;
}

inline boost::json::value parseJson(const std::string& text) {
  if (text.empty()) return nullptr;
  return boost::json::parse(text);
}

inline std::vector<std::string> parseList(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  auto v = boost::json::parse(text);
  for (const auto& e : v.as_array()) out.emplace_back(e.as_string());
  return out;
}

inline std::string listJson(const std::vector<std::string>& list) {
  boost::json::array a;
  for (const auto& s : list) a.emplace_back(s);
  return json(a);
}

// Every row of a prepared statement, read by `read`; the statement is reset after.
template <class F>
auto rows(Statement& q, F read) {
  std::vector<decltype(read(q))> out;
  while (q.step()) out.push_back(read(q));
  q.reset();
  return out;
}

inline Definition readDefinition(Statement& q) {
  Definition d;
  d.id = q.int64(0);
  d.key = q.text(1);
  d.version = static_cast<int>(q.int64(2));
  d.name = q.text(3);
  d.hash = q.text(4);
  d.deployedAt = q.int64(5);
  d.category = q.text(6);
  d.suspended = q.int64(7) != 0;
  d.publication = static_cast<Definition::Publication>(q.int64(8));
  return d;
}
inline constexpr const char* kDefinitionCols = "id, key, version, name, hash, deployed_at, category, suspended, publication";

// Into the public row or the runtime's own (the same fields by the same names).
template <class Row = Instance>
Row readInstance(Statement& q) {
  Row i;
  i.id = q.int64(0);
  i.definitionId = q.int64(1);
  i.parentId = q.isNull(2) ? 0 : q.int64(2);
  i.businessKey = q.text(3);
  i.initiator = q.text(4);
  i.tenant = q.text(5);
  i.state = instanceStateFrom(q.text(6));
  i.startedAt = q.int64(7);
  i.endedAt = q.isNull(8) ? 0 : q.int64(8);
  i.revision = q.int64(9);
  i.definitionKey = q.text(10);
  i.definitionVersion = static_cast<int>(q.int64(11));
  i.parentTokenId = q.isNull(12) ? 0 : q.int64(12);
  return i;
}
inline constexpr const char* kInstanceSelect =
    "SELECT i.id, i.definition_id, i.parent_id, i.business_key, i.initiator, i.tenant, i.state, i.started_at, "
    "i.ended_at, i.revision, d.key, d.version, i.parent_token_id FROM instances i JOIN definitions d ON d.id = "
    "i.definition_id ";

template <class Row = Task>
Row readTask(Statement& q) {
  Row t;
  t.id = q.int64(0);
  t.instanceId = q.int64(1);
  t.elementId = q.text(2);
  t.name = q.text(3);
  t.assignee = q.text(4);
  t.owner = q.text(5);
  t.state = taskStateFrom(q.text(6));
  t.createdAt = q.int64(7);
  t.endedAt = q.isNull(8) ? 0 : q.int64(8);
  t.dueAt = q.isNull(9) ? 0 : q.int64(9);
  t.priority = static_cast<int>(q.int64(10));
  t.formKey = q.text(11);
  t.candidateUsers = parseList(q.text(12));
  t.candidateGroups = parseList(q.text(13));
  t.completedBy = q.text(14);
  t.delegation = q.text(15);
  return t;
}
inline constexpr const char* kTaskCols =
    "t.id, t.instance_id, t.element_id, t.name, t.assignee, t.owner, t.state, t.created_at, t.ended_at, t.due_at, "
    "t.priority, t.form_key, t.candidate_users, t.candidate_groups, t.completed_by, t.delegation";

}  // namespace ordo::store
