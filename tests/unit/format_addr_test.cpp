// Address text forms: MAC, dotted IPv4 and RFC 5952 IPv6 (as tshark prints them).
#include <doctest/doctest.h>
#include <arpa/inet.h>

#include <array>
#include <random>
#include <string>

#include "core/format_addr.hpp"

namespace {

template <typename F>
std::string fmt_with(F f) {
    fmt::memory_buffer buf;
    f(buf);
    return fmt::to_string(buf);
}

std::string mac(std::array<std::uint8_t, 6> a) {
    return fmt_with([&](auto& b) { netdx::append_mac(b, a.data()); });
}
std::string v4(std::array<std::uint8_t, 4> a) {
    return fmt_with([&](auto& b) { netdx::append_ipv4(b, a.data()); });
}
std::string v6_bytes(const std::uint8_t* p) {
    return fmt_with([&](auto& b) { netdx::append_ipv6(b, p); });
}
// Formats an address given as text (parsed by inet_pton, so the test input is
// independent of the code under test).
std::string v6(const char* text) {
    std::array<std::uint8_t, 16> a{};
    REQUIRE(inet_pton(AF_INET6, text, a.data()) == 1);
    return v6_bytes(a.data());
}

}  // namespace

TEST_CASE("MAC addresses are lower-case, colon separated, zero padded") {
    CHECK(mac({0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e}) == "00:1a:2b:3c:4d:5e");
    CHECK(mac({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) == "ff:ff:ff:ff:ff:ff");
    CHECK(mac({0, 0, 0, 0, 0, 0}) == "00:00:00:00:00:00");
    CHECK(mac({0xAB, 0x01, 0x10, 0x0f, 0xf0, 0x09}) == "ab:01:10:0f:f0:09");
}

TEST_CASE("IPv4 addresses are dotted decimal without padding") {
    CHECK(v4({10, 0, 0, 1}) == "10.0.0.1");
    CHECK(v4({0, 0, 0, 0}) == "0.0.0.0");
    CHECK(v4({255, 255, 255, 255}) == "255.255.255.255");
    CHECK(v4({192, 168, 100, 9}) == "192.168.100.9");
}

TEST_CASE("append_uint prints the full 64-bit range") {
    CHECK(fmt_with([](auto& b) { netdx::append_uint(b, 0); }) == "0");
    CHECK(fmt_with([](auto& b) { netdx::append_uint(b, 1234567890); }) == "1234567890");
    CHECK(fmt_with([](auto& b) { netdx::append_uint(b, ~0ull); }) == "18446744073709551615");
}

TEST_CASE("IPv6 RFC 5952 forms") {
    CHECK(v6("::") == "::");
    CHECK(v6("::1") == "::1");
    CHECK(v6("1::") == "1::");
    CHECK(v6("2001:db8::") == "2001:db8::");
    // Leading zeros in a word are dropped, hex is lower case.
    CHECK(v6("2001:0DB8:0000:0000:0000:0000:0000:0001") == "2001:db8::1");
    CHECK(v6("fe80::0a1b:2c3d:4e5f:0001") == "fe80::a1b:2c3d:4e5f:1");
    // A single zero word is not compressed.
    CHECK(v6("2001:db8:0:1:1:1:1:1") == "2001:db8:0:1:1:1:1:1");
    CHECK(v6("0:1:2:3:4:5:6:7") == "0:1:2:3:4:5:6:7");
    CHECK(v6("1:2:3:4:5:6:7:0") == "1:2:3:4:5:6:7:0");
    // The longest run is compressed.
    CHECK(v6("2001:0:0:1:0:0:0:1") == "2001:0:0:1::1");
    CHECK(v6("0:0:1:0:0:0:0:1") == "0:0:1::1");
    // Ties go to the first run.
    CHECK(v6("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");
    CHECK(v6("0:0:1:2:3:4:0:0") == "::1:2:3:4:0:0");
    // Leading and trailing runs.
    CHECK(v6("0:0:0:0:0:0:0:1") == "::1");
    CHECK(v6("1:0:0:0:0:0:0:0") == "1::");
    CHECK(v6("0:0:0:1:2:3:4:5") == "::1:2:3:4:5");
    CHECK(v6("1:2:3:4:5:0:0:0") == "1:2:3:4:5::");
    CHECK(v6("ff02::1:ff00:1") == "ff02::1:ff00:1");
    CHECK(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST_CASE("IPv4-mapped addresses keep a dotted tail") {
    CHECK(v6("::ffff:192.0.2.1") == "::ffff:192.0.2.1");
    CHECK(v6("::ffff:0.0.0.0") == "::ffff:0.0.0.0");
    // Not mapped: other prefixes stay hexadecimal.
    CHECK(v6("::fffe:c000:201") == "::fffe:c000:201");
    CHECK(v6("1::ffff:c000:201") == "1::ffff:c000:201");
}

TEST_CASE("IPv6 text agrees with inet_ntop on random zero-heavy addresses") {
    // glibc's inet_ntop follows RFC 5952 too, except that it prints the
    // deprecated IPv4-compatible form (::a.b.c.d), which is left out here.
    std::mt19937 rng(5952);
    const std::uint16_t pool[] = {0, 0, 0, 0, 1, 0xffff, 0x0db8, 0xfe80};
    int compared = 0;
    for (int n = 0; n < 20000; ++n) {
        std::array<std::uint8_t, 16> a{};
        bool compat = true;
        for (int w = 0; w < 8; ++w) {
            const std::uint16_t v = rng() % 3 == 0 ? static_cast<std::uint16_t>(rng()) : pool[rng() % 8];
            a[2 * w] = static_cast<std::uint8_t>(v >> 8);
            a[2 * w + 1] = static_cast<std::uint8_t>(v);
            if (w < 6 && v != 0) compat = false;
        }
        if (compat) continue;
        char ref[INET6_ADDRSTRLEN];
        REQUIRE(inet_ntop(AF_INET6, a.data(), ref, sizeof ref) != nullptr);
        const std::string got = v6_bytes(a.data());
        if (got != ref) {
            CAPTURE(got);
            CHECK(std::string(ref) == got);
        }
        ++compared;
    }
    CHECK(compared > 15000);
}

TEST_CASE("append_ip follows the family and prints nothing without one") {
    const std::uint8_t b4[4] = {192, 0, 2, 7};
    CHECK(fmt_with([&](auto& b) { netdx::append_ip(b, netdx::IpAddress::v4(b4)); }) == "192.0.2.7");
    std::array<std::uint8_t, 16> b6{};
    b6[15] = 1;
    CHECK(fmt_with([&](auto& b) { netdx::append_ip(b, netdx::IpAddress::v6(b6.data())); }) == "::1");
    CHECK(fmt_with([&](auto& b) { netdx::append_ip(b, netdx::IpAddress{}); }).empty());
}
