"""The k-means++ seeding from kept distances, KMeans's restarts run without its per-call checks
and the silhouettes from one distance matrix give scikit-learn's own results bit for bit, and
choose_k and stability built on them give the tables of the plain loops they replaced."""
import collections

import numpy as np
import pandas as pd
import pytest
import sklearn
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.preprocessing import normalize

from helpers import clusters, kmeans_restarts
from helpers.corpus import load_corpus, split_paragraphs
from helpers.kmeans_seeding import BLOCK, Seeding
from helpers.themes import select_paragraphs


@pytest.fixture(scope="module")
def rep():
    return clusters.Representation(select_paragraphs(split_paragraphs(load_corpus())))


@pytest.fixture
def no_memo(monkeypatch):
    """kmeans_labels' memo emptied, so that every fit of the test is made, not read back."""
    monkeypatch.setattr(clusters, "_MEMO", collections.OrderedDict())


def _random_rows(n=2 * BLOCK + 48, p=300, seed=3):
    """L2-normalised sparse rows (about n; by default more than BLOCK), some of them repeated."""
    X = sparse.random(n, p, density=0.04, random_state=seed, format="csr")
    X = X[np.flatnonzero(np.diff(X.indptr) > 0)]
    return normalize(sparse.vstack([X, X[:25]]).tocsr())


def _fits(X, k, seed, init):
    with clusters._threadpools().limit(limits=1):
        return KMeans(n_clusters=k, n_init=10, random_state=seed, init=init).fit(X)


def _same(a, b) -> bool:
    return (np.array_equal(a.labels_, b.labels_) and np.array_equal(a.cluster_centers_, b.cluster_centers_)
            and a.inertia_ == b.inertia_)


def _restarts(X, k, seed, seeding):
    with clusters._threadpools().limit(limits=1):
        return kmeans_restarts.fit(X, k, seed, seeding)


@pytest.mark.parametrize("name", ["real", "shuffled", "random"])
def test_seeding_and_restarts_give_scikit_learns_centres_and_labels(rep, name):
    X = {"real": rep.X, "shuffled": clusters.permuted(rep.counts, 1000), "random": _random_rows()}[name]
    seeding = Seeding(X)  # one for every fit, as choose_k uses it: rows kept from earlier fits are read back
    cases = [(k, seed) for k in (2, 3, 5, 8) for seed in (0, 1, 7)]
    plain = {c: _fits(X, *c, "k-means++") for c in cases}
    assert [c for c in cases if not _same(plain[c], _fits(X, *c, seeding))] == []
    for c in cases:  # the restarts run without KMeans.fit's checks
        labels, centres = _restarts(X, *c, seeding)
        assert labels.dtype == plain[c].labels_.dtype
        assert np.array_equal(labels, plain[c].labels_) and np.array_equal(centres, plain[c].cluster_centers_), c


def test_restarts_fit_a_resample_and_predict_as_kmeans_does(rep):
    seeding = Seeding(rep.X)
    for k, seed in [(2, 0), (4, 1), (6, 2)]:
        rows = np.random.default_rng(seed).choice(rep.X.shape[0], rep.X.shape[0], replace=True)
        _, centres = _restarts(rep.X[rows], k, seed, seeding.subset(rows))
        model = _fits(rep.X[rows], k, seed, "k-means++")
        assert np.array_equal(centres, model.cluster_centers_)
        assert np.array_equal(kmeans_restarts.predict(rep.X, centres), model.predict(rep.X))


