"""What the differential tests share: which captures to compare."""
import os


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
