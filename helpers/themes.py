"""Comparing groups of paragraphs (event years): TF-IDF top terms, similarity, keyness, robustness.

Everything takes a paragraphs table (helpers.corpus.split_paragraphs) and a TextPolicy
(helpers.text), groups by a column (event_year by default) whose values are read from the data,
so a new year appears everywhere with no code change. Matrices stay sparse; only vectors of
vocabulary length or group-by-vocabulary arrays are densified.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import chi2
from sklearn.preprocessing import normalize

from sklearn.feature_extraction.text import TfidfTransformer

from .text import DEFAULT_POLICY, TermMatrix, TextPolicy, lemma

WIC_SERIES = "World Internet Conference"


def select_paragraphs(paras: pd.DataFrame, series: str | None = WIC_SERIES,
                      drop_duplicates: bool = True) -> pd.DataFrame:
    """The paragraphs to compare: those of one `series` (None, or a series this corpus does not
    have: all of them), without flagged duplicates."""
    keep = pd.Series(True, index=paras.index)
    if series is not None and (paras["series"] == series).any():
        keep &= paras["series"] == series
    if drop_duplicates and "duplicate" in paras:
        keep &= paras["duplicate"] == ""
    return paras[keep].reset_index(drop=True)


def _group_indicator(labels) -> tuple[sparse.csr_matrix, np.ndarray]:
    """A sparse groups x rows 0/1 matrix and the sorted group labels."""
    labels = np.asarray(labels)
    groups, codes = np.unique(labels, return_inverse=True)
    ind = sparse.csr_matrix((np.ones(len(labels)), (codes, np.arange(len(labels)))),
                            shape=(len(groups), len(labels)))
    return ind, groups


def _top(scores: np.ndarray, groups, terms, n: int, name: str) -> pd.DataFrame:
    rows = []
    for g, row in zip(groups, scores):
        order = np.lexsort((terms, -row))[:n]  # ties broken alphabetically: deterministic
        rows += [{"group": g, "rank": r + 1, "term": terms[j], name: row[j]} for r, j in enumerate(order) if row[j] > 0]
    return pd.DataFrame(rows, columns=["group", "rank", "term", name])


def top_terms_mean(paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, by: str = "event_year",
                   n: int = 10, matrix: TermMatrix | None = None) -> pd.DataFrame:
    """Top terms per group by the mean of the group's paragraph TF-IDF vectors."""
    matrix = matrix or TermMatrix(paras["text"], policy)
    ind, groups = _group_indicator(paras[by])
    means = (sparse.diags(1 / np.asarray(ind.sum(axis=1)).ravel()) @ ind @ matrix.tfidf).toarray()
    return _top(means, groups, matrix.terms, n, "mean_tfidf")


def top_terms_class(paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, by: str = "event_year",
                    n: int = 10, matrix: TermMatrix | None = None) -> pd.DataFrame:
    """Top terms per group by class-based TF-IDF: each group's paragraphs taken as one document
    (their counts summed), then TF-IDF across the groups, so idf asks: in how many *groups* does
    the term occur? Same vocabulary as the paragraph-level matrix (min_df over paragraphs)."""
    matrix = matrix or TermMatrix(paras["text"], policy)
    return class_tfidf_top(matrix.counts, paras[by], matrix.terms, n)


def class_tfidf_top(counts, labels, terms, n: int = 10) -> pd.DataFrame:
    """Class-based TF-IDF from a rows x terms count matrix and a label per row: top `n` terms
    per label."""
    ind, groups = _group_indicator(labels)
    X = TfidfTransformer().fit_transform(ind @ counts).toarray()
    return _top(X, groups, terms, n, "class_tfidf")


def compare_rankings(a: pd.DataFrame, b: pd.DataFrame, names=("mean", "class")) -> pd.DataFrame:
    """Per group: the top terms both rankings share and those only one of them has."""
    rows = []
    for g in sorted(set(a["group"]) | set(b["group"])):
        ta, tb = a.loc[a["group"] == g, "term"].tolist(), b.loc[b["group"] == g, "term"].tolist()
        rows.append({"group": g, "both": ", ".join(t for t in ta if t in tb),
                     f"only {names[0]}": ", ".join(t for t in ta if t not in tb),
                     f"only {names[1]}": ", ".join(t for t in tb if t not in ta)})
    return pd.DataFrame(rows)


def centroid_similarity(paras: pd.DataFrame, by: str, policy: TextPolicy = DEFAULT_POLICY,
                        matrix: TermMatrix | None = None) -> pd.DataFrame:
    """Cosine similarity between groups (e.g. documents or years): each group is the normalised
    mean of its paragraphs' TF-IDF vectors."""
    matrix = matrix or TermMatrix(paras["text"], policy)
    ind, groups = _group_indicator(paras[by])
    centroids = normalize(ind @ matrix.tfidf)
    sim = (centroids @ centroids.T).toarray()
    return pd.DataFrame(np.round(sim, 3), index=groups, columns=groups)


# --- keyness ---------------------------------------------------------------------------------

