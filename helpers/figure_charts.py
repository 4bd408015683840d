"""Charts of the extracted figures. Each takes rows of the figures table (helpers.figure_table),
never typed-in numbers, and returns (figure, the rows it plotted, a caption saying what is shown
and citing the sources), so that every plotted value can be traced to its quote.

One encoding in every chart, explained by a legend in each:
- fill is the status: solid = reported by the text, hatched = projected (a forecast, plan or
  pledge), white with a dashed edge = derived here by arithmetic from figures the text states;
- marker shape is the qualifier: circle exact, diamond "about", triangle with an arrow open-ended
  ("more than" up, "less than" down);
- colour is the conference year (helpers.plotting.year_colors).
Labels are placed where they overlap no other label, marker, arrow or bar (place_labels), and the
sources are printed under each chart.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogFormatter
from matplotlib.transforms import Bbox

from .figure_table import SCALE_MEASURES, scale_measure, stock_or_flow
from .plotting import year_colors

QUALIFIER_MARKERS = {"exact": "o", "about": "D", "more than": "^", "less than": "v"}
HATCH = "////"
STATUS_LABELS = {"stated": "reported in the text", "projected": "projected (forecast, plan, pledge)",
                 "derived": "derived here by arithmetic"}


def status_style(status: str, color: str) -> dict:
    """Face, edge, hatch and line style of a bar or marker of this status (the one encoding)."""
    if status == "stated":
        return {"facecolor": color, "edgecolor": color, "hatch": None, "linestyle": "-"}
    if status == "projected":
        return {"facecolor": "white", "edgecolor": color, "hatch": HATCH, "linestyle": "-"}
    return {"facecolor": "white", "edgecolor": color, "hatch": None, "linestyle": "--"}


def status_handles(statuses, color: str = "0.35") -> list:
    """Legend entries for the statuses shown, in a fixed order."""
    return [Patch(**status_style(s, color), linewidth=1.3, label=STATUS_LABELS[s])
            for s in STATUS_LABELS if s in set(statuses)]


def _fmt(v: float) -> str:
    for scale, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if abs(v) >= scale:
            return f"{v / scale:g}{word}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:g}"


class _PlainLogFormatter(LogFormatter):
    """Log-axis ticks as plain numbers ("1,000", "2 million"), not powers of ten: a reader of
    counts reads them at a glance, and no mathtext parser is loaded (0.2 s of notebook 04)."""

    def _num_to_string(self, x, vmin, vmax):
        return _fmt(x)


def _year_color(rows: pd.DataFrame) -> str:
    """The house colour of the first row's event year (grey for no rows)."""
    return year_colors(rows["event_year"])[int(rows["event_year"].iloc[0])] if len(rows) else "0.3"


def short_label(row, words_after: int = 3, width: int = 28) -> str:
    """The mention and up to a few words after it, within its phrase ("24,000 industrial robots
    in use"), without a dangling preposition."""
    phrase = row["phrase"]
    i = phrase.find(row["mention"])
    tail = phrase[i + len(row["mention"]):].split()[:words_after] if i >= 0 else []
    while tail and tail[-1].lower() in ("to", "for", "and", "of", "in", "by", "with", "accounting", "will", "be"):
        tail.pop()
    return textwrap.fill(" ".join([row["mention"], *tail]), width)


def sources(rows: pd.DataFrame) -> str:
    """"Sources: title (outlet, date) [id]; ..." for the documents the rows come from."""
    docs = rows.drop_duplicates("doc_id")
    parts = [f"\u201c{d.title}\u201d ({d.source if d.source != 'not stated' else 'outlet not stated'}, "
             f"{d.published}) [{d.doc_id}]" for d in docs.itertuples()]
    return "Source" + ("s" if len(parts) > 1 else "") + ": " + "; ".join(parts) + "."


# Offsets (points) tried in turn for a label: beside, above, below, then further out.
_CANDIDATES = [(dx * k, dy * k, ha, va) for k in (1, 2, 3.5) for dx, dy, ha, va in (
    (7, 0, "left", "center"), (0, 6, "center", "bottom"), (-7, 0, "right", "center"), (0, -7, "center", "top"),
    (7, 7, "left", "bottom"), (-7, 7, "right", "bottom"), (7, -7, "left", "top"), (-7, -7, "right", "top"))]
_ABOVE = [(0, 3 + 12 * k, "center", "bottom") for k in range(6)]


