#pragma once
// ONC RPC program and procedure names as tshark 4.0 shows them: the program's
// protocol name in the Protocol column ("Portmap", "NFS", "MOUNT", "NLM",
// "STAT") and the procedure's name in the Info column ("V2 GETPORT Call").
#include <cstdint>
#include <string_view>

namespace netdx {

enum : std::uint32_t {
    kRpcPortmap = 100000, kRpcNfs = 100003, kRpcMount = 100005, kRpcStatus = 100024, kRpcNlm = 100021,
};

// The Protocol column for a program, or "" for one netdx does not name
// (tshark then shows "RPC").
std::string_view rpc_program_column(std::uint32_t prog);
// The program's name in findings ("portmapper", "nfs", "mountd", ...), or "".
std::string_view rpc_program_name(std::uint32_t prog);
// The procedure's name, or "" when the program/version is not known (tshark:
// "proc-N").
std::string_view rpc_procedure_name(std::uint32_t prog, std::uint32_t vers, std::uint32_t proc);
// Whether netdx names the procedures of this program version (tshark has a
// dissector for it).
bool rpc_version_known(std::uint32_t prog, std::uint32_t vers);

}  // namespace netdx
