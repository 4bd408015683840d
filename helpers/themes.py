"""Comparing groups of paragraphs (event years): TF-IDF top terms, similarity, keyness, robustness.

Everything takes a paragraphs table (helpers.corpus.split_paragraphs) and a TextPolicy
(helpers.text), groups by a column (event_year by default) whose values are read from the data,
so a new year appears everywhere with no code change. Matrices stay sparse; only vectors of
vocabulary length or group-by-vocabulary arrays are densified.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import chi2
from sklearn.preprocessing import normalize

from sklearn.feature_extraction.text import TfidfTransformer

from .exact_tests import fisher_two_sided
from .text import DEFAULT_POLICY, TermMatrix, TextPolicy, lemma, surface_forms

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


def baseline_paragraphs(paras: pd.DataFrame, series: str | None = WIC_SERIES) -> pd.DataFrame:
    """The paragraphs outside the compared `series` (another conference: a baseline), without
    flagged duplicates; empty when the corpus has no such series or `series` is None."""
    if series is None or not (paras["series"] == series).any():
        return paras.iloc[:0].reset_index(drop=True)
    rest = select_paragraphs(paras, series=None)
    return rest[rest["series"] != series].reset_index(drop=True)


def group_indicator(labels) -> tuple[sparse.csr_matrix, np.ndarray]:
    """A sparse groups x rows 0/1 matrix and the sorted group labels."""
    labels = np.asarray(labels)
    groups, codes = np.unique(labels, return_inverse=True)
    ind = sparse.csr_matrix((np.ones(len(labels)), (codes, np.arange(len(labels)))),
                            shape=(len(groups), len(labels)))
    return ind, groups


def _top(scores: np.ndarray, groups, terms, n: int, name: str) -> pd.DataFrame:
    """Per group the terms with the `n` highest positive scores, ranked with competition ranking;
    every term tied with the n-th is kept (so a group may list more than `n`), listed by name."""
    rows = []
    for g, row in zip(groups, scores):
        r9 = np.round(row, 9)  # a tie is a tie whatever the CPU's last bits
        order = [j for j in np.lexsort((terms, -r9)) if r9[j] > 0]
        if not order:
            continue
        cut = r9[order[min(n, len(order)) - 1]]
        for j in order:
            if r9[j] < cut:
                break
            rows.append({"group": g, "rank": int((r9 > r9[j]).sum()) + 1, "term": terms[j], name: row[j],
                         "tied_at_cut": bool(r9[j] == cut and (r9 == cut).sum() > 1)})
    return pd.DataFrame(rows, columns=["group", "rank", "term", name, "tied_at_cut"])


def class_idf(counts, labels, terms) -> pd.DataFrame:
    """The idf class-based TF-IDF gives each term: scikit-learn's smooth idf over the groups, so
    with k groups it takes at most k values, one per number of groups the term occurs in."""
    ind, groups = group_indicator(labels)
    present = np.asarray(((ind @ counts) > 0).sum(axis=0)).ravel()
    return pd.DataFrame({"term": terms, "groups_with_term": present,
                         "idf": np.log((1 + len(groups)) / (1 + present)) + 1})


def top_terms_mean(paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, by: str = "event_year",
                   n: int = 10, matrix: TermMatrix | None = None) -> pd.DataFrame:
    """Top terms per group by the mean of the group's paragraph TF-IDF vectors."""
    matrix = matrix or TermMatrix(paras["text"], policy)
    ind, groups = group_indicator(paras[by])
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
    ind, groups = group_indicator(labels)
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
    ind, groups = group_indicator(paras[by])
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
    """Effect size: log2 of the ratio of relative frequencies (Hardie 2014); +1 = twice as
    frequent. A zero count is replaced by its side's share of all tokens, c/(c+d) or d/(c+d):
    Hardie's 0.5 when the two sides are the same size, and otherwise scaled so that the sign
    always agrees with the raw rates (with a fixed 0.5, a term absent from a small target but
    rare in a large reference would look over-used)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    c, d = np.asarray(c, float), np.asarray(d, float)
    n = c + d
    a, b = np.where(a == 0, c / n, a), np.where(b == 0, d / n, b)
    return np.log2((a / c) / (b / d))


def fisher_p(a, b, c, d) -> np.ndarray:
    """Two-sided p of Fisher's exact test on each 2x2 table (term / other tokens x target /
    reference): exact for small counts, where χ² on G² is not; it still takes tokens as
    independent draws."""
    a, b, c, d = (np.asarray(x).astype(np.int64) for x in np.broadcast_arrays(a, b, c, d))
    return fisher_two_sided(a, b, c - a, d - b)


def _bonferroni(p, m: int):
    return np.minimum(1.0, np.asarray(p, float) * max(int(m), 1))


KEYNESS_COLUMNS = ["group", "direction", "rank", "term", "forms", "includes", "freq_target", "freq_ref", "per_1000_target",
                   "per_1000_ref", "G2", "signed_G2", "log_ratio", "docs", "paras", "top_para_share", "flag",
                   "tokens_target", "tokens_ref", "p_chi2", "p_fisher", "presence", "p_presence", "presence_unit", "tested",
                   "family", "p_bonferroni", "holds", "lr_low", "lr_high", "boot_unit", "boot_kept"]


class KeynessData:
    """Term counts and token counts per paragraph (a TermMatrix), computed once and reused by
    every comparison, test, bootstrap and robustness check."""

    def __init__(self, paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, matrix: TermMatrix | None = None):
        self.matrix = matrix or TermMatrix(paras["text"], policy)
        self.X, self.terms, self.sizes = self.matrix.counts, self.matrix.terms, self.matrix.sizes
        self.paras = paras.reset_index(drop=True)
        self.doc_codes = np.unique(self.paras["doc_id"].astype(str), return_inverse=True)[1]
        self._by_column = None  # X by columns, each document's rows together (see _dispersion)
        self._forms: dict[str, str] = {}  # term -> its verbatim forms here (see _with_forms)

    def _dispersion(self, rows: np.ndarray, cols: np.ndarray):
        """For each column: documents and paragraphs among `rows` it occurs in, and the share of
        its count there that falls in its busiest paragraph."""
        # Read from one by-column copy of X whose rows are ordered by document, masked by `rows`:
        # no row subset of the whole matrix copied and converted per comparison, and a column's
        # documents are its runs of equal document codes.
        if self._by_column is None:
            order = np.argsort(self.doc_codes, kind="stable")
            self._by_column = (self.X[order].tocsc(), order, self.doc_codes[order])
        by_column, order, doc_of = self._by_column
        Xc = by_column[:, cols]
        held = np.asarray(rows, bool)[order][Xc.indices]
        n = len(cols)
        paras = np.bincount(np.repeat(np.arange(n), np.diff(Xc.indptr))[held], minlength=n)
        col = np.repeat(np.arange(n), paras)  # entries stay grouped by column, in row order
        values, doc = Xc.data[held], doc_of[Xc.indices[held]]
        total = np.bincount(col, weights=values, minlength=n)
        top = np.zeros(n)
        filled = paras > 0
        if filled.any():
            top[filled] = np.maximum.reduceat(values, (np.cumsum(paras) - paras)[filled])
        new = np.ones(len(col), bool)
        new[1:] = (col[1:] != col[:-1]) | (doc[1:] != doc[:-1])
        docs = np.bincount(col[new], minlength=n)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(total > 0, top / total, 0.0)
        return docs, paras, share

    def _column_sums(self, rows: np.ndarray) -> np.ndarray:
        """Each term's count in the paragraphs `rows` (a mask): a vector product, no row copy."""
        return np.asarray(np.asarray(rows, bool).astype(self.X.dtype) @ self.X).ravel()

    def n_tested(self, target: np.ndarray, reference: np.ndarray, min_freq: int = 3) -> int:
        """How many terms compare(target, reference, min_freq) tests (its `tested`), without the tests."""
        a, b = self._column_sums(target), self._column_sums(reference)
        return int(((a >= min_freq) | (b >= min_freq)).sum())

    def compare(self, target: np.ndarray, reference: np.ndarray, min_freq: int = 3) -> pd.DataFrame:
        """Keyness of every term with at least `min_freq` occurrences in the target or in the
        reference (the family of terms tested), both ways: `direction` is "over" when the term's
        rate in the target is above its rate in the reference (raw rates, no smoothing), "under"
        when below; `signed_G2` is G² with that sign. Dispersion is measured on the side the term
        is over-represented in (the target for "over", the reference for "under"): `docs` and
        `paras` it occurs in there, and `top_para_share`, the share of its count there that sits
        in one paragraph. `p_chi2` is G²'s asymptotic p (χ², 1 df); `tested` the number of terms
        tested in this comparison; `tokens_target` and `tokens_ref` the two sides' sizes."""
        target, reference = np.asarray(target, bool), np.asarray(reference, bool)
        a, b = self._column_sums(target), self._column_sums(reference)
        c, d = self.sizes[target].sum(), self.sizes[reference].sum()
        keep = np.flatnonzero((a >= min_freq) | (b >= min_freq))
        a, b = a[keep], b[keep]
        g2 = log_likelihood(a, b, c, d)
        sign = np.sign(a * d - b * c)  # a/c vs b/d in integers: no rounding decides the direction
        over = sign >= 0
        dt, pt, st = self._dispersion(target, keep)
        dr, pr, sr = self._dispersion(reference, keep)
        out = pd.DataFrame({"term": self.terms[keep], "direction": np.where(sign > 0, "over", np.where(sign < 0, "under", "equal")),
                            "freq_target": a, "freq_ref": b, "per_1000_target": 1000 * a / c, "per_1000_ref": 1000 * b / d,
                            "G2": g2, "signed_G2": sign * g2, "log_ratio": log_ratio(a, b, c, d),
                            "docs": np.where(over, dt, dr), "paras": np.where(over, pt, pr),
                            "top_para_share": np.where(over, st, sr), "p_chi2": chi2.sf(g2, df=1),
                            "tokens_target": c, "tokens_ref": d})
        out["tested"] = len(out)
        # G² rounded before sorting, so that a difference in the last bit (another CPU) cannot reorder terms
        return (out.assign(_g=out["G2"].round(9)).sort_values(["_g", "term"], ascending=[False, True], kind="stable")
                .drop(columns="_g").reset_index(drop=True))

    def _units(self, rows: np.ndarray, min_units: int) -> tuple[np.ndarray | None, str]:
        """The resampling unit of a set of rows: its documents when it has at least `min_units`,
        else its paragraphs when it has that many, else none (too few units for a bootstrap: n
        units give only C(2n-1, n) distinct resamples, 10 for 3). Returns a unit code per row
        (None when unavailable) and a description such as "12 paragraphs"."""
        idx = np.flatnonzero(rows)
        docs = self.doc_codes[idx]
        n_docs = len(np.unique(docs))
        if n_docs >= min_units:
            return np.unique(docs, return_inverse=True)[1], f"{n_docs} documents"
        if len(idx) >= min_units:
            return np.arange(len(idx)), f"{len(idx)} paragraphs"
        return None, f"unavailable ({n_docs} documents, {len(idx)} paragraphs)"

    def bootstrap(self, target, reference, terms, n_boot: int = 1000, seed: int = 0,
                  level: float = 0.95, min_units: int = 8) -> pd.DataFrame:
        """Percentile interval of each term's log ratio, resampling with replacement within the
        target and within the reference. The unit resampled on each side is the document when
        that side has at least `min_units` documents (the interval then speaks of variation
        between documents), else the paragraph when it has that many (variation within the side's
        few documents only), else there is no interval (NaN). `boot_unit` names both sides, e.g.
        "15 paragraphs / 26 paragraphs" (target / reference). A resample in which the term occurs
        on neither side has no log ratio (it is not an effect of zero): it is dropped, and
        `boot_kept` counts the resamples the interval rests on."""
        rng = np.random.default_rng(seed)
        target, reference = np.asarray(target, bool), np.asarray(reference, bool)
        cols = [int(np.flatnonzero(self.terms == t)[0]) for t in terms]
        Xs = self.X[:, cols].tocsc()
        n = len(self.sizes)
        sides = []
        for rows in (target, reference):
            codes, name = self._units(rows, min_units)
            # unit x paragraph indicator: a resample's weights are unit draws spread to their rows
            ind = None if codes is None else sparse.csr_matrix(
                (np.ones(len(codes)), (codes, np.flatnonzero(rows))), shape=(codes.max() + 1, n))
            sides.append((ind, name))
        unit = f"{sides[0][1]} / {sides[1][1]}"
        if any(ind is None for ind, _ in sides):
            nan = np.full(len(cols), np.nan)
            return pd.DataFrame({"term": list(terms), "lr_low": nan, "lr_high": nan, "boot_unit": unit, "boot_kept": 0})
        # counts and tokens per unit, so that a resample is one product of its draw counts with
        # them; all sums are of integers, exact in float64, so the order of summation is moot
        per_unit = [(sparse.csr_matrix(ind @ Xs), ind @ self.sizes) for ind, _ in sides]
        lrs = np.empty((n_boot, len(cols)))
        for start in range(0, n_boot, 100):  # 100 resamples a block: memory stays 100 x units
            block = range(start, min(start + 100, n_boot))
            draws = [[], []]
            for _ in block:  # the random stream in the order of one resample at a time
                for side, (ind, _) in enumerate(sides):
                    draws[side].append(np.bincount(rng.integers(0, ind.shape[0], ind.shape[0]), minlength=ind.shape[0]))
            (a, size_a), (b, size_b) = [
                (np.asarray((counts.T @ np.array(w, float).T).T), np.array(w, float) @ sizes)
                for (counts, sizes), w in zip(per_unit, draws)]
            lrs[block.start:block.stop] = np.where((a + b) > 0, log_ratio(a, b, size_a[:, None], size_b[:, None]), np.nan)
        lrs = np.round(lrs, 9)  # the same percentiles whatever the CPU's last bits
        kept = np.isfinite(lrs).sum(axis=0)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # no resample kept: NaN, counted in boot_kept
            lo, hi = (np.nanpercentile(lrs, [50 * (1 - level), 50 * (1 + level)], axis=0) if n_boot
                      else (np.full(len(cols), np.nan),) * 2)
        return pd.DataFrame({"term": list(terms), "lr_low": lo, "lr_high": hi, "boot_unit": unit, "boot_kept": kept})

    def presence_p(self, target, reference, terms, min_docs: int = 3) -> tuple[np.ndarray, list[str], str]:
        """Two-sided p of the exact permutation test of how many of the target's units contain
        each term: units are documents when both sides have at least `min_docs` of them, else
        paragraphs; shuffling the target/reference labels over the units, the number of target
        units containing the term is hypergeometric, so p is computed exactly (Fisher's exact test
        on the units x contains-the-term table, two-sided), with no sampling and no seed. The
        statistic counts units, not tokens, so a term piled into one paragraph counts once and
        the units' lengths cannot make a random split look less extreme than the observed one
        (a permuted G² does that: random unit sets holding the term carry more or fewer tokens).
        It assumes the units are exchangeable between the two sides. Returns the p-values, a
        "k/n vs k/n" presence string per term (units containing it / units, target vs
        reference) and the unit's name."""
        target, reference = np.asarray(target, bool), np.asarray(reference, bool)
        by_doc = min(len(np.unique(self.doc_codes[target])), len(np.unique(self.doc_codes[reference]))) >= min_docs
        cols = [int(np.flatnonzero(self.terms == t)[0]) for t in terms]
        present = (self.X[:, cols] > 0).astype(float).tocsc()
        if by_doc:
            ind, _ = group_indicator(self.doc_codes)
            present = ((ind @ present) > 0).astype(float)
            side_t = np.unique(self.doc_codes[target])
            side_r = np.unique(self.doc_codes[reference])
        else:
            side_t, side_r = np.flatnonzero(target), np.flatnonzero(reference)
        present = sparse.csr_matrix(present)
        kt = np.asarray(present[side_t].sum(axis=0)).ravel().astype(int)
        kr = np.asarray(present[side_r].sum(axis=0)).ravel().astype(int)
        nt, nr = len(side_t), len(side_r)
        p = fisher_two_sided(kt, nt - kt, kr, nr - kr)
        return p, [f"{x}/{nt} vs {y}/{nr}" for x, y in zip(kt, kr)], "documents" if by_doc else "paragraphs"


