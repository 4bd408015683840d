"""The pipeline past one machine: loading, cleaning, term counts, keyness, mini-batch clustering
and figure extraction as Dask tasks over chunks of metadata.csv rows (`pip install -e .[scale]`).

    from helpers import scale
    result = scale.run("/path/to/corpus")                      # a LocalCluster on this machine
    result = scale.run(root, address="tcp://scheduler:8786")   # any running Dask scheduler

Each chunk of rows is one task that reads, validates and cleans its documents (the rules of
`load_corpus`), splits their paragraphs, and counts their terms with scikit-learn's
`HashingVectorizer` under the project's text policy: a term's column is its hash, so chunks need
no shared vocabulary and their counts add up. The chunk maps its columns back to its own terms
(two of its terms sharing a column are counted exactly instead), so what it returns per event
year is exact per term: occurrences, paragraphs and documents holding the term, its largest
count in one paragraph, and the year's tokens. Summed over chunks (in the workers, four at a
time), these give the vocabulary (min_df over paragraphs), the class-based TF-IDF top terms and
the keyness table (each year against the rest) that the in-process helpers compute, with the
same numbers. Figures are extracted per document in the chunk. Clustering runs scikit-learn's
MiniBatchKMeans.partial_fit over the chunks' hashed TF-IDF rows, which stay in the workers'
memory, and reports how many of each year's paragraphs fall in each cluster (the paragraphs
themselves only with paragraph_labels=True): an approximation of the in-process k-means (hashed
columns, one pass of mini-batches), not the same partition. Paragraphs are all counted
(duplicate paragraphs are not set aside: finding near copies needs all paragraphs in one place).
The client holds metadata.csv and, per document, its id, file and a 32-byte digest of its text
(to find copies across chunks), the summed statistics and the figures table: not the texts. With
figures_dir the workers write the figures table per chunk instead, and the client holds no
figures.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import chi2

from .loading import CorpusError, _checked_row, corpus_problems, read_metadata
from .duplicates import content_key
from .figure_table import NUMBER_DTYPES, TABLE_COLUMNS, figures_table
from .paths import corpus_root
from .paragraphs import split_paragraphs
from .text import DEFAULT_POLICY, TextPolicy, ngrams, runs
from .themes import class_tfidf_top, log_likelihood, log_ratio

N_FEATURES = 2 ** 22  # hashed columns; two terms of one chunk in one column are counted exactly
STATS = ["count", "paras", "docs", "top"]  # per term and year: summed, summed, summed, max


def _identity(terms):
    return terms


def _hasher(n_features: int):
    from sklearn.feature_extraction.text import HashingVectorizer
    return HashingVectorizer(analyzer=_identity, n_features=n_features, alternate_sign=False, norm=None,
                             dtype=np.float64)


def load_chunk(root: str, rows: list[tuple[int, dict]]) -> tuple[pd.DataFrame, list[str]]:
    """The documents of these (position, metadata row) pairs, checked and cleaned as load_corpus
    does, and the problems found (each naming its row and file)."""
    checked = [_checked_row(item, Path(root) / "raw") for item in rows]
    problems = [p for _, found in checked for p in found]
    docs = [d for d, _ in checked if d is not None]
    if not docs:
        return pd.DataFrame(), problems
    docs = pd.DataFrame(docs)
    docs["event_year"] = docs["event_year"].astype(int)
    docs["published"] = pd.to_datetime(docs["published"])
    return docs, problems


def _term_stats(feats, tokens, paras: pd.DataFrame, n_features: int):
    """Per (term, year): STATS, exact per term, from the hashed counts of one chunk; the chunk's
    token and paragraph counts per year; and the hashed count matrix (paragraphs x n_features)."""
    X = _hasher(n_features).transform(feats).tocsr()
    vocab = np.array(sorted({t for f in feats for t in f}), dtype=object)
    cols = np.asarray(_hasher(n_features).transform([[t] for t in vocab]).indices, dtype=np.int64)
    # hashed columns back to this chunk's terms; a column two of its terms share goes to the first
    pos = np.full(n_features, -1, dtype=np.int64)
    pos[cols[::-1]] = np.arange(len(cols))[::-1]
    T = sparse.csr_matrix((X.data, pos[X.indices], X.indptr), shape=(X.shape[0], len(vocab)))
    shared = np.flatnonzero(pd.Series(cols).duplicated(keep=False).to_numpy())
    if len(shared):  # those terms counted exactly, from the term lists themselves
        mask = np.ones(len(vocab))
        mask[shared] = 0
        index = {vocab[j]: j for j in shared}
        hits = [(r, index[t]) for r, f in enumerate(feats) for t in f if t in index]
        rows_, cols_ = (np.array(x, dtype=np.int64) for x in zip(*hits))
        exact = sparse.csr_matrix((np.ones(len(hits)), (rows_, cols_)), shape=T.shape)
        T = (T @ sparse.diags(mask) + exact).tocsr()
        T.eliminate_zeros()
    years = paras["event_year"].to_numpy()
    doc_codes = np.unique(paras["doc_id"].to_numpy(), return_inverse=True)[1]
    out = []
    for year in np.unique(years):
        rows = np.flatnonzero(years == year)
        Ty = T[rows].tocsc()
        ind = sparse.csr_matrix((np.ones(len(rows)), (doc_codes[rows], np.arange(len(rows)))))
        count = np.asarray(Ty.sum(axis=0)).ravel()
        keep = count > 0
        out.append(pd.DataFrame({
            "term": vocab[keep], "event_year": year, "count": count[keep],
            "paras": np.diff(Ty.indptr)[keep], "docs": np.diff((ind @ Ty).tocsc().indptr)[keep],
            "top": Ty.max(axis=0).toarray().ravel()[keep]}))
    sizes = pd.DataFrame({"event_year": years, "tokens": tokens, "paragraphs": 1}).groupby("event_year").sum()
    return pd.concat(out, ignore_index=True), sizes, X


def chunk_task(root: str, rows: list[tuple[int, dict]], figures_path: str | None = None, *,
               policy: TextPolicy = DEFAULT_POLICY, n_features: int = N_FEATURES) -> dict:
    """Everything one chunk of metadata rows contributes (one Dask task): its problems, a digest
    of each document's content key (to find copies across chunks), term statistics per year,
    token and paragraph counts per year, figures table (or, with `figures_path`, the file it was
    written to), and its paragraphs' hashed counts for clustering."""
    docs, problems = load_chunk(root, rows)
    if docs.empty:
        return {"problems": problems, "keys": [], "stats": None, "sizes": None, "figures": None, "X": None,
                "paras": None, "figure_file": None}
    paras = split_paragraphs(docs, flag_duplicates_=False)
    token_runs = [runs(t, policy.lemmatize) for t in paras["text"]]
    feats = [ngrams(r, policy.ngram_range) for r in token_runs]
    tokens = np.array([sum(map(len, r)) for r in token_runs], dtype=float)
    stats, sizes, X = _term_stats(feats, tokens, paras, n_features)
    # a digest of each text's content key: the client compares 32 bytes per document, not its text
    keys = [(d.id, d.file, hashlib.sha256(content_key(d.raw_text).encode("utf-8")).digest()) for d in docs.itertuples()]
    figures = figures_table(docs)
    if figures_path is not None:  # written here, so that the worker does not keep the table
        _write_figures(figures, figures_path)
        figures = None
    return {"problems": problems, "keys": keys, "stats": stats, "sizes": sizes, "figures": figures,
            "X": X, "paras": paras[["doc_id", "event_year", "para"]], "figure_file": figures_path}


