"""Per-document work on every core, with the same results, in the same order, as a plain loop.

`map_ordered(fn, items)` is `[fn(x) for x in items]`; on a large input (at least `min_items`) and
a machine with more than one core it runs in a pool of forked processes, in chunks, and returns
the results in input order, so nothing downstream can tell the difference. Small inputs (every
notebook on the real corpus) never start a pool: starting one costs more than it saves there.

The number of processes is $HELPERS_WORKERS when set (1 switches the pool off), else the
number of cores this process may use. Each worker runs single-threaded code (regexes, dicts), so
the results do not depend on the number of workers.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from functools import partial

MIN_ITEMS = 500  # below this, one process: a pool's start-up (~50 ms a worker) would dominate


def workers() -> int:
    """Processes to use: $HELPERS_WORKERS, else the cores available to this process."""
    env = os.environ.get("HELPERS_WORKERS", "").strip()
    if env:
        if not env.isdigit() or int(env) < 1:
            raise ValueError(f"HELPERS_WORKERS={env!r}: give a whole number of processes, 1 or more.")
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _may_fork() -> bool:
    """Only the main thread of a process that may have children forks a pool: a Dask worker
    (helpers.scale) runs tasks in threads of a daemonic process, and is itself one of a pool."""
    return ("fork" in mp.get_all_start_methods() and not mp.current_process().daemon
            and threading.current_thread() is threading.main_thread())


def pool_possible() -> bool:
    """Whether map_ordered and map_chunks may start a pool here: more than one worker, and a process allowed to fork."""
    return workers() >= 2 and _may_fork()


def _apply(fn, chunk):
    return [fn(x) for x in chunk]


def map_chunks(fn, items, min_items: int | None = None) -> list:
    """[fn(chunk) for chunk in chunks of `items`], in order: on several processes, a few chunks per
    worker, when `items` has at least `min_items` (default MIN_ITEMS) and a pool can start; else
    one chunk holding every item, in this process. For work whose result is per chunk (a merge
    follows); `fn` as for map_ordered."""
    items = list(items)
    min_items = MIN_ITEMS if min_items is None else min_items
    if not pool_possible() or len(items) < min_items:  # a bad HELPERS_WORKERS is reported whatever the size
        return [fn(items)]
    n = workers()
    size = -(-len(items) // (4 * n))  # a few chunks per worker, so that one slow chunk cannot idle the rest
    chunks = [items[k:k + size] for k in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork")) as pool:
        return list(pool.map(fn, chunks))


def map_ordered(fn, items, min_items: int | None = None) -> list:
    """[fn(x) for x in items], on several processes when `items` has at least `min_items`
    (default MIN_ITEMS), results in order. `fn` must be a module-level function (or a partial of
    one); forked workers see the module state of the parent as it was at the call."""
    return [y for part in map_chunks(partial(_apply, fn), items, min_items) for y in part]
