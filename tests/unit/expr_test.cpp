// lib/expr: the JUEL dialect of Flowable and Camunda 7 models.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "expr/expr.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using ordo::expr::Error;
using ordo::expr::Expression;

namespace {

// Variables read from a JSON object literal.
class JsonVariables : public ordo::expr::Variables {
 public:
  explicit JsonVariables(std::string_view json) : values_(boost::json::parse(json).as_object()) {}
  const boost::json::value* find(std::string_view name) const override { return values_.if_contains(name); }

 private:
  boost::json::object values_;
};

boost::json::value eval(std::string_view text, std::string_view json = "{}") {
  return Expression::compile(text).evaluate(JsonVariables(json));
}

bool condition(std::string_view text, std::string_view json = "{}") {
  return Expression::compile(text).evaluateBool(JsonVariables(json));
}

std::string render(std::string_view text, std::string_view json = "{}") {
  return Expression::compile(text).evaluateString(JsonVariables(json));
}

// The message of the Error that compiling and evaluating throws, or "" if none.
std::string failure(std::string_view text, std::string_view json = "{}") {
  try {
    eval(text, json);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

boost::json::value json(std::string_view text) {
  return boost::json::parse(text);
}

}  // namespace

TEST_CASE("expr: literals") {
  CHECK(eval("${42}") == json("42"));
  CHECK(eval("${42}").is_int64());
  CHECK(eval("${-7}").as_int64() == -7);
  CHECK(eval("${9223372036854775807}").as_int64() == INT64_MAX);
  CHECK(eval("${1.5}").as_double() == 1.5);
  CHECK(eval("${.5}").as_double() == 0.5);
  CHECK(eval("${2.}").as_double() == 2.0);
  CHECK(eval("${1e3}").as_double() == 1000.0);
  CHECK(eval("${2.5E-1}").as_double() == 0.25);
  CHECK(eval("${'single'}") == json(R"("single")"));
  CHECK(eval(R"(${"double"})") == json(R"("double")"));
  CHECK(eval(R"(${'it\'s'})").as_string() == "it's");
  CHECK(eval(R"(${"say \"hi\""})").as_string() == "say \"hi\"");
  CHECK(eval(R"(${'back\\slash'})").as_string() == "back\\slash");
  CHECK(eval(R"(${'a } brace'})").as_string() == "a } brace");
  CHECK(eval("${true}") == json("true"));
  CHECK(eval("${false}") == json("false"));
  CHECK(eval("${null}").is_null());
  CHECK(eval("${ \t\n 1 }").as_int64() == 1);
  CHECK_THAT(failure("${9223372036854775808}"), Contains("larger than a 64-bit integer"));
  CHECK_THAT(failure(R"(${'bad \n escape'})"), Contains("invalid escape"));
  CHECK_THAT(failure("${'open}"), Contains("string without a closing '"));
}

TEST_CASE("expr: text forms") {
  SECTION("a single ${} keeps the value's type") {
    CHECK(eval("${n}", R"({"n": 3})").is_int64());
    CHECK(eval("#{n}", R"({"n": 3})").is_int64());
    CHECK(eval("${list}", R"({"list": [1, 2]})") == json("[1, 2]"));
  }
  SECTION("text around ${} makes a string") {
    CHECK(eval(" ${n}", R"({"n": 3})") == json(R"(" 3")"));
    CHECK(eval("${a}${b}", R"({"a": 1, "b": 2})") == json(R"("12")"));
  }
  SECTION("text without ${} is a literal") {
    const Expression literal = Expression::compile("just text, $5 and #1 {}");
    CHECK(literal.isLiteral());
    CHECK(literal.evaluate(JsonVariables("{}")) == json(R"("just text, $5 and #1 {}")"));
    CHECK_FALSE(Expression::compile("${x}").isLiteral());
    CHECK_FALSE(Expression::compile("a ${x} b").isLiteral());
  }
  SECTION("\\${ escapes a literal ${") {
    const Expression escaped = Expression::compile(R"(cost: \${price})");
    CHECK(escaped.isLiteral());
    CHECK(escaped.evaluateString(JsonVariables("{}")) == "cost: ${price}");
    CHECK(render(R"(\#{a} and \${b} and \x)") == R"(#{a} and ${b} and \x)");
    CHECK(render("a}b ${x}}", R"({"x": 1})") == "a}b 1}");
  }
  SECTION("the default expression is the empty literal") {
    const Expression empty;
    CHECK(empty.isLiteral());
    CHECK(empty.text().empty());
    CHECK(empty.evaluate(JsonVariables("{}")) == json(R"("")"));
    CHECK(empty.identifiers().empty());
    CHECK(Expression::compile("").evaluateString(JsonVariables("{}")).empty());
  }
  SECTION("text() is the source") {
    CHECK(Expression::compile("${a  +  b}").text() == "${a  +  b}");
  }
  SECTION("${ and #{ do not mix") {
    CHECK_THAT(failure("${a} #{b}"), Contains("cannot mix"));
  }
}

TEST_CASE("expr: variables and property access") {
  const char* vars = R"({"order": {"amount": 1200, "lines": [{"sku": "A1"}, {"sku": "B2"}], "tags": null},
                         "i": 1, "key": "amount", "nothing": null, "s": "text", "n": 5})";
  CHECK(eval("${order.amount}", vars).as_int64() == 1200);
  CHECK(eval("${order['amount']}", vars).as_int64() == 1200);
  CHECK(eval(R"(${order["amount"]})", vars).as_int64() == 1200);
  CHECK(eval("${order[key]}", vars).as_int64() == 1200);
  CHECK(eval("${order.lines[0].sku}", vars).as_string() == "A1");
  CHECK(eval("${order.lines[i].sku}", vars).as_string() == "B2");
  CHECK(eval("${order.lines['1'].sku}", vars).as_string() == "B2");
  CHECK(eval("${order.lines[1.9].sku}", vars).as_string() == "B2");  // Java intValue()
  CHECK(eval("${order.lines}", vars) == json(R"([{"sku": "A1"}, {"sku": "B2"}])"));

  SECTION("a missing key or index reads as null") {
    CHECK(eval("${order.missing}", vars).is_null());
    CHECK(eval("${order.tags}", vars).is_null());
    CHECK(eval("${order.lines[2]}", vars).is_null());
    CHECK(eval("${order.lines[-1]}", vars).is_null());
    CHECK(eval("${order[null]}", vars).is_null());
  }
  SECTION("keywords may follow a dot") {
    CHECK(eval("${m.empty}", R"({"m": {"empty": 1}})").as_int64() == 1);
  }
  SECTION("unknown variable") {
    CHECK(failure("${amount > 10}") == "unknown variable 'amount' in ${amount > 10}");
  }
  SECTION("property of null") {
    CHECK(failure("${nothing.x}", vars) ==
          "cannot read property 'x' of variable 'nothing', which is null in ${nothing.x}");
    CHECK_THAT(failure("${order.tags.first}", vars), Contains("cannot read property 'first' of null"));
  }
  SECTION("property of a scalar") {
    CHECK_THAT(failure("${s.size}", vars), Contains("cannot read property 'size' of a string"));
    CHECK_THAT(failure("${n.x}", vars), Contains("of a number"));
  }
  SECTION("bad array index") {
    CHECK_THAT(failure("${order.lines.first}", vars), Contains("cannot use string 'first' as an array index"));
    CHECK_THAT(failure("${order.lines[true]}", vars), Contains("cannot use boolean as an array index"));
  }
  SECTION("results are copies") {
    const JsonVariables variables(vars);
    boost::json::value lines = Expression::compile("${order.lines}").evaluate(variables);
    lines.as_array().clear();
    CHECK(Expression::compile("${order.lines.size()}").evaluate(variables).as_int64() == 2);
  }
}

TEST_CASE("expr: arithmetic") {
  SECTION("integers stay integers") {
    CHECK(eval("${1 + 2}") == json("3"));
    CHECK(eval("${1 + 2}").is_int64());
    CHECK(eval("${7 - 10}").as_int64() == -3);
    CHECK(eval("${6 * 7}").as_int64() == 42);
    CHECK(eval("${7 % 3}").as_int64() == 1);
    CHECK(eval("${7 mod 3}").as_int64() == 1);
    CHECK(eval("${-7 % 3}").as_int64() == -1);  // Java truncates
    CHECK(eval("${2 + 3 * 4}").as_int64() == 14);
    CHECK(eval("${(2 + 3) * 4}").as_int64() == 20);
    CHECK(eval("${10 - 4 - 3}").as_int64() == 3);
    CHECK(eval("${-n}", R"({"n": 4})").as_int64() == -4);
    CHECK(eval("${- -n}", R"({"n": 4})").as_int64() == 4);
  }
  SECTION("division is always a double") {
    CHECK(eval("${3 / 2}").as_double() == 1.5);
    CHECK(eval("${4 / 2}").is_double());
    CHECK(eval("${9 div 3}").as_double() == 3.0);
  }
  SECTION("a double makes the result a double") {
    CHECK(eval("${1 + 0.5}").as_double() == 1.5);
    CHECK(eval("${2 * 1.5}").as_double() == 3.0);
    CHECK(eval("${7.5 % 2}").as_double() == 1.5);
    CHECK(eval("${-x}", R"({"x": 2.5})").as_double() == -2.5);
  }
  SECTION("null counts as 0") {
    CHECK(eval("${x + 1}", R"({"x": null})").as_int64() == 1);
    CHECK(eval("${x * 5}", R"({"x": null})").as_int64() == 0);
    CHECK(eval("${-x}", R"({"x": null})").as_int64() == 0);
    CHECK(eval("${x + y}", R"({"x": null, "y": null})").as_int64() == 0);
    CHECK(eval("${x / y}", R"({"x": null, "y": null})").as_int64() == 0);  // JUEL: both null -> 0
  }
  SECTION("numeric strings coerce") {
    CHECK(eval("${s + 1}", R"({"s": "41"})").as_int64() == 42);
    CHECK(eval("${s + 1}", R"({"s": "1.5"})").as_double() == 2.5);
    CHECK(eval("${s * 2}", R"({"s": "1e2"})").as_double() == 200.0);
    CHECK(eval("${s + 1}", R"({"s": "+2"})").as_int64() == 3);
    CHECK(eval("${s + 1}", R"({"s": ""})").as_int64() == 1);
    CHECK(eval("${-s}", R"({"s": "5"})").as_int64() == -5);
    CHECK(eval("${'2' * '3'}").as_int64() == 6);
  }
  SECTION("large unsigned JSON numbers") {
    CHECK(eval("${u + 0}", R"({"u": 18446744073709551615})").is_double());
    CHECK(eval("${u + 1}", R"({"u": 9223372036854775806})").as_int64() == INT64_MAX);
  }
  SECTION("+ does not concatenate") {
    CHECK(failure("${'a' + 1}") == "cannot coerce string 'a' to a number in ${'a' + 1}");
    CHECK_THAT(failure("${s + 1}", R"({"s": " 1"})"), Contains("cannot coerce string ' 1'"));
    CHECK_THAT(failure("${s + 1}", R"({"s": "NaN"})"), Contains("cannot coerce string 'NaN'"));
    CHECK_THAT(failure("${s + 1}", R"({"s": "1.2.3"})"), Contains("cannot coerce"));
    CHECK_THAT(failure("${s + 1}", R"({"s": "+-5"})"), Contains("cannot coerce string '+-5'"));
    CHECK_THAT(failure("${s + 1}", R"({"s": "0x1e"})"), Contains("cannot coerce string '0x1e'"));
  }
  SECTION("wrong types") {
    CHECK_THAT(failure("${true + 1}"), Contains("cannot coerce boolean to a number"));
    CHECK_THAT(failure("${l * 2}", R"({"l": [1]})"), Contains("cannot coerce array to a number"));
    CHECK_THAT(failure("${-o}", R"({"o": {}})"), Contains("cannot coerce object to a number"));
  }
  SECTION("division by zero") {
    CHECK(failure("${1 / 0}") == "division by zero in ${1 / 0}");
    CHECK_THAT(failure("${1.5 div 0.0}"), Contains("division by zero"));
    CHECK_THAT(failure("${x / 0}", R"({"x": null})"), Contains("division by zero"));
    CHECK(failure("${5 % 0}") == "modulo by zero in ${5 % 0}");
    CHECK_THAT(failure("${5.5 mod 0}"), Contains("modulo by zero"));
  }
  SECTION("integer overflow") {
    CHECK_THAT(failure("${9223372036854775807 + 1}"), Contains("integer overflow"));
    CHECK_THAT(failure("${-9223372036854775807 - 2}"), Contains("integer overflow"));
    CHECK_THAT(failure("${4611686018427387904 * 2}"), Contains("integer overflow"));
    CHECK_THAT(failure("${-x}", R"({"x": -9223372036854775808})"), Contains("integer overflow"));
    CHECK(eval("${x % -1}", R"({"x": -9223372036854775808})").as_int64() == 0);
  }
}

TEST_CASE("expr: comparison") {
  SECTION("numbers") {
    CHECK(eval("${1 < 2}") == json("true"));
    CHECK(condition("${2 > 1}"));
    CHECK(condition("${2 >= 2}"));
    CHECK(condition("${2 <= 2}"));
    CHECK(condition("${1 == 1}"));
    CHECK(condition("${1 != 2}"));
    CHECK(condition("${1 lt 2 and 2 gt 1 and 2 le 2 and 2 ge 2 and 1 eq 1 and 1 ne 2}"));
    CHECK_FALSE(condition("${3 < 2}"));
    CHECK_FALSE(condition("${3 <= 2}"));
    CHECK_FALSE(condition("${2 > 3}"));
    CHECK_FALSE(condition("${2 >= 3}"));
  }
  SECTION("int and double") {
    CHECK(condition("${1 == 1.0}"));
    CHECK(condition("${1 < 1.5}"));
    CHECK(condition("${2.5 > 2}"));
    CHECK(condition("${x == 1}", R"({"x": 1.0})"));
  }
  SECTION("strings compare lexicographically") {
    CHECK(condition("${'abc' < 'abd'}"));
    CHECK(condition("${'b' > 'abc'}"));
    CHECK(condition("${'10' < '9'}"));
    CHECK(condition("${'x' == 'x'}"));
    CHECK(condition("${'x' != 'X'}"));
    CHECK(condition("${'a' le 'a'}"));
  }
  SECTION("a string against a number is read as a number") {
    CHECK(condition("${s > 9}", R"({"s": "10"})"));
    CHECK(condition("${s == 10}", R"({"s": "10"})"));
    CHECK(condition("${s > 1}", R"({"s": "1.5"})"));
    CHECK(condition("${10 == '10.0'}"));
    CHECK_THAT(failure("${s > 1}", R"({"s": "many"})"), Contains("cannot coerce string 'many' to a number"));
    CHECK_THAT(failure("${s == 1}", R"({"s": "one"})"), Contains("cannot coerce string 'one'"));
  }
  SECTION("booleans") {
    CHECK(condition("${true == true}"));
    CHECK(condition("${true != false}"));
    CHECK(condition("${b == true}", R"({"b": "TRUE"})"));
    CHECK(condition("${b == false}", R"({"b": "yes"})"));  // Boolean.valueOf("yes") is false
    CHECK(condition("${false < true}"));
    CHECK_THAT(failure("${true == 1}"), Contains("cannot coerce boolean to a number"));
    CHECK_THAT(failure("${true > 1}"), Contains("cannot coerce boolean to a number"));
  }
  SECTION("null") {
    CHECK(condition("${null == null}"));
    CHECK(condition("${x == null}", R"({"x": null})"));
    CHECK_FALSE(condition("${x == 0}", R"({"x": null})"));
    CHECK_FALSE(condition("${x == ''}", R"({"x": null})"));
    CHECK_FALSE(condition("${x == false}", R"({"x": null})"));
    CHECK(condition("${x != 0}", R"({"x": null})"));
    CHECK_FALSE(condition("${x < 1}", R"({"x": null})"));
    CHECK_FALSE(condition("${x > 1}", R"({"x": null})"));
    CHECK_FALSE(condition("${x <= 1}", R"({"x": null})"));
    CHECK_FALSE(condition("${null >= null}"));
  }
  SECTION("arrays and objects") {
    const char* vars = R"({"a": [1, 2], "b": [1, 2], "c": {"k": 1}, "d": {"k": 1}})";
    CHECK(condition("${a == b}", vars));
    CHECK(condition("${c == d}", vars));
    CHECK(condition("${a != c}", vars));
    CHECK_THAT(failure("${a < b}", vars), Contains("cannot order array and array"));
    CHECK_THAT(failure("${a == 1}", vars), Contains("cannot coerce array to a number"));
  }
}

TEST_CASE("expr: logic") {
  CHECK(condition("${true && true}"));
  CHECK_FALSE(condition("${true && false}"));
  CHECK(condition("${false || true}"));
  CHECK_FALSE(condition("${false || false}"));
  CHECK(condition("${!false}"));
  CHECK(condition("${true and not false}"));
  CHECK(condition("${false or true}"));
  CHECK(condition("${true || false && false}"));  // && binds tighter
  CHECK_FALSE(condition("${(true || false) && false}"));
  CHECK(eval("${true && true}").is_bool());

  SECTION("short-circuit: the right side is not evaluated") {
    CHECK_FALSE(condition("${false && unknown}"));
    CHECK(condition("${true || unknown.x}"));
    CHECK(condition("${not false or 1 / 0}"));
  }
  SECTION("operands coerce to boolean") {
    CHECK_FALSE(condition("${x && true}", R"({"x": null})"));
    CHECK(condition("${!x}", R"({"x": null})"));
    CHECK(condition("${x && true}", R"({"x": "True"})"));
    CHECK_FALSE(condition("${x || false}", R"({"x": "false"})"));
    CHECK_FALSE(condition("${x || false}", R"({"x": ""})"));
    CHECK_THAT(failure("${1 && true}"), Contains("cannot coerce number to a boolean"));
    CHECK_THAT(failure("${!l}", R"({"l": []})"), Contains("cannot coerce array to a boolean"));
  }
}

TEST_CASE("expr: ternary, empty and parentheses") {
  CHECK(eval("${ok ? 'yes' : 'no'}", R"({"ok": true})").as_string() == "yes");
  CHECK(eval("${ok ? 'yes' : 'no'}", R"({"ok": false})").as_string() == "no");
  CHECK(eval("${ok ? 'yes' : 'no'}", R"({"ok": null})").as_string() == "no");
  CHECK(eval("${n > 1 ? n * 2 : n}", R"({"n": 5})").as_int64() == 10);
  CHECK(eval("${a ? 1 : b ? 2 : 3}", R"({"a": false, "b": true})").as_int64() == 2);  // right-associative
  CHECK(eval("${true ? list : 0}", R"({"list": [1]})") == json("[1]"));
  CHECK(eval("${false ? unknown : 1}").as_int64() == 1);  // only the chosen branch runs
  CHECK(eval("${((((1))))}").as_int64() == 1);

  SECTION("empty") {
    const char* vars = R"({"n": null, "s": "", "t": "x", "a": [], "b": [0], "o": {}, "p": {"k": 0}, "z": 0})";
    CHECK(condition("${empty n}", vars));
    CHECK(condition("${empty s}", vars));
    CHECK_FALSE(condition("${empty t}", vars));
    CHECK(condition("${empty a}", vars));
    CHECK_FALSE(condition("${empty b}", vars));
    CHECK(condition("${empty o}", vars));
    CHECK_FALSE(condition("${empty p}", vars));
    CHECK_FALSE(condition("${empty z}", vars));
    CHECK(condition("${!empty t}", vars));
    CHECK(condition("${not empty p.k}", vars));
    CHECK(condition("${empty p.missing}", vars));
  }
}

TEST_CASE("expr: templates") {
  CHECK(render("Hello ${name}!", R"({"name": "Ada"})") == "Hello Ada!");
  CHECK(eval("Hello ${name}!", R"({"name": "Ada"})") == json(R"("Hello Ada!")"));
  CHECK(render("[${x}]", R"({"x": null})") == "[]");
  CHECK(render("${a} + ${b} = ${a + b}", R"({"a": 2, "b": 3})") == "2 + 3 = 5");
  CHECK(render("ratio ${a / b}", R"({"a": 4, "b": 2})") == "ratio 2");
  CHECK(render("ratio ${a / b}", R"({"a": 1, "b": 4})") == "ratio 0.25");
  CHECK(render("${ok} ${list} ${map}", R"({"ok": true, "list": [1, "a"], "map": {"k": null}})") ==
        R"(true [1,"a"] {"k":null})");
  CHECK(render("${'}'}{}") == "}{}");
  CHECK(render("cost: $${price}", R"({"price": 5})") == "cost: $5");
}

TEST_CASE("expr: method calls") {
  const char* vars = R"({"s": "  Hello World ", "w": "Straße", "list": [1, "two", 3.0, null],
                         "map": {"k": "v", "n": null}, "n": 5, "d": 2.0, "b": true, "nothing": null,
                         "emoji": "a😀"})";
  SECTION("strings") {
    CHECK(condition("${s.contains('World')}", vars));
    CHECK_FALSE(condition("${s.contains('world')}", vars));
    CHECK(condition("${s.trim().startsWith('Hello')}", vars));
    CHECK(condition("${s.endsWith('d ')}", vars));
    CHECK(eval("${s.length()}", vars).as_int64() == 14);
    CHECK(eval("${w.length()}", vars).as_int64() == 6);
    CHECK(eval("${emoji.length()}", vars).as_int64() == 3);  // UTF-16 units, as in Java
    CHECK(eval("${s.toUpperCase()}", vars).as_string() == "  HELLO WORLD ");
    CHECK(eval("${s.toLowerCase()}", vars).as_string() == "  hello world ");
    CHECK(eval("${s.trim()}", vars).as_string() == "Hello World");
    CHECK(eval("${s.trim().concat('!').concat(w)}", vars).as_string() ==
          "Hello World!" + std::string(eval("${w}", vars).as_string()));
    CHECK(condition("${'x'.equals('x')}", vars));
    CHECK_FALSE(condition("${'1'.equals(1)}", vars));  // equals() does not coerce
    CHECK(condition("${'ABC'.equalsIgnoreCase('abc')}", vars));
    CHECK_FALSE(condition("${'ABC'.equalsIgnoreCase(nothing)}", vars));
    CHECK(condition("${''.isEmpty()}", vars));
    CHECK(condition("${'a1'.contains(1)}", vars));     // String parameters coerce
    CHECK(condition("${s.contains(nothing)}", vars));  // null -> ""
  }
  SECTION("arrays") {
    CHECK(eval("${list.size()}", vars).as_int64() == 4);
    CHECK(condition("${list.contains('two')}", vars));
    CHECK(condition("${list.contains(3)}", vars));  // 3 and 3.0 are one JSON number
    CHECK(condition("${list.contains(null)}", vars));
    CHECK_FALSE(condition("${list.contains('3')}", vars));
    CHECK_FALSE(condition("${list.isEmpty()}", vars));
    CHECK(eval("${list.get(1)}", vars).as_string() == "two");
    CHECK_THAT(failure("${list.get(4)}", vars), Contains("index 4 is out of range for an array of size 4"));
  }
  SECTION("objects") {
    CHECK(condition("${map.containsKey('k')}", vars));
    CHECK(condition("${map.containsKey('n')}", vars));
    CHECK_FALSE(condition("${map.containsKey('x')}", vars));
    CHECK(eval("${map.get('k')}", vars).as_string() == "v");
    CHECK(eval("${map.get('x')}", vars).is_null());
    CHECK(eval("${map.size()}", vars).as_int64() == 2);
    CHECK_FALSE(condition("${map.isEmpty()}", vars));
  }
  SECTION("toString and equals on any value") {
    CHECK(eval("${n.toString()}", vars).as_string() == "5");
    CHECK(eval("${d.toString()}", vars).as_string() == "2");
    CHECK(eval("${b.toString()}", vars).as_string() == "true");
    CHECK(eval("${list.toString()}", vars).as_string() == R"([1,"two",3,null])");
    CHECK(condition("${n.equals(5)}", vars));
    CHECK(condition("${d.equals(2)}", vars));
    CHECK(condition("${map.equals(map)}", vars));
  }
  SECTION("calls chain and take expressions") {
    CHECK(condition("${s.trim().toLowerCase().startsWith('hel')}", vars));
    CHECK(condition("${map.get('k').equals('v') && list.get(0) + 1 == 2}", vars));
  }
  SECTION("errors") {
    CHECK(failure("${s.foo()}", vars) == "unknown method 'foo' at column 5 in ${s.foo()}");
    CHECK_THAT(failure("${list.startsWith('a')}", vars), Contains("type array has no method 'startsWith'"));
    CHECK_THAT(failure("${n.length()}", vars), Contains("type number has no method 'length'"));
    CHECK_THAT(failure("${map.contains('k')}", vars), Contains("type object has no method 'contains'"));
    CHECK_THAT(failure("${nothing.trim()}", vars),
               Contains("cannot call method 'trim' on variable 'nothing', which is null"));
    CHECK_THAT(failure("${s.contains()}", vars), Contains("method 'contains' takes 1 argument, not 0"));
    CHECK_THAT(failure("${s.trim(1, 2)}", vars), Contains("method 'trim' takes 0 arguments, not 2"));
    CHECK_THAT(failure("${size(list)}", vars), Contains("unknown function 'size'"));
    CHECK_THAT(failure("${fn:size(list)}", vars), Contains("syntax error"));
  }
}

