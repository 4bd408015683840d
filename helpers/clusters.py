"""Paragraph clusters: representation, choice of k against a null baseline, three methods, labels
that describe their paragraphs, stability in Hennig's bands, shares by group.

Same results on every CPU: everything that decides a partition (k-means, silhouettes,
agglomerative clustering, assignment to centres) runs on the sparse TF-IDF matrix with no BLAS
matrix product, and k-means on one thread (see `_fit_predict`). One BLAS call remains, in
scikit-learn's k-means++ (kept as it is by kmeans_seeding): each candidate's potential is a dot
product of its distances with unit weights, whose last bit may differ between CPUs; it changes
a draw only if a random value falls within that bit of a boundary. Only NMF and the 2-D map
use BLAS products; their outputs agree across back-ends far below the precision shown
(tests/test_same_on_every_cpu.py).

Scale: the TF-IDF matrix stays sparse; choosing k uses at most `max_rows` paragraphs; the
silhouette is computed on a fixed-size sample; agglomerative clustering (quadratic in n) runs on
at most `max_n` paragraphs and assigns the rest to the nearest cluster centre. A matrix fitted
many times (choose_k, stability) keeps the k-means++ distances it has computed
(helpers/kmeans_seeding.py) and runs KMeans's restarts without its per-call input checks
(helpers/kmeans_restarts.py), and choose_k computes each silhouette sample's distances once per
matrix and seed (`_Silhouettes`) and scores its labellings without scikit-learn's per-call
checks (helpers/cluster_scores.py): scikit-learn's numbers, so the same results.
"""
from __future__ import annotations

import collections
import hashlib
from functools import lru_cache, partial

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform
from sklearn import get_config
from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.metrics.pairwise import cosine_distances
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state
from threadpoolctl import ThreadpoolController

from . import cluster_scores, kmeans_restarts
from .kmeans_seeding import SEEDING_ROWS, Seeding
from .parallel import map_ordered
from .text import DEFAULT_POLICY, TermMatrix, TextPolicy
from .themes import class_tfidf_top, group_indicator


class Representation:
    """TF-IDF rows (sparse, L2-normalised) of the paragraphs: the only representation clustered.

    A paragraph with no term of the vocabulary ("Thank you.") has no direction to cluster by: it
    is set aside in `empty` (and counted by the notebook), and `paras` holds the others.
    `project(texts)` gives other paragraphs (a baseline event) rows in the same vocabulary and idf.
    """

    def __init__(self, paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, matrix: TermMatrix | None = None):
        paras = paras.reset_index(drop=True)
        matrix = matrix or TermMatrix(paras["text"], policy)
        self._idf = TfidfTransformer().fit(matrix.counts)
        has_terms = np.diff(matrix.tfidf.indptr) > 0
        self.paras, self.empty = paras[has_terms].reset_index(drop=True), paras[~has_terms].reset_index(drop=True)
        self.X, self.terms = matrix.tfidf[np.flatnonzero(has_terms)], matrix.terms
        self.counts = matrix.counts[np.flatnonzero(has_terms)]
        self.policy = policy

    @property
    def sparsity(self) -> float:
        return 1 - self.X.nnz / (self.X.shape[0] * self.X.shape[1])

    def project(self, texts) -> sparse.csr_matrix:
        """TF-IDF rows of other texts in this vocabulary, with this corpus's idf (rows may be empty)."""
        counts = TermMatrix(texts, self.policy, vocabulary={t: i for i, t in enumerate(self.terms)}).counts
        if counts.shape[0] == 0:  # no other texts (a corpus without other events): scikit-learn refuses empty input
            return sparse.csr_matrix((0, len(self.terms)))
        return self._idf.transform(counts).tocsr()


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


@lru_cache(maxsize=1)
def _threadpools() -> ThreadpoolController:
    # found once: threadpool_limits() re-reads the process's loaded libraries on every call, which
    # cost 5 ms a fit (a quarter of choose_k's time on a notebook's paragraphs)
    return ThreadpoolController()


