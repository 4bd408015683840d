"""Duplicates: whole documents saved twice, and paragraphs copied within or across documents.

Documents: two files are the same document when their text is equal once a BOM, line endings,
Unicode forms and runs of whitespace are set aside (a copy re-saved by another editor).
Paragraphs: `flag_duplicates` marks exact and near copies (a repeated caption, syndicated copy).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .cleaning import normalize_text


def content_key(raw_text: str) -> str:
    """What two copies of one document share: the text without BOM, line-ending and spacing
    differences (normalize_text maps NBSP, tabs and zero-width characters too)."""
    return " ".join(normalize_text(raw_text).split())


def duplicate_documents(raw_texts: list[str]) -> list[tuple[int, int]]:
    """(first, copy) positions of texts with the same content_key as an earlier one."""
    first: dict[str, int] = {}
    pairs = []
    for i, text in enumerate(raw_texts):
        j = first.setdefault(content_key(text), i)
        if j != i:
            pairs.append((j, i))
    return pairs


# --- paragraphs ------------------------------------------------------------------------------

def _word_codes(keys: list[str], chunk: int = 20_000):
    """Each key's words as integer codes (one per distinct word), and the words per key. Read in
    chunks of keys, so that no list of every word of the corpus is held at once (at 50,000
    documents that list alone took 1.5 GB)."""
    vocab = pd.Index([], dtype=object)
    codes, lengths = [], []
    for k in range(0, len(keys), chunk):
        words = [key.split() for key in keys[k:k + chunk]]
        lengths.append(np.fromiter(map(len, words), dtype=np.int64, count=len(words)))
        flat = np.array([w for ws in words for w in ws], dtype=object)
        c = vocab.get_indexer(flat)
        if (c < 0).any():
            vocab = vocab.append(pd.Index(pd.unique(flat[c < 0])))
            c = vocab.get_indexer(flat)
        codes.append(c.astype(np.int64))
    return (np.concatenate(codes) if codes else np.zeros(0, np.int64),
            np.concatenate(lengths) if lengths else np.zeros(0, np.int64))


def _shingle_matrix(keys: list[str], n: int, exclude: np.ndarray):
    """Binary paragraphs x word n-grams (CSR), the rows of `exclude` left empty. Each distinct
    n-gram is its own column (no hashing, so no two n-grams share one), numbered with vectorised
    factorising instead of a Python string per n-gram."""
    from scipy import sparse

    codes, lengths = _word_codes(keys)
    # an n-gram starts at every word with n - 1 words after it in its own paragraph
    per_row = np.where(exclude, 0, np.maximum(lengths - n + 1, 0))
    row = np.repeat(np.arange(len(keys)), per_row)
    first = np.cumsum(per_row) - per_row  # where each row's n-grams begin among all n-grams
    starts = np.repeat(np.cumsum(lengths) - lengths, per_row) + (np.arange(len(row)) - np.repeat(first, per_row))
    gram = codes[starts]
    base = int(codes.max()) + 1 if len(codes) else 1
    for step in range(1, n):  # (code so far, next word) pairs renumbered, so values stay small
        gram = pd.factorize(gram * base + codes[starts + step])[0].astype(np.int64)
    S = sparse.csr_matrix((np.ones(len(starts)), (row, gram)),
                          shape=(len(keys), int(gram.max()) + 1 if len(gram) else 0))
    S.sum_duplicates()
    S.data[:] = 1.0  # binary: an n-gram twice in a paragraph counts once
    return S


def flag_duplicates(paras: pd.DataFrame, threshold: float = 0.8, n: int = 3,
                    max_posting: int = 200, max_candidates: int = 5) -> pd.DataFrame:
    """Add `duplicate` and `dup_of` to a paragraphs table.

    'exact': the same words as an earlier paragraph (case and punctuation aside). 'near': at
    least `threshold` of its word `n`-grams occur in one longer (or earlier, equally long)
    paragraph: a repeated caption, a quote reused, syndicated copy. `dup_of` is "doc_id#para" of
    the paragraph kept. The n-grams are hashed into a sparse paragraphs x n-grams matrix; pairs
    to compare are those sharing an n-gram found in at most `max_posting` paragraphs (a common
    phrase does not suggest copying), and of those only the `max_candidates` sharing the most;
    so the cost grows with the number of paragraphs, not with its square.
    """
    # imported here: scipy takes a while to import, which every run of the command line
    # (through content_key) would otherwise pay
    from scipy import sparse

    out = paras.copy()
    keys = [" ".join(re.findall(r"\w+", t.casefold())) for t in out["text"]]
    names = [f"{d}#{p}" for d, p in zip(out["doc_id"], out["para"])]
    dup, dup_of = [""] * len(out), [""] * len(out)
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in first:
            dup[i], dup_of[i] = "exact", names[first[key]]
        else:
            first[key] = i
    S = _shingle_matrix(keys, n, exclude=np.array([bool(d) for d in dup]))  # exact copies take no part
    size = np.diff(S.indptr)
    df = np.bincount(S.indices, minlength=S.shape[1])
    rare = S[:, np.flatnonzero((df >= 2) & (df <= max_posting))]
    pairs = sparse.triu(rare @ rare.T, k=1).tocoo()  # row < col, sharing a rare n-gram
    I, J = np.concatenate([pairs.row, pairs.col]), np.concatenate([pairs.col, pairs.row])
    shared = np.concatenate([pairs.data, pairs.data])
    # i is the copy when j is longer, or equally long and earlier
    keep = (size[J] > size[I]) | ((size[J] == size[I]) & (J < I))
    I, J, shared = I[keep], J[keep], shared[keep]
    # per paragraph, only the candidates sharing the most rare n-grams are compared in full
    order = np.lexsort((J, -shared, I))
    I, J = I[order], J[order]
    rank = np.arange(len(I)) - np.searchsorted(I, I)
    I, J = I[rank < max_candidates], J[rank < max_candidates]
    overlap = np.concatenate([np.asarray(S[I[k:k + 100_000]].multiply(S[J[k:k + 100_000]]).sum(axis=1)).ravel()
                              for k in range(0, len(I), 100_000)] or [np.zeros(0)])
    found = pd.DataFrame({"i": I, "j": J, "share": overlap / np.maximum(size[I], 1)})
    found = found[found["share"] >= threshold].sort_values(["i", "share", "j"], ascending=[True, False, True])
    for i, j in found.drop_duplicates("i")[["i", "j"]].itertuples(index=False):
        dup[i], dup_of[i] = "near", names[j]
    out["duplicate"], out["dup_of"] = dup, dup_of
    return out
