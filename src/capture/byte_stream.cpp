#include "capture/byte_stream.hpp"

#include <fmt/format.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <unistd.h>

namespace netdx {

namespace {

// Large reads: a quarter of `netdx flows`' time once went to 4 KiB read calls.
constexpr std::size_t kInputBuffer = 1 << 18;

// The raw file: a buffer refilled with read(2), which the decompressors and
// the plain stream both draw from.
class FdInput {
public:
    // Not zeroed: only bytes read(2) wrote are ever looked at.
    explicit FdInput(int fd) : fd_(fd), buf_(new std::uint8_t[kInputBuffer]) {}
    ~FdInput() {
        if (fd_ > STDIN_FILENO) ::close(fd_);
    }
    FdInput(const FdInput&) = delete;
    FdInput& operator=(const FdInput&) = delete;

    // Makes at least `want` bytes available if the file has them; false at end or error.
    bool fill(std::size_t want = 1) {
        if (end_ - pos_ >= want) return true;
        if (pos_ > 0) {
            std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
            end_ -= pos_;
            pos_ = 0;
        }
        while (end_ < want && !eof_) {
            const ssize_t n = ::read(fd_, buf_.get() + end_, kInputBuffer - end_);
            if (n > 0) {
                end_ += static_cast<std::size_t>(n);
            } else if (n == 0) {
                eof_ = true;
            } else if (errno != EINTR) {
                error_ = std::strerror(errno);
                eof_ = true;
            }
        }
        return end_ - pos_ >= want;
    }
    [[nodiscard]] const std::uint8_t* data() const { return buf_.get() + pos_; }
    [[nodiscard]] std::size_t size() const { return end_ - pos_; }
    void consume(std::size_t n) {
        pos_ += n;
        consumed_ += n;
    }
    [[nodiscard]] std::uint64_t consumed() const { return consumed_; }
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    int fd_;
    std::unique_ptr<std::uint8_t[]> buf_;
    std::size_t pos_ = 0, end_ = 0;
    std::uint64_t consumed_ = 0;
    bool eof_ = false;
    std::string error_;
};

class PlainStream final : public ByteStream {
public:
    explicit PlainStream(std::unique_ptr<FdInput> in) : in_(std::move(in)) {}
    std::size_t read(std::uint8_t* dst, std::size_t n) override {
        std::size_t got = 0;
        while (got < n) {
            if (!in_->fill()) {
                if (!in_->error().empty()) set_fault(StreamFault::Corrupt, "read error: " + in_->error());
                break;
            }
            const std::size_t k = std::min(n - got, in_->size());
            std::memcpy(dst + got, in_->data(), k);
            in_->consume(k);
            got += k;
        }
        return got;
    }
    [[nodiscard]] std::uint64_t source_position() const override { return in_->consumed(); }

private:
    std::unique_ptr<FdInput> in_;
};

// One decompressor step: consume input, produce output; the shared loop below
// handles refilling, end of data and faults.
class Decompressor : public ByteStream {
public:
    explicit Decompressor(std::unique_ptr<FdInput> in, const char* name) : in_(std::move(in)), name_(name) {}
    std::size_t read(std::uint8_t* dst, std::size_t n) override {
        std::size_t got = 0;
        while (got < n && !done_) {
            if (!in_->fill()) {
                if (!in_->error().empty())
                    set_fault(StreamFault::Corrupt, "read error: " + in_->error());
                else if (!at_frame_end_)
                    set_fault(StreamFault::Truncated, fmt::format("{} data cut short", name_));
                done_ = true;
                break;
            }
            std::size_t used = 0, made = 0;
            std::string err;
            if (!step(in_->data(), in_->size(), dst + got, n - got, used, made, err)) {
                set_fault(StreamFault::Corrupt, fmt::format("{} data corrupt ({})", name_, err));
                done_ = true;
            }
            in_->consume(used);
            got += made;
            if (used == 0 && made == 0 && !done_) {
                // No progress with input available: the decoder wants more at once.
                const std::size_t have = in_->size();
                if (have >= kInputBuffer || !in_->fill(have + 1)) {
                    if (!at_frame_end_) set_fault(StreamFault::Truncated, fmt::format("{} data cut short", name_));
                    done_ = true;
                }
            }
        }
        return got;
    }
    [[nodiscard]] std::uint64_t source_position() const override { return in_->consumed(); }

protected:
    // False on corrupt data (err says why). Sets at_frame_end_ when a complete
    // frame/member has just ended, so the end of input there is a clean end.
    virtual bool step(const std::uint8_t* in, std::size_t in_len, std::uint8_t* out, std::size_t out_len,
                      std::size_t& used, std::size_t& made, std::string& err) = 0;
    bool at_frame_end_ = false;

private:
    std::unique_ptr<FdInput> in_;
    const char* name_;
    bool done_ = false;
};

class GzipStream final : public Decompressor {
public:
    explicit GzipStream(std::unique_ptr<FdInput> in) : Decompressor(std::move(in), "gzip") {
        ok_ = inflateInit2(&zs_, 15 + 16) == Z_OK;  // gzip wrapper only
    }
    ~GzipStream() override { inflateEnd(&zs_); }

protected:
    bool step(const std::uint8_t* in, std::size_t in_len, std::uint8_t* out, std::size_t out_len, std::size_t& used,
              std::size_t& made, std::string& err) override {
        if (!ok_) { err = "zlib could not start"; return false; }
        if (at_frame_end_) {
            // Another gzip member follows (files made with cat a.gz b.gz).
            inflateReset(&zs_);
            at_frame_end_ = false;
        }
        zs_.next_in = const_cast<Bytef*>(in);
        zs_.avail_in = static_cast<uInt>(std::min<std::size_t>(in_len, 1u << 30));
        zs_.next_out = out;
        zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(out_len, 1u << 30));
        const uInt in_before = zs_.avail_in, out_before = zs_.avail_out;
        const int rc = inflate(&zs_, Z_NO_FLUSH);
        used = in_before - zs_.avail_in;
        made = out_before - zs_.avail_out;
        if (rc == Z_STREAM_END) { at_frame_end_ = true; return true; }
        if (rc == Z_OK || rc == Z_BUF_ERROR) return true;
        err = zs_.msg ? zs_.msg : fmt::format("zlib error {}", rc);
        return false;
    }

private:
    z_stream zs_{};
    bool ok_ = false;
};

class ZstdStream final : public Decompressor {
public:
    explicit ZstdStream(std::unique_ptr<FdInput> in) : Decompressor(std::move(in), "zstd"), ctx_(ZSTD_createDCtx()) {
        at_frame_end_ = true;  // no frame started yet
    }
    ~ZstdStream() override { ZSTD_freeDCtx(ctx_); }

protected:
    bool step(const std::uint8_t* in, std::size_t in_len, std::uint8_t* out, std::size_t out_len, std::size_t& used,
              std::size_t& made, std::string& err) override {
        if (!ctx_) { err = "out of memory"; return false; }
        ZSTD_inBuffer ib{in, in_len, 0};
        ZSTD_outBuffer ob{out, out_len, 0};
        const std::size_t rc = ZSTD_decompressStream(ctx_, &ob, &ib);
        used = ib.pos;
        made = ob.pos;
        if (ZSTD_isError(rc)) { err = ZSTD_getErrorName(rc); return false; }
        at_frame_end_ = rc == 0;
        return true;
    }

private:
    ZSTD_DCtx* ctx_;
};

class Lz4Stream final : public Decompressor {
public:
    explicit Lz4Stream(std::unique_ptr<FdInput> in) : Decompressor(std::move(in), "lz4") {
        ok_ = !LZ4F_isError(LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION));
        at_frame_end_ = true;
    }
    ~Lz4Stream() override {
        if (ok_) LZ4F_freeDecompressionContext(ctx_);
    }

protected:
    bool step(const std::uint8_t* in, std::size_t in_len, std::uint8_t* out, std::size_t out_len, std::size_t& used,
              std::size_t& made, std::string& err) override {
        if (!ok_) { err = "lz4 could not start"; return false; }
        used = in_len;
        made = out_len;
        const std::size_t rc = LZ4F_decompress(ctx_, out, &made, in, &used, nullptr);
        if (LZ4F_isError(rc)) { err = LZ4F_getErrorName(rc); return false; }
        at_frame_end_ = rc == 0;
        return true;
    }

private:
    LZ4F_dctx* ctx_ = nullptr;
    bool ok_ = false;
};

