"""Timing of raking: 100,000 respondents x 3 variables (region, age group, gender).

Run from the repository root: ``python benchmarks/bench_weighting.py``. Each figure is the
best of three runs. Target: under 0.5 s for ``rake`` with the default cap of 5, and the
same for ``apply_weighting`` on a respondent table (two populations x two waves) from a
``[weighting]`` spec.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import best_with_result  # noqa: E402

from txscore.ingest.weights import apply_weighting  # noqa: E402
from txscore.stats.weighting import rake  # noqa: E402
from txscore.study import parse_weighting  # noqa: E402

N = 100_000
TARGETS = {
    "region": {"North": 0.25, "South": 0.25, "East": 0.25, "West": 0.25},
    "age_group": {"18-34": 0.30, "35-54": 0.35, "55+": 0.35},
    "gender": {"female": 0.51, "male": 0.49},
}


def make_data(seed: int = 0) -> pd.DataFrame:
    """A sample skewed against the targets (North and the young over-represented)."""
    rng = np.random.default_rng(seed)
    region = rng.choice(list(TARGETS["region"]), N, p=[0.40, 0.30, 0.20, 0.10])
    young = np.where(region == "North", 0.55, 0.40)  # age depends on region: several sweeps
    u = rng.random(N)
    age = np.where(u < young, "18-34", np.where(u < young + 0.3, "35-54", "55+"))
    return pd.DataFrame({
        "population": np.where(rng.random(N) < 0.6, "customer", "non_customer"),
        "wave": np.where(rng.random(N) < 0.5, "W1", "W2"),
        "weight": 1.0,
        "region": region, "age_group": age,
        "gender": rng.choice(["female", "male"], N, p=[0.45, 0.55]),
    })


def main() -> None:
    data = make_data()
    seconds, res = best_with_result(lambda: rake(data, TARGETS))
    print(f"rake, 3 variables x {N:,} respondents: {seconds:.3f} s (target < 0.5 s); "
          f"{res.iterations} sweeps, max margin error {res.max_margin_error:.1e}, "
          f"deff {res.deff:.3f}")
    seconds, res = best_with_result(lambda: rake(data, TARGETS, cap=3))
    print(f"rake with a binding cap of 3: {seconds:.3f} s (target < 0.5 s); {res.iterations} "
          f"sweeps, {res.capped:,} weights at the cap, max margin error "
          f"{res.max_margin_error:.1e}")
    settings, problems = parse_weighting({"targets": {"all": TARGETS}})
    assert not problems, problems
    seconds, (weights, report) = best_with_result(lambda: apply_weighting(data, settings))
    print(f"apply_weighting, 2 populations x 2 waves, {N:,} rows: {seconds:.3f} s "
          f"(target < 0.5 s); all converged: {bool(report['converged'].all())}")


if __name__ == "__main__":
    main()
