#pragma once
// The fields of a server certificate the rules need, read with OpenSSL's
// libcrypto (DER as sent in a TLS Certificate message).
#include "core/cursor.hpp"
#include "events/tls_events.hpp"

namespace netdx {

// Fills `out` from one DER certificate; out.parsed is false when libcrypto
// cannot read it.
void read_x509_leaf(Bytes der, TlsCertificate& out);

}  // namespace netdx
