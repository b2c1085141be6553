// The one table of log types: adding a log is one line here and its files.
#include "log/conn_log.hpp"
#include "log/dhcp_log.hpp"
#include "log/dns_log.hpp"
#include "log/ftp_log.hpp"
#include "log/http_log.hpp"
#include "log/mail_access_log.hpp"
#include "log/smtp_log.hpp"
#include "log/ssh_log.hpp"
#include "log/tls_log.hpp"
#include "log/transaction_log.hpp"
#include "log/webrpc_log.hpp"

namespace netdx {

namespace {

struct LogType {
    std::string_view name;
    std::unique_ptr<TransactionLog> (*make)(std::size_t max_rows);
};

template <typename T>
std::unique_ptr<TransactionLog> make(std::size_t max_rows) {
    return std::make_unique<T>(max_rows);
}

constexpr LogType kTypes[] = {
    {"conn", make<ConnLog>},
    {"dns", make<DnsLog>},
    {"http", make<HttpLog>},
    {"tls", make<TlsLog>},
    {"ssh", make<SshLog>},
    {"smtp", make<SmtpLog>},
    {"ftp", make<FtpLog>},
    {"dhcp", make<DhcpLog>},
    {"pop3", make<Pop3Log>},
    {"imap", make<ImapLog>},
    {"xmlrpc", make<XmlRpcLog>},
    {"jsonrpc", make<JsonRpcLog>},
};

}  // namespace

std::vector<std::string_view> log_type_names() {
    std::vector<std::string_view> v;
    for (const LogType& t : kTypes) v.push_back(t.name);
    return v;
}

std::unique_ptr<TransactionLog> make_transaction_log(std::string_view name, std::size_t max_rows) {
    for (const LogType& t : kTypes)
        if (t.name == name) return t.make(max_rows);
    return nullptr;
}

}  // namespace netdx
