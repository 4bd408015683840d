"""Silhouettes from a distance matrix and adjusted Rand indices with scikit-learn's values,
without its per-call checks.

choose_k scores hundreds of labellings of the same small matrices (for the four seeds notebook
03 adds to its first, 308 silhouettes and 140 ARIs on 41 paragraphs), where scikit-learn's
input checks, label encoding and sparse contingency table made each call 1-2 ms for some
0.1 ms of arithmetic.
`silhouette` makes the operations of scikit-learn 1.9's `silhouette_samples(D, labels,
metric="precomputed")` (computed in one piece) on the same numbers in the same order, then
its mean; `adjusted_rand` counts the same pairs in integers, so both give scikit-learn's values
bit for bit (tests/test_cluster_scores.py compares them, so an upgrade that changes either
fails there rather than changing results unnoticed).
"""
from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

# adjusted_rand's contingency table is dense up to this many cells (8 MB)
DENSE_TABLE_CELLS = 1_000_000


def check_distances(D: np.ndarray) -> None:
    """What silhouette() needs of D and does not check on every call (scikit-learn does):
    a square float matrix of finite, non-negative distances with a zero diagonal."""
    if D.ndim != 2 or D.shape[0] != D.shape[1] or D.dtype.kind != "f":
        raise ValueError(f"a square float matrix of distances is needed, got shape {D.shape} of {D.dtype}")
    if not np.isfinite(D).all() or (D < 0).any():
        raise ValueError("the distance matrix holds negative, infinite or missing values")
    if np.any(np.abs(D.diagonal()) > np.finfo(D.dtype).eps * 100):
        raise ValueError("the precomputed distance matrix contains non-zero elements on the diagonal")


def silhouette(D: np.ndarray, labels) -> float:
    """`np.mean(silhouette_samples(D, labels, metric="precomputed"))`, D a matrix that passes
    check_distances (once for all its labellings)."""
    labels = np.asarray(labels)
    if labels.shape != (D.shape[0],):
        raise ValueError(f"{labels.shape} labels for a distance matrix of {D.shape[0]} rows: one label per row is needed")
    _, labels = np.unique(labels, return_inverse=True)
    n, freqs = len(labels), np.bincount(labels)
    if not 1 < len(freqs) < n:
        raise ValueError(f"Number of labels is {len(freqs)}. Valid values are 2 to n_samples - 1 (inclusive)")
    # each row's summed distance to every cluster, accumulated in row order as bincount does
    to_cluster = np.zeros((n, len(freqs)), dtype=D.dtype)
    for i in range(n):
        to_cluster[i] += np.bincount(labels, weights=D[i], minlength=len(freqs))
    own = (np.arange(n), labels)
    intra = to_cluster[own]
    to_cluster[own] = np.inf
    to_cluster /= freqs
    inter = to_cluster.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        intra /= (freqs - 1).take(labels, mode="clip")
        scores = (inter - intra) / np.maximum(intra, inter)
    return float(np.mean(np.nan_to_num(scores)))  # nan: a cluster of one, scored 0


def adjusted_rand(a, b) -> float:
    """`adjusted_rand_score(a, b)`: pairs of rows counted by whether the two labellings put them
    together, from the contingency table, in integers."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"two labellings of the same rows are needed (1-D, same length), got shapes {a.shape} and {b.shape}")
    n = len(a)
    if n == 0:
        return 1.0
    _, a = np.unique(a, return_inverse=True)
    _, b = np.unique(b, return_inverse=True)
    width = int(b.max()) + 1
    if (int(a.max()) + 1) * width > DENSE_TABLE_CELLS:  # many labels: scikit-learn's sparse table
        return float(adjusted_rand_score(a, b))
    table = np.bincount(a * width + b, minlength=(int(a.max()) + 1) * width).reshape(-1, width).astype(np.int64)
    squares = int((table ** 2).sum())
    together_both = squares - n
    together_a_only = int((table.T @ table.sum(axis=1)).sum()) - squares
    together_b_only = int((table @ table.sum(axis=0)).sum()) - squares
    apart_both = n * n - together_a_only - together_b_only - squares
    if together_a_only == 0 and together_b_only == 0:
        return 1.0
    tp, tn, fn, fp = together_both, apart_both, together_a_only, together_b_only
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