TEST_CASE("expr: syntax errors give the column") {
  CHECK(failure("${(a + b}") == "syntax error at column 9: expected ')' but found '}' in ${(a + b}");
  CHECK(failure("${a +}") == "syntax error at column 6: expected an expression but found '}' in ${a +}");
  CHECK_THAT(failure("${}"), Contains("column 3: expected an expression but found '}'"));
  CHECK_THAT(failure("x ${a b}"), Contains("column 7: expected an operator or '}' but found identifier 'b'"));
  CHECK_THAT(failure("${a = 1}"), Contains("column 5: unexpected '=' (comparison is '==')"));
  CHECK_THAT(failure("${a & b}"), Contains("unexpected '&'"));
  CHECK_THAT(failure("${a | b}"), Contains("unexpected '|'"));
  CHECK_THAT(failure("${a ; b}"), Contains("unexpected character ';'"));
  CHECK_THAT(failure("${a ? b}"), Contains("expected ':' of the ?: operator"));
  CHECK_THAT(failure("${a.}"), Contains("expected a property or method name after '.'"));
  CHECK_THAT(failure("${a[1}"), Contains("expected ']'"));
  CHECK_THAT(failure("${s.contains('a' 'b')}"), Contains("expected ',' or ')'"));
  CHECK_THAT(failure("${a instanceof b}"), Contains("'instanceof'"));
  CHECK_THAT(failure("${1x}"), Contains("unexpected character 'x' after a number"));
  CHECK(failure("total ${a + 1") == "syntax error at column 7: '${' without a closing '}' in total ${a + 1");
  CHECK_THAT(failure("${{}}"), Contains("unexpected character '{'"));
  SECTION("messages stay on one line and bounded") {
    const std::string message = failure("${a +\n}");
    CHECK(message.find('\n') == std::string::npos);
    const std::string long_text = "${" + std::string(1000, ' ') + "+}";
    CHECK(failure(long_text).size() < 300);
  }
}

