"""Timing helpers shared by the benchmark scripts.

The scripts are run from the repository root as ``python benchmarks/<script>.py``, which
puts this folder on ``sys.path``: ``from timing import best_of, row``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_with_result(fn: Callable[[], Any], repeat: int = 3, *,
                     warm: bool = False) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls of ``fn`` (after one untimed call if ``warm``),
    and the last call's result.

    >>> seconds, value = best_with_result(lambda: 2 + 2, 2)
    >>> seconds >= 0, value
    (True, 4)
    """
    if warm:
        fn()  # imports, caches
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def best_of(fn: Callable[[], Any], repeat: int = 3, *, warm: bool = False) -> float:
    """Best wall time of ``repeat`` calls of ``fn`` (after one untimed call if ``warm``)."""
    return best_with_result(fn, repeat, warm=warm)[0]


def row(label: str, seconds: float, target: float | None, width: int = 60) -> None:
    """Print one figure with its target (``seconds < target``) and whether it is met."""
    verdict = "" if target is None else ("met" if seconds < target else "NOT MET")
    goal = "no target" if target is None else f"target < {target:g} s"
    print(f"{label:<{width}} {seconds:8.3f} s   ({goal}) {verdict}")
