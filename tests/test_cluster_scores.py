"""cluster_scores gives scikit-learn's silhouette and adjusted Rand index bit for bit."""
import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, silhouette_samples
from sklearn.metrics.pairwise import cosine_distances

from helpers import clusters, cluster_scores
from helpers.corpus import load_corpus, split_paragraphs
from helpers.themes import select_paragraphs


@pytest.fixture(scope="module")
def distances():
    rep = clusters.Representation(select_paragraphs(split_paragraphs(load_corpus())))
    return cosine_distances(rep.X)


def _labellings(n, rng):
    """Random labellings of n rows: few and many clusters, singletons, labels not 0..k-1, text."""
    for k in sorted({2, 3, 5, 8, max(n - 1, 1)}):
        labels = rng.integers(0, k, n)
        yield labels
        yield labels * 7 - 3           # negative and gapped labels
        yield np.where(labels == 0, 99, labels)
        yield np.array([f"c{v}" for v in labels])
    singles = np.arange(n) % 4
    singles[:min(n, 3)] = [10, 11, 12][:min(n, 3)]  # up to three clusters of one row
    yield singles


def test_silhouette_equals_scikit_learns(distances):
    rng = np.random.default_rng(0)
    n = distances.shape[0]
    cluster_scores.check_distances(distances)
    cases = [labels for labels in _labellings(n, rng) if 1 < len(np.unique(labels)) < n]
    assert len(cases) >= 20
    for labels in cases:
        assert cluster_scores.silhouette(distances, labels) == float(np.mean(
            silhouette_samples(distances, labels, metric="precomputed"))), np.unique(labels)


def test_distances_and_labels_silhouette_refuses(distances):
    bad_diagonal = distances + 0.5
    with_nan = distances.copy()
    with_nan[2, 3] = np.nan
    for D, message in [(distances[:, :5], "square float matrix"), (distances.astype(int), "square float matrix"),
                       (bad_diagonal, "non-zero elements on the diagonal"), (with_nan, "missing values"),
                       (-distances, "negative")]:
        with pytest.raises(ValueError, match=message):
            cluster_scores.check_distances(D)
    with pytest.raises(ValueError, match="one label per row"):
        cluster_scores.silhouette(distances, np.arange(5) % 2)


def test_silhouette_refuses_one_cluster_or_one_per_row(distances):
    n = distances.shape[0]
    for labels in (np.zeros(n), np.arange(n)):
        with pytest.raises(ValueError, match="Valid values are 2 to n_samples - 1"):
            cluster_scores.silhouette(distances, labels)


def test_adjusted_rand_equals_scikit_learns():
    rng = np.random.default_rng(1)
    pairs = [(a, b) for n in (1, 2, 7, 41, 500) for a in _labellings(n, rng)
             for b in (a, a[::-1], rng.permutation(a), np.zeros(len(a), int), np.arange(len(a)))]
    assert {len(a) for a, _ in pairs} == {1, 2, 7, 41, 500}
    assert [(a, b) for a, b in pairs if cluster_scores.adjusted_rand(a, b) != adjusted_rand_score(a, b)] == []
    assert cluster_scores.adjusted_rand([], []) == adjusted_rand_score([], []) == 1.0


def test_adjusted_rand_with_many_labels_uses_scikit_learns_sparse_table(monkeypatch):
    monkeypatch.setattr(cluster_scores, "DENSE_TABLE_CELLS", 10)
    rng = np.random.default_rng(2)
    a, b = rng.integers(0, 30, 400), rng.integers(0, 30, 400)
    assert cluster_scores.adjusted_rand(a, b) == adjusted_rand_score(a, b)


def test_adjusted_rand_refuses_labellings_of_other_rows():
    for a, b in [([0, 1, 1], [0, 1]), (np.zeros((2, 2)), np.zeros((2, 2)))]:
        with pytest.raises(ValueError, match="two labellings of the same rows"):
            cluster_scores.adjusted_rand(a, b)
