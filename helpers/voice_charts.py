"""Charts for notebook 06: whose words each year's text is (shares by voice) and who speaks
most (words per speaker). Both work for any number of years and speakers; each returns the
figure, the table it drew and a caption."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
from matplotlib.patches import Patch
import pandas as pd

from .plotting import year_colors

# Narration grey and frames light grey (dotted), the speakers' words in two blues (Okabe-Ito blue
# and sky blue, hatched when reported), transcript turns reddish purple (cross-hatched), so a print in
# black and white still tells the five apart (this chart uses no year colours).
VOICE_STYLE = {"narration": ("#BBBBBB", ""), "frame": ("#DDDDDD", ".."), "direct": ("#0072B2", ""),
               "indirect": ("#56B4E9", "///"), "turn": ("#CC79A7", "xx")}
VOICE_LABEL = {"narration": "narration (the reporter's words)", "frame": "attribution frame ('X said')",
               "direct": "direct quotation", "indirect": "reported (indirect) speech", "turn": "transcript turn"}
SPEAKER_STYLE = {"direct": (1.0, ""), "indirect": (0.55, "///"), "turn": (0.35, "xx")}


def voice_share_chart(shares: pd.DataFrame, by: str = "event_year"):
    """Horizontal stacked bars, one per group (first at the top): the share of its words in each
    span kind, with the group's words, named speakers, documents and transcripts."""
    table = shares.sort_values(by, ascending=False).reset_index(drop=True)
    height = 0.6 * len(table) + 1.9
    fig, ax = plt.subplots(figsize=(7.5, height))
    left = pd.Series(0.0, index=table.index)
    for kind, (color, hatch) in VOICE_STYLE.items():
        ax.barh(table.index, table[f"{kind} share"], left=left, color=color, hatch=hatch, edgecolor="white",
                label=VOICE_LABEL[kind])
        left += table[f"{kind} share"]
    labels = [f"{g}: {d} doc{'s' if d != 1 else ''}" + (f", {t} transcript" if t else "")
              + f"\n{w} words, {n} named speaker{'s' if n != 1 else ''}"
              for g, d, t, w, n in zip(table[by], table["documents"], table["transcript documents"], table["words"],
                                       table["named speakers"])]
    ax.set_yticks(table.index, labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("share of the words of the year's documents")
    ax.set_title("Whose words? Narration, frames, quotation, reported speech and transcript turns\n"
                 "in each year's documents", fontsize=10)
    ax.grid(axis="y", visible=False)
    fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=7)
    fig.tight_layout(rect=(0, 0.6 / height, 1, 1))  # room for the legend, whatever the number of years
    caption = ("Share of the words of each event year's documents by span kind: narration (the reporter's own "
               "words), attribution frames ('said X, role', the reporter naming who spoke), direct quotation (in "
               "quotation marks), reported speech (content introduced by a reporting verb or 'according to') and "
               "transcript turns (a transcript speaker's own words, a genre rather than a choice of quoting), from "
               "the rule-based attribution of helpers.voices; words are whitespace-separated tokens of the cleaned "
               "text. " + (f"With {int(table['documents'].max())} document(s) or fewer a year, a bar describes those "
                           "documents, not a trend." if table["documents"].max() < 3 else
                           "Each bar pools its year's documents; their number is in its label."))
    return fig, table, caption


def top_speakers_chart(speakers: pd.DataFrame, n: int = 12, by: str = "event_year"):
    """Horizontal bars of the `n` named speakers with the most words (unnamed sources and a
    transcript's questioners left out): direct solid, reported hatched, transcript turns
    cross-hatched and labelled as such; coloured by year, with a year legend; one role per
    speaker."""
    named = speakers[speakers["source"] == "named"]
    top = named.sort_values(["words", by, "speaker"], ascending=[False, True, True], kind="stable").head(n)
    top = top.iloc[::-1].reset_index(drop=True)
    colors = year_colors(speakers[by])
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(top) + 2.0))
    fill = [colors[int(y)] for y in top[by]]
    left = pd.Series(0.0, index=top.index)
    for kind, (alpha, hatch) in SPEAKER_STYLE.items():
        ax.barh(top.index, top[kind], left=left, color=fill, alpha=alpha, hatch=hatch, edgecolor="white")
        left += top[kind]
    labels = [f"{r.speaker} ({r.event_year})" + (" [transcript]" if r.turn else "")
              + (f"\n{textwrap.shorten(r.role, 48, placeholder='…')}" if r.role else "")
              for r in top.itertuples()]
    ax.set_yticks(top.index, labels, fontsize=7)
    for i, r in top.iterrows():
        ax.annotate(f"{r['words']} ({r['share of year']:.0%} of {r[by]})", (r["words"], i), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7)
    years = sorted({int(y) for y in top[by]})
    kinds = [Patch(facecolor="#777777", alpha=a, hatch=h, edgecolor="white", label=lab) for (a, h), lab in
             zip(SPEAKER_STYLE.values(), ("direct quotation", "reported speech", "transcript turn"))]
    ax.legend(handles=[Patch(color=colors[y], label=str(y)) for y in years] + kinds, fontsize=7, loc="lower right",
              ncol=2)
    ax.set_xlabel("words attributed to the speaker")
    ax.set_title(f"Top {len(top)} named speakers by words")
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, float(top["words"].max()) * 1.45 if len(top) else 1)
    fig.tight_layout()
    caption = (f"The {len(top)} named speakers with the most words in the corpus, coloured by event year: words "
               "quoted directly (solid), reported (hatched) and spoken in transcript turns (cross-hatched; "
               "'[transcript]': an answer at a briefing, not a quote chosen by a reporter), the share of their "
               "year's words, and one role per speaker (the longest the texts give); unnamed sources ('reports', "
               "'experts') and a transcript's questioners are left out (helpers.voices, helpers.voice_analysis).")
    return fig, top.iloc[::-1].reset_index(drop=True), caption
