#include "capture/ring_files.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace netdx {

namespace {

constexpr unsigned kMaxFiles = 100000;  // tshark's limit; the running number wraps there

template <class T>
bool parse_number(const std::string& s, T& out) {
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, out);
    return ec == std::errc{} && p == end;
}

}  // namespace

std::string parse_ring_options(const std::vector<std::string>& specs, RingOptions& o) {
    for (const std::string& spec : specs) {
        const auto colon = spec.find(':');
        const std::string key = spec.substr(0, colon);
        const std::string value = colon == std::string::npos ? "" : spec.substr(colon + 1);
        bool ok = false;
        if (key == "filesize") ok = parse_number(value, o.filesize_kb) && o.filesize_kb > 0 &&
                                    o.filesize_kb <= 2ull * 1024 * 1024 * 1024 / 1000;
        else if (key == "duration") ok = parse_number(value, o.duration_s) && o.duration_s > 0;
        else if (key == "interval") ok = parse_number(value, o.interval_s) && o.interval_s > 0;
        else if (key == "packets") ok = parse_number(value, o.packets) && o.packets > 0;
        else if (key == "files") ok = parse_number(value, o.files) && o.files > 0 && o.files < kMaxFiles;
        else
            return fmt::format("-b {}: unknown ring buffer option (filesize:KB, duration:S, interval:S, packets:N, files:N)",
                               spec);
        if (!ok) return fmt::format("-b {}: bad value", spec);
    }
    if (o.files && !o.filesize_kb && o.duration_s <= 0 && o.interval_s <= 0 && !o.packets)
        return "-b files:N needs filesize, duration, interval or packets to say when to switch files";
    return {};
}

double next_interval_boundary(double now, double interval_s) {
    return (std::floor(now / interval_s) + 1) * interval_s;
}

RingFiles::RingFiles(const std::string& path, unsigned files) : files_(files) {
    // Split at the last dot of the file name (not of a directory): tshark's rule.
    const auto slash = path.rfind('/');
    const auto dot = path.rfind('.');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
        prefix_ = path.substr(0, dot);
        suffix_ = path.substr(dot);
    } else {
        prefix_ = path;
    }
}

std::string RingFiles::next(std::time_t start) {
    number_ = number_ % (kMaxFiles - 1) + 1;
    std::tm tm{};
    localtime_r(&start, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y%m%d%H%M%S", &tm);
    return fmt::format("{}_{:05}_{}{}", prefix_, number_, when, suffix_);
}

std::string RingFiles::keep(const std::string& name) {
    kept_.push_back(name);
    std::string err;
    while (files_ && kept_.size() > files_) {
        if (std::remove(kept_.front().c_str()) != 0 && err.empty())
            err = fmt::format("cannot delete {}: {}", kept_.front(), std::strerror(errno));
        kept_.pop_front();
    }
    return err;
}

}  // namespace netdx
