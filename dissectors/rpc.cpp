// ONC RPC for the packet view, as tshark 4.0's RPC dissector shows it: every
// message of a UDP datagram, or the records a TCP segment completes (framed
// by the shared RpcReader, dissectors/rpc/rpc_stream.hpp; reassembled by
// src/output/stream_pdus.cpp). rpc.* fields with tshark's names; a reply
// shows its call's program, version and procedure, remembered per connection
// as tshark matches them (its rpc.repframe, "This is a reply to a request in
// frame N"). Protocol column: the program's ("Portmap", "NFS",
// "MOUNT"...), Info "V3 GETATTR Call" / "V3 GETATTR Reply (Call In 12)"; the
// program's own arguments and results (tshark's portmap.*, nfs.*, mount.*
// subtrees and their Info details) are not read.
#include "dissectors/common.hpp"
#include "dissectors/rpc/rpc_calls.hpp"
#include "dissectors/rpc/rpc_names.hpp"
#include "dissectors/rpc/rpc_stream.hpp"
#include "dissectors/text_lines.hpp"

namespace netdx {

namespace {

struct Message {
    RpcHeader h;
    const RpcRecord* record = nullptr;  // TCP: the record; UDP: null
    const RpcCallMemo* call = nullptr;  // a reply's call
};

bool over_tcp(const Packet& pkt) { return pkt.net.ip_proto == 6; }

// Runs `f(message)` on every message of the layer.
template <typename F>
RpcAnomaly walk(const Packet& pkt, const Layer& l, F&& f) {
    const std::string_view bytes = layer_text(pkt, l);
    auto one = [&](std::string_view body, const RpcRecord* rec) {
        Message m;
        m.h = rpc_header(body);
        m.record = rec;
        if (m.h.valid && m.h.msg_type == kRpcReply) m.call = remembered_rpc_call(pkt, m.h.xid);
        f(m);
    };
    if (!over_tcp(pkt)) {
        one(bytes, nullptr);
        return RpcAnomaly::None;
    }
    struct Ev final : RpcEvents {
        decltype(one)& fn;
        RpcAnomaly bad = RpcAnomaly::None;
        explicit Ev(decltype(one)& g) : fn(g) {}
        void message(const RpcRecord& r) override { fn(r.body, &r); }
        void malformed(RpcAnomaly why) override { bad = why; }
    };
    Ev ev(one);
    RpcReader r;
    r.feed(bytes, ev);
    return ev.bad;
}

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    walk(pkt, layer, [&](const Message& m) {
        if (m.h.valid && m.h.msg_type == kRpcCall && !m.h.truncated)
            remember_rpc_call(pkt, m.h.xid, RpcCallMemo{m.h.prog, m.h.vers, m.h.proc, pkt.number});
    });
    return Proto::None;
}

// The program, version and procedure a message is about: its own (call) or
// its call's (reply).
bool about(const Message& m, RpcCallMemo& out) {
    if (!m.h.valid) return false;
    if (m.h.msg_type == kRpcCall) {
        if (m.h.truncated && !m.h.has_cred) return false;
        out = RpcCallMemo{m.h.prog, m.h.vers, m.h.proc, 0};
        return true;
    }
    if (!m.call) return false;
    out = *m.call;
    return true;
}

void rpc_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    bool first = true;
    walk(pkt, l, [&](const Message& m) {
        if (!m.h.valid) return;
        if (!first) out.append(std::string_view("; "));
        first = false;
        // tshark names each fragment before a record's last.
        if (m.record && m.record->fragments > 1) {
            for (std::uint32_t i = 1; i < m.record->fragments && i <= 64; ++i) out.append(std::string_view("Fragment"));
            out.append(std::string_view("  ; "));
        }
        RpcCallMemo c;
        const bool known = about(m, c);
        if (known) {
            const std::string_view name = rpc_procedure_name(c.prog, c.vers, c.proc);
            if (name.empty())
                info(out, "V{} proc-{} ", c.vers, c.proc);
            else
                info(out, "V{} {} ", c.vers, name);
        }
        if (m.h.msg_type == kRpcCall) {
            out.append(std::string_view("Call"));
        } else {
            out.append(std::string_view("Reply"));
            if (m.call) info(out, " (Call In {})", m.call->frame);
        }
    });
}

