// parse_imf for the netdx executable: the parser lives in netdx-imf.so
// (imf_module.hpp says why), opened on first use.
#include <dlfcn.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>

#include "dissectors/imf/imf_module.hpp"
#include "dissectors/imf/imf_parse.hpp"

namespace netdx {
namespace {

std::string executable_dir() {
    char path[4096];
    const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) return {};
    std::string p(path, static_cast<std::size_t>(n));
    const auto slash = p.rfind('/');
    return slash == std::string::npos ? std::string(".") : p.substr(0, slash);
}

// Beside the executable in the build tree; where meson installs it otherwise,
// found from the executable's own place first so that a DESTDIR or relocated
// install works too.
NetdxImfParse* load() {
    const std::string dir = executable_dir();
    std::string why = "not found beside " + dir + " nor in " NETDX_MODULE_DIR_INSTALLED;
    for (const std::string& candidate :
         {dir + "/netdx-imf.so", dir + "/" NETDX_MODULE_DIR_FROM_BINDIR "/netdx-imf.so",
          std::string(NETDX_MODULE_DIR_INSTALLED "/netdx-imf.so")}) {
        if (access(candidate.c_str(), F_OK) != 0) continue;
        void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            why = dlerror();
            continue;
        }
        if (void* entry = dlsym(handle, NETDX_IMF_ENTRY)) return reinterpret_cast<NetdxImfParse*>(entry);
        why = fmt::format("{} has no {}", candidate, NETDX_IMF_ENTRY);
    }
    // Once per run: the rest of the analysis goes on; messages are counted
    // and sized, but their headers and MIME parts are not read.
    std::fprintf(stderr, "netdx: e-mail messages are not parsed: cannot load netdx-imf.so (%s)\n", why.c_str());
    return nullptr;
}

}  // namespace

void parse_imf(std::string_view message, bool truncated, MailMessage& out) {
    static std::once_flag once;
    static NetdxImfParse* entry = nullptr;
    std::call_once(once, [] { entry = load(); });
    if (entry) entry(message, truncated, out);
}

}  // namespace netdx
