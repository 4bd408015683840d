"""The fast paths give the results of the plain ones, on the real corpus and on a synthetic 10x one:
the process pool (loading, figure extraction, choose_k, stability, term counts in chunks), runs()
in one regex pass, sentence_spans reading backwards, the regexes with a first-character lookahead,
keyness dispersion read by columns and forms kept between tables, the token pattern without a
per-character alternation."""
import importlib.util
import re
import sys

import numpy as np
import pandas as pd
import pytest

from helpers import clusters, parallel, term_counts, text
from helpers.corpus import load_corpus, split_paragraphs
from helpers.figure_table import FUTURE_MARKERS, _TIME, figures_table
from helpers.paths import PROJECT_ROOT
from helpers.quantities import _MAYBE_NUMBER, _NUMBER_WORDS
from helpers.sentences import ABBREVIATIONS, _END, sentence_spans
from helpers.text import _TOKEN, runs, token_spans


def _make_corpus(scale, out):
    path = PROJECT_ROOT / "benchmarks" / "make_corpus.py"
    spec = importlib.util.spec_from_file_location("bench_make_corpus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_corpus(scale, out)


@pytest.fixture(scope="module")
def roots(tmp_path_factory):
    """The real corpus and a synthetic one 10 times its size."""
    return {"real": PROJECT_ROOT / "corpus", "10x": _make_corpus(10, tmp_path_factory.mktemp("x10"))}


@pytest.fixture(scope="module")
def corpora(roots):
    return {name: load_corpus(root) for name, root in roots.items()}


@pytest.fixture
def pool(monkeypatch):
    """A process pool for any input size, with two workers (whatever the machine has)."""
    monkeypatch.setenv("HELPERS_WORKERS", "2")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(clusters, "PARALLEL_FROM", 1)


def test_map_ordered_is_a_loop_in_order(pool):
    assert parallel.map_ordered(abs, range(-50, 50)) == [abs(x) for x in range(-50, 50)]


def test_no_pool_inside_a_thread_or_a_daemon(pool):
    # a Dask worker runs tasks in threads of a daemonic process: there a pool would fail or fork threads
    import os
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as threads:
        pids = threads.submit(parallel.map_ordered, _pid, range(8)).result()
    assert pids == [os.getpid()] * 8
    assert set(parallel.map_ordered(_pid, range(8))) != {os.getpid()}  # the main thread does use the pool
    assert parallel._may_fork()


def _pid(_):
    import os
    return os.getpid()


def test_workers_setting_is_checked(monkeypatch):
    monkeypatch.setenv("HELPERS_WORKERS", "two")
    with pytest.raises(ValueError, match="HELPERS_WORKERS"):
        parallel.workers()
    with pytest.raises(ValueError, match="HELPERS_WORKERS"):  # whatever the input's size
        parallel.map_ordered(abs, [1])


@pytest.mark.parametrize("name", ["real", "10x"])
def test_pool_loads_and_extracts_as_a_loop(roots, corpora, name, pool, monkeypatch):
    pooled_docs = load_corpus(roots[name])
    pooled_figures = figures_table(corpora[name])
    monkeypatch.setenv("HELPERS_WORKERS", "1")
    pd.testing.assert_frame_equal(pooled_docs, corpora[name])
    pd.testing.assert_frame_equal(pooled_figures, figures_table(corpora[name]))
    assert len(pooled_figures) > 0


def test_pool_reports_every_problem_in_row_order(corpus_copy, pool, monkeypatch):
    meta = corpus_copy / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("2015", "20150", 1)
    lines[3] = lines[3].replace(".txt", ".md", 1)
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(Exception) as pooled:
        load_corpus(corpus_copy)
    monkeypatch.setenv("HELPERS_WORKERS", "1")
    with pytest.raises(Exception) as loop:
        load_corpus(corpus_copy)
    assert str(pooled.value) == str(loop.value) and len(pooled.value.problems) >= 2


def _same_term_matrix(a, b):
    """Equal down to the layout in memory: type, dtypes, each row's entries in the same order."""
    A, B = a.counts, b.counts
    assert type(A) is type(B) and A.shape == B.shape and A.has_sorted_indices == B.has_sorted_indices
    for part in ("indptr", "indices", "data"):
        assert getattr(A, part).dtype == getattr(B, part).dtype
        assert np.array_equal(getattr(A, part), getattr(B, part)), part
    assert a.terms.dtype == b.terms.dtype and list(a.terms) == list(b.terms)
    assert a.sizes.dtype == b.sizes.dtype and np.array_equal(a.sizes, b.sizes)
    assert np.array_equal(a.tfidf.data, b.tfidf.data)  # so every float computed from it is the same


POLICIES = [text.DEFAULT_POLICY, text.DEFAULT_POLICY.with_(lemmatize=False, ngram_range=(1, 3), min_df=3),
            text.DEFAULT_POLICY.with_(ngram_range=(1, 1), min_df=1)]


@pytest.mark.parametrize("name", ["real", "10x"])
def test_term_matrix_counted_in_chunks_equals_one_pass(corpora, name, pool, monkeypatch):
    texts = _texts(corpora[name])
    merges = []
    monkeypatch.setattr(term_counts, "merge", lambda *a, merge=term_counts.merge: merges.append(1) or merge(*a))
    for policy in POLICIES:
        built, caches = [], []
        for pool_from in (10**9, 1):  # one pass, then chunks in the pool
            monkeypatch.setattr(text, "POOL_FROM", pool_from)
            text.clear_caches()
            built.append(text.TermMatrix(texts, policy))
            caches.append(dict(text._TERMS[policy.lemmatize]))
        _same_term_matrix(built[1], built[0])
        assert caches[1] == caches[0]  # the workers' token -> term entries came back to this process
    assert len(merges) == len(POLICIES)  # the chunked path did run


def test_term_matrix_counts_in_chunks_only_where_a_pool_starts(pool, monkeypatch):
    """With one worker, or a min_df that is a share of the texts, the one-pass path runs (chunks
    counted in one process would only add the merge; the merge reads min_df in texts)."""
    texts = ["alpha beta gamma", "beta gamma delta", "gamma delta alpha"] * 10
    monkeypatch.setattr(text, "POOL_FROM", 1)
    chunked = []
    monkeypatch.setattr(text, "_count_part", lambda *a, part=text._count_part, **k: chunked.append(1) or part(*a, **k))
    for workers, policy in [("1", text.DEFAULT_POLICY), ("2", text.DEFAULT_POLICY.with_(min_df=0.5))]:
        monkeypatch.setenv("HELPERS_WORKERS", workers)
        matrix = text.TermMatrix(texts, policy)
        monkeypatch.setattr(text, "POOL_FROM", 10**9)
        _same_term_matrix(matrix, text.TermMatrix(texts, policy))
        monkeypatch.setattr(text, "POOL_FROM", 1)
    assert chunked == []
    with pytest.raises(ValueError, match="min_df=0.5"):
        term_counts.merge([], 0.5)


def test_term_matrix_counted_in_chunks_refuses_as_one_pass(pool, monkeypatch):
    monkeypatch.setattr(text, "POOL_FROM", 1)
    for texts, policy in [(["the and of", "it is"] * 8, text.DEFAULT_POLICY),          # no term at all
                          (["alpha beta", "gamma delta"] * 4, text.DEFAULT_POLICY.with_(min_df=9))]:  # none in 9 texts
        with pytest.raises(ValueError) as chunked:
            text.TermMatrix(texts, policy)
        monkeypatch.setattr(text, "POOL_FROM", 10**9)
        with pytest.raises(ValueError) as one_pass:
            text.TermMatrix(texts, policy)
        monkeypatch.setattr(text, "POOL_FROM", 1)
        assert str(chunked.value) == str(one_pass.value)


def test_pool_chooses_k_and_measures_stability_as_a_loop(corpora, pool, monkeypatch):
    rep = clusters.Representation(split_paragraphs(corpora["10x"]))
    ks = [2, 3, 4]
    pooled = clusters.choose_k(rep, ks, n_null=3, n_seeds=2)
    labels = clusters.kmeans_labels(rep.X, 3)
    pooled_runs, pooled_clusters = clusters.stability(rep, 3, labels, n_seeds=2, n_boot=2)
    monkeypatch.setenv("HELPERS_WORKERS", "1")
    pd.testing.assert_frame_equal(pooled, clusters.choose_k(rep, ks, n_null=3, n_seeds=2))
    loop_runs, loop_clusters = clusters.stability(rep, 3, labels, n_seeds=2, n_boot=2)
    pd.testing.assert_frame_equal(pooled_runs, loop_runs)
    pd.testing.assert_frame_equal(pooled_clusters, loop_clusters)


def test_stability_samples_only_above_max_rows(corpora):
    rep = clusters.Representation(split_paragraphs(corpora["10x"]))
    labels = clusters.kmeans_labels(rep.X, 2)
    n = rep.X.shape[0]
    full = clusters.stability(rep, 2, labels, n_seeds=2, n_boot=2)
    same = clusters.stability(rep, 2, labels, n_seeds=2, n_boot=2, max_rows=n)
    pd.testing.assert_frame_equal(full[0], same[0])
    sampled = clusters.stability(rep, 2, labels, n_seeds=2, n_boot=2, max_rows=n // 2)
    assert len(sampled[0]) == 4 and sampled[1]["cluster"].tolist() == full[1]["cluster"].tolist()


# --- the one-pass readers against the plain ones ----------------------------------------------

def _runs_from_spans(text, lemmatize=True):
    """runs() as token_spans defines it: a new run wherever the run number changes."""
    out, last = [], -1
    for term, _, _, run in token_spans(text, lemmatize):
        if run != last:
            out.append([])
            last = run
        out[-1].append(term)
    return out


def _texts(docs):
    return list(split_paragraphs(docs, flag_duplicates_=False)["text"]) + list(docs["raw_text"])


@pytest.mark.parametrize("name", ["real", "10x"])
def test_runs_in_one_pass_equal_runs_from_token_spans(corpora, name):
    texts = _texts(corpora[name])
    for lemmatize in (True, False):
        assert [runs(t, lemmatize) for t in texts] == [_runs_from_spans(t, lemmatize) for t in texts]


def test_runs_in_one_pass_on_awkward_text():
    rng = np.random.default_rng(0)
    alphabet = list("ab Z-'_\n\t1.,é²’\u00a0\u2028x")
    for _ in range(3000):
        text = "".join(rng.choice(alphabet, rng.integers(0, 30)))
        assert runs(text) == _runs_from_spans(text), repr(text)


# The token pattern as first written: one alternation per character, with a lookahead.
_TOKEN_AS_FIRST_WRITTEN = re.compile(r"[^\W\d_](?:[\w]|[-'](?=\w))*")


@pytest.mark.parametrize("name", ["real", "10x"])
def test_token_pattern_matches_as_first_written(corpora, name):
    for t in _texts(corpora[name]) + list(corpora[name]["text"]):
        assert _TOKEN.findall(t) == _TOKEN_AS_FIRST_WRITTEN.findall(t)


def test_token_pattern_matches_as_first_written_on_awkward_text():
    rng = np.random.default_rng(1)
    alphabet = list("ab9_-'' \n.,é中Ⅻ²\tßİ’") + ["--", "''", "-'", "\u00a0"]
    for _ in range(50_000):
        t = "".join(rng.choice(alphabet, rng.integers(0, 14)))
        assert ([m.span() for m in _TOKEN.finditer(t)]
                == [m.span() for m in _TOKEN_AS_FIRST_WRITTEN.finditer(t)]), repr(t)


def _sentence_spans_by_search(text):
    """sentence_spans as first written: the word before each full stop found by a regex search."""
    spans = []
    for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start = block.start()
        for m in _END.finditer(block.group()):
            word = re.search(r"([\w.]+)\.$", block.group()[: m.start() + 1])
            token = word.group(1).lower() if word else ""
            if m.group().startswith(".") and (token in ABBREVIATIONS or re.fullmatch(r"[a-z]", token)):
                continue
            end = block.start() + m.end()
            spans.append((start, end))
            start = end
            while start < len(text) and text[start].isspace():
                start += 1
        if start < block.end():
            spans.append((start, block.end()))
    return spans


@pytest.mark.parametrize("name", ["real", "10x"])
def test_sentence_spans_equal_the_search(corpora, name):
    texts = _texts(corpora[name]) + ["Mr. Ma met U.S. firms. A.. B", "Xi J. Ping came.  Next", "word . Next",
                                     "a_b. C", "3.5. Then", "No. 1 is e.g. This."]
    assert [sentence_spans(t) for t in texts] == [_sentence_spans_by_search(t) for t in texts]


def _without_lookahead(rx):
    return re.compile(re.sub(r"^\(\?=\[[^\]]+\]\)", "", rx.pattern), rx.flags)


@pytest.mark.parametrize("name", ["real", "10x"])
def test_lookaheads_change_no_match(corpora, name):
    plain_number = re.compile(r"\d|\b(?:" + "|".join(_NUMBER_WORDS) + ")", re.IGNORECASE)
    texts = _texts(corpora[name]) + ["ſix Twenty HALF", "Ⅻ 2015 this year", "WILL Planned"]
    for new, old in [(_MAYBE_NUMBER, plain_number), (FUTURE_MARKERS, _without_lookahead(FUTURE_MARKERS)),
                     (_TIME, _without_lookahead(_TIME))]:
        assert new.pattern != old.pattern
        for t in texts:
            assert [(m.span(), m.groups()) for m in new.finditer(t)] == [(m.span(), m.groups()) for m in old.finditer(t)]


def _forms_by_spans(texts, terms):
    """surface_forms as first written: every term, words too, matched over each text's spans."""
    from helpers.text import surface_summary
    wanted = {t: tuple(t.split()) for t in terms}
    by_words = {w: t for t, w in wanted.items()}
    found = {t: [] for t in wanted}
    for text in texts:
        spans = token_spans(text)
        for n in sorted({len(w) for w in wanted.values()}):
            for i in range(len(spans) - n + 1):
                key = tuple(t for t, *_ in spans[i:i + n])
                if key in by_words and spans[i][3] == spans[i + n - 1][3]:
                    found[by_words[key]].append(text[spans[i][1]:spans[i + n - 1][2]])
    return {t: surface_summary(f) for t, f in found.items()}


@pytest.mark.parametrize("name", ["real", "10x"])
def test_keyness_forms_read_from_counting_paragraphs_only(corpora, name):
    # _with_forms reads words by a token count and phrases by their runs, each only in the
    # paragraphs whose counts hold one of them: the same forms as matching spans everywhere
    from helpers import themes
    from helpers.text import surface_forms
    paras = split_paragraphs(corpora[name])
    data = themes.KeynessData(paras)
    table = pd.DataFrame({"term": list(data.terms[::7]) + ["not a term"]})
    whole = _forms_by_spans(paras["text"], sorted(set(table["term"])))
    assert any(" " in t for t in table["term"]) and any(" " not in t for t in table["term"])
    assert themes._with_forms(table, data)["forms"].tolist() == table["term"].map(whole).tolist()
    assert surface_forms(paras["text"], sorted(set(table["term"]))) == whole
    assert (table["term"].map(whole)[:-1] != "").all() and whole["not a term"] == ""


@pytest.mark.parametrize("name", ["real", "10x"])
def test_forms_kept_between_tables_equal_forms_read_afresh(corpora, name):
    # pairwise_keyness after distinctive_terms reuses the forms the first read: the same column
    from helpers import themes
    paras = split_paragraphs(corpora[name])
    data = themes.KeynessData(paras)
    themes.distinctive_terms(paras, n=10, n_boot=0, data=data)
    assert data._forms
    again = themes.pairwise_keyness(paras, n=5, data=data)
    afresh = themes.pairwise_keyness(paras, n=5, data=themes.KeynessData(paras))
    assert again["term"].isin(list(data._forms)).all()
    pd.testing.assert_frame_equal(again, afresh)


def _dispersion_by_rows(data, rows, cols):
    """KeynessData._dispersion as first written: a row subset of X, by columns, per comparison."""
    from helpers.themes import group_indicator
    Xr = data.X[np.flatnonzero(rows)][:, cols].tocsc()
    total = np.asarray(Xr.sum(axis=0)).ravel()
    top = Xr.max(axis=0).toarray().ravel() if Xr.shape[0] else np.zeros(len(cols))
    ind, _ = group_indicator(data.doc_codes[rows])
    docs = np.diff((ind @ Xr).tocsc().indptr) if Xr.shape[0] else np.zeros(len(cols), int)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, top / total, 0.0)
    return docs, np.diff(Xr.indptr), share


@pytest.mark.parametrize("name", ["real", "10x"])
def test_dispersion_by_columns_equals_the_row_subset(corpora, name):
    from helpers import themes
    rng = np.random.default_rng(0)
    paras = split_paragraphs(corpora[name])
    paras = paras.iloc[rng.permutation(len(paras))]  # a document's paragraphs need not be adjacent
    data = themes.KeynessData(paras)
    cols = np.sort(rng.choice(len(data.terms), min(300, len(data.terms) // 2), replace=False))
    years = paras["event_year"].to_numpy()
    masks = [years == years[0], years != years[0], rng.random(len(paras)) < 0.3, np.zeros(len(paras), bool),
             np.ones(len(paras), bool)]
    for rows in masks:
        for got, expected in zip(data._dispersion(rows, cols), _dispersion_by_rows(data, rows, cols)):
            np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", ["real", "10x"])
def test_shingle_matrix_counts_shared_ngrams_exactly(corpora, name):
    # the vectorised n-gram matrix against sets of n-gram strings: each row's size, and the
    # n-grams each pair of paragraphs shares
    from helpers.duplicates import _shingle_matrix
    keys = [" ".join(re.findall(r"\w+", t.casefold())) for t in split_paragraphs(corpora[name])["text"]][:300]
    keys += ["one two", "", "a a a a a"]  # shorter than n, empty, one n-gram repeated
    exclude = np.zeros(len(keys), bool)
    exclude[3] = True
    S = _shingle_matrix(keys, 3, exclude)
    grams = [set() if exclude[i] else {tuple(k.split()[j:j + 3]) for j in range(len(k.split()) - 2)}
             for i, k in enumerate(keys)]
    assert np.diff(S.indptr).tolist() == [len(g) for g in grams]
    shared = (S @ S.T).toarray()
    expected = np.array([[len(a & b) for b in grams] for a in grams])
    assert (shared == expected).all()


def test_forms_on_awkward_text_equal_the_spans():
    texts = ["Digital  economies\tgrow; digital\neconomy, DIGITAL Economy's rise", "internet-plus  Internet \t economy",
             "economy digital economy digital", "the digital the economy", "  digital economy  ", "e-commerce's e-Commerce"]
    terms = ["digital economy", "economy", "digital", "internet economy", "e-commerce", "economy digital", "rise"]
    from helpers.text import surface_forms
    assert surface_forms(texts, terms) == _forms_by_spans(texts, terms)
    assert surface_forms(texts, terms)["digital economy"] == "digital economy (2), digital  economies (1), digital economy's (1)"


def test_word_codes_do_not_depend_on_the_chunk(corpora):
    from helpers.duplicates import _word_codes
    keys = [" ".join(re.findall(r"\w+", t.casefold())) for t in split_paragraphs(corpora["10x"])["text"]] + [""]
    whole, small = _word_codes(keys, chunk=10**9), _word_codes(keys, chunk=7)
    assert all((a == b).all() for a, b in zip(whole, small))
    words = [w for k in keys for w in k.split()]
    assert len(set(words)) == whole[0].max() + 1 and len(words) == whole[1].sum() == len(whole[0])
    assert all(words[i] == words[j] for i, j in [(0, int(np.flatnonzero(whole[0] == whole[0][0])[-1]))])


@pytest.mark.parametrize("name", ["real", "10x", "awkward"])
def test_phrases_read_from_first_words_equal_the_spans(corpora, name):
    # the fast phrase reading on its own (surface_forms falls back to the runs when its totals do
    # not match the counts, which would hide a fault here)
    from helpers.text import TermMatrix, _phrase_forms_at_first_words, surface_summary
    texts = (["x-digital economy, 5digital economy; ab1digital economy", "e-digital economy and -digital  economy",
              "'digital economy' digital\neconomy digital 2 economy digital economy's", "Digital\tEconomy digitaleconomy"]
             if name == "awkward" else list(split_paragraphs(corpora[name])["text"]))
    matrix = TermMatrix(texts)  # fills the token cache the fast reading takes its spellings from
    phrases = [t for t in matrix.terms if " " in t][::3] + (["digital economy"] if name == "awkward" else [])
    fast = _phrase_forms_at_first_words(texts, {tuple(t.split()): t for t in phrases}, True)
    assert {t: surface_summary(dict(f)) for t, f in fast.items()} == _forms_by_spans(texts, phrases)
    assert sum(sum(f.values()) for f in fast.values()) > 0


@pytest.mark.parametrize("name", ["real", "10x"])
def test_family_counts_the_terms_compare_tests(corpora, name):
    from helpers import themes
    paras = split_paragraphs(corpora[name])
    data = themes.KeynessData(paras)
    years = paras["event_year"].to_numpy()
    for target, reference in [(years == 2015, years != 2015), (years == 2016, years == 2021)]:
        for min_freq in (1, 3, 10):
            table = data.compare(target, reference, min_freq)
            assert data.n_tested(target, reference, min_freq) == len(table) == table["tested"].iloc[0]
