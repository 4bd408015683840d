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
    return clusters.Representation(synthetic())


def test_kmeans_recovers_planted_groups(rep):
    labels = clusters.kmeans_labels(rep.X, 3, seed=0)
    assert adjusted_rand_score(rep.paras["topic"], labels) >= 0.9


def test_agglomerative_recovers_planted_groups(rep):
    labels = clusters.agglomerative_labels(rep.X, 3)
    assert adjusted_rand_score(rep.paras["topic"], labels) >= 0.9


def test_agglomerative_on_a_sample_assigns_every_row(rep):
    labels = clusters.agglomerative_labels(rep.X, 3, max_n=20, seed=0)
    assert len(labels) == len(rep.paras) and adjusted_rand_score(rep.paras["topic"], labels) >= 0.9


def test_nmf_recovers_planted_groups(rep):
    labels, topics = clusters.nmf_topics(rep.X, 3, rep.terms, seed=0)
    assert adjusted_rand_score(rep.paras["topic"], labels) >= 0.9 and len(topics) == 3


def test_silhouette_against_the_baseline_picks_the_planted_k(rep):
    scores = clusters.choose_k(rep, range(2, 7))
    k, note = clusters.pick_k(scores)
    assert k == 3 and "warning" not in note
    assert scores["beats_null"].all() and (scores["silhouette"] > scores["null_max"]).all()
    assert scores.set_index("k").loc[3, "seed_ari"] == 1.0


def test_same_seed_same_labels(rep):
    assert np.array_equal(clusters.kmeans_labels(rep.X, 3, 7), clusters.kmeans_labels(rep.X, 3, 7))
    again = clusters.Representation(synthetic())
    assert np.array_equal(clusters.agglomerative_labels(rep.X, 3), clusters.agglomerative_labels(again.X, 3))


def test_stability_high_on_clear_groups(rep):
    reference = clusters.kmeans_labels(rep.X, 3, 0)
    runs, per_cluster = clusters.stability(rep, 3, reference, n_seeds=5, n_boot=5)
    assert runs["ari"].mean() >= 0.9 and per_cluster["stable"].all()
    assert set(runs["perturbation"]) == {"seed", "bootstrap"} and len(runs) == 10
    assert (per_cluster["dissolved_runs"] == 0).all() and (per_cluster["runs"] == 10).all()


def test_dissolved_runs_count_runs_with_jaccard_at_most_half():
    paras = pd.DataFrame({"doc_id": "d", "event_year": 2015, "para": range(8), "speaker": "",
                          "text": ["alpha beta", "beta gamma", "gamma delta", "delta alpha"] * 2})
    rep = clusters.Representation(paras, clusters.TextPolicy(ngram_range=(1, 1), min_df=1))
    reference = np.array([0, 1, 0, 1, 0, 1, 0, 1])  # no relation to the words: it dissolves often
    runs, per_cluster = clusters.stability(rep, 2, reference, n_seeds=6, n_boot=6)
    assert (per_cluster["runs"] == 12).all()
    assert (per_cluster["dissolved_runs"] > 0).any() and (per_cluster["dissolved_runs"] <= 12).all()


def test_k_by_seed_reuses_known_scores_and_counts_wins(rep):
    known = {0: clusters.choose_k(rep, range(2, 6), seed=0)}
    by_seed = clusters.k_by_seed(rep, range(2, 6), seeds=[0, 1], known=known)
    assert by_seed["k"].tolist() == [3, 3]  # the planted k whatever the seed
    assert clusters.k_wins(by_seed).to_dict() == {3: 2}
    # without the partner seeds' fits (pick_k does not read seed_ari): the same table as from full ones
    full = [clusters.pick_k(clusters.choose_k(rep, range(2, 6), seed=s, n_null=4))[0] for s in (2, 3)]
    lean = clusters.k_by_seed(rep, range(2, 6), seeds=[2, 3], n_null=4)
    assert lean["k"].tolist() == full
    assert lean["excess"].tolist() == [clusters.choose_k(rep, range(2, 6), seed=s, n_null=4).set_index("k").loc[k, "excess"]
                                       for s, k in zip((2, 3), full)]
    mixed = pd.DataFrame({"seed": range(5), "k": pd.array([5, 8, None, 8, 3], dtype="Int64"), "excess": 0.0})
    assert clusters.k_wins(mixed).to_dict() == {8: 2, 3: 1, 5: 1, "none": 1}