def _fit_predict(k: int, seed: int, X, fit_rows=None, seeding: Seeding | None = None, n: int | None = None):
    """Fit k-means (`_kmeans(k, seed, n)`, n the rows of the corpus, X's by default) on X (or on
    X[fit_rows]) and label every row of X, BLAS-free and on one thread. `seeding`, a Seeding of
    the matrix fitted, gives the same labels faster (below MINIBATCH_ABOVE rows)."""
    X = _as_sparse(X)
    n = X.shape[0] if n is None else n
    with _threadpools().limit(limits=1):
        if seeding is not None and n <= MINIBATCH_ABOVE:
            fitted = X if fit_rows is None else X[fit_rows]
            labels, centres = kmeans_restarts.fit(fitted, k, seed, seeding)
            return labels if fit_rows is None else kmeans_restarts.predict(X, centres)
        model = _kmeans(k, seed, n)
        if fit_rows is None:
            return model.fit_predict(X)
        return model.fit(X[fit_rows]).predict(X)


# kmeans_labels is a function of (X, k, seed) alone, so its results are kept for matrices of up to
# MEMO_ROWS rows: k_by_seed's choose_k runs fit the same (k, seed) on the same paragraphs several
# times (seed s is one run's own fit and the agreement partner of the runs before it).
MEMO_ROWS, MEMO_SIZE = 20_000, 256
_MEMO: collections.OrderedDict = collections.OrderedDict()


def _fingerprint(X) -> bytes:
    X = _as_sparse(X)
    h = hashlib.blake2b(digest_size=16)
    for part in (np.asarray(X.shape), X.indptr, X.indices, X.data):
        h.update(np.ascontiguousarray(part).tobytes())
    return h.digest()


def kmeans_labels(X, k: int, seed: int = 0, seeding: Seeding | None = None) -> np.ndarray:
    """k-means on L2-normalised rows (so Euclidean k-means ranks like cosine): 10 restarts, or
    mini-batch k-means with 3 restarts above MINIBATCH_ABOVE rows. Identical on every CPU.
    `seeding` (a Seeding of X) only makes it faster when X is fitted many times: same labels."""
    if X.shape[0] > MEMO_ROWS:
        return _fit_predict(k, seed, X, seeding=seeding)
    key = (_fingerprint(X), k, seed)
    if key not in _MEMO:
        _MEMO[key] = _fit_predict(k, seed, X, seeding=seeding)
        if len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    _MEMO.move_to_end(key)
    return _MEMO[key].copy()


def shuffled_counts(counts, seed: int) -> sparse.csr_matrix:
    """The term occurrences of all paragraphs shuffled between them: each paragraph keeps its
    length and each term its frequency; which terms occur together is all that is lost."""
    counts = _as_sparse(counts)
    rows = np.repeat(np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr)), counts.data)
    terms = np.random.default_rng(seed).permutation(np.repeat(counts.indices, counts.data))
    shuffled = sparse.csr_matrix((np.ones(len(rows)), (rows, terms)), shape=counts.shape)
    shuffled.sum_duplicates()
    return shuffled


def permuted(counts, seed: int) -> sparse.csr_matrix:
    """The null baseline's matrix: TF-IDF (L2 rows, as for the real paragraphs) of shuffled counts."""
    return TfidfTransformer().fit_transform(shuffled_counts(counts, seed)).tocsr()


class _Silhouettes:
    """`silhouette_score(X, labels, metric="cosine", sample_size=min(n, sample_size),
    random_state=seed)` for many labellings of one X, with the sample's cosine distances computed
    once rather than once per labelling: scikit-learn's own steps (the same permutation of the
    rows, the same call for the distances, its silhouette arithmetic in cluster_scores), so the
    same values (tests/test_kmeans_seeding.py).
    Only while scikit-learn would compute them in one piece: a sample too large for its
    working_memory is cut into row chunks whose diagonals are not zeroed, so there every
    labelling gets silhouette_score itself."""

    def __init__(self, X, seed: int, sample_size: int):
        self.X, self.seed, self.m = X, seed, min(X.shape[0], sample_size)
        self.distances = None
        if get_config()["working_memory"] * 2 ** 20 // (8 * self.m) >= self.m:  # pairwise_distances_chunked's rows per chunk
            self.rows = check_random_state(seed).permutation(X.shape[0])[:self.m]
            self.distances = cosine_distances(X[self.rows])  # sparse x sparse product: no BLAS
            cluster_scores.check_distances(self.distances)

    def __call__(self, labels) -> float:
        if self.distances is None:
            return float(silhouette_score(self.X, labels, metric="cosine", sample_size=self.m, random_state=self.seed))
        return cluster_scores.silhouette(self.distances, np.asarray(labels)[self.rows])


