// -z follow,tcp output: spec parsing and tshark's text layouts.
#include <doctest/doctest.h>

#include <string>

#include "output/follow_format.hpp"

using namespace netdx;

namespace {

FollowChunk chunk(bool node1, const std::string& s) { return {node1, std::vector<std::uint8_t>(s.begin(), s.end())}; }

FollowNode node(std::uint8_t last, std::uint16_t port) {
    const std::uint8_t a[4] = {10, 0, 0, last};
    return {IpAddress::v4(a), port};
}

// The text between the Node lines and the closing rule.
std::string body(FollowMode mode, const std::vector<FollowChunk>& chunks) {
    const std::string all = format_follow({mode, 3}, node(1, 1000), node(2, 80), chunks);
    const std::string head = "Node 1: 10.0.0.2:80\n";
    const std::size_t from = all.find(head) + head.size();
    return all.substr(from, all.size() - from - 68);
}

}  // namespace

TEST_CASE("follow specs: mode and stream index, anything else refused") {
    std::string err;
    auto s = parse_follow_spec("follow,tcp,hex,12", err);
    REQUIRE(s);
    CHECK(s->mode == FollowMode::Hex);
    CHECK(s->stream == 12);
    CHECK(parse_follow_spec("follow,tcp,raw,0", err)->mode == FollowMode::Raw);
    for (const char* bad : {"follow,tcp,ascii", "follow,udp,ascii,1", "follow,tcp,ebcdic,1", "follow,tcp,ascii,-1",
                            "follow,tcp,ascii,1x", "follow,tcp,ascii,", "conv,tcp", "follow,tcp,ascii,99999999999"}) {
        err.clear();
        CHECK_MESSAGE(!parse_follow_spec(bad, err), bad);
        CHECK(!err.empty());
    }
}

TEST_CASE("follow banner: rules, mode, filter and both nodes") {
    const std::string all = format_follow({FollowMode::Ascii, 3}, node(1, 1000), node(2, 80), {});
    const std::string rule(67, '=');
    CHECK(all == "\n" + rule + "\nFollow: tcp,ascii\nFilter: tcp.stream eq 3\nNode 0: 10.0.0.1:1000\n"
                 "Node 1: 10.0.0.2:80\n" + rule + "\n");
    const std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const std::string six = format_follow({FollowMode::Hex, 0}, {IpAddress::v6(v6), 443}, {}, {});
    CHECK(six.find("Node 0: [2001:db8::1]:443\nNode 1: :0\n") != std::string::npos);
}

TEST_CASE("ascii: length line, node 1 indented, CR/LF kept, other controls and high bytes as dots") {
    CHECK(body(FollowMode::Ascii, {chunk(false, "GET /\r\n"), chunk(true, "a\tb\x01\xff")}) ==
          "7\nGET /\r\n\n\t5\na.b..\n");
}

TEST_CASE("raw: lower-case hex, node 1 after a tab") {
    CHECK(body(FollowMode::Raw, {chunk(false, "\x01\xab"), chunk(true, "Z")}) == "01ab\n\t5a\n");
}

TEST_CASE("hex: offsets count each side's bytes; one trailing space per line is dropped") {
    // 17 bytes: a full line ending in a space byte (dropped), then one byte.
    const std::string text = body(FollowMode::Hex, {chunk(false, "abcdefghijklmno q"), chunk(true, "12345678")});
    CHECK(text ==
          "00000000  61 62 63 64 65 66 67 68  69 6a 6b 6c 6d 6e 6f 20  abcdefgh ijklmno\n"
          "00000010  71                                                q\n"
          // Eight bytes: the group separator after them is the space dropped.
          "\t00000000  31 32 33 34 35 36 37 38                           12345678\n");
    const std::string next = body(FollowMode::Hex, {chunk(true, "xy"), chunk(true, "z")});
    CHECK(next.find("\t00000002  7a") != std::string::npos);
}
