"""What the Dask tests share: every value of two results compared, and a worker killed in
the middle of a run."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pandas as pd

import txscore as tx
from txscore.errors import InputDataError
from txscore.scoring.dask_engine import local_cluster as txscore_cluster

TABLES = ("scores", "items", "reliability", "distributions", "changes", "grid",
          "reliability_items", "reliability_waves", "cx_weights", "bx_weights", "drivers")


def same_tables(expected: tx.Result, got: tx.Result, tables: Sequence[str] = TABLES) -> None:
    """Every value equal: numbers to 1e-9 (relative or absolute), NaN where NaN, text."""
    for name in tables:
        a, b = getattr(expected, name), getattr(got, name)
        assert a.shape == b.shape and list(a.columns) == list(b.columns), name
        num = a.select_dtypes("number").columns
        x, y = a[num].to_numpy(float), b[num].to_numpy(float)
        assert (np.isnan(x) == np.isnan(y)).all(), name
        gap = np.abs(np.nan_to_num(x) - np.nan_to_num(y)) / np.maximum(1.0, np.abs(
            np.nan_to_num(x)))
        assert gap.max(initial=0.0) <= 1e-9, (name, float(gap.max()))
        rest = [c for c in a.columns if c not in num]
        pd.testing.assert_frame_equal(a[rest].astype(str), b[rest].astype(str), obj=name)


@contextlib.contextmanager
def local_cluster() -> Iterator:
    """A client of a fresh LocalCluster of 2 single-threaded worker processes."""
    import distributed

    with txscore_cluster(2) as cluster, distributed.Client(cluster) as client:
        yield client


def kill_a_worker_during(keys: Sequence[str],
                         run: Callable[[object], tx.Result]) -> tx.Result | InputDataError:
    """``run(client)`` on a fresh LocalCluster of 2 worker processes, one of which is
    killed (SIGKILL) as soon as a task whose key holds one of ``keys`` is processing; the
    result, or the txscore error. Fails when the run ended before the kill."""
    with local_cluster() as c:
        victim = next(iter(c.run(os.getpid).values()))
        killed, done = threading.Event(), threading.Event()

        def killer() -> None:
            while not done.is_set():
                busy = [str(k) for ks in c.processing().values() for k in ks]
                if any(key in k for key in keys for k in busy):
                    os.kill(victim, signal.SIGKILL)
                    killed.set()
                    return
                time.sleep(0.002)

        thread = threading.Thread(target=killer)
        thread.start()
        try:
            outcome: tx.Result | InputDataError = run(c)
        except InputDataError as err:
            outcome = err
        finally:
            done.set()
            thread.join()
    assert killed.is_set(), "the run ended before a worker could be killed"
    return outcome
