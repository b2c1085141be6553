// The transaction logs' pieces: Zeek's conn_state from the history letters,
// the text and TSV/JSON rules, uids, and the flow lookup of DNS lines.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "events/flow_events.hpp"
#include "log/conn_state.hpp"
#include "log/flow_finder.hpp"
#include "log/flow_uid.hpp"
#include "log/log_table.hpp"

using namespace netdx;

TEST_CASE("conn_state reads the history as Zeek does") {
    CHECK(conn_state(6, "S", 0) == "S0");          // SYN, nothing back
    CHECK(conn_state(6, "Sr", 1) == "REJ");        // RST answered the SYN
    CHECK(conn_state(6, "ShA", 2) == "S1");        // up, still open
    CHECK(conn_state(6, "ShADadFf", 5) == "SF");   // closed by both
    CHECK(conn_state(6, "ShADadF", 4) == "S2");    // only the originator closed
    CHECK(conn_state(6, "ShADadf", 4) == "S3");    // only the responder closed
    CHECK(conn_state(6, "ShADadR", 4) == "RSTO");  // the originator reset
    CHECK(conn_state(6, "ShADadr", 4) == "RSTR");  // the responder reset
    CHECK(conn_state(6, "ShADadrR", 4) == "RSTR"); // the first RST decides
    CHECK(conn_state(6, "SR", 0) == "RSTOS0");     // the originator gave up with a RST
    CHECK(conn_state(6, "SF", 0) == "SH");         // SYN then FIN, no answer
    CHECK(conn_state(6, "hr", 2) == "RSTRH");      // SYN-ACK then RST, the SYN not seen
    CHECK(conn_state(6, "hf", 2) == "SHR");
    CHECK(conn_state(6, "Dd", 2) == "OTH");        // picked up mid-stream
    CHECK(conn_state(17, "", 0) == "S0");          // UDP one way
    CHECK(conn_state(17, "", 3) == "SF");          // UDP both ways
}

TEST_CASE("log_text escapes what could break a line, a column or a terminal") {
    CHECK(log_text("www.example.com/a?b=c") == "www.example.com/a?b=c");
    CHECK(log_text("a\tb\nc\x1b[31m\x7f") == "a\\x09b\\x0ac\\x1b[31m\\x7f");
    CHECK(log_text("caf\xc3\xa9") == "caf\xc3\xa9");      // printable UTF-8 stays
    CHECK(log_text("\xc2\x9b") == "\\xc2\\x9b");          // U+009B (CSI) is a C1 control
    CHECK(log_text("\xff\xc3") == "\\xff\\xc3");          // not UTF-8
    CHECK(log_text("a\\x41") == "a\\x41");                // already escaped text passes
    CHECK(log_text("a,b") == "a,b");
    CHECK(log_text("a,b", true) == "a\\x2cb");            // a set element: its separator
}

namespace {
std::string written(void (*write)(std::FILE*, const LogSchema&, const std::vector<LogRow>&),
                    const std::vector<LogRow>& rows) {
    static constexpr std::string_view kNames[] = {"ts", "s", "n", "b", "set"};
    const LogSchema schema{"t", kNames};
    char* buf = nullptr;
    std::size_t len = 0;
    std::FILE* f = open_memstream(&buf, &len);
    write(f, schema, rows);
    std::fclose(f);
    std::string out(buf, len);
    std::free(buf);
    return out;
}
}  // namespace

TEST_CASE("TSV: #fields header, Zeek's markers, rows in time order") {
    std::vector<LogRow> rows(3);
    rows[0] = {2.0, {2.0, std::string("-"), std::uint64_t{7}, true, std::vector<std::string>{"a,b", "c"}}};
    rows[1] = {1.0, {1.0, std::string(), Unset{}, false, std::vector<std::string>{}}};
    rows[2] = {1.0, {1.0, std::string("x\ty"), std::uint64_t{0}, Unset{}, Unset{}}};
    CHECK(written(write_log_tsv, rows) ==
          "#fields\tts\ts\tn\tb\tset\n"
          "1.000000\t(empty)\t-\tF\t(empty)\n"
          "1.000000\tx\\x09y\t0\t-\t-\n"
          "2.000000\t\\x2d\t7\tT\ta\\x2cb,c\n");
}

TEST_CASE("JSON: one object per line, unset fields left out") {
    std::vector<LogRow> rows(1);
    rows[0] = {1.5, {1.5, std::string("q\x1b"), Unset{}, true, std::vector<std::string>{"a,b"}}};
    CHECK(written(write_log_json, rows) == "{\"ts\":1.5,\"s\":\"q\\\\x1b\",\"b\":true,\"set\":[\"a,b\"]}\n");
}

TEST_CASE("flow_uid: C and 11 base62 digits, distinct for distinct flows") {
    std::set<std::string> seen;
    for (std::uint64_t id = 0; id < 100000; ++id) {
        const std::string u = flow_uid(id);
        REQUIRE(u.size() == 12);
        REQUIRE(u[0] == 'C');
        seen.insert(u);
    }
    CHECK(seen.size() == 100000);
    CHECK(flow_uid(42) == flow_uid(42));
    CHECK(flow_uid(~0ull).size() == 12);
}

TEST_CASE("FlowFinder: the flow of the pair whose span holds the time, either direction") {
    const std::uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 53};
    FlowEnded f;
    f.ip_proto = 17;
    f.orig = IpAddress::v4(a);
    f.resp = IpAddress::v4(b);
    f.orig_port = 5000;
    f.resp_port = 53;
    f.flow_id = 3, f.first_ts = 10, f.last_ts = 11;
    FlowFinder finder;
    finder.add(f);
    f.flow_id = 9, f.first_ts = 100, f.last_ts = 100;  // the same ports again, after the first flow timed out
    finder.add(f);
    CHECK(finder.find(17, IpAddress::v4(a), 5000, IpAddress::v4(b), 53, 10.5) == std::optional<std::uint64_t>(3));
    CHECK(finder.find(17, IpAddress::v4(b), 53, IpAddress::v4(a), 5000, 100) == std::optional<std::uint64_t>(9));
    CHECK_FALSE(finder.find(17, IpAddress::v4(a), 5000, IpAddress::v4(b), 53, 50).has_value());
    CHECK_FALSE(finder.find(6, IpAddress::v4(a), 5000, IpAddress::v4(b), 53, 10.5).has_value());
}
