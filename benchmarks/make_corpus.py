"""A deterministic synthetic corpus N times the size of the real one, for benchmarks.

New documents are made by resampling sentences of the real corpus's cleaned paragraphs, year by
year (so each synthetic year keeps its real vocabulary), and wrapping them in page furniture
sampled from the lines cleaning removed. The result is a real corpus tree (raw/ + metadata.csv)
that load_corpus validates like any other.

    python benchmarks/make_corpus.py SCALE OUT_DIR
"""
from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import numpy as np

from helpers.cleaning import RULES
from helpers.corpus import load_corpus, removed_lines, split_paragraphs, split_sentences
from helpers.paths import PROJECT_ROOT

CONTEXT_FREE = {r.name for r in RULES}  # furniture recognised without the title or the next line


def make_corpus(scale: int, out: Path, seed: int = 0) -> Path:
    """Write a corpus with 5 x `scale` documents to `out` (raw/ + metadata.csv); return `out`."""
    real = load_corpus(PROJECT_ROOT / "corpus")
    sents = split_sentences(split_paragraphs(real))
    by_year = {y: part["text"].tolist() for y, part in sents.groupby("event_year")}
    meta_by_year = {y: part.iloc[0] for y, part in real.groupby("event_year")}
    audit = removed_lines(real)
    furniture = sorted(audit.loc[audit["rule"].isin(CONTEXT_FREE), "text"].unique())
    years = sorted(by_year)
    rng = np.random.default_rng(seed)
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(5 * scale):
        year = years[rng.integers(len(years))]
        pool = by_year[year]
        title = f"Synthetic report {i} on the {year} conference"
        paragraphs = [" ".join(pool[k] for k in rng.integers(len(pool), size=rng.integers(1, 5)))
                      for _ in range(rng.integers(4, 13))]
        top = [furniture[k] for k in rng.integers(len(furniture), size=2)]
        bottom = [furniture[k] for k in rng.integers(len(furniture), size=3)]
        text = "\n\n".join([*top, title, *paragraphs, *bottom]) + "\n"
        data = text.encode("utf-8")
        doc_id = f"syn-{i:06d}"
        (raw / f"{doc_id}.txt").write_bytes(data)
        m = meta_by_year[year]
        rows.append({"id": doc_id, "file": f"{doc_id}.txt", "title": title, "source": "synthetic", "author": "",
                     "published": m["published"].date().isoformat(), "event": m["event"], "event_year": year,
                     "series": m["series"], "genre": "synthetic", "sha256": hashlib.sha256(data).hexdigest(),
                     "notes": f"sentences resampled from the {year} documents (seed {seed})"})
    with open(out / "metadata.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python benchmarks/make_corpus.py SCALE OUT_DIR")
    make_corpus(int(sys.argv[1]), Path(sys.argv[2]))
