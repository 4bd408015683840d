"""save_figure writes byte-identical files with provenance; year colours are fixed."""
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

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


def _laid_out():
    fig = _draw()
    fig.tight_layout(rect=(0, 0.25, 1, 1))  # room left under the axes, as charts leave it for a legend
    return fig


@pytest.mark.parametrize("rc", [{}, {"figure.autolayout": True}, {"figure.constrained_layout.use": True}])
@pytest.mark.filterwarnings("ignore:The figure layout has changed to tight")  # the user's constrained layout, replaced
def test_save_figure_keeps_the_figures_own_layout_and_draws_three_times(tmp_path, monkeypatch, rc):
    # the reference: default settings
    monkeypatch.setenv("FIGURES_DIR", str(tmp_path / "default"))
    save_figure(_laid_out(), "t", corpus_sha256="abc")
    plt.close("all")
    # a user's settings that would give the figure a layout engine of its own must not re-lay it out
    # between the PNG and the SVG; and the texts are laid out three times: measure, PNG, SVG
    monkeypatch.setenv("FIGURES_DIR", str(tmp_path / "user"))
    draws = []
    real_draw = matplotlib.figure.Figure.draw
    monkeypatch.setattr(matplotlib.figure.Figure, "draw", lambda self, renderer: draws.append(1) or real_draw(self, renderer))
    with matplotlib.rc_context(rc):
        fig = _laid_out()
        save_figure(fig, "t", corpus_sha256="abc")
        assert fig.get_layout_engine() is None
    assert len(draws) == 3
    for ext in ("png", "svg"):
        assert (tmp_path / "user" / f"t.{ext}").read_bytes() == (tmp_path / "default" / f"t.{ext}").read_bytes(), ext
