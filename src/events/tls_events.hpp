#pragma once
// One TLS handshake as the rules engine sees it: what the client offered, what
// the server chose, the server's leaf certificate when it travels in clear
// (TLS <= 1.2), the alerts, and whether the handshake completed. The consumer
// (src/app/tls.cpp) emits one TlsSession per TLS flow when the flow ends.
// Text fields are copies from the wire, escaped and length-capped.
#include <cstdint>
#include <string>
#include <vector>

#include "events/common.hpp"

namespace netdx {

inline constexpr std::uint16_t kTls10 = 0x0301, kTls11 = 0x0302, kTls12 = 0x0303, kTls13 = 0x0304;

struct TlsAlert {
    bool from_client = false;
    bool encrypted = false;  // sent after the sender's ChangeCipherSpec: level and description unreadable
    std::uint8_t level = 0;  // 1 warning, 2 fatal
    std::uint8_t description = 0;
    FrameRef where;
    double ts = 0;
};

struct TlsCertificate {
    bool parsed = false;      // false: present but the library could not read it
    std::string subject_cn;   // escaped, capped
    std::string issuer;       // RFC 2253 form, escaped, capped
    double not_before = 0, not_after = 0;  // seconds since the epoch
    std::string sha256;       // fingerprint of the DER bytes, hex: one certificate served by many servers
    FrameRef where;
};

struct TlsSession : EventBase {  // where/ts: the ClientHello (else the first TLS record)
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;

    bool client_hello = false;
    std::uint16_t client_legacy_version = 0;
    std::uint16_t client_max_version = 0;  // highest of supported_versions, else the legacy version
    std::string sni;                       // escaped, capped
    std::string alpn;                      // offered protocols, comma-separated, escaped, capped
    std::uint16_t cipher_count = 0;

    bool server_hello = false;
    FrameRef server_hello_frame;
    std::uint16_t version = 0;  // chosen (supported_versions when present)
    std::uint16_t cipher = 0;

    bool has_certificate = false;  // a Certificate message in clear (TLS <= 1.2)
    TlsCertificate leaf;

    std::vector<TlsAlert> alerts;  // first few (kTlsAlertCap)
    std::uint32_t alert_count = 0;

    bool client_ccs = false, server_ccs = false;
    bool client_app_data = false, server_app_data = false;
    bool completed = false;       // both ChangeCipherSpec seen (<= 1.2), or the TLS 1.3 client Finished and data
    bool malformed = false;       // a record or handshake message that could not be right; reading stopped
    bool gap = false;             // bytes missing from the capture; reading stopped
    bool at_capture_end = false;  // the flow was still open when the capture ended
    std::string problem;
};

inline constexpr std::size_t kTlsAlertCap = 4;

// "TLS 1.2", "SSL 3.0", "0x7f1c" for the rest.
std::string tls_version_name(std::uint16_t v);
// RFC 8446 6.2 names ("protocol_version", "certificate_expired", ...).
std::string tls_alert_name(std::uint8_t description);
// tshark's title for the info column ("Handshake Failure"); null when unknown.
const char* tls_alert_title(std::uint8_t description);
// IANA name of a cipher suite ("TLS_AES_128_GCM_SHA256"); null when netdx's table lacks it.
const char* tls_cipher_name(std::uint16_t code);

}  // namespace netdx
