// The event bus: per-type subscription, order within and across stages,
// wanted(), and a new event type declared right here (as a protocol would in
// its own header) going through the bus with no change elsewhere.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "events/event_bus.hpp"

using namespace netdx;

namespace {

struct Ping {
    int n = 0;
};
struct Pong {
    std::string text;
};
struct NeverPublished {};

struct Reader {
    std::vector<std::string>* log;
    std::string name;
    void on_ping(const Ping& p) { log->push_back(name + ":ping" + std::to_string(p.n)); }
    void on_pong(const Pong& p) { log->push_back(name + ":pong " + p.text); }
};

}  // namespace

TEST_CASE("a reader gets only the event types it subscribed to") {
    std::vector<std::string> log;
    EventBus bus;
    Reader a{&log, "a"}, b{&log, "b"};
    bus.subscribe<&Reader::on_ping>(&a);
    bus.subscribe<&Reader::on_pong>(&b);
    bus.publish(Ping{1});
    bus.publish(Pong{"x"});
    CHECK(log == std::vector<std::string>{"a:ping1", "b:pong x"});
}

TEST_CASE("handlers run in subscription order; Derive before Read whatever the order of subscription") {
    std::vector<std::string> log;
    EventBus bus;
    Reader r1{&log, "r1"}, r2{&log, "r2"}, d{&log, "derive"};
    bus.subscribe<&Reader::on_ping>(&r1);
    bus.subscribe<&Reader::on_ping>(&r2);
    bus.subscribe<&Reader::on_ping>(&d, EventBus::Stage::Derive);
    bus.publish(Ping{7});
    CHECK(log == std::vector<std::string>{"derive:ping7", "r1:ping7", "r2:ping7"});
}

TEST_CASE("a derive-stage handler may publish another type, read before the original") {
    std::vector<std::string> log;
    EventBus bus;
    Reader r{&log, "r"};
    bus.subscribe<&Reader::on_ping>(&r);
    bus.subscribe<&Reader::on_pong>(&r);
    bus.subscribe_fn<Ping>([&](const Ping& p) { bus.publish(Pong{"from " + std::to_string(p.n)}); },
                           EventBus::Stage::Derive);
    bus.publish(Ping{3});
    CHECK(log == std::vector<std::string>{"r:pong from 3", "r:ping3"});
}

TEST_CASE("wanted() tells a producer whether anybody reads a type") {
    EventBus bus;
    CHECK_FALSE(bus.wanted<Ping>());
    CHECK_FALSE(bus.wanted<NeverPublished>());
    int seen = 0;
    bus.subscribe_fn<Ping>([&](const Ping&) { ++seen; });
    CHECK(bus.wanted<Ping>());
    CHECK_FALSE(bus.wanted<Pong>());
    bus.publish(NeverPublished{});  // nobody subscribed: nothing happens
    bus.publish(Ping{});
    CHECK(seen == 1);
}

TEST_CASE("two buses are independent") {
    EventBus one, two;
    int a = 0, b = 0;
    one.subscribe_fn<Ping>([&](const Ping&) { ++a; });
    two.subscribe_fn<Ping>([&](const Ping&) { ++b; });
    one.publish(Ping{});
    one.publish(Ping{});
    two.publish(Ping{});
    CHECK(a == 2);
    CHECK(b == 1);
}
