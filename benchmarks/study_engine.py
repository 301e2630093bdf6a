"""The study engine on a tracker of raw export files (issue 21): ``tx.score(study,
engine="dask")`` from the files to the Result, against the in-memory path.

The tracker: ``--rows`` respondent rows (default 1,000,000; ``--rows 10000000`` for the
issue's figure) x 30 items x 20 brands x 4 waves, customers 70% and non-customers 30% (the
latent-factor answers of ``benchmarks/run.py``: answer codes with "don't know" 99, a weight
and a region), delivered as raw parquet exports of at most ``--file-rows`` rows (default
250,000) per population x wave, as a panel delivers a tracker; built once under
``benchmarks/.cache/study_engine_<rows>`` (delete it to rebuild).

Printed:

1. the per-file ingestion ratio: one file of the tracker (250,000 rows) read and mapped by
   the per-file task (``read_file`` + ``file_rows``: answers to codes, checks) against the
   bare read of the same file (``pyarrow.parquet.read_table``; for csv, the same rows as a
   csv file against ``pandas.read_csv``);
2. ``tx.score(study, engine="dask")`` on a ``LocalCluster`` of ``--workers``
   single-threaded worker processes (default 2): wall time from the files to the Result
   (the cluster's start apart), key drivers, exclusions and reconciliation included, and
   each worker's peak resident memory;
3. when the rows fit (``--memory-rows``; default: the same rows when 1.5 KB a row fit in
   the available memory), in a child process, the in-memory path (``tx.load`` +
   ``tx.score``, ``bootstrap_exact_max = 0``): its time, its peak memory, and the largest
   difference of the two results' scores, items, reliability and drivers tables.

Nothing here is a test. Run from the repo root: ``python benchmarks/study_engine.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402
from dask_tracker import available_mb, largest_gap, peak_mb, timed_on_cluster  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
BRANDS = [f"Brand {i + 1:02d}" for i in range(20)]
WAVES = ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
BLOCK = 1_000_000
TABLES = ("scores", "items", "reliability", "drivers")
ITEM = next(iter(run.item_columns()))  # a 7-point item of the customers


def build(rows: int, file_rows: int) -> tuple[Path, float]:
    """The study spec of a tracker of ``rows`` rows in raw parquet exports."""
    folder = CACHE / f"study_engine_v4_{rows}_{file_rows}"
    study = folder / "study.toml"
    if (folder / "done").exists():
        return study, float((folder / "done").read_text())
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    run.BRANDS, run.WAVES = BRANDS, WAVES
    sources: dict[tuple[str, str], int] = {}
    for b in range(math.ceil(rows / BLOCK)):
        n = min(BLOCK, rows - b * BLOCK)
        s = run.survey(n, np.random.default_rng(run.SEED + 200 + b))
        s.insert(0, "resp_id", np.arange(b * BLOCK + 1, b * BLOCK + n + 1))
        rng = np.random.default_rng(run.SEED + 300 + b)  # what the ledger is for:
        s.loc[rng.random(n) < 0.001, ITEM] = 8  # 0.1% out of range on a 7-point item
        again = s.iloc[np.flatnonzero(rng.random(n) < 0.002)]  # 0.2% exported twice, the
        s = pd.concat([s, again], ignore_index=True)  # copy at the end: often another file
        for (pop, wave), part in s.groupby(["population", "wave"], sort=True):
            cols = ["resp_id", "brand", "weight", "region", *run.items_for(pop)]
            for at in range(0, len(part), file_rows):
                k = sources.get((pop, wave), 0)
                sources[(pop, wave)] = k + 1
                name = f"{pop}s_w{WAVES.index(wave) + 1}_{k + 1:03d}.parquet"
                part[cols].iloc[at:at + file_rows].to_parquet(folder / name, index=False)
    specs = [{"path": f"{pop}s_w{WAVES.index(wave) + 1}_*.parquet", "population": pop,
              "wave": wave} for pop, wave in sorted(sources)]
    study.write_text(run.study_toml(specs, f"Tracker {rows:,}"), encoding="utf-8")
    seconds = time.perf_counter() - start
    (folder / "done").write_text(str(seconds))
    return study, seconds


def best_of(fn, k: int) -> float:
    times = []
    for _ in range(k):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def ingestion_ratios(study_path: Path) -> list[str]:
    """The per-file task against the bare read, parquet and csv, on the first file."""
    import pyarrow.parquet as pq

    import txscore as tx
    from txscore.ingest.load import file_rows, read_file

    study = tx.read_study(study_path)
    source = study.sources[0]
    lines = []
    task = best_of(lambda: file_rows(study, source, read_file(study, source)), 3)
    bare = best_of(lambda: pq.read_table(source.path), 5)
    n = len(pd.read_parquet(source.path))
    lines.append(f"parquet, one file of {n:,} rows: per-file task {task:.3f} s, "
                 f"pyarrow.parquet.read_table {bare:.3f} s: {task / bare:.1f}x (target <= 2x)")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / source.path.with_suffix(".csv").name
        pd.read_parquet(source.path).to_csv(csv, index=False)
        csv_source = type(source)(csv, source.population, source.wave)
        task = best_of(lambda: file_rows(study, csv_source, read_file(study, csv_source)), 3)
        bare = best_of(lambda: pd.read_csv(csv), 3)
        lines.append(f"csv, the same rows: per-file task {task:.3f} s, pandas.read_csv "
                     f"{bare:.3f} s: {task / bare:.1f}x (target <= 2x)")
    return lines


def on_dask(study_path: Path, workers: int, out: Path) -> dict:
    """tx.score(study, engine="dask") on a fresh LocalCluster; tables written to ``out``."""
    import txscore as tx

    study = tx.read_study(study_path).with_settings(bootstrap_exact_max=0)
    result, fig = timed_on_cluster(workers, lambda client: tx.score(study, client=client))
    for name in TABLES:
        getattr(result, name).to_parquet(out / f"dask_{name}.parquet")
    result.exclusions.astype(str).to_parquet(out / "dask_exclusions.parquet")
    return {**fig, "rows": result.meta.rows, "excluded": len(result.exclusions)}


def child_memory(study_path: str, out: str) -> None:
    """(In a child process) the in-memory path: tx.load, then tx.score."""
    import txscore as tx

    warnings.simplefilter("ignore")
    study = tx.read_study(study_path).with_settings(bootstrap_exact_max=0)
    start = time.perf_counter()
    responses = tx.load(study)
    read = time.perf_counter() - start
    result = tx.score(responses)
    seconds = time.perf_counter() - start
    for name in TABLES:
        getattr(result, name).to_parquet(Path(out) / f"memory_{name}.parquet")
    result.exclusions.astype(str).to_parquet(Path(out) / "memory_exclusions.parquet")
    print(json.dumps({"read": read, "seconds": seconds, "peak_mb": peak_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file-rows", type=int, default=250_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-rows", type=int, default=None)
    parser.add_argument("--child-memory", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        child_memory(*args.child_memory)
        return
    study, built = build(args.rows, args.file_rows)
    print(f"tracker: {args.rows:,} rows x 30 items x {len(BRANDS)} brands x {len(WAVES)} "
          f"waves, both populations, raw parquet exports of <= {args.file_rows:,} rows "
          f"(built in {built:.1f} s, cached: {study.parent})", flush=True)
    for line in ingestion_ratios(study):
        print(line, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        fig = on_dask(study, args.workers, out)
        peaks = ", ".join(f"{p:,.0f}" for p in fig["peaks"])
        print(f"tx.score(study, engine='dask'), files to Result, LocalCluster of "
              f"{args.workers} workers: {fig['seconds']:.1f} s (target < 60 s at 10M); peak "
              f"memory per worker {peaks} MB (after start "
              f"{', '.join(f'{p:,.0f}' for p in fig['start_mb'])} MB; target < 2,048 MB); "
              f"{fig['rows']:,} rows scored, {fig['excluded']:,} in the ledger", flush=True)
        rows = args.memory_rows
        if rows is None:
            rows = args.rows if args.rows * 1536 / 2**20 < available_mb() else 0
        if rows != args.rows:
            print("in-memory path: not run at this size")
            return
        cmd = [sys.executable, __file__, "--child-memory", str(study), tmp]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"in-memory path at {rows:,} rows failed:\n{done.stderr[-2000:]}")
            return
        mem = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"in memory (tx.load + tx.score), {rows:,} rows: {mem['seconds']:.1f} s "
              f"(load {mem['read']:.1f} s), peak {mem['peak_mb']:,.0f} MB in one process",
              flush=True)
        print(f"largest difference of the scores, items, reliability and drivers values: "
              f"{largest_gap(out, TABLES):.2e} (target <= 1e-9)")
        same = pd.read_parquet(out / "memory_exclusions.parquet").equals(
            pd.read_parquet(out / "dask_exclusions.parquet"))
        print(f"the ledgers: {'the same rows in the same order' if same else 'DIFFER'} "
              f"({fig['excluded']:,} rows)")


if __name__ == "__main__":
    main()
