"""Same pins, same results on every CPU: notebook 03's clustering results do not change under
another BLAS kernel, another SIMD level of numpy, or another thread count.

OpenBLAS picks its kernels by CPU and `OPENBLAS_CORETYPE` forces another choice; numpy's SIMD
paths are switched off by `NPY_DISABLE_CPU_FEATURES`. Together they simulate other machines on
this one (the k = 2 partition used to differ under Prescott: a different local optimum).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("cpu_probe.py")
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
BACKENDS = {
    "default": {},
    "OpenBLAS Prescott kernels": {"OPENBLAS_CORETYPE": "Prescott"},
    "OpenBLAS Sandybridge kernels": {"OPENBLAS_CORETYPE": "Sandybridge"},
    "numpy without AVX2/FMA3/AVX512F": {"NPY_DISABLE_CPU_FEATURES": "AVX2 FMA3 AVX512F"},
    # a kernel started by hand has as many threads as cores: the helpers must not depend on it
    "two threads": {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"},
}


def probe(extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES", "CORPUS_DIR")}
    env.update(ONE_THREAD)  # as `make` sets it; the "two threads" back-end overrides it
    env.update(extra)
    done = subprocess.run([sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def reference():
    return probe(BACKENDS["default"])


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "default"])
def test_clustering_results_are_the_same_under(backend, reference):
    other = probe(BACKENDS[backend])
    differ = sorted(key for key in reference if reference[key] != other[key])
    assert not differ, f"under {backend} these results differ from the default back-end: {differ}"
