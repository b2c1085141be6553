#include "output/packet_printer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "core/escape.hpp"
#include "core/format_addr.hpp"

namespace netdx {

namespace {

constexpr std::size_t kFlushAt = 1 << 16;

double since(const Timestamp& a, const Timestamp& b) {
    return static_cast<double>(a.sec - b.sec) + (static_cast<double>(a.nsec) - b.nsec) * 1e-9;
}

std::string_view view(const fmt::memory_buffer& b) { return {b.data(), b.size()}; }

// The summary line is the hot path of `netdx packets`: its columns are written
// by hand instead of through fmt's runtime format parsing and Unicode width
// counting. Every column is ASCII, so width is size.
void pad(fmt::memory_buffer& out, std::size_t n) {
    static constexpr char kSpaces[] = "                                ";
    while (n > 0) {
        const std::size_t k = std::min(n, sizeof kSpaces - 1);
        append_text(out, {kSpaces, k});
        n -= k;
    }
}

void right(fmt::memory_buffer& out, std::string_view s, std::size_t width) {
    if (s.size() < width) pad(out, width - s.size());
    append_text(out, s);
}

void left(fmt::memory_buffer& out, std::string_view s, std::size_t width) {
    append_text(out, s);
    if (s.size() < width) pad(out, width - s.size());
}

// Writes v's decimal digits ending at `end`; returns where they start.
char* digits(char* end, std::uint64_t v) {
    do {
        *--end = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return end;
}

void right_uint(fmt::memory_buffer& out, std::uint64_t v, std::size_t width) {
    char tmp[20];
    char* end = tmp + sizeof tmp;
    char* begin = digits(end, v);
    right(out, {begin, static_cast<std::size_t>(end - begin)}, width);
}

// `{:>11.6f}` of the seconds between b and a. Whole microseconds (every
// microsecond pcap, most nanosecond ones) are exact in integers and print the
// same digits as the double would; anything else goes through fmt.
void right_seconds(fmt::memory_buffer& out, const Timestamp& a, const Timestamp& b, std::size_t width) {
    const std::int64_t dsec = a.sec - b.sec;
    const std::int64_t dns = static_cast<std::int64_t>(a.nsec) - static_cast<std::int64_t>(b.nsec);
    constexpr std::int64_t kMaxSec = 1'000'000'000;  // keeps dsec * 1e6 far from overflow
    if (dsec < 0 || dsec > kMaxSec || dns % 1000 != 0 || dsec * 1'000'000 + dns / 1000 < 0) {
        fmt::format_to(fmt::appender(out), "{:>{}.6f}", since(a, b), width);
        return;
    }
    const std::uint64_t us = static_cast<std::uint64_t>(dsec * 1'000'000 + dns / 1000);
    char tmp[32];
    char* end = tmp + sizeof tmp;
    char* p = end;
    std::uint64_t frac = us % 1'000'000;
    for (int i = 0; i < 6; ++i) {
        *--p = static_cast<char>('0' + frac % 10);
        frac /= 10;
    }
    *--p = '.';
    p = digits(p, us / 1'000'000);
    right(out, {p, static_cast<std::size_t>(end - p)}, width);
}

// Values of one field in one packet, each occurrence separated by `sep`.
void collect(const Registry::FieldRef& ref, const Packet& pkt, const CaptureClock& clock, fmt::memory_buffer& out) {
    FieldOut fo(out);
    if (ref.proto == Proto::None) {
        ref.field->fn(FieldContext{pkt, nullptr, clock}, fo);
        return;
    }
    const Registry& reg = Registry::get();
    for (const Layer& l : pkt.layers)
        if (reg.field_owner(l.proto) == ref.proto) ref.field->fn(FieldContext{pkt, &l, clock}, fo);
}

}  // namespace

PacketPrinter::PacketPrinter(PacketFormat format, FieldsOptions fields, std::FILE* out)
    : format_(format), fields_opts_(std::move(fields)), out_(out) {
    if (format_ == PacketFormat::Fields) {
        if (fields_opts_.names.empty()) throw std::invalid_argument("-T fields needs at least one -e FIELD");
        for (const std::string& name : fields_opts_.names) {
            const Registry::FieldRef* ref = Registry::get().field(name);
            if (!ref) throw std::invalid_argument(fmt::format("unknown field \"{}\" (netdx fields lists them)", name));
            field_refs_.push_back(ref);
        }
    }
}

PacketPrinter::~PacketPrinter() { flush(); }

bool PacketPrinter::flush() {
    if (failed_) return false;
    if (buf_.size() > 0) {
        if (std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) failed_ = true;
        buf_.clear();
    }
    if (!failed_ && std::fflush(out_) != 0) failed_ = true;
    return !failed_;
}

void PacketPrinter::maybe_flush() {
    if (buf_.size() < kFlushAt || failed_) return;
    if (std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) failed_ = true;
    buf_.clear();
}

void PacketPrinter::print(const Packet& pkt, const CaptureClock& clock) {
    switch (format_) {
        case PacketFormat::Summary: summary(pkt, clock); break;
        case PacketFormat::Tree: tree(pkt, clock); break;
        case PacketFormat::Json: json(pkt, clock); break;
        case PacketFormat::Fields: fields(pkt, clock); break;
    }
    maybe_flush();
}

void PacketPrinter::summary(const Packet& pkt, const CaptureClock& clock) {
    src_.clear();
    dst_.clear();
    append_address_columns(pkt, src_, dst_);
    // "{:>5} {:>11.6f} {:>15} → {:<15} {:<6} {:>5} ", written column by column.
    right_uint(buf_, pkt.number, 5);
    buf_.push_back(' ');
    right_seconds(buf_, pkt.ts, clock.first, 11);
    buf_.push_back(' ');
    right(buf_, view(src_), 15);
    append_text(buf_, " → ");
    left(buf_, view(dst_), 15);
    buf_.push_back(' ');
    left(buf_, protocol_column(pkt), 6);
    buf_.push_back(' ');
    right_uint(buf_, pkt.wirelen, 5);
    buf_.push_back(' ');
    scratch_.clear();
    append_info_column(pkt, scratch_);
    // Info may carry text from the wire (later dissectors): escape it.
    append_escaped(buf_, view(scratch_));
    buf_.push_back('\n');
}

void PacketPrinter::tree(const Packet& pkt, const CaptureClock& clock) {
    const Registry& reg = Registry::get();
    fmt::format_to(fmt::appender(buf_), "Frame {}: {} bytes on wire, {} bytes captured\n", pkt.number,
                   pkt.wirelen, pkt.caplen);
    auto emit = [&](const FieldDef& f, const Layer* l) {
        scratch_.clear();
        FieldOut fo(scratch_);
        f.fn(FieldContext{pkt, l, clock}, fo);
        if (fo.count() == 0) return;
        fmt::format_to(fmt::appender(buf_), "    {}: {}  [{}]\n", f.label, view(scratch_), f.name);
    };
    for (const FieldDef& f : frame_fields()) emit(f, nullptr);
    for (const Layer& l : pkt.layers) {
        const DissectorDef* d = reg.def(l.proto);
        fmt::format_to(fmt::appender(buf_), "{}{} ({}), {} bytes", l.quoted ? "[quoted] " : "", d->column,
                       d->name, l.length);
        if (l.status != LayerStatus::Ok)
            fmt::format_to(fmt::appender(buf_), " [{}: {}]",
                           l.status == LayerStatus::Truncated ? "truncated" : "malformed", l.problem ? l.problem : "");
        if (l.flags & kLayerChecksumBad) buf_.append(std::string_view(" [bad checksum]"));
        buf_.push_back('\n');
        for (const FieldDef& f : d->fields) emit(f, &l);
    }
    buf_.push_back('\n');
}

void PacketPrinter::json(const Packet& pkt, const CaptureClock& clock) {
    const Registry& reg = Registry::get();
    nlohmann::ordered_json j;
    j["number"] = pkt.number;
    j["time_epoch"] = pkt.ts.seconds();
    j["time_relative"] = since(pkt.ts, clock.first);
    j["len"] = pkt.wirelen;
    j["caplen"] = pkt.caplen;
    if (pkt.interface_id != kNoInterface) j["interface_id"] = pkt.interface_id;
    if (!pkt.interface_name.empty()) j["interface_name"] = escaped(pkt.interface_name);
    pkt.options.each([&](std::uint16_t code, std::string_view v) {
        if (code == kOptComment) j["comments"].push_back(escaped(v));
    });
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const Layer& l : pkt.layers) {
        const DissectorDef* d = reg.def(l.proto);
        nlohmann::ordered_json lj;
        lj["proto"] = d->name;
        if (l.quoted) lj["quoted"] = true;
        if (l.status != LayerStatus::Ok) {
            lj["status"] = l.status == LayerStatus::Truncated ? "truncated" : "malformed";
            lj["problem"] = l.problem ? l.problem : "";
        }
        nlohmann::ordered_json fj = nlohmann::ordered_json::object();
        for (const FieldDef& f : d->fields) {
            scratch_.clear();
            FieldOut fo(scratch_);
            f.fn(FieldContext{pkt, &l, clock}, fo);
            if (fo.count() > 0) fj[std::string(f.name)] = std::string(view(scratch_));
        }
        lj["fields"] = std::move(fj);
        layers.push_back(std::move(lj));
    }
    scratch_.clear();
    FieldOut protos(scratch_);
    for (const FieldDef& f : frame_fields())
        if (f.name == "frame.protocols") f.fn(FieldContext{pkt, nullptr, clock}, protos);
    j["protocols"] = std::string(view(scratch_));
    j["layers"] = std::move(layers);
    scratch_.clear();
    append_info_column(pkt, scratch_);
    j["info"] = escaped(view(scratch_));
    // dump() escapes control characters as \u00XX, so wire bytes stay inert.
    buf_.append(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    buf_.push_back('\n');
}

void PacketPrinter::fields(const Packet& pkt, const CaptureClock& clock) {
    if (fields_opts_.header && !header_done_) {
        for (std::size_t i = 0; i < fields_opts_.names.size(); ++i) {
            if (i) buf_.push_back(fields_opts_.separator);
            buf_.append(fields_opts_.names[i]);
        }
        buf_.push_back('\n');
        header_done_ = true;
    }
    for (std::size_t i = 0; i < field_refs_.size(); ++i) {
        if (i) buf_.push_back(fields_opts_.separator);
        scratch_.clear();
        collect(*field_refs_[i], pkt, clock, scratch_);
        std::string_view all = view(scratch_);
        // FieldOut joins occurrences with ','; re-join or pick as -E asks.
        if (fields_opts_.occurrence == 'f') all = all.substr(0, all.find(','));
        else if (fields_opts_.occurrence == 'l' && all.rfind(',') != std::string_view::npos)
            all = all.substr(all.rfind(',') + 1);
        for (char ch : all) buf_.push_back(ch == ',' ? fields_opts_.aggregator : ch);
    }
    buf_.push_back('\n');
}

}  // namespace netdx
