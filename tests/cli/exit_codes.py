"""netdx's exit codes by name, read from src/core/exit_codes.hpp so the tests
follow the header instead of repeating its numbers."""
import os
import re
import sys


def exit_code(name):
    root = os.environ.get("SOURCE_ROOT", ".")
    with open(os.path.join(root, "src/core/exit_codes.hpp")) as f:
        m = re.search(r"^\s*%s = (\d+)," % name, f.read(), re.M)
    if not m:
        sys.exit(f"no exit code {name} in exit_codes.hpp")
    return int(m.group(1))