TEST_CASE("expr: limits") {
  SECTION("nesting up to the limit compiles") {
    const std::string deep = "${" + std::string(200, '(') + "1" + std::string(200, ')') + "}";
    CHECK(eval(deep).as_int64() == 1);
  }
  SECTION("parenthesis bombs are refused") {
    const std::string deep = "${" + std::string(300, '(') + "1" + std::string(300, ')') + "}";
    CHECK_THAT(failure(deep), Contains("nested deeper than 256 levels"));
    const std::string bomb = "${" + std::string(60000, '(') + "}";
    CHECK_THAT(failure(bomb), Contains("nested deeper than 256 levels"));
  }
  SECTION("unary chains are refused") {
    CHECK_THAT(failure("${" + std::string(1000, '!') + "true}"), Contains("nested deeper"));
    std::string nots = "${";
    for (int i = 0; i < 500; ++i) nots += "not ";
    CHECK_THAT(failure(nots + "true}"), Contains("nested deeper"));
  }
  SECTION("long operator chains are refused") {
    std::string sum = "${1";
    for (int i = 0; i < 10000; ++i) sum += "+1";
    CHECK_THAT(failure(sum + "}"), Contains("nested deeper"));
    std::string path = "${a";
    for (int i = 0; i < 1000; ++i) path += ".b";
    CHECK_THAT(failure(path + "}"), Contains("nested deeper"));
    std::string choices = "${";
    for (int i = 0; i < 1000; ++i) choices += "a ? 1 : ";
    CHECK_THAT(failure(choices + "2}"), Contains("nested deeper"));
  }
  SECTION("texts longer than 64 KiB are refused") {
    const std::string big = "${'" + std::string(70000, 'x') + "'}";
    CHECK_THAT(failure(big), Contains("exceeds the limit of 65536"));
    const std::string fits = "${'" + std::string(60000, 'x') + "'}";
    CHECK(eval(fits).as_string().size() == 60000);
  }
}

