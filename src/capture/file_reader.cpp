#include "capture/file_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "capture/capture_error.hpp"

namespace netdx {

namespace {

constexpr std::uint32_t kPcapMagicMicro = 0xa1b2c3d4;
constexpr std::uint32_t kPcapMagicNano = 0xa1b23c4d;
constexpr std::uint32_t kPcapMagicKuznetzov = 0xa1b2cd34;  // "modified" pcap: 8 more bytes per record
constexpr std::uint32_t kShb = 0x0a0d0d0a;
constexpr std::uint32_t kByteOrderMagic = 0x1a2b3c4d;
constexpr std::uint32_t kIdb = 1, kObsoletePb = 2, kSpb = 3, kEpb = 6;

// std::byteswap is C++23; GCC 12 has the builtins.
inline std::uint16_t bswap(std::uint16_t v) { return __builtin_bswap16(v); }
inline std::uint32_t bswap(std::uint32_t v) { return __builtin_bswap32(v); }
inline std::uint64_t bswap(std::uint64_t v) { return __builtin_bswap64(v); }

std::uint32_t load32(const std::uint8_t* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

// Nanoseconds of `frac` units of 10^-exp (exp <= 19) or 2^-exp seconds.
std::uint32_t frac_to_nsec(std::uint64_t frac, std::uint8_t tsresol) {
    const unsigned e = tsresol & 0x7f;
    if (tsresol & 0x80) return static_cast<std::uint32_t>((static_cast<unsigned __int128>(frac) * 1000000000u) >> e);
    std::uint64_t p = 1;
    if (e <= 9) {
        for (unsigned i = e; i < 9; ++i) p *= 10;
        return static_cast<std::uint32_t>(frac * p);
    }
    for (unsigned i = 9; i < e; ++i) p *= 10;
    return static_cast<std::uint32_t>(frac / p);
}

}  // namespace

int dlt_from_linktype(std::uint32_t linktype) {
    linktype &= 0x03ffffff;  // the upper bits carry the FCS length, not the type
    switch (linktype) {
        case 100: return 11;  // ATM_RFC1483
        case 101: return 12;  // RAW
        case 102: return 15;  // SLIP_BSDOS
        case 103: return 16;  // PPP_BSDOS
        case 106: return 19;  // ATM_CLIP
        default: return static_cast<int>(linktype);
    }
}

std::uint32_t linktype_from_dlt(int dlt) {
    switch (dlt) {
        case 11: return 100;
        case 12: return 101;
        case 15: return 102;
        case 16: return 103;
        case 19: return 106;
        default: return static_cast<std::uint32_t>(dlt);
    }
}

CaptureFileReader::CaptureFileReader(std::unique_ptr<ByteStream> in, std::string name, Compression compression)
    : in_(std::move(in)), name_(std::move(name)), compression_(compression) {
    std::uint8_t magic[4];
    const std::size_t got = read(magic, 4);
    if (got == 0 && in_->fault() == StreamFault::None) throw CaptureError(ExitCode::NotACapture, name_ + " is empty, not a capture");
    if (got < 4 && in_->fault() == StreamFault::Truncated)
        throw CaptureError(ExitCode::TruncatedCapture, fmt::format("{} is cut short: {}", name_, in_->fault_text()));
    if (got < 4 && in_->fault() == StreamFault::Corrupt)
        throw CaptureError(ExitCode::NotACapture, fmt::format("{} is not a readable capture: {}", name_, in_->fault_text()));
    const std::uint32_t m = got == 4 ? load32(magic) : 0;
    if (m == kShb) {
        format_ = Format::Pcapng;
        pending_type_ = m;
        has_pending_type_ = true;
        FileRecord rec;
        for (;;) {
            const Step s = read_block(rec);
            if (s == Step::Other) continue;
            if (sections_ == 0 && s == Step::Error)
                // Not even a whole section header: not a capture we can read.
                throw CaptureError(error_code_, error_);
            if (s == Step::Interface) break;
            has_pending_result_ = true;
            pending_result_ = s == Step::Packet ? Result::Packet : s == Step::End ? Result::End : Result::Error;
            pending_rec_ = rec;
            break;
        }
        return;
    }
    const std::uint32_t sm = bswap(m);
    if (m == kPcapMagicMicro || m == kPcapMagicNano || m == kPcapMagicKuznetzov) {
        swapped_ = false;
    } else if (sm == kPcapMagicMicro || sm == kPcapMagicNano || sm == kPcapMagicKuznetzov) {
        swapped_ = true;
    } else {
        if (got < 4) throw CaptureError(ExitCode::NotACapture, fmt::format("{} is too short to be a capture ({} bytes)", name_, got));
        throw CaptureError(ExitCode::NotACapture,
                           fmt::format("{} is not a pcap or pcapng file (it starts with {:02x} {:02x} {:02x} {:02x})",
                                       name_, magic[0], magic[1], magic[2], magic[3]));
    }
    const std::uint32_t native = swapped_ ? sm : m;
    nano_ = native == kPcapMagicNano;
    record_header_ = native == kPcapMagicKuznetzov ? 24 : 16;
    std::uint8_t hdr[20];
    const std::size_t h = read(hdr, sizeof hdr);
    if (h < sizeof hdr)
        throw CaptureError(ExitCode::TruncatedCapture,
                           fmt::format("{}: capture cut in its file header ({} of 24 bytes)", name_, 4 + h));
    const std::uint16_t major = u16(hdr);
    if (major != 2)
        throw CaptureError(ExitCode::NotACapture, fmt::format("{}: pcap version {}.{} is not one netdx reads", name_,
                                                              major, u16(hdr + 2)));
    snaplen_ = u32(hdr + 12);
    first_snaplen_ = snaplen_;
    first_linktype_ = dlt_from_linktype(u32(hdr + 16));
}

std::uint16_t CaptureFileReader::u16(const std::uint8_t* p) const {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return swapped_ ? bswap(v) : v;
}
std::uint32_t CaptureFileReader::u32(const std::uint8_t* p) const {
    const std::uint32_t v = load32(p);
    return swapped_ ? bswap(v) : v;
}
std::uint64_t CaptureFileReader::u64(const std::uint8_t* p) const {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return swapped_ ? bswap(v) : v;
}

std::size_t CaptureFileReader::read(std::uint8_t* dst, std::size_t n) {
    const std::size_t got = in_->read(dst, n);
    offset_ += got;
    return got;
}

std::string CaptureFileReader::where(std::uint64_t offset) const {
    if (compression_ == Compression::None) return fmt::format("byte {}", offset);
    return fmt::format("byte {} of the {}-decompressed data", offset, compression_name(compression_));
}

CaptureFileReader::Step CaptureFileReader::cut(std::uint64_t start, const char* what, std::size_t need,
                                               std::size_t got) {
    error_code_ = ExitCode::TruncatedCapture;
    error_ = fmt::format("{}: capture cut at {}: record {} ({}) needs {} bytes, the file ends after {}; the {} "
                         "packets before it were read",
                         name_, where(start), records_ + 1, what, need, got, records_);
    failed_ = true;
    return Step::Error;
}

CaptureFileReader::Step CaptureFileReader::damaged(std::uint64_t start, const std::string& why) {
    error_code_ = ExitCode::DamagedCapture;
    error_ = fmt::format("{}: capture damaged at {}: {}; the {} packets before it were read", name_, where(start), why,
                         records_);
    failed_ = true;
    return Step::Error;
}

// A short read is the file ending, unless the decompressor gave up on bad data.
CaptureFileReader::Step CaptureFileReader::stream_fault_or_cut(std::uint64_t start, const char* what, std::size_t need,
                                                               std::size_t got) {
    if (in_->fault() == StreamFault::Corrupt) return damaged(offset_, in_->fault_text());
    if (in_->fault() == StreamFault::Truncated) {
        cut(start, what, need, got);
        error_ += fmt::format(" ({})", in_->fault_text());
        return Step::Error;
    }
    return cut(start, what, need, got);
}

CaptureFileReader::Result CaptureFileReader::next(FileRecord& rec) {
    if (has_pending_result_) {
        has_pending_result_ = false;
        rec = pending_rec_;
        if (pending_result_ == Result::Packet) ++records_;
        return pending_result_;
    }
    if (failed_) return Result::Error;
    if (format_ == Format::Pcap) return read_pcap(rec);
    for (;;) {
        switch (read_block(rec)) {
            case Step::Packet: ++records_; return Result::Packet;
            case Step::End: return Result::End;
            case Step::Error: return Result::Error;
            case Step::Interface:
            case Step::Other: break;
        }
    }
}

CaptureFileReader::Result CaptureFileReader::read_pcap(FileRecord& rec) {
    const std::uint64_t start = offset_;
    std::uint8_t hdr[24];
    const std::size_t h = read(hdr, record_header_);
    if (h == 0 && in_->fault() == StreamFault::None) return Result::End;
    if (h < record_header_) {
        stream_fault_or_cut(start, "record header", record_header_, h);
        return Result::Error;
    }
    const std::uint32_t sec = u32(hdr), frac = u32(hdr + 4), caplen = u32(hdr + 8), wirelen = u32(hdr + 12);
    const std::uint32_t limit = std::max(kMaxRecord, std::min(snaplen_, kMaxBlock));
    if (caplen > limit) {
        damaged(start, fmt::format("record {} claims {} captured bytes, more than the {}-byte maximum", records_ + 1,
                                   caplen, limit));
        return Result::Error;
    }
    if (buf_.size() < caplen) buf_.resize(caplen);
    const std::size_t got = read(buf_.data(), caplen);
    if (got < caplen) {
        stream_fault_or_cut(start, "packet data", record_header_ + caplen, record_header_ + got);
        return Result::Error;
    }
    std::uint64_t nsec = nano_ ? frac : static_cast<std::uint64_t>(frac) * 1000;
    rec.ts.sec = static_cast<std::int64_t>(sec) + static_cast<std::int64_t>(nsec / 1000000000u);
    rec.ts.nsec = static_cast<std::uint32_t>(nsec % 1000000000u);
    rec.caplen = caplen;
    rec.wirelen = wirelen;
    rec.linktype = first_linktype_;
    rec.interface_id = kNoInterface;
    rec.data = buf_.data();
    ++records_;
    return Result::Packet;
}

CaptureFileReader::Step CaptureFileReader::read_block(FileRecord& rec) {
    const std::uint64_t start = has_pending_type_ ? offset_ - 4 : offset_;
    std::uint8_t head[12];
    std::size_t have = 0;
    if (has_pending_type_) {
        std::memcpy(head, &pending_type_, 4);
        have = 4;
        has_pending_type_ = false;
    }
    have += read(head + have, 8 - have);
    if (have == 0 && in_->fault() == StreamFault::None) return Step::End;
    if (have < 8) return stream_fault_or_cut(start, "block header", 8, have);
    const std::uint32_t raw_type = load32(head);
    if (raw_type == kShb) {
        // A new section: its byte-order magic says how to read everything in it,
        // its own length included.
        have += read(head + 8, 4);
        if (have < 12) return stream_fault_or_cut(start, "section header", 12, have);
        const std::uint32_t bom = load32(head + 8);
        if (bom == kByteOrderMagic) swapped_ = false;
        else if (bswap(bom) == kByteOrderMagic) swapped_ = true;
        else return damaged(start, fmt::format("section header with byte-order magic {:#010x}", bom));
    }
    const std::uint32_t type = u32(head);
    const std::uint32_t len = u32(head + 4);
    if (len < 12 || len % 4 != 0 || len > kMaxBlock || (type == kShb && len < 28))
        return damaged(start, fmt::format("block of type {:#x} with an impossible length {}", type, len));
    const std::size_t body = len - 12;
    const std::size_t already = have - 8;  // the SHB's byte-order magic
    if (buf_.size() < body + 4) buf_.resize(body + 4);
    if (already) std::memcpy(buf_.data(), head + 8, already);
    const std::size_t want = body + 4 - already;
    const std::size_t got = read(buf_.data() + already, want);
    if (got < want) return stream_fault_or_cut(start, "block", len, have + got);
    const std::uint32_t trailer = u32(buf_.data() + body);
    if (trailer != len)
        return damaged(start, fmt::format("block of type {:#x}: its closing length {} differs from its length {}", type,
                                          trailer, len));
    return parse_block(type, start, body, rec);
}

CaptureFileReader::Step CaptureFileReader::parse_block(std::uint32_t type, std::uint64_t start, std::size_t body,
                                                       FileRecord& rec) {
    const std::uint8_t* b = buf_.data();
    switch (type) {
        case kShb: {
            const std::uint16_t major = u16(b + 4);
            if (major != 1)
                return damaged(start, fmt::format("section header of pcapng version {}.{}", major, u16(b + 6)));
            interfaces_.clear();
            ++sections_;
            return Step::Other;
        }
        case kIdb: {
            if (body < 8) return damaged(start, fmt::format("interface description block of {} bytes", body + 12));
            FileInterface ifc;
            ifc.linktype = dlt_from_linktype(u16(b));
            ifc.snaplen = u32(b + 4);
            ifc.global_id = interfaces_seen_++;
            // Options: code, length, value padded to 4 bytes.
            for (std::size_t o = 8; o + 4 <= body;) {
                const std::uint16_t code = u16(b + o), olen = u16(b + o + 2);
                if (code == 0) break;
                const std::size_t next = o + 4 + ((olen + 3u) & ~3u);
                if (next > body) break;  // a bad option is ignored, as tshark does
                if (code == 9 && olen >= 1) ifc.tsresol = b[o + 4];
                if (code == 14 && olen >= 8) ifc.tsoffset = static_cast<std::int64_t>(u64(b + o + 4));
                // if_name: tshark shows it up to its first NUL.
                if (code == 2)
                    ifc.name.assign(reinterpret_cast<const char*>(b + o + 4),
                                    strnlen(reinterpret_cast<const char*>(b + o + 4), olen));
                o = next;
            }
            const unsigned e = ifc.tsresol & 0x7f;
            if ((ifc.tsresol & 0x80) ? e > 63 : e > 19)
                return damaged(start, fmt::format("interface {} with timestamp resolution {:#x}", ifc.global_id,
                                                  ifc.tsresol));
            if (interfaces_seen_ == 1) {
                first_linktype_ = ifc.linktype;
                first_snaplen_ = ifc.snaplen ? ifc.snaplen : kMaxRecord;
            }
            interfaces_.push_back(ifc);
            return Step::Interface;
        }
        case kEpb:
        case kObsoletePb: {
            if (body < 20) return damaged(start, fmt::format("packet block of {} bytes", body + 12));
            const std::uint32_t iface = type == kEpb ? u32(b) : u16(b);
            const std::uint64_t ts = (static_cast<std::uint64_t>(u32(b + 4)) << 32) | u32(b + 8);
            const std::uint32_t caplen = u32(b + 12), wirelen = u32(b + 16);
            if (caplen > body - 20)
                return damaged(start, fmt::format("packet block claims {} captured bytes in a block of {}", caplen,
                                                  body + 12));
            if (iface >= interfaces_.size())
                return damaged(start, fmt::format("record {} names interface {}, but its section describes {}",
                                                  records_ + 1, iface, interfaces_.size()));
            if (caplen > kMaxRecord && caplen > interfaces_[iface].snaplen)
                return damaged(start, fmt::format("record {} claims {} captured bytes, more than the {}-byte maximum",
                                                  records_ + 1, caplen, kMaxRecord));
            const std::size_t opts = 20 + ((caplen + 3u) & ~3u);
            packet_from(iface, ts, caplen, wirelen, b + 20, rec,
                        opts < body ? Bytes(b + opts, body - opts) : Bytes{});
            return Step::Packet;
        }
        case kSpb: {
            if (body < 4) return damaged(start, fmt::format("simple packet block of {} bytes", body + 12));
            if (interfaces_.empty()) return damaged(start, "simple packet block before any interface");
            const std::uint32_t wirelen = u32(b);
            std::uint32_t caplen = std::min<std::uint32_t>(wirelen, static_cast<std::uint32_t>(body - 4));
            if (interfaces_[0].snaplen) caplen = std::min(caplen, interfaces_[0].snaplen);
            // No timestamp: tshark shows such packets at time 0.
            packet_from(0, 0, caplen, wirelen, b + 4, rec);
            return Step::Packet;
        }
        default: return Step::Other;  // name resolution, statistics, secrets, custom blocks
    }
}

void CaptureFileReader::packet_from(std::uint32_t iface, std::uint64_t ts, std::uint32_t caplen,
                                    std::uint32_t wirelen, const std::uint8_t* data, FileRecord& rec,
                                    Bytes options) {
    const FileInterface& ifc = interfaces_[iface];
    const unsigned e = ifc.tsresol & 0x7f;
    std::uint64_t sec = 0, frac = 0;
    if (ifc.tsresol & 0x80) {
        sec = e ? ts >> e : ts;
        frac = e ? ts & ((std::uint64_t{1} << e) - 1) : 0;
    } else {
        std::uint64_t units = 1;
        for (unsigned i = 0; i < e; ++i) units *= 10;
        sec = ts / units;
        frac = ts % units;
    }
    rec.ts.sec = static_cast<std::int64_t>(sec) + ifc.tsoffset;
    rec.ts.nsec = frac_to_nsec(frac, ifc.tsresol);
    rec.caplen = caplen;
    rec.wirelen = wirelen;
    rec.linktype = ifc.linktype;
    rec.interface_id = ifc.global_id;
    rec.data = data;
    rec.interface_name = ifc.name;
    rec.options = RecordOptions{options, swapped_};
}

}  // namespace netdx