std::string_view rpc_column(const Packet& pkt, const Layer& l) {
    std::string_view col = "RPC";
    walk(pkt, l, [&](const Message& m) {
        RpcCallMemo c;
        if (!about(m, c)) return;
        const std::string_view p = rpc_program_column(c.prog);
        if (!p.empty()) col = p;
    });
    return col;
}

template <typename G>
void each(const FieldContext& c, G&& get) {
    walk(c.pkt, *c.layer, [&](const Message& m) {
        if (m.h.valid) get(m);
    });
}

void f_lastfrag(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        if (m.record && m.record->fragments == 1) out.uint(1);
    });
}
void f_fraglen(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        if (m.record && m.record->fragments == 1) out.uint(m.record->length);
    });
}
void f_xid(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) { out.hex(m.h.xid, 8); });
}
void f_msgtyp(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) { out.uint(m.h.msg_type); });
}
void f_version(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        if (m.h.msg_type == kRpcCall) out.uint(m.h.rpcvers);
    });
}
template <int What>  // 0 program, 1 version, 2 procedure
void f_about(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        RpcCallMemo a;
        if (m.h.msg_type == kRpcCall && m.h.truncated && !m.h.has_cred) return;
        if (!about(m, a)) return;
        out.uint(What == 0 ? a.prog : What == 1 ? a.vers : a.proc);
        // tshark's call of a version it has no dissector for shows the
        // procedure again in its "unknown" subtree.
        if (What == 2 && m.h.msg_type == kRpcCall && !rpc_version_known(a.prog, a.vers)) out.uint(a.proc);
    });
}
void f_repframe(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        if (m.call) out.uint(m.call->frame);
    });
}
void f_replystat(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        if (m.h.has_reply_stat) out.uint(m.h.reply_stat);
    });
}
void f_accept(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        if (m.h.has_accept_stat) out.uint(m.h.accept_stat);
    });
}
void f_reject(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        if (m.h.has_reject_stat) out.uint(m.h.reject_stat);
    });
}
void f_auth_stat(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        if (m.h.has_auth_stat) out.uint(m.h.auth_stat);
    });
}
template <bool Prog, bool High>  // PROG_MISMATCH (Prog) or RPC_MISMATCH range
void f_range(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        if (!m.h.has_range || m.h.has_accept_stat != Prog) return;
        out.uint(High ? m.h.high : m.h.low);
    });
}
void f_flavor(const FieldContext& c, FieldOut& out) {
    each(c, [&](const Message& m) {
        if (m.h.msg_type == kRpcCall && m.h.has_cred) out.uint(m.h.cred_flavor);
        if (m.h.has_verf) out.uint(m.h.verf_flavor);
    });
}
void f_anomaly(const FieldContext& c, FieldOut& out) {
    const RpcAnomaly a = walk(c.pkt, *c.layer, [](const Message&) {});
    if (a != RpcAnomaly::None) out.raw(rpc_anomaly_name(a));
}

const FieldDef kFields[] = {
    {"rpc.lastfrag", "Last Fragment", f_lastfrag},
    {"rpc.fraglen", "Fragment Length", f_fraglen},
    {"rpc.xid", "XID", f_xid},
    {"rpc.msgtyp", "Message Type", f_msgtyp},
    {"rpc.version", "RPC Version", f_version},
    {"rpc.program", "Program", f_about<0>},
    {"rpc.programversion", "Program Version", f_about<1>},
    {"rpc.procedure", "Procedure", f_about<2>},
    {"rpc.repframe", "Reply Frame", f_repframe},
    {"rpc.replystat", "Reply State", f_replystat},
    {"rpc.state_accept", "Accept State", f_accept},
    {"rpc.state_reject", "Reject State", f_reject},
    {"rpc.state_auth", "Auth State", f_auth_stat},
    {"rpc.programversion.min", "Program Version (Minimum)", f_range<true, false>},
    {"rpc.programversion.max", "Program Version (Maximum)", f_range<true, true>},
    {"rpc.version.min", "RPC Version (Minimum)", f_range<false, false>},
    {"rpc.version.max", "RPC Version (Maximum)", f_range<false, true>},
    {"rpc.auth.flavor", "Flavor", f_flavor},
    {"netdx.rpc.anomaly", "Parse anomaly", f_anomaly},
};

}  // namespace

const DissectorDef rpc_dissector = {Proto::Rpc, "rpc", "RPC", decode, rpc_info, kFields, {}, rpc_column};

}  // namespace netdx
