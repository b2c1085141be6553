#pragma once
// Reverse name lookups with c-ares, driven from the UI loop without ever
// blocking it: name() answers from the cache or starts a lookup and returns
// nothing, so the view shows the address until the name arrives.
#include <ares.h>

#include <string>
#include <string_view>
#include <unordered_map>

#include "core/packet.hpp"

namespace netdx::tui {

class Resolver {
public:
    Resolver();
    ~Resolver();
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    [[nodiscard]] bool ok() const { return ok_; }
    // The escaped host name of `a`, or empty while unknown (a lookup starts).
    std::string_view name(const IpAddress& a);
    // Handles whatever answers arrived; never waits.
    void poll();
    [[nodiscard]] std::size_t pending() const { return pending_; }

private:
    struct Hash {
        std::size_t operator()(const IpAddress& a) const noexcept;
    };
    struct Entry {
        bool done = false;
        std::string name;  // empty when the lookup failed
    };
    static void on_answer(void* arg, int status, int timeouts, hostent* host);

    ares_channel channel_ = nullptr;
    bool ok_ = false;
    std::unordered_map<IpAddress, Entry, Hash> cache_;
    std::size_t pending_ = 0;
};

}  // namespace netdx::tui
