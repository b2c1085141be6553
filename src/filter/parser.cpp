// Recursive descent over tshark 4.0's grammar. Precedence, loosest first:
// or (||), xor (^^), and (&&), not (!), then relations; parentheses group.
#include <charconv>

#include "filter/ast.hpp"

namespace netdx::filter {

namespace {

bool is_keyword(const Token& t, std::string_view k) { return t.kind == Tok::Word && t.text == k; }

class Parser {
public:
    explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

    std::unique_ptr<Node> top() {
        if (peek().kind == Tok::End) throw FilterError(1, "empty filter", "expected a field, a protocol, \"not\" or \"(\"");
        auto n = parse_or();
        if (peek().kind != Tok::End) unexpected(peek(), "\"and\", \"or\" or the end of the filter");
        return n;
    }

private:
    const Token& peek(std::size_t ahead = 0) const { return t_[std::min(pos_ + ahead, t_.size() - 1)]; }
    const Token& take() { return t_[std::min(pos_++, t_.size() - 1)]; }

    [[noreturn]] static void unexpected(const Token& t, const std::string& expected) {
        std::string what = t.kind == Tok::End  ? std::string("unexpected end of filter")
                           : t.kind == Tok::String ? "unexpected string \"" + t.text + "\""
                                                   : "unexpected \"" + t.text + "\"";
        throw FilterError(t.column, what, "expected " + expected);
    }

    static std::unique_ptr<Node> binary(Node::Kind k, std::unique_ptr<Node> a, std::unique_ptr<Node> b, int col) {
        auto n = std::make_unique<Node>();
        n->kind = k;
        n->a = std::move(a);
        n->b = std::move(b);
        n->column = col;
        return n;
    }

    std::unique_ptr<Node> parse_or() {
        auto n = parse_xor();
        while (peek().kind == Tok::Or || is_keyword(peek(), "or")) {
            const int col = take().column;
            n = binary(Node::Or, std::move(n), parse_xor(), col);
        }
        return n;
    }
    std::unique_ptr<Node> parse_xor() {
        auto n = parse_and();
        while (peek().kind == Tok::Xor || is_keyword(peek(), "xor")) {
            const int col = take().column;
            n = binary(Node::Xor, std::move(n), parse_and(), col);
        }
        return n;
    }
    std::unique_ptr<Node> parse_and() {
        auto n = parse_unary();
        while (peek().kind == Tok::And || is_keyword(peek(), "and")) {
            const int col = take().column;
            n = binary(Node::And, std::move(n), parse_unary(), col);
        }
        return n;
    }
    std::unique_ptr<Node> parse_unary() {
        if (peek().kind == Tok::Not || is_keyword(peek(), "not")) {
            const int col = take().column;
            return binary(Node::Not, parse_unary(), nullptr, col);
        }
        if (peek().kind == Tok::LParen) {
            take();
            auto n = parse_or();
            if (peek().kind != Tok::RParen) unexpected(peek(), "\")\", \"and\" or \"or\"");
            take();
            return n;
        }
        return parse_relation();
    }

    static bool starts_operand(const Token& t) {
        return (t.kind == Tok::Word && !is_reserved(t.text)) || t.kind == Tok::String;
    }
    static bool is_reserved(std::string_view w) {
        for (std::string_view k : {"and", "or", "xor", "not", "in", "contains", "matches", "eq", "ne", "lt", "le", "gt",
                                   "ge", "all_eq", "any_ne", "any", "all"})
            if (w == k) return true;
        return false;
    }

    std::unique_ptr<Node> parse_relation() {
        auto n = std::make_unique<Node>();
        bool explicit_quant = false;
        if ((is_keyword(peek(), "any") || is_keyword(peek(), "all")) && starts_operand(peek(1))) {
            n->quant = take().text == "all" ? Quant::All : Quant::Any;
            explicit_quant = true;
        }
        if (!starts_operand(peek())) unexpected(peek(), "a field, a protocol, \"not\" or \"(\"");
        n->lhs = operand();
        n->column = n->lhs.column;
        const Token& op = peek();
        if (op.kind == Tok::Word && (op.text == "in" || (op.text == "not" && is_keyword(peek(1), "in")))) {
            const bool negated = take().text == "not";
            if (negated) take();
            n->kind = Node::In;
            n->column = op.column;
            parse_set(*n);
            if (negated) return binary(Node::Not, std::move(n), nullptr, op.column);
            return n;
        }
        if (!relation(op, *n)) {
            if (explicit_quant) unexpected(op, "a comparison after \"any\"/\"all\"");
            n->kind = Node::Exists;
            return n;
        }
        if (!explicit_quant) {
            // tshark 4.0: == any value equal, != every value different (all_ne),
            // === every value equal (all_eq), !== some value different (any_ne).
            n->quant = (op.kind == Tok::Ne || op.text == "ne" || op.kind == Tok::AllEq || op.text == "all_eq") ? Quant::All
                                                                                                           : Quant::Any;
        }
        n->kind = Node::Compare;
        n->column = op.column;
        take();
        if (!starts_operand(peek())) unexpected(peek(), "a value or a field after " + quoted(op));
        n->rhs = operand();
        return n;
    }