TEST_CASE("expr: evaluateBool") {
  CHECK(condition("${true}"));
  CHECK_FALSE(condition("${false}"));
  CHECK(condition("${s}", R"({"s": "TRUE"})"));
  CHECK_FALSE(condition("${s}", R"({"s": "False"})"));
  CHECK(condition("true"));  // a literal text is a string
  const auto boolFailure = [](std::string_view text, std::string_view vars) {
    try {
      condition(text, vars);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(boolFailure("${x}", R"({"x": null})") == "condition ${x} evaluated to null");
  CHECK(boolFailure("${x}", R"({"x": 1})") == "condition ${x} evaluated to a number, not a boolean");
  CHECK(boolFailure("${x}", R"({"x": [1]})") == "condition ${x} evaluated to an array, not a boolean");
  CHECK(boolFailure("${x}", R"({"x": {}})") == "condition ${x} evaluated to an object, not a boolean");
  CHECK_THAT(boolFailure("${x}", R"({"x": "yes"})"), Contains("string other than \"true\" or \"false\""));
  CHECK_THAT(boolFailure("is ${x}", R"({"x": true})"), Contains("string other than"));
}

TEST_CASE("expr: evaluateString") {
  CHECK(render("${x}", R"({"x": null})").empty());
  CHECK(render("${x}", R"({"x": 5.0})") == "5");
  CHECK(render("${x}", R"({"x": -3.0})") == "-3");
  CHECK(render("${x}", R"({"x": 2.5})") == "2.5");
  CHECK(render("${x}", R"({"x": 0.1})") == "0.1");
  CHECK(render("${x}", R"({"x": 1e20})") == "1e+20");
  CHECK(render("${x}", R"({"x": 42})") == "42");
  CHECK(render("${x}", R"({"x": false})") == "false");
  CHECK(render("${x}", R"({"x": "s"})") == "s");
  CHECK(render("${x}", R"({"x": [1, {"a": "b"}]})") == R"([1,{"a":"b"}])");
  CHECK(render("${x}", R"({"x": [1.5, {"a\"q": 2.0}, [], {}, [[null]]]})") == R"([1.5,{"a\"q":2},[],{},[[null]]])");
  CHECK(render("${0.1 + 0.2}") == "0.30000000000000004");
  CHECK(render("${1e308 * 10}") == "Infinity");
  CHECK(render("plain") == "plain");
}