# A k beats the baseline when its silhouette is more than this many standard deviations of the
# shuffled copies above their mean. "Above every copy" would pass by chance about once in
# n_null + 1 tries at each k, and several k are tried.
BEATS_SD = 3


# From this many rows, choose_k's matrices and stability's runs go to a process pool (each fit
# is single-threaded and seeded, so the results are those of a loop); on fewer, a pool's start-up
# would cost more than the fits.
PARALLEL_FROM = 1_000


def _fit_ks(task, ks, sample_size: int) -> list[tuple[np.ndarray, float | None]]:
    """choose_k's fits of one matrix with one seed at every k: (labels, silhouette or None).
    One task per matrix and seed, so its k-means++ and silhouette distances serve every k
    (module-level, so that a process pool can run it)."""
    M, seed, with_silhouette = task
    seeding = Seeding(M) if M.shape[0] <= SEEDING_ROWS else None
    silhouette = _Silhouettes(M, seed, sample_size) if with_silhouette else None
    fits = [kmeans_labels(M, k, seed, seeding) for k in ks]
    return [(labels, silhouette(labels) if silhouette else None) for labels in fits]


def choose_k(rep: Representation, ks, seed: int = 0, n_null: int = 10, n_seeds: int = 5, sample_size: int = 2000,
             max_rows: int = 2000) -> pd.DataFrame:
    """For each k: the mean silhouette (cosine) of the k-means solution; the same on `n_null`
    copies of the paragraphs with their term occurrences shuffled between them (mean, sd, max:
    what the silhouette is with no structure, since it rises with k even then); the excess over
    that baseline; whether it beats it (more than BEATS_SD sd above its mean); and the agreement
    (mean ARI) of the solution with those of `n_seeds` other random seeds. On more than
    `max_rows` paragraphs, a fixed random sample of them is used."""
    X, counts = rep.X, rep.counts
    if X.shape[0] > max_rows:
        rows = np.sort(np.random.default_rng(seed).choice(X.shape[0], max_rows, replace=False))
        X, counts = X[rows], counts[rows]
    n = X.shape[0]
    nulls = [permuted(counts, seed + 1000 + i) for i in range(n_null)]
    ks = [k for k in ks if 2 <= k < n]
    tasks = [(X, seed, True)] + [(P, seed, True) for P in nulls] + [(X, s, False) for s in range(seed + 1, seed + 1 + n_seeds)]
    fits = [[] for _ in tasks]  # no k to try: nothing to fit
    if ks:
        fits = map_ordered(partial(_fit_ks, ks=ks, sample_size=sample_size), tasks,
                           min_items=1 if n >= PARALLEL_FROM else len(tasks) + 1)
    real, null_fits, seed_fits = fits[0], fits[1:1 + n_null], fits[1 + n_null:]
    rows = []
    for j, k in enumerate(ks):
        labels, silhouette = real[j]
        null = [f[j][1] for f in null_fits]
        ari = [cluster_scores.adjusted_rand(labels, f[j][0]) for f in seed_fits]
        rows.append({"k": k, "silhouette": silhouette,
                     "null_mean": np.mean(null) if null else np.nan, "null_sd": np.std(null) if null else np.nan,
                     "null_max": np.max(null) if null else np.nan, "seed_ari": np.mean(ari) if ari else np.nan,
                     "smallest_cluster": int(np.bincount(labels).min())})
    out = pd.DataFrame(rows, columns=["k", "silhouette", "null_mean", "null_sd", "null_max", "seed_ari",
                                      "smallest_cluster"])
    out["excess"] = out["silhouette"] - out["null_mean"]
    out["beats_null"] = out["excess"] > BEATS_SD * out["null_sd"]
    return out


def pick_k(scores: pd.DataFrame, min_size: int = 3) -> tuple[int | None, str]:
    """Our rule (stated, not a standard): among the k whose silhouette beats the baseline and whose smallest cluster has at least `min_size` paragraphs (a "theme" of one or two
    paragraphs is that paragraph's vocabulary, and such near-singletons inflate the silhouette),
    the one with the largest excess over the baseline; the smaller k on a tie at 3 decimals.
    Returns (k, a note): (None, why) when no k qualifies, and a warning when the chosen k is at an
    edge of the range tried (a k outside it might score higher)."""
    lo, hi = int(scores["k"].min()), int(scores["k"].max())
    ok = scores[scores["beats_null"] & (scores["smallest_cluster"] >= min_size)]
    if ok.empty:
        return None, (f"no k from {lo} to {hi} has a silhouette more than {BEATS_SD} sd above the shuffled copies "
                      f"with clusters of at least {min_size} paragraphs: no cluster structure beyond chance to read as themes")
    best = ok.assign(e=ok["excess"].round(3)).sort_values(["e", "k"], ascending=[False, True]).iloc[0]
    k = int(best["k"])
    note = f"k = {k}: the largest excess over the shuffled baseline among the {len(ok)} k that qualify"
    if k in (lo, hi):
        note += (f"; warning: k = {k} is at the {'upper' if k == hi else 'lower'} edge of the range tried "
                 f"({lo}-{hi}), so a k outside it might score higher")
    return k, note


