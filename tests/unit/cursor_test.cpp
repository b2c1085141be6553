// Cursor: every read is bounds-checked and a short read makes the cursor
// truncated for good (later reads yield zero even if they would fit).
#include <doctest/doctest.h>

#include <array>
#include <string_view>

#include "core/cursor.hpp"

using netdx::Bytes;
using netdx::Cursor;

namespace {
const std::array<std::uint8_t, 8> kBytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
}

TEST_CASE("cursor reads big- and little-endian values in order") {
    Cursor c{Bytes(kBytes)};
    CHECK(c.size() == 8);
    CHECK(c.u8() == 0x01);
    CHECK(c.be16() == 0x0203);
    CHECK(c.offset() == 3);
    CHECK(c.be24() == 0x040506);
    CHECK(c.remaining() == 2);
    CHECK(c.le16() == 0x0807);
    CHECK(c.remaining() == 0);
    CHECK(c.ok());

    Cursor d{Bytes(kBytes)};
    CHECK(d.be32() == 0x01020304u);
    CHECK(d.le32() == 0x08070605u);
    CHECK(d.ok());
    CHECK_FALSE(d.truncated());
}

TEST_CASE("a read past the end yields zero and does not move") {
    struct Case { const char* name; int width; };
    for (auto [name, width] : {Case{"u8", 1}, Case{"be16", 2}, Case{"be24", 3}, Case{"be32", 4}, Case{"le16", 2},
                                Case{"le32", 4}}) {
        CAPTURE(name);
        // Leave one byte fewer than the read needs.
        Cursor c(kBytes.data(), static_cast<std::size_t>(width - 1));
        std::uint32_t v = 1;
        switch (width) {
            case 1: v = c.u8(); break;
            case 2: v = std::string_view(name) == "be16" ? c.be16() : c.le16(); break;
            case 3: v = c.be24(); break;
            case 4: v = std::string_view(name) == "be32" ? c.be32() : c.le32(); break;
        }
        CHECK(v == 0);
        CHECK(c.truncated());
        CHECK_FALSE(c.ok());
        CHECK(c.offset() == 0);
    }
}

TEST_CASE("truncation is sticky") {
    Cursor c(kBytes.data(), 3);
    CHECK(c.be32() == 0);
    CHECK(c.truncated());
    // These would fit in the 3 bytes, but the cursor stays failed.
    CHECK(c.u8() == 0);
    CHECK(c.be16() == 0);
    CHECK(c.take(1).empty());
    CHECK_FALSE(c.skip(1));
    CHECK(c.offset() == 0);
    CHECK(c.truncated());
}

TEST_CASE("take returns a view and advances; a short take is empty and truncates") {
    Cursor c{Bytes(kBytes)};
    c.skip(2);
    Bytes v = c.take(3);
    REQUIRE(v.size() == 3);
    CHECK(v.data() == kBytes.data() + 2);
    CHECK(v[0] == 0x03);
    CHECK(c.offset() == 5);
    CHECK(c.take(0).empty());
    CHECK(c.ok());
    CHECK(c.take(4).empty());
    CHECK(c.truncated());
    CHECK(c.offset() == 5);
}

TEST_CASE("skip advances only when the bytes are there") {
    Cursor c{Bytes(kBytes)};
    CHECK(c.skip(8));
    CHECK(c.remaining() == 0);
    CHECK(c.ok());
    CHECK_FALSE(c.skip(1));
    CHECK(c.truncated());

    Cursor d{Bytes(kBytes)};
    // A huge count must not wrap the position around.
    CHECK_FALSE(d.skip(static_cast<std::size_t>(-1)));
    CHECK(d.offset() == 0);
}

TEST_CASE("rest views the unread bytes without consuming them") {
    Cursor c{Bytes(kBytes)};
    c.skip(6);
    Bytes r = c.rest();
    REQUIRE(r.size() == 2);
    CHECK(r[0] == 0x07);
    CHECK(c.offset() == 6);
    c.skip(2);
    CHECK(c.rest().empty());
}

TEST_CASE("has checks the remaining length, including huge counts") {
    Cursor c{Bytes(kBytes)};
    c.skip(5);
    CHECK(c.has(3));
    CHECK_FALSE(c.has(4));
    CHECK(c.has(0));
    CHECK_FALSE(c.has(static_cast<std::size_t>(-1)));
    CHECK(c.here() == kBytes.data() + 5);
}

TEST_CASE("peek reads absolute offsets within bounds only") {
    Cursor c{Bytes(kBytes)};
    c.skip(4);
    CHECK(c.peek_u8(0) == 0x01);
    CHECK(c.peek_u8(7) == 0x08);
    CHECK(c.peek_u8(8) == 0);
    CHECK(c.peek_be16(6) == 0x0708);
    CHECK(c.peek_be16(7) == 0);
    CHECK(c.peek_be16(static_cast<std::size_t>(-1)) == 0);
    CHECK(c.peek_u8(static_cast<std::size_t>(-1)) == 0);
    CHECK(c.offset() == 4);
    CHECK(c.ok());
}

TEST_CASE("an empty cursor is harmless") {
    Cursor c;
    CHECK(c.size() == 0);
    CHECK(c.rest().empty());
    CHECK(c.peek_u8(0) == 0);
    CHECK(c.u8() == 0);
    CHECK(c.truncated());
}

TEST_CASE("unchecked loads match the cursor") {
    CHECK(netdx::load_be16(kBytes.data() + 1) == 0x0203);
    CHECK(netdx::load_be32(kBytes.data() + 4) == 0x05060708u);
}
