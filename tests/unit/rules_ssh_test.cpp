#include <doctest/doctest.h>

#include "events/ssh_events.hpp"
#include "rules_helpers.hpp"

using namespace rt;

namespace {

bool has(const Finding* f, std::string_view text) { return f && f->detail.find(text) != std::string::npos; }

SshSide side(std::string version, std::string software) {
    SshSide s;
    s.ident = true;
    s.proto_version = std::move(version);
    s.software = std::move(software);
    return s;
}

// A connection that completed key exchange with modern algorithms.
SshSession good(double ts) {
    SshSession s;
    s.client = lan(10);
    s.server = lan(22);
    s.server_port = 22;
    s.where = {0, 1};
    s.ts = ts;
    s.c = side("2.0", "OpenSSH_9.2p1");
    s.s = side("2.0", "OpenSSH_9.2p1 Debian-2");
    s.c.kexinit = s.s.kexinit = true;
    s.negotiated = true;
    s.chosen = {"curve25519-sha256", "ssh-ed25519", "chacha20-poly1305@openssh.com",
                "chacha20-poly1305@openssh.com", "implicit", "implicit", "none", "none"};
    s.c.newkeys = s.s.newkeys = true;
    s.end = SshEnd::Closed;
    return s;
}

}  // namespace

TEST_CASE("ssh rules: a completed modern connection raises nothing") {
    Run run;
    run->publish(good(1));
    SshSession open = good(2);  // still in key exchange when the capture ended
    open.c.newkeys = open.s.newkeys = false;
    open.end = SshEnd::CaptureEnd;
    run->publish(open);
    auto fs = run.finish();
    CHECK(count(fs, "ssh.no_common_algorithm") == 0);
    CHECK(count(fs, "ssh.version_mismatch") == 0);
    CHECK(count(fs, "ssh.handshake_failed") == 0);
    CHECK(count(fs, "ssh.weak_algorithm") == 0);
}

TEST_CASE("ssh rules: no common algorithm from the KEXINITs or from DISCONNECT KEY_EXCHANGE_FAILED") {
    {
        Run run;
        SshSession s = good(1);
        s.negotiated = false;
        s.no_common = kSshKex;
        s.c.lists[kSshKex] = "diffie-hellman-group1-sha1,ext-info-c";
        s.s.lists[kSshKex] = "curve25519-sha256";
        s.c.newkeys = s.s.newkeys = false;
        run->publish(s);
        auto fs = run.finish();
        REQUIRE(count(fs, "ssh.no_common_algorithm") == 1);
        const Finding* f = get(fs, "ssh.no_common_algorithm");
        CHECK(has(f, "no common key exchange algorithm"));
        CHECK(has(f, "offers diffie-hellman-group1-sha1,ext-info-c"));
        CHECK(has(f, "offers curve25519-sha256"));
        CHECK(count(fs, "ssh.handshake_failed") == 0);  // reported once, under the specific id
    }
    {
        Run run;
        SshSession s = good(1);
        s.c.kexinit = false;  // the client's KEXINIT was not seen
        s.c.newkeys = s.s.newkeys = false;
        s.disconnect = true;
        s.disconnect_reason = kSshDisconnectKexFailed;
        s.disconnect_text = "no matching cipher found";
        run->publish(s);
        auto fs = run.finish();
        REQUIRE(count(fs, "ssh.no_common_algorithm") == 1);
        CHECK(has(get(fs, "ssh.no_common_algorithm"), "KEY_EXCHANGE_FAILED"));
    }
}

TEST_CASE("ssh rules: version mismatch needs an SSH-1-only peer against SSH-2, or the server's words") {
    {
        Run run;
        SshSession s = good(1);
        s.c = side("1.5", "Legacy_1.0");
        s.s.newkeys = false;
        s.s.text_instead_of_packet = "Protocol major versions differ.";
        run->publish(s);
        auto fs = run.finish();
        REQUIRE(count(fs, "ssh.version_mismatch") == 1);
        CHECK(has(get(fs, "ssh.version_mismatch"), "client SSH-1.5-Legacy_1.0"));
        CHECK(count(fs, "ssh.handshake_failed") == 0);
    }
    {
        Run run;  // SSH-1.5 client against a 1.99 server: they speak SSH-1, no mismatch
        SshSession s = good(1);
        s.c = side("1.5", "OpenSSH_5.3");
        s.s = side("1.99", "OpenSSH_6.6");
        s.negotiated = false;
        s.end = SshEnd::CaptureEnd;
        run->publish(s);
        CHECK(count(run.finish(), "ssh.version_mismatch") == 0);
    }
}

TEST_CASE("ssh rules: handshake ended early by reset or close; weak algorithms as a note") {
    {
        Run run;
        SshSession s = good(1);
        s.s.kexinit = false;
        s.c.newkeys = s.s.newkeys = false;
        s.negotiated = false;
        s.end = SshEnd::Reset;
        run->publish(s);
        SshSession m = s;
        m.malformed = true;  // not SSH as far as we can tell: not judged
        run->publish(m);
        auto fs = run.finish();
        REQUIRE(count(fs, "ssh.handshake_failed") == 1);
        CHECK(get(fs, "ssh.handshake_failed")->figures[0].value == 1);
        CHECK(has(get(fs, "ssh.handshake_failed"), "before both KEXINITs, reset"));
    }
    {
        Run run;
        SshSession s = good(1);
        s.chosen[kSshMacS2C] = "hmac-md5";
        run->publish(s);
        SshSession none_comp = good(2);  // "none" compression is not weak
        run->publish(none_comp);
        auto fs = run.finish();
        REQUIRE(count(fs, "ssh.weak_algorithm") == 1);
        CHECK(get(fs, "ssh.weak_algorithm")->figures[0].value == 1);
        CHECK(has(get(fs, "ssh.weak_algorithm"), "MAC server to client hmac-md5"));
    }
}
