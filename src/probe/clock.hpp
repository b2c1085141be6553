#pragma once
// Probe timing: a monotonic clock for deadlines and latencies, wall time for
// the findings' timestamps.
#include <chrono>

namespace netdx::probe_clock {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

inline TimePoint now() { return Clock::now(); }
inline TimePoint after_ms(int ms) { return now() + std::chrono::milliseconds(ms); }
inline double ms_between(TimePoint a, TimePoint b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}
// Milliseconds left until `deadline` (0 when passed), for poll().
inline int ms_left(TimePoint deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now()).count();
    return left <= 0 ? 0 : static_cast<int>(left) + 1;
}
// Seconds since the epoch, as findings carry them.
inline double wall() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace netdx::probe_clock