def log_likelihood(a, b, c, d):
    """Log-likelihood G² of a term seen `a` times in a target of `c` tokens and `b` times in a
    reference of `d` tokens: G² = 2 Σ O ln(O/E) over the four cells of the 2x2 table (term / other
    tokens x target / reference), E from the margins. Rayson & Garside's corpus shortcut keeps only
    the two term cells; the two agree closely when the term is rare. Works on arrays; 0 ln 0 = 0."""
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    n = c + d
    observed = (a, b, c - a, d - b)
    expected = (c * (a + b) / n, d * (a + b) / n, c * (n - a - b) / n, d * (n - a - b) / n)
    total = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for o, e in zip(observed, expected):
            total = total + np.where(o > 0, o * np.log(o / e), 0.0)
    return 2 * total


def log_ratio(a, b, c, d):
    """Effect size: log2 of the ratio of relative frequencies (Hardie 2014), with 0.5 added to a
    zero count so that a term absent from one side gets a finite value. +1 = twice as frequent."""
    a, b = np.where(np.asarray(a) == 0, 0.5, a), np.where(np.asarray(b) == 0, 0.5, b)
    return np.log2((a / np.asarray(c, float)) / (b / np.asarray(d, float)))


class KeynessData:
    """Term counts and token counts per paragraph (a TermMatrix), computed once and reused by
    every comparison, bootstrap and robustness check."""

    def __init__(self, paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, matrix: TermMatrix | None = None):
        self.matrix = matrix or TermMatrix(paras["text"], policy)
        self.X, self.terms, self.sizes = self.matrix.counts, self.matrix.terms, self.matrix.sizes
        self.paras = paras.reset_index(drop=True)

    def compare(self, target: np.ndarray, reference: np.ndarray, min_freq: int = 3) -> pd.DataFrame:
        """Keyness of every term with at least `min_freq` occurrences in the target rows."""
        a = np.asarray(self.X[target].sum(axis=0)).ravel()
        b = np.asarray(self.X[reference].sum(axis=0)).ravel()
        c, d = self.sizes[target].sum(), self.sizes[reference].sum()
        keep = a >= min_freq
        g2 = log_likelihood(a[keep], b[keep], c, d)
        lr = log_ratio(a[keep], b[keep], c, d)
        p = chi2.sf(g2, df=1)
        out = pd.DataFrame({"term": self.terms[keep], "freq_target": a[keep], "freq_ref": b[keep],
                            "per_1000_target": 1000 * a[keep] / c, "per_1000_ref": 1000 * b[keep] / d,
                            "G2": g2, "p": p, "p_bonferroni": np.minimum(1, p * keep.sum()), "log_ratio": lr})
        return out.sort_values(["G2", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)

    def bootstrap(self, target, reference, terms, n_boot: int = 1000, seed: int = 0,
                  level: float = 0.95) -> pd.DataFrame:
        """Percentile interval of each term's log ratio, resampling paragraphs with replacement
        within the target and within the reference (the paragraph is the unit that varies)."""
        rng = np.random.default_rng(seed)
        cols = [int(np.flatnonzero(self.terms == t)[0]) for t in terms]
        Xs = self.X[:, cols].tocsc()
        tgt, ref = np.flatnonzero(target), np.flatnonzero(reference)
        n = len(self.sizes)
        lrs = np.empty((n_boot, len(cols)))
        for k in range(n_boot):
            # a resample as weights (how often each paragraph was drawn): one sparse product per
            # side instead of copying rows, so the cost is linear in the number of paragraphs
            w_t = np.bincount(rng.choice(tgt, len(tgt)), minlength=n).astype(float)
            w_r = np.bincount(rng.choice(ref, len(ref)), minlength=n).astype(float)
            a, b = Xs.T @ w_t, Xs.T @ w_r
            lrs[k] = log_ratio(a, b, w_t @ self.sizes, w_r @ self.sizes)
        lo, hi = np.percentile(lrs, [50 * (1 - level), 50 * (1 + level)], axis=0)
        return pd.DataFrame({"term": list(terms), "lr_low": lo, "lr_high": hi})


def distinctive_terms(paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, by: str = "event_year",
                      n: int = 10, min_freq: int = 3, n_boot: int = 0, seed: int = 0,
                      data: KeynessData | None = None) -> pd.DataFrame:
    """Each group against all the others: its `n` terms with the highest G² among those more
    frequent in the group (log ratio > 0), with an optional bootstrap interval on the log ratio."""
    data = data or KeynessData(paras, policy)
    labels = data.paras[by].to_numpy()
    out = []
    for g in np.unique(labels):
        target = labels == g
        if target.all():
            continue
        k = data.compare(target, ~target, min_freq)
        k = k[k["log_ratio"] > 0].head(n).copy()
        if n_boot and len(k):
            k = k.merge(data.bootstrap(target, ~target, k["term"], n_boot, seed), on="term")
        k.insert(0, "group", g)
        k.insert(1, "rank", range(1, len(k) + 1))
        out.append(k)
    if not out:  # one group only: nothing to compare, an empty table with the usual columns
        cols = ["group", "rank", "term", "freq_target", "freq_ref", "per_1000_target", "per_1000_ref", "G2", "p",
                "p_bonferroni", "log_ratio"] + (["lr_low", "lr_high"] if n_boot else [])
        return pd.DataFrame(columns=cols)
    return pd.concat(out, ignore_index=True)


def pairwise_keyness(paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, by: str = "event_year",
                     n: int = 5, min_freq: int = 3, data: KeynessData | None = None) -> pd.DataFrame:
    """Every ordered pair of groups (A over B): A's `n` most over-represented terms."""
    data = data or KeynessData(paras, policy)
    labels = data.paras[by].to_numpy()
    groups = np.unique(labels)
    out = []
    for ga in groups:
        for gb in groups:
            if ga == gb:
                continue
            k = data.compare(labels == ga, labels == gb, min_freq)
            k = k[k["log_ratio"] > 0].head(n)
            out.append(k.assign(group=ga, versus=gb, rank=range(1, len(k) + 1))
                       [["group", "versus", "rank", "term", "freq_target", "freq_ref", "G2", "p", "log_ratio"]])
    return pd.concat(out, ignore_index=True)


def require_groups(paras: pd.DataFrame, by: str = "event_year", n: int = 2) -> None:
    """Stop with a clear message when there are fewer than `n` groups to compare."""
    groups = sorted(paras[by].unique())
    if len(groups) < n:
        raise ValueError(f"this comparison needs at least {n} values of {by}; the selected paragraphs have "
                         f"{len(groups)} ({', '.join(map(str, groups)) or 'none'}). Add documents from another "
                         "year (python -m helpers.corpus add), or widen the selection (SERIES = None).")


def small_group_warnings(paras: pd.DataFrame, by: str = "event_year", min_docs: int = 3,
                         min_tokens: int = 2000, policy: TextPolicy = DEFAULT_POLICY) -> list[str]:
    """A warning for each group with fewer than `min_docs` documents or `min_tokens` tokens:
    below that, a group's keyness mostly describes its documents, not its year."""
    out = []
    sizes = pd.Series(TermMatrix(paras["text"], policy.with_(min_df=1, ngram_range=(1, 1))).sizes, index=paras.index)
    for g, part in paras.groupby(by, sort=True):
        docs = part["doc_id"].nunique()
        tokens = int(sizes[part.index].sum())
        if docs < min_docs or tokens < min_tokens:
            out.append(f"WARNING {by} {g}: {docs} document(s), {tokens} tokens "
                       f"(below {min_docs} documents or {min_tokens} tokens): its distinctive terms "
                       f"may be those of its document(s), not of the year.")
    return out


# --- robustness ------------------------------------------------------------------------------

def leave_one_document_out(paras: pd.DataFrame, baseline: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY,
                           by: str = "event_year", n: int = 10, min_freq: int = 3) -> pd.DataFrame:
    """For each document dropped in turn: does each baseline top term stay in its group's top `n`?
    Rows: group, term, and one column per dropped document holding True, False, or None when the
    dropped document was the group's only one (nothing left to compare)."""
    table = baseline[["group", "term"]].copy()
    for doc in sorted(paras["doc_id"].unique()):
        rest = paras[paras["doc_id"] != doc]
        top = distinctive_terms(rest, policy, by, n, min_freq) if rest[by].nunique() > 1 else pd.DataFrame()
        present = set(rest[by])
        kept = set(zip(top["group"], top["term"])) if len(top) else set()
        table[doc] = [None if g not in present else (g, t) in kept for g, t in zip(table["group"], table["term"])]
    return table


def _lemma_key(term: str) -> str:
    return " ".join(lemma(w) for w in term.split())


def sensitivity(paras: pd.DataFrame, baseline: pd.DataFrame, variants: dict[str, TextPolicy],
                by: str = "event_year", n: int = 10, min_freq: int = 3) -> pd.DataFrame:
    """For each policy variant: does each baseline top term stay in its group's top `n`? Terms are
    compared by their lemmas, so a variant without lemmatisation can still confirm a term."""
    table = baseline[["group", "term"]].copy()
    for name, policy in variants.items():
        top = distinctive_terms(paras, policy, by, n, min_freq)
        kept = {(g, _lemma_key(t)) for g, t in zip(top["group"], top["term"])}
        table[name] = [(g, _lemma_key(t)) in kept for g, t in zip(table["group"], table["term"])]
    return table


def survival_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per term: in how many of the checks (non-None cells) it survived, and which it failed."""
    checks = table.drop(columns=["group", "term"])
    rows = []
    for i, r in table.iterrows():
        vals = checks.loc[i]
        valid = vals[vals.notna()]
        rows.append({"group": r["group"], "term": r["term"], "survived": int(valid.astype(bool).sum()),
                     "checks": len(valid), "failed": ", ".join(c for c, v in valid.items() if not v)})
    return pd.DataFrame(rows)


def similarity_long(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Square similarity tables as one long table (level, a, b, cosine), for CSV output."""
    return pd.concat([t.rename_axis(index="a", columns="b").stack().rename("cosine").reset_index().assign(level=name)
                      [["level", "a", "b", "cosine"]] for name, t in tables.items()], ignore_index=True)
