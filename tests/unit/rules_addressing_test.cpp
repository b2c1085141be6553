// Addressing rules on synthetic ARP/NDP/IP event sequences, each threshold
// just under and just over.
#include <doctest/doctest.h>

#include "rules_helpers.hpp"

using namespace rt;
using Op = ArpObservation::Op;

TEST_CASE("arp.duplicate_ip: two MACs within the window, not outside it") {
    for (double gap : {9.0, 11.0}) {
        CAPTURE(gap);
        Run run({"arp.duplicate_ip.window_s=10"});
        run->publish(arp(Op::Reply, mac(1), lan(50), lan(1), 100, 1));
        run->publish(arp(Op::Reply, mac(2), lan(50), lan(1), 100 + gap, 2));
        auto fs = run.finish();
        if (gap < 10) {
            REQUIRE(count(fs, "arp.duplicate_ip") == 1);
            const Finding& f = *get(fs, "arp.duplicate_ip");
            CHECK(has_host(f, "10.9.0.50"));
            CHECK(has_host(f, "02:00:00:00:00:01"));
            CHECK(has_host(f, "02:00:00:00:00:02"));
            CHECK(f.evidence.total == 2);
            CHECK(f.evidence.frames[0].frame == 1);
            CHECK(f.severity == Severity::Error);
        } else {
            CHECK(count(fs, "arp.duplicate_ip") == 0);
        }
    }
}

TEST_CASE("arp.duplicate_ip: one finding per address however many packets") {
    Run run;
    for (int i = 0; i < 50; ++i) run->publish(arp(Op::Reply, mac(static_cast<std::uint8_t>(1 + i % 2)), lan(50), lan(1), i, i + 1));
    auto fs = run.finish();
    CHECK(count(fs, "arp.duplicate_ip") == 1);
    CHECK(get(fs, "arp.duplicate_ip")->evidence.total == 50);  // both frames of the first conflict, then one per claim
    CHECK(count(fs, "arp.mac_flip_flop") == 0);  // the same problem is reported once
}

TEST_CASE("arp.mac_flip_flop: A->B->A far apart; A->B alone is not a flip-flop") {
    {
        Run run({"arp.duplicate_ip.window_s=10"});
        run->publish(arp(Op::Reply, mac(1), lan(7), lan(1), 0, 1));
        run->publish(arp(Op::Reply, mac(2), lan(7), lan(1), 100, 2));
        auto fs = run.finish();
        CHECK(count(fs, "arp.mac_flip_flop") == 0);
    }
    {
        Run run({"arp.duplicate_ip.window_s=10"});
        run->publish(arp(Op::Reply, mac(1), lan(7), lan(1), 0, 1));
        run->publish(arp(Op::Reply, mac(2), lan(7), lan(1), 100, 2));
        run->publish(arp(Op::Reply, mac(1), lan(7), lan(1), 200, 3));
        auto fs = run.finish();
        REQUIRE(count(fs, "arp.mac_flip_flop") == 1);
        CHECK(count(fs, "arp.duplicate_ip") == 0);
        CHECK(has_host(*get(fs, "arp.mac_flip_flop"), "10.9.0.7"));
    }
    {
        Run run({"arp.duplicate_ip.window_s=10", "arp.mac_flip_flop.min_returns=2"});
        run->publish(arp(Op::Reply, mac(1), lan(7), lan(1), 0, 1));
        run->publish(arp(Op::Reply, mac(2), lan(7), lan(1), 100, 2));
        run->publish(arp(Op::Reply, mac(1), lan(7), lan(1), 200, 3));
        CHECK(count(run.finish(), "arp.mac_flip_flop") == 0);
    }
}

