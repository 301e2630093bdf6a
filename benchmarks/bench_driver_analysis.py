"""Timings of the standard key-driver analyses: the sample study, then 10k to 1M rows.

``standard_drivers`` runs CX dimensions on loyalty (customers) and BX pillars on purchase
preference (customers, non-customers), per wave, with 2,000 bootstrap resamples each; the
item-level analysis is timed too.  Each figure is the best of a few runs after one warm-up,
from loaded responses (loading is timed by bench_pipeline.py).

The sample study (~12,400 rows, brand cells of 396-610) resamples every brand exactly.  The
scale rows use the issue-8 tracker of ``benchmarks/run.py`` (8 brands x 2 waves x 2
populations, 30 items; the 1M rows are its cached ``benchmarks/.cache/tracker``, built on
first use): brand cells of more than ``[report] bootstrap_exact_max`` (2,000) respondents
draw their resample sums from the normal law, so the bootstrap's cost is flat in n; the
"exact" column forces the multinomial bootstrap in every cell (the cost before, O(n x
n_boot)).  Run from the repo root::

    python benchmarks/bench_driver_analysis.py                 # exact column up to 100k
    python benchmarks/bench_driver_analysis.py --exact-up-to 1000000   # ~2 min more
    python benchmarks/bench_driver_analysis.py --no-sample --sizes 1000000
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import best_of, row  # noqa: E402

import txscore as tx  # noqa: E402
from txscore.responses import Responses  # noqa: E402
from txscore.scoring.drivers import standard_drivers  # noqa: E402

SPEC = Path(__file__).resolve().parents[1] / "surveys" / "sample" / "study.toml"
N_BOOT = 2_000


def sample_study() -> None:
    """The sample study's analyses, as before (every brand cell resampled exactly)."""
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
        seconds = best_of(lambda o=options: standard_drivers(responses, **o), 5, warm=True)
        row(label, seconds, target)


def tracker(n: int) -> Responses:
    """n respondent rows of the issue-8 tracker in the Responses layout (1M: the cache)."""
    import run

    run.build_tracker(run.CACHE / "tracker")  # cached after the first build
    return run.bootstrap_responses(n)


def scale(sizes: list[int], exact_up_to: int) -> None:
    """Driver analysis time at each size: total, point estimates, bootstrap, exact bootstrap."""
    print(f"\nissue-8 tracker (8 brands x 2 waves, customers 70%), {N_BOOT:,} resamples; "
          "bootstrap = total - point estimates")
    print(f"{'rows':>10} {'brand cells':>15} {'total':>8} {'point':>8} {'bootstrap':>10} "
          f"{'exact bootstrap':>16}")
    for n in sizes:
        responses = tracker(n)
        cells = responses.data.groupby(["population", "wave", "brand"], observed=True).size()
        repeat = 3 if n < 1_000_000 else 2
        total = best_of(lambda r=responses: standard_drivers(r, n_boot=N_BOOT), repeat, warm=True)
        point = best_of(lambda r=responses: standard_drivers(r, n_boot=0), repeat, warm=True)
        exact = "not run"
        if n <= exact_up_to:
            study = responses.study.with_settings(bootstrap_exact_max=10**12)
            forced = Responses(study, responses.data, responses.exclusions, responses.files)
            start = time.perf_counter()
            standard_drivers(forced, n_boot=N_BOOT)  # once: up to minutes
            exact = f"{time.perf_counter() - start - point:.2f} s"
        print(f"{n:>10,} {f'{cells.min():,}-{cells.max():,}':>15} {total:>7.2f}s "
              f"{point:>7.2f}s {total - point:>9.2f}s {exact:>16}", flush=True)
        if n == 1_000_000:
            row("standard_drivers at 1M rows (2-core machine)", total, 2.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="tracker sizes to time, comma-separated")
    parser.add_argument("--exact-up-to", type=int, default=100_000,
                        help="largest size at which the exact bootstrap is timed too")
    parser.add_argument("--no-sample", action="store_true", help="skip the sample study")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if not args.no_sample:
        sample_study()
    scale([int(s) for s in args.sizes.split(",")], args.exact_up_to)


if __name__ == "__main__":
    main()
