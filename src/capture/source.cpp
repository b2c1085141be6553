#include "capture/source.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dissectors/registry.hpp"

namespace netdx {

namespace {

std::string first_line(std::string s) {
    if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
    return s;
}

}  // namespace

std::string link_type_name(int dlt) {
    const char* name = pcap_datalink_val_to_name(dlt);
    return fmt::format("{} ({})", name ? name : "unknown", dlt);
}

std::unique_ptr<PacketSource> PacketSource::open(const SourceOptions& opts) {
    std::unique_ptr<PacketSource> src(new PacketSource());
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    if (!opts.file.empty()) {
        src->open_file(opts);
        return src;
    }
    {
        src->live_ = true;
        src->name_ = opts.interface;
        src->pcap_ = pcap_create(opts.interface.c_str(), errbuf);
        if (!src->pcap_)
            throw CaptureError(ExitCode::CaptureFailed,
                               fmt::format("cannot capture on {}: {}", opts.interface, first_line(errbuf)));
        pcap_set_snaplen(src->pcap_, opts.snaplen);
        pcap_set_promisc(src->pcap_, opts.promiscuous ? 1 : 0);
        pcap_set_timeout(src->pcap_, opts.timeout_ms);
        src->timeout_ms_ = opts.timeout_ms;
        pcap_set_immediate_mode(src->pcap_, opts.immediate ? 1 : 0);
        if (opts.buffer_size_kib > 0) pcap_set_buffer_size(src->pcap_, opts.buffer_size_kib * 1024);
        if (pcap_set_tstamp_precision(src->pcap_, PCAP_TSTAMP_PRECISION_NANO) == 0)
            src->precision_ = PCAP_TSTAMP_PRECISION_NANO;
        const int rc = pcap_activate(src->pcap_);
        if (rc < 0) {
            const std::string detail = first_line(pcap_geterr(src->pcap_));
            switch (rc) {
                case PCAP_ERROR_NO_SUCH_DEVICE:
                    throw CaptureError(ExitCode::NoSuchInterface,
                                       fmt::format("no such interface: {}", opts.interface));
                case PCAP_ERROR_PERM_DENIED:
                case PCAP_ERROR_PROMISC_PERM_DENIED:
                    throw CaptureError(ExitCode::PermissionDenied,
                                       fmt::format("no permission to capture on {} (run as root or grant "
                                                   "CAP_NET_RAW): {}",
                                                   opts.interface, detail));
                default:
                    throw CaptureError(ExitCode::CaptureFailed,
                                       fmt::format("cannot capture on {}: {}", opts.interface,
                                                   detail.empty() ? pcap_statustostr(rc) : detail));
            }
        }
    }
    src->linktype_ = pcap_datalink(src->pcap_);
    if (Registry::get().for_link_type(src->linktype_) == Proto::None)
        throw CaptureError(ExitCode::UnsupportedLinkType,
                           fmt::format("{}: unsupported link type {}", src->name_, link_type_name(src->linktype_)));
    if (!opts.filter.empty()) {
        bpf_program prog{};
        if (pcap_compile(src->pcap_, &prog, opts.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
            throw CaptureError(ExitCode::BadFilter, fmt::format("bad capture filter \"{}\": {}", opts.filter,
                                                                first_line(pcap_geterr(src->pcap_))));
        const int rc = pcap_setfilter(src->pcap_, &prog);
        pcap_freecode(&prog);
        if (rc != 0)
            throw CaptureError(ExitCode::BadFilter, fmt::format("cannot apply capture filter \"{}\": {}",
                                                                opts.filter, first_line(pcap_geterr(src->pcap_))));
    }
    return src;
}

void PacketSource::open_file(const SourceOptions& opts) {
    name_ = opts.file;
    int fd = STDIN_FILENO;
    if (opts.file == "-") {
        name_ = "standard input";
    } else {
        fd = ::open(opts.file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            const int err = errno;
            const ExitCode c = err == EACCES ? ExitCode::PermissionDenied : ExitCode::NoSuchFile;
            throw CaptureError(c, fmt::format("cannot open {}: {}", opts.file, std::strerror(err)));
        }
        struct stat st {};
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            ::close(fd);
            throw CaptureError(ExitCode::NoSuchFile, fmt::format("cannot open {}: it is a directory", opts.file));
        }
    }
    Compression kind = Compression::None;
    std::string err;
    std::unique_ptr<ByteStream> stream = open_byte_stream(fd, kind, err);
    if (!stream) throw CaptureError(ExitCode::NoSuchFile, fmt::format("cannot read {}: {}", name_, err));
    file_ = std::make_unique<CaptureFileReader>(std::move(stream), name_, kind);
    linktype_ = file_->first_linktype();
    precision_ = PCAP_TSTAMP_PRECISION_NANO;
    pcap_ = pcap_open_dead_with_tstamp_precision(linktype_, static_cast<int>(file_->first_snaplen()),
                                                 PCAP_TSTAMP_PRECISION_NANO);
    if (!pcap_) throw CaptureError(ExitCode::Failure, "out of memory");
    if (Registry::get().for_link_type(linktype_) == Proto::None)
        throw CaptureError(ExitCode::UnsupportedLinkType,
                           fmt::format("{}: unsupported link type {}", name_, link_type_name(linktype_)));
    filter_text_ = opts.filter;
    if (!filter_text_.empty()) {
        // The first interface's link type decides whether the filter is valid at all.
        bpf_program prog{};
        if (pcap_compile(pcap_, &prog, filter_text_.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
            throw CaptureError(ExitCode::BadFilter, fmt::format("bad capture filter \"{}\": {}", filter_text_,
                                                                first_line(pcap_geterr(pcap_))));
        filters_[linktype_] = prog;
    }
}

bool PacketSource::filter_accepts(const Packet& pkt) {
    auto it = filters_.find(pkt.linktype);
    if (it == filters_.end()) {
        // Another interface's link type: the filter is compiled for it once. A
        // filter that cannot apply to it (ether host on raw IP) matches none of its packets.
        bpf_program prog{};
        if (pcap_t* dead = pcap_open_dead(pkt.linktype, 262144)) {
            if (pcap_compile(dead, &prog, filter_text_.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) prog = bpf_program{};
            pcap_close(dead);
        }
        it = filters_.emplace(pkt.linktype, prog).first;
    }
    if (!it->second.bf_insns) return false;
    pcap_pkthdr h{};
    h.caplen = pkt.caplen;
    h.len = pkt.wirelen;
    return pcap_offline_filter(&it->second, &h, pkt.bytes.data()) != 0;
}

std::uint64_t PacketSource::file_position() const { return file_ ? file_->source_position() : 0; }

PacketSource::~PacketSource() {
    for (auto& [type, prog] : filters_)
        if (prog.bf_insns) pcap_freecode(&prog);
    if (pcap_) pcap_close(pcap_);
}

PacketSource::Result PacketSource::next(Packet& pkt) {
    if (interrupted_ && !live_) return Result::End;
    if (file_) {
        FileRecord rec;
        for (;;) {
            switch (file_->next(rec)) {
                case CaptureFileReader::Result::End: return Result::End;
                case CaptureFileReader::Result::Error:
                    error_code_ = file_->error_code();
                    error_ = file_->error();
                    return Result::Error;
                case CaptureFileReader::Result::Packet: break;
            }
            pkt.ts = rec.ts;
            pkt.caplen = rec.caplen;
            pkt.wirelen = rec.wirelen;
            pkt.linktype = rec.linktype;
            pkt.bytes = Bytes(rec.data, rec.caplen);
            pkt.interface_id = rec.interface_id;
            pkt.interface_name = rec.interface_name;
            pkt.options = rec.options;
            if (!filter_text_.empty() && !filter_accepts(pkt)) continue;
            pkt.number = ++count_;
            return Result::Packet;
        }
    }
    return next_live(pkt);
}

namespace {
std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

PacketSource::Result PacketSource::next_live(Packet& pkt) {
    auto start_draining = [this] {
        draining_ = true;
        char errbuf[PCAP_ERRBUF_SIZE];
        pcap_setnonblock(pcap_, 1, errbuf);
        // The kernel releases a partly filled block after timeout_ms.
        drain_until_ms_ = steady_ms() + 2 * timeout_ms_ + 50;
    };
    if (interrupted_ && !draining_) start_draining();
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(pcap_, &hdr, &data);
    // The signal usually arrives while that read waits.
    if (rc != 1 && interrupted_ && !draining_) start_draining();
    while (draining_ && (rc == 0 || rc == PCAP_ERROR_BREAK)) {
        const std::int64_t left = drain_until_ms_ - steady_ms();
        if (left <= 0) return Result::End;
        pollfd pfd{pcap_get_selectable_fd(pcap_), POLLIN, 0};
        if (pfd.fd >= 0) poll(&pfd, 1, static_cast<int>(left));
        rc = pcap_next_ex(pcap_, &hdr, &data);
    }
    if (rc == 1) {
        pkt.number = ++count_;
        pkt.ts.sec = hdr->ts.tv_sec;
        pkt.ts.nsec = static_cast<std::uint32_t>(precision_ == PCAP_TSTAMP_PRECISION_NANO ? hdr->ts.tv_usec
                                                                                           : hdr->ts.tv_usec * 1000);
        pkt.caplen = hdr->caplen;
        pkt.wirelen = hdr->len;
        pkt.linktype = linktype_;
        pkt.bytes = Bytes(data, hdr->caplen);
        pkt.interface_id = kNoInterface;
        pkt.interface_name = {};
        pkt.options = {};
        return Result::Packet;
    }
    if (rc == 0) return Result::Timeout;
    // PCAP_ERROR_BREAK: end of file, or interrupt() was called.
    if (rc == PCAP_ERROR_BREAK || interrupted_) return Result::End;
    const std::string msg = first_line(pcap_geterr(pcap_));
    error_code_ = ExitCode::CaptureFailed;
    error_ = fmt::format("{}: read error after {} packets: {}", name_, count_, msg);
    return Result::Error;
}

CaptureStats PacketSource::stats() const {
    CaptureStats s;
    pcap_stat ps{};
    if (live_ && pcap_stats(pcap_, &ps) == 0) {
        s.available = true;
        s.received = ps.ps_recv;
        s.dropped = ps.ps_drop;
        s.if_dropped = ps.ps_ifdrop;
    }
    return s;
}

void PacketSource::interrupt() {
    interrupted_ = true;
    if (pcap_) pcap_breakloop(pcap_);
}

}  // namespace netdx
