"""The company a term keeps, per group (event year): collocates within a window, an association
measure, minimum counts, and the sentence behind every co-occurrence.

A collocate of a node term is a kept token (the text policy's lemma, helpers.text) within
`window` kept tokens either side of an occurrence of the node (stop words and numbers are not
counted, so a window of 5 can span ten or more words of running text), in the same sentence
(helpers.sentences) and on the same side of every quotation mark: in `"... internet governance,"
said Ren` the reporter's attribution is not the company the speaker's word keeps. The node may be a phrase: it matches as kwic() does, adjacent words in one
run. Each (node occurrence, collocate occurrence) pair is one co-occurrence and one line of
`lines`, so a collocate's count is the number of its lines, and a reader can trace it to its
sentences. A collocate token is paired with one node occurrence only (the first whose window
holds it), and a node occurrence with each collocate once, so the count never exceeds the
node's or the collocate's frequency and logDice stays at or below 14.

Association: logDice (Rychlý 2008), 14 + log2(2 f_nc / (f_n + f_c)), with f_nc the
co-occurrences, f_n the node's occurrences and f_c the collocate's, all within the group. Its
maximum is 14 (the two always together); +1 means twice the overlap. Unlike mutual information
it does not reward words seen once, and unlike a significance test it does not grow with the size
of the corpus, so groups of different sizes can be set side by side. It says nothing about
chance: with a few hundred tokens a year, a collocate seen twice is an observation, not a
finding.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .sentences import sentence_spans
from .text import DEFAULT_POLICY, TextPolicy, display_label, phrase_starts, surface_summary, token_spans, tokenize

LINE_COLUMNS = ["group", "collocate", "doc_id", "para", "speaker", "left", "match", "right", "collocate_text", "sentence"]
TABLE_COLUMNS = ["group", "rank", "collocate", "forms", "cooccurrences", "node_freq", "collocate_freq", "log_dice",
                 "documents", "paragraphs", "other_groups"]
# Quotation marks that open or close reported speech; a collocation window never crosses one.
# (Single quotes are left out: the same character is an apostrophe.)
QUOTE_MARKS = '"\u201c\u201d\u00ab\u00bb'


def _quote_segments(text: str, starts) -> np.ndarray:
    """For each character offset in `starts`: how many quotation marks precede it in `text`, so
    two tokens are on the same side of every quotation mark exactly when their numbers agree."""
    marks = [i for i, ch in enumerate(text) if ch in QUOTE_MARKS]
    return np.searchsorted(marks, starts, side="right")


def cooccurrences(paras: pd.DataFrame, term: str, by: str = "event_year", window: int = 5,
                  policy: TextPolicy = DEFAULT_POLICY, width: int = 60):
    """Every co-occurrence of `term` with a kept token within `window` kept tokens in the same
    sentence: one row each (LINE_COLUMNS), with the node in context (`left`, `match`, `right`),
    the collocate's surface form and the whole sentence. Also returns, per group, the node's
    occurrences and every term's frequency (for the association measure)."""
    want = tokenize(term, policy.lemmatize)
    rows, node_freq, freq = [], {}, {}
    for p in paras.sort_values([by, "doc_id", "para"], kind="stable").itertuples(index=False):
        g = getattr(p, by)
        spans = token_spans(p.text, policy.lemmatize)
        node_freq.setdefault(g, 0)
        counts = freq.setdefault(g, {})
        for t, *_ in spans:
            counts[t] = counts.get(t, 0) + 1
        if not want:
            continue
        sents = sentence_spans(p.text)
        starts = [s for _, s, _, _ in spans]
        sent_of = np.searchsorted([e for _, e in sents], starts, side="right")
        quote_of = _quote_segments(p.text, starts)
        n = len(want)
        used: set[int] = set()  # a collocate token pairs with one node occurrence only (the first)
        for i in phrase_starts(spans, want):
            node_freq[g] += 1
            s, e = spans[i][1], spans[i + n - 1][2]
            k = sent_of[i]
            lo, hi = max(0, i - window), min(len(spans), i + n + window)
            types: set[str] = set()  # and a node occurrence pairs with each collocate once
            for j in [*range(lo, i), *range(i + n, hi)]:
                if (sent_of[j] != k or quote_of[j] != quote_of[i] or spans[j][0] == " ".join(want)
                        or j in used or spans[j][0] in types):
                    continue
                used.add(j)
                types.add(spans[j][0])
                ss, se = sents[k] if k < len(sents) else (0, len(p.text))
                rows.append({"group": g, "collocate": spans[j][0], "doc_id": p.doc_id, "para": p.para,
                             "speaker": getattr(p, "speaker", ""),
                             "left": p.text[max(0, s - width):s].rjust(width), "match": p.text[s:e],
                             "right": p.text[e:e + width].ljust(width), "collocate_text": p.text[spans[j][1]:spans[j][2]],
                             "sentence": p.text[ss:se]})
    lines = pd.DataFrame(rows, columns=LINE_COLUMNS)
    return lines, node_freq, freq


