#include "dns/dns_heuristic.hpp"

#include "dissectors/dns_parse.hpp"

namespace netdx {

namespace {

bool hostname_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
           ch == '_' || ch == '.' || ch == '*';
}

bool known_class(std::uint16_t cls) { return cls == 1 || cls == 3 || cls == 4 || cls == 255; }

}  // namespace

bool looks_like_dns_query(Bytes msg) {
    dns::Header h;
    if (!dns::read_header(msg, h)) return false;
    const unsigned op = h.opcode();
    if (h.response() || h.rcode() != 0 || (op != 0 && op != 4 && op != 5)) return false;
    // UPDATE carries its prerequisites and updates in the answer/authority sections.
    if (h.qdcount != 1 || h.arcount > 1 || (op == 0 && (h.ancount != 0 || h.nscount != 0))) return false;
    dns::Name name;
    std::size_t next = 0;
    if (dns::read_name(msg, dns::kHeaderLen, &name, next) != dns::NameError::None) return false;
    for (char ch : name.view())
        if (!hostname_char(ch)) return false;
    bool question_ok = false;
    const dns::WalkResult res = dns::walk(msg, [&](const dns::Record& r) {
        if (r.section == dns::Section::Question) question_ok = r.type != 0 && known_class(r.cls);
        return true;
    });
    return res.ok && question_ok && res.end == msg.size();
}

bool looks_like_dns_tcp_query(Bytes stream) {
    if (stream.size() < 2) return false;
    const std::size_t len = load_be16(stream.data());
    return stream.size() - 2 == len && looks_like_dns_query(stream.subspan(2));
}

}  // namespace netdx