def keyness_family(data: KeynessData, by: str = "event_year", min_freq: int = 3, pairwise: bool = True) -> pd.DataFrame:
    """Every comparison a keyness analysis runs, with the number of terms it tests (`compare`'s
    family): each group against the rest, and, with `pairwise`, each unordered pair of groups
    (A over B and B over A are one two-sided test per term). The sum of `tested` is the family a
    correction must cover when all the years' results are read together."""
    labels = data.paras[by].to_numpy()
    groups = np.unique(labels)
    rows = []
    if len(groups) > 1:
        for g in groups:
            rows.append({"comparison": f"{g} vs the rest", "kind": "one vs rest",
                         "tested": data.n_tested(labels == g, labels != g, min_freq)})
        if pairwise and len(groups) > 2:
            for i, ga in enumerate(groups):
                for gb in groups[i + 1:]:
                    rows.append({"comparison": f"{ga} vs {gb}", "kind": "pair",
                                 "tested": data.n_tested(labels == ga, labels == gb, min_freq)})
    return pd.DataFrame(rows, columns=["comparison", "kind", "tested"])


def _fold_nested(k: pd.DataFrame) -> pd.DataFrame:
    """Drop each term all of whose occurrences (in target and reference) fall inside a longer
    term of the table, one containing it as adjacent words with the same two counts; the longer
    term lists it in `includes`. ("yunshan", 3 and 0, folds into "liu yunshan", 3 and 0.)"""
    counts = dict(zip(k["term"], zip(k["freq_target"], k["freq_ref"])))
    into: dict[str, str] = {}
    for term in sorted(counts, key=lambda t: (-t.count(" "), t)):  # longest first, then by name
        words = term.split()
        for n in range(1, len(words)):
            for i in range(len(words) - n + 1):
                part = " ".join(words[i:i + n])
                if part in counts and part not in into and counts[part] == counts[term]:
                    into[part] = into.get(term, term)
    includes: dict[str, list[str]] = {}
    for part, whole in into.items():
        includes.setdefault(whole, []).append(part)
    out = k[~k["term"].isin(into)].copy()
    out.insert(1, "includes", [", ".join(sorted(includes.get(t, []))) for t in out["term"]])
    return out


