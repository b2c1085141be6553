#!/usr/bin/env python3
"""Consistency check of tests/corpus/MANIFEST.tsv against the bundled corpus.

The corpus folder is $CORPUS (default: ../corpus/public next to this script);
the manifest is MANIFEST.tsv in its parent folder. Checks that every file in
the corpus has exactly one row, that every row names an existing file whose
sha256 matches, and that repository and licence are filled in.
Exit 0 when consistent, 1 with the problems printed otherwise.
"""
import hashlib
import os
import sys

COLUMNS = ["file", "repository", "path", "commit", "licence", "sha256", "exercises"]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = os.environ.get("CORPUS") or os.path.join(here, "..", "corpus", "public")
    corpus = os.path.abspath(corpus)
    manifest = os.path.join(os.path.dirname(corpus), "MANIFEST.tsv")
    problems = []

    if not os.path.isdir(corpus):
        print(f"corpus folder missing: {corpus}")
        return 1
    if not os.path.isfile(manifest):
        print(f"manifest missing: {manifest}")
        return 1

    with open(manifest, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    if not lines or lines[0].split("\t") != COLUMNS:
        problems.append("header is not: " + "\\t".join(COLUMNS))
        lines = lines[1:] if lines else []
    else:
        lines = lines[1:]

    rows_per_file = {}
    for lineno, line in enumerate(lines, 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            problems.append(f"line {lineno}: {len(cells)} columns, expected {len(COLUMNS)}")
            continue
        row = dict(zip(COLUMNS, cells))
        name = row["file"]
        rows_per_file.setdefault(name, []).append(lineno)
        for key in ("repository", "licence"):
            if not row[key].strip():
                problems.append(f"line {lineno}: {name}: empty {key}")
        path = os.path.join(corpus, name)
        if "/" in name or not os.path.isfile(path):
            problems.append(f"line {lineno}: {name}: no such file in {corpus}")
            continue
        actual = sha256_of(path)
        if row["sha256"].strip().lower() != actual:
            problems.append(f"line {lineno}: {name}: sha256 {row['sha256']} != {actual}")

    for name, where in sorted(rows_per_file.items()):
        if len(where) > 1:
            problems.append(f"{name}: {len(where)} rows (lines {', '.join(map(str, where))})")
    for name in sorted(os.listdir(corpus)):
        if os.path.isfile(os.path.join(corpus, name)) and name not in rows_per_file:
            problems.append(f"{name}: no row in MANIFEST.tsv")

    if problems:
        print(f"MANIFEST.tsv: {len(problems)} problem(s)")
        for problem in problems:
            print("  " + problem)
        return 1
    print(f"MANIFEST.tsv: {len(rows_per_file)} rows, all consistent with {corpus}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