def test_restarts_warn_as_kmeans_does_and_refuse_bad_input(rep):
    X = normalize(sparse.csr_matrix(np.repeat(np.eye(3, 6) + 0.1, 4, axis=0)))  # 3 distinct rows, 4 times each
    with pytest.warns(ConvergenceWarning, match=r"distinct clusters \(3\) found smaller than n_clusters \(5\)"):
        labels, _ = _restarts(X, 5, 0, Seeding(X))
    with pytest.warns(ConvergenceWarning):
        assert np.array_equal(labels, _fits(X, 5, 0, "k-means++").labels_)
    with pytest.raises(ValueError, match="n_samples=12 should be >= n_clusters=13"):
        _restarts(X, 13, 0, Seeding(X))
    with pytest.raises(ValueError, match="built for another matrix"):
        _restarts(rep.X[:20], 2, 0, Seeding(rep.X))
    for k in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match="whole number of at least 1"):
            _restarts(X, k, 0, Seeding(X))
    wide = X.copy()
    wide.indices, wide.indptr = wide.indices.astype(np.int64), wide.indptr.astype(np.int64)
    for other in (wide, X.tocsc(), X[:0]):
        with pytest.raises(ValueError, match="32-bit indices|no rows"):
            _restarts(other, 2, 0, Seeding(X))
    _, centres = _restarts(X, 2, 0, Seeding(X))
    with pytest.raises(ValueError, match="columns"):
        kmeans_restarts.predict(rep.X, centres)
    with pytest.raises(ValueError, match="32-bit indices"):
        kmeans_restarts.predict(X.tocsc(), centres)


def test_centres_placed_from_the_arrays_equal_toarray():
    X = _random_rows()
    seeding = Seeding(X)
    rows = [0, 5, 5, X.shape[0] - 1]
    assert np.array_equal(seeding._dense(rows), X[rows].toarray())
    # repeated entries in a row (not canonical CSR): toarray sums them, and so does the fallback
    loose = sparse.csr_matrix((np.array([0.25, 0.5, 1.0]), np.array([3, 3, 1]), np.array([0, 2, 3])), shape=(2, 6))
    assert not loose.has_canonical_format
    assert np.array_equal(Seeding(loose)._dense([0, 1]), loose.toarray())


@pytest.mark.parametrize("name", ["real", "random"])
def test_a_subset_seeds_a_bootstrap_resample_as_scikit_learn_does(rep, name):
    X = rep.X if name == "real" else _random_rows()
    seeding = Seeding(X)
    for k, seed in [(2, 0), (4, 1), (6, 2)]:
        rows = np.random.default_rng(seed).choice(X.shape[0], X.shape[0], replace=True)
        assert _same(_fits(X[rows], k, seed, "k-means++"), _fits(X[rows], k, seed, seeding.subset(rows)))


