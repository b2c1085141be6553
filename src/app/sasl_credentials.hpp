#pragma once
// The client half of a SASL exchange (RFC 4422) as POP3 AUTH and IMAP
// AUTHENTICATE carry it: one base64 response per line. Only PLAIN (RFC 4616)
// and LOGIN put the password itself on the wire; for them the user name and
// the masked password are kept, never the password.
#include <cstddef>
#include <string>
#include <string_view>

#include "events/common.hpp"

namespace netdx {

class SaslCredentials {
public:
    enum class Mechanism { Plain, Login, Other };

    // A new exchange; `initial` is the optional initial response ("=" is empty).
    void start(std::string_view mechanism, std::string_view initial, const FrameRef& where, double ts);
    // One client response line (base64, or "*" to cancel).
    void response(std::string_view line, const FrameRef& where, double ts);

    [[nodiscard]] Mechanism mechanism() const { return mech_; }
    [[nodiscard]] const std::string& mechanism_name() const { return name_; }
    [[nodiscard]] bool have_password() const { return have_password_; }
    [[nodiscard]] bool cancelled() const { return cancelled_; }
    [[nodiscard]] const std::string& user() const { return user_; }
    [[nodiscard]] const std::string& password_masked() const { return masked_; }
    [[nodiscard]] std::size_t password_length() const { return password_len_; }
    [[nodiscard]] const FrameRef& password_frame() const { return frame_; }
    [[nodiscard]] double password_ts() const { return ts_; }

private:
    void data(std::string_view b64, const FrameRef& where, double ts);
    void set_password(std::string_view user, std::string_view password, const FrameRef& where, double ts);

    Mechanism mech_ = Mechanism::Other;
    std::string name_, user_, masked_;
    std::size_t password_len_ = 0;
    int login_lines_ = 0;
    bool have_password_ = false, cancelled_ = false;
    FrameRef frame_;
    double ts_ = 0;
};

}  // namespace netdx