def collocates(paras: pd.DataFrame, term: str, by: str = "event_year", window: int = 5, min_count: int = 2,
               n: int = 10, policy: TextPolicy = DEFAULT_POLICY) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Collocates of `term` per group: those with at least `min_count` co-occurrences, ranked by
    logDice (ties share a rank; the `n` best ranks kept, ties at the cut-off included), with the
    forms the text uses (`forms`, e.g. "technologies (2)": collocates are lemmas), the documents
    and paragraphs their co-occurrences come from, and `other_groups`: every other group in which
    the collocate co-occurs with the term at all, with its count there ("2016 (1)"), whether or
    not it passes the minimum, so that "not shared" is never an artefact of the minimum count.
    Returns (table, lines): `lines` holds the co-occurrences behind every row of the table, so
    len(lines of a group and collocate) == its `cooccurrences`."""
    lines, node_freq, freq = cooccurrences(paras, term, by, window, policy)
    if lines.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS), lines
    stats = (lines.groupby(["group", "collocate"], sort=True)
             .agg(cooccurrences=("doc_id", "size"), documents=("doc_id", "nunique"),
                  paragraphs=("para", lambda s: lines.loc[s.index, ["doc_id", "para"]].drop_duplicates().shape[0]),
                  forms=("collocate_text", surface_summary))
             .reset_index())
    everywhere = {c: part for c, part in stats.groupby("collocate")[["group", "cooccurrences"]]}
    stats = stats[stats["cooccurrences"] >= min_count].copy()
    stats["node_freq"] = stats["group"].map(node_freq)
    stats["collocate_freq"] = [freq[g][c] for g, c in zip(stats["group"], stats["collocate"])]
    stats["log_dice"] = (14 + np.log2(2 * stats["cooccurrences"] / (stats["node_freq"] + stats["collocate_freq"]))).round(9)
    out = []
    for g, part in stats.groupby("group", sort=True):
        part = part.assign(rank=part["log_dice"].rank(method="min", ascending=False).astype(int))
        part = part[part["rank"] <= part["rank"].nsmallest(n).max()]
        out.append(part.sort_values(["rank", "collocate"], kind="stable"))
    table = pd.concat(out, ignore_index=True) if out else stats.assign(rank=[])
    table["other_groups"] = [", ".join(f"{og} ({int(k)})" for og, k in everywhere[c].itertuples(index=False) if og != g)
                             for g, c in zip(table["group"], table["collocate"])]
    keep = set(zip(table["group"], table["collocate"]))
    lines = lines[[(g, c) in keep for g, c in zip(lines["group"], lines["collocate"])]].reset_index(drop=True)
    return table[TABLE_COLUMNS].reset_index(drop=True), lines


def node_summary(paras: pd.DataFrame, term: str, by: str = "event_year", policy: TextPolicy = DEFAULT_POLICY) -> pd.DataFrame:
    """Per group: the node's occurrences, in how many documents and paragraphs, and per 1,000
    kept tokens: how much evidence each group's collocates rest on."""
    from .text import kwic

    hits = kwic(paras, term, policy=policy).rename(columns={"event_year": by}) if by != "event_year" else kwic(paras, term, policy=policy)
    tokens = paras.groupby(by)["text"].apply(lambda s: sum(len(tokenize(t, policy.lemmatize)) for t in s))
    docs = paras.groupby(by)["doc_id"].nunique()
    rows = []
    for g in sorted(paras[by].unique()):
        h = hits[hits[by] == g] if len(hits) else hits
        rows.append({"group": g, "documents_in_group": int(docs[g]), "occurrences": len(h),
                     "documents": h["doc_id"].nunique() if len(h) else 0,
                     "paragraphs": len(h[["doc_id", "para"]].drop_duplicates()) if len(h) else 0,
                     "per_1000_tokens": round(1000 * len(h) / max(int(tokens[g]), 1), 2)})
    return pd.DataFrame(rows)


def evidence_summary(paras: pd.DataFrame, term: str, table: pd.DataFrame, nodes: pd.DataFrame, window: int = 5,
                     by: str = "event_year", policy: TextPolicy = DEFAULT_POLICY) -> list[str]:
    """What a framing comparison rests on, as sentences built from its tables (one per group, then
    the shared collocates and the largest counts): the node's occurrences, the collocates that
    pass the minimum (`table`), and every word seen with the node at any count, so a reader sees
    what the minimum left out; each word as the texts spell it (helpers.text.display_label)."""
    any_count, _ = collocates(paras, term, by, window, min_count=1, n=len(paras) + 1, policy=policy)
    seen = {g: ", ".join(f"{display_label(c, f)} ({k})" for c, f, k in zip(p["collocate"], p["forms"], p["cooccurrences"]))
            for g, p in any_count.groupby("group")}
    out = []
    for r in nodes.itertuples(index=False):
        mine = table[table["group"] == r.group]
        shown = ", ".join(display_label(c, f) for c, f in zip(mine["collocate"], mine["forms"])) or "none passes the minimum"
        out.append(f"{r.group}: '{term}' occurs {r.occurrences} times in {r.paragraphs} paragraph(s) of {r.documents} of "
                   f"the year's {r.documents_in_group} document(s); collocates: {shown}; every word seen with it, at any "
                   f"count: {seen.get(r.group, 'none')}.")
    shared = sorted(set(table.loc[table["other_groups"] != "", "collocate"]))
    out.append(f"Collocates shown for one year that occur with '{term}' in another year too, at any count: "
               f"{', '.join(shared) or 'none'}.")
    out.append(f"Largest co-occurrence count behind any collocate: {int(table['cooccurrences'].max()) if len(table) else 0}; "
               f"most documents behind one year's collocates: {int(table['documents'].max()) if len(table) else 0}.")
    return out
