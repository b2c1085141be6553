#include "log/flow_uid.hpp"

namespace netdx {

std::string flow_uid(std::uint64_t flow_id) {
    // splitmix64's finalizer: every step (xor-shift, odd multiply) is
    // invertible, so distinct ids give distinct uids; neighbouring ids look
    // unrelated, so a uid is not read as a count.
    std::uint64_t x = flow_id + 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
    static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string uid(12, '0');
    uid[0] = 'C';
    for (std::size_t i = 11; i >= 1; --i) {  // 62^11 > 2^64: eleven digits hold any value
        uid[i] = kDigits[x % 62];
        x /= 62;
    }
    return uid;
}

}  // namespace netdx