def select_keyness(k: pd.DataFrame, n: int, min_freq: int, min_paras: int = 2,
                   max_para_share: float = 0.75) -> pd.DataFrame:
    """From a compare() table: the `n` top terms each way, ranked by G² (competition ranking,
    ties at the cut-off all kept, so rank 6 may hold seven terms), after folding nested terms.
    Over-use needs `min_freq` occurrences in the target, under-use in the reference. A term that
    lives in one passage is not ranked as a theme: found in fewer than `min_paras` paragraphs on
    its side (`flag` "one paragraph"), or with at least `max_para_share` of its count there in one
    paragraph ("mostly one paragraph"). It is kept, with rank empty, when its G² would have placed
    it in the list. Fisher's exact p (tokens as independent draws) is added."""
    k = _fold_nested(k)
    out = []
    for direction, col in (("over", "freq_target"), ("under", "freq_ref")):
        part = k[(k["direction"] == direction) & (k[col] >= min_freq)].copy()
        few = "one paragraph" if min_paras == 2 else f"under {min_paras} paragraphs"
        part["flag"] = np.where(part["paras"] < min_paras, few,
                                np.where(part["top_para_share"] >= max_para_share, "mostly one paragraph", ""))
        g = part["G2"].round(9)
        ranked = part["flag"] == ""
        part["rank"] = pd.array([pd.NA] * len(part), dtype="Int64")
        part.loc[ranked, "rank"] = g[ranked].rank(method="min", ascending=False).astype(int)
        cut = g[ranked].nlargest(n).min() if ranked.sum() >= n else -np.inf  # fewer than n: all in
        out.append(part.assign(_o=~ranked)[g >= cut])
    sel = pd.concat(out, ignore_index=True)
    # Fisher's exact test for the selected terms only (one scipy call per table)
    sel["p_fisher"] = fisher_p(sel["freq_target"], sel["freq_ref"], sel["tokens_target"], sel["tokens_ref"])
    if sel.empty:
        return sel.drop(columns="_o")
    sel["_d"] = sel["direction"].map({"over": 0, "under": 1})
    sel["_g"] = -sel["G2"].round(9)
    return sel.sort_values(["_d", "_o", "_g", "term"], kind="stable").drop(columns=["_d", "_o", "_g"]).reset_index(drop=True)