TEST_CASE("expr: identifiers") {
  CHECK(Expression::compile("${amount > 1000 && dept == 'IT' || amount < 0}").identifiers() ==
        std::vector<std::string>{"amount", "dept"});
  CHECK(Expression::compile("${order.lines[i].sku.trim()} by ${user.name}").identifiers() ==
        std::vector<std::string>{"order", "i", "user"});
  CHECK(Expression::compile("${'name' == \"x\"} and text").identifiers().empty());
  CHECK(Expression::compile("plain name").identifiers().empty());
}

TEST_CASE("expr: compiled once, evaluated many times") {
  const Expression original = Expression::compile("${n * 2}");
  const Expression copy = original;  // shares the compiled tree
  CHECK(copy.text() == original.text());
  CHECK(copy.evaluate(JsonVariables(R"({"n": 2})")).as_int64() == 4);
  CHECK(original.evaluate(JsonVariables(R"({"n": 21})")).as_int64() == 42);

  const Expression shared = Expression::compile("${items.size() > limit && name.startsWith('a')}");
  const JsonVariables variables(R"({"items": [1, 2, 3], "limit": 2, "name": "abc"})");
  int failures = 0;
  auto work = [&shared, &variables](int& failed) {
    for (int i = 0; i < 2000; ++i) {
      if (!shared.evaluateBool(variables)) ++failed;
    }
  };
  int failuresB = 0;
  std::thread a(work, std::ref(failures));
  std::thread b(work, std::ref(failuresB));
  a.join();
  b.join();
  CHECK(failures + failuresB == 0);
}