def _small(result: dict) -> dict:
    """What the client gathers from a chunk: its problems, document keys, token counts and
    figures (None when written to a file); term statistics are summed in the workers, and
    paragraphs stay there."""
    return {k: result[k] for k in ("problems", "keys", "sizes", "figures", "figure_file")}


# --- figures written per chunk, for a corpus whose figures table does not fit on the client ----

def _write_figures(figures: pd.DataFrame, path: str) -> None:
    """A chunk's figures table as CSV at `path` (in the chunk's document order), written whole or
    not at all: to a temporary name first, renamed when complete."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    partial_path = f"{path}.partial"
    figures.to_csv(partial_path, index=False, encoding="utf-8")
    os.replace(partial_path, path)


def _read_figure_file(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: no column {', '.join(missing)}: not a file scale.run wrote. Remove it, or run "
                         "scale.run again with a new figures_dir.")
    for col, dtype in NUMBER_DTYPES.items():
        text = table[col]
        try:
            table[col] = pd.to_numeric(text.mask(text == "")).astype(dtype)
        except (ValueError, TypeError) as err:
            raise ValueError(f"{path}: column {col}: {err}. The file was changed after scale.run wrote it: run "
                             "scale.run again with a new figures_dir.") from None
    return table[TABLE_COLUMNS]


def read_figures(folder) -> pd.DataFrame:
    """The figures table that run(..., figures_dir=folder) wrote, as one table in load_corpus's
    document order, with the columns and types of figures_table (for a table that fits in memory;
    the per-chunk files can also be read one at a time, or by any CSV reader)."""
    files = sorted(Path(folder).glob("figures-*.csv"))
    if not files:
        raise FileNotFoundError(f"{folder}: no figures-*.csv files. Pass the figures_dir given to scale.run.")
    return _in_document_order(_concat_figures([_read_figure_file(f) for f in files]))


def _concat_figures(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Chunks' figures tables as one. Tables without rows are left out (pandas gives a column
    the object type when an empty table joins, and figures_table's empty table has no types)."""
    kept = [t for t in tables if len(t)] or tables[:1]
    return pd.concat(kept, ignore_index=True)


