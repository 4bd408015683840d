"""The four charts of notebook 04 as a reader sees them, checked on the drawn artists' boxes (from
the renderer): no label overlaps another label, a marker, an arrow or a bar; every open-ended
arrow is drawn inside its axes; one encoding of fill across the charts."""
import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from helpers import figure_charts as C  # noqa: E402
from helpers.corpus import load_corpus  # noqa: E402
from helpers.figure_table import derived_figures, figures_table  # noqa: E402
from helpers.plotting import apply_style  # noqa: E402


@pytest.fixture(scope="module")
def charts():
    apply_style()
    table = figures_table(load_corpus())
    derived = derived_figures(table)
    out = {"robots": C.robots_chart(table[table["unit"].str.contains("robot")], derived[derived["unit"].str.contains("robot")]),
           "growth": C.percent_chart(table[(table["event_year"] == 2018) & (table["unit"] == "percent")]),
           "scale": C.scale_chart(C.scale_rows(table)),
           "investment": C.investment_chart(table[table["unit"] == "yuan"], derived[derived["unit"] == "yuan per year"])}
    yield out
    plt.close("all")


def _boxes(fig):
    """Texts (annotations, tick labels, titles, legends, footers) and marks (markers, arrows, bars)."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    texts, marks = [], []
    for ax in fig.axes:
        texts += [("label", t.get_text(), t.get_window_extent(r)) for t in ax.texts if t.get_text()]
        frame = ax.get_window_extent(r)  # tick labels of ticks outside the view are not drawn
        texts += [("tick", t.get_text(), t.get_window_extent(r)) for t in ax.get_xticklabels()
                  if t.get_text() and frame.x0 <= t.get_window_extent(r).intervalx.mean() <= frame.x1]
        texts += [("tick", t.get_text(), t.get_window_extent(r)) for t in ax.get_yticklabels()
                  if t.get_text() and frame.y0 <= t.get_window_extent(r).intervaly.mean() <= frame.y1]
        if ax.get_legend():
            texts.append(("legend", "", ax.get_legend().get_window_extent(r)))
        for coll in ax.collections:  # one box per scatter point
            for (x, y), s in zip(coll.get_offset_transform().transform(coll.get_offsets()),
                                 itertools.cycle(coll.get_sizes())):
                half = s ** 0.5 / 2 * r.points_to_pixels(1)
                marks.append(("marker", Bbox.from_extents(x - half, y - half, x + half, y + half), ax))
        marks += [("bar", p.get_window_extent(r), ax) for p in ax.patches]
        marks += [("arrow", t.arrow_patch.get_window_extent(r), ax) for t in ax.texts if t.arrow_patch]
    texts += [("footer", t.get_text()[:20], t.get_window_extent(r)) for t in fig.texts]
    texts += [("legend", "", lg.get_window_extent(r)) for lg in fig.legends]
    return texts, marks


@pytest.mark.parametrize("name", ["robots", "growth", "scale", "investment"])
def test_no_text_overlaps_another_text_or_a_mark(charts, name):
    texts, marks = _boxes(charts[name][0])
    clashes = [(a[:2], b[:2]) for a, b in itertools.combinations(texts, 2) if a[2].overlaps(b[2])]
    clashes += [(t[:2], m[0]) for t in texts if t[0] == "label" for m in marks if t[2].overlaps(m[1])]
    assert not clashes, clashes


@pytest.mark.parametrize("name", ["scale"])
def test_open_ended_markers_are_drawn_inside_the_axes(charts, name):
    fig = charts[name][0]
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    arrows = [(ax, t) for ax in fig.axes for t in ax.texts if t.arrow_patch]
    points = charts[name][1].drop_duplicates(["measure", "event_year", "status", "value", "qualifier"])
    assert len(arrows) == points["qualifier"].isin(["more than", "less than"]).sum() > 0
    for ax, t in arrows:
        box, frame = t.arrow_patch.get_window_extent(r), ax.get_window_extent(r)
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1 and frame.x0 <= box.x0 and box.x1 <= frame.x1
    _, marks = _boxes(fig)
    for _, box, ax in marks:
        frame = ax.get_window_extent(r)
        assert frame.contains(*box.get_points().mean(axis=0))


def test_one_meaning_of_fill_in_every_chart(charts):
    # each chart's legend explains its fills with the same words, and a projected bar or marker is
    # hatched wherever it is drawn
    for name, (fig, rows, caption) in charts.items():
        labels = {t.get_text() for lg in [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
                  for t in lg.get_texts()}
        shown = set(rows["status"].dropna()) | ({"derived"} if "kind" in rows and (rows["kind"] == "derived").any() else set())
        assert {C.STATUS_LABELS[s] for s in shown} <= labels, name
        hatched = [a for ax in fig.axes for a in [*ax.patches, *ax.collections] if a.get_hatch()]
        assert len(hatched) == (rows["status"] == "projected").sum() or name == "scale", name
        assert "Source" in caption and rows["doc_id"].iloc[0] in caption


def test_forecasts_are_never_merged_with_reports_and_leaders_not_with_ministers(charts):
    rows = charts["scale"][1]
    assert {"state leaders", "ministers and officials"} <= set(rows["measure"])
    fifty = rows[rows["value"] == 50]
    assert set(fifty["status"]) == {"stated", "projected"}  # two points, not "50 (2 reports)"
    labels = [t.get_text() for ax in charts["scale"][0].axes for t in ax.texts]
    assert "50 (2 reports)" not in labels and "2,000 (2 reports)" in labels


def test_robots_stock_and_flow_are_apart(charts):
    fig, rows, _ = charts["robots"]
    assert [ax.get_title() for ax in fig.axes] == ["Stock: robots in use", "Flow: robots added per year"]
    assert rows.set_index("value")["measures"].to_dict() == {24000: "stock", 10000: "flow", 55000: "flow"}


def test_growth_title_names_the_period(charts):
    fig = charts["growth"][0]
    assert fig._suptitle.get_text() == "Percentages quoted for the first half of 2018"


def test_log_axis_labels_are_plain_numbers():
    fig = plt.figure()
    ax = fig.add_subplot(yscale="log", ylim=(5, 3000))
    ax.yaxis.set_major_formatter(C._PlainLogFormatter())
    ax.yaxis.set_minor_formatter(C._PlainLogFormatter())
    fig.canvas.draw()
    shown = [t.get_text() for t in ax.get_yticklabels() if t.get_text() and 5 <= t.get_position()[1] <= 3000]
    assert shown == ["10", "100", "1,000"]  # decades only over more than one decade, no 10^n mathtext
    ax.set_ylim(120, 900)  # less than a decade: some minor ticks are labelled, in the same plain style
    fig.canvas.draw()
    minor = [t.get_text() for t in ax.yaxis.get_minorticklabels() if t.get_text()]
    assert minor and all("$" not in t and t.replace(",", "").isdigit() for t in minor)
    plt.close(fig)
    scale_fig = C.scale_chart(C.scale_rows(figures_table(load_corpus())))[0]
    scale_fig.canvas.draw()
    assert all("$" not in t.get_text() for t in scale_fig.axes[0].get_yticklabels())
    plt.close(scale_fig)
