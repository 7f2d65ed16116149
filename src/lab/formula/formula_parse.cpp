// Reading a formula: a tokenizer and a recursive-descent parser, one function per precedence level
// (the grammar is below), each error with the column where it was found. Parts with no x are
// computed once, here, with the same ops the formula will run.
//
//   spec       = [name "="] expression | activation-name [":" number]
//   expression = term {("+" | "-") term}
//   term       = unary {("*" | "/") unary}
//   unary      = ("-" | "+") unary | power
//   power      = primary ["^" unary]            (right to left: 2^3^2 = 2^(3^2))
//   primary    = number | "x" | name "(" expression {"," expression} ")" | "(" expression ")"
#include <algorithm>
#include <charconv>
#include <cmath>

#include "ember/core/engine/format.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/lab/formula/formula.hpp"
#include "formula_functions.hpp"

namespace ember {

namespace {

using formula_detail::Function;

constexpr std::size_t max_length = 1000;  // characters: far more than any formula a person types
constexpr int max_depth = 100;            // nested parentheses, calls and signs

struct Token {
  enum class Type { Number, Name, Symbol, End };
  Type type = Type::End;
  std::string text;  // the characters as typed
  double number = 0;
  std::size_t offset = 0;  // byte offset in the spec
};

// The names a formula may call, for "unknown function" messages.
std::string known_functions() {
  std::string functions, activations, presets;
  auto append = [](std::string& list, const std::string& name) { list += (list.empty() ? "" : ", ") + name; };
  for (const std::string& name : formula_functions()) append(functions, name);
  for (const std::string& name : nn::activation_names())
    if (std::find(formula_functions().begin(), formula_functions().end(), name) == formula_functions().end())
      append(activations, name);
  for (const FormulaPreset& preset : formula_presets()) append(presets, preset.name);
  return "functions: " + functions + "; activations: " + activations + "; presets: " + presets;
}

class Parser {
 public:
  explicit Parser(const std::string& spec) : spec_(spec) {}

  // The whole spec: an optional "name=", then one expression, then the end.
  formula_detail::Parts read() {
    formula_detail::Parts parts;
    advance();
    if (current_.type == Token::Type::End) fail("is empty: give an activation name or a formula in x", 0);
    // "name=" in front: a Name token directly followed by "=".
    const std::size_t save = position_;
    const Token first = current_;
    if (first.type == Token::Type::Name) {
      advance();
      if (current_.type == Token::Type::Symbol && current_.text == "=") {
        if (first.text == "x") fail_at("cannot be named x", first.offset, ": x is the variable (name=formula)");
        parts.name = first.text;
        advance();
        if (current_.type == Token::Type::End) fail_at("expected a formula after '='", current_.offset);
        expression_start_ = current_.offset;
      } else {
        position_ = save;
        current_ = first;
      }
    }
    parts.tree = expression();
    if (current_.type != Token::Type::End) unexpected();
    if (!contains_x(parts.tree)) {
      fail("has no x: an activation is a function of x (e.g. x*sigmoid(x))", 0);
    }
    parts.expression = trim(spec_.substr(expression_start_));
    return parts;
  }

 private:
  // ---- errors ----
  // "activation "x*tanh(softplus(x)": missing ')' at column 19 (to close the '(' at column 7)"
  [[noreturn]] void fail(const std::string& what, int col, const std::string& note = "") const {
    const std::string where = col > 0 ? " at column " + std::to_string(col) : "";
    throw FormulaError("activation \"" + spec_ + "\": " + what + where + note, col);
  }
  [[noreturn]] void fail_at(const std::string& what, std::size_t offset, const std::string& note = "") const {
    fail(what, column(offset), note);
  }

  // Columns count characters, not bytes: a formula may hold a "−" or "×" typed by mistake.
  int column(std::size_t offset) const {
    int col = 1;
    for (std::size_t i = 0; i < offset && i < spec_.size(); ++i)
      if ((static_cast<unsigned char>(spec_[i]) & 0xC0) != 0x80) ++col;
    return col;
  }