def _stats(result: dict):
    return result["stats"]


def _merge_stats(*tables):
    """Term statistics of several chunks as one table: one row per (term, event_year)."""
    tables = [t for t in tables if t is not None]
    if not tables:
        return None
    both = pd.concat(tables, ignore_index=True)
    return both.groupby(["term", "event_year"], sort=True).agg(
        count=("count", "sum"), paras=("paras", "sum"), docs=("docs", "sum"), top=("top", "max")).reset_index()


def _df(result: dict):
    """The hashed columns of a chunk and the number of its paragraphs holding each."""
    X = result["X"]
    return np.unique(X.indices, return_counts=True) if X is not None else (np.zeros(0, int), np.zeros(0, int))


def _tfidf(X, idf):
    from sklearn.preprocessing import normalize
    return normalize(X @ sparse.diags(idf))


def _partial_fit(model, result: dict, idf):
    if result["X"] is not None and result["X"].shape[0]:
        model.partial_fit(_tfidf(result["X"], idf))
    return model


def _predict(model, result: dict, idf):
    if result["X"] is None:
        return None
    out = result["paras"].copy()
    out["cluster"] = model.predict(_tfidf(result["X"], idf))
    return out


def _cluster_counts(model, result: dict, idf, labels: bool = False):
    """Paragraphs per (event year, cluster) in one chunk, and (with `labels`) the labelled
    paragraphs themselves, from one prediction."""
    out = _predict(model, result, idf)
    if out is None:
        return None, None
    return out.groupby(["event_year", "cluster"]).size(), out if labels else None


# --- the reductions, on the client ------------------------------------------------------------

def vocabulary(summed: pd.DataFrame, min_df: int) -> pd.DataFrame:
    """The chunks' term statistics as _merge_stats summed them (one row per (term, event_year),
    sorted by term then year), keeping only terms in at least `min_df` paragraphs (the
    in-process TermMatrix's min_df)."""
    summed = summed.copy()
    summed[STATS] = summed[STATS].astype(np.int64)  # counts, as the in-process count matrix holds them
    df = summed.groupby("term")["paras"].transform("sum")
    return summed[df >= min_df].reset_index(drop=True)


def _wide(summed: pd.DataFrame, col: str, years) -> tuple[np.ndarray, np.ndarray]:
    table = summed.pivot(index="term", columns="event_year", values=col).reindex(columns=years).fillna(0)
    return table.index.to_numpy(dtype=object), table.to_numpy().astype(np.int64).T  # years x terms