def _correct(k: pd.DataFrame, data: KeynessData, target, reference, family: int, alpha: float,
             min_docs: int) -> pd.DataFrame:
    """Add the presence test (KeynessData.presence_p) and its Bonferroni correction over `family`."""
    if len(k):
        k["p_presence"], k["presence"], k["presence_unit"] = data.presence_p(target, reference, k["term"], min_docs)
    else:
        k = k.assign(p_presence=pd.Series(dtype=float), presence="", presence_unit="")
    k["family"] = family
    k["p_bonferroni"] = _bonferroni(k["p_presence"], family)
    k["holds"] = k["p_bonferroni"] < alpha
    return k


def distinctive_terms(paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, by: str = "event_year",
                      n: int = 10, min_freq: int = 3, n_boot: int = 0, seed: int = 0,
                      min_paras: int = 2, max_para_share: float = 0.75, min_docs: int = 3,
                      min_boot_units: int = 8, family: int | None = None, alpha: float = 0.05,
                      data: KeynessData | None = None) -> pd.DataFrame:
    """Each group against all the others, both ways: the `n` terms with the highest G² among
    those over-used in the group and among those under-used (see select_keyness for ties, nested
    terms and one-paragraph terms), each with its direction, dispersion, χ² and Fisher p-values
    (tokens as independent draws), and the exact presence test over units (paragraphs, or
    documents when both sides have `min_docs`; KeynessData.presence_p), which is the p corrected:
    Bonferroni over `family` tests (default: every term tested in every group's comparison, all
    years together; pass keyness_family()'s total to cover the pairwise tests too). `tested` is
    the number of terms tested in the row's own comparison, `holds` whether the corrected p is
    below `alpha`. With `n_boot`, a bootstrap interval on the log ratio (KeynessData.bootstrap,
    resampling units only where a side has `min_boot_units` of them; none for a term absent from
    one side, whose ratio is not estimable)."""
    data = data or KeynessData(paras, policy)
    labels = data.paras[by].to_numpy()
    groups = np.unique(labels)
    if family is None:
        family = int(keyness_family(data, by, min_freq, pairwise=False)["tested"].sum())
    out = []
    for g in groups:
        target = labels == g
        if target.all():
            continue
        k = select_keyness(data.compare(target, ~target, min_freq), n, min_freq, min_paras, max_para_share)
        k = _correct(k, data, target, ~target, family, alpha, min_docs)
        if n_boot and len(k):
            k = k.merge(data.bootstrap(target, ~target, k["term"], n_boot, seed, min_units=min_boot_units),
                        on="term", how="left")
            # absent from the side it is under-represented in: the ratio is not estimable (its value
            # comes from the zero-count pseudo-count), so it gets no interval either
            absent = np.where(k["direction"] == "over", k["freq_ref"], k["freq_target"]) == 0
            k.loc[absent, ["lr_low", "lr_high"]] = np.nan
        out.append(k.assign(group=g))
    cols = [c for c in KEYNESS_COLUMNS if n_boot or c not in ("lr_low", "lr_high", "boot_unit", "boot_kept")]
    if not out:  # one group only: nothing to compare, an empty table with the usual columns
        return pd.DataFrame(columns=cols)
    return _with_forms(pd.concat(out, ignore_index=True), data)[cols]


