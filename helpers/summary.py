"""Summaries of a loaded corpus: sizes per document and per year, and the cleaning audit."""
from __future__ import annotations

import pandas as pd

from .paragraphs import split_paragraphs, split_sentences


def summarize(docs: pd.DataFrame, paras: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per document: year, words before and after cleaning, lines removed, paragraphs, sentences,
    paragraphs flagged as duplicates."""
    paras = split_paragraphs(docs) if paras is None else paras
    sents = split_sentences(paras)
    out = docs[["id", "event_year"]].copy()
    out["words_raw"] = docs["raw_text"].str.split().str.len()
    out["words_clean"] = docs["text"].str.split().str.len()
    out["lines_removed"] = docs["removed"].str.len()
    out["paragraphs"] = out["id"].map(paras.groupby("doc_id").size()).fillna(0).astype(int)
    out["sentences"] = out["id"].map(sents.groupby("doc_id").size()).fillna(0).astype(int)
    flagged = paras[paras["duplicate"] != ""].groupby("doc_id").size()
    out["duplicates"] = out["id"].map(flagged).fillna(0).astype(int)
    return out.reset_index(drop=True)


def size_by_year(summary: pd.DataFrame) -> pd.DataFrame:
    """Corpus size per event year (documents, paragraphs, sentences, words before/after cleaning)."""
    cols = ["words_raw", "words_clean", "paragraphs", "sentences"]
    out = summary.groupby("event_year")[cols].sum()
    out.insert(0, "documents", summary.groupby("event_year").size())
    return out.reset_index()


def removed_lines(docs: pd.DataFrame) -> pd.DataFrame:
    """The cleaning audit: one row per dropped line (doc_id, line, rule, text)."""
    rows = [{"doc_id": d, **r} for d, removed in zip(docs["id"], docs["removed"]) for r in removed]
    return pd.DataFrame(rows, columns=["doc_id", "line", "rule", "text"])
