// The detail of one packet: the layer tree from the field registry (as
// `netdx packets -V` prints it) and a hex/ASCII dump of the kept bytes.
#include <fmt/format.h>

#include <algorithm>

#include "dissectors/decode.hpp"
#include "dissectors/registry.hpp"
#include "tui/ui_state.hpp"

namespace netdx::tui {

namespace {

struct Line {
    std::string text;
    Colour colour = kNone;
};

const PacketRow* find_row(const RowRing& list, std::uint64_t number) {
    std::size_t lo = 0, hi = list.size();
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (list[mid].number < number) lo = mid + 1;
        else hi = mid;
    }
    return lo < list.size() && list[lo].number == number ? &list[lo] : nullptr;
}

void build(const PacketRow& row, const Timestamp& first, const PacketRow* prev, std::vector<Line>& out) {
    Packet pkt;
    pkt.number = row.number;
    pkt.ts = row.ts;
    pkt.caplen = static_cast<std::uint32_t>(row.bytes.size());
    pkt.wirelen = row.wirelen;
    pkt.linktype = row.linktype;
    pkt.bytes = Bytes(row.bytes.data(), row.bytes.size());
    decode_packet(pkt);
    CaptureClock clock;
    clock.started = true;
    clock.first = first;
    clock.previous = prev ? prev->ts : row.ts;

    out.push_back({fmt::format("Frame {}: {} bytes on wire, {} bytes captured", row.number, row.wirelen, row.caplen),
                   kTitle});
    if (row.bytes.size() < row.caplen)
        out.push_back({fmt::format("    (the list keeps the first {} bytes of each packet; see --keep-bytes)",
                                   row.bytes.size()), kWarn});
    const Registry& reg = Registry::get();
    fmt::memory_buffer val;
    auto emit = [&](const FieldDef& f, const Layer* l) {
        val.clear();
        FieldOut fo(val);  // FieldOut escapes wire text
        f.fn(FieldContext{pkt, l, clock}, fo);
        if (fo.count() == 0) return;
        out.push_back({fmt::format("    {}: {}  [{}]", f.label, std::string_view(val.data(), val.size()), f.name)});
    };
    for (const FieldDef& f : frame_fields()) emit(f, nullptr);
    for (const Layer& l : pkt.layers) {
        const DissectorDef* d = reg.def(l.proto);
        if (!d) continue;
        std::string head = fmt::format("{}{} ({}), {} bytes", l.quoted ? "[quoted] " : "", d->column, d->name, l.length);
        Colour c = kTitle;
        if (l.status != LayerStatus::Ok) {
            head += fmt::format(" [{}: {}]", l.status == LayerStatus::Truncated ? "truncated" : "malformed",
                                l.problem ? l.problem : "");
            c = kError;
        }
        if (l.flags & kLayerChecksumBad) head += " [bad checksum]";
        out.push_back({head, c});
        for (const FieldDef& f : d->fields) emit(f, &l);
    }
    out.push_back({""});
    out.push_back({fmt::format("Bytes ({} kept):", row.bytes.size()), kTitle});
    // Classic 16-byte hex/ASCII rows; only printable ASCII is shown as itself.
    for (std::size_t off = 0; off < row.bytes.size(); off += 16) {
        std::string hex, ascii;
        for (std::size_t i = 0; i < 16; ++i) {
            if (off + i < row.bytes.size()) {
                const std::uint8_t b = row.bytes[off + i];
                hex += fmt::format("{:02x} ", b);
                ascii.push_back(b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.');
            } else {
                hex += "   ";
            }
            if (i == 7) hex.push_back(' ');
        }
        out.push_back({fmt::format("{:04x}  {} {}", off, hex, ascii)});
    }
}

}  // namespace

void draw_detail(ViewContext& ctx, Rect r) {
    const Screen& s = ctx.scr;
    UiState& ui = ctx.ui;
    const RowRing& list = ctx.model.list();
    const PacketRow* row = find_row(list, ui.selected_number);
    if (!row) {
        s.put(r.y + 1, r.x + 2, r.w - 4,
              ui.selected_number ? fmt::format("Packet {} is no longer in the list (ring of {} packets).",
                                               ui.selected_number, list.capacity())
                                 : std::string("No packet selected: pick one in the packets view (1) and press Enter."));
        return;
    }
    const PacketRow* prev = row != &list[0] ? find_row(list, row->number - 1) : nullptr;
    std::vector<Line> lines;
    build(*row, ctx.model.totals().first_ts, prev, lines);
    ui.detail_lines = static_cast<int>(lines.size());
    ui.detail_scroll = std::clamp(ui.detail_scroll, 0, std::max(0, ui.detail_lines - r.h));
    for (int i = 0; i < r.h; ++i) {
        const std::size_t li = static_cast<std::size_t>(ui.detail_scroll + i);
        if (li >= lines.size()) break;
        s.put(r.y + i, r.x, r.w, lines[li].text, lines[li].colour == kNone ? A_NORMAL : s.attr(lines[li].colour), true);
    }
}

}  // namespace netdx::tui
