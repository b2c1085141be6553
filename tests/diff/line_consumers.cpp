// Differential test of the two readers of the line protocols: the packet
// view (dissectors/smtp.cpp, ftp.cpp, pop3.cpp, imap.cpp, per segment) and the
// analysis (src/app/, over the reassembled stream) both read SMTP, FTP, POP3
// and IMAP with one parser (dissectors/lines/line_protocol.hpp). Every
// capture of $CAPTURES and $CORPUS (or the files given) goes through both in
// one pass; for every transaction the analysis publishes, the view must show
// the same command on the frame that carried it and the same reply code (POP
// indicator, IMAP tagged status) on the frame that completed the reply.
// Reverse check: every command the view shows must be a command the analysis
// paired or reported on that frame.
//
// Known differences, each counted apart and printed with -v, not judged:
// a frame the view cannot show as the analysis reads it because the reply or
// command is not on the segment's first line (FTP and POP show the first line
// only, as tshark does), and what the view shows after the analysis stopped
// reading (after STARTTLS / AUTH TLS the stream is TLS; a per-segment view has
// no such state). Exit 1 on any other difference.
// Usage: line-consumers [-v] [FILE...]
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "analysis/pipeline.hpp"
#include "capture/source.hpp"
#include "dissectors/decode.hpp"
#include "dissectors/lines/line_protocol.hpp"
#include "dissectors/registry.hpp"
#include "events/event_bus.hpp"
#include "events/ftp_events.hpp"
#include "events/mail_events.hpp"
#include "events/smtp_events.hpp"

namespace fs = std::filesystem;
using namespace netdx;

namespace {

enum Kind { Smtp, Ftp, Pop, Imap, kKinds };
constexpr const char* kName[kKinds] = {"SMTP", "FTP", "POP", "IMAP"};
// The view's fields for the command and for the reply, as tshark names them.
constexpr const char* kCommandField[kKinds] = {"smtp.req.command", "ftp.request.command", "pop.request.command",
                                               "imap.request.command"};
constexpr const char* kReplyField[kKinds] = {"smtp.response.code", "ftp.response.code", "pop.response.indicator",
                                             "imap.response.status"};

// What the view shows on one frame, per protocol.
struct ViewFrame {
    std::vector<std::string> commands[kKinds], replies[kKinds];
};

// One transaction as the analysis published it.
struct Txn {
    Kind kind;
    std::uint64_t command_frame = 0, reply_frame = 0;
    std::string command, reply;  // empty: none (greeting / unanswered)
    std::string tag;             // IMAP
};

struct Counts {
    std::uint64_t commands = 0, commands_equal = 0, replies = 0, replies_equal = 0;
    std::uint64_t view_commands = 0, view_commands_equal = 0;
    // Known differences (see the top of the file).
    std::uint64_t not_first_line = 0, continued_reply = 0, not_a_verb = 0, after_stop = 0, in_body = 0;
    std::uint64_t differ = 0;
};

std::vector<std::string> split_values(const fmt::memory_buffer& buf) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : buf) {
        if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    if (buf.size()) out.push_back(cur);
    return out;
}

std::vector<std::string> field_values(const Packet& pkt, const char* name) {
    const Registry::FieldRef* ref = Registry::get().field(name);
    if (!ref) {
        fmt::print(stderr, "unknown field {}\n", name);
        std::exit(2);
    }
    const CaptureClock clock{pkt.ts, pkt.ts, true};
    fmt::memory_buffer buf;
    FieldOut out(buf);
    for (const Layer& l : pkt.layers)
        if (Registry::get().field_owner(l.proto) == ref->proto) ref->field->fn(FieldContext{pkt, &l, clock}, out);
    return split_values(buf);
}

bool has(const std::vector<std::string>& values, const std::string& v) {
    return std::any_of(values.begin(), values.end(), [&](const std::string& x) { return iequals(x, v); });
}

