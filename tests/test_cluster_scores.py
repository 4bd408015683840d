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
    """Random labellings of n rows: few and many clusters, singletons, labels not 0..k-1."""
    for k in (2, 3, 5, 8, n - 1):
        labels = rng.integers(0, k, n)
        yield labels
        yield labels * 7 - 3           # negative and gapped labels
        yield np.where(labels == 0, 99, labels)
    singles = np.arange(n) % 4
    singles[:3] = [10, 11, 12]         # three clusters of one row
    yield singles


def test_silhouette_equals_scikit_learns(distances):
    rng = np.random.default_rng(0)
    n = distances.shape[0]
    for labels in _labellings(n, rng):
        if not 1 < len(np.unique(labels)) < n:
            continue
        assert cluster_scores.silhouette(distances, labels) == float(np.mean(
            silhouette_samples(distances, labels, metric="precomputed"))), np.unique(labels)


def test_silhouette_refuses_one_cluster_or_one_per_row(distances):
    n = distances.shape[0]
    for labels in (np.zeros(n), np.arange(n)):
        with pytest.raises(ValueError, match="Valid values are 2 to n_samples - 1"):
            cluster_scores.silhouette(distances, labels)


def test_adjusted_rand_equals_scikit_learns():
    rng = np.random.default_rng(1)
    pairs = [(a, b) for n in (1, 2, 7, 41, 500) for a in _labellings(max(n, 3), rng)
             for b in (a, a[::-1], rng.permutation(a), np.zeros(len(a), int), np.arange(len(a)))]
    pairs += [(np.zeros(1, int), np.zeros(1, int)), (np.array([0, 1]), np.array([1, 0]))]
    assert [(a, b) for a, b in pairs if cluster_scores.adjusted_rand(a, b) != adjusted_rand_score(a, b)] == []
    assert cluster_scores.adjusted_rand([], []) == adjusted_rand_score([], []) == 1.0


def test_adjusted_rand_refuses_labellings_of_different_lengths():
    with pytest.raises(ValueError, match="different shapes"):
        cluster_scores.adjusted_rand([0, 1, 1], [0, 1])
