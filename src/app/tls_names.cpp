// Names of TLS versions and alert descriptions (RFC 8446 6.2, RFC 5246 7.2).
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

}  // namespace netdx