def _with_forms(table: pd.DataFrame, data: KeynessData) -> pd.DataFrame:
    """Add `forms`: the verbatim forms behind each (lemmatised) term in the compared paragraphs."""
    terms = sorted(set(table["term"]))
    column = {t: i for i, t in enumerate(data.terms)}
    if not all(t in column for t in terms):
        forms = surface_forms(data.paras["text"], terms, data.matrix.policy.lemmatize)
        return table.assign(forms=table["term"].map(forms))
    # only the paragraphs that count one of the terms can hold a form of it (the matrix counts
    # n-grams exactly as surface_forms matches them): the same forms, without re-reading the
    # whole corpus token by token; words and phrases apart, since phrases need each text's runs.
    # So a term's forms do not depend on the terms read with it: they are kept on `data`, and
    # pairwise_keyness does not read again what distinctive_terms read.
    forms = data._forms
    todo = [t for t in terms if t not in forms]
    for part in ([t for t in todo if " " not in t], [t for t in todo if " " in t]):
        if part:
            counts = data.X[:, [column[t] for t in part]]
            rows = np.unique(counts.nonzero()[0])
            totals = np.asarray(counts.sum(axis=0)).ravel()
            forms.update(surface_forms(data.paras["text"].iloc[rows], part, data.matrix.policy.lemmatize,
                                       counts=dict(zip(part, totals.tolist()))))
    return table.assign(forms=table["term"].map(forms))


