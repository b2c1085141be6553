#pragma once
// Splits a display filter into tokens, each with the column it starts at.
// Literals are kept as words: their meaning depends on the field they are
// compared with (tshark's "unparsed" values), so the compiler reads them.
#include <string>
#include <string_view>
#include <vector>

#include "filter/error.hpp"

namespace netdx::filter {

enum class Tok {
    End,
    Word,     // field, protocol, keyword or unquoted literal: [A-Za-z0-9_.:/-]+
    String,   // "..." (text holds the unescaped bytes)
    LParen, RParen, LBrace, RBrace, LBracket, RBracket, Comma,
    Eq, Ne, AllEq, AnyNe, Lt, Le, Gt, Ge, Match,  // == != === !== < <= > >= ~
    And, Or, Not, Xor,                             // && || ! ^^
};

struct Token {
    Tok kind = Tok::End;
    std::string text;  // as written, or the unescaped string
    int column = 0;    // 1-based
};

// Throws FilterError on a bad character or an unterminated string.
std::vector<Token> lex(std::string_view src);
std::string_view describe(Tok t);

}  // namespace netdx::filter
