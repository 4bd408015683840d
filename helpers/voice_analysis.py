"""Whose words each year's text is: word shares by voice and by speaker, the paragraphs split by
voice for keyness, and which voice each distinctive term comes from.

Everything starts from the spans table of helpers.voices.voices_table (one row per piece of text,
its kind and speaker), so every number here can be traced to offsets in docs['text'].
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .text import DEFAULT_POLICY, TextPolicy, analyze
from .voices import ORG_WORDS

NARRATION = "narration"


def voice_shares(spans: pd.DataFrame, by: str = "event_year") -> pd.DataFrame:
    """Per group: words in narration, direct quotation and reported speech, and each one's share
    of the group's words (a span's words: its whitespace-separated tokens)."""
    words = spans.pivot_table(index=by, columns="kind", values="n_words", aggfunc="sum", fill_value=0)
    words = words.reindex(columns=["narration", "direct", "indirect"], fill_value=0).astype(int)
    shares = words.div(words.sum(axis=1), axis=0).add_suffix(" share")
    out = pd.concat([words.add_suffix(" words"), shares], axis=1)
    out["words"] = words.sum(axis=1)
    out["speakers"] = spans[spans["kind"] != NARRATION].groupby(by)["speaker"].apply(lambda s: s[s != ""].nunique())
    return out.fillna({"speakers": 0}).astype({"speakers": int}).reset_index()


def speaker_words(spans: pd.DataFrame, by: str = "event_year") -> pd.DataFrame:
    """Per group and speaker: words quoted directly, words reported, their total, the share of
    the group's words (all voices) that are this speaker's, and the role the text gives. A speech
    span whose speaker could not be found counts under "(unresolved)"."""
    speech = spans[spans["kind"] != NARRATION].assign(speaker=lambda t: t["speaker"].replace("", "(unresolved)"))
    total = spans.groupby(by)["n_words"].sum()
    table = speech.pivot_table(index=[by, "speaker"], columns="kind", values="n_words", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=["direct", "indirect"], fill_value=0).astype(int)
    table["words"] = table.sum(axis=1)
    table = table.reset_index()
    table["share of year"] = table["words"] / table[by].map(total)
    roles = speech.groupby([by, "speaker"])["role"].agg(lambda r: next((x for x in r if x), ""))
    table["role"] = [roles.get((g, s), "") for g, s in zip(table[by], table["speaker"])]
    table["documents"] = [speech.loc[(speech[by] == g) & (speech["speaker"] == s), "doc_id"].nunique()
                          for g, s in zip(table[by], table["speaker"])]
    return table.sort_values([by, "words", "speaker"], ascending=[True, False, True], kind="stable").reset_index(drop=True)


def voice_paragraphs(paras: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """The paragraphs table (split_paragraphs) split by voice: for each paragraph one row with
    its narration and one with its quoted words (direct and reported), `voice` saying which; the
    pieces of a paragraph are joined by line breaks, so no n-gram spans two pieces. Rows with no
    text are dropped. Every other column (doc_id, event_year, series, para, duplicate) is kept,
    so themes.select_paragraphs and themes.distinctive_terms work on it unchanged."""
    sents_para = spans.assign(voice=np.where(spans["kind"] == NARRATION, "narration", "quoted"))
    pieces = sents_para.groupby(["doc_id", "para", "voice"], sort=False)["text"].agg("\n".join)
    rows = []
    for p in paras.itertuples(index=False):
        for voice in ("narration", "quoted"):
            text = pieces.get((p.doc_id, p.para, voice), "")
            if text:
                rows.append({**p._asdict(), "voice": voice, "text": text})
    out = pd.DataFrame(rows, columns=list(paras.columns) + ["voice"])
    if "n_words" in out:
        out["n_words"] = out["text"].str.split().str.len()
    return out


def term_owners(top: pd.DataFrame, spans: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY,
                by: str = "event_year") -> pd.DataFrame:
    """For each over-used term of a distinctive_terms table (ranked rows): where its occurrences
    in its group's text fall, by voice: narration, or a speaker's words (direct or reported).
    Columns: group, rank, term, occurrences, voices (how many), main_voice, main_share, and
    `owner`: "narration only", "one speaker" (every occurrence in one speaker's words), or
    "mixed"; `names_speaker` when every word of the term is a word of the name of a person
    speaking that year ("ren" for Ren Xianliang; bodies such as "the Cyberspace Administration of
    China" are not counted). Terms are counted in the spans with the policy's analyzer (n-grams
    within a span)."""
    over = top[(top["direction"] == "over") & top["rank"].notna()]
    rows = []
    for g, part in over.groupby("group", sort=True):
        year = spans[spans[by] == g]
        owner = np.where(year["kind"] == NARRATION, "(narration)", year["speaker"].replace("", "(unresolved)"))
        people = [n for n in year["speaker"].unique() if n[:1].isupper() and not ORG_WORDS & set(n.lower().split())]
        names = {w for n in people for w in analyze(n, (1, 1), policy.lemmatize)}
        counts: dict[str, dict[str, int]] = {}
        wanted = set(part["term"])
        for text, who in zip(year["text"], owner):
            for t in analyze(text, policy.ngram_range, policy.lemmatize):
                if t in wanted:
                    counts.setdefault(t, {}).setdefault(who, 0)
                    counts[t][who] += 1
        for r in part.sort_values(["rank", "term"]).itertuples():
            c = counts.get(r.term, {})
            total = sum(c.values())
            main = max(sorted(c), key=lambda k: c[k]) if c else ""
            kind = ("narration only" if set(c) == {"(narration)"} else
                    "one speaker" if len(c) == 1 else "mixed") if c else "not found"
            rows.append({"group": g, "rank": int(r.rank), "term": r.term, "occurrences": total, "voices": len(c),
                         "main_voice": main, "main_share": c.get(main, 0) / total if total else np.nan, "owner": kind,
                         "names_speaker": set(r.term.split()) <= names})
    return pd.DataFrame(rows, columns=["group", "rank", "term", "occurrences", "voices", "main_voice", "main_share", "owner",
                                       "names_speaker"])


def owner_summary(owners: pd.DataFrame, mostly: float = 0.75) -> pd.DataFrame:
    """Per group: how many of its over-used top terms occur only in one speaker's words, only in
    narration, or in several voices (and the share of each); how many have at least `mostly` of
    their occurrences in one speaker's words; and how many narration-only terms are a speaker's name."""
    table = owners.pivot_table(index="group", columns="owner", values="term", aggfunc="count", fill_value=0)
    table = table.reindex(columns=["one speaker", "narration only", "mixed"], fill_value=0)
    table.insert(0, "terms", table.sum(axis=1))
    for col in ("one speaker", "narration only", "mixed"):
        table[f"{col} share"] = table[col] / table["terms"]
    speaker_main = ~owners["main_voice"].isin(["(narration)", ""]) & (owners["main_share"] >= mostly)
    table["mostly one speaker"] = speaker_main.groupby(owners["group"]).sum().reindex(table.index, fill_value=0).astype(int)
    names = (owners["owner"] == "narration only") & owners["names_speaker"]
    table["narration: speaker names"] = names.groupby(owners["group"]).sum().reindex(table.index, fill_value=0).astype(int)
    return table.reset_index()


def list_overlap(full: pd.DataFrame, parts: dict[str, pd.DataFrame], compared: dict[str, set] | None = None) -> pd.DataFrame:
    """Per group: how many of the full text's ranked over-used terms are also ranked over-used in
    each voice's own keyness (e.g. narration only, quotations only). `compared` gives, per voice,
    the groups its keyness compared: a compared group with nothing ranked counts 0, a group not
    compared (no text in that voice, or one group only) is NaN. Without it, a group with nothing
    ranked is NaN."""
    def ranked(t):
        t = t[(t["direction"] == "over") & t["rank"].notna()] if len(t) else t
        return {g: set(p["term"]) for g, p in t.groupby("group")} if len(t) else {}
    base = ranked(full)
    rows = []
    for g in sorted(base):
        row = {"group": g, "full list": len(base[g])}
        for name, t in parts.items():
            terms = ranked(t).get(g)
            if terms is None and compared is not None and g in compared.get(name, set()):
                terms = set()
            row[f"also in {name}"] = len(base[g] & terms) if terms is not None else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