@pytest.mark.parametrize("n", [BLOCK, 2 * BLOCK + 48])
def test_first_centres_equal_scikit_learns_single_row_call(n):
    # up to BLOCK rows they come from one call for all rows; above, from one call per row drawn
    X = _random_rows(n)
    seeding = Seeding(X)
    for i in (0, 1, X.shape[0] // 2, X.shape[0] - 1):
        single = euclidean_distances(X[[i]].toarray(), X, Y_norm_squared=seeding.sq, squared=True)
        assert np.array_equal(seeding._first(i), single)


def test_seeding_refuses_another_matrix(rep):
    other = rep.X.copy()
    other.data = other.data[::-1].copy()  # same shape and pattern size, other numbers
    with pytest.raises(ValueError, match="built for another matrix"):
        _fits(other, 2, 0, Seeding(rep.X))
    with pytest.raises(ValueError, match="built for another matrix"):
        _fits(rep.X[:20], 2, 0, Seeding(rep.X))
    with pytest.raises(ValueError, match="sparse float64"):
        Seeding(rep.X.astype(np.float32))
    with pytest.raises(ValueError, match="sparse float64"):
        Seeding(rep.X.toarray())


@pytest.mark.parametrize("name, sample_size", [("real", 2000), ("real", 30), ("random", 200)])
def test_silhouettes_from_one_matrix_equal_silhouette_score(rep, name, sample_size):
    X = rep.X if name == "real" else _random_rows()
    many = clusters._Silhouettes(X, 4, sample_size)
    assert many.distances is not None
    for k in (2, 3, 6):
        labels = clusters.kmeans_labels(X, k, 0)
        assert many(labels) == silhouette_score(X, labels, metric="cosine", sample_size=min(X.shape[0], sample_size),
                                                random_state=4)


def test_silhouettes_fall_back_where_scikit_learn_would_cut_the_sample():
    X = _random_rows()
    with sklearn.config_context(working_memory=1):  # 1 MiB: 585 rows of 585 distances do not fit in one piece
        many = clusters._Silhouettes(X, 0, 2000)
        assert many.distances is None
        labels = clusters.kmeans_labels(X, 3, 0)
        assert many(labels) == silhouette_score(X, labels, metric="cosine", sample_size=X.shape[0], random_state=0)


def _choose_k_as_before(rep, ks, seed, n_null, n_seeds, sample_size=2000):
    """choose_k as written before the seeding: one row per k from plain scikit-learn calls."""
    def fit(X, k, s):
        with clusters._threadpools().limit(limits=1):
            return KMeans(n_clusters=k, n_init=10, random_state=s).fit_predict(X)

    def sil(X, labels):
        return silhouette_score(X, labels, metric="cosine", sample_size=min(X.shape[0], sample_size), random_state=seed)

    X = rep.X
    nulls = [clusters.permuted(rep.counts, seed + 1000 + i) for i in range(n_null)]
    rows = []
    for k in [k for k in ks if 2 <= k < X.shape[0]]:
        labels = fit(X, k, seed)
        null = [sil(P, fit(P, k, seed)) for P in nulls]
        ari = [adjusted_rand_score(labels, fit(X, k, s)) for s in range(seed + 1, seed + 1 + n_seeds)]
        rows.append({"k": k, "silhouette": sil(X, labels), "null_mean": np.mean(null) if null else np.nan,
                     "null_sd": np.std(null) if null else np.nan, "null_max": np.max(null) if null else np.nan,
                     "seed_ari": np.mean(ari) if ari else np.nan, "smallest_cluster": int(np.bincount(labels).min())})
    out = pd.DataFrame(rows, columns=["k", "silhouette", "null_mean", "null_sd", "null_max", "seed_ari", "smallest_cluster"])
    out["excess"] = out["silhouette"] - out["null_mean"]
    out["beats_null"] = out["excess"] > clusters.BEATS_SD * out["null_sd"]
    return out


@pytest.mark.parametrize("seed, ks, n_null, n_seeds", [(0, range(2, 9), 4, 3), (3, range(2, 9), 4, 3),
                                                       (1, [2, 5], 0, 2), (2, [3, 4], 3, 0), (0, [1, 500], 2, 2)])
def test_choose_k_equals_the_plain_loop(rep, no_memo, seed, ks, n_null, n_seeds):
    pd.testing.assert_frame_equal(clusters.choose_k(rep, ks, seed=seed, n_null=n_null, n_seeds=n_seeds),
                                  _choose_k_as_before(rep, ks, seed, n_null=n_null, n_seeds=n_seeds), check_exact=True)


@pytest.mark.parametrize("pooled", [False, True])
def test_stability_with_the_seeding_equals_scikit_learns_own(rep, monkeypatch, pooled):
    labels = clusters.kmeans_labels(rep.X, 3, 0)
    if pooled:  # the runs in forked workers, which fit without the seeding (see stability)
        monkeypatch.setenv("HELPERS_WORKERS", "2")
        monkeypatch.setattr(clusters, "PARALLEL_FROM", 1)
    fast = clusters.stability(rep, 3, labels, n_seeds=4, n_boot=6)
    monkeypatch.setenv("HELPERS_WORKERS", "1")
    monkeypatch.setattr(clusters, "SEEDING_ROWS", 0)  # no seeding: scikit-learn's own KMeans.fit
    plain = clusters.stability(rep, 3, labels, n_seeds=4, n_boot=6)
    for a, b in zip(fast, plain):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
