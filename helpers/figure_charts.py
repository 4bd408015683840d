"""Charts of the extracted figures. Each takes rows of the figures table (helpers.figure_table),
never typed-in numbers, and returns (figure, the rows it plotted) so that every plotted value can
be traced to its quote."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .figure_table import scale_measure
from .plotting import year_colors

# How each qualifier is drawn: an exact figure is a filled circle; "about" a hollow circle;
# "more than" an upward triangle with an arrow (open-ended upwards); "less than" the reverse.
QUALIFIER_MARKERS = {"exact": ("o", True), "about": ("o", False), "more than": ("^", True), "less than": ("v", True)}


def _fmt(v: float) -> str:
    for scale, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if abs(v) >= scale:
            return f"{v / scale:g}{word}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:g}"


def _year_color(rows: pd.DataFrame) -> str:
    """The house colour of the first row's event year (grey for no rows)."""
    return year_colors(rows["event_year"])[int(rows["event_year"].iloc[0])] if len(rows) else "0.3"


def short_label(row, words_after: int = 3, width: int = 28) -> str:
    """The mention and up to a few words after it, within its phrase ("24,000 industrial robots
    in use"), without a dangling preposition."""
    phrase = row["phrase"]
    i = phrase.find(row["mention"])
    tail = phrase[i + len(row["mention"]):].split()[:words_after] if i >= 0 else []
    while tail and tail[-1].lower() in ("to", "for", "and", "of", "in", "by", "with", "accounting"):
        tail.pop()
    return textwrap.fill(" ".join([row["mention"], *tail]), width)


def robots_chart(rows: pd.DataFrame, derived: pd.DataFrame | None = None):
    """Robot figures by the year they refer to: stated (filled) vs projected (hatched outline)."""
    rows = rows.sort_values(["period", "start"], kind="stable").reset_index(drop=True)
    color = _year_color(rows)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for i, r in rows.iterrows():
        stated = r["status"] == "stated"
        ax.bar(i, r["value"], color=color if stated else "none", edgecolor=color, hatch=None if stated else "///",
               linewidth=1.3)
        ax.annotate(short_label(r), (i, r["value"]), xytext=(0, 4), textcoords="offset points", ha="center",
                    va="bottom", fontsize=8)
    ax.set_xticks(range(len(rows)), [f"{p} ({s})" if pd.notna(p) else s for p, s in zip(rows["period"], rows["status"])])
    ax.set_ylabel("robots")
    ax.margins(y=0.25)
    ax.grid(axis="x", visible=False)
    ax.legend(handles=[Patch(color=color, label="stated"), Patch(facecolor="none", edgecolor=color, hatch="///",
                                                                 label="projected")], loc="upper left")
    ax.set_title("Zhejiang's industrial robots as quoted: a stock (in use) and yearly additions")
    if derived is not None and len(derived):
        note = "; ".join(f"derived: {d.derived} = {d.arithmetic}" for d in derived.itertuples())
        fig.text(0.01, -0.02, textwrap.fill(note, 110), fontsize=8, style="italic")
    return fig, rows


