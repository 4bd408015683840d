"""helpers.scale on a distributed LocalCluster (2 worker processes) gives the in-process results on
the 100x benchmark corpus: the same top terms, the same keyness table of every year against the
rest, the same figures table. dask and distributed are pinned in requirements.txt, so this runs
in `make test` and CI (never skipped)."""
import importlib.util

import numpy as np
import pandas as pd
import pytest

from helpers import scale, themes
from helpers.corpus import CorpusError, load_corpus, split_paragraphs
from helpers.figure_table import figures_table
from helpers.paths import PROJECT_ROOT
from helpers.text import TermMatrix


def _make_corpus(scale_, out):
    spec = importlib.util.spec_from_file_location("bench_make_corpus", PROJECT_ROOT / "benchmarks" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_corpus(scale_, out)


@pytest.fixture(scope="module")
def x100(tmp_path_factory):
    return _make_corpus(100, tmp_path_factory.mktemp("x100"))


@pytest.fixture(scope="module")
def on_cluster(x100):
    # 2 worker processes; small chunks, so that every worker has several and a year spans chunks
    return scale.run(x100, n_workers=2, processes=True, chunk_rows=60, paragraph_labels=True)


@pytest.fixture(scope="module")
def in_process(x100):
    docs = load_corpus(x100)
    paras = split_paragraphs(docs)
    matrix = TermMatrix(paras["text"])
    return docs, paras, matrix


def test_same_top_terms(on_cluster, in_process):
    _, paras, matrix = in_process
    top = themes.top_terms_class(paras, matrix=matrix, n=15)
    got = scale.top_terms(on_cluster.stats, n=15)
    assert len(top) >= 4 * 15
    # the same terms, ranks and ties; the scores agree to the last few bits (summed in another order)
    pd.testing.assert_frame_equal(got.drop(columns="class_tfidf"), top.drop(columns="class_tfidf"), check_exact=True)
    np.testing.assert_allclose(got["class_tfidf"], top["class_tfidf"], rtol=1e-12)
    pd.testing.assert_frame_equal(on_cluster.top_terms, scale.top_terms(on_cluster.stats))


def test_same_vocabulary_and_tokens(on_cluster, in_process):
    _, paras, matrix = in_process
    assert on_cluster.stats["term"].drop_duplicates().tolist() == matrix.terms.tolist()
    tokens = pd.Series(matrix.sizes).groupby(paras["event_year"].to_numpy()).sum()
    assert on_cluster.sizes["tokens"].tolist() == tokens.tolist()


def test_same_keyness_table(on_cluster, in_process):
    _, paras, matrix = in_process
    data = themes.KeynessData(paras, matrix=matrix)
    labels = paras["event_year"].to_numpy()
    assert sorted(on_cluster.keyness) == sorted(set(labels)) and len(on_cluster.keyness) >= 3
    for year, table in on_cluster.keyness.items():
        expected = data.compare(labels == year, labels != year)
        assert len(expected) > 100
        # every value exactly equal (integer columns may be int32 in one and int64 in the other)
        pd.testing.assert_frame_equal(table, expected, check_exact=True, check_dtype=False)


def test_same_figures_table(on_cluster, in_process):
    docs, _, _ = in_process
    expected = figures_table(docs)
    assert len(expected) > 100
    pd.testing.assert_frame_equal(on_cluster.figures, expected)


def test_clusters_cover_every_paragraph(on_cluster, in_process):
    _, paras, _ = in_process
    assert len(on_cluster.clusters) == len(paras)
    assert set(on_cluster.clusters["cluster"]) <= set(range(4))
    np.testing.assert_allclose(on_cluster.shares.sum(axis=1), 1.0)
    # the counts summed in the workers are the labelled paragraphs counted
    counted = pd.crosstab(on_cluster.clusters["event_year"], on_cluster.clusters["cluster"])
    got = on_cluster.cluster_counts
    assert got.index.tolist() == counted.index.tolist() and got.columns.tolist() == [0, 1, 2, 3]
    np.testing.assert_array_equal(got.reindex(columns=counted.columns.tolist()).to_numpy(), counted.to_numpy())
    assert (got.drop(columns=counted.columns.tolist()) == 0).all().all()


def test_paragraphs_stay_in_the_workers_by_default(corpus_copy):
    result = scale.run(corpus_copy, n_workers=1, processes=False, chunk_rows=7)  # one chunk
    assert result.clusters is None
    paras = split_paragraphs(load_corpus(corpus_copy))
    n_paras = len(paras)
    # a single chunk's statistics are merged too: sorted by term, then year, as with many chunks
    assert result.stats["term"].drop_duplicates().tolist() == TermMatrix(paras["text"]).terms.tolist()
    assert result.stats.equals(result.stats.sort_values(["term", "event_year"]))
    assert result.cluster_counts.to_numpy().sum() == n_paras == result.sizes["paragraphs"].sum()
    assert list(result.cluster_counts.columns) == [0, 1, 2, 3]


def test_copies_in_different_chunks_are_refused(corpus_copy):
    meta = corpus_copy / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")[1]  # the file of the first row, copied under a new name as the last row
    raw = corpus_copy / "raw"
    (raw / "copy-of-first.txt").write_bytes((raw / first).read_bytes())
    lines.append(lines[1].replace(first, "copy-of-first.txt").replace(lines[1].split(",")[0], "copy-of-first", 1))
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        scale.run(corpus_copy, n_workers=1, processes=False, chunk_rows=3)
    assert err.value.problems == [f"raw/copy-of-first.txt (id 'copy-of-first'): the same text as raw/{first} (id "
                                  f"'{lines[1].split(',')[0]}'), apart from BOM, line endings or spacing. Keep one: "
                                  "remove the other file and its row."]


def test_term_stats_count_colliding_terms_exactly():
    # 4 hashed columns for many terms: most share a column, and each is still counted exactly
    paras = pd.DataFrame({"doc_id": ["a", "a", "b"], "event_year": [2015, 2015, 2016]})
    feats = [["cyber", "cyber", "robot", "trade"], ["robot", "port"], ["cyber", "silk", "road", "port"]]
    stats, sizes, X = scale._term_stats(feats, np.array([4.0, 2.0, 4.0]), paras, n_features=4)
    got = {(r.term, r.event_year): (r.count, r.paras, r.docs, r.top) for r in stats.itertuples()}
    assert got[("cyber", 2015)] == (2, 1, 1, 2) and got[("robot", 2015)] == (2, 2, 1, 1)
    assert got[("port", 2016)] == (1, 1, 1, 1) and ("trade", 2016) not in got
    assert sizes.loc[2015, "tokens"] == 6 and X.shape == (3, 4)


def test_bad_corpus_is_refused_with_every_problem(corpus_copy):
    meta = corpus_copy / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(".txt", ".md", 1)
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as on_cluster:
        scale.run(corpus_copy, n_workers=1, processes=False, chunk_rows=2)
    with pytest.raises(CorpusError) as loaded:
        load_corpus(corpus_copy)
    assert on_cluster.value.problems == loaded.value.problems and on_cluster.value.problems


def test_corpus_wide_problems_are_refused_as_load_corpus_does(corpus_copy):
    # a duplicate id, a file in raw/ with no row: problems of no single chunk
    meta = corpus_copy / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    first_id = lines[1].split(",")[0]
    lines[3] = first_id + lines[3][lines[3].index(","):]
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus_copy / "raw" / "unlisted.txt").write_text("A text nobody listed.\n", encoding="utf-8")
    with pytest.raises(CorpusError) as on_cluster:
        scale.run(corpus_copy, n_workers=1, processes=False, chunk_rows=2)
    with pytest.raises(CorpusError) as loaded:
        load_corpus(corpus_copy)
    assert on_cluster.value.problems == loaded.value.problems
    assert any(f"duplicate id '{first_id}'" in p for p in on_cluster.value.problems)
    assert any("raw/unlisted.txt: has no row in metadata.csv" in p for p in on_cluster.value.problems)


