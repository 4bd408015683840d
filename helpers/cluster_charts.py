"""Charts for notebook 03: choosing k against a null baseline, theme shares by group, paragraph
map, document tree. Every chart works for any number of years or groups."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import dendrogram

from .clusters import BEATS_SD, UNSTABLE
from .plotting import year_colors

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p"]
# Paul Tol's muted and light schemes without the colours close to the year colours (Okabe-Ito):
# a cluster must never look like a year (tests/test_clusters.py measures the distance).
CLUSTER_COLORS = ["#CC6677", "#332288", "#DDCC77", "#882255", "#44AA99", "#999933", "#AA4499", "#EE8866",
                  "#FFAABB", "#BBCC33", "#77AADD", "#661100"]
UNSTABLE_COLOR = "#DDDDDD"


def cluster_colors(n: int) -> list[str]:
    """Colours for clusters 0..n-1, none of them a year colour (cycling beyond twelve)."""
    return [CLUSTER_COLORS[i % len(CLUSTER_COLORS)] for i in range(n)]


def choose_k_chart(scores: pd.DataFrame, chosen: int | None, min_size: int = 1):
    """Left: the silhouette of each k against the same clustering of copies with the terms shuffled
    between paragraphs (mean, band of +-1 sd, the largest, and the rule's threshold, mean + BEATS_SD
    sd); a k that fails the rule (below the threshold, or a cluster smaller than `min_size`) is drawn
    hollow, so no k looks as if it qualified when it did not. Right: agreement of each k's solution
    across seeds."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9, 4.3), gridspec_kw={"width_ratios": [3, 2]})
    ax.fill_between(scores["k"], scores["null_mean"] - scores["null_sd"], scores["null_mean"] + scores["null_sd"],
                    color="0.85", label="shuffled copies: mean ± sd")
    ax.plot(scores["k"], scores["null_mean"], color="0.55", linestyle="--")
    ax.plot(scores["k"], scores["null_mean"] + BEATS_SD * scores["null_sd"], color="0.35", linestyle=":",
            label=f"threshold: mean + {BEATS_SD} sd")
    ax.plot(scores["k"], scores["null_max"], color="0.55", linestyle="none", marker="_", markersize=10,
            label="shuffled copies: largest")
    ok = (scores["beats_null"] & (scores["smallest_cluster"] >= min_size)).to_numpy()
    ax.plot(scores["k"], scores["silhouette"], color="0.15")
    ax.plot(scores["k"][ok], scores["silhouette"][ok], marker="o", color="0.15", linestyle="none", label="the paragraphs: k qualifies")
    ax.plot(scores["k"][~ok], scores["silhouette"][~ok], marker="o", color="0.15", markerfacecolor="white", linestyle="none",
            label=f"k fails (threshold, or a cluster under {min_size} paragraphs)")
    if chosen is not None:
        best = scores[scores["k"] == chosen]
        ax.plot(best["k"], best["silhouette"], marker="o", markersize=12, markerfacecolor="none",
                color="#CC6677", linestyle="none", label=f"chosen k = {chosen}")
    ax.set_xlabel("number of clusters k")
    ax.set_ylabel("mean silhouette (cosine)")
    ax.set_ylim(0, max(0.1, float(scores[["silhouette", "null_max"]].max().max()) * 1.15))
    ax.set_title("Silhouette against a no-structure baseline", fontsize=10)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)  # below: clear of every point
    ax2.bar(scores["k"], scores["seed_ari"], color="0.55")
    ax2.set_ylim(0, 1)
    ax2.set_xlabel("number of clusters k")
    ax2.set_ylabel("mean ARI with other seeds")
    ax2.set_title("Same partition with another seed?", fontsize=10)
    ax2.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig


def share_title(long: pd.DataFrame, k: int | None = None) -> str:
    """The share chart's title; when no cluster is stable it says so (every bar is one band)."""
    if set(long["theme"]) <= {UNSTABLE}:
        return "No stable cluster" + (f" at k = {k}" if k is not None else "") + ": every paragraph is in the unstable / mixed band"
    return "Paragraph clusters by group: stable clusters only, the rest as one band"