Compression sniff(const std::uint8_t* p, std::size_t n) {
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) return Compression::Gzip;
    if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) return Compression::Zstd;
    if (n >= 4 && p[0] == 0x04 && p[1] == 0x22 && p[2] == 0x4d && p[3] == 0x18) return Compression::Lz4;
    return Compression::None;
}

}  // namespace

const char* compression_name(Compression c) {
    switch (c) {
        case Compression::Gzip: return "gzip";
        case Compression::Zstd: return "zstd";
        case Compression::Lz4: return "lz4";
        case Compression::None: break;
    }
    return "none";
}

std::unique_ptr<ByteStream> open_byte_stream(int fd, Compression& kind, std::string& error) {
    auto in = std::make_unique<FdInput>(fd);
    in->fill(4);
    if (!in->error().empty()) {
        error = in->error();
        return nullptr;
    }
    kind = sniff(in->data(), in->size());
    switch (kind) {
        case Compression::Gzip: return std::make_unique<GzipStream>(std::move(in));
        case Compression::Zstd: return std::make_unique<ZstdStream>(std::move(in));
        case Compression::Lz4: return std::make_unique<Lz4Stream>(std::move(in));
        case Compression::None: break;
    }
    return std::make_unique<PlainStream>(std::move(in));
}

}  // namespace netdx
