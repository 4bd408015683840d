"""save_figure writes byte-identical files with provenance; year colours are fixed."""
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from helpers.plotting import FIXED_YEAR_COLORS, apply_style, save_figure, year_colors  # noqa: E402


def _draw():
    apply_style()
    fig, ax = plt.subplots()
    ax.bar(["2015", "2016", "2021"], [3, 1, 2], color=[FIXED_YEAR_COLORS[y] for y in (2015, 2016, 2021)])
    ax.set_title("Documents per year")
    return fig


def test_save_figure_is_byte_identical_and_records_provenance(tmp_path, monkeypatch):
    monkeypatch.setenv("FIGURES_DIR", str(tmp_path))
    table = pd.DataFrame({"year": [2015, 2016, 2021], "docs": [3, 1, 2]})
    save_figure(_draw(), "t-bars", corpus_sha256="abc", params={"k": 3}, table=table, caption="Docs.")
    files = sorted(p.name for p in tmp_path.iterdir())
    first = {f: (tmp_path / f).read_bytes() for f in files}
    plt.close("all")
    save_figure(_draw(), "t-bars", corpus_sha256="abc", params={"k": 3}, table=table, caption="Docs.")
    assert first == {f: (tmp_path / f).read_bytes() for f in files}
    assert files == ["t-bars.csv", "t-bars.json", "t-bars.png", "t-bars.svg"]
    record = json.loads(first["t-bars.json"])
    assert record["corpus_sha256"] == "abc" and record["params"] == {"k": 3}
    assert "matplotlib" in record["packages"] and "pandas" in record["packages"]
    assert b"<dc:date>" not in first["t-bars.svg"]


def test_year_colours_fixed_and_new_years_get_unused_colours():
    colors = year_colors([2021, 2015, 2016, 2018, 2019, 2024])
    assert {y: colors[y] for y in FIXED_YEAR_COLORS} == FIXED_YEAR_COLORS
    assert len(set(colors.values())) == 6
    assert year_colors([2015, 2019])[2019] == colors[2019]
