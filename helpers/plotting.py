"""House style, fixed year colours, and save_figure(): byte-identical PNG + SVG + provenance JSON."""
from __future__ import annotations

import hashlib
import json
import textwrap
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd

from .paths import figures_dir

# Okabe-Ito, a colour-blind-safe palette. The conference years keep these colours in every
# notebook; any other year gets the next unused colour, in year order, so a new year never
# changes the colours of the existing ones.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FIXED_YEAR_COLORS = {2015: "#0072B2", 2016: "#E69F00", 2021: "#009E73", 2018: "#999999"}

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.figsize": (7.0, 4.0),
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs on every machine
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "svg.hashsalt": "wuzhen-corpus",  # fixed ids inside SVG files, so they are byte-stable
    "svg.fonttype": "path",
}
PACKAGES = ("matplotlib", "numpy", "pandas", "scikit-learn", "scipy", "simplemma", "text2num")
PACKAGE = "wuzhen-corpus-helpers"


def apply_style() -> None:
    """Set the house style for every figure drawn afterwards."""
    mpl.rcParams.update(STYLE)


def year_colors(years) -> dict[int, str]:
    """A colour per year: the fixed ones first, other years take unused palette colours in order."""
    years = sorted({int(y) for y in years})
    spare = [c for c in OKABE_ITO if c not in FIXED_YEAR_COLORS.values()]
    extra = [y for y in years if y not in FIXED_YEAR_COLORS]
    colors = {y: spare[i % len(spare)] for i, y in enumerate(extra)}
    return {y: FIXED_YEAR_COLORS.get(y) or colors[y] for y in years}


def _versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


@lru_cache(maxsize=1)
def code_version() -> dict[str, str]:
    """The version of the code that made a figure: the package version and one sha256 over the
    source of every helpers/*.py file (name and content, line endings normalised). Not the git
    commit: a committed figure record naming HEAD would be out of date as soon as it is committed,
    so `make figures` could never leave the tree clean. The source hash changes exactly when the
    helpers change, whether or not the change is committed."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        version = "not installed"
    return {"package": PACKAGE, "version": version, "helpers_sha256": digest.hexdigest()}


def _tight_bbox(fig):
    """The figure's tight bounding box with savefig's padding, measured once for both formats.
    savefig(bbox_inches="tight") measures it with a layout pass of its own for each file, and the
    inline backend draws twice more to show the figure: six passes over every text for a figure
    saved and shown, three with this and save_figure (the measure, the PNG, the SVG)."""
    fig.draw_without_rendering()
    return fig.get_tightbbox().padded(mpl.rcParams["savefig.pad_inches"])


# Both off while saving, so that the figure has no layout engine at all: savefig runs a layout
# pass of its own before drawing whenever a figure has one, even the inert placeholder that
# tight_layout() leaves (two passes more per figure), and set_layout_engine(None), which savefig
# also calls on its way out, would install a live engine if either were on.
_NO_LAYOUT_ENGINE = {"figure.autolayout": False, "figure.constrained_layout.use": False}


def _show_saved(fig, png: Path) -> None:
    """In a notebook, show the PNG just written (the reader sees the saved file itself) at the
    size the inline backend would, and close the figure so that it is not drawn again."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is None or not hasattr(get_ipython(), "kernel"):
        return
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    data = png.read_bytes()
    width = int.from_bytes(data[16:20], "big")  # the PNG header's IHDR width, in pixels
    display(Image(data=data, format="png", width=round(width * mpl.rcParams["figure.dpi"] / mpl.rcParams["savefig.dpi"])))
    plt.close(fig)


