// The public API's value types: how their enums are spelled in the store, the C ABI and
// the dialects. The lowest layer, so that every other one may name a state.
#include <array>
#include <ordo/engine.hpp>
#include <string_view>

namespace ordo {

namespace {

template <class E, std::size_t N>
E parse(const std::array<const char*, N>& names, const std::string& text, const char* what) {
  for (std::size_t i = 0; i < N; ++i)
    if (text == names[i]) return static_cast<E>(i);
  std::string known;
  for (auto* n : names) known += (known.empty() ? "" : ", ") + std::string(n);
  throw Error(ErrorCode::invalid_argument, std::string(what) + ": '" + text + "' is none of " + known);
}

// In the order of the enums' declarations.
constexpr std::array<const char*, 8> kInstanceStates = {"running",    "suspended", "draft",       "completed",
                                                        "terminated", "rejected",  "invalidated", "deleted"};
constexpr std::array<const char*, 3> kTaskStates = {"open", "completed", "cancelled"};
constexpr std::array<const char*, 3> kPublications = {"deployed", "published", "offline"};

}  // namespace

const char* toString(Instance::State s) {
  return kInstanceStates.at(static_cast<std::size_t>(s));
}
Instance::State instanceStateFrom(const std::string& text) {
  return parse<Instance::State>(kInstanceStates, text, "instance state");
}
const char* toString(Task::State s) {
  return kTaskStates.at(static_cast<std::size_t>(s));
}
Task::State taskStateFrom(const std::string& text) {
  return parse<Task::State>(kTaskStates, text, "task state");
}
const char* toString(Definition::Publication p) {
  return kPublications.at(static_cast<std::size_t>(p));
}
Definition::Publication publicationFrom(const std::string& text) {
  return parse<Definition::Publication>(kPublications, text, "publication");
}

}  // namespace ordo
