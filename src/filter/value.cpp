#include "filter/value.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace netdx::filter {

namespace {

int hexv(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool parse_uint(std::string_view s, std::uint64_t& v) {
    if (s.empty()) return false;
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, s.remove_prefix(2);
    else if (s.size() > 1 && s[0] == '0') base = 8, s.remove_prefix(1);  // tshark reads 010 as 8
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    return ec == std::errc() && p == s.data() + s.size();
}

bool parse_int(std::string_view s, std::int64_t& v) {
    const bool neg = !s.empty() && s[0] == '-';
    std::uint64_t u = 0;
    if (!parse_uint(neg ? s.substr(1) : s, u)) return false;
    v = neg ? -static_cast<std::int64_t>(u) : static_cast<std::int64_t>(u);
    return true;
}

bool parse_double(std::string_view s, double& v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

bool parse_bool(std::string_view s, std::uint64_t& v) {
    if (s == "1" || s == "True" || s == "TRUE") return v = 1, true;
    if (s == "0" || s == "False" || s == "FALSE") return v = 0, true;
    return false;
}

bool parse_ipv4(std::string_view s, std::uint8_t* out) {
    char buf[INET_ADDRSTRLEN];
    if (s.size() >= sizeof buf) return false;
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    return inet_pton(AF_INET, buf, out) == 1;
}

bool parse_ipv6(std::string_view s, std::uint8_t* out) {
    char buf[INET6_ADDRSTRLEN];
    if (s.size() >= sizeof buf) return false;
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    return inet_pton(AF_INET6, buf, out) == 1;
}

// Hex bytes: "00:0c:29", "00-0c-29", "00.0c.29", "000c29", "0002.7700.0101"; at least one byte.
bool parse_hex_bytes(std::string_view s, std::vector<std::uint8_t>& out) {
    out.clear();
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == ':' || s[i] == '-' || s[i] == '.') {
            if (i == 0 || i + 1 == s.size()) return false;
            ++i;
            continue;
        }
        const int hi = hexv(s[i]);
        if (hi < 0) return false;
        // A lone digit between separators is one byte ("0:c:29" as tshark allows).
        if (i + 1 >= s.size() || hexv(s[i + 1]) < 0) {
            out.push_back(static_cast<std::uint8_t>(hi));
            ++i;
            continue;
        }
        out.push_back(static_cast<std::uint8_t>(hi * 16 + hexv(s[i + 1])));
        i += 2;
    }
    return !out.empty();
}

// netdx escapes wire bytes as \\ and \xHH; comparisons see the bytes.
std::string_view unescape(std::string_view s, std::vector<std::uint8_t>& scratch) {
    if (s.find('\\') == std::string_view::npos) return s;
    scratch.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\\') {
            scratch.push_back('\\');
            ++i;
        } else if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && hexv(s[i + 2]) >= 0 && hexv(s[i + 3]) >= 0) {
            scratch.push_back(static_cast<std::uint8_t>(hexv(s[i + 2]) * 16 + hexv(s[i + 3])));
            i += 3;
        } else {
            scratch.push_back(static_cast<std::uint8_t>(s[i]));
        }
    }
    return {reinterpret_cast<const char*>(scratch.data()), scratch.size()};
}

std::string_view as_view(const std::vector<std::uint8_t>& v) {
    return {reinterpret_cast<const char*>(v.data()), v.size()};
}

template <typename T>
int cmp3(T a, T b) {
    return a < b ? -1 : (a > b ? 1 : 0);
}

bool prefix_equal(const std::uint8_t* a, const std::uint8_t* b, int bits) {
    const int whole = bits / 8, rest = bits % 8;
    if (std::memcmp(a, b, static_cast<std::size_t>(whole)) != 0) return false;
    if (rest == 0) return true;
    const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

bool ordered(int c, Rel rel) {
    switch (rel) {
        case Rel::Eq: return c == 0;
        case Rel::Lt: return c < 0;
        case Rel::Le: return c <= 0;
        case Rel::Gt: return c > 0;
        case Rel::Ge: return c >= 0;
        default: return false;
    }
}

bool numeric(FieldType t) {
    return t == FieldType::UInt || t == FieldType::Int || t == FieldType::Bool || t == FieldType::Double;
}

double as_double(const Value& v) {
    if (v.type == FieldType::Int) return static_cast<double>(v.i);
    if (v.type == FieldType::Double) return v.d;
    return static_cast<double>(v.u);
}

bool byteish(FieldType t) {
    return t == FieldType::Bytes || t == FieldType::String || t == FieldType::Ether || t == FieldType::AbsTime ||
           t == FieldType::Protocol;
}

}  // namespace

bool decode_value(FieldType t, std::string_view text, Value& out, std::vector<std::uint8_t>& scratch) {
    out.type = t;
    switch (t) {
        case FieldType::UInt:
            if (parse_uint(text, out.u)) return true;
            return parse_bool(text, out.u);
        case FieldType::Bool: {
            if (parse_bool(text, out.u)) return true;
            std::uint64_t u = 0;  // a masked boolean printed as its bits
            if (!parse_uint(text, u)) return false;
            out.u = u != 0;
            return true;
        }
        case FieldType::Int: return parse_int(text, out.i);
        case FieldType::Double: return parse_double(text, out.d);
        case FieldType::IPv4: return parse_ipv4(text, out.addr.data());
        case FieldType::IPv6: return parse_ipv6(text, out.addr.data());
        case FieldType::Ether:
            if (!parse_hex_bytes(text, scratch) || scratch.size() != 6) return false;
            std::copy(scratch.begin(), scratch.end(), out.addr.begin());
            out.bytes = {reinterpret_cast<const char*>(out.addr.data()), 6};
            return true;
        case FieldType::Bytes:
            if (text.empty()) return out.bytes = {}, true;
            if (!parse_hex_bytes(text, scratch)) return false;
            out.bytes = as_view(scratch);
            return true;
        case FieldType::String:
        case FieldType::AbsTime:
            out.bytes = unescape(text, scratch);
            return true;
        case FieldType::None: return true;  // a label (tcp.analysis.retransmission): present, no value
        default: return false;
    }
}

