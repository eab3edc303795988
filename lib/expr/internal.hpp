// Private to lib/expr: tokens, the compiled tree, and the evaluation helpers
// shared by lexer.cpp, parser.cpp, coerce.cpp, eval.cpp and methods.cpp.
#pragma once

#include "expr/expr.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ordo::expr::detail {

// ---- errors ---------------------------------------------------------------

// The expression text as it appears in a message: one line, bounded length.
std::string quoted(std::string_view text);

// Throws Error("<message> in <text>"); control characters in the message
// become spaces so that what() stays on one line.
[[noreturn]] void fail(const std::string& message, std::string_view text);

// Throws Error("syntax error at column <n>: <message> in <text>").
[[noreturn]] void failSyntax(std::size_t offset, const std::string& message, std::string_view text);

// ---- lexer ----------------------------------------------------------------

enum class TokenKind : unsigned char {
  integer,
  real,
  string,
  identifier,
  keywordTrue,
  keywordFalse,
  keywordNull,
  keywordEmpty,
  keywordInstanceof,  // reserved by JUEL, never valid here
  andOp,              // && and
  orOp,               // || or
  notOp,              // ! not
  equal,              // == eq
  notEqual,           // != ne
  less,               // < lt
  greater,            // > gt
  lessEqual,          // <= le
  greaterEqual,       // >= ge
  plus,
  minus,
  times,
  divide,  // / div
  modulo,  // % mod
  question,
  colon,
  dot,
  comma,
  openParen,
  closeParen,
  openBracket,
  closeBracket,
  end,  // the closing '}'
};

struct Token {
  TokenKind kind;
  std::size_t offset;  // into the whole text, for messages
  std::string text;    // identifier name, keyword spelling, or decoded string
  std::int64_t integer = 0;
  double real = 0;
};

// Tokens of one ${...} body starting at `start` (just after "${"), up to and
// including the closing '}' as TokenKind::end. Sets `next` to the offset after '}'.
std::vector<Token> lex(std::string_view text, std::size_t start, std::size_t& next);

// How a token is named in a syntax error: "'+'", "identifier 'a'", "'}'".
std::string describe(const Token& token);

// ---- compiled tree --------------------------------------------------------

enum class Op : unsigned char {
  literal,
  variable,
  property,  // operands: base, key (a.b stores key "b" as a literal)
  method,    // operands: target, arguments...; name = method name
  negate,
  logicalNot,
  empty,
  add,
  subtract,
  multiply,
  divide,
  modulo,
  equal,
  notEqual,
  less,
  greater,
  lessEqual,
  greaterEqual,
  logicalAnd,
  logicalOr,
  choose,    // operands: condition, then, else
  function,  // Flowable's variables:/vars:/var: functions; name = function; operand 0 = variable name
};

struct Node {
  Op op = Op::literal;
  int height = 1;  // longest path to a leaf; bounded by maxNesting
  std::string name;
  boost::json::value literal;
  std::vector<std::unique_ptr<const Node>> operands;
};

// Parses the tokens of one ${...} body. Appends each variable name read to
// `identifiers` (duplicates included).
std::unique_ptr<const Node> parse(const std::vector<Token>& tokens, std::string_view text,
                                  std::vector<std::string>& identifiers);

// Flowable's variable functions (vars:equals(x, 1)): the argument counts they take,
// min and max (-1: any number); false when there is no such function.
bool functionArity(std::string_view name, int& min, int& max);

// Number of arguments a supported method takes, or -1 when no value type has it.
int methodArity(std::string_view name);

// ---- evaluation -----------------------------------------------------------

// A value during evaluation: borrowed from the variables or the compiled tree
// when possible, so that reading a.b.c never copies a whole document.
class Operand {
 public:
  Operand() = default;
  static Operand borrow(const boost::json::value& value) {
    Operand o;
    o.borrowed_ = &value;
    return o;
  }
  static Operand hold(boost::json::value value) {
    Operand o;
    o.held_ = std::move(value);
    return o;
  }
  const boost::json::value& get() const { return borrowed_ ? *borrowed_ : held_; }
  bool isBorrowed() const { return borrowed_ != nullptr; }
  // A part of this operand's value, borrowed if this one is, else copied.
  Operand part(const boost::json::value& inside) const { return borrowed_ ? borrow(inside) : hold(inside); }
  boost::json::value release() && { return borrowed_ ? *borrowed_ : std::move(held_); }

 private:
  const boost::json::value* borrowed_ = nullptr;
  boost::json::value held_;
};

struct Evaluation {
  const Variables& variables;
  std::string_view text;  // for messages
};

Operand evaluate(const Node& node, const Evaluation& context);

inline Operand boolean(bool b) {
  return Operand::hold(boost::json::value(b));
}

// ASCII case only: JUEL's equalsIgnoreCase and the string methods fold no other letters.
inline char asciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return asciiLower(x) == asciiLower(y); });
}

Operand callMethod(const Node& node, const Operand& target, const std::vector<Operand>& arguments,
                   const Evaluation& context);

// ---- coercion (JUEL 2.2, section 1.18) ------------------------------------

struct Number {
  bool isReal = false;
  std::int64_t integer = 0;
  double real = 0;
  double asReal() const { return isReal ? real : static_cast<double>(integer); }
};

// "null", "boolean", "number", "string", "array", "object".
const char* typeName(const boost::json::value& value);

// null and "" -> 0; numbers as they are; strings parsed (with '.', 'e' or 'E'
// as double, else int64); anything else -> Error.
Number toNumber(const boost::json::value& value, const Evaluation& context);

// null and "" -> false; booleans; other strings -> equalsIgnoreCase("true"); else Error.
bool toBoolean(const boost::json::value& value, const Evaluation& context);

// null -> ""; integral doubles without ".0"; arrays/objects as compact JSON.
std::string toText(const boost::json::value& value);

// An array index: numbers truncated like Java's intValue(), numeric strings
// parsed; -1 when out of any range; other types -> Error.
std::int64_t toIndex(const boost::json::value& key, const Evaluation& context);

// Strict equality in the sense of Java's equals(), except that JSON numbers
// compare by value (1 equals 1.0) since JSON does not tell them apart.
bool sameValue(const boost::json::value& a, const boost::json::value& b);

// A value as it appears inside an error message: at most 40 bytes, then "...".
std::string excerpt(std::string_view s);

// The number of UTF-16 code units, which is what Java's String.length() counts.
std::size_t javaLength(std::string_view utf8);

}  // namespace ordo::expr::detail