def k_by_seed(rep: Representation, ks, seeds, min_size: int = 3, known: dict | None = None,
              **choose_k_args) -> pd.DataFrame:
    """The k that `pick_k` chooses when only the random seed of `choose_k` changes (its sample,
    shuffled copies and k-means restarts follow the seed): one row per seed, with the chosen k
    (None when no k qualifies) and its excess over the baseline. `known` maps seeds already scored
    to their `choose_k` table, so they are not computed twice. When the seeds choose different
    k, the data do not identify k: the excesses differ by less than their own noise."""
    # pick_k reads no agreement between seeds (seed_ari), so no partner seeds are fitted for it:
    # the same k and excess, without n_seeds x len(ks) fits per seed
    choose_k_args = {"n_seeds": 0, **choose_k_args}
    rows = []
    for s in seeds:
        scores = (known or {}).get(s)
        scores = choose_k(rep, ks, seed=s, **choose_k_args) if scores is None else scores
        k, _ = pick_k(scores, min_size)
        excess = float(scores.set_index("k").loc[k, "excess"]) if k is not None else np.nan
        rows.append({"seed": s, "k": k, "excess": excess})
    return pd.DataFrame(rows, columns=["seed", "k", "excess"]).astype({"k": "Int64"})


def k_wins(by_seed: pd.DataFrame) -> pd.Series:
    """How many seeds chose each k (most often first, smaller k first on a tie); "none" counts the
    seeds for which no k qualified."""
    won = by_seed["k"].astype(object).where(by_seed["k"].notna(), "none").value_counts()
    order = sorted(won.index, key=lambda k: (-won[k], k == "none", k if k != "none" else 0))
    return won[order].rename("seeds")


def agglomerative_labels(X, k: int, max_n: int = 2000, seed: int = 0) -> np.ndarray:
    """Agglomerative clustering (cosine distance, average linkage) of the TF-IDF rows; beyond
    `max_n` rows, of a random sample, with every other row given the cluster of the nearest centre."""
    X = _as_sparse(X)
    n = X.shape[0]
    idx = np.arange(n) if n <= max_n else np.sort(np.random.default_rng(seed).choice(n, max_n, replace=False))
    D = cosine_distances(X[idx])  # sparse x sparse product: no BLAS
    sample_labels = AgglomerativeClustering(n_clusters=k, metric="precomputed", linkage="average").fit_predict(D)
    if len(idx) == n:
        return sample_labels
    return nearest_centre(X[idx], sample_labels, X)


def nearest_centre(X, labels: np.ndarray, Y) -> np.ndarray:
    """For each row of Y, the cluster (of X's `labels`) whose normalised mean row is closest by
    cosine; -1 for a row with no term. Sparse products only (the same on every CPU)."""
    ind, groups = group_indicator(labels)
    centres = normalize(ind @ _as_sparse(X))
    sims = (_as_sparse(Y) @ centres.T).toarray()
    out = groups[sims.argmax(axis=1)]
    return np.where(sims.max(axis=1) > 0, out, -1)


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