def marker_boxes(ax, renderer) -> list:
    """The display boxes of every marker, bar and arrow drawn on `ax`, one per point: a scatter
    collection's own extent is unreliable (it may span the origin), so each of its points gets a
    box from its offset and marker size."""
    boxes = []
    for coll in ax.collections:
        centres = coll.get_offset_transform().transform(coll.get_offsets())
        sizes = coll.get_sizes()
        for k, (x, y) in enumerate(centres):
            half = (sizes[k % len(sizes)] ** 0.5 / 2 + 1) * renderer.points_to_pixels(1)
            boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    boxes += [a.get_window_extent(renderer) for a in [*ax.lines, *ax.patches]]
    boxes += [t.arrow_patch.get_window_extent(renderer) for t in ax.texts if getattr(t, "arrow_patch", None)]
    return boxes


def _laid_out(fig):
    """Lay the figure out as a draw would (limits, ticks, text positions) without painting
    pixels, and return the renderer its sizes are measured with: what the boxes of labels
    need, at less cost than a full draw."""
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def place_labels(ax, items, candidates=None, pad: float = 2.0) -> list:
    """Annotate each (text, (x, y)) of `items` at the first candidate offset where its box, grown
    by `pad` pixels, lies inside the axes and overlaps no marker, arrow, bar or label already
    drawn. Candidates default to beside/above/below the point, then further out. Call it once the
    axes' limits are final. Returns the annotations; one that fits nowhere is left at the first
    candidate (the tests catch it)."""
    fig = ax.figure
    renderer = _laid_out(fig)
    taken = marker_boxes(ax, renderer) + [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]
    inside = ax.get_window_extent(renderer)
    placed = []
    for text, xy in items:
        options = list(candidates or _CANDIDATES)
        for n, (dx, dy, ha, va) in enumerate(options + options[:1]):
            ann = ax.annotate(text, xy, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=7.5)
            if n == len(options):
                break  # fits nowhere: back at the first candidate
            box = ann.get_window_extent(renderer).padded(pad)
            fits = inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1
            if fits and not any(box.overlaps(t) for t in taken):
                break
            ann.remove()
        taken.append(ann.get_window_extent(renderer))
        placed.append(ann)
    return placed


def _footer(fig, text: str) -> None:
    """`text` (the sources) in small print under everything drawn on the figure."""
    bottom = fig.get_tightbbox(_laid_out(fig)).y0 / fig.get_figheight()  # inches -> figure fraction
    fig.text(0.01, bottom - 0.015, textwrap.fill(text, 120), fontsize=7, va="top", color="0.25")


def _bars(ax, xs, values, statuses, color) -> None:
    for x, v, s in zip(xs, values, statuses):
        ax.bar(x, v, width=0.6, linewidth=1.3, **status_style(s, color))


def robots_chart(rows: pd.DataFrame, derived: pd.DataFrame | None = None):
    """Robot figures in two panels, never one series: the stock (how many are in use, with the
    national total it implies, derived) and the flow (how many are added per year)."""
    rows = rows.sort_values(["period", "start"], kind="stable").reset_index(drop=True)
    rows["measures"] = rows["context"].map(stock_or_flow)
    color = _year_color(rows)
    derived = derived if derived is not None else pd.DataFrame(columns=["derived", "value", "arithmetic"])
    fig, axes = plt.subplots(1, 2, figsize=(8.5, 4.2), gridspec_kw={"width_ratios": [1, 1]})
    panels = {"stock": "Stock: robots in use", "flow": "Flow: robots added per year"}
    for ax, (kind, title) in zip(axes, panels.items()):
        part = rows[rows["measures"] == kind]
        extra = derived if kind == "stock" else derived.iloc[0:0]
        values = [*part["value"], *extra["value"]]
        statuses = [*part["status"], *["derived"] * len(extra)]
        _bars(ax, range(len(values)), values, statuses, color)
        ticks = [f"{r.period_text or 'no year given'}" for r in part.itertuples()]
        ticks += [textwrap.fill(f"{d.derived} ({d.arithmetic})", 24) for d in extra.itertuples()]
        ax.set_xticks(range(len(values)), ticks, fontsize=8)
        ax.set_xlim(-0.6, max(len(values), 2) - 0.4)
        ax.set_ylim(0, max(values, default=1) * 1.35)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(axis="x", visible=False)
        ax.set_title(title, fontsize=10)
        labels = [(short_label(r), (i, r["value"])) for i, r in enumerate(part.to_dict("records"))]
        labels += [(_fmt(d.value), (len(part) + i, d.value)) for i, d in enumerate(extra.itertuples())]
        place_labels(ax, labels, _ABOVE)
    axes[0].set_ylabel("robots")
    fig.suptitle("Industrial robots as quoted: a stock" + (", the total it is a share of," if len(derived) else "")
                 + " and yearly additions", fontsize=11)
    fig.legend(handles=status_handles([*rows["status"], *(["derived"] if len(derived) else [])], color),
               loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=3, fontsize=8)
    fig.tight_layout()
    _footer(fig, sources(rows))
    stock, flow = rows[rows["measures"] == "stock"], rows[rows["measures"] == "flow"]
    caption = (f"Industrial robots as one text quotes them: the stock in use ({', '.join(stock['period_text'].replace('', 'no year'))})"
               + "".join(f", the {d.derived.removeprefix('implied ')} it implies ({d.arithmetic})" for d in derived.itertuples())
               + f" and robots added per year ({', '.join(flow['period_text'].replace('', 'no year'))}), drawn apart "
               "because a stock and a flow are not one series; solid bars are reported, hatched ones projected, "
               "dashed ones derived by arithmetic. " + sources(rows))
    return fig, rows, caption


