// Expression: splits a text into literal parts and ${...} bodies, compiles
// each body once, and evaluates the whole as a value or a string.

#include <algorithm>
#include <unordered_set>

#include "expr/internal.hpp"

namespace ordo::expr {

using detail::Operand;

struct Expression::Impl {
  // Either literal text or a compiled ${...} body.
  struct Part {
    std::string literal;
    std::unique_ptr<const detail::Node> body;
  };

  std::string text;
  std::vector<Part> parts;
  std::vector<std::string> identifiers;

  // "${...}" with nothing around it keeps the value's type; anything else is text.
  bool isSingleBody() const { return parts.size() == 1 && parts.front().body; }

  // Fills parts and identifiers from text.
  void split();

  // A single body's value, or the concatenation of all parts as a string.
  Operand run(const Variables& variables) const {
    const detail::Evaluation context{variables, text};
    if (isSingleBody()) return detail::evaluate(*parts.front().body, context);
    std::string out;
    for (const Part& part : parts) {
      out += part.body ? detail::toText(detail::evaluate(*part.body, context).get()) : part.literal;
    }
    return Operand::hold(boost::json::value(boost::json::string_view(out.data(), out.size())));
  }
};

Expression::Expression() {
  static const auto empty = std::make_shared<const Impl>();
  impl_ = empty;
}

Expression::Expression(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Expression Expression::compile(std::string_view text) {
  if (text.size() > maxTextLength) {
    detail::fail(
        "expression of " + std::to_string(text.size()) + " bytes exceeds the limit of " + std::to_string(maxTextLength),
        text);
  }
  auto impl = std::make_shared<Impl>();
  impl->text = std::string(text);
  impl->split();
  // Keep the first occurrence of each name, in reading order.
  std::vector<std::string> unique;
  std::unordered_set<std::string_view> seen;
  for (const std::string& name : impl->identifiers) {
    if (seen.insert(name).second) unique.push_back(name);
  }
  impl->identifiers = std::move(unique);
  return Expression(std::move(impl));
}

boost::json::value Expression::evaluate(const Variables& vars) const {
  return impl_->run(vars).release();
}

bool Expression::evaluateBool(const Variables& vars) const {
  const Operand result = impl_->run(vars);
  const boost::json::value& value = result.get();
  if (value.is_bool()) return value.get_bool();
  const std::string where = "condition " + detail::quoted(impl_->text);
  if (value.is_null()) throw Error(where + " evaluated to null");
  if (value.is_string()) {
    std::string lowered(value.get_string());
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    if (lowered == "true") return true;
    if (lowered == "false") return false;
    throw Error(where + " evaluated to a string other than \"true\" or \"false\"");
  }
  throw Error(where + " evaluated to " + (value.is_array() || value.is_object() ? "an " : "a ") +
              detail::typeName(value) + ", not a boolean");
}

std::string Expression::evaluateString(const Variables& vars) const {
  const Operand result = impl_->run(vars);
  if (result.get().is_string()) return std::string(result.get().get_string());
  return detail::toText(result.get());
}

const std::string& Expression::text() const {
  return impl_->text;
}

bool Expression::isLiteral() const {
  return std::none_of(impl_->parts.begin(), impl_->parts.end(),
                      [](const Impl::Part& part) { return part.body != nullptr; });
}

std::vector<std::string> Expression::identifiers() const {
  return impl_->identifiers;
}

// Compiles "${...}" and "#{...}" bodies between literal text; "\${" and "\#{"
// are JUEL's escapes for a literal "${" / "#{".
void Expression::Impl::split() {
  std::string literal;
  char opener = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const char c = text[at];
    const bool startsBody = (c == '$' || c == '#') && at + 1 < text.size() && text[at + 1] == '{';
    if (c == '\\' && at + 2 < text.size() && (text[at + 1] == '$' || text[at + 1] == '#') && text[at + 2] == '{') {
      literal.append(text.substr(at + 1, 2));
      at += 3;
      continue;
    }
    if (!startsBody) {
      literal.push_back(c);
      ++at;
      continue;
    }
    // JUEL refuses a composite of deferred (#) and immediate ($) parts.
    if (opener != 0 && opener != c) detail::failSyntax(at, "cannot mix ${...} and #{...} in one text", text);
    opener = c;
    if (!literal.empty()) parts.push_back({std::move(literal), nullptr});
    literal.clear();
    std::size_t next = 0;
    const std::vector<detail::Token> tokens = detail::lex(text, at + 2, next);
    parts.push_back({{}, detail::parse(tokens, text, identifiers)});
    at = next;
  }
  if (!literal.empty()) parts.push_back({std::move(literal), nullptr});
}

namespace detail {

namespace {

std::string oneLine(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return text;
}

}  // namespace

std::string quoted(std::string_view text) {
  constexpr std::size_t limit = 200;
  std::size_t keep = text.size();
  if (keep > limit) {
    keep = limit;
    // Cut before a UTF-8 continuation byte, never inside a character.
    while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;
  }
  std::string out = oneLine(std::string(text.substr(0, keep)));
  if (keep < text.size()) out += "...";
  return out;
}

void fail(const std::string& message, std::string_view text) {
  throw Error(oneLine(message) + " in " + quoted(text));
}

void failSyntax(std::size_t offset, const std::string& message, std::string_view text) {
  throw Error("syntax error at column " + std::to_string(offset + 1) + ": " + oneLine(message) + " in " + quoted(text));
}

}  // namespace detail

}  // namespace ordo::expr
