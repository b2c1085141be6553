#pragma once
// Reading the TLS handshake messages netdx diagnoses from (RFC 8446 4.1-4.4,
// RFC 5246 7.4) into a TlsSession. Each returns null, or a static reason when
// the message cannot be right.
#include "core/cursor.hpp"
#include "events/tls_events.hpp"

namespace netdx {

const char* read_client_hello(Bytes body, TlsSession& s);
const char* read_server_hello(Bytes body, TlsSession& s);
// TLS <= 1.2 Certificate: the first entry is the server's own (the leaf).
const char* read_certificate(Bytes body, TlsSession& s);

}  // namespace netdx