def test_figures_written_per_chunk_read_back_as_the_table(x100, in_process, tmp_path):
    docs, _, _ = in_process
    out = tmp_path / "figures"
    result = scale.run(x100, n_workers=2, processes=False, chunk_rows=60, figures_dir=out)
    assert result.figures is None
    n_chunks = -(-len(docs) // 60)
    assert result.figure_files == [str(out / f"figures-{i:05d}.csv") for i in range(n_chunks)]
    pd.testing.assert_frame_equal(scale.read_figures(out), figures_table(docs), check_exact=True)
    assert not list(out.glob("*.partial"))


def test_figures_dir_holding_earlier_files_is_refused(corpus_copy, tmp_path):
    (tmp_path / "figures-00000.csv").write_text("doc_id\n", encoding="utf-8")
    with pytest.raises(ValueError, match="already holds figures-\\*.csv files. Pass a folder without figures-"):
        scale.run(corpus_copy, n_workers=1, processes=False, figures_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="no figures-\\*.csv files"):
        scale.read_figures(tmp_path / "elsewhere")


def test_a_chunk_without_figures_changes_no_column_type(in_process):
    docs, _, _ = in_process
    table = figures_table(docs.iloc[:3])
    empty = figures_table(docs.iloc[:0])
    assert len(table) and not len(empty) and (empty.dtypes == object).sum() > 10  # why the guard exists
    joined = scale._in_document_order(scale._concat_figures([empty, table, empty]))
    pd.testing.assert_frame_equal(joined, table)


def test_figure_files_that_were_changed_are_named(x100, tmp_path):
    (tmp_path / "figures-00000.csv").write_text("doc_id,title\na,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="figures-00000.csv: no column source, published"):
        scale.read_figures(tmp_path)
    docs = load_corpus(x100).iloc[:2]
    table = figures_table(docs)
    table["start"] = table["start"].astype(str)
    table.loc[0, "start"] = "12.5.7"
    table.to_csv(tmp_path / "figures-00000.csv", index=False)
    with pytest.raises(ValueError, match="figures-00000.csv: column start: .*run scale.run again with a new figures_dir"):
        scale.read_figures(tmp_path)


def test_figures_dir_that_is_a_file_is_refused(corpus_copy, tmp_path):
    (tmp_path / "out").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="out: not a folder. Pass a folder without figures-"):
        scale.run(corpus_copy, n_workers=1, processes=False, figures_dir=tmp_path / "out")


def test_refused_corpus_leaves_no_figure_files(corpus_copy, tmp_path):
    meta = corpus_copy / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(".txt", ".md", 1)
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError):
        scale.run(corpus_copy, n_workers=1, processes=False, chunk_rows=2, figures_dir=tmp_path / "figs")
    assert not list((tmp_path / "figs").glob("figures-*"))