  [[noreturn]] void unexpected() const {
    if (current_.type == Token::Type::Symbol && current_.text == ")") fail_at("unmatched ')'", current_.offset);
    const bool starts_operand = current_.type == Token::Type::Number || current_.type == Token::Type::Name ||
                                (current_.type == Token::Type::Symbol && current_.text == "(");
    fail_at("unexpected '" + current_.text + "'", current_.offset, starts_operand ? " (write * to multiply: 2*x)" : "");
  }

  // ---- tokens ----
  void advance() {
    while (position_ < spec_.size() && (spec_[position_] == ' ' || spec_[position_] == '\t')) ++position_;
    current_ = Token{};
    current_.offset = position_;
    if (position_ >= spec_.size()) {
      current_.text = "end of the formula";
      return;
    }
    const char c = spec_[position_];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return read_number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = position_;
      while (end < spec_.size() && (std::isalnum(static_cast<unsigned char>(spec_[end])) || spec_[end] == '_')) ++end;
      current_.type = Token::Type::Name;
      current_.text = spec_.substr(position_, end - position_);
      position_ = end;
      return;
    }
    if (std::string("+-*/^(),=").find(c) != std::string::npos) {
      current_.type = Token::Type::Symbol;
      current_.text = std::string(1, c);
      ++position_;
      return;
    }
    // Anything else, shown whole even when it takes several bytes (UTF-8), with a hint for the
    // look-alikes of the operators.
    std::size_t end = position_ + 1;
    while (end < spec_.size() && (static_cast<unsigned char>(spec_[end]) & 0xC0) == 0x80) ++end;
    const std::string character = spec_.substr(position_, end - position_);
    std::string hint;
    if (character == "\xE2\x88\x92") hint = " (type '-' for minus)";
    if (character == "\xC3\x97" || character == "\xC2\xB7") hint = " (type '*' to multiply)";
    if (character == ":") hint = " (only a named activation takes ':', as in elu:0.5)";
    fail_at("unexpected character '" + character + "'", position_, hint);
  }

  // digits [. digits] [e [+-] digits], or . digits: 1.702, 1e-3, .5
  void read_number() {
    std::size_t end = position_;
    auto digits = [&] {
      const std::size_t start = end;
      while (end < spec_.size() && std::isdigit(static_cast<unsigned char>(spec_[end]))) ++end;
      return end > start;
    };
    bool any = digits();
    if (end < spec_.size() && spec_[end] == '.') {
      ++end;
      any = digits() || any;
    }
    bool bad = !any;
    if (!bad && end < spec_.size() && (spec_[end] == 'e' || spec_[end] == 'E')) {
      ++end;
      if (end < spec_.size() && (spec_[end] == '+' || spec_[end] == '-')) ++end;
      bad = !digits();
    }
    const std::string text = spec_.substr(position_, end - position_);
    if (bad) fail_at("malformed number '" + text + "'", position_);
    double value = 0;
    const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || stop != text.data() + text.size() || !std::isfinite(value) ||
        !std::isfinite(static_cast<Scalar>(value))) {
      fail_at("number '" + text + "' is out of range", position_);
    }
    current_.type = Token::Type::Number;
    current_.text = text;
    current_.number = value;
    position_ = end;
  }

  bool at_symbol(const char* symbol) const { return current_.type == Token::Type::Symbol && current_.text == symbol; }

  // ---- the grammar, one level each ----
  Expr expression() {
    Expr left = term();
    while (at_symbol("+") || at_symbol("-")) {
      const Token op = current_;
      advance();
      left = combine(op.text == "+" ? Expr::Kind::Add : Expr::Kind::Subtract, std::move(left), term(), op);
    }
    return left;
  }

  Expr term() {
    Expr left = unary();
    while (at_symbol("*") || at_symbol("/")) {
      const Token op = current_;
      advance();
      left = combine(op.text == "*" ? Expr::Kind::Multiply : Expr::Kind::Divide, std::move(left), unary(), op);
    }
    return left;
  }

