#include <doctest/doctest.h>

#include <array>
#include <string>

#include "app/ssh_kex.hpp"
#include "events/ssh_events.hpp"
#include "flow/flow.hpp"
#include "app_test_helpers.hpp"

namespace netdx {
extern const AppProtocol kSshProtocol;
}

using namespace netdx;

namespace {

using Buf = std::vector<std::uint8_t>;

void put32(Buf& b, std::size_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(std::uint8_t(v >> s));
}
void put_str(Buf& b, std::string_view s) {
    put32(b, s.size());
    b.insert(b.end(), s.begin(), s.end());
}

// A binary packet (RFC 4253 6) with the padding making it a multiple of 8.
Buf packet(const Buf& payload) {
    std::size_t pad = 8 - (payload.size() + 5) % 8;
    if (pad < 4) pad += 8;
    Buf b;
    put32(b, payload.size() + pad + 1);
    b.push_back(std::uint8_t(pad));
    b.insert(b.end(), payload.begin(), payload.end());
    b.insert(b.end(), pad, 0);
    return b;
}

using Lists = std::array<std::string, kSshCategories>;

Buf kexinit(const Lists& l) {
    Buf p = {20};
    p.insert(p.end(), 16, 0x5a);  // cookie
    for (const auto& s : l) put_str(p, s);
    put_str(p, "");  // languages
    put_str(p, "");
    p.push_back(0);
    put32(p, 0);
    return packet(p);
}

Buf disconnect(std::uint32_t reason, std::string_view text) {
    Buf p = {1};
    put32(p, reason);
    put_str(p, text);
    put_str(p, "");
    return packet(p);
}

const Lists kClient = {"curve25519-sha256,ecdh-sha2-nistp256,ext-info-c", "ssh-ed25519,rsa-sha2-512",
                       "aes128-ctr,aes256-ctr", "aes128-ctr,aes256-ctr",
                       "hmac-sha2-256,hmac-sha1", "hmac-sha2-256,hmac-sha1", "none,zlib@openssh.com",
                       "none,zlib@openssh.com"};
const Lists kServer = {"ecdh-sha2-nistp256,curve25519-sha256,kex-strict-s-v00@openssh.com", "rsa-sha2-512,ssh-ed25519",
                       "aes256-ctr,aes128-ctr", "aes256-ctr,aes128-ctr", "hmac-sha1,hmac-sha2-256",
                       "hmac-sha1,hmac-sha2-256", "none", "none"};

struct Recorder {
    EventBus bus;
    Recorder() {
        bus.subscribe<&Recorder::on_ssh>(this);
    }
    std::vector<SshSession> sessions;
    void on_ssh(const SshSession& s) { sessions.push_back(s); }
};

struct Fixture {
    Recorder sink;
    AppClock clock;
    std::unique_ptr<StreamConsumer> c = kSshProtocol.make(netdx::test::endpoints(22), AppContext{sink.bus, clock});
    void at(std::uint64_t frame) { clock = AppClock{FrameRef{0, frame}, static_cast<double>(frame)}; }
    void send(int dir, const Buf& b) { c->on_data(dir, Bytes(b.data(), b.size())); }
    void send(int dir, std::string_view s) { c->on_data(dir, netdx::test::as_bytes(s)); }
    const SshSession& close(EndReason why) {
        c->on_close(why);
        REQUIRE(sink.sessions.size() == 1);
        return sink.sessions[0];
    }
};

}  // namespace

