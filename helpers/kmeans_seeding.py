"""k-means++ seeding that computes each distance once per matrix, with scikit-learn's results.

scikit-learn's k-means++ (`KMeans(init="k-means++")`) computes, in every restart, the distances
from a few candidate rows to all rows. On the small sparse matrices of the notebooks most of that
is per-call overhead (slicing the matrix, transposing it for the product): it was 85% of the time
notebook 03 spends choosing k, where the same matrix is fitted at many k, seeds and restarts.
`Seeding(X)` is a callable for `KMeans(init=...)` that makes the same random draws in the same
order and the same arithmetic on the same numbers as scikit-learn 1.9's `_kmeans_plusplus` (with
unit sample weights, KMeans's default), but computes the candidates' distances once for all
rows and keeps each first centre's: every restart at every k reads them back. The centres, and so the
partitions, are bit-identical (tests/test_kmeans_seeding.py compares them with scikit-learn's
own, so an upgrade that changes its seeding fails there rather than changing results unnoticed).

Memory: an n x n table of floats (32 MB at SEEDING_ROWS rows, the most it is used for) and the
rows drawn as first centres.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.utils.extmath import row_norms

SEEDING_ROWS = 2_000
BLOCK = 256  # up to this many rows, every first centre's distances in one call


class Seeding:
    """k-means++ seeding for the sparse float64 matrix X: `KMeans(init=Seeding(X)).fit(X)`, with
    no sample weights. Fitting any other matrix with it raises ValueError."""

    def __init__(self, X):
        if not sparse.issparse(X) or X.dtype != np.float64:
            raise ValueError(f"Seeding needs a sparse float64 matrix, got {type(X).__name__} of {X.dtype}")
        self.X = X.tocsr()
        self.sq = row_norms(self.X, squared=True)
        n = self.X.shape[0]
        self._weights = np.ones(n)
        self._parent, self._map = self, None   # a subset reads its parent's tables through _map
        self._rows = self._firsts = self._checked = None

    def subset(self, rows) -> "Seeding":
        """The Seeding of X[rows] (rows may repeat, as in a bootstrap resample), reading this one's
        tables: each distance depends only on its two rows, so the numbers are those a Seeding of
        X[rows] would compute (tested)."""
        rows = np.asarray(rows)
        out = Seeding.__new__(Seeding)
        out.X, out._weights = self.X[rows], np.ones(len(rows))
        out._parent, out._map = self._parent, rows if self._map is None else self._map[rows]
        out._checked = None
        return out

    def _candidates(self, ids) -> np.ndarray:
        """Distances from rows `ids` (sparse rows, as scikit-learn slices its candidates) to every
        row: a fresh (len(ids), n) array, read from one table computed at the first draw (nearly
        every row is drawn by the restarts of a few fits)."""
        if self._map is not None:
            return self._parent._candidates(self._map[ids])[:, self._map]
        if self._rows is None:
            # a copy, not X itself: with X twice scikit-learn takes its "same matrix" path
            # (diagonal zeroed, norms reused), which the candidates' call does not
            self._rows = euclidean_distances(self.X.copy(), self.X, Y_norm_squared=self.sq, squared=True)
        return self._rows[ids]

    def _first(self, i: int) -> np.ndarray:
        """Distances from row i as a first centre (a dense row, as scikit-learn has it: its
        distances can differ from the sparse row's in the last bit) to every row: a fresh (1, n)
        array. Up to BLOCK rows, all rows at once (one call beats many on a small matrix: scipy's
        product sums each row's terms in the same order for one vector or many, tested); on more,
        row by row as drawn (a few dozen per matrix), with scikit-learn's own single-row call."""
        if self._map is not None:
            return self._parent._first(int(self._map[i]))[:, self._map]
        if self._firsts is None:
            self._firsts = {}
            if self.X.shape[0] <= BLOCK:
                every = euclidean_distances(self.X.toarray(), self.X, Y_norm_squared=self.sq, squared=True)
                self._firsts.update((j, every[j:j + 1]) for j in range(len(every)))
        if i not in self._firsts:
            self._firsts[i] = euclidean_distances(self.X[[i]].toarray(), self.X, Y_norm_squared=self.sq, squared=True)
        return self._firsts[i].copy()

    def _check(self, X) -> None:
        if X is self._checked:  # KMeans passes its one copy of X to each of its restarts
            return
        same = (sparse.issparse(X) and X.shape == self.X.shape and X.dtype == np.float64
                and np.array_equal(X.indptr, self.X.indptr) and np.array_equal(X.indices, self.X.indices)
                and np.array_equal(X.data, self.X.data))
        if not same:
            raise ValueError(f"this Seeding was built for another matrix ({self.X.shape}, {self.X.nnz} non-zeros): "
                             "pass Seeding(X) of the matrix being fitted")
        self._checked = X  # held, so no other matrix can take its id

    def __call__(self, X, n_clusters: int, random_state) -> np.ndarray:
        self._check(X)
        n, w = X.shape[0], self._weights
        trials = 2 + int(np.log(n_clusters))
        first = random_state.choice(n, p=w / w.sum())
        chosen = [first]
        closest = self._first(first)
        pot = closest @ w
        for _ in range(1, n_clusters):
            # draw candidates in proportion to the squared distance to the nearest centre so far,
            # keep the one that lowers the total the most (scikit-learn's greedy k-means++)
            ids = np.searchsorted(np.cumsum(w * closest), random_state.uniform(size=trials) * pot)
            np.minimum(ids, closest.size - 1, out=ids)  # scikit-learn's np.clip(ids, None, n - 1)
            dist = self._candidates(ids)
            np.minimum(closest, dist, out=dist)
            pots = dist @ w.reshape(-1, 1)
            best = pots.argmin()
            pot, closest = pots[best], dist[best]
            chosen.append(ids[best])
        return self._dense(chosen)

    def _dense(self, rows) -> np.ndarray:
        """X[rows].toarray(), placed from the CSR arrays: scipy's row indexing costs more than
        the rest of a restart's seeding on a small matrix."""
        X = self.X
        if not X.has_canonical_format:  # repeated entries in a row would be summed by toarray
            return X[rows].toarray()
        out = np.zeros((len(rows), X.shape[1]))
        for j, r in enumerate(rows):
            lo, hi = X.indptr[r], X.indptr[r + 1]
            out[j, X.indices[lo:hi]] = X.data[lo:hi]
        return out
