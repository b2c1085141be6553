// append_escaped: wire bytes can never become terminal control sequences.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "core/escape.hpp"

using netdx::escaped;
using namespace std::string_literals;

TEST_CASE("printable ASCII passes unchanged") {
    CHECK(escaped("GET /index.html HTTP/1.1") == "GET /index.html HTTP/1.1");
    CHECK(escaped(" ~") == " ~");
    CHECK(escaped("") == "");
}

TEST_CASE("C0 controls and DEL become \\xHH") {
    CHECK(escaped("a\nb") == "a\\x0ab");
    CHECK(escaped("\r\t") == "\\x0d\\x09");
    CHECK(escaped("\x1b[31mred") == "\\x1b[31mred");
    CHECK(escaped("\x7f") == "\\x7f");
    CHECK(escaped("\x1f") == "\\x1f");
    CHECK(escaped("\0x"s) == "\\x00x");
}

TEST_CASE("backslash is doubled so the output is unambiguous") {
    CHECK(escaped("a\\b") == "a\\\\b");
    // The escape of a real ESC and the text "\x1b" stay distinguishable.
    CHECK(escaped("\\x1b") != escaped("\x1b"));
}

TEST_CASE("well-formed printable UTF-8 passes") {
    CHECK(escaped("caf\xc3\xa9") == "caf\xc3\xa9");                 // é (2 bytes)
    CHECK(escaped("\xc2\xa0") == "\xc2\xa0");                      // U+00A0, first allowed
    CHECK(escaped("\xe2\x82\xac") == "\xe2\x82\xac");              // € (3 bytes)
    CHECK(escaped("\xe6\x97\xa5\xe6\x9c\xac") == "\xe6\x97\xa5\xe6\x9c\xac");  // 日本
    CHECK(escaped("\xf0\x9f\x98\x80") == "\xf0\x9f\x98\x80");      // emoji (4 bytes)
    CHECK(escaped("\xf4\x8f\xbf\xbf") == "\xf4\x8f\xbf\xbf");      // U+10FFFF, last code point
}

TEST_CASE("C1 controls (U+0080..U+009F) are escaped byte by byte") {
    CHECK(escaped("\xc2\x80") == "\\xc2\\x80");
    CHECK(escaped("\xc2\x9b") == "\\xc2\\x9b");  // CSI as a C1 control
    CHECK(escaped("\xc2\x9f") == "\\xc2\\x9f");
    // A raw C1 byte (not UTF-8) too.
    CHECK(escaped("\x9b") == "\\x9b");
}

TEST_CASE("overlong encodings are escaped") {
    CHECK(escaped("\xc0\xaf") == "\\xc0\\xaf");          // '/' in 2 bytes
    CHECK(escaped("\xc1\xbf") == "\\xc1\\xbf");
    CHECK(escaped("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");  // '/' in 3 bytes
    CHECK(escaped("\xe0\x9f\xbf") == "\\xe0\\x9f\\xbf");  // U+07FF in 3 bytes
    CHECK(escaped("\xf0\x80\x80\xaf") == "\\xf0\\x80\\x80\\xaf");
    CHECK(escaped("\xf0\x8f\xbf\xbf") == "\\xf0\\x8f\\xbf\\xbf");  // U+FFFF in 4 bytes
}

TEST_CASE("bidirectional overrides and isolates are escaped") {
    for (const char* s : {"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae",
                          "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9"}) {
        CAPTURE(s);
        const std::string e = escaped(s);
        CHECK(e.size() == 12);
        CHECK(e.find('\\') == 0);
        CHECK(e.find('\xe2') == std::string::npos);
    }
    // Neighbours of the ranges still pass.
    CHECK(escaped("\xe2\x80\xa9") == "\xe2\x80\xa9");  // U+2029
    CHECK(escaped("\xe2\x81\xa5") == "\xe2\x81\xa5");  // U+2065
}

TEST_CASE("invalid sequences are escaped and do not swallow what follows") {
    CHECK(escaped("\x80") == "\\x80");                   // lone continuation byte
    CHECK(escaped("\xc3") == "\\xc3");                   // cut at the end
    CHECK(escaped("\xc3(") == "\\xc3(");                 // bad continuation
    CHECK(escaped("\xe2\x82") == "\\xe2\\x82");          // 3-byte sequence cut short
    CHECK(escaped("\xe2\x82\n") == "\\xe2\\x82\\x0a");
    CHECK(escaped("\xf0\x9f\x98") == "\\xf0\\x9f\\x98");
    CHECK(escaped("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // UTF-16 surrogate
    CHECK(escaped("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
    CHECK(escaped("\xf5\x80\x80\x80") == "\\xf5\\x80\\x80\\x80");
    CHECK(escaped("\xfe\xff") == "\\xfe\\xff");
    // A valid character right after an invalid byte is kept.
    CHECK(escaped("\xff\xc3\xa9") == "\\xff\xc3\xa9");
}

TEST_CASE("append_escaped appends to what the buffer holds") {
    fmt::memory_buffer buf;
    buf.append(std::string_view("x="));
    netdx::append_escaped(buf, "\x01y");
    CHECK(fmt::to_string(buf) == "x=\\x01y");
}

TEST_CASE("escaped output never holds a control byte, whatever the input") {
    // Every single byte and every pair of bytes.
    for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; ++b) {
            const char in[2] = {static_cast<char>(a), static_cast<char>(b)};
            const std::string out = escaped(std::string_view(in, 2));
            bool clean = true;
            for (unsigned char ch : out)
                if (ch < 0x20 || ch == 0x7f) clean = false;
            if (!clean) {
                CAPTURE(a);
                CAPTURE(b);
                CHECK(clean);
            }
        }
    }
}

TEST_CASE("one special byte anywhere in a long plain run is found (the run scan goes word by word)") {
    const std::string plain = "abcdefghijklmnopqrstuvwxyz0123";
    for (int b = 0; b < 256; ++b) {
        const bool passes = b >= 0x20 && b < 0x7f && b != '\\';
        char hex[5];
        std::snprintf(hex, sizeof hex, "\\x%02x", b);
        const std::string want_byte = passes ? std::string(1, static_cast<char>(b)) : b == '\\' ? "\\\\" : hex;
        for (std::size_t pos = 0; pos < plain.size(); ++pos) {
            std::string in = plain;
            in[pos] = static_cast<char>(b);
            const std::string want = plain.substr(0, pos) + want_byte + plain.substr(pos + 1);
            REQUIRE(escaped(in) == want);
        }
    }
}
