// The summary columns every packet list shows (tshark's defaults).
#include "core/format_addr.hpp"
#include "dissectors/common.hpp"
#include "output/packet_printer.hpp"

namespace netdx {

namespace {

const Layer* top_layer(const Packet& pkt, bool need_info) {
    const Registry& reg = Registry::get();
    for (std::size_t i = pkt.layers.size(); i-- > 0;) {
        const Layer& l = pkt.layers[i];
        if (l.quoted || l.proto == Proto::Data) continue;
        const DissectorDef* d = reg.def(l.proto);
        if (!d) continue;
        if (need_info && !d->info) continue;
        return &l;
    }
    return nullptr;
}

const Layer* problem_layer(const Packet& pkt) {
    for (const Layer& l : pkt.layers)
        if (!l.quoted && l.status != LayerStatus::Ok) return &l;
    return nullptr;
}

}  // namespace

std::string_view protocol_column(const Packet& pkt) {
    const Layer* l = top_layer(pkt, false);
    if (!l) return "Frame";
    const DissectorDef* d = Registry::get().def(l->proto);
    return d->column_of ? d->column_of(pkt, *l) : d->column;
}

void append_info_column(const Packet& pkt, fmt::memory_buffer& out) {
    if (const Layer* l = top_layer(pkt, true)) {
        // Several HTTP messages in a frame: their info columns one after the
        // other, as tshark's HTTP writes them (its DNS keeps the last one's).
        const Layer* first = l;
        while (l->proto == Proto::Http && first != pkt.layers.begin() && (first - 1)->proto == l->proto && !(first - 1)->quoted) --first;
        for (const Layer* it = first; it <= l; ++it) Registry::get().def(l->proto)->info(pkt, *it, out);
    }
    else if (const Layer* any = top_layer(pkt, false)) out.append(Registry::get().def(any->proto)->column);
    if (const Layer* bad = problem_layer(pkt)) {
        info(out, " [{} {}: {}]", bad->status == LayerStatus::Truncated ? "Truncated" : "Malformed",
             Registry::get().def(bad->proto)->column, bad->problem ? bad->problem : "");
    }
}

void append_address_columns(const Packet& pkt, fmt::memory_buffer& src, fmt::memory_buffer& dst) {
    if (pkt.net.src.family != 0) {
        append_ip(src, pkt.net.src);
        append_ip(dst, pkt.net.dst);
        return;
    }
    for (const Layer& l : pkt.layers) {
        if (l.proto == Proto::Eth && has_at(pkt, l, 0, 12)) {
            append_mac(src, at(pkt, l, 6));
            append_mac(dst, at(pkt, l, 0));
            return;
        }
    }
}

}  // namespace netdx
