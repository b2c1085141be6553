#pragma once
// The bytes of a capture file, decompressed on the fly when the file is gzip,
// zstd or lz4 (recognised by their magic numbers, as tshark does, so a
// compressed file needs no special name and standard input works too).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace netdx {

enum class Compression { None, Gzip, Zstd, Lz4 };
const char* compression_name(Compression c);

// Why a stream stopped early: cut short (the compressed data ends inside a
// frame) or corrupt (the decompressor rejected the data).
enum class StreamFault { None, Truncated, Corrupt };

class ByteStream {
public:
    virtual ~ByteStream() = default;
    // Up to n bytes; fewer only at the end of the data or on a fault.
    virtual std::size_t read(std::uint8_t* dst, std::size_t n) = 0;
    // Bytes taken from the file itself (compressed side): progress bars.
    [[nodiscard]] virtual std::uint64_t source_position() const = 0;
    [[nodiscard]] StreamFault fault() const { return fault_; }
    [[nodiscard]] const std::string& fault_text() const { return fault_text_; }

protected:
    void set_fault(StreamFault f, std::string text) {
        if (fault_ == StreamFault::None) { fault_ = f; fault_text_ = std::move(text); }
    }

private:
    StreamFault fault_ = StreamFault::None;
    std::string fault_text_;
};

// Takes ownership of fd (closed by the stream unless it is standard input).
// Looks at the first bytes to choose a decompressor; `kind` says which.
// Returns null with `error` set when the file cannot be read at all.
std::unique_ptr<ByteStream> open_byte_stream(int fd, Compression& kind, std::string& error);

}  // namespace netdx
