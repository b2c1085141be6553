#include "app/x509_leaf.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <string>

#include "core/escape.hpp"

namespace netdx {

namespace {

constexpr std::size_t kNameCap = 256;

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};

std::string capped(std::string_view s) { return escaped(s.substr(0, std::min(s.size(), kNameCap))); }

std::string common_name(const X509_NAME* name) {
    const int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (i < 0) return {};
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    if (!s) return {};
    return capped({reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(ASN1_STRING_length(s))});
}

std::string rfc2253(const X509_NAME* name) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    if (n <= 0 || !data) return {};
    return capped({data, static_cast<std::size_t>(n)});
}

double epoch(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
    return static_cast<double>(timegm(&tm));
}

void parse_x509_leaf(Bytes der, TlsCertificate& out) {
    const unsigned char* p = der.data();
    std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert) {
        ERR_clear_error();  // the queue is per thread and would keep every failure
        return;
    }
    out.parsed = true;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(der.data(), der.size(), md, &md_len, EVP_sha256(), nullptr) == 1) {
        static const char kHex[] = "0123456789abcdef";
        out.sha256.reserve(md_len * 2);
        for (unsigned int i = 0; i < md_len; ++i) {
            out.sha256.push_back(kHex[md[i] >> 4]);
            out.sha256.push_back(kHex[md[i] & 15]);
        }
    }
    out.subject_cn = common_name(X509_get_subject_name(cert.get()));
    out.issuer = rfc2253(X509_get_issuer_name(cert.get()));
    out.not_before = epoch(X509_get0_notBefore(cert.get()));
    out.not_after = epoch(X509_get0_notAfter(cert.get()));
}

// Servers send the same certificate on every connection, and decoding it with
// libcrypto cost a tenth of `netdx analyze` on the busy benchmark capture. The
// last distinct certificates are kept with what was read from them, matched on
// their whole DER bytes (not only a hash), so the answer is that of a fresh
// parse. Per thread, direct-mapped, bounded: kSlots certificates of at most
// kMaxCachedDer bytes.
constexpr std::size_t kSlots = 64;
constexpr std::size_t kMaxCachedDer = 16 * 1024;

struct CachedLeaf {
    std::string der;
    TlsCertificate fields;
};

}  // namespace

void read_x509_leaf(Bytes der, TlsCertificate& out) {
    if (der.size() > kMaxCachedDer) {
        parse_x509_leaf(der, out);
        return;
    }
    thread_local std::array<CachedLeaf, kSlots> cache;
    const std::string_view key(reinterpret_cast<const char*>(der.data()), der.size());
    CachedLeaf& slot = cache[std::hash<std::string_view>{}(key) % kSlots];
    if (slot.der.size() != der.size() || std::memcmp(slot.der.data(), der.data(), der.size()) != 0) {
        slot.der.assign(key);
        slot.fields = TlsCertificate{};
        parse_x509_leaf(der, slot.fields);
    }
    const FrameRef where = out.where;  // the frame is the caller's, not the cached one's
    out = slot.fields;
    out.where = where;
}

}  // namespace netdx