// The lines of a frame's application payload, for the "not on the first line" cases.
std::vector<std::string> payload_lines(const Packet& pkt) {
    std::vector<std::string> out;
    for (const Layer& l : pkt.layers) {
        if (l.proto != Proto::Smtp && l.proto != Proto::Ftp && l.proto != Proto::Pop3 && l.proto != Proto::Imap)
            continue;
        Bytes b = pkt.layer_bytes(l);
        std::string s(reinterpret_cast<const char*>(b.data()), std::min<std::size_t>(b.size(), l.length));
        std::size_t start = 0;
        while (start < s.size()) {
            std::size_t nl = s.find('\n', start);
            if (nl == std::string::npos) nl = s.size();
            std::string line = s.substr(start, nl - start);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            out.push_back(line);
            start = nl + 1;
        }
    }
    return out;
}

struct FileResult {
    std::map<std::uint64_t, ViewFrame> view;
    std::map<std::uint64_t, std::vector<std::string>> lines;  // frames with view fields
    std::vector<Txn> txns;
};

bool read_file(const std::string& path, FileResult& r) {
    SourceOptions opts;
    opts.file = path;
    std::unique_ptr<PacketSource> src;
    try {
        src = PacketSource::open(opts);
    } catch (const std::exception& e) {
        fmt::print(stderr, "{}: {}\n", path, e.what());
        return false;
    }
    EventBus bus;
    bus.subscribe_fn<SmtpTransaction>([&](const SmtpTransaction& t) {
        if (t.malformed && t.verb.empty()) return;  // an over-long line: neither reader has a command
        r.txns.push_back({Smtp, t.command_frame.frame, t.where.frame, t.verb,
                          t.reply_code ? std::to_string(t.reply_code) : std::string(), {}});
    });
    bus.subscribe_fn<FtpTransaction>([&](const FtpTransaction& t) {
        if (t.malformed && t.command.empty()) return;
        r.txns.push_back({Ftp, t.command_frame.frame, t.where.frame, t.command,
                          t.reply_code ? std::to_string(t.reply_code) : std::string(), {}});
    });
    bus.subscribe_fn<Pop3Transaction>([&](const Pop3Transaction& t) {
        r.txns.push_back({Pop, t.command_frame.frame, t.where.frame, t.command, t.indicator, {}});
    });
    bus.subscribe_fn<ImapTransaction>([&](const ImapTransaction& t) {
        r.txns.push_back({Imap, t.command_frame.frame, t.where.frame, t.command, t.status, t.tag});
    });
    Pipeline pipeline(bus, PipelineOptions{});
    pipeline.begin_file(0, path);
    Packet pkt;
    for (;;) {
        const PacketSource::Result res = src->next(pkt);
        if (res != PacketSource::Result::Packet) break;
        decode_packet(pkt);
        ViewFrame vf;
        bool any = false;
        for (int k = 0; k < kKinds; ++k) {
            vf.commands[k] = field_values(pkt, kCommandField[k]);
            vf.replies[k] = field_values(pkt, kReplyField[k]);
            any = any || !vf.commands[k].empty() || !vf.replies[k].empty();
        }
        if (any) r.view.emplace(pkt.number, std::move(vf));
        std::vector<std::string> lines = payload_lines(pkt);
        if (!lines.empty()) r.lines.emplace(pkt.number, std::move(lines));
        pipeline.packet(pkt);
    }
    pipeline.end();
    return true;
}

// Whether `want` starts a line of the frame other than its first (FTP/POP: the
// view reads the first line only; SMTP: only the first line's code).
bool on_later_line(const std::vector<std::string>& lines, const std::string& want, bool command) {
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::string_view l = lines[i];
        if (command) {
            if (iequals(parse_command(l).verb, want)) return true;
        } else if (l.substr(0, want.size()) == want) {
            return true;
        }
    }
    return false;
}

// Whether an SMTP frame lies inside a message body the analysis skips: after
// DATA, before its reply (or with none); after BDAT, before the next command
// the analysis read (a BDAT chunk is its byte count, whatever the reply). The
// view, per segment, cannot know (tshark does: "DATA fragment" there).
bool inside_message(const std::vector<Txn>& txns, std::uint64_t frame) {
    auto next_command_by = [&](std::uint64_t after) {
        for (const Txn& u : txns)
            if (u.kind == Smtp && !u.command.empty() && u.command_frame > after && u.command_frame <= frame)
                return true;
        return false;
    };
    for (const Txn& t : txns) {
        if (t.kind != Smtp || t.command_frame >= frame) continue;
        if (t.command == "DATA" && (t.reply.empty() || frame < t.reply_frame)) return true;
        if (t.command == "BDAT" && !next_command_by(t.command_frame)) return true;
    }
    return false;
}

