#include "filter/lexer.hpp"

#include <cctype>

namespace netdx::filter {

namespace {

bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A "..." string with C escapes (\" \\ \n \t \r \xHH \ooo), as tshark reads them.
std::size_t read_string(std::string_view s, std::size_t i, std::string& out) {
    const int start = static_cast<int>(i) + 1;
    ++i;  // opening quote
    while (i < s.size()) {
        const char c = s[i];
        if (c == '"') return i + 1;
        if (c != '\\') {
            out.push_back(c);
            ++i;
            continue;
        }
        if (++i >= s.size()) break;
        const char e = s[i];
        if (e == 'x' && i + 1 < s.size() && hex_value(s[i + 1]) >= 0) {
            int v = hex_value(s[++i]);
            if (i + 1 < s.size() && hex_value(s[i + 1]) >= 0) v = v * 16 + hex_value(s[++i]);
            out.push_back(static_cast<char>(v));
        } else if (e >= '0' && e <= '7') {
            int v = 0, n = 0;
            while (n < 3 && i < s.size() && s[i] >= '0' && s[i] <= '7') v = v * 8 + (s[i++] - '0'), ++n;
            out.push_back(static_cast<char>(v));
            continue;
        } else if (e == 'n') out.push_back('\n');
        else if (e == 't') out.push_back('\t');
        else if (e == 'r') out.push_back('\r');
        else out.push_back(e);  // \" \\ and any other escaped character stand for themselves
        ++i;
    }
    throw FilterError(start, "string without its closing quote starting");
}

}  // namespace

std::vector<Token> lex(std::string_view s) {
    std::vector<Token> out;
    std::size_t i = 0;
    auto two = [&](char a, char b) { return i + 1 < s.size() && s[i] == a && s[i + 1] == b; };
    while (i < s.size()) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        Token t;
        t.column = static_cast<int>(i) + 1;
        std::size_t len = 1;
        if (c == '"') {
            t.kind = Tok::String;
            i = read_string(s, i, t.text);
            out.push_back(std::move(t));
            continue;
        }
        if (s.substr(i, 3) == "===") t.kind = Tok::AllEq, len = 3;
        else if (s.substr(i, 3) == "!==") t.kind = Tok::AnyNe, len = 3;
        else if (two('=', '=')) t.kind = Tok::Eq, len = 2;
        else if (two('!', '=')) t.kind = Tok::Ne, len = 2;
        else if (two('<', '=')) t.kind = Tok::Le, len = 2;
        else if (two('>', '=')) t.kind = Tok::Ge, len = 2;
        else if (two('&', '&')) t.kind = Tok::And, len = 2;
        else if (two('|', '|')) t.kind = Tok::Or, len = 2;
        else if (two('^', '^')) t.kind = Tok::Xor, len = 2;
        else if (c == '<') t.kind = Tok::Lt;
        else if (c == '>') t.kind = Tok::Gt;
        else if (c == '~') t.kind = Tok::Match;
        else if (c == '!') t.kind = Tok::Not;
        else if (c == '(') t.kind = Tok::LParen;
        else if (c == ')') t.kind = Tok::RParen;
        else if (c == '{') t.kind = Tok::LBrace;
        else if (c == '}') t.kind = Tok::RBrace;
        else if (c == '[') t.kind = Tok::LBracket;
        else if (c == ']') t.kind = Tok::RBracket;
        else if (c == ',') t.kind = Tok::Comma;
        else if (word_char(c)) {
            t.kind = Tok::Word;
            len = 0;
            while (i + len < s.size() && word_char(s[i + len])) ++len;
        } else {
            std::string shown = std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c) : "\\x??";
            throw FilterError(t.column, "unexpected character \"" + shown + "\"");
        }
        t.text = std::string(s.substr(i, len));
        i += len;
        out.push_back(std::move(t));
    }
    Token end;
    end.kind = Tok::End;
    end.column = static_cast<int>(s.size()) + 1;
    out.push_back(end);
    return out;
}

std::string_view describe(Tok t) {
    switch (t) {
        case Tok::End: return "the end of the filter";
        case Tok::Word: return "a word";
        case Tok::String: return "a string";
        case Tok::LParen: return "\"(\"";
        case Tok::RParen: return "\")\"";
        case Tok::LBrace: return "\"{\"";
        case Tok::RBrace: return "\"}\"";
        case Tok::LBracket: return "\"[\"";
        case Tok::RBracket: return "\"]\"";
        case Tok::Comma: return "\",\"";
        case Tok::Eq: return "\"==\"";
        case Tok::Ne: return "\"!=\"";
        case Tok::AllEq: return "\"===\"";
        case Tok::AnyNe: return "\"!==\"";
        case Tok::Lt: return "\"<\"";
        case Tok::Le: return "\"<=\"";
        case Tok::Gt: return "\">\"";
        case Tok::Ge: return "\">=\"";
        case Tok::Match: return "\"~\"";
        case Tok::And: return "\"&&\"";
        case Tok::Or: return "\"||\"";
        case Tok::Not: return "\"!\"";
        case Tok::Xor: return "\"^^\"";
    }
    return "?";
}

}  // namespace netdx::filter
