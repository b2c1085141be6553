#include "capture/capture_writer.hpp"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace netdx {

namespace {

constexpr std::size_t kFlushAt = 64 * 1024;

void put16(std::vector<std::uint8_t>& o, std::uint16_t v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);  // host order, as the magic says
    o.insert(o.end(), p, p + 2);
}
void put32(std::vector<std::uint8_t>& o, std::uint32_t v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    o.insert(o.end(), p, p + 4);
}
void put64(std::vector<std::uint8_t>& o, std::uint64_t v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    o.insert(o.end(), p, p + 8);
}
void pad4(std::vector<std::uint8_t>& o) {
    while (o.size() % 4) o.push_back(0);
}

class PcapWriterImpl final : public CaptureWriter {
    void header(std::vector<std::uint8_t>& o, const CaptureInterface& ifc) override {
        put32(o, ifc.nano ? 0xa1b23c4d : 0xa1b2c3d4);
        put16(o, 2);
        put16(o, 4);
        put32(o, 0);  // thiszone
        put32(o, 0);  // sigfigs
        put32(o, ifc.snaplen);
        put32(o, static_cast<std::uint32_t>(ifc.linktype));
    }
    void record(std::vector<std::uint8_t>& o, const Packet& p) override {
        put32(o, static_cast<std::uint32_t>(p.ts.sec));
        put32(o, ifc_.nano ? p.ts.nsec : p.ts.nsec / 1000);
        put32(o, p.caplen);
        put32(o, p.wirelen);
        o.insert(o.end(), p.bytes.data(), p.bytes.data() + p.caplen);
    }
    void trailer(std::vector<std::uint8_t>&, const CaptureCounters&) override {}
};

// One pcapng block: type, total length, body (padded), total length again.
class Block {
public:
    Block(std::vector<std::uint8_t>& out, std::uint32_t type) : o_(out), start_(out.size()) {
        put32(o_, type);
        put32(o_, 0);  // total length, patched in finish()
    }
    void option(std::uint16_t code, const void* data, std::size_t len) {
        put16(o_, code);
        put16(o_, static_cast<std::uint16_t>(len));
        const auto* p = static_cast<const std::uint8_t*>(data);
        o_.insert(o_.end(), p, p + len);
        pad4(o_);
    }
    void option_text(std::uint16_t code, const std::string& s) { option(code, s.data(), s.size()); }
    void option_u64(std::uint16_t code, std::uint64_t v) { option(code, &v, 8); }
    void option_time(std::uint16_t code, std::uint64_t ticks) {
        const std::uint32_t hl[2] = {static_cast<std::uint32_t>(ticks >> 32), static_cast<std::uint32_t>(ticks)};
        option(code, hl, 8);
    }
    void end_options() { put32(o_, 0); }  // opt_endofopt, length 0
    void finish() {
        pad4(o_);
        const auto total = static_cast<std::uint32_t>(o_.size() - start_ + 4);
        put32(o_, total);
        std::memcpy(o_.data() + start_ + 4, &total, 4);
    }

private:
    std::vector<std::uint8_t>& o_;
    std::size_t start_;
};

class PcapngWriterImpl final : public CaptureWriter {
    std::uint64_t ticks(const Timestamp& t) const {
        const auto sec = static_cast<std::uint64_t>(t.sec);
        return ifc_.nano ? sec * 1000000000u + t.nsec : sec * 1000000u + t.nsec / 1000;
    }
    void header(std::vector<std::uint8_t>& o, const CaptureInterface& ifc) override {
        Block shb(o, 0x0a0d0d0a);
        put32(o, 0x1a2b3c4d);
        put16(o, 1);
        put16(o, 0);
        put64(o, ~std::uint64_t{0});  // section length not given
        utsname u{};
        if (uname(&u) == 0) shb.option_text(3, fmt::format("{} {}", u.sysname, u.release));  // shb_os
        shb.option_text(4, "netdx");                                                        // shb_userappl
        shb.end_options();
        shb.finish();

        Block idb(o, 1);
        put16(o, static_cast<std::uint16_t>(ifc.linktype));
        put16(o, 0);
        put32(o, ifc.snaplen);
        idb.option_text(2, ifc.name);  // if_name
        if (!ifc.filter.empty()) {     // if_filter: type 0 = libpcap filter string
            std::string f(1, '\0');
            f += ifc.filter;
            idb.option_text(11, f);
        }
        const std::uint8_t tsresol = ifc.nano ? 9 : 6;
        idb.option(9, &tsresol, 1);  // if_tsresol
        idb.end_options();
        idb.finish();
    }
    void record(std::vector<std::uint8_t>& o, const Packet& p) override {
        Block epb(o, 6);
        const std::uint64_t t = ticks(p.ts);
        put32(o, 0);  // interface 0
        put32(o, static_cast<std::uint32_t>(t >> 32));
        put32(o, static_cast<std::uint32_t>(t));
        put32(o, p.caplen);
        put32(o, p.wirelen);
        o.insert(o.end(), p.bytes.data(), p.bytes.data() + p.caplen);
        pad4(o);
        epb.finish();
    }
    void trailer(std::vector<std::uint8_t>& o, const CaptureCounters& c) override {
        Block isb(o, 5);
        const std::uint64_t t = ticks(c.end);
        put32(o, 0);
        put32(o, static_cast<std::uint32_t>(t >> 32));
        put32(o, static_cast<std::uint32_t>(t));
        isb.option_time(2, ticks(c.start));  // isb_starttime
        isb.option_time(3, t);               // isb_endtime
        if (c.available) {
            isb.option_u64(5, c.if_dropped);  // isb_ifdrop
            isb.option_u64(6, c.accepted);    // isb_filteraccept
            isb.option_u64(7, c.os_dropped);  // isb_osdrop
        }
        isb.option_u64(8, c.delivered);  // isb_usrdeliv
        isb.end_options();
        isb.finish();
    }
};

}  // namespace

