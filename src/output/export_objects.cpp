#include "output/export_objects.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include "core/inflate.hpp"
#include "dissectors/http/http_stream.hpp"
#include "dissectors/registry.hpp"
#include "flow/flow.hpp"
#include "output/view_protocol.hpp"

namespace netdx {

namespace {

// glib's g_path_get_basename, which tshark applies to the URI as it is on the
// wire (query and all): "" gives ".", only slashes give "/".
std::string_view base_name(std::string_view p) {
    if (p.empty()) return ".";
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    if (p == "/") return p;
    const auto slash = p.rfind('/');
    return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

// The longest name tshark writes (EXPORT_OBJECT_MAXFILELEN).
constexpr std::size_t kMaxName = 255;
// tshark stops trying "(N)" names here (gui.max_export_objects' default).
constexpr unsigned kMaxDup = 1000;

// tshark (http.decompress_body, on by default) saves a gzip or deflate body
// decoded, and none when it does not decode. zlib's automatic header detection
// takes gzip and zlib; deflate is also tried raw, as tshark does. nullopt:
// not decodable, or over the cap once decoded.
std::optional<std::string> inflate_body(std::string_view in, bool raw) {
    Inflated r = inflate_bounded(in, raw, kExportObjectCap);
    if (!r.complete) return std::nullopt;
    return std::move(r.out);
}

bool token_is(std::string_view v, std::string_view want) {
    return v.size() == want.size() &&
           std::equal(v.begin(), v.end(), want.begin(), [](char a, char b) { return (a | 0x20) == b; });
}

}  // namespace

std::string export_object_name(std::string_view uri, unsigned dup) {
    // The characters Windows forbids in file names, and the controls: tshark
    // writes them as %xx on every system, so the names are the same.
    static constexpr std::string_view reject = "<>:\"/\\|?*";
    std::string out;
    for (char c : base_name(uri)) {
        if (c == '\0') break;  // tshark's C string ends there
        if ((c > 0 && c < 0x20) || reject.find(c) != std::string_view::npos)
            out += fmt::format("%{:02x}", static_cast<unsigned char>(c));
        else
            out += c;
    }
    auto keep_extension = [&out](std::size_t room) {
        const auto dot = out.rfind('.');
        std::string ext = dot == std::string::npos ? std::string() : out.substr(dot);
        if (dot != std::string::npos) out.resize(dot);
        if (ext.size() <= room && out.size() > room - ext.size()) out.resize(room - ext.size());
        out += ext;
    };
    if (out.size() > kMaxName) keep_extension(kMaxName);
    if (dup) {
        const std::string tag = fmt::format("({})", dup);
        const auto dot = out.rfind('.');
        std::string ext = dot == std::string::npos ? std::string() : out.substr(dot);
        if (dot != std::string::npos) out.resize(dot);
        const std::size_t room = kMaxName - std::min(kMaxName, tag.size() + ext.size());
        if (out.size() >= room) out.resize(room);
        out += tag;
        out += ext;
    }
    return out;
}

bool ExportObjects::open(const std::string& dir, std::string& err) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec && !std::filesystem::is_directory(dir)) {
        err = fmt::format("cannot create the directory \"{}\": {}", dir, ec.message());
        return false;
    }
    if (!std::filesystem::is_directory(dir)) {
        err = fmt::format("\"{}\" is not a directory", dir);
        return false;
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        err = fmt::format("cannot write in the directory \"{}\": {}", dir, std::strerror(errno));
        return false;
    }
    dir_ = dir;
    return true;
}

bool ExportObjects::save(std::string_view uri, bool have_uri, std::string_view body) {
    // Without a request on the flow, tshark names the object by its frame.
    const std::string generic = fmt::format("object{}", frame_);
    std::filesystem::path path;
    for (unsigned dup = 0; dup < kMaxDup; ++dup) {
        path = std::filesystem::path(dir_) / export_object_name(have_uri ? uri : std::string_view(generic), dup);
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) break;
    }
    std::FILE* f = std::fopen(path.c_str(), "wb");
    bool ok = f != nullptr;
    if (f) {
        ok = std::fwrite(body.data(), 1, body.size(), f) == body.size();
        ok = std::fclose(f) == 0 && ok;
    }
    if (!ok) {
        fmt::print(stderr, "netdx packets: --export-objects: cannot write \"{}\": {}\n", path.string(), std::strerror(errno));
        failed_ = true;
        return false;
    }
    ++written_;
    return true;
}

