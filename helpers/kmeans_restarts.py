"""scikit-learn's `KMeans(init=Seeding(X)).fit(X)` without its per-call checks.

On the notebooks' small matrices much of a fit's time is scikit-learn checking its input, once
per fit and once per restart's centres (each check asks narwhals whether the input is a data
frame; in a cProfile of notebook 03's 5-seed cell, 1.4 of 5.0 s against 0.8 s in the Lloyd
loop), and entering a thread limit per restart: choose_k on notebook 03's 41 paragraphs makes
420 fits of 10 restarts. `fit` runs the same steps as scikit-learn 1.9's `KMeans.fit` on a
sparse float64 matrix with unit weights (its tolerance, its restarts drawing from one random
state, its compiled Lloyd loop, its rule for keeping a restart), on the Seeding's own matrix
(the Seeding compares the matrix it is given with the one it was built for, once per matrix
object); `predict` is its `predict` step. Same labels and centres, bit for bit
(tests/test_kmeans_seeding.py compares them with KMeans's, so an upgrade that changes any of
these steps fails there rather than changing results unnoticed). What scikit-learn's checks
would refuse is refused here by `_check` (the compiled loops read the arrays unchecked).

Single-threaded: the Lloyd loop is given one thread, as clusters._fit_predict gives KMeans.
"""
from __future__ import annotations

import warnings

import numpy as np
from sklearn.cluster._kmeans import _is_same_clustering, _kmeans_single_lloyd, _labels_inertia, _tolerance
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from .kmeans_seeding import Seeding

# the loop itself, without the BLAS thread limit scikit-learn enters on every call: the caller
# holds one (clusters._fit_predict) for the whole fit
_lloyd = getattr(_kmeans_single_lloyd, "__wrapped__", _kmeans_single_lloyd)


def fit(X, k: int, seed: int, seeding: Seeding, n_init: int = 10, max_iter: int = 300,
        tol: float = 1e-4) -> tuple[np.ndarray, np.ndarray]:
    """(labels, centres) of `KMeans(n_clusters=k, n_init=n_init, random_state=seed,
    init=seeding, max_iter=max_iter, tol=tol).fit(X)`, X a CSR float64 matrix, the Seeding's
    own (it refuses any other)."""
    _check(X)
    n = X.shape[0]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"the number of clusters must be a whole number of at least 1, got {k!r}")
    if n < k:
        raise ValueError(f"n_samples={n} should be >= n_clusters={k}.")
    random_state = check_random_state(seed)
    weights = np.ones(n)
    tol = _tolerance(X, tol)
    best = None
    for _ in range(n_init):
        centres = seeding(X, k, random_state)
        labels, inertia, centres, _ = _lloyd(X, weights, centres, max_iter=max_iter, verbose=False, tol=tol,
                                             n_threads=1)
        # scikit-learn's rule: a lower inertia replaces the best only if the partition differs
        if best is None or (inertia < best[1] and not _is_same_clustering(labels, best[0], k)):
            best = labels, inertia, centres
    labels, _, centres = best
    distinct = len(set(labels))
    if distinct < k:
        warnings.warn(f"Number of distinct clusters ({distinct}) found smaller than n_clusters ({k}). "
                      "Possibly due to duplicate points in X.", ConvergenceWarning, stacklevel=2)
    return labels, centres


def predict(X, centres: np.ndarray) -> np.ndarray:
    """The nearest centre of every row of the sparse float64 matrix X (KMeans.predict)."""
    _check(X)
    if centres.ndim != 2 or centres.shape[1] != X.shape[1] or centres.dtype != np.float64:
        raise ValueError(f"centres of shape {centres.shape} ({centres.dtype}) for a matrix of {X.shape[1]} columns: "
                         "pass the float64 centres fit returned for this matrix's columns")
    return _labels_inertia(X, np.ones(X.shape[0]), centres, n_threads=1, return_inertia=False)


def _check(X) -> None:
    """What the compiled loops need and KMeans's input checks would ensure or refuse."""
    if getattr(X, "format", None) != "csr" or X.dtype != np.float64 or X.indices.dtype != np.int32 \
            or X.indptr.dtype != np.int32:
        raise ValueError(f"k-means here needs a CSR float64 matrix with 32-bit indices, got "
                         f"{type(X).__name__} of {getattr(X, 'dtype', '?')}: pass scipy.sparse.csr_matrix(X, dtype=float)")
    if X.shape[0] == 0:
        raise ValueError("the matrix has no rows: there is nothing to cluster")
