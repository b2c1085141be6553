#include "cli/cli_docs.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "core/exit_codes.hpp"

namespace netdx {

namespace {

bool is_help(const CLI::Option* o) { return o->get_name() == "--help" || o->get_name() == "--help-all"; }

std::vector<const CLI::Option*> named_options(const CLI::App& cmd) {
    return cmd.get_options([](const CLI::Option* o) { return o->nonpositional() && !is_help(o); });
}

std::vector<const CLI::Option*> positionals(const CLI::App& cmd) {
    return cmd.get_options([](const CLI::Option* o) { return !o->nonpositional(); });
}

bool takes_value(const CLI::Option* o) { return o->get_expected_max() != 0; }

// What the value is called: CLI11's type name without the validator text
// (`INT:INT in [1 - 262144]` -> INT).
std::string value_name(const CLI::Option* o) {
    std::string t = o->get_type_name();
    if (auto colon = t.find(':'); colon != std::string::npos) t.resize(colon);
    return t.empty() ? "VALUE" : t;
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Text into roff: backslashes escaped, a line may not start with a control
// character, and hyphens in option names stay hyphens (\-) when copied.
std::string roff(const std::string& s) {
    std::string out;
    bool line_start = true;
    for (char c : s) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
        line_start = c == '\n';
    }
    return out;
}

std::string option_synopsis(const CLI::Option* o) {
    std::string names;
    for (const auto& s : o->get_snames()) names += fmt::format("{}\\fB\\-{}\\fR", names.empty() ? "" : ", ", roff(s));
    for (const auto& l : o->get_lnames()) names += fmt::format("{}\\fB\\-\\-{}\\fR", names.empty() ? "" : ", ", roff(l));
    if (takes_value(o)) names += fmt::format(" \\fI{}\\fR", roff(value_name(o)));
    return names;
}

void write_options(std::string& out, const CLI::App& cmd) {
    auto opts = named_options(cmd);
    if (opts.empty()) return;
    out += ".SH OPTIONS\n";
    for (const CLI::Option* o : opts) {
        out += ".TP\n" + option_synopsis(o) + "\n" + roff(o->get_description());
        if (!o->get_default_str().empty()) out += fmt::format(" (default: {})", roff(o->get_default_str()));
        out += "\n";
    }
    out += ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint this help and exit.\n";
}

std::string synopsis(const CLI::App& cmd, const std::string& path) {
    std::string s = fmt::format(".B {}\n", roff(path));
    if (!named_options(cmd).empty()) s += "[\\fIOPTIONS\\fR]\n";
    auto subs = visible_commands(cmd);
    if (!subs.empty()) s += "[\\fICOMMAND\\fR]\n";
    for (const CLI::Option* p : positionals(cmd)) {
        const bool many = p->get_items_expected_max() > 1;
        s += fmt::format("{}\\fI{}\\fR{}{}\n", p->get_required() ? "" : "[", roff(upper(p->get_name(true))),
                         many ? "..." : "", p->get_required() ? "" : "]");
    }
    return s;
}

void write_exit_status(std::string& out) {
    out += ".SH EXIT STATUS\nEach kind of bad input has its own code and a one\\-line message on stderr.\n";
    for (const ExitCodeDoc& d : kExitCodeDocs)
        out += fmt::format(".TP\n.B {}\n{}: {}\n", static_cast<int>(d.code), d.name, roff(d.meaning));
}

// Single-quoted for a shell: ' becomes '\''.
std::string sh_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string option_words(const CLI::App& cmd) {
    std::string words;
    for (const CLI::Option* o : named_options(cmd)) {
        for (const auto& s : o->get_snames()) words += " -" + s;
        for (const auto& l : o->get_lnames()) words += " --" + l;
    }
    return words + " --help";
}

std::string bash_script(const CLI::App& root) {
    std::string cases, cmds;
    for (const CLI::App* c : visible_commands(root)) {
        cmds += " " + c->get_name();
        std::string subs;
        for (const CLI::App* s : visible_commands(*c)) subs += " " + s->get_name();
        std::string valued;
        for (const CLI::Option* o : named_options(*c)) {
            if (!takes_value(o)) continue;
            for (const auto& s : o->get_snames()) valued += "|-" + s;
            for (const auto& l : o->get_lnames()) valued += "|--" + l;
        }
        cases += fmt::format("        {})\n            words={}\n            valued={}\n            ;;\n", c->get_name(),
                             sh_quote(subs + option_words(*c)), sh_quote(valued.empty() ? "" : valued.substr(1)));
    }
    return fmt::format(R"SH(# bash completion for netdx (written by `netdx completion bash`)
_netdx() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} cmd="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${{COMP_WORDS[i]}} in -*) ;; *) cmd=${{COMP_WORDS[i]}}; break ;; esac
    done
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W {} -- "$cur"))
        return
    fi
    local words="" valued=""
    case $cmd in
{}    esac
    case $prev in
        -i|--interface)
            COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
            return ;;
    esac
    if [[ -n $valued && "|$valued|" == *"|$prev|"* ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F _netdx netdx
)SH",
                       sh_quote(cmds.substr(1) + " --help --version"), cases);
}

