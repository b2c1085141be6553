#pragma once
// conn: one line per IP flow (TCP, UDP, ICMP) when the flow table ends it.
// `service` names the protocols whose transactions netdx read on the flow
// (not a guess from the port); a flow nothing was parsed on has none.
#include <string>
#include <unordered_map>
#include <vector>

#include "events/flow_events.hpp"
#include "log/flow_finder.hpp"
#include "log/transaction_log.hpp"

namespace netdx {

struct DnsTransaction;
struct HttpTransaction;
struct TlsSession;
struct SshSession;
struct SmtpTransaction;
struct FtpTransaction;
struct Pop3Transaction;
struct ImapTransaction;

class ConnLog final : public TransactionLog {
public:
    explicit ConnLog(std::size_t max_rows) : TransactionLog(max_rows) {}

    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;

    void on_flow(const FlowEnded& f);
    void on_dns(const DnsTransaction& t);
    void on_http(const HttpTransaction& t);
    void on_tls(const TlsSession& t);
    void on_ssh(const SshSession& t);
    void on_smtp(const SmtpTransaction& t);
    void on_ftp(const FtpTransaction& t);
    void on_pop3(const Pop3Transaction& t);
    void on_imap(const ImapTransaction& t);

private:
    void build_rows() override;

    void mark(std::uint64_t flow_id, const char* service);

    std::vector<FlowEnded> flows_;
    FlowFinder finder_;
    // Services per flow id, in the order they were first seen.
    std::unordered_map<std::uint64_t, std::vector<const char*>> services_;
    // DNS transactions name no flow: their pair and time, matched at the end.
    struct DnsSeen {
        std::uint8_t ip_proto;
        IpAddress client, server;
        std::uint16_t client_port, server_port;
        double ts;
    };
    std::vector<DnsSeen> dns_;
};

}  // namespace netdx