TEST_CASE("expr: Flowable examples") {
  CHECK(condition("${amount > 1000 && dept == 'IT'}", R"({"amount": 1500, "dept": "IT"})"));
  CHECK_FALSE(condition("${amount > 1000 && dept == 'IT'}", R"({"amount": 1500, "dept": "HR"})"));
  CHECK_FALSE(condition("${amount > 1000 && dept == 'IT'}", R"({"amount": 999.99, "dept": "IT"})"));
  CHECK(condition("${approved}", R"({"approved": true})"));
  CHECK_FALSE(condition("${approved}", R"({"approved": false})"));
  CHECK(condition("${empty comment}", R"({"comment": ""})"));
  CHECK(condition("${empty comment}", R"({"comment": null})"));
  CHECK_FALSE(condition("${empty comment}", R"({"comment": "looks fine"})"));
  CHECK(condition("${nrOfCompletedInstances >= 2}", R"({"nrOfCompletedInstances": 2})"));
  CHECK_FALSE(condition("${nrOfCompletedInstances >= 2}", R"({"nrOfCompletedInstances": 1})"));
  CHECK(condition("${nrOfCompletedInstances/nrOfInstances >= 0.6}",
                  R"({"nrOfCompletedInstances": 3, "nrOfInstances": 5})"));
  CHECK_FALSE(condition("${nrOfCompletedInstances/nrOfInstances >= 0.6}",
                        R"({"nrOfCompletedInstances": 2, "nrOfInstances": 5})"));
  CHECK(condition("${not done}", R"({"done": false})"));
  CHECK_FALSE(condition("${not done}", R"({"done": true})"));
  CHECK(condition("${condition.var1}", R"({"condition": {"var1": true}})"));
  CHECK_FALSE(condition("${condition.var1}", R"({"condition": {"var1": "false"}})"));
  CHECK(condition("${x > 1}", R"({"x": 2})"));
  CHECK_FALSE(condition("${x > 1}", R"({"x": 1})"));
  CHECK(condition("${choice == 'Yes'}", R"({"choice": "Yes"})"));
  CHECK_FALSE(condition("${choice == 'Yes'}", R"({"choice": "No"})"));
  // From bpmn-samples: the parser hands over the decoded XML attribute.
  CHECK(
      condition("${nrOfCompletedInstances == nrOfInstances}", R"({"nrOfCompletedInstances": 3, "nrOfInstances": 3})"));
  CHECK(condition("${days > 3}", R"({"days": 5})"));
}

