// `netdx fields`: every field name netdx knows, with its protocol and label.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "dissectors/registry.hpp"

namespace netdx {

CommandRunner add_fields_command(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("fields", "List the field names usable with -T fields -e NAME");
    return [cmd]() {
        if (!cmd->parsed()) return -1;
        for (const auto& ref : Registry::get().fields())
            fmt::print("{}\t{}\t{}\n", ref.field->name, ref.proto == Proto::None ? "frame" : proto_name(ref.proto),
                       ref.field->label);
        return 0;
    };
}

}  // namespace netdx
