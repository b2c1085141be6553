// libFuzzer entry point: the input is a capture file (pcap, pcapng, or one of
// them compressed), read through netdx's own reader record by record until the
// end or the first error, as `netdx packets -r` reads it.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "capture/capture_error.hpp"
#include "capture/file_reader.hpp"

namespace {
// Keeps the reads of every record byte from being optimised away.
volatile std::uint64_t g_sink = 0;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netdx;
    // The reader takes a file descriptor (the decompressors pick by magic on it).
    const int fd = memfd_create("fuzz-reader", 0);
    if (fd < 0) return 0;
    if (size && write(fd, data, size) != static_cast<ssize_t>(size)) {
        close(fd);
        return 0;
    }
    lseek(fd, 0, SEEK_SET);
    Compression kind = Compression::None;
    std::string error;
    auto in = open_byte_stream(fd, kind, error);  // owns fd from here
    if (!in) return 0;
    try {
        CaptureFileReader reader(std::move(in), "fuzz", kind);
        FileRecord rec;
        std::uint64_t sum = 0;
        while (reader.next(rec) == CaptureFileReader::Result::Packet) {
            // Touch every byte and option the record claims, so a view past
            // the reader's buffer is caught by ASan.
            for (std::uint32_t i = 0; i < rec.caplen; ++i) sum += rec.data[i];
            for (char c : rec.interface_name) sum += static_cast<unsigned char>(c);
            rec.options.each([&](std::uint16_t code, std::string_view v) {
                sum += code;
                for (char c : v) sum += static_cast<unsigned char>(c);
            });
        }
        g_sink = g_sink + sum;
    } catch (const CaptureError&) {
        // No readable header: the reader's documented refusal.
    }
    return 0;
}