  Expr unary() {
    if (at_symbol("-") || at_symbol("+")) {
      const Token op = current_;
      const DepthGuard guard(*this, op.offset);
      advance();
      Expr operand = unary();
      if (op.text == "+") return operand;
      Expr negated{Expr::Kind::Negate, 0, "", {}};
      negated.args.push_back(std::move(operand));
      return fold(std::move(negated), op.offset);
    }
    return power();
  }

  Expr power() {
    Expr base = primary();
    if (!at_symbol("^")) return base;
    const Token op = current_;
    const DepthGuard guard(*this, op.offset);
    advance();
    Expr exponent = unary();
    if (contains_x(exponent)) {
      fail_at("'^' needs a constant exponent", op.offset, " (x^2, x^0.5; for a^x write exp(x*log(a)))");
    }
    return combine(Expr::Kind::Power, std::move(base), std::move(exponent), op);
  }

  Expr primary() {
    const Token token = current_;
    if (token.type == Token::Type::Number) {
      advance();
      return Expr{Expr::Kind::Number, token.number, "", {}};
    }
    if (token.type == Token::Type::Name) {
      advance();
      if (at_symbol("(")) return call(token);
      if (token.text == "x") return Expr{Expr::Kind::X, 0, "", {}};
      if (formula_detail::find_function(token.text))
        fail_at("'" + token.text + "' is a function", token.offset, ": write " + token.text + "(x)");
      if (token.offset == 0 && current_.type == Token::Type::End) {  // the whole spec is one unknown name
        fail("unknown activation '" + token.text + "'", 0,
             "; " + known_functions() + "; or a formula in x, e.g. x*sigmoid(x)");
      }
      if (token.text == "X") fail_at("unknown name 'X'", token.offset, ": the variable is x, in lower case");
      fail_at("unknown name '" + token.text + "'", token.offset, ": a formula has one variable, x");
    }
    if (at_symbol("(")) {
      const DepthGuard guard(*this, token.offset);
      advance();
      Expr inside = expression();
      close_parenthesis(token);
      return inside;
    }
    if (token.type == Token::Type::End) fail_at("expected a number, x, a function or '(' before the end", token.offset);
    fail_at("expected a number, x, a function or '(', found '" + token.text + "'", token.offset);
  }

  Expr call(const Token& name) {
    const DepthGuard guard(*this, name.offset);
    const Function* function = formula_detail::find_function(name.text);
    if (!function) fail_at("unknown function '" + name.text + "'", name.offset, "; " + known_functions());
    const Token open = current_;
    advance();  // past "("
    Expr node{Expr::Kind::Call, 0, function->name, {}};
    std::vector<std::size_t> offsets;
    if (!at_symbol(")")) {
      offsets.push_back(current_.offset);
      node.args.push_back(expression());
      while (at_symbol(",")) {
        advance();
        offsets.push_back(current_.offset);
        node.args.push_back(expression());
      }
    }
    close_parenthesis(open);
    check_arguments(*function, node, offsets, name);
    return fold(std::move(node), name.offset);
  }

  // min and max take two inputs; the others one input, then their constant parameters.
  void check_arguments(const Function& function, const Expr& node, const std::vector<std::size_t>& offsets,
                       const Token& name) const {
    const std::size_t inputs = static_cast<std::size_t>(function.inputs);
    const std::size_t most = inputs + function.constants.size();
    const std::size_t given = node.args.size();
    if (given < inputs || given > most) {
      std::string expected = std::to_string(inputs) + (inputs == 1 ? " argument" : " arguments");
      if (!function.constants.empty()) {
        expected = "x";
        for (const std::string& constant : function.constants) expected += ", [" + constant + "]";
        expected = "(" + expected + ")";
      }
      fail_at(name.text + " takes " + expected + ", got " + std::to_string(given), name.offset);
    }
    for (std::size_t k = inputs; k < given; ++k) {
      if (node.args[k].kind != Expr::Kind::Number) {
        fail_at(name.text + "'s " + function.constants[k - inputs] + " must be a constant, not depend on x",
                offsets[k]);
      }
    }
    if (function.name == "softplus" && given > 1 && !(node.args[1].number > 0))
      fail_at("softplus's beta must be positive", offsets[1]);
  }

