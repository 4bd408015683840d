"""Speed and memory of the helper pipeline and of the notebooks, printed as a table.

    python benchmarks/run.py [--sizes 1 10 100 1000 10000] [--repeats 3] [--notebooks]
                             [--big-repeats N] [--dask-sizes 1000 10000] [--dask-workers 2] [--chunk-rows 2000]

For each size, a synthetic corpus (benchmarks/make_corpus.py) is generated once under
benchmarks/.data/, then each repeat runs the pipeline in a fresh Python process, which reports
each stage's wall time and peak memory (the kernel's resident-set high-water mark, reset before
each stage), the peak memory of the whole process tree (the process and the pool workers it forks:
their proportional set sizes summed, sampled every 0.2 s) and the floor: a bare scikit-learn TfidfVectorizer().fit_transform on the same
paragraphs. Medians over the repeats are printed. With --notebooks, each notebook's time under
nbval is compared with an empty notebook that imports the same libraries. With --dask-sizes,
helpers.scale runs on a distributed LocalCluster of --dask-workers processes at those sizes; its
wall time (the cluster's start-up apart), each worker's and the client's peak memory and the
worker time per chunk of --chunk-rows metadata rows are printed, with the figures table gathered
on the client and written per chunk by the workers (figures_dir).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
STAGES = ["load + clean + paragraphs", "text policy", "TF-IDF", "keyness", "clustering", "figure extraction"]
# Pipeline settings (the notebooks' defaults, except where noted): bootstrap 100 resamples and 5+5
# stability runs instead of 1000 and 20+20, leave-one-document-out and sensitivity left out (they
# refit per document or per setting, which is for small corpora).
SETTINGS = {"k_range": [2, 3, 4, 5, 6, 7, 8], "n_boot": 100, "stability_seeds": 5, "stability_boots": 5}


# --- in the child process -------------------------------------------------------------------

def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux)
    except OSError:
        pass


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _pss_kb(pid: int) -> int:
    """Proportional set size of a process in kB (0 when it has gone): shared copy-on-write pages
    are split between the processes sharing them, so the sum over a tree is its real memory."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        out.append(todo.pop())
        todo += children.get(out[-1], [])
    return out


class TreeMemory(threading.Thread):
    """Samples the summed PSS of this process and its pool workers every `interval` s (a sample
    costs about 1 ms per 400 MB read); `peak_mb()` is the largest since `reset()`. A spike shorter
    than the interval can be missed, so this is a lower bound of the true peak, close to it for
    the seconds-long stages measured here."""

    def __init__(self, interval: float = 0.2):
        super().__init__(daemon=True)
        self.interval, self._peak, self._lock = interval, 0, threading.Lock()

    def sample(self) -> None:
        kb = sum(_pss_kb(pid) for pid in _tree(os.getpid()))
        with self._lock:
            self._peak = max(self._peak, kb)

    def run(self) -> None:
        while True:
            self.sample()
            time.sleep(self.interval)

    def reset(self) -> None:
        with self._lock:
            self._peak = 0
        self.sample()

    def peak_mb(self) -> float:
        self.sample()
        with self._lock:
            return self._peak / 1024