TEST_CASE("ssh: banner lines, both identifications, KEXINITs byte by byte, negotiation, NEWKEYS, encrypted bytes") {
    Fixture f;
    f.at(4);
    f.send(1, "Welcome\r\nSSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    f.at(6);
    f.send(0, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    f.at(8);
    for (std::uint8_t b : kexinit(kClient)) f.send(0, Buf{b});
    f.at(9);
    Buf srv = kexinit(kServer);
    const Buf nk = packet(Buf{21});
    srv.insert(srv.end(), nk.begin(), nk.end());
    srv.insert(srv.end(), 48, 0xee);  // encrypted from here
    f.send(1, srv);
    f.at(12);
    Buf cli = nk;
    cli.insert(cli.end(), 100, 0xdd);
    f.send(0, cli);
    const SshSession& s = f.close(EndReason::Fin);
    CHECK(s.where.frame == 4);
    CHECK(s.s.ident);
    CHECK(s.s.proto_version == "2.0");
    CHECK(s.s.software == "OpenSSH_9.2p1 Debian-2+deb12u3");
    CHECK(s.c.software == "OpenSSH_9.2p1 Debian-2");
    CHECK(s.c.kexinit_frame.frame == 8);
    CHECK(s.s.lists[kSshKex] == kServer[kSshKex]);
    REQUIRE(s.negotiated);
    CHECK(s.no_common == -1);
    // The client's order decides (RFC 4253 7.1).
    CHECK(s.chosen[kSshKex] == "curve25519-sha256");
    CHECK(s.chosen[kSshHostKey] == "ssh-ed25519");
    CHECK(s.chosen[kSshCipherS2C] == "aes128-ctr");
    CHECK(s.chosen[kSshMacC2S] == "hmac-sha2-256");
    CHECK(s.chosen[kSshCompC2S] == "none");
    CHECK(s.completed());
    CHECK(s.s.encrypted_bytes == 48);
    CHECK(s.c.encrypted_bytes == 100);
    CHECK(s.c.packets == 2);
    CHECK(s.end == SshEnd::Closed);
    CHECK_FALSE(s.malformed);
}

TEST_CASE("ssh: no common cipher, then the server's DISCONNECT KEY_EXCHANGE_FAILED") {
    Fixture f;
    f.at(1);
    f.send(1, "SSH-2.0-OpenSSH_9.2p1\r\n");
    f.send(0, "SSH-2.0-OldClient_1.0\n");  // a bare LF is accepted, as OpenSSH does
    Lists old = kClient;
    old[kSshCipherC2S] = old[kSshCipherS2C] = "3des-cbc,arcfour";
    f.at(3);
    f.send(0, kexinit(old));
    f.at(4);
    Buf srv = kexinit(kServer);
    const Buf d = disconnect(3, "no matching cipher found");
    srv.insert(srv.end(), d.begin(), d.end());
    f.send(1, srv);
    const SshSession& s = f.close(EndReason::Fin);
    CHECK(s.c.software == "OldClient_1.0");
    CHECK_FALSE(s.negotiated);
    CHECK(s.no_common == kSshCipherC2S);
    CHECK(s.c.lists[kSshCipherC2S] == "3des-cbc,arcfour");
    REQUIRE(s.disconnect);
    CHECK_FALSE(s.disconnect_from_client);
    CHECK(s.disconnect_reason == kSshDisconnectKexFailed);
    CHECK(s.disconnect_text == "no matching cipher found");
    CHECK(s.disconnect_frame.frame == 4);
    CHECK_FALSE(s.completed());
}

TEST_CASE("ssh: an AEAD cipher makes the MAC implicit; negotiation names the first empty category") {
    Lists c = kClient, sv = kServer;
    c[kSshCipherC2S] = c[kSshCipherS2C] = "chacha20-poly1305@openssh.com";
    sv[kSshCipherC2S] = sv[kSshCipherS2C] = "aes128-ctr,chacha20-poly1305@openssh.com";
    c[kSshMacC2S] = c[kSshMacS2C] = "hmac-md5";
    std::array<std::string, kSshCategories> chosen;
    CHECK(ssh_negotiate(c, sv, chosen) == -1);
    CHECK(chosen[kSshMacC2S] == "implicit");
    sv[kSshHostKey] = "ssh-rsa";
    CHECK(ssh_negotiate(c, sv, chosen) == kSshHostKey);
    CHECK(ssh_choose("a,b,c", "c,b") == "b");
    CHECK(ssh_choose("a,,b", "x,") == "");
    CHECK(ssh_choose("ab", "a,b") == "");
}

TEST_CASE("ssh: SSH-1 client and the server's 'Protocol major versions differ.'") {
    Fixture f;
    f.send(1, "SSH-2.0-OpenSSH_9.2p1\r\n");
    f.send(0, "SSH-1.5-legacy\n");
    f.send(0, Buf(20, 0));  // SSH-1 packets: counted only
    f.send(1, "Protocol major versions differ.\r\n");
    const SshSession& s = f.close(EndReason::Fin);
    CHECK(SshSession::ssh1_only(s.c));
    CHECK_FALSE(SshSession::ssh1_only(s.s));
    CHECK(s.c.encrypted_bytes == 20);
    CHECK(s.s.text_instead_of_packet == "Protocol major versions differ.");
    CHECK_FALSE(s.malformed);
}

TEST_CASE("ssh: malformed input stops reading and says why") {
    SUBCASE("packet_length above 35000") {
        Fixture f;
        f.send(1, "SSH-2.0-x\r\n");
        f.send(1, Buf{0, 0, 0x88, 0xb9, 4});  // 35001
        const SshSession& s = f.close(EndReason::Rst);
        CHECK(s.malformed);
        CHECK(s.problem == "packet_length above 35000");
        CHECK(s.end == SshEnd::Reset);
    }
    SUBCASE("padding too short for the RFC") {
        Fixture f;
        f.send(1, "SSH-2.0-x\r\n");
        f.send(1, Buf{0, 0, 0, 12, 2});
        CHECK(f.close(EndReason::Fin).problem == "padding_length does not fit the packet");
    }
    SUBCASE("identification longer than 255 bytes") {
        Fixture f;
        f.send(0, "SSH-2.0-" + std::string(300, 'a'));
        const SshSession& s = f.close(EndReason::Fin);
        CHECK(s.malformed);
        CHECK(s.problem == "identification longer than 255 bytes");
    }
    SUBCASE("a name-list running past its KEXINIT") {
        Fixture f;
        f.send(0, "SSH-2.0-x\r\n");
        Buf p = {20};
        p.insert(p.end(), 16, 1);
        put32(p, 1000);
        f.send(0, packet(p));
        CHECK(f.close(EndReason::Fin).problem == std::string("KEXINIT name-list runs past the packet"));
    }
    SUBCASE("escape of wire text") {
        Fixture f;
        f.send(1, "SSH-2.0-evil\x1b[2J\r\n");
        CHECK(f.close(EndReason::Fin).s.software == "evil\\x1b[2J");
    }
}

TEST_CASE("ssh: a flow picked up mid-stream (encrypted bytes first) raises no session") {
    Fixture f;
    f.send(0, Buf{0x8a, 0x01, 0x22, 0x90});
    f.send(1, Buf{0x00, 0x00, 0x01, 0x90});
    f.c->on_close(EndReason::Fin);
    CHECK(f.sink.sessions.empty());
}

TEST_CASE("ssh: any bytes in any cut are survived") {
    std::uint32_t x = 12345;
    for (int round = 0; round < 300; ++round) {
        Fixture f;
        f.send(1, "SSH-2.0-x\r\n");
        f.send(0, "SSH-2.0-y\r\n");
        Buf noise;
        for (int i = 0; i < 600; ++i) {
            x = x * 1103515245 + 12345;
            noise.push_back(std::uint8_t(x >> 16));
        }
        if (round % 2) {  // a real header in front, random body
            Buf k = kexinit(kClient);
            std::copy(k.begin(), k.begin() + 30, noise.begin());
        }
        std::size_t pos = 0;
        while (pos < noise.size()) {
            const std::size_t n = std::min<std::size_t>(1 + (x >> 8) % 97, noise.size() - pos);
            f.c->on_data(int(pos % 2), Bytes(noise.data() + pos, n));
            pos += n;
            x = x * 1103515245 + 12345;
        }
        f.c->on_gap(0, 10);
        f.c->on_close(EndReason::Open);
        CHECK(f.sink.sessions.size() == 1);
    }
}