def percent_chart(rows: pd.DataFrame, title: str):
    """Horizontal bars for percentages: growth rates filled, shares of a total outlined."""
    rows = rows.sort_values("start").reset_index(drop=True)
    color = _year_color(rows)
    fig, ax = plt.subplots(figsize=(7, 0.9 * len(rows) + 1.2))
    y = list(range(len(rows)))[::-1]
    growth = rows["category"] == "growth"
    ax.barh(y, rows["value"], color=[color if g else "none" for g in growth], edgecolor=color, linewidth=1.3)
    for yi, r in zip(y, rows.itertuples()):
        ax.annotate(f"{'+' if r.category == 'growth' else ''}{r.value:g}%", (r.value, yi), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(y, [textwrap.fill(c, 45) for c in rows["phrase"]], fontsize=8)
    ax.set_xlabel("percent")
    ax.margins(x=0.15)
    ax.grid(axis="y", visible=False)
    ax.legend(handles=[Patch(color=color, label="growth rate"), Patch(facecolor="none", edgecolor=color,
                                                                      label="share of a total")],
              loc="lower right", fontsize=8)
    ax.set_title(title)
    return fig, rows


def scale_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Conference-scale counts with the measure they belong to. Links of a chain that describe
    the media ("110 media outlets of 14 countries") are left to their head figure (journalists)."""
    rows = table[table["category"] == "conference scale"].copy()
    rows["measure"] = rows["unit"].map(scale_measure)
    head_measure = rows.set_index("mention")["measure"].to_dict()
    media_link = rows["of_figure"].map(lambda m: head_measure.get(m) == "media")
    return rows[rows["measure"].notna() & ~media_link].reset_index(drop=True)


def scale_chart(rows: pd.DataFrame):
    """Conference scale by event year, one column per measure, log scale; the marker shows the
    qualifier, so "more than 2,000" is drawn open-ended, never as an exact 2,000."""
    measures = [m for m in dict.fromkeys(rows["measure"])]
    years = sorted(rows["event_year"].unique())
    colors = year_colors(years)
    fig, ax = plt.subplots(figsize=(8.5, 4.6))
    # the same figure reported by several documents is one point, labelled with the count
    points = rows.groupby(["event_year", "measure", "value", "qualifier"], sort=True).size().rename("reports").reset_index()
    for (year, measure), part in points.groupby(["event_year", "measure"], sort=True):
        x0 = measures.index(measure) + (years.index(year) - (len(years) - 1) / 2) * 0.25
        for k, r in enumerate(part.itertuples()):
            x = x0 + (k - (len(part) - 1) / 2) * 0.16
            marker, filled = QUALIFIER_MARKERS[r.qualifier]
            ax.plot(x, r.value, marker=marker, markersize=8, color=colors[year],
                    markerfacecolor=colors[year] if filled else "white", markeredgewidth=1.5, linestyle="none")
            if r.qualifier in ("more than", "less than"):
                sign = 1.6 if r.qualifier == "more than" else 1 / 1.6
                ax.annotate("", (x, r.value * sign), (x, r.value), arrowprops={"arrowstyle": "->", "color": colors[year]})
            label = _fmt(r.value) + (f" ({r.reports} reports)" if r.reports > 1 else "")
            ax.annotate(label, (x, r.value), xytext=(6, -3), textcoords="offset points", fontsize=7)
    ax.set_yscale("log")
    ax.set_xticks(range(len(measures)), [textwrap.fill(m, 14) for m in measures], fontsize=8)
    ax.set_ylabel("count as stated (log scale)")
    ax.grid(axis="x", visible=False)
    handles = [Line2D([], [], color=colors[y], marker="s", linestyle="none", label=str(y)) for y in years]
    handles += [Line2D([], [], color="0.3", marker=m, markerfacecolor="0.3" if f else "white", linestyle="none",
                       label=q) for q, (m, f) in QUALIFIER_MARKERS.items() if q in set(rows["qualifier"])]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title("Conference scale as the texts state it")
    return fig, rows


def investment_chart(money: pd.DataFrame, derived: pd.DataFrame):
    """A stated amount next to the amount per year it implies (hatched, with its arithmetic)."""
    color = _year_color(money)
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    labels, values = [], []
    for r in money.itertuples():
        labels.append(textwrap.fill(f"{r.status}: {r.mention}", 24))
        values.append(r.value)
    for d in derived.itertuples():
        labels.append(textwrap.fill(f"derived: {d.derived}\n({d.arithmetic})", 30))
        values.append(d.value)
    for i, v in enumerate(values):
        is_derived = i >= len(money)
        ax.bar(i, v, color="none" if is_derived else color, edgecolor=color, hatch="///" if is_derived else None,
               linewidth=1.3)
        ax.annotate(_fmt(v), (i, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=9)
    ax.set_xticks(range(len(values)), labels, fontsize=8)
    unit = money["unit"].iloc[0] if len(money) else ""
    ax.set_ylabel(unit)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _fmt(v)))
    ax.margins(y=0.15)
    ax.grid(axis="x", visible=False)
    ax.set_title("Investment pledged, and what it implies per year")
    plotted = pd.concat([money.assign(kind="stated"), derived.assign(kind="derived")], ignore_index=True)
    return fig, plotted
