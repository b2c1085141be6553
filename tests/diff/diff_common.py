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


def default_captures(extensions):
    """The project's captures ($CAPTURES) plus, when present, the shared corpus."""
    files = list_captures(os.environ.get("CAPTURES"), extensions)
    shared = os.environ.get("SHARED")
    corpus = os.path.join(shared, "corpus", "public") if shared else None
    if corpus and os.path.isdir(corpus):
        files += list_captures(corpus, extensions)
    else:
        print("note: no $SHARED/corpus/public, comparing captures/ only")
    return files
