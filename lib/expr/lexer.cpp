// Splits the body of one ${...} into tokens, following the JUEL 2.2 scanner:
// Java-style identifiers, the word forms of operators (and, eq, div...),
// integer and floating literals, and quoted strings with \\ \' \" escapes.

#include <charconv>
#include <system_error>

#include "expr/internal.hpp"

namespace ordo::expr::detail {
namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Bytes from 0x80 up are parts of UTF-8 letters; Java allows Unicode letters in identifiers.
bool isIdentifierStart(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u == '$' || u >= 0x80;
}

bool isIdentifierPart(char c) {
  return isIdentifierStart(c) || isDigit(c);
}

struct Keyword {
  const char* spelling;
  TokenKind kind;
};

constexpr Keyword keywords[] = {
    {"true", TokenKind::keywordTrue},
    {"false", TokenKind::keywordFalse},
    {"null", TokenKind::keywordNull},
    {"empty", TokenKind::keywordEmpty},
    {"instanceof", TokenKind::keywordInstanceof},
    {"and", TokenKind::andOp},
    {"or", TokenKind::orOp},
    {"not", TokenKind::notOp},
    {"eq", TokenKind::equal},
    {"ne", TokenKind::notEqual},
    {"lt", TokenKind::less},
    {"gt", TokenKind::greater},
    {"le", TokenKind::lessEqual},
    {"ge", TokenKind::greaterEqual},
    {"div", TokenKind::divide},
    {"mod", TokenKind::modulo},
};

class Lexer {
 public:
  Lexer(std::string_view text, std::size_t start) : text_(text), at_(start), start_(start) {}

  std::vector<Token> run(std::size_t& next) {
    std::vector<Token> tokens;
    for (;;) {
      skipSpace();
      if (at_ >= text_.size()) {
        failSyntax(start_ - 2, "'" + std::string(text_.substr(start_ - 2, 2)) + "' without a closing '}'", text_);
      }
      Token token = scan();
      const bool done = token.kind == TokenKind::end;
      tokens.push_back(std::move(token));
      if (done) break;
    }
    next = at_;
    return tokens;
  }

 private:
  void skipSpace() {
    while (at_ < text_.size() && isSpace(text_[at_])) ++at_;
  }

  Token make(TokenKind kind, std::size_t offset, std::size_t length) {
    at_ = offset + length;
    return Token{kind, offset, std::string(text_.substr(offset, length))};
  }

  bool next(char c) const { return at_ + 1 < text_.size() && text_[at_ + 1] == c; }

  Token scan() {
    const std::size_t from = at_;
    const char c = text_[at_];
    if (isDigit(c) || (c == '.' && at_ + 1 < text_.size() && isDigit(text_[at_ + 1]))) return number();
    if (c == '\'' || c == '"') return string();
    if (isIdentifierStart(c)) return word();
    switch (c) {
      case '}': return make(TokenKind::end, from, 1);
      case '+': return make(TokenKind::plus, from, 1);
      case '-': return make(TokenKind::minus, from, 1);
      case '*': return make(TokenKind::times, from, 1);
      case '/': return make(TokenKind::divide, from, 1);
      case '%': return make(TokenKind::modulo, from, 1);
      case '?': return make(TokenKind::question, from, 1);
      case ':': return make(TokenKind::colon, from, 1);
      case '.': return make(TokenKind::dot, from, 1);
      case ',': return make(TokenKind::comma, from, 1);
      case '(': return make(TokenKind::openParen, from, 1);
      case ')': return make(TokenKind::closeParen, from, 1);
      case '[': return make(TokenKind::openBracket, from, 1);
      case ']': return make(TokenKind::closeBracket, from, 1);
      case '<': return next('=') ? make(TokenKind::lessEqual, from, 2) : make(TokenKind::less, from, 1);
      case '>': return next('=') ? make(TokenKind::greaterEqual, from, 2) : make(TokenKind::greater, from, 1);
      case '!': return next('=') ? make(TokenKind::notEqual, from, 2) : make(TokenKind::notOp, from, 1);
      case '=':
        if (next('=')) return make(TokenKind::equal, from, 2);
        failSyntax(from, "unexpected '=' (comparison is '==')", text_);
      case '&':
        if (next('&')) return make(TokenKind::andOp, from, 2);
        failSyntax(from, "unexpected '&' (logical and is '&&')", text_);
      case '|':
        if (next('|')) return make(TokenKind::orOp, from, 2);
        failSyntax(from, "unexpected '|' (logical or is '||')", text_);
      default: break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) failSyntax(from, "unexpected control character", text_);
    failSyntax(from, std::string("unexpected character '") + c + "'", text_);
  }

