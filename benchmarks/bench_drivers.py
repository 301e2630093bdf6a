"""Timings of txscore.stats.drivers on a survey-sized problem: 10 drivers x 20,000 respondents.

Run from the repository root: ``python benchmarks/bench_drivers.py``.  Each figure is the
best of three runs and includes building the weighted covariance matrix from the data.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import best_of  # noqa: E402

from txscore.stats.drivers import driver_importance  # noqa: E402

N, P, N_BOOT = 20_000, 10, 2_000


def make_data(seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(N, 1))
    X = 0.6 * common + 0.8 * rng.normal(size=(N, P))  # drivers correlated ~.36, like CX items
    names = [f"driver_{j + 1}" for j in range(P)]
    df = pd.DataFrame(X, columns=names)
    df["loyalty"] = X @ np.linspace(0.5, 0.05, P) + rng.normal(size=N)
    df["weight"] = rng.uniform(0.5, 2.0, size=N)
    return df, names


def main() -> None:
    df, names = make_data()
    warnings.simplefilter("ignore")
    cases = [
        ("Shapley", "shapley", 0, "target < 1 s", 3),
        ("Relative weights", "relative_weights", 0, "target < 1 s", 3),
        (f"Relative weights + bootstrap ({N_BOOT:,} resamples)", "relative_weights", N_BOOT,
         "no target set", 3),
        (f"Shapley + bootstrap ({N_BOOT:,} resamples)", "shapley", N_BOOT, "no target set", 1),
    ]
    for label, method, n_boot, target, repeats in cases:
        seconds = best_of(lambda m=method, b=n_boot: driver_importance(
            df, "loyalty", names, weights="weight", method=m, n_boot=b), repeats)
        print(f"{label}, {P} drivers x {N:,} respondents: {seconds:.3f} s ({target})")


if __name__ == "__main__":
    main()
