#pragma once
// Whether a TCP payload on a TLS port starts with a whole TLS record: the
// decoder shows the pieces of a record split across segments as plain TCP,
// as tshark does.
#include "core/cursor.hpp"

namespace netdx {

bool tls_starts_whole_record(Bytes payload);

}  // namespace netdx
