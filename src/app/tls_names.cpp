// Names of TLS versions, alert descriptions (RFC 8446 6.2, RFC 5246 7.2) and cipher suites.
#include <fmt/format.h>

#include "events/tls_events.hpp"

namespace netdx {

std::string tls_version_name(std::uint16_t v) {
    switch (v) {
        case 0x0300: return "SSL 3.0";
        case kTls10: return "TLS 1.0";
        case kTls11: return "TLS 1.1";
        case kTls12: return "TLS 1.2";
        case kTls13: return "TLS 1.3";
        default: return fmt::format("0x{:04x}", v);
    }
}

namespace {

// RFC 8446 6.2 name and the title tshark's info column uses.
struct AlertName {
    std::uint8_t code;
    const char* rfc;
    const char* title;
};

constexpr AlertName kAlerts[] = {
    {0, "close_notify", "Close Notify"},
    {10, "unexpected_message", "Unexpected Message"},
    {20, "bad_record_mac", "Bad Record MAC"},
    {21, "decryption_failed", "Decryption Failed"},
    {22, "record_overflow", "Record Overflow"},
    {30, "decompression_failure", "Decompression Failure"},
    {40, "handshake_failure", "Handshake Failure"},
    {41, "no_certificate", "No Certificate"},
    {42, "bad_certificate", "Bad Certificate"},
    {43, "unsupported_certificate", "Unsupported Certificate"},
    {44, "certificate_revoked", "Certificate Revoked"},
    {45, "certificate_expired", "Certificate Expired"},
    {46, "certificate_unknown", "Certificate Unknown"},
    {47, "illegal_parameter", "Illegal Parameter"},
    {48, "unknown_ca", "Unknown CA"},
    {49, "access_denied", "Access Denied"},
    {50, "decode_error", "Decode Error"},
    {51, "decrypt_error", "Decrypt Error"},
    {60, "export_restriction", "Export Restriction"},
    {70, "protocol_version", "Protocol Version"},
    {71, "insufficient_security", "Insufficient Security"},
    {80, "internal_error", "Internal Error"},
    {86, "inappropriate_fallback", "Inappropriate Fallback"},
    {90, "user_canceled", "User Canceled"},
    {100, "no_renegotiation", "No Renegotiation"},
    {109, "missing_extension", "Missing Extension"},
    {110, "unsupported_extension", "Unsupported Extension"},
    {111, "certificate_unobtainable", "Certificate Unobtainable"},
    {112, "unrecognized_name", "Unrecognized Name"},
    {113, "bad_certificate_status_response", "Bad Certificate Status Response"},
    {114, "bad_certificate_hash_value", "Bad Certificate Hash Value"},
    {115, "unknown_psk_identity", "Unknown PSK Identity"},
    {116, "certificate_required", "Certificate Required"},
    {120, "no_application_protocol", "No application Protocol"},
};

const AlertName* find_alert(std::uint8_t d) {
    for (const AlertName& a : kAlerts)
        if (a.code == d) return &a;
    return nullptr;
}

}  // namespace

std::string tls_alert_name(std::uint8_t d) {
    if (const AlertName* a = find_alert(d)) return a->rfc;
    return fmt::format("alert {}", d);
}

const char* tls_alert_title(std::uint8_t d) {
    const AlertName* a = find_alert(d);
    return a ? a->title : nullptr;
}

namespace {

// The suites servers choose today and the older ones still met on networks,
// IANA names (the TLS Cipher Suites registry); the full registry is ~350 names.
struct CipherName {
    std::uint16_t code;
    const char* name;
};

constexpr CipherName kCiphers[] = {
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5"},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA"},
    {0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
    {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"},
    {0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"},
    {0x1301, "TLS_AES_128_GCM_SHA256"},
    {0x1302, "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
    {0x1304, "TLS_AES_128_CCM_SHA256"},
    {0x1305, "TLS_AES_128_CCM_8_SHA256"},
    {0x5600, "TLS_FALLBACK_SCSV"},
    {0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
    {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
    {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
    {0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
};

}  // namespace

const char* tls_cipher_name(std::uint16_t code) {
    for (const CipherName& c : kCiphers)
        if (c.code == code) return c.name;
    return nullptr;
}

}  // namespace netdx
