#include "dissectors/rpc/rpc_names.hpp"

#include <span>

namespace netdx {

namespace {

using Names = std::span<const std::string_view>;

constexpr std::string_view kPmap2[] = {"NULL", "SET", "UNSET", "GETPORT", "DUMP", "CALLIT"};
constexpr std::string_view kRpcb3[] = {"NULL", "SET", "UNSET", "GETADDR", "DUMP",
                                       "CALLIT", "GETTIME", "UADDR2TADDR", "TADDR2UADDR"};
constexpr std::string_view kRpcb4[] = {"NULL",     "SET",         "UNSET",       "GETADDR",     "DUMP",
                                       "BCAST",    "GETTIME",     "UADDR2TADDR", "TADDR2UADDR", "GETVERSADDR",
                                       "INDIRECT", "GETADDRLIST", "GETSTAT"};
constexpr std::string_view kMount1[] = {"NULL", "MNT", "DUMP", "UMNT", "UMNTALL", "EXPORT", "EXPORTALL"};
constexpr std::string_view kMount2[] = {"NULL",   "MNT",       "DUMP",    "UMNT", "UMNTALL",
                                        "EXPORT", "EXPORTALL", "PATHCONF"};
constexpr std::string_view kMount3[] = {"NULL", "MNT", "DUMP", "UMNT", "UMNTALL", "EXPORT"};
constexpr std::string_view kNfs2[] = {"NULL",   "GETATTR", "SETATTR", "ROOT",   "LOOKUP",  "READLINK",
                                      "READ",   "WRITECACHE", "WRITE", "CREATE", "REMOVE", "RENAME",
                                      "LINK",   "SYMLINK", "MKDIR",   "RMDIR",  "READDIR", "STATFS"};
constexpr std::string_view kNfs3[] = {"NULL",   "GETATTR", "SETATTR", "LOOKUP",  "ACCESS",      "READLINK",
                                      "READ",   "WRITE",   "CREATE",  "MKDIR",   "SYMLINK",     "MKNOD",
                                      "REMOVE", "RMDIR",   "RENAME",  "LINK",    "READDIR",     "READDIRPLUS",
                                      "FSSTAT", "FSINFO",  "PATHCONF", "COMMIT"};
constexpr std::string_view kNfs4[] = {"NULL", "COMPOUND"};
constexpr std::string_view kNlm[] = {"NULL",        "TEST",       "LOCK",        "CANCEL",     "UNLOCK",
                                     "GRANTED",     "TEST_MSG",   "LOCK_MSG",    "CANCEL_MSG", "UNLOCK_MSG",
                                     "GRANTED_MSG", "TEST_RES",   "LOCK_RES",    "CANCEL_RES", "UNLOCK_RES",
                                     "GRANTED_RES", "",           "",            "",           "",
                                     "SHARE",       "UNSHARE",    "NM_LOCK",     "FREE_ALL"};
constexpr std::string_view kStat1[] = {"NULL", "STAT", "MON", "UNMON", "UNMON_ALL", "SIMU_CRASH", "NOTIFY"};

Names table(std::uint32_t prog, std::uint32_t vers) {
    switch (prog) {
        case kRpcPortmap:
            if (vers == 1 || vers == 2) return kPmap2;
            if (vers == 3) return kRpcb3;
            if (vers == 4) return kRpcb4;
            return {};
        case kRpcMount:
            if (vers == 1) return kMount1;
            if (vers == 2) return kMount2;
            if (vers == 3) return kMount3;
            return {};
        case kRpcNfs:
            if (vers == 2) return kNfs2;
            if (vers == 3) return kNfs3;
            if (vers == 4) return kNfs4;
            return {};
        case kRpcNlm:
            if (vers == 1 || vers == 3 || vers == 4) return kNlm;
            return {};
        case kRpcStatus: return vers == 1 ? Names(kStat1) : Names();
        default: return {};
    }
}

}  // namespace

std::string_view rpc_program_column(std::uint32_t prog) {
    switch (prog) {
        case kRpcPortmap: return "Portmap";
        case kRpcNfs: return "NFS";
        case kRpcMount: return "MOUNT";
        case kRpcNlm: return "NLM";
        case kRpcStatus: return "STAT";
        default: return "";
    }
}

std::string_view rpc_program_name(std::uint32_t prog) {
    switch (prog) {
        case kRpcPortmap: return "portmapper";
        case kRpcNfs: return "nfs";
        case kRpcMount: return "mountd";
        case kRpcNlm: return "nlockmgr";
        case kRpcStatus: return "status";
        default: return "";
    }
}

bool rpc_version_known(std::uint32_t prog, std::uint32_t vers) { return !table(prog, vers).empty(); }

std::string_view rpc_procedure_name(std::uint32_t prog, std::uint32_t vers, std::uint32_t proc) {
    const Names t = table(prog, vers);
    return proc < t.size() ? t[proc] : std::string_view();
}

}  // namespace netdx