def test_describe_clusters_labels_and_central_paragraph(rep):
    labels = clusters.kmeans_labels(rep.X, 3, 0)
    described = clusters.describe_clusters(rep, labels)
    assert described["paragraphs"].sum() == len(rep.paras)
    for r in described.itertuples():
        topic = rep.paras.loc[labels == r.cluster, "topic"].mode()[0]
        assert r.label.split(", ")[0] in TOPICS[topic]


def test_new_event_year_appears_in_shares():
    paras = synthetic(years=(2015, 2016, 2021, 2024))
    rep = clusters.Representation(paras)
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
    assert sparse.issparse(rep.X) and sparse.issparse(rep.project(["robot factory sovereignty"]))


def test_paragraphs_without_terms_are_set_aside_not_lost():
    paras = pd.concat([synthetic(), pd.DataFrame([{"doc_id": "d9", "event_year": 2015, "para": 0, "speaker": "",
                                                   "text": "Thank you.", "topic": -1}])], ignore_index=True)
    rep = clusters.Representation(paras)
    assert rep.empty["text"].tolist() == ["Thank you."]
    assert len(rep.paras) + len(rep.empty) == len(paras) and rep.X.shape[0] == len(rep.paras)
    assert len(clusters.agglomerative_labels(rep.X, 3)) == len(rep.paras)


def test_shuffled_copy_keeps_lengths_and_frequencies_but_not_the_company(rep):
    S = clusters.shuffled_counts(rep.counts, seed=1)
    assert S.shape == rep.counts.shape
    assert (np.asarray(S.sum(axis=1)) == np.asarray(rep.counts.sum(axis=1))).all()  # paragraph lengths
    assert (np.asarray(S.sum(axis=0)) == np.asarray(rep.counts.sum(axis=0))).all()  # term frequencies
    assert (S != rep.counts).nnz > 0
    P = clusters.permuted(rep.counts, seed=1)
    assert np.allclose(np.asarray(P.multiply(P).sum(axis=1)).ravel(), 1)


def test_no_structure_gives_no_k():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(60)]
    paras = pd.DataFrame({"doc_id": "d", "event_year": 2015, "para": range(45), "speaker": "",
                          "text": [" ".join(rng.choice(words, 12)) for _ in range(45)]})
    scores = clusters.choose_k(clusters.Representation(paras), range(2, 7))
    k, note = clusters.pick_k(scores)
    assert k is None and "no cluster structure beyond chance" in note


def test_edge_of_the_range_is_flagged():
    scores = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.1, 0.2, 0.3], "null_mean": 0.05, "null_max": 0.08,
                           "smallest_cluster": 5, "beats_null": True})
    scores["excess"] = scores["silhouette"] - scores["null_mean"]
    k, note = clusters.pick_k(scores)
    assert k == 4 and "upper edge" in note
    k, note = clusters.pick_k(scores.assign(smallest_cluster=[5, 5, 1]))  # k = 4 has a near-singleton
    assert k == 3 and "warning" not in note


def test_label_terms_cover_half_the_cluster():
    paras = pd.DataFrame({"doc_id": "d", "event_year": 2015, "para": range(6), "speaker": "",
                          "text": ["reform reform reform reform reform governance", "governance data", "governance data",
                                   "robot factory robot", "robot factory line", "robot line"]})
    rep = clusters.Representation(paras, clusters.TextPolicy(ngram_range=(1, 1), min_df=1))
    described = clusters.describe_clusters(rep, np.array([0, 0, 0, 1, 1, 1]))
    first = described.iloc[0]
    assert "reform" not in first["label"]  # heavy in one paragraph of three
    assert first["label"].startswith("governance") and "governance 3/3" in first["coverage"]
    assert described.iloc[1]["coverage"].startswith("robot 3/3")


@pytest.mark.parametrize("jaccard, band", [(0.3, "not trusted"), (0.55, "not trusted"), (0.5999, "not trusted"),
                                           (0.6, "pattern"), (0.7, "pattern"), (0.75, "stable"), (0.8, "stable"),
                                           (0.85, "highly stable"), (0.9, "highly stable")])
