#pragma once
// Decoding of HTTP's gzip and deflate content codings with zlib, bounded:
// at most `cap` bytes come out whatever the input claims (a small input can
// inflate a thousandfold). Shared by --export-objects (whole bodies) and the
// XML-RPC/JSON-RPC reader (a prefix of a body, perhaps cut).
#include <cstddef>
#include <string>
#include <string_view>

namespace netdx {

struct Inflated {
    std::string out;        // at most cap bytes
    bool complete = false;  // the compressed stream ended within the input and the cap
    bool broken = false;    // not gzip/zlib (or raw deflate) data, or corrupt
};

// `raw`: deflate without the zlib header (some servers send it for
// "deflate"); otherwise gzip and zlib are told apart by their headers.
Inflated inflate_bounded(std::string_view in, bool raw, std::size_t cap);

}  // namespace netdx
