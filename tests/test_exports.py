"""What a report writer takes away is safe and traceable: CSV tables open in a spreadsheet as
text and plain numbers, the corpus hash covers the metadata, and every figure records its code."""
import csv
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from helpers.corpus import corpus_hash, load_corpus  # noqa: E402
from helpers.figure_table import figures_table  # noqa: E402
from helpers.plotting import code_version, plain_number, save_figure, save_table  # noqa: E402

HOSTILE = ['=HYPERLINK("http://example.com/x","click")', "+1+1", "-2+3", "@SUM(A1:A9)", "\tcmd", "\rcmd"]


def _cells(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_formula_leading_text_cells_are_neutralised_and_numbers_stay_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("FIGURES_DIR", str(tmp_path))
    table = pd.DataFrame({"title": HOSTILE + ["Plain title", "-3.5"], "value": [-3.5, 1e12, 7.6, 0, 24000, 1e11, 2.5, -1]})
    save_table(table, "t")
    rows = _cells(tmp_path / "t.csv")
    for cell, original in zip((r["title"] for r in rows), table["title"]):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        # the text survives, behind an apostrophe (a bare CR becomes a line feed, as in the corpus)
        assert cell == ("'" + original if original[0] in "=+-@\t\r" else original).replace("\r", "\n")
    assert [r["value"] for r in rows] == ["-3.5", "1000000000000", "7.6", "0", "24000", "100000000000", "2.5", "-1"]
    back = pd.read_csv(tmp_path / "t.csv")
    assert back["value"].tolist() == table["value"].tolist()  # numeric columns read back as numbers


def test_a_hostile_title_and_event_round_trip_as_text_through_the_figures_table(corpus_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("FIGURES_DIR", str(tmp_path))
    meta = pd.read_csv(corpus_copy / "metadata.csv", dtype=str, keep_default_na=False)
    first = meta["id"] == "2015-wic-fruitful-results"
    meta.loc[first, "title"] = HOSTILE[0]
    meta.loc[first, "event"] = "@cmd|' /C calc'!A0"
    meta.to_csv(corpus_copy / "metadata.csv", index=False)
    table = figures_table(load_corpus(corpus_copy))
    save_table(table, "04-figures-table")
    rows = [r for r in _cells(tmp_path / "04-figures-table.csv") if r["doc_id"] == "2015-wic-fruitful-results"]
    assert rows and all(r["title"] == "'" + HOSTILE[0] and r["event"] == "'@cmd|' /C calc'!A0" for r in rows)
    assert {r["value"] for r in rows} >= {"2000", "24000"}


def test_plain_number_never_writes_an_exponent_for_figures():
    assert [plain_number(v) for v in (1e12, 1e11, 5.6e12, 7.6, 100 / 3, -3.5, 0)] == [
        "1000000000000", "100000000000", "5600000000000", "7.6", "33.3333", "-3.5", "0"]
    assert plain_number(1e11, thousands=True) == "100,000,000,000"
    assert plain_number(1.2e-5) == "1.2e-05"  # p-values keep their exponent


def test_corpus_hash_covers_the_metadata_rows(corpus_copy):
    before = corpus_hash(load_corpus(corpus_copy))
    meta = pd.read_csv(corpus_copy / "metadata.csv", dtype=str, keep_default_na=False)
    # reordering rows and columns, or spaces around a field, changes nothing the notebooks use
    meta.iloc[::-1, ::-1].assign(title=" " + meta["title"][::-1] + " ").to_csv(corpus_copy / "metadata.csv", index=False)
    assert corpus_hash(load_corpus(corpus_copy)) == before
    meta.loc[meta["id"] == "2015-zhejiang-experiences", "event_year"] = "2016"
    meta.to_csv(corpus_copy / "metadata.csv", index=False)
    assert corpus_hash(load_corpus(corpus_copy)) != before


def test_every_figure_records_the_code_version(tmp_path, monkeypatch):
    monkeypatch.setenv("FIGURES_DIR", str(tmp_path))
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    save_figure(fig, "t", corpus_sha256="abc")
    plt.close(fig)
    code = json.loads((tmp_path / "t.json").read_text())["code"]
    assert code == code_version() and code["package"] == "wuzhen-corpus-helpers"
    assert len(code["helpers_sha256"]) == 64 and code["version"]
