"""Whose words each year's text is: word shares by voice and by speaker, the paragraphs split by
voice for keyness, and which voice each distinctive term comes from.

Everything starts from the spans table of helpers.voices.voices_table (one row per piece of text,
its kind, speaker and source type), so every number here can be traced to offsets in
docs['text']. Attribution frames ("said Ren Xianliang, vice-minister of ...") and transcript turns
are kinds of their own, so that neither is mistaken for the reporter's narration or for a news
article's quotations.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import themes
from .text import DEFAULT_POLICY, TextPolicy, analyze
from .voices import ORG_WORDS, SPAN_KINDS, SPEECH_KINDS

NARRATION, FRAME, TURN = "narration", "frame", "turn"
TRANSCRIPT_SHARE = 0.5  # a document with at least this share of its words in transcript turns is a transcript


def transcript_docs(spans: pd.DataFrame, share: float = TRANSCRIPT_SHARE) -> list[str]:
    """The documents with at least `share` of their words in transcript turns, sorted."""
    words = spans.groupby("doc_id")["n_words"].sum()
    turns = spans[spans["kind"] == TURN].groupby("doc_id")["n_words"].sum().reindex(words.index, fill_value=0)
    return sorted(words.index[turns >= share * words])


def voice_shares(spans: pd.DataFrame, by: str = "event_year") -> pd.DataFrame:
    """Per group: words in each span kind (narration, frame, direct, indirect, turn) and each
    one's share of the group's words (a span's words: its whitespace-separated tokens); `named
    speakers`: speakers of type "named" (unnamed sources and questioners left out); `transcript
    documents`: how many of the group's documents are transcripts (transcript_docs)."""
    words = spans.pivot_table(index=by, columns="kind", values="n_words", aggfunc="sum", fill_value=0)
    words = words.reindex(columns=list(SPAN_KINDS), fill_value=0).astype(int)
    shares = words.div(words.sum(axis=1), axis=0).add_suffix(" share")
    out = pd.concat([words.add_suffix(" words"), shares], axis=1)
    out["words"] = words.sum(axis=1)
    speech = spans[spans["kind"].isin(SPEECH_KINDS) & (spans["source"] == "named")]
    out["named speakers"] = speech.groupby(by)["speaker"].nunique().reindex(out.index, fill_value=0).astype(int)
    out["documents"] = spans.groupby(by)["doc_id"].nunique()
    trans = set(transcript_docs(spans))
    out["transcript documents"] = spans.groupby(by)["doc_id"].agg(lambda d: len(set(d) & trans))
    return out.reset_index()


def speaker_words(spans: pd.DataFrame, by: str = "event_year") -> pd.DataFrame:
    """Per group and speaker: words quoted directly, reported, and spoken in transcript turns,
    their total, the share of the group's words (all kinds) that are this speaker's, the speaker's
    `source` type (named, unnamed, questioner) and one role per speaker for the whole corpus (the
    longest the texts give, so "President" and "Chinese President" are one). A speech span whose
    speaker could not be found counts under "(unresolved)", source "unnamed"."""
    speech = spans[spans["kind"].isin(SPEECH_KINDS)].copy()
    unresolved = speech["speaker"] == ""
    speech.loc[unresolved, "speaker"], speech.loc[unresolved, "source"] = "(unresolved)", "unnamed"
    total = spans.groupby(by)["n_words"].sum()
    table = speech.pivot_table(index=[by, "speaker"], columns="kind", values="n_words", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=list(SPEECH_KINDS), fill_value=0).astype(int)
    table["words"] = table.sum(axis=1)
    table = table.reset_index()
    table["share of year"] = table["words"] / table[by].map(total)
    roles = speech[speech["role"] != ""].groupby("speaker")["role"].agg(lambda r: max(r, key=lambda x: (len(x), x)))
    table["role"] = [roles.get(s, "") for s in table["speaker"]]
    table["source"] = [speech.loc[speech["speaker"] == s, "source"].iloc[0] for s in table["speaker"]]
    table["documents"] = [speech.loc[(speech[by] == g) & (speech["speaker"] == s), "doc_id"].nunique()
                          for g, s in zip(table[by], table["speaker"])]
    return table.sort_values([by, "words", "speaker"], ascending=[True, False, True], kind="stable").reset_index(drop=True)


def voice_paragraphs(paras: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """The paragraphs table (split_paragraphs) split by voice: for each paragraph one row with its
    narration, one with its attribution frames and one with its quoted words (direct, reported and
    transcript turns), `voice` saying which ("narration", "frame", "quoted"); the pieces of a
    paragraph are joined by line breaks, so no n-gram spans two pieces. Rows with no text are
    dropped. Every other column (doc_id, event_year, series, para, duplicate) is kept, so
    themes.select_paragraphs and themes.distinctive_terms work on it unchanged."""
    voice = np.where(spans["kind"] == NARRATION, "narration", np.where(spans["kind"] == FRAME, "frame", "quoted"))
    pieces = spans.assign(voice=voice).groupby(["doc_id", "para", "voice"], sort=False)["text"].agg("\n".join)
    rows = []
    for p in paras.itertuples(index=False):
        for v in ("narration", "frame", "quoted"):
            text = pieces.get((p.doc_id, p.para, v), "")
            if text:
                rows.append({**p._asdict(), "voice": v, "text": text})
    out = pd.DataFrame(rows, columns=list(paras.columns) + ["voice"])
    if "n_words" in out:
        out["n_words"] = out["text"].str.split().str.len()
    return out


def keyness_views(views: dict[str, pd.DataFrame], policy: TextPolicy, alpha: float = 0.05, **settings) -> dict[str, pd.DataFrame]:
    """themes.distinctive_terms on each view (a paragraphs table), Bonferroni over that view's
    whole family of tests as notebook 02 counts it (themes.keyness_family: each year against the
    rest and each pair of years); a view with fewer than two years gets an empty table."""
    out = {}
    for name, part in views.items():
        if part["event_year"].nunique() < 2:
            out[name] = pd.DataFrame(columns=[c for c in themes.KEYNESS_COLUMNS if c not in ("lr_low", "lr_high", "boot_unit",
                                                                                             "boot_kept")])
            continue
        data = themes.KeynessData(part, policy)
        family = int(themes.keyness_family(data, min_freq=settings.get("min_freq", 3))["tested"].sum())
        out[name] = themes.distinctive_terms(part, policy, family=family, alpha=alpha, data=data, **settings)
    return out


def ranked_over(table: pd.DataFrame) -> pd.DataFrame:
    """The ranked over-used rows of a distinctive_terms table."""
    if not len(table):
        return table
    return table[(table["direction"] == "over") & table["rank"].notna()]


def views_long(keyness: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per (view, year, ranked over-used term): rank, counts, G², the corrected p and
    whether it holds, so each list is read with its significance."""
    cols = ["view", "group", "rank", "term", "freq_target", "freq_ref", "G2", "p_bonferroni", "holds"]
    parts = [ranked_over(t).assign(view=name)[cols] for name, t in keyness.items() if len(ranked_over(t))]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def term_owners(top: pd.DataFrame, spans: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY,
                by: str = "event_year", mostly: float = 0.75) -> pd.DataFrame:
    """For each ranked over-used term of a distinctive_terms table: where its occurrences in its
    group's text fall: `in narration` (the reporter's words outside frames), `in frames`
    (attribution frames), `in speech` (speakers' words: direct, reported, transcript turns),
    `in turns` (of those, transcript turns); main_speaker and main_share (the speaker with most of
    its occurrences, and their share of all of them); `owner`: "one speaker" (every occurrence in
    one speaker's words), "mostly one speaker" (at least `mostly`), "reporter only" (narration and
    frames only), or "mixed"; `names_speaker` when every word of the term is a word of the name or
    the role of a named person speaking that year ("ren", "cyberspace administration"). G2,
    p_bonferroni and holds are carried from `top`. Terms are counted with the policy's analyzer
    (n-grams within a span)."""
    over = ranked_over(top)
    rows = []
    for g, part in over.groupby("group", sort=True):
        year = spans[spans[by] == g]
        who = np.where(year["kind"] == NARRATION, "(narration)",
                       np.where(year["kind"] == FRAME, "(frame)", year["speaker"].replace("", "(unresolved)")))
        named = year[(year["source"] == "named") & (year["speaker"] != "")]
        people = named[np.array([not ORG_WORDS & set(n.lower().split()) for n in named["speaker"]], dtype=bool)]
        names = {w for text in list(people["speaker"]) + list(people["role"])
                 for w in analyze(text, (1, 1), policy.lemmatize)}
        wanted = set(part["term"])
        counts: dict[str, dict[tuple, int]] = {}
        for text, w, kind in zip(year["text"], who, year["kind"]):
            for t in analyze(text, policy.ngram_range, policy.lemmatize):
                if t in wanted:
                    key = (w, kind == TURN)
                    counts.setdefault(t, {}).setdefault(key, 0)
                    counts[t][key] += 1
        for r in part.sort_values(["rank", "term"]).itertuples():
            c = counts.get(r.term, {})
            total = sum(c.values())
            narr = sum(v for (w, _), v in c.items() if w == "(narration)")
            frames = sum(v for (w, _), v in c.items() if w == "(frame)")
            turns = sum(v for (_, t), v in c.items() if t)
            speakers: dict[str, int] = {}
            for (w, _), v in c.items():
                if not w.startswith("("):
                    speakers[w] = speakers.get(w, 0) + v
            main = max(sorted(speakers), key=lambda k: speakers[k]) if speakers else ""
            share = speakers.get(main, 0) / total if total else np.nan
            kind = ("not found" if not total else "one speaker" if share == 1 else
                    "mostly one speaker" if share >= mostly else "reporter only" if narr + frames == total else "mixed")
            rows.append({"group": g, "rank": int(r.rank), "term": r.term, "G2": r.G2, "p_bonferroni": r.p_bonferroni,
                         "holds": bool(r.holds), "occurrences": total, "in narration": narr, "in frames": frames,
                         "in speech": total - narr - frames, "in turns": turns, "main_speaker": main,
                         "main_share": share, "owner": kind, "names_speaker": set(r.term.split()) <= names})
    return pd.DataFrame(rows, columns=["group", "rank", "term", "G2", "p_bonferroni", "holds", "occurrences", "in narration",
                                       "in frames", "in speech", "in turns", "main_speaker", "main_share", "owner",
                                       "names_speaker"])


OWNERS = ("one speaker", "mostly one speaker", "reporter only", "mixed")


def owner_summary(owners: pd.DataFrame, transcript_years=()) -> pd.DataFrame:
    """Per group: its ranked terms, how many hold after the correction, how many fall in each
    owner class, how many reporter-only terms sit mostly in frames, and whether the group's
    documents are all transcripts (`transcript_years`: a year with no narration, where "reporter
    only" cannot occur)."""
    table = owners.pivot_table(index="group", columns="owner", values="term", aggfunc="count", fill_value=0)
    table = table.reindex(columns=list(OWNERS), fill_value=0)
    table.insert(0, "terms", owners.groupby("group").size())
    table.insert(1, "hold", owners.groupby("group")["holds"].sum().astype(int))
    framed = (owners["owner"] == "reporter only") & (owners["in frames"] >= owners["in narration"])
    table["reporter only: mostly in frames"] = framed.groupby(owners["group"]).sum().reindex(table.index, fill_value=0).astype(int)
    table["transcript"] = [g in set(transcript_years) for g in table.index]
    return table.reset_index()


def gold_spans(spans: pd.DataFrame, sentences: pd.DataFrame, gold_tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, int]:
    """The spans with every sentence on which the rules and the gold disagree (kind or speaker)
    replaced by one span of the gold's kind and speaker (a transcript sentence's kind "turn"),
    for the documents in `gold_tables` (doc_id -> voice_scores.gold_sentences table). Returns the
    new spans and the number of sentences replaced: a sensitivity check of anything computed on
    spans against the rules' attribution errors."""
    out, replaced = [spans], 0
    drop = np.zeros(len(spans), bool)
    for doc_id, gold in gold_tables.items():
        mine = sentences[sentences["doc_id"] == doc_id].set_index("start")
        for g in gold.itertuples():
            p = mine.loc[g.start]
            if p["kind"] == g.kind and p["speaker"] == g.speaker:
                continue
            replaced += 1
            rows = (spans["doc_id"] == doc_id) & (spans["sent"] == p["sent"])
            drop |= rows.to_numpy()
            first = spans[rows].iloc[0]
            kind = TURN if g.turn else g.kind
            text = p["text"]
            out.append(pd.DataFrame([{**first.to_dict(), "start": g.start, "end": g.start + len(text), "kind": kind,
                                      "speaker": g.speaker, "role": "", "cue": "gold",
                                      "source": "named" if g.speaker[:1].isupper() else ("unnamed" if g.speaker else ""),
                                      "text": text, "n_words": len(text.split())}]))
    out[0] = spans[~drop]
    result = pd.concat(out, ignore_index=True).sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)
    return result, replaced