def share_chart(long: pd.DataFrame, k: int | None = None):
    """Horizontal stacked bars, one per group (in the table's order, top to bottom): the share of
    its paragraphs in each stable cluster and in one grey "unstable / mixed" band, with n; titled
    by `share_title`."""
    groups = list(dict.fromkeys(long["group"]))
    themes = list(dict.fromkeys(long["theme"]))
    colors = dict(zip([t for t in themes if t != UNSTABLE], CLUSTER_COLORS)) | {UNSTABLE: UNSTABLE_COLOR}
    fig, ax = plt.subplots(figsize=(8.5, 1.2 + 0.42 * len(groups)))
    y = np.arange(len(groups))[::-1]
    left = np.zeros(len(groups))
    table = long.pivot(index="group", columns="theme", values="share").reindex(index=groups, columns=themes)
    for theme in themes:
        vals = table[theme].to_numpy()
        ax.barh(y, vals, left=left, color=colors[theme], edgecolor="white", linewidth=0.6, label=theme)
        left += vals
    n = long.drop_duplicates("group").set_index("group")["n"]
    for yi, g in zip(y, groups):
        ax.text(1.01, yi, f"n = {n[g]}", va="center", fontsize=8)
    ax.set_yticks(y, groups)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the group's paragraphs")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.1, 1.0), fontsize=7, title="cluster (label)", title_fontsize=8)
    ax.set_title(share_title(long, k), fontsize=10)
    return fig


def map_chart(xy: np.ndarray, explained: np.ndarray, labels: np.ndarray, years, names: dict[int, str],
              stable: set[int]):
    """Paragraphs on the first two SVD axes (their share of the variance on the axis labels):
    colour = cluster (never a year colour), marker = event year."""
    colors = cluster_colors(int(labels.max()) + 1)
    years = np.asarray(years)
    uniq = sorted(set(years))
    fig, ax = plt.subplots(figsize=(8, 5))
    for yi, year in enumerate(uniq):
        for c in sorted(set(labels)):
            m = (years == year) & (labels == c)
            if m.any():
                ax.scatter(xy[m, 0], xy[m, 1], color=colors[c], marker=MARKERS[yi % len(MARKERS)], s=45,
                           edgecolor="0.2", linewidth=0.4)
    handles = [plt.Line2D([], [], color=colors[c], marker="o", linestyle="none",
                          label=f"{names[c]} ({'stable' if c in stable else 'unstable'})") for c in sorted(set(labels))]
    handles += [plt.Line2D([], [], color="0.3", marker=MARKERS[i % len(MARKERS)], linestyle="none", label=str(y))
                for i, y in enumerate(uniq)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    ax.set_xlabel(f"SVD axis 1 ({explained[0]:.1%} of the variance)")
    ax.set_ylabel(f"SVD axis 2 ({explained[1]:.1%} of the variance)")
    ax.set_title("Paragraphs on the first two SVD axes (colour: cluster, marker: year)")
    return fig


def dendrogram_chart(link: np.ndarray, names: list[str], years: dict[str, int], baseline: set[str] = frozenset()):
    """The document tree; labels in their year's colour, baseline documents marked."""
    fig, ax = plt.subplots(figsize=(7, 1.6 + 0.4 * len(names)))
    shown = [f"{n} (baseline)" if n in baseline else n for n in names]
    dendrogram(link, labels=shown, orientation="right", ax=ax, color_threshold=0, above_threshold_color="0.3")
    ycol = year_colors(years.values())
    for tick in ax.get_yticklabels():
        tick.set_color(ycol[years[tick.get_text().removesuffix(" (baseline)")]])
    ax.set_xlabel("cosine distance (average linkage)")
    ax.grid(False)
    ax.set_title("Documents clustered by their mean TF-IDF vectors")
    return fig
