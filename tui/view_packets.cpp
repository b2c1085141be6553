// The packet list: tshark's summary columns, colour by protocol, following
// the newest packet until the user scrolls up.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "dissectors/decode.hpp"
#include "tui/ui_state.hpp"

namespace netdx::tui {

namespace {

Colour colour_for(const PacketRow& r) {
    if (r.info.find("[Malformed") != std::string::npos || r.info.find("[Truncated") != std::string::npos)
        return kProblem;
    switch (r.top) {
        case Proto::Tcp: return kTcp;
        case Proto::Udp: return kUdp;
        case Proto::Icmp: case Proto::Icmpv6: return kIcmp;
        case Proto::Arp: return kArp;
        default: return kOther;
    }
}

void lower(std::string& s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::vector<std::string> words(const std::string& filter) {
    std::vector<std::string> out;
    std::string w;
    for (char c : filter + ' ') {
        if (c == ' ') {
            if (!w.empty()) out.push_back(w);
            w.clear();
        } else {
            w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
    return out;
}

}  // namespace

void ListPos::fit(std::size_t n, int height) {
    if (n == 0) { selected = top = 0; return; }
    if (follow || selected >= n) selected = n - 1;
    const std::size_t h = static_cast<std::size_t>(std::max(height, 1));
    if (selected < top) top = selected;
    if (selected >= top + h) top = selected - h + 1;
    if (top + h > n) top = n > h ? n - h : 0;
}

std::string_view shown_address(ViewContext& ctx, const IpAddress& ip, const std::string& text) {
    if (ctx.names && ip.family != 0) {
        std::string_view n = ctx.names->name(ip);
        if (!n.empty()) return n;
    }
    return text;
}

void collect_packets(ViewContext& ctx) {
    UiState& ui = ctx.ui;
    const RowRing& list = ctx.model.list();
    ui.visible.clear();
    // ":words": every word in the row's text, any case. Otherwise a display
    // filter over the kept bytes of each row, decoded again (no TCP analysis:
    // tcp.analysis.* and tcp.stream need `netdx live -Y`).
    const bool text_match = !ui.filter.empty() && ui.filter[0] == ':';
    const std::vector<std::string> want = text_match ? words(ui.filter.substr(1)) : std::vector<std::string>{};
    DisplayFilter* df = text_match ? nullptr : ui.display_filter.get();
    CaptureClock clock;
    clock.first = clock.previous = ctx.model.totals().first_ts;
    clock.started = true;
    Packet pkt;
    std::string hay;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const PacketRow& r = list[i];
        if (ui.flow_filter && r.conv != ui.flow_filter) continue;
        if (df) {
            pkt = Packet{};
            pkt.number = r.number;
            pkt.ts = r.ts;
            pkt.linktype = r.linktype;
            pkt.bytes = Bytes(r.bytes.data(), r.bytes.size());
            pkt.caplen = static_cast<std::uint32_t>(r.bytes.size());
            pkt.wirelen = r.wirelen;
            decode_packet(pkt);
            const bool ok = df->matches(pkt, clock);
            clock.previous = r.ts;
            if (!ok) continue;
        }
        if (!want.empty()) {
            hay = fmt::format("{} {} {} {} {} {} {}", r.number, shown_address(ctx, r.src_ip, r.src),
                              shown_address(ctx, r.dst_ip, r.dst), r.src, r.dst, r.proto, r.info);
            lower(hay);
            bool all = true;
            for (const std::string& w : want)
                if (hay.find(w) == std::string::npos) { all = false; break; }
            if (!all) continue;
        }
        ui.visible.push_back(i);
    }
    // Keep the selection on the same packet as rows come and go.
    ListPos& pos = ui.packets;
    if (!pos.follow && !ui.visible.empty()) {
        auto it = std::lower_bound(ui.visible.begin(), ui.visible.end(), ui.selected_number,
                                   [&](std::size_t i, std::uint64_t n) { return list[i].number < n; });
        pos.selected = it == ui.visible.end() ? ui.visible.size() - 1 : static_cast<std::size_t>(it - ui.visible.begin());
    }
    if (pos.follow && !ui.visible.empty()) pos.selected = ui.visible.size() - 1;
    if (!ui.visible.empty()) {
        pos.selected = std::min(pos.selected, ui.visible.size() - 1);
        ui.selected_number = list[ui.visible[pos.selected]].number;
    }
}

void draw_packets(ViewContext& ctx, Rect r) {
    const Screen& s = ctx.scr;
    UiState& ui = ctx.ui;
    const RowRing& list = ctx.model.list();
    const int addr_w = std::clamp((r.w - 40) / 4, 15, 40);
    const std::string head = fmt::format("{:>7} {:>10} {:<{}} {:<{}} {:<8} {:>6} {}", "No.", "Time", "Source", addr_w,
                                         "Destination", addr_w, "Protocol", "Length", "Info");
    s.put(r.y, r.x, r.w, head, s.attr(kTitle) | A_BOLD, true);
    const int h = r.h - 1;
    ui.packets.fit(ui.visible.size(), h);
    if (ui.visible.empty()) {
        s.put(r.y + 2, r.x + 2, r.w - 4,
              list.size() == 0 ? "No packets yet." : "No packet in the list matches the filter.");
        return;
    }
    const Timestamp first = ctx.model.totals().first_ts;
    for (int line = 0; line < h; ++line) {
        const std::size_t vi = ui.packets.top + static_cast<std::size_t>(line);
        if (vi >= ui.visible.size()) break;
        const PacketRow& row = list[ui.visible[vi]];
        const double t = static_cast<double>(row.ts.sec - first.sec) + (static_cast<double>(row.ts.nsec) - first.nsec) * 1e-9;
        std::string src(shown_address(ctx, row.src_ip, row.src)), dst(shown_address(ctx, row.dst_ip, row.dst));
        if (static_cast<int>(src.size()) > addr_w) src.resize(static_cast<std::size_t>(addr_w));
        if (static_cast<int>(dst.size()) > addr_w) dst.resize(static_cast<std::size_t>(addr_w));
        const std::string text = fmt::format("{:>7} {:>10.6f} {:<{}} {:<{}} {:<8} {:>6} {}", row.number, t, src, addr_w,
                                             dst, addr_w, row.proto, row.wirelen, row.info);
        const bool sel = vi == ui.packets.selected;
        s.put(r.y + 1 + line, r.x, r.w, text, sel ? s.attr(kSelected) | A_BOLD : s.attr(colour_for(row)), true);
    }
}

}  // namespace netdx::tui
