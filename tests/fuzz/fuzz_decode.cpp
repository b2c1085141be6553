// libFuzzer entry point: the input is one captured packet after a byte naming
// its link type (a supported DLT number as it is, 1 Ethernet, 113 SLL, ...;
// any other value picks one of the supported link types), decoded, then run
// through everything that reads a decoded packet (info column, every
// registered field, the summary/tree/JSON printers). One link type per input,
// not all of them: a sixth of the cost, so long runs reach tens of millions.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "dissectors/decode.hpp"
#include "fuzz_links.hpp"
#include "output/packet_printer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netdx;
    static PacketPrinter summary(PacketFormat::Summary, {}, fuzz::null_sink());
    static PacketPrinter tree(PacketFormat::Tree, {}, fuzz::null_sink());
    static PacketPrinter json(PacketFormat::Json, {}, fuzz::null_sink());
    if (size == 0) return 0;
    const int lt = fuzz::link_type_of(data[0]);
    // An exact-size heap copy, so a read one byte past the end is caught by ASan.
    std::vector<std::uint8_t> copy(data + 1, data + size);
    --size;
    Packet pkt;
    pkt.number = 1;
    pkt.linktype = lt;
    pkt.bytes = Bytes(copy.data(), copy.size());
    pkt.caplen = static_cast<std::uint32_t>(size);
    pkt.wirelen = static_cast<std::uint32_t>(size + (size & 3));  // sometimes longer than captured
    decode_packet(pkt);
    const CaptureClock clock{pkt.ts, pkt.ts, true};
    fmt::memory_buffer buf;
    append_info_column(pkt, buf);
    append_address_columns(pkt, buf, buf);
    for (const Registry::FieldRef& ref : Registry::get().fields()) {
        FieldOut out(buf);
        if (ref.proto == Proto::None) ref.field->fn(FieldContext{pkt, nullptr, clock}, out);
        else
            for (const Layer& l : pkt.layers)
                if (l.proto == ref.proto) ref.field->fn(FieldContext{pkt, &l, clock}, out);
    }
    summary.print(pkt, clock);
    tree.print(pkt, clock);
    json.print(pkt, clock);
    return 0;
}
