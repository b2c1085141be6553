// Flow index: open addressing against std::map as the reference, with hashes
// forced to collide so probe runs wrap around the table and deletions shift
// entries back.
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "flow/flow_index.hpp"

using namespace netdx;

namespace {

FlowKey key_of_number(std::uint32_t n) {
    FlowKey k;
    k.family = 4;
    k.proto = 6;
    k.a = {10, 0, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    k.b = {192, 168, 1, 1};
    k.port_a = static_cast<std::uint16_t>(n * 7);
    k.port_b = 443;
    return k;
}

}  // namespace

TEST_CASE("flow key hash: equal keys hash equal, keys one byte apart spread") {
    FlowKey a = key_of_number(1), b = key_of_number(1);
    CHECK(same_flow_key(a, b));
    CHECK(flow_key_hash(a) == flow_key_hash(b));
    b.vlan = 1;
    CHECK_FALSE(same_flow_key(a, b));
    // 65,536 keys differing only in the low two address bytes and the port
    // land in nearly as many distinct 16-bit buckets as random values would.
    std::vector<bool> bucket(1 << 16);
    std::size_t used = 0;
    for (std::uint32_t n = 0; n < (1u << 16); ++n) {
        const std::uint32_t h = flow_key_hash(key_of_number(n)) & 0xffff;
        if (!bucket[h]) { bucket[h] = true; ++used; }
    }
    CHECK(used > 40000);  // a uniform hash fills 1 - 1/e = 63% (41,427)
}

TEST_CASE("flow index agrees with std::map under random inserts and erases, colliding hashes") {
    for (std::uint32_t modulus : {1u, 7u, 1024u, 0u}) {
        CAPTURE(modulus);
        std::vector<FlowKey> pool(5000);
        for (std::uint32_t i = 0; i < pool.size(); ++i) pool[i] = key_of_number(i);
        // modulus 1: every key collides; 1024 with the initial 1024 entries: runs
        // wrap past the end of the table; 0: the real hash.
        auto hash_of = [modulus](const FlowKey& k) {
            const std::uint32_t h = flow_key_hash(k);
            return modulus ? h % modulus + 1021 : h;
        };
        auto key_of = [&pool](std::uint32_t s) -> const FlowKey& { return pool[s]; };
        FlowIndex index;
        std::map<std::uint32_t, bool> present;
        std::mt19937 rng(42 + modulus);
        const std::uint32_t universe = modulus == 1 ? 200 : 5000;
        for (int step = 0; step < 30000; ++step) {
            const std::uint32_t s = rng() % universe;
            const std::uint32_t h = hash_of(pool[s]);
            const bool in = present.count(s) != 0;
            REQUIRE(index.find(pool[s], h, key_of) == (in ? s : FlowIndex::kNone));
            if (in && rng() % 2) {
                index.erase(h, s);
                present.erase(s);
            } else if (!in) {
                index.insert(h, s);
                present[s] = true;
            }
            REQUIRE(index.size() == present.size());
        }
        for (std::uint32_t s = 0; s < universe; ++s)
            REQUIRE(index.find(pool[s], hash_of(pool[s]), key_of) == (present.count(s) ? s : FlowIndex::kNone));
    }
}
