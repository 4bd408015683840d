"""Paragraphs, speakers and sentences: the units every analysis counts.

A document's cleaned text is split at blank lines into paragraphs; in a transcript a speaker
label ("Zhu Guoxian:") is not a paragraph but names who speaks in those that follow.
"""
from __future__ import annotations

import re

import pandas as pd

from .cleaning import is_speaker_label
from .duplicates import flag_duplicates
from .sentences import sentence_spans

# Speaker labels naming a media outlet ask the questions at a press briefing.
_OUTLET = re.compile(r"\b(news|daily|herald|magazine|times|press|agency|tv|television|radio|post|journal|"
                     r"network|media|reuters|bloomberg|xinhua|cctv|cgtn|cnn|bbc|afp|ap|kyodo|tass|"
                     r"correspondent|reporter|journalist)\b", re.IGNORECASE)


def speaker_role(label: str, turn_text: str) -> str:
    """'question' for a journalist's turn, 'answer' for anyone else's, at a press briefing."""
    asks = "?" in turn_text and len(turn_text.split()) <= 120
    return "question" if _OUTLET.search(label) or (asks and not re.search(r"\banswer", label, re.I)) else "answer"


def split_paragraphs(docs: pd.DataFrame, flag_duplicates_: bool = True) -> pd.DataFrame:
    """One row per paragraph: doc_id, event, event_year, series, para, speaker, role, text, n_words,
    and (unless flag_duplicates_=False) duplicate ('', 'exact', 'near') and dup_of.

    In a transcript a speaker label ("Zhu Guoxian:") is not a paragraph: it sets `speaker` for the
    paragraphs that follow until the next label. Articles have speaker and role empty.
    """
    rows = []
    for doc in docs.itertuples(index=False):
        turns: list[tuple[str, list[str]]] = [("", [])]  # (speaker label, its paragraphs)
        for block in doc.text.split("\n\n"):
            if is_speaker_label(block):
                turns.append((block[:-1].strip(), []))
            else:
                turns[-1][1].append(block)
        for label, paras in turns:
            role = speaker_role(label, " ".join(paras)) if label else ""
            for text in paras:
                rows.append({"doc_id": doc.id, "event": doc.event, "event_year": doc.event_year,
                             "series": doc.series, "speaker": label, "role": role, "text": text})
    paras = pd.DataFrame(rows, columns=["doc_id", "event", "event_year", "series", "speaker", "role", "text"])
    paras.insert(4, "para", paras.groupby("doc_id", sort=False).cumcount())
    paras["n_words"] = paras["text"].str.split().str.len()
    return flag_duplicates(paras) if flag_duplicates_ else paras


def split_sentences(paras: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence: doc_id, event_year, para, sent, speaker, text."""
    rows = [{"doc_id": p.doc_id, "event_year": p.event_year, "para": p.para, "sent": k,
             "speaker": p.speaker, "text": p.text[s:e]}
            for p in paras.itertuples(index=False)
            for k, (s, e) in enumerate(sentence_spans(p.text))]
    return pd.DataFrame(rows, columns=["doc_id", "event_year", "para", "sent", "speaker", "text"])
