// Runs a Program over one packet. Field values come from the dissectors' own
// field functions (the text -T fields prints), so a filter and -T fields
// always agree on what a packet holds.
#include <fmt/format.h>

#include <algorithm>

#include "filter/display_filter.hpp"
#include "filter/program.hpp"

namespace netdx::filter {

// Buffers one side of a comparison reads into; kept between packets.
struct Side {
    fmt::memory_buffer text;
    std::vector<std::uint8_t> decoded, sliced;
    Side() {
        decoded.reserve(256);
        sliced.reserve(256);
    }
};

struct Scratch {
    Side a, b;
};

namespace {

struct Ctx {
    const Packet& pkt;
    const CaptureClock& clock;
};

// Applies the slice ranges to `in`'s bytes; false when a range falls outside
// them (tshark: the slice does not exist, the value is skipped).
bool apply_slices(const Source& s, const Value& in, Value& out, std::vector<std::uint8_t>& buf) {
    const std::string_view bytes = value_bytes(in);
    const auto n = static_cast<long>(bytes.size());
    buf.clear();
    for (const SliceRange& r : s.slices) {
        long start = r.start < 0 ? n + r.start : r.start;
        long len = r.to_end ? n - start : r.length;
        if (start < 0 || len < 0 || start + len > n) {
            if (!r.to_end && start >= 0 && start < n) len = n - start;  // tshark keeps what is there
            else return false;
        }
        buf.insert(buf.end(), bytes.begin() + start, bytes.begin() + start + len);
    }
    out = Value{};
    out.type = FieldType::Bytes;
    out.bytes = {reinterpret_cast<const char*>(buf.data()), buf.size()};
    return true;
}

// Calls f(value) for each value of `s` in this packet until f returns true;
// returns whether one did.
template <typename F>
bool any_value(const Source& s, const Ctx& c, Side& side, F&& f) {
    Value v;
    auto hand = [&](const Value& raw) {
        if (s.slices.empty()) return f(raw);
        Value sl;
        return apply_slices(s, raw, sl, side.sliced) && f(sl);
    };
    if (s.kind == Source::Frame) {
        v.type = FieldType::Bytes;
        v.bytes = {reinterpret_cast<const char*>(c.pkt.bytes.data()), c.pkt.bytes.size()};
        return hand(v);
    }
    if (s.kind == Source::Protocol) {
        for (const Layer& l : c.pkt.layers) {
            if (!s.protos[static_cast<std::size_t>(l.proto)]) continue;
            const Bytes b = c.pkt.layer_bytes(l);
            v.type = FieldType::Bytes;
            v.bytes = {reinterpret_cast<const char*>(b.data()), b.size()};
            if (hand(v)) return true;
        }
        return false;
    }
    // One call per layer, each into a fresh FieldOut: its count() says how many
    // values the call wrote. A call that wrote n values separated them with n-1
    // commas; when the text holds exactly that many, splitting there is exact.
    // (More commas means a text value contains one: the values are then split
    // at the last n-1 commas, the first value keeping the others.)
    const Registry& reg = Registry::get();
    auto one_call = [&](const Layer* l) {
        side.text.clear();
        FieldOut fo(side.text);
        s.ref->field->fn(FieldContext{c.pkt, l, c.clock}, fo);
        const int n = fo.count();
        if (n == 0) return false;
        std::string_view rest(side.text.data(), side.text.size());
        const std::size_t commas = static_cast<std::size_t>(std::count(rest.begin(), rest.end(), ','));
        for (int i = 0; i < n; ++i) {
            std::string_view item = rest;
            if (i + 1 < n) {
                const std::size_t cut = (commas == static_cast<std::size_t>(n - 1) || i > 0)
                                            ? rest.find(',')
                                            : [&] {  // first value takes the surplus commas
                                                  std::size_t pos = rest.size();
                                                  for (int k = 0; k < n - 1; ++k) pos = rest.rfind(',', pos - 1);
                                                  return pos;
                                              }();
                item = rest.substr(0, cut);
                rest.remove_prefix(cut + 1);
            }
            if (!decode_value(s.type, item, v, side.decoded)) continue;
            if (hand(v)) return true;
        }
        return false;
    };
    if (s.ref->proto == Proto::None) return one_call(nullptr);
    for (const Layer& l : c.pkt.layers)
        if (reg.field_owner(l.proto) == s.ref->proto && one_call(&l)) return true;
    return false;
}

bool regex_match(const Test& t, const Value& v) {
    const std::string_view b = value_bytes(v);
    return pcre2_match(t.regex->code, reinterpret_cast<PCRE2_SPTR>(b.data()), b.size(), 0, 0, t.regex->data,
                       nullptr) >= 0;
}

bool one(const Test& t, const Value& v, const Ctx& c, Scratch& sc) {
    bool r = false;
    switch (t.kind) {
        case Test::CompareLiteral:
            r = t.rel == Rel::Matches ? regex_match(t, v) : relate(v, t.rel, t.lit.v, t.lit.prefix);
            break;
        case Test::InSet:
            for (const Test::Item& it : t.set) {
                r = it.range ? relate(v, Rel::Ge, it.lo.v, -1) && relate(v, Rel::Le, it.hi.v, -1)
                             : relate(v, Rel::Eq, it.lo.v, it.lo.prefix);
                if (r) break;
            }
            break;
        case Test::CompareField: {
            // every pair for "all", some pair for "any"
            const bool all = t.quant == Quant::All;
            bool any_pair = false;
            const bool failed = any_value(t.rhs, c, sc.b, [&](const Value& w) {
                any_pair = true;
                const bool ok = relate(v, t.rel, w, -1) != t.negate;
                return all ? !ok : ok;
            });
            return all ? (any_pair && !failed) : failed;
        }
        default: r = true;
    }
    return r != t.negate;
}

bool run_test(const Test& t, const Ctx& c, Scratch& sc) {
    if (t.kind == Test::Exists) return any_value(t.lhs, c, sc.a, [](const Value&) { return true; });
    if (t.quant == Quant::Any) return any_value(t.lhs, c, sc.a, [&](const Value& v) { return one(t, v, c, sc); });
    bool seen = false;
    const bool failed = any_value(t.lhs, c, sc.a, [&](const Value& v) {
        seen = true;
        return !one(t, v, c, sc);
    });
    return seen && !failed;  // "all" over no value is false, as in tshark
}

}  // namespace

}  // namespace netdx::filter