def describe_clusters(rep: Representation, labels: np.ndarray, n_terms: int = 3,
                      min_coverage: float = 0.5) -> pd.DataFrame:
    """Per cluster: size, its documents, its label and its most central paragraph.

    The label is made of the cluster's most characteristic terms (class-based TF-IDF over the
    clusters) that occur in at least `min_coverage` of its paragraphs, each shown with that
    coverage ("reform 5/8"): a term used heavily in one paragraph cannot name the cluster. A
    cluster with no such term is labelled as such. The central paragraph has the highest cosine
    to the cluster's mean vector."""
    ranked = class_tfidf_top(rep.counts, labels, rep.terms, len(rep.terms))
    present = rep.counts > 0
    col = {t: i for i, t in enumerate(rep.terms)}
    rows = []
    for c in sorted(np.unique(labels)):
        members = np.flatnonzero(labels == c)
        covered = np.asarray(present[members].sum(axis=0)).ravel()
        picked = [(t, int(covered[col[t]])) for t in ranked.loc[ranked["group"] == c, "term"]
                  if covered[col[t]] >= min_coverage * len(members)][:n_terms]
        centre = normalize(np.asarray(rep.X[members].mean(axis=0)))
        central = members[int(np.argmax(rep.X[members] @ centre.ravel()))]
        p = rep.paras.iloc[central]
        docs = rep.paras.iloc[members]["doc_id"].value_counts(sort=False).sort_index()
        docs = docs.sort_values(ascending=False, kind="stable")
        rows.append({"cluster": int(c), "paragraphs": len(members),
                     "label": ", ".join(t for t, _ in picked) or "(no term in half its paragraphs)",
                     "coverage": ", ".join(f"{t} {m}/{len(members)}" for t, m in picked),
                     "documents": ", ".join(f"{d} ({m})" for d, m in docs.items()), "n_documents": len(docs),
                     "central_doc": p["doc_id"], "central_para": int(p["para"]), "central_text": p["text"]})
    return pd.DataFrame(rows)


# Hennig (2007, "Cluster-wise assessment of cluster stability"; fpc::clusterboot's documentation):
# a cluster whose mean Jaccard is below 0.6 should not be trusted; 0.6-0.75 indicates a pattern,
# but which points belong to it is doubtful; >= 0.75 valid, stable; >= 0.85 highly stable.
# "Dissolved" is said of one run, not of the mean: the cluster's best match in that run has
# Jaccard <= 0.5 (DISSOLVED_AT); `stability` counts those runs per cluster.
HENNIG_BANDS = [(0.6, "not trusted"), (0.75, "pattern"), (0.85, "stable"), (np.inf, "highly stable")]
DISSOLVED_AT = 0.5
STABLE_FROM = 0.75


def hennig_band(jaccard: float) -> str:
    return next(name for upper, name in HENNIG_BANDS if jaccard < upper)


def _stability_run(plan, X, k: int, n: int, seeding: Seeding | None = None) -> np.ndarray:
    """One stability run: fit with the plan's seed on X (or on its resample rows), label X."""
    _, s, sample = plan
    if seeding is not None and sample is not None:
        seeding = seeding.subset(sample)
    return _fit_predict(k, s, X, sample, seeding, n)


# Stability on at most this many paragraphs: a fixed random sample of them (the reference fit
# stays on all), so that its 40 runs cost the same on a corpus of any size. Far above any corpus
# the notebooks run on: there, every paragraph takes part, as before.
STABILITY_MAX_ROWS = 20_000


