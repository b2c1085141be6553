#include "probe/background_capture.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "probe/probe_error.hpp"

namespace netdx {

BackgroundCapture::BackgroundCapture(const std::string& interface, const std::string& file) : file_(file) {
    SourceOptions o;
    o.interface = interface;
    o.timeout_ms = 50;
    o.immediate = true;  // a probe waits for its answer
    src_ = PacketSource::open(o);
    dump_ = pcap_dump_open(src_->handle(), file.c_str());
    if (!dump_) throw ProbeError(ExitCode::WriteFailed, fmt::format("cannot write {}", pcap_geterr(src_->handle())));
    thread_ = std::thread([this] { run(); });
}

BackgroundCapture::~BackgroundCapture() {
    if (thread_.joinable()) stop(0);
}

void BackgroundCapture::run() {
    const bool nano = pcap_get_tstamp_precision(src_->handle()) == PCAP_TSTAMP_PRECISION_NANO;
    Packet pkt;
    while (!stop_.load(std::memory_order_relaxed)) {
        const PacketSource::Result r = src_->next(pkt);
        if (r == PacketSource::Result::Timeout) continue;
        if (r == PacketSource::Result::End) break;
        if (r == PacketSource::Result::Error) {
            result_.rc = code(src_->error_code());
            result_.error = src_->error();
            break;
        }
        pcap_pkthdr hdr{};
        hdr.ts.tv_sec = pkt.ts.sec;
        hdr.ts.tv_usec = static_cast<suseconds_t>(nano ? pkt.ts.nsec : pkt.ts.nsec / 1000);
        hdr.caplen = pkt.caplen;
        hdr.len = pkt.wirelen;
        pcap_dump(reinterpret_cast<u_char*>(dump_), &hdr, pkt.bytes.data());
        ++result_.packets;
    }
}

BackgroundCapture::Result BackgroundCapture::stop(int linger_ms) {
    if (!thread_.joinable()) return result_;
    std::this_thread::sleep_for(std::chrono::milliseconds(linger_ms));
    stop_ = true;
    // libpcap may block in poll() until a packet comes (TPACKET_V3 on a quiet
    // link): breakloop wakes it.
    src_->interrupt();
    thread_.join();
    if (pcap_dump_flush(dump_) != 0 && result_.rc == 0) {
        result_.rc = code(ExitCode::WriteFailed);
        result_.error = fmt::format("cannot write {}: {}", file_, std::strerror(errno));
    }
    pcap_dump_close(dump_);
    dump_ = nullptr;
    return result_;
}

}  // namespace netdx
