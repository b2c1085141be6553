#pragma once
// netdx's own reader of capture files: pcap (both byte orders, microsecond
// and nanosecond, the "modified" Kuznetzov variant) and pcapng (several
// sections and byte orders, interfaces of different link types, snap lengths
// and timestamp resolutions; Enhanced, Simple and obsolete Packet Blocks; other
// blocks skipped). libpcap refuses pcapng files whose interfaces differ, which
// is what dumpcap -i A -i B, Wireshark on several interfaces and mergecap write.
//
// A damaged file is read up to the damage: next() then returns Error once,
// with the byte offset and what was wrong, and the exit code (TruncatedCapture
// when the file ends inside a record, DamagedCapture when a record cannot be
// right). Records are never resynchronised past damage: a guess could invent
// packets.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "capture/byte_stream.hpp"
#include "core/exit_codes.hpp"
#include "core/interface_id.hpp"
#include "core/packet.hpp"

namespace netdx {

struct FileRecord {
    Timestamp ts;
    std::uint32_t caplen = 0;
    std::uint32_t wirelen = 0;
    int linktype = 0;              // DLT value, as libpcap reports it
    std::uint32_t interface_id = kNoInterface;  // pcapng: counted across sections, as tshark does
    const std::uint8_t* data = nullptr;  // valid until the next call to next()
    std::string_view interface_name;     // if_name; valid as data
    RecordOptions options;               // opt_comment...; valid as data
};

struct FileInterface {
    int linktype = 0;
    std::uint32_t snaplen = 0;
    std::uint8_t tsresol = 6;  // if_tsresol: 10^-6 unless given
    std::int64_t tsoffset = 0;
    std::uint32_t global_id = 0;
    std::string name;  // if_name, empty when absent
};

class CaptureFileReader {
public:
    enum class Format { Pcap, Pcapng };
    enum class Result { Packet, End, Error };

    // Reads the file header (pcap) or the first section header and the blocks
    // up to the first interface (pcapng). Throws CaptureError (NotACapture or
    // TruncatedCapture) when there is no readable header.
    CaptureFileReader(std::unique_ptr<ByteStream> in, std::string name, Compression compression);

    Result next(FileRecord& rec);

    [[nodiscard]] Format format() const { return format_; }
    [[nodiscard]] int first_linktype() const { return first_linktype_; }
    [[nodiscard]] std::uint32_t first_snaplen() const { return first_snaplen_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] ExitCode error_code() const { return error_code_; }
    [[nodiscard]] std::uint64_t source_position() const { return in_->source_position(); }

    // Largest record accepted (libpcap's and tshark's limit for ordinary link types).
    static constexpr std::uint32_t kMaxRecord = 262144;
    static constexpr std::uint32_t kMaxBlock = 16 * 1024 * 1024;

private:
    enum class Step { Packet, Interface, Other, End, Error };
    std::size_t read(std::uint8_t* dst, std::size_t n);
    Result read_pcap(FileRecord& rec);
    Step read_block(FileRecord& rec);
    Step parse_block(std::uint32_t type, std::uint64_t start, std::size_t body, FileRecord& rec);
    bool parse_interface(std::uint64_t start);
    void packet_from(std::uint32_t iface, std::uint64_t ts, std::uint32_t caplen, std::uint32_t wirelen,
                     const std::uint8_t* data, FileRecord& rec, Bytes options = {});
    // Both set error_/error_code_ and return Step::Error.
    Step cut(std::uint64_t start, const char* what, std::size_t need, std::size_t got);
    Step damaged(std::uint64_t start, const std::string& why);
    Step stream_fault_or_cut(std::uint64_t start, const char* what, std::size_t need, std::size_t got);
    [[nodiscard]] std::string where(std::uint64_t offset) const;
    [[nodiscard]] std::uint16_t u16(const std::uint8_t* p) const;
    [[nodiscard]] std::uint32_t u32(const std::uint8_t* p) const;
    [[nodiscard]] std::uint64_t u64(const std::uint8_t* p) const;

    std::unique_ptr<ByteStream> in_;
    std::string name_;
    Compression compression_;
    Format format_ = Format::Pcap;
    bool swapped_ = false;  // the current section's byte order differs from the host's
    // pcap
    bool nano_ = false;
    std::size_t record_header_ = 16;
    std::uint32_t snaplen_ = 0;
    // pcapng
    std::vector<FileInterface> interfaces_;  // of the current section
    std::uint32_t interfaces_seen_ = 0;      // across sections
    std::uint32_t sections_ = 0;
    std::uint32_t pending_type_ = 0;         // block type already read by the constructor
    bool has_pending_type_ = false;
    bool has_pending_result_ = false;
    Result pending_result_ = Result::End;
    FileRecord pending_rec_;

    int first_linktype_ = 1;
    std::uint32_t first_snaplen_ = kMaxRecord;
    std::uint64_t offset_ = 0;   // bytes of (decompressed) file read so far
    std::uint64_t records_ = 0;  // packets returned
    std::vector<std::uint8_t> buf_;
    std::string error_;
    ExitCode error_code_ = ExitCode::Ok;
    bool failed_ = false;
};

// libpcap's LINKTYPE_* to DLT_* mapping for the values that differ on Linux.
int dlt_from_linktype(std::uint32_t linktype);
// Its inverse, for writing files: a file says LINKTYPE_RAW (101), not DLT_RAW.
std::uint32_t linktype_from_dlt(int dlt);

}  // namespace netdx
