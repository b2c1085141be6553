#pragma once
// The IMF parser is built as a loadable module (netdx-imf.so) for the netdx
// executable: GMime brings GLib, GObject, GIO and GPGME, 13 shared libraries
// whose loading was about 15 ms of every netdx start, paid by every run
// (`netdx packets -Y ...` in a script loop) although few read e-mail.
// imf_loader.cpp opens the module the first time a message is parsed; test
// programs link imf_parse.cpp directly.
#include <string_view>

#include "events/mail_message_events.hpp"

// The one symbol the module exports. The executable and the module are built
// together by the same compiler, so C++ types may cross.
#define NETDX_IMF_ENTRY "netdx_imf_parse"
extern "C" using NetdxImfParse = void(std::string_view message, bool truncated, netdx::MailMessage& out);
