"""k-means++ seeding that computes each distance once per matrix, with scikit-learn's results.

scikit-learn's k-means++ (`KMeans(init="k-means++")`) computes, in every restart, the distances
from a few candidate rows to all rows. On the small sparse matrices of the notebooks most of that
is per-call overhead (slicing the matrix, transposing it for the product): it was 85% of the time
notebook 03 spends choosing k, where the same matrix is fitted at many k, seeds and restarts.
`Seeding(X)` is a callable for `KMeans(init=...)` that makes the same random draws in the same
order and the same arithmetic on the same numbers as scikit-learn 1.9's `_kmeans_plusplus` (unit
sample weights), but reads the distances from tables built once for X. The centres, and so the
partitions, are bit-identical (tests/test_kmeans_seeding.py compares them, so an upgrade of
scikit-learn that changes its seeding fails there rather than changing results unnoticed).

The tables are n x n floats (32 MB at SEEDING_ROWS), so they are used only up to that many rows.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.utils.extmath import row_norms

SEEDING_ROWS = 2_000
BLOCK = 256


class Seeding:
    """k-means++ seeding for the sparse float64 matrix X (pass as `KMeans(init=Seeding(X))`)."""

    def __init__(self, X):
        self.X = sparse.csr_matrix(X)
        if self.X.dtype != np.float64:
            raise ValueError(f"Seeding needs float64 rows, got {self.X.dtype}")
        self.sq = row_norms(self.X, squared=True)
        self._weights = np.ones(self.X.shape[0])
        self._rows = None    # distances from each row (a sparse row, as a candidate) to every row
        self._firsts = None  # the same from each row as a first centre (a dense row, as scikit-learn has it)

    def _candidates(self) -> np.ndarray:
        if self._rows is None:
            # a copy, not X itself: with X twice scikit-learn takes its "same matrix" path, which
            # zeroes the diagonal and reuses the norms, where the candidates' call does neither
            self._rows = euclidean_distances(self.X.copy(), self.X, Y_norm_squared=self.sq, squared=True)
        return self._rows

    def _first(self, i: int) -> np.ndarray:
        if self._firsts is None:
            # dense blocks of rows, as scikit-learn makes the first centre dense (its distances
            # can differ from the sparse row's in the last bit); blocks bound the dense copy
            self._firsts = np.vstack([euclidean_distances(self.X[a:a + BLOCK].toarray(), self.X, Y_norm_squared=self.sq,
                                                          squared=True) for a in range(0, self.X.shape[0], BLOCK)])
        return self._firsts[i:i + 1]

    def subset(self, rows) -> "Seeding":
        """The Seeding of X[rows] (rows may repeat, as in a bootstrap resample), read from these
        tables: each distance depends only on its two rows, so the numbers are those a Seeding
        of X[rows] would compute."""
        out = Seeding.__new__(Seeding)
        out.X, out.sq, out._weights = self.X[rows], self.sq[rows], np.ones(len(rows))
        self._first(0)  # both tables built
        out._rows, out._firsts = self._candidates()[np.ix_(rows, rows)], self._firsts[np.ix_(rows, rows)]
        return out

    def __call__(self, X, n_clusters: int, random_state) -> np.ndarray:
        if X.shape != self.X.shape:
            raise ValueError(f"this Seeding was built for a {self.X.shape} matrix, not {X.shape}")
        n, w = X.shape[0], self._weights
        trials = 2 + int(np.log(n_clusters))
        first = random_state.choice(n, p=w / w.sum())
        chosen = [first]
        closest = self._first(first)
        pot = closest @ w
        rows = self._candidates()
        for _ in range(1, n_clusters):
            # draw candidates in proportion to the squared distance to the nearest centre so far,
            # keep the one that lowers the total the most (scikit-learn's greedy k-means++)
            ids = np.searchsorted(np.cumsum(w * closest), random_state.uniform(size=trials) * pot)
            np.clip(ids, None, closest.size - 1, out=ids)
            dist = rows[ids]
            np.minimum(closest, dist, out=dist)
            pots = dist @ w.reshape(-1, 1)
            best = np.argmin(pots)
            pot, closest = pots[best], dist[best]
            chosen.append(ids[best])
        return self.X[chosen].toarray()
