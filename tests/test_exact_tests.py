"""fisher_two_sided gives scipy's fisher_exact p to the last bit, table by table; the blocked
bootstrap gives the intervals of one resample at a time."""
import warnings

import numpy as np
import pytest
from scipy import sparse
from scipy.stats import fisher_exact

from helpers import themes as T
from helpers.corpus import load_corpus, split_paragraphs
from helpers.exact_tests import fisher_two_sided


def _tables():
    rng = np.random.default_rng(7)
    tables = [rng.integers(0, hi, size=(300, 4)) for hi in (3, 12, 60, 2_000)]
    # keyness shape: a term's count against every other token of a side
    tables.append(np.column_stack([rng.integers(0, 40, 300), rng.integers(0, 40, 300),
                                   rng.integers(10**5, 10**6, 300), rng.integers(10**5, 10**6, 300)]))
    edge = [[0, 0, 0, 0], [0, 5, 0, 3], [5, 0, 3, 0], [1, 1, 1, 1], [2, 0, 0, 2], [10, 10, 10, 10], [0, 10, 10, 0],
            [7, 0, 0, 0], [0, 0, 4, 9], [1, 0, 0, 10**6], [30, 1, 1, 30]]
    return np.vstack(tables + [np.array(edge)])


def test_fisher_two_sided_equals_scipy_on_every_table():
    t = _tables()
    want = np.array([fisher_exact([[a, b], [c, d]])[1] for a, b, c, d in t])
    got = fisher_two_sided(t[:, 0], t[:, 1], t[:, 2], t[:, 3])
    assert got.shape == want.shape
    assert np.array_equal(got, want)  # bit for bit, not approximately
    assert got[-11] == 1.0 and got[-4] == 1.0  # zero margins: p = 1


def test_fisher_two_sided_broadcasts_and_refuses_negative_cells():
    assert np.array_equal(fisher_two_sided(3, [0, 1, 2], 4, 9),
                          [fisher_exact([[3, x], [4, 9]])[1] for x in (0, 1, 2)])
    with pytest.raises(ValueError, match="non-negative"):
        fisher_two_sided(1, -1, 2, 3)


def _bootstrap_one_at_a_time(k, target, reference, terms, n_boot, seed, level=0.95, min_units=8):
    """The plain loop: one resample drawn and counted at a time."""
    rng = np.random.default_rng(seed)
    cols = [int(np.flatnonzero(k.terms == t)[0]) for t in terms]
    Xs = k.X[:, cols].tocsc()
    inds = []
    for rows in (target, reference):
        codes, _ = k._units(rows, min_units)
        if codes is None:  # too few units on a side: no interval
            return np.full(len(cols), np.nan), np.full(len(cols), np.nan), np.zeros(len(cols), int)
        inds.append(sparse.csr_matrix((np.ones(len(codes)), (codes, np.flatnonzero(rows))),
                                      shape=(codes.max() + 1, len(k.sizes))))
    lrs = np.empty((n_boot, len(cols)))
    for i in range(n_boot):
        w = [np.bincount(rng.integers(0, ind.shape[0], ind.shape[0]), minlength=ind.shape[0]) @ ind for ind in inds]
        a, b = Xs.T @ w[0], Xs.T @ w[1]
        lrs[i] = np.where((a + b) > 0, T.log_ratio(a, b, w[0] @ k.sizes, w[1] @ k.sizes), np.nan)
    lrs = np.round(lrs, 9)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a term absent from every resample: NaN, as in the helper
        lo, hi = np.nanpercentile(lrs, [50 * (1 - level), 50 * (1 + level)], axis=0)
    return lo, hi, np.isfinite(lrs).sum(axis=0)


@pytest.mark.parametrize("n_boot", [1, 100, 250])  # one block, exactly one, and a partial last block
def test_blocked_bootstrap_equals_one_resample_at_a_time(n_boot):
    paras = T.select_paragraphs(split_paragraphs(load_corpus()), series="WIC")
    k = T.KeynessData(paras)
    years = paras["event_year"].to_numpy()
    for target in sorted(set(years)):
        terms = list(k.terms[np.argsort(-np.asarray(k.X[years == target].sum(axis=0)).ravel())[:40]])
        for min_units in (8, 3):  # paragraphs on both sides; documents on one; none on one (2018 at 8)
            got = k.bootstrap(years == target, years != target, terms, n_boot=n_boot, seed=3, min_units=min_units)
            lo, hi, kept = _bootstrap_one_at_a_time(k, years == target, years != target, terms, n_boot, 3,
                                                    min_units=min_units)
            assert np.array_equal(got["lr_low"], lo, equal_nan=True)
            assert np.array_equal(got["lr_high"], hi, equal_nan=True)
            assert np.array_equal(got["boot_kept"], kept)