def pairwise_keyness(paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, by: str = "event_year",
                     n: int = 5, min_freq: int = 3, min_paras: int = 2, min_docs: int = 3,
                     family: int | None = None, alpha: float = 0.05, data: KeynessData | None = None) -> pd.DataFrame:
    """Every ordered pair of groups (A over B): A's `n` most over-represented terms (ties kept,
    nested terms folded, one-paragraph terms flagged, as in distinctive_terms), with the same
    presence test as distinctive_terms, Bonferroni-corrected over `family` (default: the terms
    tested in every unordered pair; pass keyness_family()'s total to cover all comparisons), and
    `holds` when the corrected p is below `alpha`."""
    data = data or KeynessData(paras, policy)
    labels = data.paras[by].to_numpy()
    groups = np.unique(labels)
    if family is None:
        fam = keyness_family(data, by, min_freq)
        family = int(fam.loc[fam["kind"] == "pair", "tested"].sum()) if len(groups) > 2 else int(fam["tested"].sum())
    out = []
    for ga in groups:
        for gb in groups:
            if ga == gb:
                continue
            k = select_keyness(data.compare(labels == ga, labels == gb, min_freq), n, min_freq, min_paras)
            k = k[k["direction"] == "over"].copy()
            k = _correct(k, data, labels == ga, labels == gb, family, alpha, min_docs)
            out.append(k.assign(group=ga, versus=gb)[["group", "versus", "rank", "term", "freq_target", "freq_ref",
                                                      "G2", "log_ratio", "paras", "flag", "p_fisher", "presence",
                                                      "p_presence", "tested", "family", "p_bonferroni", "holds"]])
    res = _with_forms(pd.concat(out, ignore_index=True), data)
    return res[[*res.columns[:4], "forms", *res.columns[4:-1]]]


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
    """For each document dropped in turn: does each baseline top term stay in its group's top `n`
    in the same direction (ties at the cut-off count as in)? Rows: group, direction, term, and one
    column per dropped document holding True, False, or None when the dropped document was the
    group's only one (nothing left to compare)."""
    table = baseline[["group", "direction", "term"]].copy()
    for doc in sorted(paras["doc_id"].unique()):
        rest = paras[paras["doc_id"] != doc]
        top = distinctive_terms(rest, policy, by, n, min_freq) if rest[by].nunique() > 1 else pd.DataFrame()
        top = top[top["rank"].notna()] if len(top) else top
        present = set(rest[by])
        kept = set(zip(top["group"], top["direction"], top["term"])) if len(top) else set()
        table[doc] = [None if g not in present else (g, dr, t) in kept
                      for g, dr, t in zip(table["group"], table["direction"], table["term"])]
    return table


