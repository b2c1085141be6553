#include "app/tls_handshake.hpp"

#include <algorithm>

#include "app/x509_leaf.hpp"
#include "core/escape.hpp"

namespace netdx {

namespace {

constexpr std::size_t kTextCap = 128;
constexpr std::uint16_t kExtServerName = 0, kExtAlpn = 16, kExtSupportedVersions = 43;

// RFC 8701 GREASE values (0x?a?a) are never real versions.
bool is_grease(std::uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

std::string text(Bytes b) {
    return escaped({reinterpret_cast<const char*>(b.data()), std::min(b.size(), kTextCap)});
}

void read_sni(Bytes ext, TlsSession& s) {
    Cursor c(ext);
    Cursor list(c.take(c.be16()));
    while (list.ok() && list.remaining() >= 3) {
        const std::uint8_t type = list.u8();
        const Bytes name = list.take(list.be16());
        if (list.ok() && type == 0) {
            s.sni = text(name);
            return;
        }
    }
}

void read_alpn(Bytes ext, TlsSession& s) {
    Cursor c(ext);
    Cursor list(c.take(c.be16()));
    while (list.ok() && list.remaining() >= 1) {
        const Bytes proto = list.take(list.u8());
        if (!list.ok() || s.alpn.size() > kTextCap) break;
        if (!s.alpn.empty()) s.alpn += ',';
        s.alpn += text(proto);
    }
}

// Calls fn(type, data) for each extension; false when the block is cut.
template <typename Fn>
bool for_each_extension(Cursor& c, Fn&& fn) {
    if (c.remaining() == 0) return true;  // no extensions at all (allowed before TLS 1.3)
    Cursor exts(c.take(c.be16()));
    if (!c.ok()) return false;
    while (exts.remaining() >= 4) {
        const std::uint16_t type = exts.be16();
        const Bytes data = exts.take(exts.be16());
        if (!exts.ok()) return false;
        fn(type, data);
    }
    return exts.remaining() == 0;
}

}  // namespace

const char* read_client_hello(Bytes body, TlsSession& s) {
    Cursor c(body);
    s.client_hello = true;
    s.client_legacy_version = c.be16();
    s.client_max_version = s.client_legacy_version;
    c.skip(32);           // random
    c.skip(c.u8());       // session id
    const std::uint16_t suites = c.be16();
    c.skip(suites);
    c.skip(c.u8());       // compression methods
    if (!c.ok() || suites % 2) return "ClientHello shorter than its fields";
    s.cipher_count = static_cast<std::uint16_t>(suites / 2);
    const bool ok = for_each_extension(c, [&](std::uint16_t type, Bytes data) {
        if (type == kExtServerName) read_sni(data, s);
        else if (type == kExtAlpn) read_alpn(data, s);
        else if (type == kExtSupportedVersions) {
            Cursor v(data);
            Cursor list(v.take(v.u8()));
            std::uint16_t best = 0;
            while (list.remaining() >= 2) {
                const std::uint16_t ver = list.be16();
                if (!is_grease(ver)) best = std::max(best, ver);
            }
            if (best) s.client_max_version = best;
        }
    });
    return ok ? nullptr : "ClientHello extensions cut short";
}

const char* read_server_hello(Bytes body, TlsSession& s) {
    Cursor c(body);
    s.server_hello = true;
    s.version = c.be16();
    c.skip(32);
    c.skip(c.u8());
    s.cipher = c.be16();
    c.skip(1);  // compression method
    if (!c.ok()) return "ServerHello shorter than its fields";
    const bool ok = for_each_extension(c, [&](std::uint16_t type, Bytes data) {
        if (type == kExtSupportedVersions && data.size() == 2) s.version = load_be16(data.data());
    });
    return ok ? nullptr : "ServerHello extensions cut short";
}

const char* read_certificate(Bytes body, TlsSession& s) {
    Cursor c(body);
    Cursor list(c.take(c.be24()));
    if (!c.ok()) return "Certificate list longer than its message";
    s.has_certificate = true;
    if (list.remaining() == 0) return nullptr;  // empty list (a client with no certificate)
    const Bytes der = list.take(list.be24());
    if (!list.ok()) return "certificate longer than its list";
    read_x509_leaf(der, s.leaf);
    return nullptr;
}

}  // namespace netdx
