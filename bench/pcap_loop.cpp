// The floor for any pcap reader: libpcap's own read loop touching every record
// and nothing else. bench/run.sh times netdx, tshark and tcpdump against it.
#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: pcap_loop FILE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline(argv[1], errbuf);
    if (!p) {
        std::fprintf(stderr, "pcap_loop: %s\n", errbuf);
        return 1;
    }
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    std::uint64_t packets = 0, bytes = 0, sum = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
        ++packets;
        bytes += hdr->caplen;
        // Read one byte of each packet so the data is really touched.
        if (hdr->caplen > 0) sum += data[hdr->caplen - 1];
    }
    const bool ok = rc == PCAP_ERROR_BREAK;
    if (!ok) std::fprintf(stderr, "pcap_loop: %s\n", pcap_geterr(p));
    std::printf("%llu packets %llu bytes (checksum %llu)\n", static_cast<unsigned long long>(packets),
                static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(sum));
    pcap_close(p);
    return ok ? 0 : 1;
}