def stability(rep: Representation, k: int, reference: np.ndarray, n_seeds: int = 20, n_boot: int = 20,
              seed: int = 0, max_rows: int = STABILITY_MAX_ROWS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How much the k-means solution depends on chance. Two perturbations: other random seeds
    (same data), and bootstrap resamples of the paragraphs (fit on the resample, predict all).
    Returns per run the ARI against `reference`, and per reference cluster the Jaccard overlap
    with its best-matching cluster in each run (mean, std), its Hennig band, whether it is
    stable (mean Jaccard >= STABLE_FROM) and in how many of the runs it dissolved (best Jaccard
    <= DISSOLVED_AT). On more than `max_rows` paragraphs, the runs fit and are compared on a fixed
    random sample of them (the same k-means variant as the reference)."""
    rng = np.random.default_rng(seed)
    runs, jaccards = [], {c: [] for c in np.unique(reference)}
    n_all, X = rep.X.shape[0], rep.X
    if n_all > max_rows:
        rows = np.sort(np.random.default_rng(seed + 1).choice(n_all, max_rows, replace=False))
        X, reference = X[rows], np.asarray(reference)[rows]
    n = X.shape[0]
    plans = [("seed", s, None) for s in range(seed + 1, seed + 1 + n_seeds)]
    plans += [("bootstrap", seed, rng.choice(n, n, replace=True)) for _ in range(n_boot)]
    # same results, faster; only where the runs stay in this process: each pool worker would
    # build the distance table again for its few runs
    seeding = Seeding(X) if n < PARALLEL_FROM and n <= SEEDING_ROWS and n_all <= MINIBATCH_ABOVE else None
    fit = partial(_stability_run, X=X, k=k, n=n_all, seeding=seeding)
    for (kind, _, _), labels in zip(plans, map_ordered(fit, plans, min_items=1 if n >= PARALLEL_FROM else len(plans) + 1)):
        runs.append({"perturbation": kind, "ari": cluster_scores.adjusted_rand(reference, labels)})
        for c in jaccards:
            ref = reference == c
            best = max((ref & (labels == l)).sum() / (ref | (labels == l)).sum() for l in np.unique(labels))
            jaccards[c].append(best)
    per_cluster = pd.DataFrame([{"cluster": int(c), "jaccard_mean": np.mean(v), "jaccard_std": np.std(v),
                                 "dissolved_runs": int(np.sum(np.asarray(v) <= DISSOLVED_AT)), "runs": len(v)}
                                for c, v in jaccards.items()])
    per_cluster["band"] = per_cluster["jaccard_mean"].map(hennig_band)
    per_cluster["stable"] = per_cluster["jaccard_mean"] >= STABLE_FROM
    return pd.DataFrame(runs), per_cluster


UNSTABLE = "unstable / mixed"


def shares(groups, labels: np.ndarray, names: dict[int, str], stable: set[int]) -> pd.DataFrame:
    """Long table: for each group (an event year, a baseline...), in sorted order, the paragraphs
    and share in each stable cluster and in one UNSTABLE band for the rest (a paragraph of no
    cluster, -1, included), with n."""
    groups, labels = pd.Series(list(groups), name="group"), np.asarray(labels)
    theme = pd.Series([names[c] if c in stable else UNSTABLE for c in labels], name="theme")
    order = [names[c] for c in sorted(stable)] + [UNSTABLE]
    table = pd.crosstab(groups, theme).reindex(index=sorted(set(groups)), columns=order, fill_value=0)
    out = table.reset_index().melt(id_vars="group", var_name="theme", value_name="paragraphs")
    out["n"] = out["group"].map(table.sum(axis=1))
    out["share"] = out["paragraphs"] / out["n"]
    return out


def assignment_table(paras: pd.DataFrame, labels: np.ndarray, names: dict[int, str], stable: set[int],
                     role: str) -> pd.DataFrame:
    """One row per paragraph: doc_id, para, event_year, cluster, label, stable, role (clustered, or
    a baseline assigned to its nearest centre; cluster -1 when it has no term of the vocabulary)."""
    labels = np.asarray(labels)
    return pd.DataFrame({"doc_id": paras["doc_id"].to_numpy(), "para": paras["para"].to_numpy(),
                         "event_year": paras["event_year"].to_numpy(), "cluster": labels,
                         "label": [names.get(c, "(no term of the vocabulary)") for c in labels],
                         "stable": [c in stable for c in labels], "role": role})


def shares_by_year(paras: pd.DataFrame, labels: np.ndarray, by: str = "event_year") -> pd.DataFrame:
    """Share of each group's paragraphs in each cluster (rows: groups, columns: clusters); every
    group in the data appears, a new event year included."""
    table = pd.crosstab(paras[by].to_numpy(), labels, normalize="index")
    table.index.name, table.columns.name = by, "cluster"
    return table


def map_2d(rep: Representation, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D projection of the paragraphs (TruncatedSVD of the TF-IDF matrix) for a scatter map,
    and the share of the matrix's variance each axis explains (shown on the axes: it is small)."""
    svd = TruncatedSVD(2, random_state=seed)
    return svd.fit_transform(rep.X), svd.explained_variance_ratio_


def cosine_to_mean(rep: Representation) -> np.ndarray:
    """Each paragraph's cosine to the normalised mean TF-IDF row: how much of the corpus's shared
    vocabulary it uses. The first axis of an uncentred SVD (map_2d) tends to follow it."""
    return np.asarray(rep.X @ normalize(np.asarray(rep.X.mean(axis=0))).ravel()).ravel()


def document_linkage(rep: Representation) -> tuple[np.ndarray, list[str]]:
    """Average-linkage tree of the documents, on cosine distance between their normalised mean
    TF-IDF vectors (sparse products: the same on every CPU)."""
    ind, names = group_indicator(rep.paras["doc_id"])
    D = cosine_distances(normalize(ind @ rep.X))
    np.fill_diagonal(D, 0)
    return linkage(squareform(D, checks=False), method="average"), names.tolist()
