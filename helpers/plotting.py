"""House style, fixed year colours, and save_figure(): byte-identical PNG + SVG + provenance JSON."""
from __future__ import annotations

import hashlib
import json
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


def save_figure(fig, name: str, *, corpus_sha256: str, params: dict | None = None,
                table: pd.DataFrame | None = None, caption: str = "") -> None:
    """Write figures/NAME.png, NAME.svg, NAME.json (and NAME.csv when `table` is given).

    The files are byte-identical from run to run: no timestamps or software strings in the image
    metadata, a fixed SVG hash salt, and JSON written with sorted keys. The JSON records what made
    the figure: the caption, the parameters, the corpus's combined sha256 and package versions.
    """
    out = figures_dir()
    with mpl.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"]}):
        fig.savefig(out / f"{name}.png", metadata={"Software": None}, bbox_inches="tight")
        fig.savefig(out / f"{name}.svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
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


def similarity_heatmaps(panels: dict[str, pd.DataFrame]):
    """One annotated cosine-similarity heatmap per entry of `panels` (title -> square table)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.6), squeeze=False)
    for ax, (title, sim) in zip(axes[0], panels.items()):
        im = ax.imshow(sim.values, cmap="Blues", vmin=0, vmax=1)
        labels = [str(x) for x in sim.index]
        ax.set_xticks(range(len(labels)), labels, rotation=40, ha="right", fontsize=8)
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.grid(False)
        for i in range(len(labels)):
            for j in range(len(labels)):
                v = sim.values[i, j]
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8, color="white" if v > 0.6 else "black")
        ax.set_title(title)
    fig.colorbar(im, ax=axes[0].tolist(), shrink=0.8, label="cosine similarity")
    return fig


def keyness_chart(top: pd.DataFrame, alpha: float = 0.05):
    """Distinctive terms per group side by side: log ratio bars in the year colour, bootstrap
    interval as whiskers; a filled bar is significant after Bonferroni correction, an outlined
    bar is not."""
    import matplotlib.pyplot as plt

    groups = list(dict.fromkeys(top["group"]))
    colors = year_colors(groups)
    n = int(top.groupby("group").size().max())
    fig, axes = plt.subplots(1, len(groups), figsize=(3.4 * len(groups), 0.33 * n + 1.6), sharex=True, squeeze=False)
    for ax, g in zip(axes[0], groups):
        part = top[top["group"] == g].iloc[::-1]
        y = range(len(part))
        sig = part["p_bonferroni"] < alpha
        ax.barh(y, part["log_ratio"], color=[colors[g] if s else "none" for s in sig],
                edgecolor=colors[g], linewidth=1.2)
        if {"lr_low", "lr_high"} <= set(part):
            ax.errorbar(part["log_ratio"], list(y), xerr=[part["log_ratio"] - part["lr_low"], part["lr_high"] - part["log_ratio"]],
                        fmt="none", ecolor="0.25", elinewidth=0.8, capsize=2)
        ax.set_yticks(list(y), part["term"], fontsize=8)
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.grid(axis="y", visible=False)
        ax.set_title(str(g), color=colors[g], fontweight="bold")
        ax.set_xlabel("log ratio (log2)")
    fig.suptitle("Distinctive terms per year vs the other years (filled: significant after Bonferroni)", fontsize=10)
    fig.tight_layout()
    return fig
