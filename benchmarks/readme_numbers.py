"""The numbers the README's Performance prose quotes, computed from one `make bench` output, so
that none is worked out by hand: `make bench 2>&1 | tee bench.txt`, then
`python benchmarks/readme_numbers.py bench.txt`. It reads the "measured ..." lines the bench
writes to stderr (one JSON row per size and per Dask run) and prints the ratios, the stages in
floors, the growth, the memory and time lines through 1,000x and 10,000x, and the Dask estimates
(five million documents = 2,500 chunks of 2,000 rows, 60 workers, the largest worker taken to
hold 2 of 3 chunks at 1,000x and 13 of 25 at 10,000x)."""
from __future__ import annotations

import json
import re
import sys

from run import STAGES  # benchmarks/run.py, beside this file

# The partial_fit chain of helpers.scale, measured alone on 3 chunks of the 10,000x corpus in the
# round of a0128f6, not by the bench, and the 10,000x floor of that round's full run: the chain is
# quoted as measured and scaled like the floor of the run read here.
CHAIN_S, CHAIN_FLOOR_S = 0.15, 10.121


def read(lines) -> tuple[dict, dict]:
    sizes, dask = {}, {}
    for line in lines:
        if m := re.match(r"\s+measured (\d+x) \(\d+ runs\): (.*)$", line):
            sizes[m.group(1)] = json.loads(m.group(2))
        elif m := re.match(r"\s+measured the Dask path at (\d+x), figures (.*?) \(\d+ runs\): (.*)$", line):
            dask[(m.group(1), m.group(2))] = json.loads(m.group(3))
    return sizes, dask


def numbers(sizes: dict, dask: dict) -> list[str]:
    out = []
    for size in ("1000x", "10000x"):
        r = sizes[size]
        floors = ", ".join(f"{s} {r[s][0] / r['floor_s']:.2f}" for s in STAGES)
        out.append(f"{size}: ratio {r['ratio']:.1f}, total {r['total_s']:.1f} s, floor {r['floor_s']:.3f} s, "
                   f"peak {r['peak_MB']:.0f} MB, tree peak {r['tree_peak_MB']:.0f} MB; in floors: {floors}; "
                   f"1-2-gram reference {r['bigram_count_s'] / r['floor_s']:.2f}")
    a, b = sizes["1000x"], sizes["10000x"]
    per_k = 1000 / (b["docs"] - a["docs"])
    out.append(f"growth 10,000x / 1,000x: {b['total_s'] / a['total_s']:.2f}; time {(b['total_s'] - a['total_s']) * per_k:.2f} s "
               "per 1,000 documents")
    for name, pa, pb in [("peak", a["peak_MB"], b["peak_MB"]), ("keyness stage peak", a["keyness"][1], b["keyness"][1])]:
        slope = (pb - pa) * per_k
        base = pa - slope * a["docs"] / 1000
        out.append(f"{name}: {slope:.1f} MB per 1,000 documents above {base:.0f} MB; 16 GB at "
                   f"{(16_000 - base) / slope * 1000:,.0f} documents; 100,000 documents {base + 100 * slope:,.0f} MB")
    if all((size, figures) in dask for size in ("1000x", "10000x") for figures in ("gathered", "to files")):
        per_chunk = [d["s_per_chunk"] for d in dask.values()]
        lo, hi = min(per_chunk), max(per_chunk)
        out.append(f"Dask: {lo:.2f}-{hi:.2f} worker-s per chunk; 2,500 chunks {2500 * lo:,.0f}-{2500 * hi:,.0f} worker-s, "
                   f"{2500 * lo / 60 / 60:.1f}-{2500 * hi / 60 / 60:.1f} min on 60 workers")
        for name, chain in [("as measured", CHAIN_S), ("scaled like the floor", CHAIN_S * b["floor_s"] / CHAIN_FLOOR_S)]:
            whole = 2500 * chain
            out.append(f"  partial_fit chain {name}: {chain:.3f} s per chunk, {whole / 60:.1f} min for 2,500 chunks; with the "
                       f"chunks on 60 workers {(2500 * lo / 60 + whole) / 60:.1f}-{(2500 * hi / 60 + whole) / 60:.1f} min; "
                       f"the larger part beyond {2500 * lo / whole:.0f}-{2500 * hi / whole:.0f} workers")
        for figures in ("to files", "gathered"):
            w1, w2 = dask[("1000x", figures)]["worker_peak_mb"], dask[("10000x", figures)]["worker_peak_mb"]
            per = (w2 - w1) / (13 - 2)
            c1, c2 = dask[("1000x", figures)]["client_peak_mb"], dask[("10000x", figures)]["client_peak_mb"]
            client = (c2 - c1) * per_k
            out.append(f"Dask, figures {figures}: worker {per:.1f} MB per chunk above {w1 - 2 * per:.0f} MB, "
                       f"{w1 - 2 * per + 42 * per:,.0f} MB with 42 chunks; client {client:.2f} MB per 1,000 documents above "
                       f"{c1 - client * a['docs'] / 1000:.0f} MB, {(c1 + client * (5_000_000 - a['docs']) / 1000) / 1000:.1f} GB "
                       "at five million documents")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/readme_numbers.py BENCH_OUTPUT (make bench 2>&1 | tee BENCH_OUTPUT)")
    with open(sys.argv[1], encoding="utf-8") as f:
        sizes, dask = read(f)
    if not {"1000x", "10000x"} <= sizes.keys():
        sys.exit(f"{sys.argv[1]}: no 'measured 1000x' and 'measured 10000x' lines; run the full make bench and save its output")
    print("\n".join(numbers(sizes, dask)))