  Token word() {
    const std::size_t from = at_;
    std::size_t end = at_;
    while (end < text_.size() && isIdentifierPart(text_[end])) ++end;
    const std::string_view spelling = text_.substr(from, end - from);
    for (const Keyword& keyword : keywords) {
      if (spelling == keyword.spelling) return make(keyword.kind, from, end - from);
    }
    return make(TokenKind::identifier, from, end - from);
  }

  // JUEL: [0-9]+ | [0-9]+ '.' [0-9]* exp? | '.' [0-9]+ exp? | [0-9]+ exp
  Token number() {
    const std::size_t from = at_;
    std::size_t end = at_;
    bool real = false;
    while (end < text_.size() && isDigit(text_[end])) ++end;
    if (end < text_.size() && text_[end] == '.') {
      real = true;
      ++end;
      while (end < text_.size() && isDigit(text_[end])) ++end;
    }
    if (end < text_.size() && (text_[end] == 'e' || text_[end] == 'E')) {
      std::size_t exponent = end + 1;
      if (exponent < text_.size() && (text_[exponent] == '+' || text_[exponent] == '-')) ++exponent;
      if (exponent < text_.size() && isDigit(text_[exponent])) {
        real = true;
        end = exponent;
        while (end < text_.size() && isDigit(text_[end])) ++end;
      }
    }
    if (end < text_.size() && isIdentifierStart(text_[end])) {
      failSyntax(end, "unexpected character '" + std::string(1, text_[end]) + "' after a number", text_);
    }
    Token token = make(real ? TokenKind::real : TokenKind::integer, from, end - from);
    const char* first = text_.data() + from;
    const char* last = text_.data() + end;
    if (real) {
      const auto result = std::from_chars(first, last, token.real);
      if (result.ec == std::errc::result_out_of_range) {
        failSyntax(from, "number " + token.text + " is out of range", text_);
      }
    } else {
      const auto result = std::from_chars(first, last, token.integer);
      if (result.ec == std::errc::result_out_of_range) {
        failSyntax(from, "integer " + token.text + " is larger than a 64-bit integer", text_);
      }
    }
    return token;
  }

  Token string() {
    const std::size_t from = at_;
    const char quote = text_[at_];
    std::string value;
    std::size_t i = at_ + 1;
    for (;;) {
      if (i >= text_.size()) failSyntax(from, "string without a closing " + std::string(1, quote), text_);
      const char c = text_[i++];
      if (c == quote) break;
      if (c != '\\') {
        value.push_back(c);
        continue;
      }
      if (i >= text_.size()) failSyntax(from, "string without a closing " + std::string(1, quote), text_);
      const char escaped = text_[i++];
      if (escaped != '\\' && escaped != '\'' && escaped != '"') {
        failSyntax(i - 2, std::string("invalid escape '\\") + escaped + "' (only \\\\ \\' \\\" are allowed)", text_);
      }
      value.push_back(escaped);
    }
    Token token{TokenKind::string, from, std::move(value)};
    at_ = i;
    return token;
  }

  std::string_view text_;
  std::size_t at_;
  std::size_t start_;
};

}  // namespace

std::vector<Token> lex(std::string_view text, std::size_t start, std::size_t& next) {
  return Lexer(text, start).run(next);
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::end: return "'}'";
    case TokenKind::identifier: return "identifier '" + token.text + "'";
    case TokenKind::string: return "a string";
    case TokenKind::integer:
    case TokenKind::real: return "number " + token.text;
    default: return "'" + token.text + "'";
  }
}

}  // namespace ordo::expr::detail
