"""The k-means++ seeding from precomputed distances and the silhouettes from one distance matrix
give scikit-learn's own results bit for bit, and choose_k built on them gives the table of the
plain loop it replaced."""
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.preprocessing import normalize

from helpers import clusters
from helpers.corpus import load_corpus, split_paragraphs
from helpers.kmeans_seeding import BLOCK, Seeding
from helpers.themes import select_paragraphs


@pytest.fixture(scope="module")
def rep():
    return clusters.Representation(select_paragraphs(split_paragraphs(load_corpus())))


def _random_rows(n=2 * BLOCK + 37, p=300, seed=3):
    """L2-normalised sparse rows, more than two blocks of them, with some rows repeated."""
    X = sparse.random(n, p, density=0.04, random_state=seed, format="csr")
    X = X[np.flatnonzero(np.diff(X.indptr) > 0)]
    X = sparse.vstack([X, X[:25]]).tocsr()
    return normalize(X)


def _matrices(rep):
    return {"real": rep.X, "shuffled": clusters.permuted(rep.counts, 1000), "random": _random_rows()}


def _same_fit(X, k, seed):
    with clusters._threadpools().limit(limits=1):
        plain = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(X)
        seeded = KMeans(n_clusters=k, n_init=10, random_state=seed, init=Seeding(X)).fit(X)
    return (np.array_equal(plain.labels_, seeded.labels_) and np.array_equal(plain.cluster_centers_, seeded.cluster_centers_)
            and plain.inertia_ == seeded.inertia_)


@pytest.mark.parametrize("name", ["real", "shuffled", "random"])
def test_seeding_gives_scikit_learns_centres_and_labels(rep, name):
    X = _matrices(rep)[name]
    cases = [(k, seed) for k in (2, 3, 5, 8) for seed in (0, 1, 7)]
    assert [c for c in cases if not _same_fit(X, *c)] == []


def test_seeding_its_own_first_centres_match_each_row():
    # the first centre's distances come from dense blocks: every row's must be the row's own call
    X = _random_rows()
    s = Seeding(X)
    for i in (0, BLOCK - 1, BLOCK, X.shape[0] - 1):
        single = euclidean_distances(X[[i]].toarray(), X, Y_norm_squared=s.sq, squared=True)
        assert np.array_equal(s._first(i), single)


def test_seeding_refuses_another_matrix_and_other_dtypes(rep):
    with pytest.raises(ValueError, match="built for a"):
        KMeans(n_clusters=2, n_init=1, init=Seeding(rep.X[:20])).fit(rep.X)
    with pytest.raises(ValueError, match="float64"):
        Seeding(rep.X.astype(np.float32))


@pytest.mark.parametrize("sample_size", [2000, 30])
def test_silhouettes_from_one_matrix_equal_silhouette_score(rep, sample_size):
    many = clusters._Silhouettes(rep.X, 4, sample_size)
    for k in (2, 3, 6):
        labels = clusters.kmeans_labels(rep.X, k, 0)
        expected = silhouette_score(rep.X, labels, metric="cosine", sample_size=min(rep.X.shape[0], sample_size),
                                    random_state=4)
        assert many(labels) == expected


def _choose_k_as_before(rep, ks, seed, n_null, n_seeds, sample_size=2000):
    """choose_k as written before the seeding tables: one row per k from plain scikit-learn calls."""
    def fit(X, k, s):
        with clusters._threadpools().limit(limits=1):
            return KMeans(n_clusters=k, n_init=10, random_state=s).fit_predict(X)

    def sil(X, labels):
        return silhouette_score(X, labels, metric="cosine", sample_size=min(X.shape[0], sample_size), random_state=seed)

    X = rep.X
    nulls = [clusters.permuted(rep.counts, seed + 1000 + i) for i in range(n_null)]
    rows = []
    for k in ks:
        labels = fit(X, k, seed)
        null = [sil(P, fit(P, k, seed)) for P in nulls]
        ari = [adjusted_rand_score(labels, fit(X, k, s)) for s in range(seed + 1, seed + 1 + n_seeds)]
        rows.append({"k": k, "silhouette": sil(X, labels), "null_mean": np.mean(null), "null_sd": np.std(null),
                     "null_max": np.max(null), "seed_ari": np.mean(ari), "smallest_cluster": int(np.bincount(labels).min())})
    out = pd.DataFrame(rows)
    out["excess"] = out["silhouette"] - out["null_mean"]
    out["beats_null"] = out["excess"] > clusters.BEATS_SD * out["null_sd"]
    return out


@pytest.mark.parametrize("seed", [0, 3])
def test_choose_k_equals_the_plain_loop(rep, seed):
    ks = range(2, 9)
    pd.testing.assert_frame_equal(clusters.choose_k(rep, ks, seed=seed, n_null=4, n_seeds=3),
                                  _choose_k_as_before(rep, ks, seed, n_null=4, n_seeds=3), check_exact=True)


def test_a_subset_seeds_a_bootstrap_resample_as_scikit_learn_does(rep):
    rows = np.random.default_rng(5).choice(rep.X.shape[0], rep.X.shape[0], replace=True)
    Xb = rep.X[rows]
    for k, seed in [(2, 0), (4, 1), (6, 2)]:
        with clusters._threadpools().limit(limits=1):
            plain = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(Xb)
            seeded = KMeans(n_clusters=k, n_init=10, random_state=seed, init=Seeding(rep.X).subset(rows)).fit(Xb)
        assert np.array_equal(plain.cluster_centers_, seeded.cluster_centers_) and np.array_equal(plain.labels_, seeded.labels_)


def test_stability_with_the_seeding_tables_equals_without(rep, monkeypatch):
    labels = clusters.kmeans_labels(rep.X, 3, 0)
    fast = clusters.stability(rep, 3, labels, n_seeds=4, n_boot=6)
    monkeypatch.setattr(clusters, "SEEDING_ROWS", 0)  # no tables: scikit-learn's own k-means++
    plain = clusters.stability(rep, 3, labels, n_seeds=4, n_boot=6)
    for a, b in zip(fast, plain):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
