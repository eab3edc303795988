// Recursive descent over the tokens of one ${...} body, with JUEL 2.2
// precedence (loosest first): ?:  ||  &&  == !=  < > <= >=  + -  * / %
// then prefix - ! empty, then . [] and method calls.
//
// Every recursion passes through a Nesting guard and every node records its
// height, so a parenthesis bomb or a 30,000-term sum fails with an Error here
// instead of overflowing the stack in the parser, the evaluator or a destructor.

#include <algorithm>
#include <utility>

#include "expr/internal.hpp"

namespace ordo::expr::detail {
namespace {

using NodePtr = std::unique_ptr<const Node>;

boost::json::value jsonString(std::string_view s) {
  return boost::json::value(boost::json::string_view(s.data(), s.size()));
}

// How tightly a binary operator binds, loosest first; 0 for any other token.
int precedence(TokenKind kind, Op& op) {
  switch (kind) {
    case TokenKind::orOp: op = Op::logicalOr; return 1;
    case TokenKind::andOp: op = Op::logicalAnd; return 2;
    case TokenKind::equal: op = Op::equal; return 3;
    case TokenKind::notEqual: op = Op::notEqual; return 3;
    case TokenKind::less: op = Op::less; return 4;
    case TokenKind::greater: op = Op::greater; return 4;
    case TokenKind::lessEqual: op = Op::lessEqual; return 4;
    case TokenKind::greaterEqual: op = Op::greaterEqual; return 4;
    case TokenKind::plus: op = Op::add; return 5;
    case TokenKind::minus: op = Op::subtract; return 5;
    case TokenKind::times: op = Op::multiply; return 6;
    case TokenKind::divide: op = Op::divide; return 6;
    case TokenKind::modulo: op = Op::modulo; return 6;
    default: return 0;
  }
}

bool prefixOperator(TokenKind kind, Op& op) {
  switch (kind) {
    case TokenKind::minus: op = Op::negate; return true;
    case TokenKind::notOp: op = Op::logicalNot; return true;
    case TokenKind::keywordEmpty: op = Op::empty; return true;
    default: return false;
  }
}

// Keywords are words too; after '.' JUEL would refuse them, but `a.empty`
// reading key "empty" of a map is harmless and less surprising.
bool isWord(const Token& token) {
  if (token.kind == TokenKind::identifier) return true;
  if (token.text.empty() || token.kind == TokenKind::string) return false;
  const char c = token.text.front();
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The functions that recurse (expression, binary, unary, postfix, primary,
// choice, subscript, call) keep small frames: building nodes and composing
// messages happen in helpers marked noinline, so that maxNesting levels fit
// comfortably in a small thread stack.
class Parser {
 public:
  Parser(const std::vector<Token>& tokens, std::string_view text, std::vector<std::string>& identifiers)
      : tokens_(tokens), text_(text), identifiers_(identifiers) {}

  NodePtr run() {
    NodePtr root = expression();
    if (peek().kind != TokenKind::end) unexpected("an operator or '}'");
    return root;
  }

 private:
  // One level of recursion; refuses to go deeper than maxNesting.
  class Nesting {
   public:
    Nesting(Parser& parser, std::size_t offset) : parser_(parser) {
      if (++parser_.depth_ > maxNesting) parser_.tooDeep(offset);
    }
    ~Nesting() { --parser_.depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    Parser& parser_;
  };

  [[noreturn, gnu::cold, gnu::noinline]] void tooDeep(std::size_t offset) const {
    fail("expression nested deeper than " + std::to_string(maxNesting) + " levels at column " +
             std::to_string(offset + 1),
         text_);
  }

  [[noreturn, gnu::cold, gnu::noinline]] void unexpected(const char* wanted) const {
    failSyntax(peek().offset, std::string("expected ") + wanted + " but found " + describe(peek()), text_);
  }

  const Token& peek() const { return tokens_[at_]; }

  // Never moves past the final '}' token, which only run() consumes.
  const Token& take() {
    const Token& token = tokens_[at_];
    if (token.kind != TokenKind::end) ++at_;
    return token;
  }

  bool accept(TokenKind kind) {
    if (peek().kind != kind) return false;
    take();
    return true;
  }

  void expect(TokenKind kind, const char* wanted) {
    if (!accept(kind)) unexpected(wanted);
  }

  // ---- recursive descent ----

  NodePtr expression() {
    Nesting nesting(*this, peek().offset);
    NodePtr condition = binary(1);
    if (peek().kind != TokenKind::question) return condition;
    return choice(std::move(condition));
  }

  // After the condition of c ? a : b.
  NodePtr choice(NodePtr condition) {
    const std::size_t offset = take().offset;
    NodePtr then = expression();
    expect(TokenKind::colon, "':' of the ?: operator");
    NodePtr otherwise = expression();
    return join(Op::choose, offset, std::move(condition), std::move(then), std::move(otherwise));
  }

  // Precedence climbing: operators at least as tight as `least`, left-associative.
  NodePtr binary(int least) {
    NodePtr left = unary();
    Op op{};
    for (int tightness = precedence(peek().kind, op); tightness >= least && tightness > 0;
         tightness = precedence(peek().kind, op)) {
      const Op current = op;
      const std::size_t offset = take().offset;
      NodePtr right = binary(tightness + 1);
      left = join(current, offset, std::move(left), std::move(right));
    }
    return left;
  }

  // Prefix operators are collected first and applied innermost first, so a
  // run of them costs no recursion; the height check still bounds the chain.
  NodePtr unary() {
    std::vector<std::pair<Op, std::size_t>> prefixes;
    Op op{};
    while (prefixOperator(peek().kind, op)) prefixes.emplace_back(op, take().offset);
    NodePtr operand = postfix();
    for (auto it = prefixes.rbegin(); it != prefixes.rend(); ++it) {
      operand = prefixed(it->first, it->second, std::move(operand));
    }
    return operand;
  }

  NodePtr postfix() {
    NodePtr base = primary();
    for (;;) {
      if (peek().kind == TokenKind::dot) {
        base = member(std::move(base));
      } else if (peek().kind == TokenKind::openBracket) {
        base = subscript(std::move(base));
      } else {
        return base;
      }
    }
  }

  NodePtr primary() {
    if (peek().kind != TokenKind::openParen) return leaf();
    take();
    NodePtr inner = expression();
    expect(TokenKind::closeParen, "')'");
    return inner;
  }

  // a[key]
  NodePtr subscript(NodePtr base) {
    const std::size_t offset = take().offset;
    NodePtr key = expression();
    expect(TokenKind::closeBracket, "']'");
    return join(Op::property, offset, std::move(base), std::move(key));
  }

  // a.name or a.name(arguments)
  NodePtr member(NodePtr base) {
    const std::size_t offset = take().offset;
    const Token& name = peek();
    if (!isWord(name)) unexpected("a property or method name after '.'");
    take();
    if (peek().kind != TokenKind::openParen) return property(offset, std::move(base), name);
    take();
    std::vector<NodePtr> operands;
    operands.push_back(std::move(base));
    if (!accept(TokenKind::closeParen)) {
      for (;;) {
        operands.push_back(expression());
        if (accept(TokenKind::closeParen)) break;
        expect(TokenKind::comma, "',' or ')'");
      }
    }
    return method(name, std::move(operands));
  }

  // ---- node construction, off the recursive path ----

  [[gnu::noinline]] std::unique_ptr<Node> make(Op op, std::size_t offset, std::vector<NodePtr> operands) {
    auto node = std::make_unique<Node>();
    node->op = op;
    for (const NodePtr& operand : operands) node->height = std::max(node->height, operand->height + 1);
    if (node->height > maxNesting) tooDeep(offset);
    node->operands = std::move(operands);
    return node;
  }

  template <typename... Operands>
  [[gnu::noinline]] NodePtr join(Op op, std::size_t offset, Operands... operands) {
    std::vector<NodePtr> list;
    (list.push_back(std::move(operands)), ...);
    return make(op, offset, std::move(list));
  }

  [[gnu::noinline]] std::unique_ptr<Node> literal(std::size_t offset, boost::json::value value) {
    auto node = make(Op::literal, offset, {});
    node->literal = std::move(value);
    return node;
  }

  [[gnu::noinline]] NodePtr prefixed(Op op, std::size_t offset, NodePtr operand) {
    // Fold -5 into a literal so that ${-5} is as cheap as ${5}.
    if (op == Op::negate && operand->op == Op::literal) {
      const boost::json::value& v = operand->literal;
      if (v.is_double()) return literal(offset, -v.get_double());
      if (v.is_int64()) return literal(offset, -v.get_int64());  // literals are never INT64_MIN
    }
    return join(op, offset, std::move(operand));
  }

  [[gnu::noinline]] NodePtr property(std::size_t offset, NodePtr base, const Token& name) {
    return join(Op::property, offset, std::move(base), NodePtr(literal(name.offset, jsonString(name.text))));
  }

  [[gnu::noinline]] NodePtr method(const Token& name, std::vector<NodePtr> operands) {
    const int arity = methodArity(name.text);
    if (arity < 0) {
      fail("unknown method '" + name.text + "' at column " + std::to_string(name.offset + 1), text_);
    }
    const auto given = static_cast<int>(operands.size()) - 1;
    if (given != arity) {
      fail("method '" + name.text + "' takes " + std::to_string(arity) + (arity == 1 ? " argument" : " arguments") +
               ", not " + std::to_string(given),
           text_);
    }
    auto node = make(Op::method, name.offset, std::move(operands));
    node->name = name.text;
    return node;
  }

  // variables:equals(name, value): the first argument names a variable (bare or quoted); an
  // unknown one reads as null, as in Flowable.
  [[gnu::noinline]] NodePtr function(const Token& ns) {
    take();  // ':'
    const Token& name = take();
    take();  // '('
    int min = 0, max = 0;
    if (!functionArity(name.text, min, max))
      fail("unknown function '" + ns.text + ":" + name.text + "' at column " + std::to_string(ns.offset + 1), text_);
    std::vector<NodePtr> operands;
    if (!accept(TokenKind::closeParen)) {
      for (;;) {
        if (operands.empty() && peek().kind == TokenKind::identifier && tokens_[at_ + 1].kind != TokenKind::dot &&
            tokens_[at_ + 1].kind != TokenKind::openBracket) {
          const Token& variable = take();
          identifiers_.push_back(variable.text);
          operands.push_back(literal(variable.offset, jsonString(variable.text)));
        } else {
          operands.push_back(expression());
        }
        if (accept(TokenKind::closeParen)) break;
        expect(TokenKind::comma, "',' or ')'");
      }
    }
    const auto given = static_cast<int>(operands.size());
    if (given < min || (max >= 0 && given > max))
      fail("function '" + ns.text + ":" + name.text + "' does not take " + std::to_string(given) + " arguments", text_);
    auto node = make(Op::function, name.offset, std::move(operands));
    node->name = name.text;
    return node;
  }

  // A literal or a variable.
  [[gnu::noinline]] NodePtr leaf() {
    const Token& token = peek();
    switch (token.kind) {
      case TokenKind::integer: take(); return literal(token.offset, token.integer);
      case TokenKind::real: take(); return literal(token.offset, token.real);
      case TokenKind::string: take(); return literal(token.offset, jsonString(token.text));
      case TokenKind::keywordTrue: take(); return literal(token.offset, true);
      case TokenKind::keywordFalse: take(); return literal(token.offset, false);
      case TokenKind::keywordNull: take(); return literal(token.offset, nullptr);
      case TokenKind::identifier: break;
      default: unexpected("an expression");
    }
    take();
    // The function name may spell an operator keyword (vars:gt, vars:eq).
    if (peek().kind == TokenKind::colon && isWord(tokens_[at_ + 1]) && tokens_[at_ + 2].kind == TokenKind::openParen &&
        (token.text == "variables" || token.text == "vars" || token.text == "var"))
      return function(token);
    // JUEL functions need a host-provided function mapper; Ordo offers none.
    if (peek().kind == TokenKind::openParen) {
      fail("unknown function '" + token.text + "' at column " + std::to_string(token.offset + 1) +
               " (only methods such as s.contains('x') can be called)",
           text_);
    }
    auto node = make(Op::variable, token.offset, {});
    node->name = token.text;
    identifiers_.push_back(token.text);
    return node;
  }

  const std::vector<Token>& tokens_;
  std::string_view text_;
  std::vector<std::string>& identifiers_;
  std::size_t at_ = 0;
  int depth_ = 0;
};

}  // namespace

NodePtr parse(const std::vector<Token>& tokens, std::string_view text, std::vector<std::string>& identifiers) {
  return Parser(tokens, text, identifiers).run();
}

}  // namespace ordo::expr::detail