def top_terms(summed: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Class-based TF-IDF top terms per year from the summed counts (themes.top_terms_class)."""
    years = np.sort(summed["event_year"].unique())
    terms, counts = _wide(summed, "count", years)
    return class_tfidf_top(sparse.csr_matrix(counts), years, terms, n)


def keyness(summed: pd.DataFrame, sizes: pd.DataFrame, year, min_freq: int = 3) -> pd.DataFrame:
    """One year against the rest from summed statistics: the columns and order of
    themes.KeynessData.compare (freq, per 1,000, G², log ratio, dispersion on the side the term
    is over-used in, χ² p, tokens, tested), with the same values."""
    years = np.sort(summed["event_year"].unique())
    terms, count = _wide(summed, "count", years)
    _, paras = _wide(summed, "paras", years)
    _, docs = _wide(summed, "docs", years)
    _, top = _wide(summed, "top", years)
    t = years == year
    a, b = count[t].sum(axis=0), count[~t].sum(axis=0)
    tokens = sizes["tokens"].reindex(years).to_numpy()
    c, d = tokens[t].sum(), tokens[~t].sum()
    keep = np.flatnonzero((a >= min_freq) | (b >= min_freq))
    a, b = a[keep], b[keep]
    g2 = log_likelihood(a, b, c, d)
    sign = np.sign(a * d - b * c)
    over = sign >= 0
    side = lambda m, f: np.where(over, f(m[t][:, keep]), f(m[~t][:, keep]))  # noqa: E731
    total = np.where(over, a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, side(top, lambda m: m.max(axis=0, initial=0)) / total, 0.0)
    out = pd.DataFrame({"term": terms[keep], "direction": np.where(sign > 0, "over", np.where(sign < 0, "under", "equal")),
                        "freq_target": a, "freq_ref": b, "per_1000_target": 1000 * a / c, "per_1000_ref": 1000 * b / d,
                        "G2": g2, "signed_G2": sign * g2, "log_ratio": log_ratio(a, b, c, d),
                        "docs": side(docs, lambda m: m.sum(axis=0)), "paras": side(paras, lambda m: m.sum(axis=0)),
                        "top_para_share": share, "p_chi2": chi2.sf(g2, df=1), "tokens_target": c, "tokens_ref": d})
    out["tested"] = len(out)
    return (out.assign(_g=out["G2"].round(9)).sort_values(["_g", "term"], ascending=[False, True], kind="stable")
            .drop(columns="_g").reset_index(drop=True))


@dataclass
class ScaleResult:
    """What `run` returns: the summed term statistics and token counts per year, the top terms,
    the keyness table of each year against the rest, the figures table, the number of each
    year's paragraphs in each mini-batch cluster and each year's share of each cluster, and
    (only with paragraph_labels) the paragraphs with their cluster; with figures_dir, `figures`
    is None and `figure_files` lists the CSV files written."""
    stats: pd.DataFrame
    sizes: pd.DataFrame
    top_terms: pd.DataFrame
    keyness: dict
    figures: pd.DataFrame | None
    cluster_counts: pd.DataFrame
    shares: pd.DataFrame
    clusters: pd.DataFrame | None = None
    figure_files: list[str] | None = None


def _tree(client, merge, futures, fan_in: int = 4):
    """One future holding `merge` of all `futures`, merged `fan_in` at a time in the workers
    (merge runs at least once, so a single future is merged too)."""
    while True:
        futures = [client.submit(merge, *futures[i:i + fan_in], pure=False) for i in range(0, len(futures), fan_in)]
        if len(futures) <= 1:
            return futures[0]


def _in_document_order(figures: pd.DataFrame) -> pd.DataFrame:
    """Chunks' figures in load_corpus's document order (event year, published, id), each
    document's figures in their own order."""
    codes = [pd.factorize(figures[c], sort=True)[0] for c in ("doc_id", "published", "event_year")]
    return figures.iloc[np.lexsort(codes)].reset_index(drop=True)  # lexsort is stable


def _client(address: str | None, n_workers: int, processes: bool):
    from distributed import Client, LocalCluster
    if address:
        return Client(address), None
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=processes, dashboard_address=":0")
    return Client(cluster), cluster


def chunks_of(meta: pd.DataFrame, chunk_rows: int) -> list[list[tuple[int, dict]]]:
    rows = list(enumerate(meta.to_dict("records")))
    return [rows[k:k + chunk_rows] for k in range(0, len(rows), chunk_rows)]