def _percent_title(rows: pd.DataFrame) -> str:
    periods = set(rows["period_text"])
    if len(periods) == 1 and "" not in periods:
        return f"Percentages quoted for the {periods.pop()}"
    return f"Percentages quoted in the {', '.join(str(y) for y in sorted(set(rows['event_year'])))} texts"


def percent_chart(rows: pd.DataFrame, title: str | None = None):
    """Percentages in two panels, since they are different quantities: growth rates (change on an
    earlier period) and shares of a total. The title names the period when the rows share one."""
    rows = rows.sort_values("start").reset_index(drop=True)
    color = _year_color(rows)
    growth = rows["category"] == "growth"
    groups = [(g, rows[growth == g]) for g in (True, False) if (growth == g).any()]
    fig, axes = plt.subplots(len(groups), 1, figsize=(7.5, 0.75 * len(rows) + 1.1 * len(groups) + 0.8),
                             gridspec_kw={"height_ratios": [len(p) for _, p in groups]}, squeeze=False)
    for ax, (is_growth, part) in zip(axes[:, 0], groups):
        y = list(range(len(part)))[::-1]
        for yi, r in zip(y, part.itertuples()):
            ax.barh(yi, r.value, height=0.6, linewidth=1.3, **status_style(r.status, color))
        ax.set_yticks(y, [textwrap.fill(c, 45) for c in part["phrase"]], fontsize=8)
        ax.set_xlim(0, rows["value"].max() * 1.25)
        ax.set_ylim(-0.6, len(part) - 0.4)
        ax.grid(axis="y", visible=False)
        yoy = part["context"].str.contains(r"year[- ]on[- ]year|from a year earlier", case=False).all()
        ax.set_title(("Growth rates" + (", year-on-year" if yoy else "")) if is_growth else "Shares of a total",
                     fontsize=9, loc="left")
        place_labels(ax, [(f"{'+' if is_growth else ''}{r.value:g}%", (r.value, yi)) for yi, r in zip(y, part.itertuples())],
                     [(4 + 10 * k, 0, "left", "center") for k in range(4)])
    axes[-1, 0].set_xlabel("percent")
    fig.suptitle(title or _percent_title(rows), fontsize=11)
    fig.legend(handles=status_handles(rows["status"], color), loc="upper center", bbox_to_anchor=(0.5, 0.02),
               ncol=3, fontsize=8)
    fig.tight_layout()
    _footer(fig, sources(rows))
    caption = (f"{title or _percent_title(rows)}: " + "; ".join(
        f"{r.value:g}% ({'growth' if r.category == 'growth' else 'share'}, {r.status})" for r in rows.itertuples())
        + ". Growth rates and shares of a total are drawn in separate panels. " + sources(rows))
    return fig, rows, caption


