#include "dissectors/imf/message_collector.hpp"

#include <atomic>

#include "dissectors/imf/imf_parse.hpp"

namespace netdx {

namespace {
// Shared by the analysis threads: a reservation is taken before bytes are kept.
std::atomic<std::uint64_t> g_kept{0};
}  // namespace

std::uint64_t MessageCollector::kept_total() { return g_kept.load(std::memory_order_relaxed); }

void MessageCollector::begin(FrameRef where, double ts) {
    release();
    buf_.clear();
    size_ = missing_ = 0;
    cut_lines_ = 0;
    truncated_ = false;
    active_ = true;
    first_ = last_ = where;
    first_ts_ = ts;
}

bool MessageCollector::line(std::string_view l, bool overlong, FrameRef where) {
    last_ = where;
    if (!overlong && l == ".") return true;
    // RFC 5321 4.5.2 / RFC 1939 3: a line starting with "." was sent with one more.
    if (!l.empty() && l.front() == '.') l.remove_prefix(1);
    if (overlong) ++cut_lines_;
    append(l);
    append("\r\n");
    return false;
}

void MessageCollector::bytes(std::string_view b, FrameRef where) {
    last_ = where;
    append(b);
}

void MessageCollector::gap(std::uint64_t n) {
    size_ += n;
    missing_ += n;
    // What follows no longer joins what was kept: keep nothing more.
    truncated_ = true;
}

void MessageCollector::append(std::string_view b) {
    size_ += b.size();
    if (truncated_) return;
    std::size_t n = b.size();
    if (buf_.size() + n > kMaxKeep) {
        n = kMaxKeep - buf_.size();
        truncated_ = true;
    }
    if (buf_.size() + n > reserved_) {
        // Reserve in steps so the shared counter is touched rarely.
        const std::uint64_t want = std::min<std::uint64_t>(kMaxKeep, std::max<std::uint64_t>(buf_.size() + n, reserved_ * 2 + 4096)) - reserved_;
        std::uint64_t cur = g_kept.load(std::memory_order_relaxed);
        std::uint64_t got = 0;
        while (true) {
            got = std::min(want, kBudget - std::min(kBudget, cur));
            if (g_kept.compare_exchange_weak(cur, cur + got, std::memory_order_relaxed)) break;
        }
        reserved_ += got;
        if (buf_.size() + n > reserved_) {
            n = reserved_ - buf_.size();
            truncated_ = true;
        }
    }
    buf_.append(b.data(), n);
}

void MessageCollector::release() {
    if (reserved_) g_kept.fetch_sub(reserved_, std::memory_order_relaxed);
    reserved_ = 0;
}

void MessageCollector::finish(MailMessage& out, bool headers_only) {
    out.first_frame = first_;
    out.first_ts = first_ts_;
    out.last_frame = last_;
    out.size = size_;
    out.kept = buf_.size();
    out.truncated = truncated_;
    out.missing = missing_;
    out.cut_lines = cut_lines_;
    out.headers_only = headers_only;
    if (!buf_.empty()) parse_imf(buf_, truncated_ || headers_only, out);
    abandon();
}

void MessageCollector::abandon() {
    buf_.clear();
    buf_.shrink_to_fit();
    release();
    active_ = false;
}

}  // namespace netdx