def run(root=None, address: str | None = None, n_workers: int = 2, processes: bool = True,
        chunk_rows: int = 500, k: int = 4, seed: int = 0, policy: TextPolicy = DEFAULT_POLICY,
        n_features: int = N_FEATURES, client=None, paragraph_labels: bool = False,
        figures_dir=None) -> ScaleResult:
    """The pipeline on a Dask cluster: `client` if given, else the scheduler at `address`, else
    a LocalCluster of `n_workers` single-threaded workers (processes, or threads with
    `processes=False`). Tasks are chunks of `chunk_rows` rows of metadata.csv. With
    `paragraph_labels`, the result also lists every paragraph with its cluster (a table as long
    as the corpus, held by the client: leave it off for a corpus larger than its memory). With
    `figures_dir` (a folder without figures-*.csv files, at the same path on every worker and on
    the client: shared storage on a cluster), each chunk's worker writes its figures to
    figures_dir/figures-NNNNN.csv instead of sending them to the client, and the result's
    `figure_files` lists them (read_figures reads them back as one table). Raises CorpusError
    with every problem found, as load_corpus does."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ImportError("helpers.scale needs dask and distributed: pip install -e '.[scale]'") from None
    from distributed import as_completed
    from sklearn.cluster import MiniBatchKMeans

    root = corpus_root(root)
    meta = read_metadata(root)
    if figures_dir is not None:
        figures_dir = Path(figures_dir).resolve()
        if figures_dir.exists() and (not figures_dir.is_dir() or any(figures_dir.glob("figures-*.csv"))):
            why = "not a folder" if not figures_dir.is_dir() else "already holds figures-*.csv files"
            raise ValueError(f"{figures_dir}: {why}. Pass a folder without figures-*.csv files for figures_dir "
                             "(a new one, or remove those files).")
    problems = corpus_problems(root, meta)  # as load_corpus checks them, in the same order
    own = client is None
    cluster = None
    if own:
        client, cluster = _client(address, n_workers, processes)
    try:
        chunks = chunks_of(meta, chunk_rows)
        paths = [str(figures_dir / f"figures-{i:05d}.csv") if figures_dir else None for i in range(len(chunks))]
        parts = client.map(partial(chunk_task, policy=policy, n_features=n_features), [str(root)] * len(chunks), chunks,
                           paths, pure=False)
        # The client gathers per document only its id, file and a digest (to find copies across
        # chunks); term statistics are summed in the workers, and paragraphs stay there.
        small = client.gather(client.map(_small, parts, pure=False))
        problems += [p for s in small for p in s["problems"]]
        first: dict[bytes, tuple[str, str]] = {}
        for s in small:
            for doc_id, file, key in s["keys"]:
                if key in first:
                    problems.append(f"raw/{file} (id '{doc_id}'): the same text as raw/{first[key][1]} (id "
                                    f"'{first[key][0]}'), apart from BOM, line endings or spacing. Keep one: remove "
                                    "the other file and its row.")
                else:
                    first[key] = (doc_id, file)
        if problems:
            for path in paths:  # no figures of a corpus that was refused
                if path:
                    Path(path).unlink(missing_ok=True)
            raise CorpusError(problems)
        if not first:
            raise CorpusError(f"{root / 'metadata.csv'}: no documents listed. Add a row per file in raw/.")
        del first
        summed = vocabulary(_tree(client, _merge_stats, client.map(_stats, parts, pure=False)).result(), policy.min_df)
        sizes = pd.concat([s["sizes"] for s in small if s["sizes"] is not None]).groupby(level=0).sum()
        figures = figure_files = None
        if figures_dir is None:
            figures = _in_document_order(_concat_figures([s["figures"] for s in small if s["figures"] is not None]))
        else:
            figure_files = [s["figure_file"] for s in small if s["figure_file"]]
        del small
        # idf over hashed columns (paragraph frequencies add up), then mini-batches chunk by chunk
        df = np.zeros(n_features)
        n_paras = int(sizes["paragraphs"].sum())
        for _, (cols, counts) in as_completed(client.map(_df, parts, pure=False), with_results=True):
            np.add.at(df, cols, counts)  # integer counts: the sum does not depend on the order
        idf = np.log((1 + n_paras) / (1 + df)) + 1  # scikit-learn's smooth idf
        idf_f = client.scatter(idf, broadcast=True)
        model = client.submit(lambda: MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=1),
                              pure=False)
        for p in parts:
            model = client.submit(_partial_fit, model, p, idf_f, pure=False)
        n = len(parts)
        predicted = [r for r in client.gather(client.map(partial(_cluster_counts, labels=paragraph_labels),
                                                         [model] * n, parts, [idf_f] * n, pure=False))
                     if r[0] is not None]
        counts = (pd.concat([c for c, _ in predicted]).groupby(level=[0, 1]).sum().unstack(fill_value=0)
                  .reindex(columns=range(k), fill_value=0).rename_axis(index="event_year", columns="cluster"))
        labelled = pd.concat([x for _, x in predicted], ignore_index=True) if paragraph_labels else None
        years = sizes.index.to_numpy()
        return ScaleResult(stats=summed, sizes=sizes, top_terms=top_terms(summed),
                           keyness={y: keyness(summed, sizes, y) for y in years} if len(years) > 1 else {},
                           figures=figures, cluster_counts=counts, shares=counts.div(counts.sum(axis=1), axis=0),
                           clusters=labelled, figure_files=figure_files)
    finally:
        if own:
            client.close()
            if cluster is not None:
                cluster.close()
