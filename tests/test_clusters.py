"""Clustering helpers recover planted groups, are deterministic, and follow new event years."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from helpers import clusters

TOPICS = {
    0: "robot factory automation machine assembly welding sensor production line worker".split(),
    1: "sovereignty governance cyberspace treaty diplomacy rules nation dialogue order".split(),
    2: "silk road trade port shipping corridor railway logistics customs freight".split(),
}
NOISE = "internet conference zhejiang development digital".split()


def synthetic(n_per_topic=15, seed=1, years=(2015, 2016, 2021)):
    """Paragraphs of 12 words from one topic's vocabulary plus 3 shared noise words."""
    rng = np.random.default_rng(seed)
    rows = []
    for topic, words in TOPICS.items():
        for i in range(n_per_topic):
            text = " ".join(list(rng.choice(words, 12)) + list(rng.choice(NOISE, 3)))
            rows.append({"doc_id": f"d{topic}-{i % 3}", "event_year": years[i % len(years)], "para": i,
                         "speaker": "", "text": text, "topic": topic})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def rep():
    return clusters.Representation(synthetic(), lsa_dims=20)


def test_kmeans_recovers_planted_groups(rep):
    labels = clusters.kmeans_labels(rep.X, 3, seed=0)
    assert adjusted_rand_score(rep.paras["topic"], labels) >= 0.9


def test_agglomerative_recovers_planted_groups(rep):
    labels = clusters.agglomerative_labels(rep.Z, 3)
    assert adjusted_rand_score(rep.paras["topic"], labels) >= 0.9


def test_agglomerative_on_a_sample_assigns_every_row(rep):
    labels = clusters.agglomerative_labels(rep.Z, 3, max_n=20, seed=0)
    assert len(labels) == len(rep.paras) and adjusted_rand_score(rep.paras["topic"], labels) >= 0.9


def test_nmf_recovers_planted_groups(rep):
    labels, topics = clusters.nmf_topics(rep.X, 3, rep.terms, seed=0)
    assert adjusted_rand_score(rep.paras["topic"], labels) >= 0.9 and len(topics) == 3


def test_silhouette_picks_the_planted_k(rep):
    scores = clusters.choose_k(rep.X, range(2, 7))
    assert int(scores.loc[scores["rank"] == 1, "k"].iloc[0]) == 3


def test_same_seed_same_labels(rep):
    assert np.array_equal(clusters.kmeans_labels(rep.X, 3, 7), clusters.kmeans_labels(rep.X, 3, 7))
    again = clusters.Representation(synthetic(), lsa_dims=20)
    assert np.array_equal(clusters.agglomerative_labels(rep.Z, 3), clusters.agglomerative_labels(again.Z, 3))


def test_stability_high_on_clear_groups(rep):
    reference = clusters.kmeans_labels(rep.X, 3, 0)
    runs, per_cluster = clusters.stability(rep, 3, reference, n_seeds=5, n_boot=5)
    assert runs["ari"].mean() >= 0.9 and per_cluster["stable"].all()
    assert set(runs["perturbation"]) == {"seed", "bootstrap"} and len(runs) == 10


def test_describe_clusters_labels_and_central_paragraph(rep):
    labels = clusters.kmeans_labels(rep.X, 3, 0)
    described = clusters.describe_clusters(rep, labels)
    assert described["paragraphs"].sum() == len(rep.paras)
    for r in described.itertuples():
        topic = rep.paras.loc[labels == r.cluster, "topic"].mode()[0]
        assert r.terms.split(", ")[0] in TOPICS[topic]


def test_new_event_year_appears_in_shares():
    paras = synthetic(years=(2015, 2016, 2021, 2024))
    rep = clusters.Representation(paras, lsa_dims=20)
    shares = clusters.shares_by_year(paras, clusters.kmeans_labels(rep.X, 3, 0))
    assert list(shares.index) == [2015, 2016, 2021, 2024]
    assert np.allclose(shares.sum(axis=1), 1)


def test_document_tree_joins_documents_of_a_topic_first(rep):
    link, names = clusters.document_linkage(rep)
    assert link.shape == (len(names) - 1, 4)
    first = {names[int(link[0, 0])], names[int(link[0, 1])]}
    assert len({n.split("-")[0] for n in first}) == 1  # the closest pair shares a topic


def test_representation_stays_sparse(rep):
    from scipy import sparse
    assert sparse.issparse(rep.X) and rep.Z.shape[1] <= 20


def test_paragraphs_without_terms_are_set_aside_not_lost():
    paras = pd.concat([synthetic(), pd.DataFrame([{"doc_id": "d9", "event_year": 2015, "para": 0, "speaker": "",
                                                   "text": "Thank you.", "topic": -1}])], ignore_index=True)
    rep = clusters.Representation(paras, lsa_dims=20)
    assert rep.empty["text"].tolist() == ["Thank you."]
    assert len(rep.paras) + len(rep.empty) == len(paras) and rep.X.shape[0] == len(rep.paras)
    assert len(clusters.agglomerative_labels(rep.Z, 3)) == len(rep.paras)