TEST_CASE("expr: Flowable's variable functions read a variable by name, unknown ones as null") {
  const char* vars = R"({"decision": "goUp", "n": 5, "list": ["a", "b"]})";
  CHECK(eval("${vars:equals(decision, 'goUp')}", vars) == boost::json::value(true));
  CHECK(eval("${variables:equals(missing, 'x')}", vars) == boost::json::value(false));
  CHECK(eval("${var:get(n)}", vars) == boost::json::value(5));
  CHECK(eval("${vars:getOrDefault(missing, 7)}", vars) == boost::json::value(7));
  CHECK(eval("${vars:exists(missing)}", vars) == boost::json::value(false));
  CHECK(eval("${vars:contains(list, 'a', 'b')}", vars) == boost::json::value(true));
  CHECK(eval("${vars:containsAny(list, 'x', 'b')}", vars) == boost::json::value(true));
  CHECK(eval("${vars:gt(n, 4) && vars:lte(n, 5)}", vars) == boost::json::value(true));
  CHECK_THROWS_AS(Expression::compile("${vars:frobnicate(n)}"), Error);
  CHECK_THROWS_AS(Expression::compile("${vars:equals(n)}"), Error);
}

TEST_CASE("expr: the execution view's getVariable reads what it carries under variables") {
  const char* vars = R"({"execution": {"processBusinessKey": "bk-1", "variables": {"x": 3}}})";
  CHECK(eval("${execution.processBusinessKey}", vars) == boost::json::value("bk-1"));
  CHECK(eval("${execution.getVariable('x') + 1}", vars) == boost::json::value(4));
  CHECK(eval("${execution.hasVariable('y')}", vars) == boost::json::value(false));
}

