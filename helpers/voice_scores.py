"""Scoring attributions against hand-annotated gold, and the reference "said"-pattern baseline.

Gold files (tests/gold/voices_*.jsonl), one JSON object per document or passage:
`sentences` lists [start of a sentence, kind, speaker]; `paragraphs` lists [start of a paragraph,
kind, speaker] for every sentence of that paragraph (transcript turns); a sentence not listed is
narration with no speaker; `roles` maps a speaker to the role the text gives them. Passages of the
held-out sets carry their own `text`; the seed documents are found by `doc_id`.

How the gold was annotated (written down before the rules):
- direct: the sentence holds words in quotation marks presented as a source's own (a whole quote
  or part of one), or is in a transcript speaker's turn;
- indirect: its main clause gives a source's content through a verb of saying with what was said
  (a that-clause or a clause without "that"; "call for" / "urge" with what is urged), or through
  "according to X"; so is a sentence the text ties to the previous one's reported speech ("in
  several ways. First, ..."). A speech act named without its content ("introduced the province's
  achievements", "elaborated on this", "declined to comment") is narration;
- narration: everything else; a quoted name, motto or scare quote keeps its sentence's voice;
- speaker: a person's full name as the text first gives it, a body's name, or an unnamed
  source's description as written ("people familiar with the matter"); role: the apposition or
  the title words the text gives that speaker, anywhere in the document.

Scores, per sentence:
- speech vs narration: precision and recall of "this sentence carries someone's words" (direct or
  indirect), and of direct and of indirect separately;
- speaker: a predicted speaker is right when it equals the gold one (case, leading articles,
  numerals and honorifics aside); precision over sentences given a speaker, recall over gold
  sentences with a speaker;
- role: for each (document, speaker) with a gold role, is the role found the same (same
  normalisation).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from .sentences import sentence_spans
from .voices import _Entities, attribute, paragraph_blocks

_STRIP = re.compile(r"^(?:(?:the|a|an|one|two|three|several|some|mr\.?|mrs\.?|ms\.?|dr\.?|prof\.?|dame|sir)\s+)+", re.I)


def norm(name: str) -> str:
    """A speaker or role compared without case, leading articles, numerals or honorifics."""
    return _STRIP.sub("", " ".join(str(name).split()).strip(" ,.")).lower()


def load_gold(path: Path, docs: pd.DataFrame | None = None) -> list[dict]:
    """The passages of a gold file, each with its `text` (from `docs` for the seed documents)."""
    items = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:
        if "text" not in item:
            match = docs.loc[docs["id"] == item["doc_id"], "text"] if docs is not None else []
            if not len(match):
                raise ValueError(f"{path}: gold document {item['doc_id']!r} is not in the corpus; pass the docs "
                                 "table that holds it, or remove the entry.")
            item["text"] = match.iloc[0]
        item.setdefault("id", item.get("doc_id"))
    return items


def gold_sentences(item: dict) -> pd.DataFrame:
    """One row per sentence of a passage (the project's sentence splitter, transcript labels left
    out as attribute() does): start, end, kind, speaker from the gold entries."""
    text = item["text"]
    rows = []
    for b0, b1, _ in paragraph_blocks(text):  # _: the transcript speaker label, if any
        for k, (s, e) in enumerate(sentence_spans(text[b0:b1])):
            rows.append({"start": b0 + s, "end": b0 + e, "para_start": b0, "turn": bool(_), "kind": "narration", "speaker": ""})
    # plain lists, not table.loc per entry: pandas' setitem cost 0.6 s of notebook 06's scoring cell
    for key, entries in (("start", item.get("sentences", [])), ("para_start", item.get("paragraphs", []))):
        for snippet, kind, speaker in entries:
            hits = sorted({r[key] for r in rows if text.startswith(snippet, r[key])})
            if len(hits) != 1:
                raise ValueError(f"gold {item['id']}: {snippet!r} starts {len(hits)} {'sentence' if key == 'start' else 'paragraph'}s, "
                                 "not one: make the snippet longer or fix it.")
            for r in rows:
                if r[key] == hits[0]:
                    r["kind"], r["speaker"] = kind, speaker
    table = pd.DataFrame(rows, columns=["start", "end", "para_start", "turn", "kind", "speaker"])
    return table


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    return {"tp": tp, "predicted": n_pred, "gold": n_gold, "precision": tp / n_pred if n_pred else float("nan"),
            "recall": tp / n_gold if n_gold else float("nan")}


def score(items: list[dict], attributor=None, news_only: bool = False) -> dict:
    """Scores of `attributor` (text -> sentences table, default attribute) on gold passages:
    {"speech", "direct", "indirect", "speaker", "role": precision/recall dicts, "sentences": n,
    "errors": table of the sentences where kind or speaker differ}. With `news_only`, sentences
    of transcript turns (under a speaker label) are left out. An attributor whose table has no
    `role` column finds no roles: its role score is NaN (not applicable), not 0."""
    attributor = attributor or (lambda text: attribute(text)[1])
    rows, roles, has_roles = [], [], True
    for item in items:
        gold = gold_sentences(item)
        if news_only:
            gold = gold[~gold["turn"]]
        pred = attributor(item["text"])
        by_start = dict(zip(pred["start"], zip(pred["kind"], pred["speaker"])))
        for g in gold.itertuples():
            if g.start not in by_start:
                raise ValueError(f"gold {item['id']}: no predicted sentence starts at {g.start}; the sentence "
                                 "splitters disagree")
            kind, speaker = by_start[g.start]
            rows.append({"id": item["id"], "start": g.start, "text": item["text"][g.start:g.end], "gold_kind": g.kind,
                         "kind": kind, "gold_speaker": g.speaker, "speaker": speaker})
        has_roles = has_roles and "role" in pred
        found = dict(zip(pred["speaker"].map(norm), pred["role"])) if "role" in pred else {}
        for speaker, role in item.get("roles", {}).items():
            roles.append(norm(found.get(norm(speaker), "")) == norm(role))
    t = pd.DataFrame(rows)
    speech_g, speech_p = t["gold_kind"] != "narration", t["kind"] != "narration"
    out = {"sentences": len(t), "speech": _prf(int((speech_g & speech_p).sum()), int(speech_p.sum()), int(speech_g.sum()))}
    for kind in ("direct", "indirect"):
        out[kind] = _prf(int(((t["gold_kind"] == kind) & (t["kind"] == kind)).sum()), int((t["kind"] == kind).sum()),
                         int((t["gold_kind"] == kind).sum()))
    has_p, has_g = t["speaker"] != "", t["gold_speaker"] != ""
    right = has_p & has_g & (t["speaker"].map(norm) == t["gold_speaker"].map(norm))
    out["speaker"] = _prf(int(right.sum()), int(has_p.sum()), int(has_g.sum()))
    out["role"] = {"tp": int(sum(roles)), "gold": len(roles),
                   "recall": sum(roles) / len(roles) if roles and has_roles else float("nan")}
    wrong = (t["kind"] != t["gold_kind"]) | (t["speaker"].map(norm) != t["gold_speaker"].map(norm))
    out["errors"] = t[wrong].reset_index(drop=True)
    return out


def score_table(results: dict[str, dict]) -> pd.DataFrame:
    """One row per (set, attributor) result, precision and recall of speech, direct, indirect,
    speaker, and the share of gold roles found."""
    rows = []
    for name, r in results.items():
        row = {"set / attributor": name, "sentences": r["sentences"]}
        for k in ("speech", "direct", "indirect", "speaker"):
            row[f"{k} P"], row[f"{k} R"] = r[k]["precision"], r[k]["recall"]
        row["roles found"] = r["role"]["recall"]
        rows.append(row)
    return pd.DataFrame(rows)


# --- the reference point ------------------------------------------------------------------------

_SAID_AFTER = re.compile(r"(?P<name>(?:[A-Z][\w'\-]*\s+){0,2}[A-Z][\w'\-]*|[Hh]e|[Ss]he)\s+(?:said|says|told|added)\b")
_SAID_BEFORE = re.compile(r"\b(?:said|says|told|added)\s+(?P<name>(?:[A-Z][\w'\-]*\s+){0,2}[A-Z][\w'\-]*)")


def baseline_sentences(text: str) -> pd.DataFrame:
    """A plain "said"-pattern attributor, the reference point: a sentence of a transcript turn is
    the labelled speaker's, direct; a sentence with said/says/told/added is speech, direct if it
    holds a quotation mark, else indirect; its speaker is the capitalised words (or pronoun) just
    before the verb, else just after, a surname alone resolved to a full name met before in the
    document as helpers.voices does; no pronoun resolution, everything else narration. It finds
    no roles (no `role` column: its role score is not applicable)."""
    rows, names = [], _Entities()
    for b0, b1, label in paragraph_blocks(text):
        for s, e in sentence_spans(text[b0:b1]):
            sent = text[b0 + s:b0 + e]
            m = _SAID_AFTER.search(sent) or _SAID_BEFORE.search(sent)
            if label:
                kind, speaker = "direct", names.add(label)
            elif re.search(r"\b(?:said|says|told|added)\b", sent):
                kind = "direct" if re.search("[\"\u201c\u201d]", sent) else "indirect"
                speaker = names.add(m.group("name")) if m and m.group("name").lower() not in ("he", "she") else \
                    (m.group("name") if m else "")
            else:
                kind, speaker = "narration", ""
            rows.append({"start": b0 + s, "end": b0 + e, "kind": kind, "speaker": speaker})
    return pd.DataFrame(rows, columns=["start", "end", "kind", "speaker"])



def rule_hits(items: list[dict], cue: str) -> pd.DataFrame:
    """The sentences of gold passages where helpers.voices applied the rule whose spans carry
    `cue` (e.g. "continues reported speech"), with the gold's kind and speaker beside the rules':
    how a rule measures on every gold set, not only on the sentences it was written for."""
    rows = []
    for item in items:
        spans, sents = attribute(item["text"])
        gold = gold_sentences(item).set_index("start")
        for k in sorted(set(spans.loc[spans["cue"] == cue, "sent"])):
            s = sents.iloc[k]
            g = gold.loc[s["start"]]
            rows.append({"id": item["id"], "text": s["text"], "kind": s["kind"], "speaker": s["speaker"],
                         "gold_kind": g["kind"], "gold_speaker": g["speaker"],
                         "right": s["kind"] == g["kind"] and norm(s["speaker"]) == norm(g["speaker"])})
    return pd.DataFrame(rows, columns=["id", "text", "kind", "speaker", "gold_kind", "gold_speaker", "right"])
