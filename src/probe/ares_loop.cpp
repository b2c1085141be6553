#include "probe/ares_loop.hpp"

#include <sys/select.h>

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "probe/probe_error.hpp"

namespace netdx {

namespace {

void init_library() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
            throw ProbeError(ExitCode::Failure, "c-ares could not be initialised");
    });
}

}  // namespace

AresChannel::AresChannel(const std::string& server, int timeout_ms, int tries) {
    init_library();
    ares_options opts{};
    // Responses with SERVFAIL/REFUSED are results here, not reasons to try
    // another server; no search list: the name is asked as given.
    opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH;
    opts.timeout = timeout_ms;
    opts.tries = tries;
    opts.ndomains = 0;
    opts.domains = nullptr;
    int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
    // A lookup with the system's configuration keeps its search list and checks.
    if (!server.empty()) mask |= ARES_OPT_FLAGS | ARES_OPT_DOMAINS;
    if (const int rc = ares_init_options(&ch_, &opts, mask); rc != ARES_SUCCESS)
        throw ProbeError(ExitCode::Failure, fmt::format("c-ares: {}", ares_strerror(rc)));
    if (!server.empty()) {
        if (const int rc = ares_set_servers_ports_csv(ch_, server.c_str()); rc != ARES_SUCCESS) {
            ares_destroy(ch_);
            ch_ = nullptr;
            throw ProbeError(ExitCode::Usage, fmt::format("bad DNS server \"{}\": {}", server, ares_strerror(rc)));
        }
    }
}

AresChannel::~AresChannel() {
    if (ch_) ares_destroy(ch_);
}

void run_ares(const std::vector<AresChannel*>& channels, probe_clock::TimePoint deadline) {
    for (;;) {
        fd_set r, w;
        FD_ZERO(&r);
        FD_ZERO(&w);
        int nfds = 0;
        timeval tv{}, *tvp = nullptr;
        timeval cap{};
        const int left = probe_clock::ms_left(deadline);
        cap.tv_sec = left / 1000;
        cap.tv_usec = (left % 1000) * 1000;
        for (AresChannel* c : channels) {
            nfds = std::max(nfds, ares_fds(c->get(), &r, &w));
            timeval t{};
            if (timeval* p = ares_timeout(c->get(), &cap, &t); !tvp || p->tv_sec < tvp->tv_sec || (p->tv_sec == tvp->tv_sec && p->tv_usec < tvp->tv_usec)) {
                tv = *p;
                tvp = &tv;
            }
        }
        if (nfds == 0) return;
        if (left == 0) {
            for (AresChannel* c : channels) ares_cancel(c->get());
            return;
        }
        select(nfds, &r, &w, nullptr, tvp);
        for (AresChannel* c : channels) ares_process(c->get(), &r, &w);
    }
}

}  // namespace netdx
