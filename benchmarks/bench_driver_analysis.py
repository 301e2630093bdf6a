"""Timings of the standard key-driver analyses on the sample study (~12,400 rows).

``standard_drivers`` runs CX dimensions on loyalty (customers) and BX pillars on purchase
preference (customers, non-customers), per wave, with 2,000 bootstrap resamples each; the
item-level analysis is timed too.  Each figure is the best of five runs after one warm-up,
from loaded responses (loading is timed by bench_pipeline.py).  Run from the repo root:
    python benchmarks/bench_driver_analysis.py
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import txscore as tx  # noqa: E402
from txscore.driver_analysis import standard_drivers  # noqa: E402

SPEC = Path(__file__).resolve().parents[1] / "surveys" / "sample" / "study.toml"
N_BOOT = 2_000


def best_of(fn, repeat: int = 5) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def row(label: str, seconds: float, target: float | None) -> None:
    verdict = "" if target is None else ("met" if seconds < target else "NOT MET")
    goal = "no target" if target is None else f"target < {target:g} s"
    print(f"{label:<62} {seconds:7.3f} s   ({goal}) {verdict}")


def main() -> None:
    warnings.simplefilter("ignore")
    responses = tx.load(tx.read_study(SPEC))
    print(f"sample study: {len(responses.data):,} rows")
    cases = [
        (f"standard_drivers, 3 analyses x 2 waves, {N_BOOT:,} resamples", {}, 1.0),
        (f"standard_drivers, + items_loyalty, {N_BOOT:,} resamples", {"items": True}, None),
        (f"standard_drivers, method='shapley', {N_BOOT:,} resamples", {"method": "shapley"},
         None),
        ("standard_drivers, point estimates only (n_boot=0)", {"n_boot": 0}, None),
    ]
    for label, options, target in cases:
        options = {"n_boot": N_BOOT, **options}
        seconds = best_of(lambda o=options: standard_drivers(responses, **o))
        row(label, seconds, target)

if __name__ == "__main__":
    main()