// SMTP's verbs, as the shared parser knows them.
bool is_smtp_verb(const std::string& verb) {
    SmtpCommand c;
    return smtp_command(parse_command(verb), c);
}

// An FTP segment that starts with text, not a reply line: the middle or end of
// a multi-line reply begun on an earlier frame (the view, as tshark, shows the
// code on the frame of the reply's first line).
bool starts_inside_reply(const std::vector<std::string>& lines) {
    ReplyLine r;
    return !lines.empty() && !parse_reply_line(lines[0], r);
}

}  // namespace

int main(int argc, char** argv) {
    bool verbose = false;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-v") verbose = true;
        else files.push_back(a);
    }
    if (files.empty()) {
        for (const char* env : {"CAPTURES", "CORPUS"}) {
            const char* dir = std::getenv(env);
            if (!dir || !fs::is_directory(dir)) {
                fmt::print(stderr, "${} is not a folder\n", env);
                return 1;
            }
            for (const auto& e : fs::recursive_directory_iterator(dir)) {
                const std::string ext = e.path().extension().string();
                if (e.is_regular_file() && (ext == ".pcap" || ext == ".pcapng")) files.push_back(e.path().string());
            }
        }
        std::sort(files.begin(), files.end());
    }
    Counts total[kKinds];
    int files_with = 0;
    for (const std::string& path : files) {
        FileResult r;
        if (!read_file(path, r)) return 1;
        if (r.txns.empty() && r.view.empty()) continue;
        ++files_with;
        Counts c[kKinds];
        auto report = [&](const char* what, const Txn& t, std::uint64_t frame, const std::string& want,
                          const std::vector<std::string>& shown) {
            if (verbose)
                fmt::print("  {} {} #{}: {} {:?}, view shows [{}]\n", fs::path(path).filename().string(),
                           kName[t.kind], frame, what, want, fmt::join(shown, ","));
        };
        // Frames after which the analysis stopped reading a flow are not known
        // here; a view command nobody paired on a frame after the last
        // transaction of its protocol in this file counts as "after stop".
        std::uint64_t last_txn_frame[kKinds] = {};
        for (const Txn& t : r.txns)
            last_txn_frame[t.kind] = std::max({last_txn_frame[t.kind], t.command_frame, t.reply_frame});
        for (const Txn& t : r.txns) {
            Counts& k = c[t.kind];
            if (!t.command.empty()) {
                ++k.commands;
                const ViewFrame* vf = r.view.count(t.command_frame) ? &r.view.at(t.command_frame) : nullptr;
                if (vf && has(vf->commands[t.kind], t.command)) {
                    ++k.commands_equal;
                } else if (on_later_line(r.lines[t.command_frame], t.command, true)) {
                    ++k.not_first_line;
                    report("command on a later line", t, t.command_frame, t.command, vf ? vf->commands[t.kind] : std::vector<std::string>{});
                } else if (t.kind == Smtp && !is_smtp_verb(t.command)) {
                    ++k.not_a_verb;
                    report("not an SMTP verb", t, t.command_frame, t.command, vf ? vf->commands[t.kind] : std::vector<std::string>{});
                } else {
                    ++k.differ;
                    report("command", t, t.command_frame, t.command, vf ? vf->commands[t.kind] : std::vector<std::string>{});
                }
            }
            if (!t.reply.empty()) {
                ++k.replies;
                const ViewFrame* vf = r.view.count(t.reply_frame) ? &r.view.at(t.reply_frame) : nullptr;
                if (vf && has(vf->replies[t.kind], t.reply)) {
                    ++k.replies_equal;
                } else if ((t.kind == Ftp || t.kind == Pop) && on_later_line(r.lines[t.reply_frame], t.reply, false)) {
                    ++k.not_first_line;
                    report("reply on a later line", t, t.reply_frame, t.reply, vf ? vf->replies[t.kind] : std::vector<std::string>{});
                } else if (t.kind == Imap && on_later_line(r.lines[t.reply_frame], t.tag + " " + t.reply, false)) {
                    // The segment starts inside a literal announced on an earlier
                    // frame: the view takes a line of the literal for the tagged one.
                    ++k.in_body;
                    report("tagged line after a literal begun on an earlier frame", t, t.reply_frame, t.reply,
                           vf ? vf->replies[t.kind] : std::vector<std::string>{});
                } else if (t.kind == Ftp && starts_inside_reply(r.lines[t.reply_frame])) {
                    ++k.continued_reply;
                    report("reply begun on an earlier frame", t, t.reply_frame, t.reply, vf ? vf->replies[t.kind] : std::vector<std::string>{});
                } else {
                    ++k.differ;
                    report("reply", t, t.reply_frame, t.reply, vf ? vf->replies[t.kind] : std::vector<std::string>{});
                }
            }
        }
        // Reverse: the view's commands, each found among the analysis' commands of that frame.
        std::map<std::pair<int, std::uint64_t>, std::vector<std::string>> txn_commands;
        for (const Txn& t : r.txns)
            if (!t.command.empty()) txn_commands[{t.kind, t.command_frame}].push_back(t.command);
        for (const auto& [frame, vf] : r.view) {
            for (int kind = 0; kind < kKinds; ++kind) {
                for (const std::string& cmd : vf.commands[kind]) {
                    Counts& k = c[kind];
                    ++k.view_commands;
                    const auto it = txn_commands.find({kind, frame});
                    if (it != txn_commands.end() && has(it->second, cmd)) {
                        ++k.view_commands_equal;
                    } else if (kind == Smtp && inside_message(r.txns, frame)) {
                        ++k.in_body;
                        if (verbose)
                            fmt::print("  {} {} #{}: view command {:?} inside a message body (DATA/BDAT)\n",
                                       fs::path(path).filename().string(), kName[kind], frame, cmd);
                    } else if (frame > last_txn_frame[kind]) {
                        ++k.after_stop;
                        if (verbose)
                            fmt::print("  {} {} #{}: view command {:?} after the analysis stopped\n",
                                       fs::path(path).filename().string(), kName[kind], frame, cmd);
                    } else {
                        ++k.differ;
                        if (verbose)
                            fmt::print("  {} {} #{}: view command {:?} not read as a command by the analysis\n",
                                       fs::path(path).filename().string(), kName[kind], frame, cmd);
                    }
                }
            }
        }
        for (int kind = 0; kind < kKinds; ++kind) {
            const Counts& k = c[kind];
            if (!k.commands && !k.replies && !k.view_commands) continue;
            fmt::print("{:<50} {:<4} commands {}/{}, replies {}/{}, view commands {}/{}, later line {}, continued reply {}, not a verb {}, in body {}, after stop {}, "
                       "differ {}\n",
                       fs::path(path).filename().string(), kName[kind], k.commands_equal, k.commands,
                       k.replies_equal, k.replies, k.view_commands_equal, k.view_commands, k.not_first_line,
                       k.continued_reply, k.not_a_verb, k.in_body, k.after_stop, k.differ);
            Counts& t = total[kind];
            t.commands += k.commands, t.commands_equal += k.commands_equal;
            t.replies += k.replies, t.replies_equal += k.replies_equal;
            t.view_commands += k.view_commands, t.view_commands_equal += k.view_commands_equal;
            t.not_first_line += k.not_first_line, t.continued_reply += k.continued_reply;
            t.not_a_verb += k.not_a_verb, t.in_body += k.in_body, t.after_stop += k.after_stop;
            t.differ += k.differ;
        }
    }
    std::uint64_t differ = 0, transactions = 0;
    for (int kind = 0; kind < kKinds; ++kind) {
        const Counts& k = total[kind];
        fmt::print("total {:<4}: commands {}/{}, replies {}/{}, view commands {}/{}, later line {}, continued reply {}, "
                   "not a verb {}, in body {}, after stop {}, differ {}\n",
                   kName[kind], k.commands_equal, k.commands, k.replies_equal, k.replies, k.view_commands_equal,
                   k.view_commands, k.not_first_line, k.continued_reply, k.not_a_verb, k.in_body, k.after_stop,
                   k.differ);
        differ += k.differ;
        transactions += k.commands + k.replies;
    }
    fmt::print("{} files with line protocols, {} differences\n", files_with, differ);
    if (!transactions) {
        fmt::print("no SMTP/FTP/POP/IMAP transaction in the captures: the test would check nothing\n");
        return 1;
    }
    return differ ? 1 : 0;
}