std::unique_ptr<CaptureWriter> CaptureWriter::make(CaptureFormat format) {
    if (format == CaptureFormat::Pcapng) return std::unique_ptr<CaptureWriter>(new PcapngWriterImpl);
    return std::unique_ptr<CaptureWriter>(new PcapWriterImpl);
}

CaptureWriter::~CaptureWriter() {
    if (own_fd_ && fd_ >= 0) ::close(fd_);
}

std::string CaptureWriter::open(const std::string& path, const CaptureInterface& ifc) {
    path_ = path;
    ifc_ = ifc;
    if (path == "-") {
        fd_ = STDOUT_FILENO;
    } else {
        fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd_ < 0) return fmt::format("cannot write {}: {}", path, std::strerror(errno));
        own_fd_ = true;
    }
    scratch_.clear();
    header(scratch_, ifc_);
    append(scratch_, false);
    // The header reaches the file at once, so even an empty capture is a valid file.
    return flush() ? std::string{} : error_;
}

void CaptureWriter::append(const std::vector<std::uint8_t>& rec, bool packet) {
    buffer_.insert(buffer_.end(), rec.begin(), rec.end());
    boundaries_.emplace_back(buffer_.size(), packet);
    if (packet) ++packets_;
}

bool CaptureWriter::write(const Packet& pkt) {
    if (!error_.empty()) return false;
    scratch_.clear();
    record(scratch_, pkt);
    append(scratch_, true);
    return buffer_.size() < kFlushAt || flush();
}

bool CaptureWriter::flush() {
    if (!error_.empty()) return false;
    std::size_t done = 0;
    while (done < buffer_.size()) {
        const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : ENOSPC;
            // Cut the file back to the last whole record the kernel took, so a
            // reader sees a complete file that stops early, not a cut record.
            std::size_t whole = 0;
            std::uint64_t lost = 0;
            for (const auto& [end, packet] : boundaries_) {
                if (end <= done) whole = end;
                else if (packet) ++lost;
            }
            packets_ -= lost;
            if (own_fd_ && ftruncate(fd_, static_cast<off_t>(committed_ + whole)) != 0) {
                error_ = fmt::format("cannot write {}: {}; the last record may be cut", path_, std::strerror(err));
            } else {
                error_ = fmt::format("cannot write {}: {} (the file ends after its last complete record; {} "
                                     "packet(s) not written)",
                                     path_, std::strerror(err), lost);
            }
            committed_ += whole;
            buffer_.clear();
            boundaries_.clear();
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    committed_ += buffer_.size();
    buffer_.clear();
    boundaries_.clear();
    return true;
}

std::string CaptureWriter::close(const CaptureCounters& counters) {
    if (error_.empty()) {
        scratch_.clear();
        trailer(scratch_, counters);
        if (!scratch_.empty()) append(scratch_, false);
        flush();
    }
    if (own_fd_ && fd_ >= 0) {
        if (::close(fd_) != 0 && error_.empty())
            error_ = fmt::format("cannot write {}: {}", path_, std::strerror(errno));
        fd_ = -1;
    }
    return error_;
}

}  // namespace netdx
