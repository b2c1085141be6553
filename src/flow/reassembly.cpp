#include "flow/reassembly.hpp"

#include <algorithm>
#include <cstring>

namespace netdx {

StreamReassembler::~StreamReassembler() { release(pending_bytes_); }

void StreamReassembler::start(std::uint32_t first_seq) {
    if (started_) return;
    started_ = true;
    base_seq_ = last_seq_ = first_seq;
    last_off_ = 0;
}

// 64-bit offset of a 32-bit seq: the nearest one to the last seq seen, so
// the stream survives wrap-around and runs past 4 GiB.
std::uint64_t StreamReassembler::offset_of(std::uint32_t seq) {
    const auto delta = static_cast<std::int32_t>(seq - last_seq_);
    std::int64_t off = static_cast<std::int64_t>(last_off_) + delta;
    if (off < 0) off = 0;  // before the start: treat as a repeat of the start
    if (delta > 0) {
        last_seq_ = seq;
        last_off_ = static_cast<std::uint64_t>(off);
    }
    return static_cast<std::uint64_t>(off);
}

bool StreamReassembler::reserve(std::size_t n) {
    if (pending_bytes_ + n > (budget_ ? budget_->per_direction : 256 * 1024)) {
        stats_.limit_reason = "per-direction reassembly buffer full";
        return false;
    }
    if (budget_ && budget_->used + n > budget_->total) {
        stats_.limit_reason = "total reassembly memory full";
        return false;
    }
    pending_bytes_ += n;
    if (budget_) budget_->used += n;
    return true;
}

void StreamReassembler::release(std::size_t n) {
    pending_bytes_ -= n;
    if (budget_) budget_->used -= n;
}

void StreamReassembler::segment(std::uint32_t seq, Bytes data, StreamConsumer& c, int dir) {
    if (data.empty()) return;
    if (!started_) start(seq);
    std::uint64_t off = offset_of(seq);
    if (off + data.size() <= next_) {  // entirely delivered before
        ++stats_.overlaps;
        stats_.overlap_bytes += data.size();
        c.on_overlap(dir, data.size(), false);
        return;
    }
    if (off < next_) {  // partly delivered before: keep the new tail
        const std::size_t dup = static_cast<std::size_t>(next_ - off);
        ++stats_.overlaps;
        stats_.overlap_bytes += dup;
        c.on_overlap(dir, dup, false);
        data = data.subspan(dup);
        off = next_;
    }
    if (off == next_) {
        // In order: hand it over without copying, then whatever it completes.
        // Buffered data it covers is trimmed first (the first copy wins).
        c.on_data(dir, data);
        next_ += data.size();
        stats_.delivered += data.size();
        drain(c, dir);
        return;
    }
    insert_pending(off, data, c, dir);
}

void StreamReassembler::insert_pending(std::uint64_t off, Bytes data, StreamConsumer& c, int dir) {
    // Keep only the bytes no buffered segment already holds (first copy wins).
    std::uint64_t end = off + data.size();
    std::uint64_t cur = off;
    auto it = pending_.upper_bound(off);
    if (it != pending_.begin()) --it;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pieces;  // [from, to) to store
    for (; it != pending_.end() && it->first < end; ++it) {
        const std::uint64_t s = it->first, e = s + it->second.size();
        if (e <= cur) continue;
        if (s > cur) pieces.emplace_back(cur, s);
        const std::uint64_t ov_from = std::max(s, cur), ov_to = std::min(e, end);
        if (ov_to > ov_from) {
            const bool differs = std::memcmp(it->second.data() + (ov_from - s), data.data() + (ov_from - off),
                                             static_cast<std::size_t>(ov_to - ov_from)) != 0;
            ++stats_.overlaps;
            stats_.overlap_bytes += ov_to - ov_from;
            if (differs) ++stats_.conflicting_overlaps;
            c.on_overlap(dir, ov_to - ov_from, differs);
        }
        cur = std::max(cur, e);
    }
    if (cur < end) pieces.emplace_back(cur, end);
    for (auto [from, to] : pieces) {
        const std::size_t n = static_cast<std::size_t>(to - from);
        if (!reserve(n)) {
            // A bound is hit: stop waiting for the hole before the oldest
            // buffered data, deliver what that frees, and retry once.
            ++stats_.limit_hits;
            if (budget_) ++budget_->limit_hits;
            const std::uint64_t first = pending_.empty() ? from : std::min(pending_.begin()->first, from);
            gap_to(first, c, dir);
            if (from < next_) continue;  // delivered meanwhile? (cannot be: from >= first)
            if (from == next_) {
                c.on_data(dir, data.subspan(static_cast<std::size_t>(from - off), n));
                next_ += n;
                stats_.delivered += n;
                drain(c, dir);
                continue;
            }
            if (!reserve(n)) {
                // Still no room: this piece is lost too, say so.
                gap_to(from, c, dir);
                c.on_gap(dir, n);
                ++stats_.gaps;
                stats_.gap_bytes += n;
                next_ = to;
                drain(c, dir);
                continue;
            }
        }
        const std::uint8_t* p = data.data() + (from - off);
        pending_.emplace(from, std::vector<std::uint8_t>(p, p + n));
    }
}

void StreamReassembler::drain(StreamConsumer& c, int dir) {
    while (!pending_.empty()) {
        auto it = pending_.begin();
        const std::uint64_t s = it->first, e = s + it->second.size();
        if (s > next_) return;
        if (e > next_) {
            const std::size_t skip = static_cast<std::size_t>(next_ - s);
            c.on_data(dir, Bytes{it->second.data() + skip, it->second.size() - skip});
            stats_.delivered += it->second.size() - skip;
            next_ = e;
        }
        release(it->second.size());
        pending_.erase(it);
    }
}

void StreamReassembler::gap_to(std::uint64_t off, StreamConsumer& c, int dir) {
    if (off <= next_) return;
    const std::uint64_t len = off - next_;
    c.on_gap(dir, len);
    ++stats_.gaps;
    stats_.gap_bytes += len;
    next_ = off;
    drain(c, dir);
}

void StreamReassembler::ack(std::uint32_t ack, StreamConsumer& c, int dir) {
    if (!started_) return;
    const auto delta = static_cast<std::int32_t>(ack - last_seq_);
    const std::int64_t acked = static_cast<std::int64_t>(last_off_) + delta;
    // Nothing past a FIN is data: its own sequence number is not a hole.
    const std::int64_t off = fin_off_ != ~0ull ? std::min(acked, static_cast<std::int64_t>(fin_off_)) : acked;
    if (off <= static_cast<std::int64_t>(next_)) return;
    // The receiver has bytes we never saw: the capture lost them. Declare the
    // hole up to the first buffered segment (or the ACK) and move on.
    const std::uint64_t target = static_cast<std::uint64_t>(off);
    while (next_ < target) {
        const std::uint64_t stop = pending_.empty() ? target : std::min(target, pending_.begin()->first);
        if (stop > next_) gap_to(stop, c, dir);
        else drain(c, dir);
        if (pending_.empty() && next_ >= stop) break;
    }
    if (static_cast<std::int32_t>(ack - last_seq_) > 0) {
        last_seq_ = ack;
        last_off_ = static_cast<std::uint64_t>(acked);
    }
}

void StreamReassembler::fin(std::uint32_t seq) {
    if (!started_) start(seq);
    fin_off_ = offset_of(seq);
}

void StreamReassembler::flush(StreamConsumer& c, int dir) {
    while (!pending_.empty()) gap_to(pending_.begin()->first, c, dir);
}

void FlowStreams::close(EndReason why) {
    if (closed_) return;
    closed_ = true;
    dir_[0].flush(*consumer_, 0);
    dir_[1].flush(*consumer_, 1);
    consumer_->on_close(why);
}

}  // namespace netdx
