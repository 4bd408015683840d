"""Duplicates: whole documents saved twice, and paragraphs copied within or across documents.

Documents: two files are the same document when their text is equal once a BOM, line endings,
Unicode forms and runs of whitespace are set aside (a copy re-saved by another editor).
Paragraphs: `flag_duplicates` marks exact and near copies (a repeated caption, syndicated copy).
"""
from __future__ import annotations

import re
from functools import partial

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

def _shingles(key: str, n: int) -> list[str]:
    words = key.split()
    return [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]


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
    # imported here: scikit-learn and scipy take over a second to import, which every run of the
    # command line (through content_key) would otherwise pay
    from scipy import sparse
    from sklearn.feature_extraction.text import HashingVectorizer

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
    S = HashingVectorizer(analyzer=partial(_shingles, n=n), n_features=2**24, alternate_sign=False,
                          norm=None, binary=True).transform(keys).tocsr()
    S.data *= np.repeat(np.array([0 if d else 1 for d in dup], dtype=S.data.dtype), np.diff(S.indptr))
    S.eliminate_zeros()  # exact copies take no part
    # renumber the hashed n-grams 0..m-1, so that arrays grow with the n-grams present, not 2**24
    used, S.indices = np.unique(S.indices, return_inverse=True)
    S = sparse.csr_matrix((S.data, S.indices.astype(np.int64), S.indptr), shape=(S.shape[0], len(used)))
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