TEST_CASE("arp.gratuitous_conflict: announcement over an address in use, and a defended probe") {
    {
        Run run({"arp.duplicate_ip.enabled=false"});
        run->publish(arp(Op::Reply, mac(1), lan(50), lan(2), 0, 1));
        run->publish(arp(Op::Request, mac(2), lan(50), lan(50), 5, 2));  // gratuitous
        auto fs = run.finish();
        REQUIRE(count(fs, "arp.gratuitous_conflict") == 1);
        CHECK(has_host(*get(fs, "arp.gratuitous_conflict"), "02:00:00:00:00:02"));
        CHECK(count(fs, "arp.duplicate_ip") == 0);  // disabled
    }
    {
        Run run({"arp.gratuitous_conflict.window_s=4"});
        run->publish(arp(Op::Reply, mac(1), lan(50), lan(2), 0, 1));
        run->publish(arp(Op::Request, mac(2), lan(50), lan(50), 5, 2));  // owner's claim is 5 s old
        CHECK(count(run.finish(), "arp.gratuitous_conflict") == 0);
    }
    {
        Run run;
        run->publish(arp(Op::Request, mac(2), ip4(0, 0, 0, 0), lan(60), 0, 1));  // probe
        run->publish(arp(Op::Reply, mac(1), lan(60), lan(0), 0.5, 2));          // defended
        auto fs = run.finish();
        CHECK(count(fs, "arp.gratuitous_conflict") == 1);
    }
    {
        Run run;  // a probe nobody answers is fine
        run->publish(arp(Op::Request, mac(2), ip4(0, 0, 0, 0), lan(60), 0, 1));
        run->publish(arp(Op::Request, mac(2), lan(60), lan(60), 2, 2));
        CHECK(run.finish().empty());
    }
}

TEST_CASE("addr.wrong_netmask: ARP for an address outside the sender's prefix") {
    {
        Run run;
        run->publish(arp(Op::Request, mac(3), lan(30), lan(1), 0, 1));
        run->publish(arp(Op::Request, mac(3), lan(30), ip4(10, 9, 1, 5), 1, 2));
        auto fs = run.finish();
        REQUIRE(count(fs, "addr.wrong_netmask") == 1);
        CHECK(has_host(*get(fs, "addr.wrong_netmask"), "10.9.0.30"));
        CHECK(get(fs, "addr.wrong_netmask")->evidence.frames.at(0).frame == 2);
    }
    {
        Run run({"addr.wrong_netmask.prefix_len=16"});
        run->publish(arp(Op::Request, mac(3), lan(30), ip4(10, 9, 1, 5), 1, 2));
        CHECK(count(run.finish(), "addr.wrong_netmask") == 0);
    }
    {
        Run run({"addr.wrong_netmask.min_requests=2"});
        run->publish(arp(Op::Request, mac(3), lan(30), ip4(10, 9, 1, 5), 1, 2));
        CHECK(count(run.finish(), "addr.wrong_netmask") == 0);
    }
}

TEST_CASE("addr.link_local_only: 169.254 without any other address") {
    auto packet = [](MacAddress m, IpAddress src, std::uint64_t frame) {
        IpPacketSeen e;
        e.src = src;
        e.dst = ip4(169, 254, 255, 255);
        e.eth_src = m;
        e.has_eth = true;
        e.where = {0, frame};
        return e;
    };
    {
        Run run;
        run->publish(packet(mac(4), ip4(169, 254, 10, 20), 1));
        auto fs = run.finish();
        REQUIRE(count(fs, "addr.link_local_only") == 1);
        CHECK(has_host(*get(fs, "addr.link_local_only"), "169.254.10.20"));
    }
    {
        Run run;
        run->publish(packet(mac(4), ip4(169, 254, 10, 20), 1));
        run->publish(packet(mac(4), lan(20), 2));
        CHECK(count(run.finish(), "addr.link_local_only") == 0);
    }
}

TEST_CASE("ndp.duplicate_ip: two MACs advertise one address; DAD answered") {
    auto na = [](MacAddress m, std::uint8_t last, double ts, std::uint64_t frame) {
        NdpObservation e;
        e.kind = NdpObservation::Kind::Advertisement;
        std::uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last};
        e.target = IpAddress::v6(b);
        e.src = e.target;
        e.lladdr = m;
        e.has_lladdr = true;
        e.ts = ts;
        e.where = {0, frame};
        return e;
    };
    {
        Run run;
        run->publish(na(mac(1), 5, 0, 1));
        run->publish(na(mac(2), 5, 1, 2));
        auto fs = run.finish();
        REQUIRE(count(fs, "ndp.duplicate_ip") == 1);
        CHECK(has_host(*get(fs, "ndp.duplicate_ip"), "2001:db8::5"));
    }
    {
        Run run;
        run->publish(na(mac(1), 5, 0, 1));
        run->publish(na(mac(1), 5, 1, 2));
        run->publish(na(mac(2), 6, 1, 3));
        CHECK(count(run.finish(), "ndp.duplicate_ip") == 0);
    }
    {
        Run run;
        NdpObservation ns = na(mac(2), 5, 0, 1);
        ns.kind = NdpObservation::Kind::Solicitation;
        ns.dad = true;
        run->publish(ns);
        run->publish(na(mac(1), 5, 0.2, 2));
        CHECK(count(run.finish(), "ndp.duplicate_ip") == 1);
    }
}