def pipeline(corpus: Path) -> dict:
    """Run every stage once on `corpus`; return {stage: (seconds, peak MB)}, the floor and sizes."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    from helpers import clusters, themes
    from helpers.corpus import load_corpus, split_paragraphs
    from helpers.figure_table import figures_table
    from helpers.text import DEFAULT_POLICY, TermMatrix, clear_caches

    results, tree_peaks, state = {}, {}, {}
    tree = TreeMemory()
    tree.start()

    def stage(name, fn):
        _reset_peak()
        tree.reset()
        t0 = time.perf_counter()
        fn()
        results[name] = (time.perf_counter() - t0, _peak_mb())
        tree_peaks[name] = tree.peak_mb()

    def load():
        state["docs"] = load_corpus(corpus)
        state["paras"] = split_paragraphs(state["docs"])

    def text_policy():
        clear_caches()
        state["matrix"] = TermMatrix(state["paras"]["text"], DEFAULT_POLICY)

    def tfidf():
        p, m = state["paras"], state["matrix"]
        themes.top_terms_mean(p, matrix=m)
        themes.top_terms_class(p, matrix=m)
        themes.centroid_similarity(p, "event_year", matrix=m)

    def keyness():
        p = state["paras"]
        data = themes.KeynessData(p, matrix=state["matrix"])
        themes.distinctive_terms(p, n=10, n_boot=SETTINGS["n_boot"], data=data)
        themes.pairwise_keyness(p, n=5, data=data)

    def clustering():
        rep = clusters.Representation(state["paras"], matrix=state["matrix"])
        scores = clusters.choose_k(rep, SETTINGS["k_range"])
        k = clusters.pick_k(scores)[0] or min(SETTINGS["k_range"])  # as notebook 03 does
        labels = clusters.kmeans_labels(rep.X, k)
        clusters.agglomerative_labels(rep.X, k)
        clusters.stability(rep, k, labels, n_seeds=SETTINGS["stability_seeds"], n_boot=SETTINGS["stability_boots"])
        clusters.shares_by_year(rep.paras, labels)

    def figures():
        figures_table(state["docs"])

    for name, fn in zip(STAGES, [load, text_policy, tfidf, keyness, clustering, figures]):
        stage(name, fn)
    texts = state["paras"]["text"]
    _reset_peak()
    t0 = time.perf_counter()
    TfidfVectorizer().fit_transform(texts)
    floor = (time.perf_counter() - t0, _peak_mb())
    # A second reference, not a target: scikit-learn's own count of one- and two-word terms without
    # stop words, the least the text policy must do (it also lemmatises and keeps n-grams within
    # clauses). It shows how much of the 3x budget a library pass of that one step takes alone.
    t0 = time.perf_counter()
    CountVectorizer(ngram_range=(1, 2), stop_words="english").fit_transform(texts)
    bigrams = time.perf_counter() - t0
    mb = sum(p.stat().st_size for p in (corpus / "raw").iterdir()) / 1e6
    return {"stages": results, "tree_peak_mb": tree_peaks, "floor": floor, "bigram_count_s": bigrams,
            "documents": len(state["docs"]), "paragraphs": len(texts), "mb": mb}


def dask_pipeline(corpus: Path, workers: int, chunk_rows: int, figure_files: bool = False) -> dict:
    """helpers.scale on a LocalCluster of `workers` single-threaded worker processes: wall time
    (cluster start-up apart), each worker's peak memory, and the time per chunk. With
    `figure_files`, the workers write the figures table per chunk (figures_dir) instead of sending it."""
    from distributed import Client, LocalCluster

    from helpers import scale

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client, tempfile.TemporaryDirectory() as tmp:
        client.run(_reset_peak)
        t0 = time.perf_counter()
        result = scale.run(corpus, client=client, chunk_rows=chunk_rows,
                           figures_dir=Path(tmp) / "figures" if figure_files else None)
        seconds = time.perf_counter() - t0
        n_files = len(result.figure_files or [])
        peaks = sorted(client.run(_peak_mb).values())
    n_docs = sum(1 for _ in (corpus / "raw").iterdir())
    n_chunks = -(-n_docs // chunk_rows)
    return {"seconds": seconds, "worker_peak_mb": peaks, "client_peak_mb": _peak_mb(), "chunks": n_chunks,
            "figure_files": n_files,
            "workers": workers, "chunk_rows": chunk_rows, "s_per_chunk": seconds * workers / n_chunks}


# --- in the parent --------------------------------------------------------------------------

def _child(corpus: Path, *extra: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, __file__, "--child", str(corpus), *extra], capture_output=True, text=True,
                         env=env, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_dask(sizes, repeats: int, workers: int, chunk_rows: int, big_repeats: int | None = None) -> list[dict]:
    rows = []
    for scale, figures in [(s, f) for s in sizes for f in ("gathered", "to files")]:
        extra = ["--figure-files"] if figures == "to files" else []
        runs = [_child(corpus_for(scale), "--dask-workers", str(workers), "--chunk-rows", str(chunk_rows), *extra)
                for _ in range(_repeats(scale, repeats, big_repeats))]
        med = lambda f: statistics.median(f(r) for r in runs)  # noqa: E731
        rows.append({"size": f"{scale}x", "figures": figures, "workers": workers, "chunks": runs[0]["chunks"],
                     "chunk_rows": chunk_rows,
                     "seconds": med(lambda r: r["seconds"]), "worker_peak_mb": med(lambda r: max(r["worker_peak_mb"])),
                     "client_peak_mb": med(lambda r: r["client_peak_mb"]), "s_per_chunk": med(lambda r: r["s_per_chunk"]),
                     "runs": len(runs)})
        print(f"  measured the Dask path at {scale}x, figures {figures} ({len(runs)} runs): {json.dumps(rows[-1])}", file=sys.stderr,
              flush=True)
    return rows


def corpus_for(scale: int) -> Path:
    from make_corpus import make_corpus  # benchmarks/ is on sys.path (see main)

    path = DATA / f"x{scale}"
    if not (path / "metadata.csv").is_file():
        make_corpus(scale, path)
    return path


def _repeats(scale: int, repeats: int, big_repeats: int | None) -> int:
    return big_repeats if big_repeats and scale >= 10_000 else repeats


def bench_sizes(sizes, repeats: int, big_repeats: int | None = None) -> list[dict]:
    rows = []
    for scale in sizes:
        corpus = corpus_for(scale)
        runs = [_child(corpus) for _ in range(_repeats(scale, repeats, big_repeats))]
        med = lambda f: statistics.median(f(r) for r in runs)  # noqa: E731
        row = {"size": f"{scale}x", "docs": runs[0]["documents"], "paragraphs": runs[0]["paragraphs"],
               "MB": runs[0]["mb"]}
        for s in STAGES:
            row[s] = (med(lambda r: r["stages"][s][0]), med(lambda r: r["stages"][s][1]))
        row["total_s"] = med(lambda r: sum(v[0] for v in r["stages"].values()))
        row["peak_MB"] = med(lambda r: max(v[1] for v in r["stages"].values()))
        row["tree_peak_MB"] = med(lambda r: max(r["tree_peak_mb"].values()))
        row["floor_s"] = med(lambda r: r["floor"][0])
        row["bigram_count_s"] = med(lambda r: r["bigram_count_s"])
        row["ratio"] = med(lambda r: sum(v[0] for v in r["stages"].values()) / r["floor"][0])
        row["MB/s"] = row["MB"] / row["total_s"]
        rows.append(row)
        row["runs"] = len(runs)
        print(f"  measured {scale}x ({len(runs)} runs): {json.dumps(row)}", file=sys.stderr, flush=True)
    return rows


def _nbval_seconds(path: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of nbval on one notebook. The CPU time is that of
    pytest and the kernel it starts and reaps (RUSAGE_CHILDREN counts every reaped descendant),
    so it barely moves with the other load on a shared machine, where wall time does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
                    "--nbval-sanitize-with", str(ROOT / "nbval_sanitize.cfg"), str(path)],
                   check=True, capture_output=True, cwd=ROOT,
                   env={**os.environ, "OMP_NUM_THREADS": "1", "FIGURES_DIR": tempfile.gettempdir() + "/bench-figures"})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_notebooks(repeats: int) -> list[dict]:
    import nbformat

    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "00-empty.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(
            "import numpy, pandas, scipy, sklearn, matplotlib.pyplot as plt\n"
            "import helpers.corpus, helpers.text, helpers.themes, helpers.clusters, helpers.quantities, helpers.plotting")]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, empty)
        rows = []
        for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
            runs, floors = [], []
            for _ in range(repeats):  # interleaved, so both see the same machine load
                floors.append(_nbval_seconds(empty))
                runs.append(_nbval_seconds(path))
            (t, t_cpu), (f, f_cpu) = (tuple(statistics.median(x) for x in zip(*r)) for r in (runs, floors))
            rows.append({"notebook": path.stem, "nbval_s": t, "empty_s": f, "ratio": t / f,
                         "nbval_cpu_s": t_cpu, "empty_cpu_s": f_cpu, "cpu_ratio": t_cpu / f_cpu})
    return rows


def print_tables(size_rows, nb_rows, dask_rows=()) -> None:
    if size_rows:
        print("\n### Helper pipeline (median of runs; time s / peak MB per stage)\n")
        head = ["size", "runs", "docs", "paragraphs", "MB", *STAGES, "total s", "peak MB", "tree peak MB", "floor s", "ratio", "MB/s"]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in size_rows:
            cells = [r["size"], str(r["runs"]), f"{r['docs']:,}", f"{r['paragraphs']:,}", f"{r['MB']:.2f}",
                     *(f"{r[s][0]:.2f} / {r[s][1]:.0f}" for s in STAGES),
                     f"{r['total_s']:.2f}", f"{r['peak_MB']:.0f}", f"{r['tree_peak_MB']:.0f}", f"{r['floor_s']:.3f}", f"{r['ratio']:.1f}",
                     f"{r['MB/s']:.2f}"]
            print("| " + " | ".join(cells) + " |")
        # each stage in units of the floor: which stages alone exceed the 3x target for the whole
        print("\n### Each stage as a multiple of the floor (median stage time / median floor time)\n")
        print("| size | " + " | ".join(STAGES) + " | total | scikit-learn 1-2-gram count |")
        print("|" + "---|" * (len(STAGES) + 3))
        for r in size_rows:
            print(f"| {r['size']} | " + " | ".join(f"{r[s][0] / r['floor_s']:.1f}" for s in STAGES)
                  + f" | {r['total_s'] / r['floor_s']:.1f} | {r['bigram_count_s'] / r['floor_s']:.1f} |")
        print("\n(last column: CountVectorizer(ngram_range=(1, 2), stop_words='english') on the same paragraphs, "
              "the least the text policy must do, in floors)")
        by = {r["size"]: r for r in size_rows}
        if "1000x" in by and "10000x" in by:
            print(f"\n10000x / 1000x total time: {by['10000x']['total_s'] / by['1000x']['total_s']:.1f} (target <= 12)")
    if dask_rows:
        print("\n### The Dask path (helpers.scale) on a LocalCluster (median of runs)\n")
        print("| size | figures | runs | workers | chunks of rows | wall s | peak MB per worker (largest) | client peak MB | "
              "worker s per chunk |\n|---|---|---|---|---|---|---|---|---|")
        for r in dask_rows:
            print(f"| {r['size']} | {r['figures']} | {r['runs']} | {r['workers']} | {r['chunks']} x {r['chunk_rows']} | {r['seconds']:.1f} | "
                  f"{r['worker_peak_mb']:.0f} | {r['client_peak_mb']:.0f} | {r['s_per_chunk']:.2f} |")
    if nb_rows:
        # CPU time beside wall time: on a shared machine the wall-time ratio moves by tenths from
        # run to run with the other load; the CPU-time ratio is the one that shows a change.
        print("\n### Notebooks under nbval (median of runs; CPU = user + system of pytest and its kernel)\n")
        print("| notebook | nbval s | empty notebook s | ratio | nbval CPU s | empty notebook CPU s | CPU ratio |\n"
              "|---|---|---|---|---|---|---|")
        for r in nb_rows:
            print(f"| {r['notebook']} | {r['nbval_s']:.1f} | {r['empty_s']:.1f} | {r['ratio']:.2f} | "
                  f"{r['nbval_cpu_s']:.1f} | {r['empty_cpu_s']:.1f} | {r['cpu_ratio']:.2f} |")
    print(f"\nsettings: {SETTINGS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 10, 100, 1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--notebooks", action="store_true")
    parser.add_argument("--big-repeats", type=int, help="repeats at 10,000x and above (default: --repeats)")
    parser.add_argument("--dask-sizes", type=int, nargs="*", default=[], help="sizes to run helpers.scale on")
    parser.add_argument("--dask-workers", type=int, default=2)
    parser.add_argument("--chunk-rows", type=int, default=2000)
    parser.add_argument("--figure-files", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if "--dask-workers" in sys.argv:
            print(json.dumps(dask_pipeline(args.child, args.dask_workers, args.chunk_rows, args.figure_files)))
        else:
            print(json.dumps(pipeline(args.child)))
        return
    sys.path.insert(0, str(HERE))
    size_rows = bench_sizes(args.sizes, args.repeats, args.big_repeats)
    dask_rows = bench_dask(args.dask_sizes, args.repeats, args.dask_workers, args.chunk_rows, args.big_repeats)
    print_tables(size_rows, bench_notebooks(args.repeats) if args.notebooks else [], dask_rows)


if __name__ == "__main__":
    main()
