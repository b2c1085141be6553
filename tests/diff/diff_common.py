"""What the differential tests share: their options, tshark, which captures to compare."""
import argparse
import glob
import os
import shutil


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


def default_captures(extensions):
    """The project's captures ($CAPTURES) plus the bundled reference corpus.
    Both are part of the project: a missing folder is an error, not a skip."""
    files = list_captures(os.environ.get("CAPTURES"), extensions)
    corpus = corpus_dir()
    if not os.path.isdir(corpus):
        raise SystemExit(f"reference corpus missing: {corpus}")
    return files + list_captures(corpus, extensions)


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
