"""Small measuring tools: wall time, peak memory, query counts, latency statistics."""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


@dataclass
class Run:
    seconds: float
    peak_bytes: int | None = None
    queries: int | None = None


def timed(fn: Callable[[], object], *, repeat: int = 1) -> float:
    """Best wall time of `repeat` calls (the least disturbed by the rest of the machine)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak of Python allocations while `fn` runs (tracemalloc), in bytes. Measured in a run of its
    own: tracing slows Python down, so times come from untraced runs."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(field)


def timed_with_peak_rss(fn: Callable[[], object]) -> tuple[float, int | None]:
    """Wall time and the growth of the process's peak resident memory while `fn` runs (Linux:
    the high-water mark is reset through /proc/self/clear_refs first). One untraced run gives
    both, where tracemalloc would double the time of a 100,000-row export."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        before = _status_kib("VmRSS")
    except OSError:
        before = None
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    if before is None:
        return seconds, None
    return seconds, max(0, _status_kib("VmHWM") - before) * 1024


def query_count(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    count = len(captured.captured_queries)
    reset_queries()
    return count


def measure(fn: Callable[[], object], *, repeat: int = 1) -> Run:
    """Time (best of `repeat` untraced runs), then peak memory and queries from one more run
    (the query log of a few dozen queries is noise beside the peak)."""
    seconds = timed(fn, repeat=repeat)
    queries = []
    peak = peak_memory(lambda: queries.append(query_count(fn)))
    return Run(seconds=seconds, peak_bytes=peak, queries=queries[0])


def latencies(fn: Callable[[], object], *, requests: int, warmup: int = 2) -> dict:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return summary(samples)


def interleaved(fns: dict[str, Callable[[], object]], *, requests: int, warmup: int = 2) -> dict[str, dict]:
    """Latencies of several calls taken in turn (a, b, a, b, ...), so a busy spell of the machine
    slows each alike and the ratio of their medians holds (the machine is shared)."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(requests):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: summary(values) for name, values in samples.items()}


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "requests": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000, 2),
    }


@contextmanager
def stopwatch():
    box = {}
    start = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - start
