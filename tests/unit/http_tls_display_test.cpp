// HTTP and TLS in the packet view (dissectors/http.cpp, tls.cpp) on frames of
// the lab captures: tshark 4.0's Protocol and Info columns and fields, the
// credentials of Authorization never shown, and every cut of a ClientHello
// handled without reading past the captured bytes.
#include <doctest/doctest.h>
#include <pcap/pcap.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "field_helper.hpp"
#include "output/packet_printer.hpp"

using namespace netdx::test;
using Tins::RawPDU;
using Tins::TCP;

namespace {

// Frames `numbers` of captures/<name>, raw bytes ($CAPTURES, or the captures/
// next to this source).
std::map<int, std::vector<std::uint8_t>> frames(const std::string& name, std::initializer_list<int> numbers) {
    const char* env = std::getenv("CAPTURES");
    const std::string dir = env ? env : (std::filesystem::path(__FILE__).parent_path() / "../../captures").string();
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline((dir + "/" + name).c_str(), err);
    REQUIRE(p != nullptr);
    std::map<int, std::vector<std::uint8_t>> out;
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    for (int n = 1; pcap_next_ex(p, &h, &data) == 1; ++n)
        for (int want : numbers)
            if (want == n) out[n].assign(data, data + h->caplen);
    pcap_close(p);
    REQUIRE(out.size() == numbers.size());
    return out;
}

std::string column(const Decoded& d) { return std::string(protocol_column(d.pkt)); }

Decoded segment(std::uint16_t dport, std::uint16_t sport, const std::string& payload) {
    TCP t(dport, sport);
    t.flags(TCP::ACK | TCP::PSH);
    return decode(Tins::EthernetII() / Tins::IP("10.0.0.9", "10.0.0.2") / t / RawPDU(payload));
}

}  // namespace

TEST_CASE("http display: request and response of healthy-office.pcap as tshark shows them") {
    auto f = frames("healthy-office.pcap", {22, 24});
    auto req = decode(f[22]);
    CHECK(column(req) == "HTTP");
    CHECK(info(req) == "GET / HTTP/1.1 ");
    CHECK(field(req, "http.request") == "1");
    CHECK(field(req, "http.response").empty());
    CHECK(field(req, "http.request.method") == "GET");
    CHECK(field(req, "http.request.uri") == "/");
    CHECK(field(req, "http.request.version") == "HTTP/1.1");
    CHECK(field(req, "http.host") == "www.lab.test");
    CHECK(field(req, "http.user_agent").rfind("curl/", 0) == 0);
    auto rsp = decode(f[24]);
    CHECK(info(rsp) == "HTTP/1.1 200 OK  (text/html)");
    CHECK(field(rsp, "http.response.code") == "200");
    CHECK(field(rsp, "http.response.phrase") == "OK");
    CHECK(field(rsp, "http.response.version") == "HTTP/1.1");
    CHECK(field(rsp, "http.server") == "nginx/1.22.1");
    CHECK(field(rsp, "http.content_type") == "text/html");
    CHECK(field(rsp, "http.content_length_header") == "39");
}

TEST_CASE("http display: 5xx, continuation, credentials and escaping") {
    auto f = frames("http-5xx.pcap", {29});
    CHECK(info(decode(f[29])) == "HTTP/1.1 503 Service Temporarily Unavailable  (text/html)");
    auto body = segment(40000, 80, "<html><body>more of the page</body></html>");
    CHECK(column(body) == "HTTP");
    CHECK(info(body) == "Continuation");
    CHECK(field(body, "http.response").empty());
    auto auth = segment(80, 40000, "GET /a HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWxpY2U6U2VjcmV0LTc3\r\n\r\n");
    CHECK(field(auth, "netdx.http.authorization_scheme") == "Basic");
    auto bad = segment(80, 40000, std::string("GET /\x1b[2J HTTP/1.1\r\nHost: a\x07\r\n\r\n"));
    CHECK(info(bad) == "GET /\\x1b[2J HTTP/1.1 ");
    CHECK(field(bad, "http.host") == "a\\x07");
    // Not a known method, or no version: not a request line.
    CHECK(info(segment(80, 40000, "FETCH / HTTP/1.1\r\n\r\n")) == "Continuation");
    CHECK(info(segment(80, 40000, "GET /\r\n")) == "Continuation");
    CHECK(info(segment(40000, 80, "HTTP/1.1 2x0 OK\r\n")) == "Continuation");
}

