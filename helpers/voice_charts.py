"""Charts for notebook 06: whose words each year's text is (shares by voice) and who speaks
most (words per speaker). Both work for any number of years and speakers; each returns the
figure, the table it drew and a caption."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from .plotting import year_colors

# Narration grey, the speakers' words in two blues (Okabe-Ito blue and sky blue), hatched when
# reported, so a print in black and white still tells the three apart.
VOICE_STYLE = {"narration": ("#BBBBBB", ""), "direct": ("#0072B2", ""), "indirect": ("#56B4E9", "///")}
VOICE_LABEL = {"narration": "narration (the reporter's words)", "direct": "direct quotation / transcript turn",
               "indirect": "reported (indirect) speech"}


def voice_share_chart(shares: pd.DataFrame, by: str = "event_year"):
    """Horizontal stacked bars, one per group (first at the top): the share of its words in
    narration, direct quotation and reported speech, with the group's words and speakers."""
    table = shares.sort_values(by, ascending=False).reset_index(drop=True)
    height = 0.6 * len(table) + 1.6
    fig, ax = plt.subplots(figsize=(7.5, height))
    left = pd.Series(0.0, index=table.index)
    for kind, (color, hatch) in VOICE_STYLE.items():
        ax.barh(table.index, table[f"{kind} share"], left=left, color=color, hatch=hatch, edgecolor="white",
                label=VOICE_LABEL[kind])
        left += table[f"{kind} share"]
    labels = [f"{g}\n{r.words} words, {r.speakers} speaker{'s' if r.speakers != 1 else ''}" for g, r in
              zip(table[by], table.itertuples())]
    ax.set_yticks(table.index, labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("share of the year's words")
    ax.set_title("Whose words? Narration, direct quotation and reported speech by year")
    ax.grid(axis="y", visible=False)
    fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=7)
    fig.tight_layout(rect=(0, 0.45 / height, 1, 1))  # room for the legend, whatever the number of years
    caption = ("Share of each event year's words in narration (the reporter's own words, attribution "
               "frames such as 'X said' included), in direct quotation (quotation marks, or a transcript "
               "speaker's turn) and in reported speech (content introduced by a reporting verb or 'according "
               "to'), from the rule-based attribution of helpers.voices; words are whitespace-separated "
               "tokens of the cleaned text.")
    return fig, table, caption


def top_speakers_chart(speakers: pd.DataFrame, n: int = 12, by: str = "event_year"):
    """Horizontal bars of the `n` speakers with the most words (direct solid, reported hatched),
    coloured by year, labelled with the role the text gives them."""
    top = speakers.sort_values(["words", by, "speaker"], ascending=[False, True, True], kind="stable").head(n)
    top = top.iloc[::-1].reset_index(drop=True)
    colors = year_colors(speakers[by])
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(top) + 1.5))
    fill = [colors[int(y)] for y in top[by]]
    ax.barh(top.index, top["direct"], color=fill, edgecolor="white")
    ax.barh(top.index, top["indirect"], left=top["direct"], color=fill, alpha=0.55, hatch="///", edgecolor="white")
    labels = [f"{r.speaker} ({r.event_year})" + (f"\n{textwrap.shorten(r.role, 48, placeholder='…')}" if r.role else "")
              for r in top.itertuples()]
    ax.set_yticks(top.index, labels, fontsize=7)
    for i, r in top.iterrows():
        ax.annotate(f"{r['words']} ({r['share of year']:.0%} of {r[by]})", (r["words"], i), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7)
    ax.set_xlabel("words attributed to the speaker (solid: direct quotation; hatched: reported)")
    ax.set_title(f"Top {len(top)} speakers by words")
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, float(top["words"].max()) * 1.4 if len(top) else 1)
    fig.tight_layout()
    caption = (f"The {len(top)} speakers with the most words in the corpus, by event year (colour): words "
               "quoted directly (solid) and reported (hatched), the share of their year's words, and the role "
               "the text gives them; names and roles as the texts write them (helpers.voices). A "
               "transcript's questioners are the media outlets named in its speaker labels.")
    return fig, top.iloc[::-1].reset_index(drop=True), caption