def save_figure(fig, name: str, *, corpus_sha256: str, params: dict | None = None,
                table: pd.DataFrame | None = None, caption: str = "") -> None:
    """Write figures/NAME.png, NAME.svg, NAME.json (and NAME.csv when `table` is given).

    In a notebook the saved PNG is shown in place of the inline backend's rendering. The files
    are byte-identical from run to run: no timestamps or software strings in the image
    metadata, a fixed SVG hash salt, and JSON written with sorted keys. The JSON records what made
    the figure: the caption, the parameters, the corpus's combined sha256 and package versions.
    """
    out = figures_dir()
    bbox = _tight_bbox(fig)
    with mpl.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"], **_NO_LAYOUT_ENGINE}):
        fig.set_layout_engine(None)  # laid out and measured: nothing for an engine to do
        fig.savefig(out / f"{name}.png", metadata={"Software": None}, bbox_inches=bbox)
        fig.savefig(out / f"{name}.svg", metadata={"Date": None, "Creator": None}, bbox_inches=bbox)
    _show_saved(fig, out / f"{name}.png")
    files = [f"{name}.png", f"{name}.svg"]
    if table is not None:
        save_table(table, name)
        files.append(f"{name}.csv")
    record = {"figure": name, "caption": caption, "params": params or {},
              "corpus_sha256": corpus_sha256, "code": code_version(), "packages": _versions(), "files": files}
    (out / f"{name}.json").write_text(json.dumps(record, indent=2, sort_keys=True, default=str) + "\n",
                                      encoding="utf-8")


def plain_number(v, thousands: bool = False) -> str:
    """A number as a reader writes it, never in exponent form above 1e-4 ("100000000000", not
    "1e+11"): whole numbers in full, others to six significant digits; magnitudes under 1e-4
    (p-values) keep the exponent. `thousands` adds separators ("100,000,000,000") for display."""
    v = float(v)
    if v != v:
        return ""
    if v.is_integer() and abs(v) < 1e18:
        return f"{v:,.0f}" if thousands else f"{v:.0f}"
    if v != 0 and abs(v) < 1e-4:
        return f"{v:.6g}"
    text = np.format_float_positional(v, precision=6, unique=False, fractional=False, trim="-")
    if thousands:
        whole, _, frac = text.partition(".")
        sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
        text = f"{sign}{int(digits):,}" + (f".{frac}" if frac else "")
    return text


# OWASP, CSV injection: a cell that begins with one of these is read as a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of `table` whose text cells cannot run as spreadsheet formulas: a text cell beginning
    with =, +, -, @, tab or carriage return gets a leading apostrophe (OWASP's advice), which a
    spreadsheet shows as text. Numbers, negative ones included, stay numbers. A carriage return
    inside a cell becomes a line feed (as the corpus normalises documents): the CSV writer quotes
    cells with line feeds but not with a bare CR, which a reader would take for the end of a row."""
    def safe(v):
        if not isinstance(v, str):
            return v
        return ("'" + v if v.startswith(FORMULA_START) else v).replace("\r\n", "\n").replace("\r", "\n")
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe)
    return out


def save_table(table: pd.DataFrame, name: str) -> None:
    """Write figures/NAME.csv the way save_figure writes chart tables: numbers in plain notation
    (plain_number) and text cells safe to open in a spreadsheet (spreadsheet_safe)."""
    spreadsheet_safe(table).to_csv(figures_dir() / f"{name}.csv", index=False, lineterminator="\n",
                                   float_format=plain_number)


def corpus_size_chart(by_year: pd.DataFrame):
    """Bars of words per event year, before (outline) and after (filled) cleaning, with the number
    of documents written on each bar."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    colors = year_colors(by_year["event_year"])
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    x = range(len(by_year))
    fill = [colors[y] for y in by_year["event_year"]]
    ax.bar(x, by_year["words_raw"], color="none", edgecolor=fill, linewidth=1.2)
    ax.bar(x, by_year["words_clean"], color=fill)
    for i, row in enumerate(by_year.itertuples()):
        ax.annotate(f"{row.documents} doc{'s' if row.documents != 1 else ''}", (i, row.words_raw),
                    xytext=(0, 3), textcoords="offset points", ha="center", fontsize=9)
    ax.set_xticks(list(x), [str(y) for y in by_year["event_year"]])
    ax.set_xlabel("event year")
    ax.set_ylabel("words")
    ax.set_title("Corpus size by event year")
    ax.grid(axis="x", visible=False)
    legend = [Patch(facecolor="none", edgecolor="0.4", label="raw page (with furniture)"),
              Patch(facecolor="0.4", label="cleaned article text")]
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=8)
    ax.margins(y=0.12)
    return fig