TEST_CASE("tls display: a TLS 1.3 handshake of healthy-office.pcap as tshark shows it") {
    auto f = frames("healthy-office.pcap", {37, 39, 41, 42});
    auto ch = decode(f[37]);
    CHECK(column(ch) == "TLSv1");
    CHECK(info(ch) == "Client Hello");
    CHECK(field(ch, "tls.record.content_type") == "22");
    CHECK(field(ch, "tls.record.version") == "0x0301");
    CHECK(field(ch, "tls.handshake.type") == "1");
    CHECK(field(ch, "tls.handshake.version") == "0x0303");
    CHECK(field(ch, "tls.handshake.extensions_server_name") == "www.lab.test");
    CHECK(field(ch, "tls.handshake.ciphersuite").rfind("0x1302,0x1303,0x1301,0xc02c,", 0) == 0);
    auto sh = decode(f[39]);
    CHECK(column(sh) == "TLSv1.3");
    CHECK(info(sh) ==
          "Server Hello, Change Cipher Spec, Application Data, Application Data, Application Data, Application Data");
    CHECK(field(sh, "tls.handshake.ciphersuite") == "0x1302");
    CHECK(field(sh, "tls.record.content_type") == "22,20");
    CHECK(field(sh, "tls.record.opaque_type") == "23,23,23,23");
    // Later records carry 0x0303; the connection's ServerHello made it 1.3.
    auto ccs = decode(f[41]);
    CHECK(column(ccs) == "TLSv1.3");
    CHECK(info(ccs) == "Change Cipher Spec, Application Data");
    CHECK(column(decode(f[42])) == "TLSv1.3");
}

TEST_CASE("tls display: alerts of tls-failures.pcap, TLS 1.2 server flight") {
    auto f = frames("tls-failures.pcap", {12, 26, 28});
    CHECK(info(decode(f[12])) == "Alert (Level: Fatal, Description: Protocol Version)");
    CHECK(field(decode(f[12]), "tls.alert_message.level") == "2");
    CHECK(field(decode(f[12]), "tls.alert_message.desc") == "70");
    auto flight = decode(f[26]);
    CHECK(column(flight) == "TLSv1.2");
    CHECK(info(flight) == "Server Hello, Certificate, Server Key Exchange, Server Hello Done");
    CHECK(field(flight, "tls.handshake.type") == "2,11,12,14");
    CHECK(info(decode(f[28])) == "Alert (Level: Fatal, Description: Certificate Expired)");
}

TEST_CASE("tls display: encrypted records, cut records, any prefix of a real ClientHello") {
    // After a ChangeCipherSpec, handshake and alert records are encrypted.
    // Records are built by appending: g++ 12 at -O3 warns falsely
    // (-Warray-bounds) on operator+ of two temporary strings (GCC PR 105651).
    const auto record = [](const char* header, std::size_t n, char fill) {
        std::string r(header, 5);
        r.append(n, fill);
        return r;
    };
    const std::string ccs("\x14\x03\x03\x00\x01\x01", 6);
    const std::string fin = record("\x16\x03\x03\x00\x28", 40, '\0');
    CHECK(info(segment(40000, 443, ccs + fin)) == "Change Cipher Spec, Encrypted Handshake Message");
    // In a segment of its own, zeros (a GCM nonce) are no run of Hello Requests.
    CHECK(info(segment(40000, 443, fin)) == "Encrypted Handshake Message");
    CHECK(field(segment(40000, 443, fin), "tls.handshake.type").empty());
    const std::string alert = record("\x15\x03\x03\x00\x1a", 26, 'x');
    CHECK(info(segment(40000, 443, alert)) == "Encrypted Alert");
    // A segment that does not start a whole record is plain TCP, as in tshark.
    auto cut = segment(40000, 443, record("\x17\x03\x03\x40\x00", 100, 'y'));
    CHECK(column(cut) == "TCP");
    CHECK(stack(cut).find("tls") == std::string::npos);

    auto f = frames("healthy-office.pcap", {37});
    const std::vector<std::uint8_t>& whole = f[37];
    for (std::size_t n = 0; n <= whole.size(); ++n) {
        auto d = decode_cut(whole, n);
        const std::string i = info(d), c = column(d);
        for (const char* name : {"tls.handshake.extensions_server_name", "tls.handshake.ciphersuite",
                                 "tls.record.length", "tls.handshake.type", "tls.handshake.version"})
            (void)field(d, name);
        CHECK((n == whole.size()) == (i == "Client Hello"));
    }
}