namespace {

// Forwards every delivery to the flow's own consumer and feeds its own
// HttpStream, keeping each message's body until the message ends.
class ExportTap final : public StreamConsumer, public HttpStreamEvents {
public:
    // client_dir < 0: the first bytes that start a message decide (tshark's
    // heuristic on ports no protocol is bound to).
    ExportTap(ExportObjects& to, int client_dir, std::unique_ptr<StreamConsumer> inner)
        : to_(to), inner_(std::move(inner)) {
        if (client_dir >= 0) start(client_dir, false);
    }

    void on_data(int dir, Bytes data) override {
        if (inner_) inner_->on_data(dir, data);
        const std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
        if (!stream_) {
            if (decided_) return;
            decided_ = true;
            if (!http_starts_message(s)) return;
            start(s.substr(0, 5) != "HTTP/" ? dir : 1 - dir, true);
        }
        stream_->feed(dir, s);
    }
    void on_gap(int dir, std::uint64_t len) override {
        if (inner_) inner_->on_gap(dir, len);
        if (!stream_) return;
        msg_[dir & 1].lost = true;  // an object with a hole is not exported
        stream_->gap(dir, len);
    }
    void on_overlap(int dir, std::uint64_t len, bool differs) override {
        if (inner_) inner_->on_overlap(dir, len, differs);
    }
    void on_close(EndReason why) override {
        if (stream_) stream_->close();
        if (inner_) inner_->on_close(why);
    }

private:
    struct Message {
        std::string body;
        std::string encoding;
        bool lost = false, too_big = false;
    };

    void start(int client_dir, bool strict) {
        client_dir_ = client_dir;
        stream_.emplace(client_dir, *this, strict);
    }

    void message_start(int dir, std::size_t) override { msg_[dir & 1] = Message{}; }
    // tshark names a body after the conversation's latest request URI.
    void request(const HttpHead& h) override {
        uri_.assign(h.uri);
        have_uri_ = true;
        msg_[client_dir_ & 1].encoding.assign(h.content_encoding);
    }
    void response(const HttpHead& h) override { msg_[(1 - client_dir_) & 1].encoding.assign(h.content_encoding); }
    void body(int dir, std::string_view data) override {
        Message& m = msg_[dir & 1];
        if (m.lost || m.too_big) return;
        if (m.body.size() + data.size() > kExportObjectCap) {
            m.too_big = true;
            std::string().swap(m.body);
            fmt::print(stderr, "netdx packets: --export-objects: an HTTP body in frame {} is over {} MiB: not exported\n",
                       to_.frame(), kExportObjectCap >> 20);
            return;
        }
        m.body.append(data);
    }
    void message_end(int dir, std::size_t) override {
        Message& m = msg_[dir & 1];
        if (!m.body.empty() && !m.lost && !m.too_big) {
            if (token_is(m.encoding, "gzip") || token_is(m.encoding, "x-gzip") || token_is(m.encoding, "deflate")) {
                std::optional<std::string> plain = inflate_body(m.body, false);
                if (!plain && token_is(m.encoding, "deflate")) plain = inflate_body(m.body, true);
                if (plain && !plain->empty()) to_.save(uri_, have_uri_, *plain);
            } else {
                to_.save(uri_, have_uri_, m.body);
            }
        }
        m = Message{};
    }

    ExportObjects& to_;
    std::unique_ptr<StreamConsumer> inner_;
    std::optional<HttpStream> stream_;
    bool decided_ = false;
    int client_dir_ = 0;
    Message msg_[2];
    std::string uri_;
    bool have_uri_ = false;
};

}  // namespace

std::unique_ptr<StreamConsumer> ExportObjects::tap(const Flow& flow, std::unique_ptr<StreamConsumer> inner) {
    const std::optional<ViewProtocol> view = view_protocol(flow);
    if (!view || (view->proto != Proto::None && view->proto != Proto::Http)) return inner;
    return std::make_unique<ExportTap>(*this, view->client_dir, std::move(inner));
}

}  // namespace netdx