def panel_grid(n_panels: int, panel_w: float, panel_h: float, max_cols: int = 3, **kw):
    """A figure with `n_panels` axes wrapped into rows of at most `max_cols` (unused axes hidden),
    so a chart stays readable for any number of years. Returns (fig, flat list of used axes)."""
    import matplotlib.pyplot as plt

    cols = max(1, min(n_panels, max_cols))
    rows = max(1, -(-n_panels // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(panel_w * cols, panel_h * rows), squeeze=False, **kw)
    flat = axes.ravel().tolist()
    for ax in flat[n_panels:]:
        ax.set_visible(False)
    return fig, flat[:n_panels]


def similarity_heatmaps(panels: dict[str, pd.DataFrame], baseline=()):
    """One annotated cosine-similarity heatmap per entry of `panels` (title -> square table).
    The diagonal (always 1) is left blank so that the colour scale runs from 0 (no term in common;
    TF-IDF vectors have no negative weights) to the largest off-diagonal value: anchored at zero,
    so colour differences stay proportional to the values, and not stretched up to the diagonal's
    1, which would flatten every other cell. Rows and columns whose label is in `baseline` (e.g.
    a document from another event) are marked "(baseline)" and set off by lines."""
    import matplotlib.pyplot as plt

    off = np.concatenate([t.values[~np.eye(len(t), dtype=bool)] for t in panels.values()])
    vmin, vmax = 0.0, (float(off.max()) if off.size and off.max() > 0 else 1.0)
    size = max(len(t) for t in panels.values())
    side = max(4.6, 0.55 * size + 2.2)
    fig, axes = panel_grid(len(panels), side + 1.2, side - 0.4, max_cols=2, gridspec_kw={"wspace": 0.55})
    cmap = plt.get_cmap("viridis").with_extremes(bad="0.92")
    base = {str(b) for b in baseline}
    for ax, (title, sim) in zip(axes, panels.items()):
        vals = sim.values.astype(float).copy()
        np.fill_diagonal(vals, np.nan)
        im = ax.imshow(vals, cmap=cmap, vmin=vmin, vmax=vmax)
        labels = [f"{x}\n(baseline)" if str(x) in base else str(x) for x in sim.index]
        ax.set_xticks(range(len(labels)), labels, rotation=40, ha="right", fontsize=8)
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        for tick in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
            if tick.get_text().endswith("(baseline)"):
                tick.set_fontstyle("italic")
                tick.set_color("0.35")
        ax.grid(False)
        for i in range(len(labels)):
            if str(sim.index[i]) in base:
                for pos in (i - 0.5, i + 0.5):
                    ax.axhline(pos, color="white", linewidth=2)
                    ax.axvline(pos, color="white", linewidth=2)
            for j in range(len(labels)):
                v = sim.values[i, j]
                light = i != j and (v - vmin) / (vmax - vmin) < 0.6
                ax.text(j, i, "" if i == j else f"{v:.2f}", ha="center", va="center", fontsize=8,
                        color="white" if light else "black")
        ax.set_title(title)
    fig.colorbar(im, ax=axes, shrink=0.8, label=f"cosine similarity (scale 0 to the largest off-diagonal value, {vmax:.2f}; "
                                                "diagonal = 1, blank)")
    return fig


def _labels(part: pd.DataFrame, col: str = "term") -> list[str]:
    """Chart labels for the terms of `part`: a form the texts use (helpers.text.display_label)."""
    # imported here: helpers.text loads scikit-learn, which notebooks drawing no term chart need not pay for
    from .text import display_label
    forms = part["forms"] if "forms" in part else [""] * len(part)
    return [display_label(t, f) for t, f in zip(part[col], forms)]


def _tie_note(part: pd.DataFrame, max_terms: int) -> tuple[pd.DataFrame, str]:
    """At most `max_terms` ranked rows: when a tie at the cut-off would exceed that, the tied
    rank is left out of the bars and every tied term named in a note (never broken silently)."""
    ranked = part[part["rank"].notna()]
    if len(ranked) <= max_terms:
        return ranked, ""
    last = ranked["rank"].iloc[max_terms]  # the rank that does not fit
    tied = ranked[ranked["rank"] == last]
    return (ranked[ranked["rank"] < last],
            f"all {len(tied)} terms tied at rank {last} (G² {tied['G2'].iloc[0]:.2f}) left out: {', '.join(_labels(tied))}")


def _boot_note(unit: str) -> str:
    """'15 paragraphs / 26 paragraphs' -> whose units the whiskers resample, both sides named."""
    if not unit:
        return ""
    mine, rest = unit.split(" / ", 1)
    if "unavailable" in unit:
        return f"no interval: too few units to resample (this year: {mine}; the other years: {rest})"
    within = "" if "documents" in mine else " (within this year's documents, not between documents)"
    return f"whiskers: 95% bootstrap over {mine} of this year{within} and {rest} of the other years"


def keyness_chart(top: pd.DataFrame, alpha: float = 0.05, max_terms: int = 12, max_cols: int = 3):
    """Keyness both ways per group, one panel per group wrapped into a grid. Bars are ordered by
    G² (the rank) and their length is the log ratio: over-used terms to the right, under-used to
    the left, each labelled with the paragraphs it occurs in on the side it is frequent in ("here":
    this group, "rest": the others). A bar is filled when the presence test holds after the
    correction (`holds`) over documents, a year-level test; hatched when it holds over paragraphs
    only, which describes the group's few documents, not the group; outlined otherwise. Whiskers
    from `lr_low`/`lr_high` (capped, so an interval ending at the bar shows). Under each panel:
    the bootstrap's units on both sides, ties left out for space (every tied term named), and
    flagged terms (living in one paragraph), listed but never drawn as themes."""
    groups = list(dict.fromkeys(top["group"]))
    colors = year_colors(groups)
    layout = {}
    for g in groups:
        rows, notes = [], []
        for direction in ("over", "under"):
            part = top[(top["group"] == g) & (top["direction"] == direction)]
            shown, note = _tie_note(part, max_terms)
            rows.append(shown)
            if note:
                notes.append(f"{direction}: {note}")
            flagged = part[part["rank"].isna()]
            if len(flagged):
                notes.append(f"{direction}, not ranked (one passage): " + ", ".join(_labels(flagged)))
        mine = top[top["group"] == g]
        if "boot_unit" in top:
            notes.append(_boot_note(mine["boot_unit"].iloc[0]))
        if "presence_unit" in top and (mine["presence_unit"] == "paragraphs").any():
            notes.append("test over paragraphs: the year has too few documents for a year-level test")
        layout[g] = (pd.concat(rows), notes)
    n_rows = max(len(r) for r, _ in layout.values())
    n_notes = max(sum(len(textwrap.wrap(x, 70)) for x in nt) for _, nt in layout.values())
    fig, axes = panel_grid(len(groups), 4.6, 0.24 * n_rows + 1.4 + 0.3 * n_notes, max_cols=max_cols, sharex=True)
    for ax, g in zip(axes, groups):
        part, notes = layout[g]
        part = part.iloc[::-1]
        y = np.arange(len(part))
        holds = part["holds"].to_numpy(bool) if "holds" in part else (part["p_bonferroni"] < alpha).to_numpy()
        by_doc = (part["presence_unit"] == "documents").to_numpy() if "presence_unit" in part else np.ones(len(part), bool)
        ax.barh(y, part["log_ratio"], color=[colors[g] if h and d else "none" for h, d in zip(holds, by_doc)],
                hatch=None, edgecolor=colors[g], linewidth=1.2)
        para_only = holds & ~by_doc
        if para_only.any():
            ax.barh(y[para_only], part["log_ratio"].to_numpy()[para_only], color="none", hatch="////",
                    edgecolor=colors[g], linewidth=1.2)
        # absent on the other side: the ratio is not estimable, its length is set by the zero-count
        # pseudo-count (distinctive_terms gives it no interval), so the label gets a dagger
        absent = (np.where(part["direction"] == "over", part["freq_ref"], part["freq_target"]) == 0)
        if {"lr_low", "lr_high"} <= set(part):
            ok = part["lr_low"].notna().to_numpy()
            if ok.any():
                p = part[ok]
                ax.errorbar(p["log_ratio"], y[ok], xerr=[(p["log_ratio"] - p["lr_low"]).clip(lower=0),
                                                         (p["lr_high"] - p["log_ratio"]).clip(lower=0)],
                            fmt="none", ecolor="0.15", elinewidth=0.8, capsize=3, capthick=1.0, zorder=3)
        side = np.where(part["direction"] == "over", "here", "rest")
        ax.set_yticks(y, [f"{t}{' †' if a else ''} ({int(p)}¶ {s})" for t, a, p, s in zip(_labels(part), absent, part["paras"], side)],
                      fontsize=7.5)
        ax.set_ylim(-0.7, max(len(part), 1) - 0.3)
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.grid(axis="y", visible=False)
        ax.set_title(f"{g}: over-used (right), under-used (left)", color=colors[g], fontsize=9, fontweight="bold")
        ax.set_xlabel("log ratio (log2, this year vs the others)", fontsize=8)
        ax.tick_params(axis="x", labelbottom=True)
        if notes:
            ax.annotate("\n".join(textwrap.fill(nt, 70) for nt in notes if nt), xy=(0, 0), xycoords="axes fraction",
                        xytext=(-60, -30), textcoords="offset points", fontsize=6.5, va="top", color="0.3")
    family = int(top["family"].iloc[0]) if "family" in top and len(top) else 0
    fig.suptitle(f"Keyness per year vs the other years, both ways; bars ordered by G², length = log ratio. Presence test, "
                 f"Bonferroni over {family} tests, p < {alpha}: filled = holds over documents, hatched = holds over "
                 "paragraphs only, outlined = does not hold.\n(n¶ here / rest) = paragraphs containing the term in "
                 "this year (over-used) or in the other years (under-used); † = absent from the other side: the ratio is not "
                 "estimable, the bar's length is set by a pseudo-count and it has no whisker.\nTerms are lemmas, labelled "
                 "with a form the texts use (all forms in the table's `forms` column)", fontsize=8.5)
    fig.tight_layout()
    return fig


def framing_chart(table: pd.DataFrame, nodes: pd.DataFrame, term: str, window: int, min_count: int, max_cols: int = 3):
    """Collocates of `term` per group side by side (helpers.framing.collocates): bars of logDice
    on its whole scale (0 to its maximum 14, so bar lengths compare), each labelled with a form
    the text uses and its co-occurrence count; a collocate that also co-occurs with the term in
    another group, however often, is drawn outlined in black. `nodes` (framing.node_summary) gives
    each panel its evidence: occurrences of the term, in how many paragraphs and documents."""
    groups = [g for g in nodes["group"]]
    colors = year_colors(groups)
    n_rows = max([int((table["group"] == g).sum()) for g in groups] + [1])
    fig, axes = panel_grid(len(groups), 3.6, 0.26 * n_rows + 1.4, max_cols=max_cols, sharex=True)
    for ax, node in zip(axes, nodes.to_dict("records")):
        g = node["group"]
        part = table[table["group"] == g].iloc[::-1]
        y = np.arange(len(part))
        shared = (part["other_groups"] != "").to_numpy()
        ax.barh(y, part["log_dice"], color=colors[g], edgecolor=["black" if s else colors[g] for s in shared],
                linewidth=[1.6 if s else 0.5 for s in shared])
        ax.set_yticks(y, [f"{c} ({n})" for c, n in zip(_labels(part, "collocate"), part["cooccurrences"])], fontsize=8)
        ax.set_xlim(0, 14)
        ax.set_xticks(range(0, 15, 2))
        ax.set_ylim(-0.6, n_rows - 0.4)
        ax.grid(axis="y", visible=False)
        if not len(part):
            ax.set_yticks([])
            ax.text(0.5, 0.5, f"no collocate seen {min_count}+ times\n('{term}' occurs {node['occurrences']} times)",
                    transform=ax.transAxes, ha="center", va="center", fontsize=8, color="0.3")
        ax.set_title(f"{g}: '{term}' x{node['occurrences']} ({node['paragraphs']} para., {node['documents']} doc.)",
                     color=colors[g], fontsize=9, fontweight="bold")
        ax.set_xlabel("logDice (max 14)", fontsize=8)
        ax.tick_params(axis="x", labelbottom=True)
    fig.suptitle(f"The company '{term}' keeps: collocates within {window} kept words (stop words not counted), same sentence, "
                 f"same side of any quotation mark,\nseen at least {min_count} times (count in brackets); black outline: also "
                 "with the term in another year, at any count", fontsize=9)
    fig.tight_layout()
    return fig
