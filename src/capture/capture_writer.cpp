#include "capture/capture_writer.hpp"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "capture/file_reader.hpp"

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

// An option's length is 16 bits: a longer text is cut at a UTF-8 character
// boundary (pcapng strings are UTF-8).
std::string_view fit_option(std::string_view s) {
    std::size_t n = std::min<std::size_t>(s.size(), 0xfffc);
    if (n < s.size())
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
    return s.substr(0, n);
}

class PcapWriterImpl final : public CaptureWriter {
    void header(std::vector<std::uint8_t>& o, const CaptureInterface& ifc) override {
        put32(o, ifc.nano ? 0xa1b23c4d : 0xa1b2c3d4);
        put16(o, 2);
        put16(o, 4);
        put32(o, 0);  // thiszone
        put32(o, 0);  // sigfigs
        put32(o, ifc.snaplen);
        put32(o, linktype_from_dlt(ifc.linktype));
    }
    void record(std::vector<std::uint8_t>& o, const Packet& p, std::uint32_t, std::span<const std::string>) override {
        put32(o, static_cast<std::uint32_t>(p.ts.sec));
        put32(o, ifcs_[0].nano ? p.ts.nsec : p.ts.nsec / 1000);
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
    void option_text(std::uint16_t code, std::string_view s) { option(code, s.data(), s.size()); }
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
    static std::uint64_t ticks(const Timestamp& t, bool nano) {
        const auto sec = static_cast<std::uint64_t>(t.sec);
        return nano ? sec * 1000000000u + t.nsec : sec * 1000000u + t.nsec / 1000;
    }
    [[nodiscard]] bool many_interfaces() const override { return true; }
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
        interface_block(o, ifc);
    }
    void interface_block(std::vector<std::uint8_t>& o, const CaptureInterface& ifc) override {
        Block idb(o, 1);
        put16(o, static_cast<std::uint16_t>(linktype_from_dlt(ifc.linktype)));
        put16(o, 0);
        put32(o, ifc.snaplen);
        if (!ifc.name.empty()) idb.option_text(2, ifc.name);                // if_name
        if (!ifc.description.empty()) idb.option_text(3, ifc.description);  // if_description
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
    void record(std::vector<std::uint8_t>& o, const Packet& p, std::uint32_t ifc,
                std::span<const std::string> comments) override {
        Block epb(o, 6);
        const std::uint64_t t = ticks(p.ts, ifcs_[ifc].nano);
        put32(o, ifc);
        put32(o, static_cast<std::uint32_t>(t >> 32));
        put32(o, static_cast<std::uint32_t>(t));
        put32(o, p.caplen);
        put32(o, p.wirelen);
        o.insert(o.end(), p.bytes.data(), p.bytes.data() + p.caplen);
        pad4(o);
        if (!comments.empty()) {
            for (const std::string& c : comments) epb.option_text(1, fit_option(c));  // opt_comment
            epb.end_options();
        }
        epb.finish();
    }
    void trailer(std::vector<std::uint8_t>& o, const CaptureCounters& c) override {
        Block isb(o, 5);
        const bool nano = ifcs_[0].nano;
        const std::uint64_t t = ticks(c.end, nano);
        put32(o, 0);
        put32(o, static_cast<std::uint32_t>(t >> 32));
        put32(o, static_cast<std::uint32_t>(t));
        isb.option_time(2, ticks(c.start, nano));  // isb_starttime
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
    ifcs_.assign(1, ifc);
    if (path == "-") {
        fd_ = STDOUT_FILENO;
    } else {
        fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd_ < 0) return fmt::format("cannot write {}: {}", path, std::strerror(errno));
        own_fd_ = true;
    }
    scratch_.clear();
    header(scratch_, ifc);
    append(scratch_, false);
    // The header reaches the file at once, so even an empty capture is a valid file.
    return flush() ? std::string{} : error_;
}

void CaptureWriter::append(const std::vector<std::uint8_t>& rec, bool packet) {
    buffer_.insert(buffer_.end(), rec.begin(), rec.end());
    boundaries_.emplace_back(buffer_.size(), packet);
    if (packet) ++packets_;
}

bool CaptureWriter::add_interface(const CaptureInterface& ifc) {
    if (!many_interfaces() || !error_.empty()) return false;
    ifcs_.push_back(ifc);
    scratch_.clear();
    interface_block(scratch_, ifc);
    append(scratch_, false);
    return buffer_.size() < kFlushAt || flush();
}

bool CaptureWriter::write(const Packet& pkt, std::uint32_t ifc, std::span<const std::string> comments) {
    if (!error_.empty()) return false;
    scratch_.clear();
    record(scratch_, pkt, ifc < ifcs_.size() ? ifc : 0, comments);
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

std::string CaptureWriter::close(const CaptureCounters& counters) { return finish(&counters); }

std::string CaptureWriter::close() { return finish(nullptr); }

std::string CaptureWriter::finish(const CaptureCounters* counters) {
    if (error_.empty()) {
        scratch_.clear();
        if (counters) trailer(scratch_, *counters);
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
