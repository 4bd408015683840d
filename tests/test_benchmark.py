"""The benchmark harness keeps working: a 1x synthetic corpus is valid and every stage runs
(no timing is asserted; `make bench` measures)."""
import importlib.util
import json
import multiprocessing
import sys
import time

from helpers.corpus import load_corpus
from helpers.paths import PROJECT_ROOT


def _module(name):
    path = PROJECT_ROOT / "benchmarks" / f"{name}.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_corpus_is_valid_and_deterministic(tmp_path):
    make = _module("make_corpus")
    a, b = make.make_corpus(2, tmp_path / "a"), make.make_corpus(2, tmp_path / "b")
    docs = load_corpus(a)
    assert len(docs) == 10 and set(docs["event_year"]) <= {2015, 2016, 2018, 2021}
    assert (a / "metadata.csv").read_bytes() == (b / "metadata.csv").read_bytes()
    assert docs["removed"].str.len().min() >= 5  # the furniture wrapped around each document was removed


def test_every_stage_runs(tmp_path):
    make, run = _module("make_corpus"), _module("run")
    result = run.pipeline(make.make_corpus(1, tmp_path / "c"))
    assert list(result["stages"]) == run.STAGES
    assert all(seconds >= 0 and mb > 0 for seconds, mb in result["stages"].values())
    assert result["documents"] == 5 and result["floor"][0] > 0 and result["bigram_count_s"] > 0
    assert list(result["tree_peak_mb"]) == run.STAGES and all(mb > 0 for mb in result["tree_peak_mb"].values())


def _hold_memory(mb, seconds):
    block = bytearray(mb * 2**20)  # zero-filled: every page written, so resident
    time.sleep(seconds)
    return len(block)


def test_tree_memory_counts_forked_workers():
    run = _module("run")
    tree = run.TreeMemory(interval=0.05)
    tree.start()
    tree.reset()
    alone = tree.peak_mb()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        assert pool.apply(_hold_memory, (300, 1.0)) == 300 * 2**20
    with_child = tree.peak_mb()
    assert with_child - alone > 250  # the worker's 300 MB is counted (the parent's pages it shares are not twice)
    tree.reset()
    assert tree.peak_mb() < alone + 100  # and forgotten after a reset, once the worker has gone


def test_dask_rows_run_with_figures_gathered_and_written(tmp_path):
    make, run = _module("make_corpus"), _module("run")
    corpus = make.make_corpus(1, tmp_path / "d")
    for figure_files in (False, True):
        result = run.dask_pipeline(corpus, workers=1, chunk_rows=2, figure_files=figure_files)
        assert result["chunks"] == 3 and result["seconds"] > 0 and result["client_peak_mb"] > 0
        assert len(result["worker_peak_mb"]) == 1 and result["worker_peak_mb"][0] > 0
        assert result["figure_files"] == (3 if figure_files else 0)


def test_notebook_cpu_time_counts_the_kernel(tmp_path):
    """The CPU time of nbval on a notebook includes its kernel's (a grandchild): a cell that spins
    for 1.5 s of CPU adds about that much, whatever else the machine does."""
    import nbformat

    run = _module("run")
    cpu = {}
    # busy first: a first run's one-off costs (byte-compiling, caches) fall on it, not on idle
    for name, code in [("busy", "import time\nt = time.process_time()\n"
                                "while time.process_time() - t < 1.5:\n    pass"), ("idle", "pass")]:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(code)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
        wall, cpu[name] = run._nbval_seconds(tmp_path / f"{name}.ipynb")
        assert 0 < cpu[name] and 0 < wall
    assert 1.2 < cpu["busy"] - cpu["idle"] < 3.5  # counted once, not per process level


def test_readme_numbers_read_the_bench_output():
    numbers = _module("readme_numbers")
    stage = {s: [1.0, 100.0] for s in numbers.STAGES}
    size = lambda docs, total, peak: {"docs": docs, "total_s": total, "floor_s": 1.0, "ratio": total, "peak_MB": peak,  # noqa: E731
                                      "tree_peak_MB": peak, "bigram_count_s": 1.5, **stage, "keyness": [1.0, peak]}
    dask = lambda w, c: {"s_per_chunk": 6.0, "worker_peak_mb": w, "client_peak_mb": c}  # noqa: E731
    lines = ([f"  measured {s}x (3 runs): {json.dumps(size(d, t, p))}" for s, d, t, p in [(1000, 5000, 20.0, 700), (10000, 50000, 160.0, 3400)]]
             + [f"  measured the Dask path at {s}x, figures {f} (3 runs): {json.dumps(dask(w, c))}"
                for s, f, w, c in [(1000, "gathered", 600, 300), (1000, "to files", 600, 300),
                                   (10000, "gathered", 1150, 750), (10000, "to files", 930, 415)]] + ["noise"])
    out = numbers.numbers(*numbers.read(lines))
    assert out[0].startswith("1000x: ratio 20.0") and "1-2-gram reference 1.50" in out[0]
    assert out[2].startswith("growth 10,000x / 1,000x: 8.00; time 3.11 s per 1,000 documents")
    assert out[3].startswith("peak: 60.0 MB per 1,000 documents above 400 MB")
    assert "2,500 chunks 15,000-15,000 worker-s" in out[5]
    assert out[6].startswith("  partial_fit chain as measured: 0.150 s per chunk, 6.2 min for 2,500 chunks")
