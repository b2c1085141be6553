// Runs the fuzz entry point without libFuzzer: every seed file, then N
// deterministic mutations of them (bit flips, truncations, insertions, byte
// overwrites), so the normal and the ASan test builds exercise it.
// Usage: fuzz-replay SEED_DIR [ITERATIONS] [PRNG_SEED]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Input = std::vector<std::uint8_t>;

Input mutate(Input in, std::mt19937_64& rng) {
    const int steps = 1 + static_cast<int>(rng() % 4);
    for (int s = 0; s < steps; ++s) {
        switch (rng() % 5) {
            case 0:  // flip one bit
                if (!in.empty()) in[rng() % in.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
                break;
            case 1:  // truncate
                in.resize(in.empty() ? 0 : rng() % in.size());
                break;
            case 2: {  // insert random bytes
                const std::size_t at = in.empty() ? 0 : rng() % (in.size() + 1);
                const std::size_t n = 1 + rng() % 8;
                for (std::size_t i = 0; i < n; ++i) in.insert(in.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng()));
                break;
            }
            case 3: {  // overwrite with a boundary value (lengths, counts)
                static const std::uint8_t kValues[] = {0x00, 0x01, 0x05, 0x0f, 0x40, 0x7f, 0x80, 0xff};
                if (!in.empty()) in[rng() % in.size()] = kValues[rng() % std::size(kValues)];
                break;
            }
            default:  // delete a byte
                if (!in.empty()) in.erase(in.begin() + static_cast<std::ptrdiff_t>(rng() % in.size()));
                break;
        }
    }
    return in;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s SEED_DIR [ITERATIONS] [PRNG_SEED]\n", argv[0]);
        return 2;
    }
    const long iterations = argc > 2 ? std::atol(argv[2]) : 20000;
    std::mt19937_64 rng(argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20261125);
    std::vector<Input> seeds;
    for (const auto& e : std::filesystem::directory_iterator(argv[1])) {
        if (!e.is_regular_file()) continue;
        std::ifstream f(e.path(), std::ios::binary);
        seeds.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    if (seeds.empty()) {
        std::fprintf(stderr, "no seed files in %s\n", argv[1]);
        return 1;
    }
    seeds.push_back({});  // the empty packet
    for (const Input& s : seeds) LLVMFuzzerTestOneInput(s.data(), s.size());
    for (long i = 0; i < iterations; ++i) {
        const Input m = mutate(seeds[rng() % seeds.size()], rng);
        LLVMFuzzerTestOneInput(m.data(), m.size());
    }
    std::printf("fuzz-replay: %zu seeds, %ld mutations, no crash\n", seeds.size(), iterations);
    return 0;
}
