"""What the differential tests share: their options, tshark, which captures to compare."""
import argparse
import glob
import os
import re
import shutil
import subprocess


def list_captures(folder, extensions):
    """Every file under folder whose name ends with one of extensions, sorted."""
    if not folder or not os.path.isdir(folder):
        return []
    out = []
    for root, _, files in os.walk(folder):
        out += [os.path.join(root, f) for f in files if f.lower().endswith(extensions)]
    return sorted(out)


def corpus_dir():
    """The reference corpus bundled with the project (tests/corpus/public)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("CORPUS") or os.path.join(here, "..", "corpus", "public")


def corpus_sample(files):
    """Every NETDX_CORPUS_STEP-th corpus file (default: all). The sanitizer
    build sets 2 (tests/meson.build): there these tests look for memory and
    undefined-behaviour errors, which corpus-smoke already seeks on every
    capture in every output mode, while agreement with tshark is measured on
    the whole corpus by the release build."""
    step = max(1, int(os.environ.get("NETDX_CORPUS_STEP") or 1))
    return files[::step]


def default_captures(extensions):
    """The project's captures ($CAPTURES) plus the bundled reference corpus.
    Both are part of the project: a missing folder is an error, not a skip."""
    files = list_captures(os.environ.get("CAPTURES"), extensions)
    corpus = corpus_dir()
    if not os.path.isdir(corpus):
        raise SystemExit(f"reference corpus missing: {corpus}")
    return files + corpus_sample(list_captures(corpus, extensions))


def diff_args():
    """The options every differential test takes: -v, and captures in place of its own set."""
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", action="store_true", help="print every frame that differs")
    ap.add_argument("files", nargs="*", help="captures to compare instead of the test's own")
    return ap.parse_args()


def require_tshark():
    """tshark is the reference: without it a differential test proves nothing, so it fails."""
    if not shutil.which("tshark"):
        raise SystemExit("tshark not found (scripts/packages.txt installs it)")


def netdx_binary():
    return os.environ.get("NETDX", "netdx")


def project_captures(*patterns):
    """The captures under captures/ whose names match any of the glob patterns, sorted."""
    here = os.path.dirname(os.path.abspath(__file__))
    folder = os.environ.get("CAPTURES") or os.path.join(here, "..", "..", "captures")
    return sorted(f for p in patterns for f in glob.glob(os.path.join(folder, p)))


# The columns a packet-view test reads: the frame, its protocols, then the
# Protocol and Info columns (netdx gives those in its summary lines, not as
# fields, so they are joined in from there).
HEAD = ["frame.number", "frame.protocols", "_ws.col.Protocol", "_ws.col.Info"]
# tshark's Info starts with "[TCP ...] " marks (retransmission, previous segment
# not captured) that are the TCP layer's and not the protocol's: compared without.
TCP_PREFIX = re.compile(r"^(\[TCP [^\]]*\] )+")
# netdx's summary line: number, time, source → destination, Protocol, length, Info.
SUMMARY = re.compile(r"^\s*(\d+) .*? → (\S*)\s+(\S+)\s+(\d+) (.*)$")


def rows(cmd):
    """A `-T fields` run as {frame number: the other columns}."""
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=True).stdout
    return {line.split("\t")[0]: line.split("\t")[1:] for line in out.splitlines()}


def fields_cmd(tool, path, fields):
    """tshark, or `netdx packets`, writing HEAD then fields, every occurrence joined by commas."""
    head = HEAD if tool == "tshark" else HEAD[:2]  # netdx: the columns from its summary lines
    args = ["-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-E", "separator=/t"]
    for n in head + fields:
        args += ["-e", n]
    return ["tshark"] + args if tool == "tshark" else [tool, "packets"] + args


def view_rows(path, fields):
    """Both tools' rows of one capture, aligned: [protocols, Protocol, Info] + fields."""
    t = rows(fields_cmd("tshark", path, fields))
    for r in t.values():
        r[2] = TCP_PREFIX.sub("", r[2])
    netdx = netdx_binary()
    table = rows(fields_cmd(netdx, path, fields))
    out = subprocess.run([netdx, "packets", "-r", path], capture_output=True, text=True, errors="replace").stdout
    cols = {}
    for line in out.splitlines():
        m = SUMMARY.match(line)
        if m:
            cols[m.group(1)] = [m.group(3), m.group(5)]
    n = {f: r[:1] + cols.get(f, ["", ""]) + r[1:] for f, r in table.items()}
    return t, n


def has_protocol(row, proto):
    return proto in row[0].split(":")


def compare_frames(path, t, n, names, carries, proto, verbose, clip=70, same=None):
    """Compares one capture frame by frame: the frames either side's `carries`
    accepts, column by column (names[i - 1] is column i; `same(name, a, b)`
    when equality is not the test), plus whether both put `proto` in
    frame.protocols. Prints every difference and the capture's figure; returns
    the frames compared as (number, tshark row, netdx row) and how many agree."""
    same = same or (lambda _, a, b: a == b)
    blank = [""] * (len(names) + 1)
    compared, ok = [], 0
    for f in sorted(set(t) | set(n), key=int):
        tr, nr = t.get(f, blank), n.get(f, blank)
        if not carries(tr) and not carries(nr):
            continue
        compared.append((f, tr, nr))
        diffs = [(name, tr[i], nr[i]) for i, name in enumerate(names, start=1) if not same(name, tr[i], nr[i])]
        if has_protocol(tr, proto) != has_protocol(nr, proto):
            diffs.insert(0, ("frame.protocols", tr[0], nr[0]))
        if not diffs:
            ok += 1
            if verbose:
                print(f"  same {os.path.basename(path)} #{f}: {nr[2]}")
            continue
        print(f"  DIFF {os.path.basename(path)} #{f}: " +
              "; ".join(f"{k}: tshark {a[:clip]!r} netdx {b[:clip]!r}" for k, a, b in diffs))
    print(f"{os.path.basename(path):<28} {ok}/{len(compared)} frames agree")
    return compared, ok


def compare_captures(files, fields, carries, proto, verbose, clip=70, same=None):
    """compare_frames over every capture of files, on the Protocol and Info
    columns and fields; returns every frame compared and how many agree."""
    names = ["Protocol", "Info"] + fields
    compared, agree = [], 0
    for path in files:
        t, n = view_rows(path, fields)
        frames, ok = compare_frames(path, t, n, names, carries, proto, verbose, clip, same)
        compared += frames
        agree += ok
    return compared, agree


def verdict(agree, total, threshold, what, extra=""):
    """The last line of a frame-by-frame test and its exit status: it fails
    when nothing was compared (a test that saw no frame proves nothing) or
    when fewer than threshold % agree."""
    if not total:
        print(f"no {what} frame compared")
        return 1
    share = 100.0 * agree / total
    print(f"total: {agree}/{total} frames agree ({share:.2f}%), threshold {threshold}%{extra}")
    return 0 if share >= threshold else 1
