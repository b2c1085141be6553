#include "dissectors/imf/imf_module.hpp"

#include "dissectors/imf/imf_parse.hpp"

extern "C" __attribute__((visibility("default"))) void netdx_imf_parse(std::string_view message, bool truncated,
                                                                       netdx::MailMessage& out) {
    netdx::parse_imf(message, truncated, out);
}