def scale_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Conference-scale counts with the measure they belong to. Links of a chain that describe
    the media ("110 media outlets of 14 countries") are left to their head figure (journalists)."""
    rows = table[table["category"] == "conference scale"].copy()
    rows["measure"] = rows["unit"].map(scale_measure)
    head_measure = rows.set_index("mention")["measure"].to_dict()
    media_link = rows["of_figure"].map(lambda m: head_measure.get(m) == "media")
    return rows[rows["measure"].notna() & ~media_link].reset_index(drop=True)


def scale_chart(rows: pd.DataFrame):
    """Conference scale by event year, one column per measure, log scale. Shape shows the
    qualifier ("more than 2,000" is a triangle with an arrow, never an exact 2,000), fill the
    status: a forecast made before the conference is never merged with a count made after it."""
    order = [name for name, _ in SCALE_MEASURES]
    measures = sorted(set(rows["measure"]), key=lambda m: order.index(m) if m in order else len(order))
    years = sorted(rows["event_year"].unique())
    colors = year_colors(years)
    fig, ax = plt.subplots(figsize=(9.5, 4.8))
    # the same figure reported by several documents with the same status is one point, with a count
    points = (rows.groupby(["measure", "event_year", "status", "value", "qualifier"], sort=True).size()
              .rename("reports").reset_index())
    points["col"] = points["measure"].map(measures.index)
    points = points.sort_values(["col", "event_year", "status", "value"], kind="stable").reset_index(drop=True)
    points["x"] = points["col"] + points.groupby("col").cumcount().sub(points.groupby("col")["col"].transform("size").sub(1) / 2) * 0.28
    low, high = points["value"].min(), points["value"].max()
    tips = [r.value * (1.7 if r.qualifier == "more than" else 1 / 1.7) for r in points.itertuples()
            if r.qualifier in ("more than", "less than")]
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(_PlainLogFormatter())
    ax.yaxis.set_minor_formatter(_PlainLogFormatter())
    ax.set_ylim(min([low, *tips]) / 1.8, max([high, *tips]) * 1.8)  # every arrow inside the axes
    ax.set_xlim(-0.6, len(measures) - 0.4)
    for r in points.itertuples():
        style = status_style(r.status, colors[r.event_year])
        ax.scatter([r.x], [r.value], s=85, marker=QUALIFIER_MARKERS[r.qualifier], facecolors=style["facecolor"],
                   edgecolors=style["edgecolor"], hatch=style["hatch"], linewidths=1.4, zorder=3)
        if r.qualifier in ("more than", "less than"):
            tip = r.value * (1.7 if r.qualifier == "more than" else 1 / 1.7)
            ax.annotate("", (r.x, tip), (r.x, r.value), arrowprops={"arrowstyle": "->", "color": colors[r.event_year],
                                                                    "shrinkA": 6, "shrinkB": 0})
    ax.set_xticks(range(len(measures)), [textwrap.fill(m, 11, break_long_words=False) for m in measures], fontsize=8)
    ax.set_ylabel("count as stated (log scale)")
    ax.grid(axis="x", visible=False)
    place_labels(ax, [(_fmt(r.value) + (f" ({r.reports} reports)" if r.reports > 1 else ""), (r.x, r.value))
                      for r in points.itertuples()])
    handles = [Line2D([], [], color=colors[y], marker="s", linestyle="none", label=str(y)) for y in years]
    handles += [Line2D([], [], color="0.3", marker=QUALIFIER_MARKERS[q], markerfacecolor="0.3", linestyle="none",
                       label=q) for q in QUALIFIER_MARKERS if q in set(rows["qualifier"])]
    handles += status_handles(rows["status"])
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title("Conference scale as the texts state it, by measure and conference year")
    fig.tight_layout()
    _footer(fig, sources(rows))
    counts = rows["status"].value_counts()
    n_docs = rows["doc_id"].nunique()
    caption = (f"{len(rows)} counts of conference scale in {n_docs} text{'s' if n_docs != 1 else ''}, one column per measure "
               f"(log scale): {counts.get('stated', 0)} reported, {counts.get('projected', 0)} projected (said "
               "in the future tense, or in a text published before the event; hatched). Triangles with arrows are lower bounds ('more than'), diamonds estimates ('about'); "
               "a point counts several reports only when they agree in value, qualifier and status. " + sources(rows))
    return fig, rows, caption


def investment_chart(money: pd.DataFrame, derived: pd.DataFrame):
    """A stated amount next to the amount per year it implies (derived, with its arithmetic)."""
    color = _year_color(money)
    fig, ax = plt.subplots(figsize=(6.5, 4.0))
    labels = [textwrap.fill(f"{r.mention} ({r.status})", 24) for r in money.itertuples()]
    labels += [textwrap.fill(f"{d.derived}: {d.arithmetic}", 30) for d in derived.itertuples()]
    values = [*money["value"], *derived["value"]]
    _bars(ax, range(len(values)), values, [*money["status"], *["derived"] * len(derived)], color)
    ax.set_xticks(range(len(values)), labels, fontsize=8)
    unit = money["unit"].iloc[0] if len(money) else ""
    ax.set_ylabel(unit)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _fmt(v)))
    ax.set_ylim(0, max(values, default=1) * 1.2)
    ax.set_xlim(-0.6, max(len(values), 2) - 0.4)
    ax.grid(axis="x", visible=False)
    ax.set_title("Investment pledged, and the yearly average it implies")
    place_labels(ax, [(_fmt(v), (i, v)) for i, v in enumerate(values)], _ABOVE)
    ax.legend(handles=status_handles([*money["status"], *(["derived"] if len(derived) else [])], color),
              loc="upper right", fontsize=8)
    fig.tight_layout()
    _footer(fig, sources(money))
    plotted = pd.concat([money.assign(kind="quoted"), derived.assign(kind="derived")], ignore_index=True)
    caption = ("; ".join(f"{r.mention} ({r.status})" for r in money.itertuples())
               + "".join(f", and its average per year, derived: {d.arithmetic} {unit}" for d in derived.itertuples())
               + " (the text gives no schedule, so the average is not a yearly amount it states). " + sources(money))
    return fig, plotted, caption
