#include "capture/source.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include <sys/stat.h>

#include "dissectors/registry.hpp"

namespace netdx {

namespace {

constexpr std::size_t kReadBuffer = 1 << 18;

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// libpcap reports the reason for a failed offline open only as text.
ExitCode classify_open_error(std::string_view msg) {
    // Nothing at all (an empty pipe) is not a capture rather than a cut one.
    if (contains(msg, "file header bytes, only got 0")) return ExitCode::NotACapture;
    if (contains(msg, "truncated")) return ExitCode::TruncatedCapture;
    if (contains(msg, "Permission denied")) return ExitCode::PermissionDenied;
    if (contains(msg, "No such file")) return ExitCode::NoSuchFile;
    return ExitCode::NotACapture;
}

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
        src->name_ = opts.file;
        FILE* fp = nullptr;
        if (opts.file == "-") {
            fp = stdin;
            src->name_ = "standard input";
        } else {
            fp = std::fopen(opts.file.c_str(), "rb");
            if (!fp) {
                const int err = errno;
                const ExitCode c = err == ENOENT ? ExitCode::NoSuchFile
                                   : err == EACCES ? ExitCode::PermissionDenied
                                                   : ExitCode::NoSuchFile;
                throw CaptureError(c, fmt::format("cannot open {}: {}", opts.file, std::strerror(err)));
            }
        }
        // libpcap would call these "truncated" or a read error; say what they are.
        struct stat st {};
        if (fp != stdin && fstat(fileno(fp), &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                std::fclose(fp);
                throw CaptureError(ExitCode::NoSuchFile, fmt::format("cannot open {}: it is a directory", opts.file));
            }
            if (S_ISREG(st.st_mode) && st.st_size == 0) {
                std::fclose(fp);
                throw CaptureError(ExitCode::NotACapture, fmt::format("{} is empty, not a capture", opts.file));
            }
        }
        // libpcap reads each record with two freads; a large stdio buffer turns the
        // default 4 KiB reads into few big ones (a quarter of `netdx flows`' time
        // went to read syscalls). glibc ignores the size unless it is given the
        // buffer, so the source owns one; standard input is never closed by
        // libpcap, so its buffer lives as long as the program.
        char* buffer = nullptr;
        if (fp == stdin) {
            static char stdin_buffer[kReadBuffer];
            buffer = stdin_buffer;
        } else {
            src->read_buffer_ = std::make_unique_for_overwrite<char[]>(kReadBuffer);
            buffer = src->read_buffer_.get();
        }
        std::setvbuf(fp, buffer, _IOFBF, kReadBuffer);
        src->pcap_ = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
        if (!src->pcap_) {
            if (fp != stdin) std::fclose(fp);
            const std::string msg = errbuf;
            const ExitCode c = classify_open_error(msg);
            if (c == ExitCode::NotACapture && contains(msg, "only got 0"))
                throw CaptureError(c, fmt::format("{} is empty, not a capture", src->name_));
            throw CaptureError(c, fmt::format("{} is not a readable capture: {}", src->name_, first_line(msg)));
        }
        src->precision_ = PCAP_TSTAMP_PRECISION_NANO;
    } else {
        src->live_ = true;
        src->name_ = opts.interface;
        src->pcap_ = pcap_create(opts.interface.c_str(), errbuf);
        if (!src->pcap_)
            throw CaptureError(ExitCode::CaptureFailed,
                               fmt::format("cannot capture on {}: {}", opts.interface, first_line(errbuf)));
        pcap_set_snaplen(src->pcap_, opts.snaplen);
        pcap_set_promisc(src->pcap_, opts.promiscuous ? 1 : 0);
        pcap_set_timeout(src->pcap_, opts.timeout_ms);
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

PacketSource::~PacketSource() {
    if (pcap_) pcap_close(pcap_);
}

PacketSource::Result PacketSource::next(Packet& pkt) {
    if (interrupted_) return Result::End;
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(pcap_, &hdr, &data);
    if (rc == 1) {
        pkt.number = ++count_;
        pkt.ts.sec = hdr->ts.tv_sec;
        pkt.ts.nsec = static_cast<std::uint32_t>(precision_ == PCAP_TSTAMP_PRECISION_NANO ? hdr->ts.tv_usec
                                                                                           : hdr->ts.tv_usec * 1000);
        pkt.caplen = hdr->caplen;
        pkt.wirelen = hdr->len;
        pkt.linktype = linktype_;
        pkt.bytes = Bytes(data, hdr->caplen);
        return Result::Packet;
    }
    if (rc == 0) return Result::Timeout;
    // PCAP_ERROR_BREAK: end of file, or interrupt() was called.
    if (rc == PCAP_ERROR_BREAK || interrupted_) return Result::End;
    const std::string msg = first_line(pcap_geterr(pcap_));
    if (!live_ && contains(msg, "truncated")) {
        error_code_ = ExitCode::TruncatedCapture;
        error_ = fmt::format("{}: capture cut in the middle of record {} ({})", name_, count_ + 1, msg);
    } else {
        error_code_ = live_ ? ExitCode::CaptureFailed : ExitCode::NotACapture;
        error_ = fmt::format("{}: read error after {} packets: {}", name_, count_, msg);
    }
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