namespace netdx {

DisplayFilter::DisplayFilter(std::string_view text)
    : text_(text),
      program_(std::make_unique<filter::Program>(filter::compile(*filter::parse(text)))),
      scratch_(std::make_unique<filter::Scratch>()) {}
DisplayFilter::~DisplayFilter() = default;
DisplayFilter::DisplayFilter(DisplayFilter&&) noexcept = default;
DisplayFilter& DisplayFilter::operator=(DisplayFilter&&) noexcept = default;

const std::vector<std::string>& DisplayFilter::fields() const { return program_->fields; }

bool DisplayFilter::needs_flow_analysis() const {
    return std::any_of(program_->fields.begin(), program_->fields.end(), [](const std::string& n) {
        // tcp.* from the TCP analysis; dns (and its fields) from DNS messages
        // split across TCP segments, which the flow stage reassembles.
        return n.rfind("tcp.", 0) == 0 || n == "dns" || n.rfind("dns.", 0) == 0 || n == "frame.protocols" ||
               n.rfind("netdx.", 0) == 0;
    });
}

bool DisplayFilter::matches(const Packet& pkt, const CaptureClock& clock) {
    using filter::Instr;
    const filter::Ctx c{pkt, clock};
    std::array<bool, 33> stack{};
    int sp = 0;
    bool acc = false;
    const auto& code = program_->code;
    for (std::uint32_t pc = 0; pc < code.size();) {
        const Instr in = code[pc];
        switch (in.op) {
            case Instr::Run: acc = filter::run_test(program_->tests[in.arg], c, *scratch_); break;
            case Instr::JumpIfFalse:
                if (!acc) {
                    pc = in.arg;
                    continue;
                }
                break;
            case Instr::JumpIfTrue:
                if (acc) {
                    pc = in.arg;
                    continue;
                }
                break;
            case Instr::Not: acc = !acc; break;
            case Instr::Push: stack[static_cast<std::size_t>(sp++)] = acc; break;
            case Instr::Xor: acc = stack[static_cast<std::size_t>(--sp)] != acc; break;
        }
        ++pc;
    }
    return acc;
}

}  // namespace netdx