def test_hennig_bands(jaccard, band):
    assert clusters.hennig_band(jaccard) == band


def test_shares_keep_stable_clusters_and_one_band_with_n():
    long = clusters.shares(["2015"] * 3 + ["2018 (baseline)"] * 2, np.array([0, 1, 1, 1, -1]),
                           {0: "0: a", 1: "1: b"}, stable={1})
    assert set(long["theme"]) == {"1: b", clusters.UNSTABLE}
    row = long.set_index(["group", "theme"])
    assert row.loc[("2015", "1: b"), "paragraphs"] == 2 and row.loc[("2015", "1: b"), "n"] == 3
    assert row.loc[("2018 (baseline)", clusters.UNSTABLE), "share"] == 0.5


def test_baseline_paragraphs_go_to_the_nearest_centre(rep):
    labels = clusters.kmeans_labels(rep.X, 3, 0)
    topic_of = {c: rep.paras.loc[labels == c, "topic"].mode()[0] for c in range(3)}
    new = rep.project([" ".join(TOPICS[2][:6]), " ".join(TOPICS[0][:6]), "unknown words only"])
    got = clusters.nearest_centre(rep.X, labels, new)
    assert topic_of[got[0]] == 2 and topic_of[got[1]] == 0 and got[2] == -1
    # a corpus with no other event has no baseline texts: nothing to place, and no error
    none = rep.project([])
    assert none.shape == (0, rep.X.shape[1]) and clusters.nearest_centre(rep.X, labels, none).shape == (0,)


def test_cluster_colours_never_look_like_a_year():
    from matplotlib.colors import to_rgb

    from helpers.cluster_charts import CLUSTER_COLORS, UNSTABLE_COLOR
    from helpers.plotting import OKABE_ITO, year_colors

    years = list(year_colors(range(2010, 2030)).values()) + list(OKABE_ITO)
    for c in CLUSTER_COLORS + [UNSTABLE_COLOR]:
        nearest = min(np.abs(np.subtract(to_rgb(c), to_rgb(y))).sum() for y in years)
        assert nearest >= 0.2, c


def test_labels_in_the_committed_clusters_table_cover_half_their_paragraphs():
    """figures/03-clusters.csv: every term of a clustered paragraph's label occurs in at least half
    of its cluster's paragraphs (checked against the texts with the text policy)."""
    from helpers.corpus import load_corpus, split_paragraphs
    from helpers.paths import PROJECT_ROOT
    from helpers.text import analyze

    table = pd.read_csv(PROJECT_ROOT / "figures" / "03-clusters.csv")
    table = table[table["role"] == "clustered"]
    paras = split_paragraphs(load_corpus(PROJECT_ROOT / "corpus")).set_index(["doc_id", "para"])
    assert len(table) > 0
    for (cluster, label), part in table.groupby(["cluster", "label"]):
        terms = label.split(": ", 1)[1].split(", ")
        texts = [set(analyze(paras.loc[(d, p), "text"])) for d, p in zip(part["doc_id"], part["para"])]
        for term in terms:
            assert sum(term in t for t in texts) >= len(texts) / 2, (cluster, term)


def test_share_title_says_when_no_cluster_is_stable():
    from helpers.cluster_charts import share_title

    none = clusters.shares(["2015", "2016"], np.array([0, 1]), {0: "0: a", 1: "1: b"}, stable=set())
    assert share_title(none, 4) == "No stable cluster at k = 4: every paragraph is in the unstable / mixed band"
    some = clusters.shares(["2015", "2016"], np.array([0, 1]), {0: "0: a", 1: "1: b"}, stable={0})
    assert not share_title(some, 4).startswith("No stable")


def test_cosine_to_mean_is_highest_for_the_most_typical_paragraph():
    paras = pd.DataFrame({"doc_id": "d", "event_year": 2015, "para": range(4), "speaker": "",
                          "text": ["alpha beta", "alpha beta", "alpha gamma", "delta epsilon"]})
    rep = clusters.Representation(paras, clusters.TextPolicy(ngram_range=(1, 1), min_df=1))
    cos = clusters.cosine_to_mean(rep)
    assert cos.shape == (4,) and np.all((cos >= 0) & (cos <= 1 + 1e-12))
    assert cos[0] == pytest.approx(cos[1]) and cos[0] > cos[2] > cos[3]
