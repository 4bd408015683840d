"""Notebook 06 on another corpus: articles in other outlets' styles (the held-out gold passages,
as documents of three new conference years), run through CORPUS_DIR as a user would."""
import csv
import hashlib
import json

import pandas as pd
import pytest

from helpers.notebooks import NOTEBOOKS_DIR, execute
from helpers.paths import PROJECT_ROOT
from helpers.voice_scores import norm

GOLD = PROJECT_ROOT / "tests" / "gold"
YEARS = (2019, 2020, 2022)


def outlets_corpus(root):
    """raw/ + metadata.csv from every held-out gold passage, spread over YEARS; returns the passages."""
    items = [json.loads(line) for p in sorted(GOLD.glob("voices_heldout*.jsonl"))
             for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    (root / "raw").mkdir(parents=True)
    rows = []
    for i, item in enumerate(items):
        year = YEARS[i % len(YEARS)]
        name = f"{year}-{item['id']}.txt"
        data = item["text"].encode("utf-8") + b"\n"
        (root / "raw" / name).write_bytes(data)
        rows.append({"id": f"{year}-{item['id']}", "file": name, "title": f"Example report {i}", "source": "Example Wire",
                     "published": f"{year}-11-0{1 + i % 9}", "event": f"World Internet Conference {year}",
                     "event_year": year, "series": "World Internet Conference", "sha256": hashlib.sha256(data).hexdigest()})
    with open(root / "metadata.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return items


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("outlets")
    figures = tmp_path_factory.mktemp("figures")
    items = outlets_corpus(root)
    mp = pytest.MonkeyPatch()
    mp.setenv("CORPUS_DIR", str(root))
    mp.setenv("FIGURES_DIR", str(figures))
    try:
        nb = execute(NOTEBOOKS_DIR / "06-voices.ipynb", write=False)  # raises if a cell fails
    finally:
        mp.undo()
    return nb, figures, items


def test_notebook_06_runs_on_other_outlets_and_shows_every_year(run):
    nb, figures, _ = run
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert all(f">{y}<" in html for y in YEARS)
    for name in ("06-voices.csv", "06-voice-shares.png", "06-top-speakers.svg", "06-term-owners.csv"):
        assert (figures / name).exists(), name


def test_its_voices_table_finds_the_named_speakers_and_roles_of_the_gold(run):
    _, figures, items = run
    table = pd.read_csv(figures / "06-voices.csv", keep_default_na=False)
    found = {(norm(s), norm(r)) for s, r in zip(table["speaker"], table["role"]) if s}
    wanted = {(norm(s), norm(r)) for item in items for s, r in item["roles"].items()}
    missing = wanted - found
    assert not missing, missing
    assert set(table["event_year"]) == set(YEARS)