std::string_view value_bytes(const Value& v) {
    switch (v.type) {
        case FieldType::IPv4: return {reinterpret_cast<const char*>(v.addr.data()), 4};
        case FieldType::IPv6: return {reinterpret_cast<const char*>(v.addr.data()), 16};
        case FieldType::Ether: return {reinterpret_cast<const char*>(v.addr.data()), 6};
        default: return v.bytes;
    }
}

void parse_literal(const Operand& o, FieldType t, std::string_view field, Literal& out) {
    out = Literal{};
    out.v.type = t;
    const std::string_view s = o.text;
    std::vector<std::uint8_t> tmp;
    auto bad = [&](std::string_view what) {
        throw FilterError(o.column, "\"" + o.text + "\" is not " + std::string(what),
                          "it is compared with " + std::string(field) + " (" + std::string(type_name(t)) + ")");
    };
    auto split_prefix = [&](std::string_view& addr, int max_bits) {
        if (auto slash = addr.find('/'); slash != std::string_view::npos) {
            std::uint64_t bits = 0;
            const std::string_view p = addr.substr(slash + 1);
            auto [e, ec] = std::from_chars(p.data(), p.data() + p.size(), bits);
            if (ec != std::errc() || e != p.data() + p.size() || bits > static_cast<unsigned>(max_bits))
                bad("an address with a valid prefix length");
            out.prefix = static_cast<int>(bits);
            addr = addr.substr(0, slash);
        }
    };
    switch (t) {
        case FieldType::UInt:
            if (o.quoted || !(parse_uint(s, out.v.u) || parse_bool(s, out.v.u))) bad("a valid number");
            return;
        case FieldType::Bool:
            if (o.quoted || !parse_bool(s, out.v.u)) bad("a boolean (1, 0, True or False)");
            return;
        case FieldType::Int:
            if (o.quoted || !parse_int(s, out.v.i)) bad("a valid number");
            return;
        case FieldType::Double:
            if (o.quoted || !parse_double(s, out.v.d)) bad("a valid number");
            return;
        case FieldType::IPv4: {
            std::string_view a = s;
            split_prefix(a, 32);
            if (o.quoted || !parse_ipv4(a, out.v.addr.data())) bad("an IPv4 address");
            return;
        }
        case FieldType::IPv6: {
            std::string_view a = s;
            split_prefix(a, 128);
            if (o.quoted || !parse_ipv6(a, out.v.addr.data())) bad("an IPv6 address");
            return;
        }
        case FieldType::Ether:
            if (o.quoted || !parse_hex_bytes(s, tmp) || tmp.size() != 6) bad("a MAC address");
            std::copy(tmp.begin(), tmp.end(), out.v.addr.begin());
            out.storage.assign(tmp.begin(), tmp.end());
            out.v.bytes = out.storage;
            return;
        case FieldType::Bytes:
        case FieldType::Protocol:
            out.v.type = FieldType::Bytes;
            if (o.quoted) out.storage = o.text;
            else if (parse_hex_bytes(s, tmp)) out.storage.assign(tmp.begin(), tmp.end());
            else bad("a byte string (such as 00:0c:29) or a quoted string");
            out.v.bytes = out.storage;
            return;
        case FieldType::String:
        case FieldType::AbsTime:
            out.storage = o.text;
            out.v.bytes = out.storage;
            return;
        default: bad("comparable: the field has no value, only presence");
    }
}

bool comparable(FieldType a, FieldType b) {
    if (numeric(a) && numeric(b)) return true;
    if (byteish(a) && byteish(b)) return true;
    return a == b;
}

bool relate(const Value& v, Rel rel, const Value& lit, int prefix) {
    if (numeric(v.type) && numeric(lit.type)) {
        if (rel == Rel::Contains || rel == Rel::Matches) return false;
        if (v.type == FieldType::Double || lit.type == FieldType::Double)
            return ordered(cmp3(as_double(v), as_double(lit)), rel);
        if (v.type == FieldType::Int || lit.type == FieldType::Int) {
            const std::int64_t a = v.type == FieldType::Int ? v.i : static_cast<std::int64_t>(v.u);
            const std::int64_t b = lit.type == FieldType::Int ? lit.i : static_cast<std::int64_t>(lit.u);
            return ordered(cmp3(a, b), rel);
        }
        return ordered(cmp3(v.u, lit.u), rel);
    }
    if (v.type == FieldType::IPv4 || v.type == FieldType::IPv6) {
        const std::size_t n = v.type == FieldType::IPv4 ? 4 : 16;
        if (rel == Rel::Eq) return prefix_equal(v.addr.data(), lit.addr.data(), prefix < 0 ? int(n) * 8 : prefix);
        if (rel == Rel::Contains || rel == Rel::Matches) return false;
        return ordered(std::memcmp(v.addr.data(), lit.addr.data(), n), rel);
    }
    const std::string_view a = value_bytes(v), b = value_bytes(lit);
    switch (rel) {
        case Rel::Contains: return a.find(b) != std::string_view::npos;
        case Rel::Matches: return false;  // regular expressions are matched by the evaluator
        default: return ordered(a.compare(b), rel);
    }
}

}  // namespace netdx::filter