namespace {
// Variables that accept execution.setVariable, recording each write.
class WritableVariables : public JsonVariables {
 public:
  using JsonVariables::JsonVariables;
  bool setVariable(std::string_view name, const boost::json::value& value, bool local) const override {
    writes.push_back(std::string(local ? "local " : "") + std::string(name) + "=" + boost::json::serialize(value));
    return true;
  }
  mutable std::vector<std::string> writes;
};
}  // namespace

TEST_CASE("expr: execution.setVariable writes through the host, which may refuse it") {
  const char* vars = R"({"counter": 2, "execution": {"variables": {"counter": 2}}})";
  WritableVariables host(vars);
  auto e = Expression::compile("${execution.setVariable('counter', execution.getVariable('counter') + 1)}");
  CHECK(e.evaluate(host).is_null());
  Expression::compile("${execution.setVariableLocal('mine', 'x')}").evaluate(host);
  CHECK(host.writes == std::vector<std::string>{"counter=3", "local mine=\"x\""});
  // The default host (a condition, a name) refuses, naming the method.
  CHECK_THROWS_WITH(eval("${execution.setVariable('x', 1)}", vars), Contains("setVariable is not allowed"));
  CHECK_THROWS_WITH(Expression::compile("${execution.setVariable('', 1)}").evaluate(host), Contains("variable name"));
  CHECK_THROWS_AS(Expression::compile("${execution.setVariable('x')}"), Error);  // arity checked at compile
}