// Text inside a zsh _arguments spec: brackets, colons and quotes escaped.
std::string zsh_text(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out;
}

std::string zsh_script(const CLI::App& root) {
    std::string described, cases;
    for (const CLI::App* c : visible_commands(root)) {
        described += fmt::format("        '{}:{}'\n", c->get_name(), zsh_text(c->get_description()));
        std::string specs;
        for (const CLI::Option* o : named_options(*c)) {
            std::vector<std::string> names;
            for (const auto& s : o->get_snames()) names.push_back("-" + s);
            for (const auto& l : o->get_lnames()) names.push_back("--" + l);
            const bool iface = o->get_name() == "--interface";
            const std::string action = !takes_value(o) ? "" : iface ? ":interface:_net_interfaces" : ":value:_files";
            for (const auto& n : names)
                specs += fmt::format(" \\\n                '{}[{}]{}'", n, zsh_text(o->get_description()), action);
        }
        std::string subs;
        for (const CLI::App* s : visible_commands(*c)) subs += " " + s->get_name();
        if (!subs.empty()) specs += fmt::format(" \\\n                '1:command:({})'", subs.substr(1));
        cases += fmt::format("        {})\n            _arguments{} \\\n                '*:file:_files' ;;\n",
                             c->get_name(), specs);
    }
    return fmt::format(R"SH(#compdef netdx
# zsh completion for netdx (written by `netdx completion zsh`)
_netdx() {{
    local -a commands
    commands=(
{}    )
    if (( CURRENT == 2 )); then
        _describe -t commands 'netdx command' commands
        return
    fi
    shift words
    (( CURRENT-- ))
    case $words[1] in
{}    esac
}}
_netdx "$@"
)SH",
                       described, cases);
}

std::string fish_script(const CLI::App& root) {
    std::string out = "# fish completion for netdx (written by `netdx completion fish`)\ncomplete -c netdx -f\n";
    for (const CLI::App* c : visible_commands(root)) {
        out += fmt::format("complete -c netdx -n __fish_use_subcommand -a {} -d {}\n", c->get_name(),
                           sh_quote(c->get_description()));
        const std::string when = sh_quote("__fish_seen_subcommand_from " + c->get_name());
        for (const CLI::Option* o : named_options(*c)) {
            std::string line = "complete -c netdx -n " + when;
            for (const auto& s : o->get_snames()) line += " -s " + s;
            for (const auto& l : o->get_lnames()) line += " -l " + l;
            if (takes_value(o)) line += o->get_name() == "--interface" ? " -x -a '(__fish_print_interfaces)'" : " -r -F";
            out += line + " -d " + sh_quote(o->get_description()) + "\n";
        }
        for (const CLI::App* s : visible_commands(*c))
            out += fmt::format("complete -c netdx -n {} -a {} -d {}\n", when, s->get_name(),
                               sh_quote(s->get_description()));
        out += fmt::format("complete -c netdx -n {} -F\n", when);
    }
    return out;
}

bool write_file(const std::filesystem::path& p, const std::string& text) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    std::ofstream f(p);
    f << text;
    f.close();
    if (!f) {
        fmt::print(stderr, "netdx: cannot write {}\n", p.string());
        return false;
    }
    return true;
}

}  // namespace