def _lemma_key(term: str) -> str:
    return " ".join(lemma(w) for w in term.split())


def sensitivity(paras: pd.DataFrame, baseline: pd.DataFrame, variants: dict[str, TextPolicy],
                by: str = "event_year", n: int = 10, min_freq: int = 3) -> pd.DataFrame:
    """For each policy variant: does each baseline top term stay in its group's top `n`? Terms are
    compared by their lemmas, so a variant without lemmatisation can still confirm a term (its
    forms are then counted apart: "reform" and "reforms", which is what that check tests). A cell
    is None when the variant cannot contain the term at all: a two-word term under a unigram
    policy, or a term found in fewer paragraphs (counted on lemmas) than the variant's min_df. A
    check that cannot be passed is not counted as failed."""
    table = baseline[["group", "direction", "term"]].copy()
    length = table["term"].str.count(" ") + 1
    every = TermMatrix(paras["text"], DEFAULT_POLICY.with_(min_df=1, ngram_range=(1, int(length.max()) if len(table) else 1)))
    in_paras = dict(zip(every.terms, np.diff(every.counts.tocsc().indptr)))  # paragraphs each term occurs in
    for name, policy in variants.items():
        top = distinctive_terms(paras, policy, by, n, min_freq)
        top = top[top["rank"].notna()]
        kept = {(g, dr, _lemma_key(t)) for g, dr, t in zip(top["group"], top["direction"], top["term"])}
        lo, hi = policy.ngram_range
        table[name] = [(g, dr, _lemma_key(t)) in kept if lo <= k <= hi and in_paras.get(_lemma_key(t), 0) >= policy.min_df else None
                       for g, dr, t, k in zip(table["group"], table["direction"], table["term"], length)]
    return table


