"""Pipeline timings on the sample study (2 waves x 6 brands, ~12,400 rows).

Prints each figure with its target. Run from the repo root:
    python benchmarks/bench_pipeline.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import best_of, row

import txscore as tx
from txscore.scoring.composites import composites
from txscore.scoring.sums import CellSums, resample_sums

SPEC = Path(__file__).resolve().parents[1] / "surveys" / "sample" / "study.toml"


def main() -> None:
    study = tx.read_study(SPEC)
    responses = tx.load(study)

    def bootstrap():  # the one pass over the rows, then every composite's replicates
        acc = CellSums(study, exact_max=study.report.bootstrap_exact_max)
        acc.add(responses.data)
        sums = acc.collect()
        return composites(sums, resample_sums(sums, 2000, 1))

    row("load (read 4 xlsx, map, check)", best_of(lambda: tx.load(study)), None)
    row("sums per cell + bootstrap, 2,000 resamples, all composites", best_of(bootstrap), 1.0)
    row("score (items, bootstrap, changes, reliability)", best_of(
        lambda: tx.score(responses)), None)
    result = tx.score(responses)
    with tempfile.TemporaryDirectory() as tmp:
        row("report (workbook + 4 charts)", best_of(lambda: tx.report(result, tmp)), None)
        cmd = [sys.executable, "-m", "txscore.cli", "report", str(SPEC), "--out", tmp, "-q"]
        row("txscore report end to end (subprocess)", best_of(
            lambda: subprocess.run(cmd, check=True, capture_output=True)), 5.0)
    helps = [best_of(lambda: subprocess.run([sys.executable, "-m", "txscore.cli", "--help"],
                                            check=True, capture_output=True), 1)
             for _ in range(3)]
    row("txscore --help", statistics.median(helps), 0.3)


if __name__ == "__main__":
    main()
