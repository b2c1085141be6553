#include "tui/resolver.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/select.h>

#include "core/escape.hpp"

namespace netdx::tui {

namespace {

constexpr std::size_t kMaxCache = 8192;
constexpr int kMaxPending = 64;  // lookups in flight; more wait for a later refresh

struct Query {
    class Resolver* self;
    IpAddress addr;
};

}  // namespace

std::size_t Resolver::Hash::operator()(const IpAddress& a) const noexcept {
    std::uint64_t h = 1469598103934665603ull ^ a.family;
    for (std::uint8_t b : a.bytes) { h ^= b; h *= 1099511628211ull; }
    return static_cast<std::size_t>(h);
}

Resolver::Resolver() {
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) return;
    ares_options o{};
    o.timeout = 2000;
    o.tries = 2;
    ok_ = ares_init_options(&channel_, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) == ARES_SUCCESS;
}

Resolver::~Resolver() {
    if (channel_) ares_destroy(channel_);  // runs pending callbacks with ARES_EDESTRUCTION
    ares_library_cleanup();
}

void Resolver::on_answer(void* arg, int status, int, hostent* host) {
    auto* q = static_cast<Query*>(arg);
    Resolver* self = q->self;
    if (status != ARES_EDESTRUCTION) {
        --self->pending_;
        auto it = self->cache_.find(q->addr);
        if (it != self->cache_.end()) {
            it->second.done = true;
            // The name comes from the network (a PTR answer): escape it.
            if (status == ARES_SUCCESS && host && host->h_name) it->second.name = escaped(host->h_name);
        }
    }
    delete q;
}

std::string_view Resolver::name(const IpAddress& a) {
    if (!ok_ || a.family == 0) return {};
    auto it = cache_.find(a);
    if (it != cache_.end()) return it->second.name;
    if (pending_ >= static_cast<std::size_t>(kMaxPending)) return {};
    if (cache_.size() >= kMaxCache) {
        // Forget finished entries; those in flight stay so their answer lands.
        for (auto i = cache_.begin(); i != cache_.end();) i = i->second.done ? cache_.erase(i) : std::next(i);
    }
    cache_.emplace(a, Entry{});
    ++pending_;
    auto* q = new Query{this, a};
    ares_gethostbyaddr(channel_, a.bytes.data(), a.family == 4 ? 4 : 16, a.family == 4 ? AF_INET : AF_INET6,
                       &Resolver::on_answer, q);
    return {};
}

void Resolver::poll() {
    if (!ok_ || pending_ == 0) return;
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    const int n = ares_fds(channel_, &r, &w);
    timeval zero{0, 0};
    if (n > 0) select(n, &r, &w, nullptr, &zero);
    else { FD_ZERO(&r); FD_ZERO(&w); }
    ares_process(channel_, &r, &w);  // also expires timed-out queries
}

}  // namespace netdx::tui
