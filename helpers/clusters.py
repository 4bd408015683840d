"""Paragraph clusters: representation, choice of k, three methods, labels, stability, shares.

Scale: the TF-IDF matrix stays sparse; k-means (mini-batch on large corpora) and NMF work on it
directly. What needs dense
pairwise work is bounded: the silhouette is computed on a fixed-size sample, agglomerative
clustering runs on the LSA projection (n x a fixed number of dimensions) of at most `max_n`
paragraphs and assigns the rest to the nearest cluster centre, and the dendrogram is of
documents, not paragraphs.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import pdist
from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .text import DEFAULT_POLICY, TermMatrix, TextPolicy
from .themes import class_tfidf_top


class Representation:
    """TF-IDF rows (sparse, L2-normalised) of the paragraphs, and their LSA projection.

    A paragraph with no term of the vocabulary ("Thank you.") has no direction to cluster by: it
    is set aside in `empty` (and counted by the notebook), and `paras` holds the others.
    """

    def __init__(self, paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, lsa_dims: int = 100,
                 seed: int = 0, matrix: TermMatrix | None = None):
        paras = paras.reset_index(drop=True)
        matrix = matrix or TermMatrix(paras["text"], policy)
        has_terms = np.diff(matrix.tfidf.indptr) > 0
        self.paras, self.empty = paras[has_terms].reset_index(drop=True), paras[~has_terms].reset_index(drop=True)
        self.X, self.terms = matrix.tfidf[np.flatnonzero(has_terms)], matrix.terms
        self.counts = matrix.counts[np.flatnonzero(has_terms)]
        dims = max(1, min(lsa_dims, self.X.shape[0] - 1, self.X.shape[1] - 1))
        self.svd = TruncatedSVD(dims, random_state=seed)
        self.Z = normalize(self.svd.fit_transform(self.X))  # n x dims, dense but narrow
        self.policy = policy

    @property
    def sparsity(self) -> float:
        return 1 - self.X.nnz / (self.X.shape[0] * self.X.shape[1])


# Above this many rows, mini-batch k-means: the same objective on batches of rows, linear in n.
MINIBATCH_ABOVE = 5_000


def _kmeans(k: int, seed: int, n: int):
    if n > MINIBATCH_ABOVE:
        return MiniBatchKMeans(n_clusters=k, n_init=3, batch_size=4096, random_state=seed)
    return KMeans(n_clusters=k, n_init=10, random_state=seed)


# Same partition on every CPU. On a dense matrix scikit-learn's k-means takes its distances from
# BLAS (gemm), whose kernels OpenBLAS picks by CPU; on this weakly clustered data a last-bit
# difference in one distance sends a restart to another local optimum (measured: the k = 2
# partition differed between the default kernel and OPENBLAS_CORETYPE=Prescott). On a sparse
# matrix its Lloyd loop is compiled code with no BLAS, so the arithmetic is the same on every CPU
# (tests/test_same_on_every_cpu.py). The centre sums are also split between OpenMP threads, which
# changes their last digits with the thread count, so the fits run on one thread whatever the
# environment (a kernel started by hand has one per core). Dense input was about 3x faster on
# notebook-sized data; the same result on every machine is worth that.
def _as_sparse(X):
    return sparse.csr_matrix(X) if not sparse.issparse(X) else X.tocsr()


def _fit_predict(model, X, fit_rows=None):
    """Fit `model` on X (or on X[fit_rows]) and label every row of X, BLAS-free and on one thread."""
    X = _as_sparse(X)
    with threadpool_limits(limits=1):
        if fit_rows is None:
            return model.fit_predict(X)
        return model.fit(X[fit_rows]).predict(X)


def kmeans_labels(X, k: int, seed: int = 0) -> np.ndarray:
    """k-means on L2-normalised rows (so Euclidean k-means ranks like cosine): 10 restarts, or
    mini-batch k-means with 3 restarts above MINIBATCH_ABOVE rows. Identical on every CPU."""
    return _fit_predict(_kmeans(k, seed, X.shape[0]), X)


def choose_k(X, ks, seed: int = 0, sample_size: int = 2000) -> pd.DataFrame:
    """Silhouette (cosine distance) of the k-means solution for each k, on at most `sample_size`
    rows; sorted by k, with the rank of each k (1 = best)."""
    n = X.shape[0]
    rows = []
    for k in ks:
        if not 2 <= k < n:
            continue
        labels = kmeans_labels(X, k, seed)
        s = silhouette_score(X, labels, metric="cosine", sample_size=min(n, sample_size), random_state=seed)
        rows.append({"k": k, "silhouette": s, "smallest_cluster": int(np.bincount(labels).min())})
    out = pd.DataFrame(rows)
    out["rank"] = out["silhouette"].rank(ascending=False, method="first").astype(int)
    return out


def agglomerative_labels(Z: np.ndarray, k: int, max_n: int = 2000, seed: int = 0) -> np.ndarray:
    """Agglomerative clustering (cosine distance, average linkage) of the LSA rows; beyond `max_n`
    rows, of a random sample, with every other row given the cluster of the nearest centre."""
    n = Z.shape[0]
    idx = np.arange(n) if n <= max_n else np.sort(np.random.default_rng(seed).choice(n, max_n, replace=False))
    sample_labels = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(Z[idx])
    if len(idx) == n:
        return sample_labels
    centres = normalize(np.vstack([Z[idx][sample_labels == c].mean(axis=0) for c in range(k)]))
    return np.asarray((Z @ centres.T).argmax(axis=1)).ravel()


def nmf_topics(X, k: int, terms, seed: int = 0, n_terms: int = 6) -> tuple[np.ndarray, pd.DataFrame]:
    """NMF with k topics on the TF-IDF matrix: each paragraph's main topic, and each topic's top terms."""
    model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=1000)
    W = model.fit_transform(X)
    top = [", ".join(terms[np.argsort(-row, kind="stable")[:n_terms]]) for row in model.components_]
    return W.argmax(axis=1), pd.DataFrame({"topic": range(k), "top_terms": top})


def agreement(solutions: dict[str, np.ndarray]) -> pd.DataFrame:
    """Adjusted Rand index between every pair of labelings (1 = identical partitions, 0 = chance)."""
    names = list(solutions)
    return pd.DataFrame([[adjusted_rand_score(solutions[a], solutions[b]) for b in names] for a in names],
                        index=names, columns=names).round(3)


def describe_clusters(rep: Representation, labels: np.ndarray, n_terms: int = 6) -> pd.DataFrame:
    """Per cluster: size, its most characteristic terms (class-based TF-IDF over the clusters),
    and its most central paragraph (highest cosine to the cluster's mean vector), with source."""
    terms = class_tfidf_top(rep.counts, labels, rep.terms, n_terms)
    rows = []
    for c in sorted(np.unique(labels)):
        members = np.flatnonzero(labels == c)
        centre = normalize(np.asarray(rep.X[members].mean(axis=0)))
        central = members[int(np.argmax(rep.X[members] @ centre.ravel()))]
        p = rep.paras.iloc[central]
        rows.append({"cluster": int(c), "paragraphs": len(members),
                     "terms": ", ".join(terms.loc[terms["group"] == c, "term"]),
                     "central_doc": p["doc_id"], "central_year": int(p["event_year"]), "central_para": int(p["para"]),
                     "central_text": p["text"]})
    return pd.DataFrame(rows)


def stability(rep: Representation, k: int, reference: np.ndarray, n_seeds: int = 20, n_boot: int = 20,
              seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How much the k-means solution depends on chance. Two perturbations: other random seeds
    (same data), and bootstrap resamples of the paragraphs (fit on the resample, predict all).
    Returns per run the ARI against `reference`, and per reference cluster the Jaccard overlap
    with its best-matching cluster in each run, as mean and std (Hennig's clusterwise stability:
    below 0.6 a cluster is not reliably found)."""
    rng = np.random.default_rng(seed)
    runs, jaccards = [], {c: [] for c in np.unique(reference)}
    n, X = rep.X.shape[0], rep.X
    plans = [("seed", s, None) for s in range(seed + 1, seed + 1 + n_seeds)]
    plans += [("bootstrap", seed, rng.choice(n, n, replace=True)) for _ in range(n_boot)]
    for kind, s, sample in plans:
        labels = _fit_predict(_kmeans(k, s, n), X, sample)
        runs.append({"perturbation": kind, "ari": adjusted_rand_score(reference, labels)})
        for c in jaccards:
            ref = reference == c
            best = max((ref & (labels == l)).sum() / (ref | (labels == l)).sum() for l in np.unique(labels))
            jaccards[c].append(best)
    per_cluster = pd.DataFrame([{"cluster": int(c), "jaccard_mean": np.mean(v), "jaccard_std": np.std(v)}
                                for c, v in jaccards.items()])
    per_cluster["stable"] = per_cluster["jaccard_mean"] >= 0.6
    return pd.DataFrame(runs), per_cluster


def shares_by_year(paras: pd.DataFrame, labels: np.ndarray, by: str = "event_year") -> pd.DataFrame:
    """Share of each group's paragraphs in each cluster (rows: groups, columns: clusters); every
    group in the data appears, a new event year included."""
    table = pd.crosstab(paras[by].to_numpy(), labels, normalize="index")
    table.index.name, table.columns.name = by, "cluster"
    return table


def map_2d(rep: Representation, seed: int = 0) -> np.ndarray:
    """A 2-D projection of the paragraphs (TruncatedSVD of the TF-IDF matrix) for a scatter map."""
    return TruncatedSVD(2, random_state=seed).fit_transform(rep.X)


def document_linkage(rep: Representation) -> tuple[np.ndarray, list[str]]:
    """Average-linkage tree of the documents, on cosine distance between their mean LSA vectors."""
    docs = rep.paras["doc_id"].to_numpy()
    names = sorted(set(docs))
    ind = sparse.csr_matrix((np.ones(len(docs)), ([names.index(d) for d in docs], np.arange(len(docs)))))
    centres = normalize(np.asarray(ind @ rep.Z))
    return linkage(pdist(centres, metric="cosine"), method="average"), names
