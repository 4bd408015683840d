"""Charts for notebook 03: silhouette by k, theme shares by year, paragraph map, document tree."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import dendrogram

from .plotting import OKABE_ITO, year_colors

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def cluster_colors(n: int) -> list[str]:
    """Colour-blind-safe colours for clusters 0..n-1 (Okabe-Ito, then tab20 beyond eight)."""
    if n <= len(OKABE_ITO):
        return OKABE_ITO[:n]
    return [plt.get_cmap("tab20")(i % 20) for i in range(n)]


def silhouette_chart(scores: pd.DataFrame, chosen: int):
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.plot(scores["k"], scores["silhouette"], marker="o", color="0.3")
    best = scores[scores["k"] == chosen]
    ax.plot(best["k"], best["silhouette"], marker="o", markersize=11, markerfacecolor="none", color="#D55E00",
            linestyle="none", label=f"chosen k = {chosen}")
    ax.set_xlabel("number of clusters k")
    ax.set_ylabel("mean silhouette (cosine)")
    ax.set_title("Choosing k: silhouette of k-means solutions")
    ax.legend()
    return fig


def share_chart(shares: pd.DataFrame, labels: dict[int, str], apart: set[int]):
    """Stacked bars: each year's paragraphs split by cluster. Years in `apart` (events outside the
    compared series) stand to the right, after a gap."""
    years = [y for y in shares.index if y not in apart] + [y for y in shares.index if y in apart]
    x = [i + (0.6 if y in apart else 0) for i, y in enumerate(years)]
    colors = cluster_colors(len(shares.columns))
    fig, ax = plt.subplots(figsize=(8.5, 4.4))
    bottom = np.zeros(len(years))
    for color, c in zip(colors, shares.columns):
        vals = shares.loc[years, c].to_numpy()
        ax.bar(x, vals, bottom=bottom, color=color, edgecolor="white", linewidth=0.5, label=labels[c])
        bottom += vals
    ycol = year_colors(years)
    ax.set_xticks(x, [f"{y}\n(other event)" if y in apart else str(y) for y in years])
    for tick, y in zip(ax.get_xticklabels(), years):
        tick.set_color(ycol[y])
    ax.set_ylabel("share of the year's paragraphs")
    ax.set_ylim(0, 1)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, title="cluster: top terms", title_fontsize=8)
    ax.set_title("Themes (paragraph clusters) by event year")
    return fig


def map_chart(xy: np.ndarray, labels: np.ndarray, years, names: dict[int, str]):
    """Paragraphs on the first two SVD axes: colour = cluster, marker = event year."""
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
    handles = [plt.Line2D([], [], color=colors[c], marker="o", linestyle="none", label=names[c]) for c in sorted(set(labels))]
    handles += [plt.Line2D([], [], color="0.3", marker=MARKERS[i % len(MARKERS)], linestyle="none", label=str(y))
                for i, y in enumerate(uniq)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    ax.set_xlabel("SVD axis 1")
    ax.set_ylabel("SVD axis 2")
    ax.set_title("Paragraphs mapped by TruncatedSVD (colour: cluster, marker: year)")
    return fig


def dendrogram_chart(link: np.ndarray, names: list[str], years: dict[str, int]):
    fig, ax = plt.subplots(figsize=(7, 3.6))
    dendrogram(link, labels=names, orientation="right", ax=ax, color_threshold=0, above_threshold_color="0.3")
    ycol = year_colors(years.values())
    for tick in ax.get_yticklabels():
        tick.set_color(ycol[years[tick.get_text()]])
    ax.set_xlabel("cosine distance (average linkage)")
    ax.grid(False)
    ax.set_title("Documents clustered by their mean LSA vectors")
    return fig
