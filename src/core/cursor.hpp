#pragma once
// Checked big-endian reads over captured bytes. Every dissector reads through a
// Cursor; a read past the end sets a sticky "truncated" flag and yields zero, so
// a dissector can read a whole header and test ok() once (tcpdump's GET_BE_U_2
// idea without longjmp, Suricata's Incomplete vs Error).
#include <cstddef>
#include <cstdint>
#include <span>

namespace netdx {

using Bytes = std::span<const std::uint8_t>;

class Cursor {
public:
    Cursor() = default;
    explicit Cursor(Bytes bytes) : data_(bytes.data()), size_(bytes.size()) {}
    Cursor(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    [[nodiscard]] bool ok() const { return !truncated_; }
    [[nodiscard]] bool truncated() const { return truncated_; }
    [[nodiscard]] std::size_t offset() const { return pos_; }
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] std::size_t remaining() const { return size_ - pos_; }
    [[nodiscard]] bool has(std::size_t n) const { return n <= size_ - pos_; }
    [[nodiscard]] const std::uint8_t* here() const { return data_ + pos_; }

    std::uint8_t u8() {
        if (!need(1)) return 0;
        return data_[pos_++];
    }
    std::uint16_t be16() {
        if (!need(2)) return 0;
        auto v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
        pos_ += 2;
        return v;
    }
    std::uint32_t be24() {
        if (!need(3)) return 0;
        std::uint32_t v = (std::uint32_t{data_[pos_]} << 16) | (std::uint32_t{data_[pos_ + 1]} << 8) |
                          data_[pos_ + 2];
        pos_ += 3;
        return v;
    }
    std::uint32_t be32() {
        if (!need(4)) return 0;
        std::uint32_t v = (std::uint32_t{data_[pos_]} << 24) | (std::uint32_t{data_[pos_ + 1]} << 16) |
                          (std::uint32_t{data_[pos_ + 2]} << 8) | data_[pos_ + 3];
        pos_ += 4;
        return v;
    }
    std::uint16_t le16() {
        if (!need(2)) return 0;
        auto v = static_cast<std::uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
        pos_ += 2;
        return v;
    }
    std::uint32_t le32() {
        if (!need(4)) return 0;
        std::uint32_t v = data_[pos_] | (std::uint32_t{data_[pos_ + 1]} << 8) |
                          (std::uint32_t{data_[pos_ + 2]} << 16) | (std::uint32_t{data_[pos_ + 3]} << 24);
        pos_ += 4;
        return v;
    }
    // A view of the next n bytes; empty (and truncated) when fewer remain.
    Bytes take(std::size_t n) {
        if (!need(n)) return {};
        Bytes v{data_ + pos_, n};
        pos_ += n;
        return v;
    }
    bool skip(std::size_t n) {
        if (!need(n)) return false;
        pos_ += n;
        return true;
    }
    // Bytes from the current position to the end, without consuming them.
    [[nodiscard]] Bytes rest() const { return {data_ + pos_, size_ - pos_}; }

    // Reads at an absolute offset, not moving the cursor.
    [[nodiscard]] std::uint8_t peek_u8(std::size_t at) const { return at < size_ ? data_[at] : 0; }
    [[nodiscard]] std::uint16_t peek_be16(std::size_t at) const {
        return at < size_ && size_ - at >= 2 ? static_cast<std::uint16_t>((data_[at] << 8) | data_[at + 1]) : 0;
    }

private:
    bool need(std::size_t n) {
        if (truncated_ || n > size_ - pos_) {
            truncated_ = true;
            return false;
        }
        return true;
    }

    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t pos_ = 0;
    bool truncated_ = false;
};

// Unchecked helpers for code that has already verified the length (e.g. via Cursor::has).
inline std::uint16_t load_be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
inline std::uint32_t load_be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace netdx
