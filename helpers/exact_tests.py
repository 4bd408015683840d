"""Fisher's exact test on many 2x2 tables at once, giving the same p-values as
`scipy.stats.fisher_exact` to the last bit.

scipy tests one table per call; the keyness checks (leave one document out, the parameter
sensitivity) test a thousand tables in notebook 02, and the Python overhead of a call per table
was half a second of it. This runs scipy's own two-sided algorithm (the probability of the
observed table against the mode's, one tail from the cdf or sf, the other tail's edge found by
binary search) on arrays: the same hypergeometric functions on the same arguments, one call per
step for all tables instead of one per table.
"""

import numpy as np
from scipy.stats import hypergeom

_EPSILON = 1e-14  # scipy's tolerance for "as probable as the observed table"


def _binary_search(f, d, lo, hi):
    """Per element, scipy's `_binary_search_for_binom_tst`: the i in [lo, hi] with
    f(i) <= d < f(i + 1), for f ascending on [lo, hi]; every element takes the same steps it
    takes alone."""
    lo, hi = lo.copy(), hi.copy()
    found = np.full(len(lo), -1, dtype=np.int64)
    done = np.zeros(len(lo), bool)
    while True:
        active = ~done & (lo < hi)
        if not active.any():
            break
        mid = lo + (hi - lo) // 2
        val = np.full(len(lo), np.nan)
        val[active] = f(mid[active], active)
        below, above = active & (val < d), active & (val > d)
        equal = active & ~below & ~above  # scipy returns mid when neither (NaN included)
        lo = np.where(below, mid + 1, lo)
        hi = np.where(above, mid - 1, hi)
        found[equal], done[equal] = mid[equal], True
    rest = ~done
    if rest.any():
        at_lo = np.full(len(lo), np.nan)
        at_lo[rest] = f(lo[rest], rest)
        found[rest] = np.where(at_lo[rest] <= d[rest], lo[rest], lo[rest] - 1)
    return found


def fisher_two_sided(c00, c01, c10, c11) -> np.ndarray:
    """Two-sided p of Fisher's exact test on each table [[c00, c01], [c10, c11]] (arrays of
    non-negative integers, broadcast together): equal to
    `scipy.stats.fisher_exact([[c00, c01], [c10, c11]])[1]` table by table."""
    c00, c01, c10, c11 = (np.asarray(x, dtype=np.int64).ravel() for x in np.broadcast_arrays(c00, c01, c10, c11))
    if (np.concatenate([c00, c01, c10, c11]) < 0).any():
        raise ValueError("fisher_two_sided: every cell of a table must be non-negative")
    n1, n2, n = c00 + c01, c10 + c11, c00 + c10
    total = n1 + n2
    p = np.ones(len(c00))
    live = (n1 > 0) & (n2 > 0) & (n > 0) & (c01 + c11 > 0)  # a zero margin: p is 1, as in scipy
    idx = np.flatnonzero(live)
    if not len(idx):
        return p
    x, M, N1, N = c00[idx], total[idx], n1[idx], n[idx]

    def pmf(k, sel=slice(None)):
        return hypergeom.pmf(k, M[sel], N1[sel], N[sel])

    mode = (((N + 1) * (N1 + 1)) / (M + 2)).astype(np.int64)  # int() of a positive float truncates
    pexact, pmode = pmf(x), pmf(mode)
    d = pexact * (1 + _EPSILON)
    with np.errstate(invalid="ignore"):
        tie = np.abs(pexact - pmode) / np.maximum(pexact, pmode) <= _EPSILON
    out = np.ones(len(idx))
    low, high = ~tie & (x < mode), ~tie & (x >= mode)

    if low.any():  # the observed table is in the lower tail; the other tail starts above the mode
        s = np.flatnonzero(low)
        plower = hypergeom.cdf(x[s], M[s], N1[s], N[s])
        alone = pmf(N[s], s) > d[s]
        res = plower.copy()
        t = s[~alone]
        if len(t):
            guess = _binary_search(lambda k, m: -pmf(k, t[m]), -d[t], mode[t], N[t])
            res[~alone] = plower[~alone] + hypergeom.sf(guess, M[t], N1[t], N[t])
        out[s] = res
    if high.any():  # the upper tail; the other tail ends below the mode
        s = np.flatnonzero(high)
        pupper = hypergeom.sf(x[s] - 1, M[s], N1[s], N[s])
        alone = pmf(np.zeros(len(s), np.int64), s) > d[s]
        res = pupper.copy()
        t = s[~alone]
        if len(t):
            guess = _binary_search(lambda k, m: pmf(k, t[m]), d[t], np.zeros(len(t), np.int64), mode[t])
            res[~alone] = pupper[~alone] + hypergeom.cdf(guess, M[t], N1[t], N[t])
        out[s] = res
    p[idx] = np.minimum(out, 1.0)
    return p
