#include "dissectors/tls/tls_records.hpp"

#include <algorithm>

#include "core/cursor.hpp"

namespace netdx {

bool tls_valid_header(const std::uint8_t* h) {
    return h[0] >= kTlsCcs && h[0] <= kTlsHeartbeat && h[1] == 3 && h[2] <= 4 && load_be16(h + 3) <= kTlsMaxRecord;
}

bool tls_looks_like_start(Bytes data) {
    if (data.empty()) return false;
    std::uint8_t h[5] = {};
    const std::size_t n = std::min<std::size_t>(data.size(), 5);
    std::copy_n(data.begin(), n, h);
    if (n < 5) return h[0] >= kTlsCcs && h[0] <= kTlsHeartbeat && (n < 2 || h[1] == 3);
    return tls_valid_header(h);
}

bool TlsRecordFramer::feed(Bytes data, TlsRecordEvents& ev) {
    const std::uint8_t* base = data.data();
    const auto pos = [&](Bytes rest) { return static_cast<std::size_t>(rest.data() - base); };
    if (mode_ == Mode::Resync) {
        if (!tls_looks_like_start(data)) return true;
        mode_ = Mode::Header;
    }
    while (!data.empty() && mode_ != Mode::Stopped) {
        if (mode_ == Mode::Header) {
            if (hdr_len_ == 0) ev.record_start(pos(data));
            if (hdr_len_ == 0 && data.size() >= 5) {
                if (!tls_valid_header(data.data())) {
                    mode_ = Mode::Stopped;
                    ev.malformed("not a TLS record");
                    return false;
                }
                const std::size_t len = load_be16(data.data() + 3);
                if (data.size() >= 5 + len) {
                    // The whole record in these bytes: read it in place.
                    const std::uint8_t type = data[0];
                    ev.record(type, len, keep_(type) ? data.subspan(5, len) : Bytes{}, pos(data) + 5 + len);
                    data = data.subspan(5 + len);
                    continue;
                }
            }
            const std::size_t take = std::min(5 - hdr_len_, data.size());
            std::copy_n(data.begin(), take, hdr_ + hdr_len_);
            hdr_len_ += take;
            data = data.subspan(take);
            if (hdr_len_ < 5) return true;
            hdr_len_ = 0;
            if (!tls_valid_header(hdr_)) {
                mode_ = Mode::Stopped;
                ev.malformed("not a TLS record");
                return false;
            }
            type_ = hdr_[0];
            length_ = remaining_ = load_be16(hdr_ + 3);
            keep_body_ = keep_(type_);
            rec_.clear();
            mode_ = Mode::Body;
            if (remaining_ > 0) continue;
        } else {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size()));
            if (keep_body_) rec_.insert(rec_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
            data = data.subspan(n);
            remaining_ -= n;
            if (remaining_ > 0) continue;
        }
        mode_ = Mode::Header;
        ev.record(type_, length_, keep_body_ ? Bytes(rec_.data(), rec_.size()) : Bytes{}, pos(data));
        if (rec_.capacity() > 4096) std::vector<std::uint8_t>().swap(rec_);
    }
    return mode_ != Mode::Stopped;
}

bool TlsRecordFramer::gap(std::uint64_t len) {
    if (mode_ == Mode::Body && !keep_body_ && len <= remaining_) {
        remaining_ -= len;
        if (remaining_ == 0) mode_ = Mode::Header;  // the record ended unseen
        return true;
    }
    return false;
}

}  // namespace netdx
