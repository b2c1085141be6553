#pragma once
// A display filter (tshark's -Y language) compiled once and evaluated per
// packet. Usage:
//   auto f = DisplayFilter("dns.flags.rcode != 0 || tcp.analysis.retransmission");  // throws filter::FilterError
//   if (f.matches(pkt, clock)) ...
// Evaluation reuses buffers the filter owns: no allocation per packet once
// they have grown to the largest values seen.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dissectors/dissector.hpp"
#include "filter/error.hpp"

namespace netdx {

namespace filter {
struct Program;
struct Scratch;
}

class DisplayFilter {
public:
    explicit DisplayFilter(std::string_view text);
    ~DisplayFilter();
    DisplayFilter(DisplayFilter&&) noexcept;
    DisplayFilter& operator=(DisplayFilter&&) noexcept;

    [[nodiscard]] bool matches(const Packet& pkt, const CaptureClock& clock);
    [[nodiscard]] const std::string& text() const { return text_; }
    // Fields and protocol names the filter reads (a command decides from them
    // what analysis it needs).
    [[nodiscard]] const std::vector<std::string>& fields() const;
    // True when a field needs the TCP analysis or stream reassembly of the flow stage.
    [[nodiscard]] bool needs_flow_analysis() const;

private:
    std::string text_;
    std::unique_ptr<filter::Program> program_;
    std::unique_ptr<filter::Scratch> scratch_;
};

}  // namespace netdx
