#pragma once
// Drives one application consumer (src/app/) with crafted byte streams and
// records what it reports. Client is direction 0, server direction 1.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/app_stream.hpp"
#include "events/ftp_events.hpp"
#include "events/login_events.hpp"
#include "events/smtp_events.hpp"
#include "flow/flow.hpp"

namespace at {

using namespace netdx;

struct Recorder {
    EventBus bus;
    Recorder() {
        bus.subscribe<&Recorder::on_smtp>(this);
        bus.subscribe<&Recorder::on_ftp>(this);
        bus.subscribe<&Recorder::on_plaintext_login>(this);
    }
    std::vector<SmtpTransaction> smtp;
    std::vector<FtpTransaction> ftp;
    std::vector<PlaintextLogin> logins;
    void on_smtp(const SmtpTransaction& t) { smtp.push_back(t); }
    void on_ftp(const FtpTransaction& t) { ftp.push_back(t); }
    void on_plaintext_login(const PlaintextLogin& l) { logins.push_back(l); }
};

inline IpAddress ip4(std::uint8_t d) {
    const std::uint8_t b[4] = {10, 0, 0, d};
    return IpAddress::v4(b);
}

struct Session {
    Recorder rec;
    AppClock clock;
    std::unique_ptr<StreamConsumer> c;
    std::uint64_t frame = 0;
    explicit Session(std::uint16_t port) {
        AppEndpoints ep;
        ep.client = ip4(2);
        ep.server = ip4(9);
        ep.client_port = 40000;
        ep.server_port = port;
        ep.flow_id = 1;
        ep.client_dir = 0;
        const AppProtocol* p = app_protocol_for_port(port);
        if (p) c = p->make(ep, AppContext{rec.bus, clock});
    }
    void send(int dir, std::string_view s) {
        clock.where = {0, ++frame};
        clock.ts = static_cast<double>(frame);
        c->on_data(dir, Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    }
    void client(std::string_view s) { send(0, s); }
    void server(std::string_view s) { send(1, s); }
    // One byte per segment, as character-at-a-time Telnet clients type.
    void client_chars(std::string_view s) {
        for (char ch : s) send(0, std::string_view(&ch, 1));
    }
    void gap(int dir, std::uint64_t n) { c->on_gap(dir, n); }
    void close() { c->on_close(EndReason::Fin); }
};

}  // namespace at
