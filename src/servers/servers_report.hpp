#pragma once
// `netdx servers` output: a text table (busiest first) or one JSON object per
// server. Every text field in a record is printable already (addresses are
// formatted here; error kinds come escaped from the consumers).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "servers/server_table.hpp"

namespace netdx {

struct ServersReportOptions {
    bool all = false;  // text: also the servers that only refused connections
};

// Busiest first: requests, then connections, then bytes.
std::vector<const ServerStats*> servers_by_load(const ServerTable& t);

nlohmann::json server_json(const ServerStats& s);
void write_servers_text(std::FILE* out, const ServerTable& t, const ServersReportOptions& o);
// One object per line (NDJSON), then nothing else: the table's limits are in
// each object's absence and on stderr.
void write_servers_json(std::FILE* out, const ServerTable& t);

// "10.0.0.1:80/tcp", "[2001:db8::1]:53/udp".
std::string server_name(const ServerKey& k);

}  // namespace netdx