    static std::string quoted(const Token& t) { return "\"" + t.text + "\""; }

    static bool relation(const Token& t, Node& n) {
        const std::string_view w = t.kind == Tok::Word ? std::string_view(t.text) : std::string_view();
        if (t.kind == Tok::Eq || w == "eq") n.rel = Rel::Eq;
        else if (t.kind == Tok::Ne || w == "ne") n.rel = Rel::Eq, n.negate = true;
        else if (t.kind == Tok::AllEq || w == "all_eq") n.rel = Rel::Eq;
        else if (t.kind == Tok::AnyNe || w == "any_ne") n.rel = Rel::Eq, n.negate = true;
        else if (t.kind == Tok::Lt || w == "lt") n.rel = Rel::Lt;
        else if (t.kind == Tok::Le || w == "le") n.rel = Rel::Le;
        else if (t.kind == Tok::Gt || w == "gt") n.rel = Rel::Gt;
        else if (t.kind == Tok::Ge || w == "ge") n.rel = Rel::Ge;
        else if (w == "contains") n.rel = Rel::Contains;
        else if (t.kind == Tok::Match || w == "matches") n.rel = Rel::Matches;
        else return false;
        return true;
    }

    Operand operand() {
        const Token& t = take();
        Operand o;
        o.text = t.text;
        o.column = t.column;
        o.quoted = t.kind == Tok::String;
        if (!o.quoted && peek().kind == Tok::LBracket) {
            o.slice_column = take().column;
            for (;;) {
                const Token& r = peek();
                if (r.kind != Tok::Word) unexpected(r, "a slice range such as 0:3, 1-2, -1 or 2:");
                o.slices.push_back(slice_range(take()));
                if (peek().kind == Tok::Comma) {
                    take();
                    continue;
                }
                if (peek().kind != Tok::RBracket) unexpected(peek(), "\",\" or \"]\"");
                take();
                break;
            }
        }
        return o;
    }

    static bool to_int(std::string_view s, int& v) {
        if (s.empty()) return false;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        return ec == std::errc() && p == s.data() + s.size();
    }

    static SliceRange slice_range(const Token& t) {
        const std::string_view s = t.text;
        SliceRange r;
        bool ok = false;
        if (auto colon = s.find(':'); colon != std::string_view::npos) {
            const std::string_view a = s.substr(0, colon), b = s.substr(colon + 1);
            ok = (a.empty() || to_int(a, r.start));
            if (b.empty()) r.to_end = true;
            else ok = ok && to_int(b, r.length) && r.length > 0;
        } else if (auto dash = s.find('-', 1); dash != std::string_view::npos) {
            int end = 0;
            ok = to_int(s.substr(0, dash), r.start) && to_int(s.substr(dash + 1), end) && end >= r.start;
            r.length = end - r.start + 1;
        } else {
            ok = to_int(s, r.start);
        }
        if (!ok) throw FilterError(t.column, "bad slice range \"" + t.text + "\"", "expected i:n, i-j, i, :n or i:");
        return r;
    }

    void parse_set(Node& n) {
        if (peek().kind != Tok::LBrace) unexpected(peek(), "\"{\" after \"in\"");
        take();
        for (;;) {
            if (!starts_operand(peek())) unexpected(peek(), "a value in the set");
            Node::SetItem item;
            item.lo = operand();
            // A range is written lo..hi; a word such as 50..60 arrives in one piece.
            if (auto dots = item.lo.text.find(".."); !item.lo.quoted && dots != std::string::npos) {
                item.range = true;
                item.hi = item.lo;
                item.hi.text = item.lo.text.substr(dots + 2);
                item.hi.column = item.lo.column + static_cast<int>(dots) + 2;
                item.lo.text.resize(dots);
                if (item.hi.text.empty()) {
                    if (!starts_operand(peek())) unexpected(peek(), "the end of the range");
                    item.hi = operand();
                }
                if (item.lo.text.empty()) throw FilterError(item.lo.column, "range without its start");
            } else if (peek().kind == Tok::Word && peek().text.rfind("..", 0) == 0) {
                const Token& d = take();
                item.range = true;
                if (d.text.size() > 2) {
                    item.hi.text = d.text.substr(2);
                    item.hi.column = d.column + 2;
                } else {
                    if (!starts_operand(peek())) unexpected(peek(), "the end of the range");
                    item.hi = operand();
                }
            }
            n.set.push_back(std::move(item));
            if (peek().kind == Tok::Comma) {
                take();
                continue;
            }
            if (peek().kind == Tok::RBrace) {
                take();
                break;
            }
            unexpected(peek(), "\",\" or \"}\"");
        }
    }

    std::vector<Token> t_;
    std::size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<Node> parse(std::string_view filter) { return Parser(lex(filter)).top(); }

}  // namespace netdx::filter