  void close_parenthesis(const Token& open) {
    if (!at_symbol(")")) {
      if (current_.type == Token::Type::End)
        fail_at("missing ')'", current_.offset,
                " (to close the '(' at column " + std::to_string(column(open.offset)) + ")");
      unexpected();
    }
    advance();
  }

  // ---- building nodes ----
  Expr combine(Expr::Kind kind, Expr left, Expr right, const Token& op) {
    Expr node{kind, 0, "", {}};
    node.args.push_back(std::move(left));
    node.args.push_back(std::move(right));
    return fold(std::move(node), op.offset);
  }

  static bool contains_x(const Expr& expr) {
    if (expr.kind == Expr::Kind::X) return true;
    return std::any_of(expr.args.begin(), expr.args.end(), contains_x);
  }

  // A node with no x in it is computed now, by the same evaluator (the engine's ops on scalars), and
  // becomes a Number: x*(2/3) runs one multiplication per forward pass, not two.
  Expr fold(Expr node, std::size_t offset) const {
    if (contains_x(node)) return node;
    NoGradGuard no_grad;
    const double value = formula_detail::evaluate(node, Tensor()).item();
    if (!std::isfinite(value)) fail_at("the constant part starting here is " + format_general(value, 6), offset);
    return Expr{Expr::Kind::Number, value, "", {}};
  }

  static std::string trim(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t");
    const auto end = text.find_last_not_of(" \t");
    return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
  }

  // Nesting is bounded, so no formula can exhaust the stack.
  struct DepthGuard {
    DepthGuard(Parser& parser, std::size_t offset) : parser(parser) {
      if (++parser.depth_ > max_depth)
        parser.fail_at("nests too deeply (more than " + std::to_string(max_depth) + " levels)", offset);
    }
    ~DepthGuard() { --parser.depth_; }
    Parser& parser;
  };

  const std::string& spec_;
  std::size_t position_ = 0;
  std::size_t expression_start_ = 0;
  int depth_ = 0;
  Token current_;
};

// "relu", "mish", "elu:0.5": a named activation or a preset, alone, reads as that function of x.
// Returns false when the spec is not of that form.
bool read_named(const std::string& spec, formula_detail::Parts& parts) {
  const std::string name = spec.substr(0, spec.find(':'));
  const Function* function = formula_detail::find_function(name);
  if (!function || function->inputs != 1) return false;
  const bool is_activation =
      std::find(nn::activation_names().begin(), nn::activation_names().end(), name) != nn::activation_names().end();
  if (!is_activation && name != spec) return false;  // "exp:2" is no spec
  if (function->preset) {
    parts = Parser(function->preset->expression).read();
    parts.name = name;
    return true;
  }
  if (is_activation) nn::make_activation(spec);  // checks the parameter, with the core's message
  const std::string parameter = name == spec ? "" : spec.substr(name.size() + 1);
  const std::string expression = name + "(x" + (parameter.empty() ? "" : "," + parameter) + ")";
  parts = Parser(expression).read();
  parts.name = spec;
  return true;
}

}  // namespace

Formula Formula::parse(const std::string& given) {
  const auto begin = given.find_first_not_of(" \t");
  const std::string spec =
      begin == std::string::npos ? "" : given.substr(begin, given.find_last_not_of(" \t") - begin + 1);
  if (spec.size() > max_length) {
    throw FormulaError(
        "activation \"" + spec.substr(0, 40) + "...\": is longer than " + std::to_string(max_length) + " characters",
        0);
  }
  formula_detail::Parts parts;
  if (!read_named(spec, parts)) parts = Parser(spec).read();
  Formula formula;
  formula.spec_ = spec;
  formula.name_ = parts.name;
  formula.expression_ = parts.expression;
  formula.tree_ = std::make_shared<const Expr>(std::move(parts.tree));
  return formula;
}

}  // namespace ember
