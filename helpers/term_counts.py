"""Counting terms in chunks of texts on several processes, merged into the matrix that one
CountVectorizer(analyzer=..., min_df=...).fit_transform over all the texts gives: the same terms,
the same counts, and the same layout in memory (each row's entries in the order scikit-learn
1.9 stores them), so that nothing computed from it afterwards can differ, not even in a last bit.

scikit-learn numbers terms in the order it first sees them, sorts each row's entries by that
number, drops the terms in fewer than min_df texts and renumbers the rest alphabetically without
moving the entries. A chunk counted on its own numbers its terms by first sight within the chunk;
`merge` renumbers them by first sight over the chunks in order, which is first sight over all the
texts, and then repeats scikit-learn's last steps on the whole.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.utils._sparse import _align_api_if_sparse  # private: pinned scikit-learn, tested


@dataclass
class Chunk:
    """One chunk's counts: `terms` in the order first seen in the chunk; `indptr`, `indices` (into
    `terms`, each row's sorted) and `data` as CSR arrays; `sizes`, kept tokens per text."""
    terms: list[str]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    sizes: list[int]


def count_chunk(token_lists, analyzer) -> Chunk:
    """CountVectorizer's counting loop on one chunk: `analyzer` gives a text's terms from its
    tokens (`token_lists`: one list of runs per text)."""
    vocab: dict[str, int] = {}
    indices, data, indptr, sizes = [], [], [0], []
    for tokens in token_lists:
        sizes.append(sum(map(len, tokens)))
        counter: dict[int, int] = {}
        for term in analyzer(tokens):
            j = vocab.setdefault(term, len(vocab))
            counter[j] = counter.get(j, 0) + 1
        for j in sorted(counter):
            indices.append(j)
            data.append(counter[j])
        indptr.append(len(indices))
    return Chunk(list(vocab), np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64),
                 np.asarray(data, dtype=np.int64), sizes)


def counts_in_texts(min_df) -> bool:
    """Whether `min_df` is a number of texts, the only kind `merge` reads (scikit-learn reads a
    fraction as a share of the texts, and refuses 0)."""
    return isinstance(min_df, int) and not isinstance(min_df, bool) and min_df >= 1


def merge(chunks: list[Chunk], min_df: int):
    """(counts, terms) as CountVectorizer's fit_transform and get_feature_names_out give them for
    all the chunks' texts in order, `min_df` a whole number of texts (at least 1; scikit-learn
    reads a fraction as a share of them); None when no term is in `min_df` texts (the caller lets
    CountVectorizer raise its own error)."""
    if not counts_in_texts(min_df):
        raise ValueError(f"min_df={min_df!r}: merge counts it in texts; give a whole number, 1 or more")
    first_seen: dict[str, int] = {}
    for chunk in chunks:
        for term in chunk.terms:
            first_seen.setdefault(term, len(first_seen))
    n_rows = sum(len(c.indptr) - 1 for c in chunks)
    offsets = np.cumsum([0] + [int(c.indptr[-1]) for c in chunks])
    indptr = np.concatenate([[0]] + [c.indptr[1:] + off for c, off in zip(chunks, offsets)])
    indices = np.concatenate([np.fromiter((first_seen[t] for t in c.terms), dtype=np.int64, count=len(c.terms))[c.indices]
                              if len(c.terms) else c.indices for c in chunks])
    data = np.concatenate([c.data for c in chunks])
    # scikit-learn's dtypes: 32-bit indices while they fit, counts as the vectoriser's int64
    index_dtype = np.int32 if indptr[-1] <= np.iinfo(np.int32).max else np.int64
    X = sparse.csr_array((data, indices.astype(index_dtype), indptr.astype(index_dtype)),
                         shape=(n_rows, len(first_seen)), dtype=np.int64)
    X.sort_indices()  # each row by first sight over all the texts
    df = np.bincount(X.indices, minlength=len(first_seen))
    kept = np.where((df >= min_df) & (df <= n_rows))[0]  # min_df, and max_df=1.0 as an integer count
    if not len(kept):
        return None
    X = X[:, kept]  # the same selection as CountVectorizer's _limit_features: the same layout
    by_sight = list(first_seen)
    kept_terms = [by_sight[j] for j in kept]
    alphabetical = sorted(range(len(kept)), key=kept_terms.__getitem__)
    renumber = np.empty(len(kept), dtype=X.indices.dtype)
    renumber[alphabetical] = np.arange(len(kept))
    X.indices = renumber.take(X.indices, mode="clip")
    return _align_api_if_sparse(X), np.asarray([kept_terms[j] for j in alphabetical], dtype=object)