std::vector<const CLI::App*> visible_commands(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

std::string man_page(const CLI::App& root, const CLI::App* cmd) {
    const std::string title = cmd ? "netdx-" + cmd->get_name() : "netdx";
    const std::string path = cmd ? "netdx " + cmd->get_name() : "netdx";
    const CLI::App& self = cmd ? *cmd : root;
    std::string out = fmt::format(".TH {} 1 \"\" \"netdx {}\" \"netdx manual\"\n", upper(roff(title)), NETDX_VERSION);
    // The root's description starts with "netdx: ", which NAME already says.
    std::string what = self.get_description();
    if (what.rfind("netdx: ", 0) == 0) what.erase(0, 7);
    out += fmt::format(".SH NAME\n{} \\- {}\n", roff(title), roff(what));
    out += ".SH SYNOPSIS\n" + synopsis(self, path);
    if (!cmd) {
        out += ".SH DESCRIPTION\nnetdx reads captures or live interfaces, dissects every packet as tshark names "
               "its fields, and diagnoses what is wrong on the network, with the evidence frames. "
               "Each command has its own page.\n.SH COMMANDS\n";
        for (const CLI::App* c : visible_commands(root))
            out += fmt::format(".TP\n.BR netdx\\-{} (1)\n{}\n", roff(c->get_name()), roff(c->get_description()));
    }
    auto subs = visible_commands(self);
    if (cmd && !subs.empty()) {
        out += ".SH COMMANDS\n";
        for (const CLI::App* s : subs)
            out += fmt::format(".TP\n.B {}\n{}\n", roff(s->get_name()), roff(s->get_description()));
    }
    write_options(out, self);
    const std::string footer = self.get_footer();
    if (!footer.empty() && footer != "\n") out += ".SH NOTES\n" + roff(footer) + "\n";
    write_exit_status(out);
    out += ".SH SEE ALSO\n";
    if (cmd) out += ".BR netdx (1),\n";
    out += ".BR tshark (1),\n.BR tcpdump (1),\n.BR pcap\\-filter (7)\n";
    return out;
}

std::string completion_script(const CLI::App& root, const std::string& shell) {
    if (shell == "bash") return bash_script(root);
    if (shell == "zsh") return zsh_script(root);
    if (shell == "fish") return fish_script(root);
    return {};
}

std::function<int()> add_docs_commands(CLI::App& root) {
    struct Args {
        std::string shell;
        std::string prefix, mandir = "share/man", datadir = "share";
    };
    auto args = std::make_shared<Args>();
    CLI::App* completion = root.add_subcommand("completion", "Print a shell completion script (bash, zsh or fish)");
    completion->add_option("shell", args->shell, "bash, zsh or fish")->required()->check(
        CLI::IsMember({"bash", "zsh", "fish"}));
    completion->footer("Example: netdx completion bash > /etc/bash_completion.d/netdx");
    CLI::App* install = root.add_subcommand("_install-docs", "Write the manual pages and completions under PREFIX");
    install->group("");  // for meson install only
    install->add_option("prefix", args->prefix)->required();
    install->add_option("mandir", args->mandir);
    install->add_option("datadir", args->datadir);
    return [&root, completion, install, args]() -> int {
        if (completion->parsed()) {
            fmt::print("{}", completion_script(root, args->shell));
            return code(ExitCode::Ok);
        }
        if (!install->parsed()) return -1;
        const std::filesystem::path prefix(args->prefix);
        const auto man1 = prefix / args->mandir / "man1";
        bool ok = write_file(man1 / "netdx.1", man_page(root, nullptr));
        for (const CLI::App* c : visible_commands(root))
            ok = write_file(man1 / ("netdx-" + c->get_name() + ".1"), man_page(root, c)) && ok;
        const auto data = prefix / args->datadir;
        ok = write_file(data / "bash-completion/completions/netdx", bash_script(root)) && ok;
        ok = write_file(data / "zsh/site-functions/_netdx", zsh_script(root)) && ok;
        ok = write_file(data / "fish/vendor_completions.d/netdx.fish", fish_script(root)) && ok;
        return code(ok ? ExitCode::Ok : ExitCode::WriteFailed);
    };
}

}  // namespace netdx
