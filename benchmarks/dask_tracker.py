"""The Dask executor on a generated tracker (issue 21): wall time, memory per worker, and the
in-memory path at the same size.

The tracker: ``--rows`` respondent rows (default 1,000,000; ``--rows 10000000`` for the
issue's figure) x 30 items x 20 brands x 4 waves, customers 70% and non-customers 30%
(the latent-factor answers of ``benchmarks/run.py``), in the layout of ``Responses.data``
as a parquet dataset hive-partitioned by wave (files of at most 250,000 rows), built once
under ``benchmarks/.cache/dask_tracker_<rows>`` (delete it to rebuild).

Printed: the build time; :func:`txscore.scoring.dask_engine.score_dask` on a
``LocalCluster`` of ``--workers`` single-threaded worker processes (default 2): wall time
(the cluster's start apart) and each worker's peak resident memory (VmHWM); then, in a
child process, the in-memory path (``pandas.read_parquet`` + :func:`txscore.score` without
key drivers, ``bootstrap_exact_max = 0``) when the data fit (``--memory-rows``, default the
same rows when this machine's memory allows): its time, its peak memory, and the largest
difference of the two results' scores, items and reliability tables. Nothing here is a
test. Run from the repo root: ``python benchmarks/dask_tracker.py [--rows N]``.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run.py: the tracker's generator
import run  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
BRANDS = [f"Brand {i + 1:02d}" for i in range(20)]
WAVES = ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
BLOCK = 1_000_000  # rows generated at a time
TABLES = ("scores", "items", "reliability")


def build(rows: int) -> tuple[Path, Path, float]:
    """The study spec and the wave-partitioned dataset of a tracker of ``rows`` rows."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    folder = CACHE / f"dask_tracker_{rows}"
    study, dataset = folder / "study.toml", folder / "dataset"
    if (folder / "done").exists():
        return study, dataset, float((folder / "done").read_text())
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    run.BRANDS, run.WAVES = BRANDS, WAVES  # the generator's brands and waves
    sources = [{"path": f"{pop}s_w{w + 1}.parquet", "population": pop, "wave": wave}
               for pop in ("customer", "non_customer") for w, wave in enumerate(WAVES)]
    study.write_text(run.study_toml(sources, f"Dask tracker {rows:,}"), encoding="utf-8")
    for b in range(math.ceil(rows / BLOCK)):
        n = min(BLOCK, rows - b * BLOCK)
        s = run.survey(n, np.random.default_rng(run.SEED + 100 + b))
        s.insert(0, "resp_id", np.arange(b * BLOCK + 1, b * BLOCK + n + 1))
        table = pa.Table.from_pandas(run.responses_layout(s, "tracker.parquet"),
                                     preserve_index=False)
        ds.write_dataset(table, dataset, format="parquet", partitioning=["wave"],
                         partitioning_flavor="hive", basename_template=f"block{b}-{{i}}.parquet",
                         max_rows_per_file=250_000, max_rows_per_group=125_000,
                         existing_data_behavior="overwrite_or_ignore")
    seconds = time.perf_counter() - start
    (folder / "done").write_text(str(seconds))
    return study, dataset, seconds


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), MB."""
    with open("/proc/self/status", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed_on_cluster(workers: int, run) -> tuple[object, dict]:
    """``run(client)`` on a fresh LocalCluster of ``workers`` (txscore's, with its workers'
    environment), warnings silenced: its value, and the figures (seconds, each worker's
    memory after start and at its peak, MB)."""
    import distributed

    from txscore.scoring.dask_engine import local_cluster

    with local_cluster(workers) as cluster, distributed.Client(cluster) as client:
        base = client.run(peak_mb)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = run(client)
        seconds = time.perf_counter() - start
        peaks = client.run(peak_mb)
    return value, {"seconds": seconds, "peaks": list(peaks.values()),
                   "start_mb": list(base.values())}


def on_dask(study_path: Path, dataset: Path, workers: int, out: Path) -> dict:
    """score_dask on a fresh LocalCluster; the tables written to ``out``."""
    import txscore as tx
    from txscore.scoring.dask_engine import score_dask

    study = tx.read_study(study_path).with_settings(bootstrap_exact_max=0)
    result, fig = timed_on_cluster(workers, lambda client: score_dask(
        study, dataset, client=client, progress=False))
    for name in TABLES:
        getattr(result, name).to_parquet(out / f"dask_{name}.parquet")
    return {**fig, "rows": result.meta.rows}


def child_memory(study_path: str, dataset: str, out: str) -> None:
    """(In a child process) the in-memory path: read the dataset, tx.score, no drivers."""
    import txscore as tx
    import txscore.scoring.pipeline as pipeline
    from txscore.responses import Responses

    warnings.simplefilter("ignore")
    pipeline.standard_drivers = lambda responses: pd.DataFrame()  # the Dask path has none yet
    study = tx.read_study(study_path).with_settings(bootstrap_exact_max=0)
    start = time.perf_counter()
    data = pd.read_parquet(dataset)
    data["wave"] = data["wave"].astype("str")
    read = time.perf_counter() - start
    result = tx.score(Responses(study, data, pd.DataFrame(), pd.DataFrame()))
    seconds = time.perf_counter() - start
    for name in TABLES:
        getattr(result, name).to_parquet(Path(out) / f"memory_{name}.parquet")
    print(json.dumps({"read": read, "seconds": seconds, "peak_mb": peak_mb()}))


def largest_gap(out: Path, tables: tuple[str, ...] = TABLES) -> float:
    """The largest difference of the two paths' numbers, relative or absolute (the
    smaller), over the scores, items and reliability tables."""
    worst = 0.0
    for name in tables:
        a = pd.read_parquet(out / f"memory_{name}.parquet")
        b = pd.read_parquet(out / f"dask_{name}.parquet")
        num = a.select_dtypes("number").columns
        x, y = a[num].to_numpy(float), b[num].to_numpy(float)
        if a.shape != b.shape or (np.isnan(x) != np.isnan(y)).any():
            return float("inf")
        gap = np.abs(np.nan_to_num(x) - np.nan_to_num(y)) / np.maximum(1.0, np.abs(
            np.nan_to_num(x)))
        worst = max(worst, float(gap.max(initial=0.0)))
    return worst


def available_mb() -> float:
    with open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-rows", type=int, default=None,
                        help="rows of the in-memory comparison (0: none; default --rows "
                             "when about 2 KB a row fit in the available memory)")
    parser.add_argument("--child-memory", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        child_memory(*args.child_memory)
        return
    study, dataset, built = build(args.rows)
    print(f"tracker: {args.rows:,} rows x 30 items x {len(BRANDS)} brands x {len(WAVES)} "
          f"waves, both populations (built in {built:.1f} s, cached: {dataset})", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        fig = on_dask(study, dataset, args.workers, out)
        peaks = ", ".join(f"{p:,.0f}" for p in fig["peaks"])
        print(f"score_dask, LocalCluster of {args.workers} workers: {fig['seconds']:.1f} s "
              f"(target < 60 s at 10M); peak memory per worker {peaks} MB (after start "
              f"{', '.join(f'{p:,.0f}' for p in fig['start_mb'])} MB; target < 2,048 MB)",
              flush=True)
        rows = args.memory_rows
        if rows is None:
            rows = args.rows if args.rows * 2048 / 2**20 < available_mb() else 0
        if rows != args.rows:
            print("in-memory path: not run at this size (--memory-rows gives the size; its "
                  "data must be the same tracker)")
            return
        cmd = [sys.executable, __file__, "--child-memory", str(study), str(dataset), tmp]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"in-memory path at {rows:,} rows failed:\n{done.stderr[-2000:]}")
            return
        mem = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"in memory (read_parquet + tx.score, no drivers), {rows:,} rows: "
              f"{mem['seconds']:.1f} s (read {mem['read']:.1f} s), peak {mem['peak_mb']:,.0f} "
              f"MB in one process", flush=True)
        print(f"largest difference of the scores, items and reliability values: "
              f"{largest_gap(out):.2e} (target <= 1e-9)")


if __name__ == "__main__":
    main()