def robustness_summary(loo: pd.DataFrame, sens: pd.DataFrame, doc_groups: dict) -> pd.DataFrame:
    """One row per term of a leave_one_document_out and a sensitivity table: how many checks it
    survived of those that could be run, in three kinds that test different things. Dropping a
    document of the term's own group (`own_docs`) tests whether the term belongs to the group or
    to one of its documents; dropping a document of another group (`reference_docs`) only changes
    what the group is compared with; `settings` are the policy variants. `doc_groups` maps each
    document to its group. Also `failed`: the checks the term did not survive."""
    keys = ["group", "direction", "term"]
    doc_cols = [c for c in loo.columns if c not in keys]
    set_cols = [c for c in sens.columns if c not in keys]
    merged = loo.merge(sens, on=keys)
    rows = []
    for r in merged.to_dict("records"):
        kinds = {"own_docs": [c for c in doc_cols if doc_groups[c] == r["group"]],
                 "reference_docs": [c for c in doc_cols if doc_groups[c] != r["group"]], "settings": set_cols}
        row = {k: r[k] for k in keys}
        failed = []
        for kind, cols in kinds.items():
            valid = [c for c in cols if r[c] is not None and not pd.isna(r[c])]
            row[f"survived_{kind}"] = sum(bool(r[c]) for c in valid)
            row[f"checks_{kind}"] = len(valid)
            failed += [c for c in valid if not r[c]]
        row["failed"] = ", ".join(failed)
        rows.append(row)
    return pd.DataFrame(rows)


def surviving_terms(robust: pd.DataFrame, groups) -> pd.DataFrame:
    """Per group and direction, the terms of a robustness_summary that survived every check that
    could be run, and how many own-document checks that was (0 when the group has one
    document: its terms were never tested against the loss of their own document). A group
    whose terms all failed is listed with "none", not left out."""
    rows = []
    for g in groups:
        for direction in ("over", "under"):
            part = robust[(robust["group"] == g) & (robust["direction"] == direction)]
            ok = part[np.all([part[f"survived_{k}"] == part[f"checks_{k}"] for k in ("own_docs", "reference_docs", "settings")],
                             axis=0)] if len(part) else part
            rows.append({"group": g, "direction": direction, "ranked": len(part), "survive_every_check": len(ok),
                         "own_document_checks": int(part["checks_own_docs"].max()) if len(part) else 0,
                         "terms": ", ".join(ok["term"]) or "none"})
    return pd.DataFrame(rows)


def similarity_long(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Square similarity tables as one long table (level, a, b, cosine), for CSV output."""
    return pd.concat([t.rename_axis(index="a", columns="b").stack().rename("cosine").reset_index().assign(level=name)
                      [["level", "a", "b", "cosine"]] for name, t in tables.items()], ignore_index=True)


def inference_summary(top: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Per group, from a distinctive_terms table: the terms tested in its comparison, the family
    corrected over, the terms shown each way, the flagged ones, and how many shown terms pass
    `alpha` after Bonferroni over the family under each test (χ² and Fisher on tokens, the
    presence test on units)."""
    rows = []
    for g, part in top.groupby("group", sort=True):
        m = int(part["family"].iloc[0])
        row = {"group": g, "tested": int(part["tested"].iloc[0]), "family": m,
               "over": int((part["direction"] == "over").sum()),
               "under": int((part["direction"] == "under").sum()), "flagged": int(part["rank"].isna().sum())}
        for test in ("p_chi2", "p_fisher", "p_presence"):
            if test in part:
                row[f"{test}_holds"] = int((_bonferroni(part[test], m) < alpha).sum())
        rows.append(row)
    return pd.DataFrame(rows)
