"""Independent tasks (here: draw one chart and write its file) in worker processes while
the calling process does other work (here: the workbook).

:class:`TaskRun` starts workers with ``fork``, so that nothing is pickled and the work
starts at once, while the calling process goes on and collects the outcome with
:meth:`TaskRun.finish`. Where ``fork`` is unavailable or unsafe (Windows, macOS, a process
running other threads) or there is a single CPU, the tasks run in the calling process, in
order, when :meth:`TaskRun.finish` is called, with the objects that existed before left
out of garbage collections (:func:`heap_frozen`: after scoring, one full collection costs a
chart ~0.1 s). The outputs do not depend on which process ran a task.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import Any

from txscore.errors import TxscoreWarning

__all__ = ["MAX_WORKERS", "STALL_SECONDS", "TaskRun", "available_cpus", "can_fork",
           "heap_frozen"]

#: at most this many chart worker processes (each holds a copy of matplotlib's state)
MAX_WORKERS = 8
#: a worker silent for this long is taken as stuck (a chart takes well under a second)
STALL_SECONDS = 120


@contextlib.contextmanager
def heap_frozen() -> Iterator[None]:
    """Leave the objects that exist now out of the garbage collections run in the block.

    A full collection scans every tracked object: after scoring a study there are some
    10^5 of them, and one such collection, landing on whichever chart is being drawn,
    costs it ~0.1 s. The objects created in the block are collected as usual, and those
    that existed before are collectable again afterwards (``gc.unfreeze``). Nothing changes
    where collection is off or the application froze its own objects already.

    Examples
    --------
    >>> with heap_frozen():
    ...     pass
    >>> gc.get_freeze_count()
    0
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes can be started with ``fork`` safely here.

    Only on Linux-like systems (macOS system libraries do not survive a fork), only from a
    process running no other Python thread (a lock held by one would stay locked in the
    child: notebooks, servers) and not from a daemonic worker process (which may not have
    children).
    """
    return (sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1
            and not multiprocessing.current_process().daemon)


class _Stop(BaseException):
    """Raised in a worker by SIGTERM during a task (not an ``Exception``: no task may catch
    it), so that the task's clean-up runs and a half-written file is removed."""


_in_task = False  # in a worker: a task is running (and may have a temporary file)


def _on_sigterm(_signum: int, _frame: Any) -> None:
    if _in_task:
        raise _Stop
    os._exit(1)  # between tasks nothing is half-done: leave at once, quietly


class _WorkerTraceback(Exception):
    """The traceback of an exception raised in a worker process (its ``__cause__``)."""


class TaskRun:
    """Run named tasks in forked worker processes while the caller does something else.

    Parameters
    ----------
    tasks : sequence of (str, callable)
        A name (for messages) and a function of no argument, per task. Tasks must be
        independent and may run in any process, in any order, or twice; a task that writes
        a file must remove its temporary file when interrupted (any ``BaseException``).
    workers : int
        Worker processes to start (capped at the number of tasks and :data:`MAX_WORKERS`);
        0 or 1, or no safe ``fork`` (:func:`can_fork`), runs every task in the calling
        process, in order, in :meth:`finish`.
    cleanup : callable, optional
        Called when a worker was stopped or died, to remove what it may have left half-done
        (e.g. temporary files).

    Notes
    -----
    Workers take the next task from a shared counter, so the tasks should be ordered
    longest first. Warnings raised by a task are recorded in the worker and raised again
    in the calling process by :meth:`finish`, in task order. The first task that fails
    stops the run: the other workers finish the task in hand and take no other, and
    :meth:`finish` raises the exception (with the worker's traceback as ``__cause__``).
    Workers ignore Ctrl-C (SIGINT): the calling process receives it too and stops them with
    SIGTERM (:meth:`abort`, also called when the ``with`` block ends with an exception).
    Tasks that no worker completed (a worker killed from outside, or workers silent for
    :data:`STALL_SECONDS`, which are then stopped) run in the calling process.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> tasks = [(f"t{i}", lambda i=i: (folder / f"{i}.txt").write_text(str(i * i)))
    ...          for i in range(4)]
    >>> with TaskRun(tasks, workers=2) as run:
    ...     pass  # the calling process is free meanwhile
    >>> sorted(p.read_text() for p in folder.iterdir())
    ['0', '1', '4', '9']
    """

    def __init__(self, tasks: Sequence[tuple[str, Callable[[], object]]], *, workers: int,
                 cleanup: Callable[[], None] | None = None) -> None:
        self.tasks = list(tasks)
        self.workers = min(workers, len(self.tasks), MAX_WORKERS)
        self.cleanup = cleanup
        self._procs: list[tuple[Any, Connection]] = []
        self._counter: Any = None
        self._finished = False

    # -------------------------------------------------------------- calling process
    def start(self) -> TaskRun:
        """Start the worker processes (nothing happens when running in this process)."""
        if self._procs or self._finished or self.workers < 2 or not can_fork():
            return self
        ctx = multiprocessing.get_context("fork")
        self._counter = ctx.Value("i", 0)
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns on any fork from a process with OS threads; the only
                # ones here are native pools (BLAS, Arrow) with fork handlers; no Python
                # thread runs (can_fork), and a stuck worker is stopped (STALL_SECONDS).
                warnings.filterwarnings("ignore", ".*fork.* may lead to deadlocks",
                                        DeprecationWarning)
                for k in range(self.workers):
                    receive, send = ctx.Pipe(duplex=False)
                    proc = ctx.Process(target=self._work, args=(send,),
                                       name=f"txscore-{k}", daemon=True)
                    proc.start()
                    send.close()  # the worker holds the only write end: EOF when it exits
                    self._procs.append((proc, receive))
        except BaseException:
            self.abort()
            raise
        return self

    def finish(self) -> None:
        """Wait for the workers; run what is left here; re-raise warnings and the first error.

        Without workers, this runs every task, in order, in the calling process.
        """
        if self._finished:
            return
        self._finished = True
        done: dict[int, list[tuple]] = {}
        failure: tuple | None = None
        pending = {conn: proc for proc, conn in self._procs}
        try:
            while pending:
                ready = wait(list(pending), timeout=STALL_SECONDS)
                if not ready:  # stuck workers: stop them, the tasks left run here
                    warnings.warn(f"Chart worker processes were silent for {STALL_SECONDS} s "
                                  "and were stopped; the remaining tasks run in this "
                                  "process.", TxscoreWarning, stacklevel=2)
                    break
                for conn in ready:
                    try:
                        kind, i, *rest = conn.recv()
                    except EOFError:
                        del pending[conn]
                        continue
                    if kind == "done":
                        done[i] = rest[0]
                    elif failure is None:
                        failure = (i, *rest)
                        self._close_counter()  # the others finish their task and stop
        finally:
            self._stop_workers()  # joins them; stops any still running (error, Ctrl-C)
        for i in sorted(done):
            for message, category, filename, lineno in done[i]:
                warnings.warn_explicit(message, category, filename, lineno)
        if failure is not None:
            self._raise(*failure)
        with heap_frozen():
            for i, (_, task) in enumerate(self.tasks):  # no workers, or one was stopped
                if i not in done:
                    task()

    def abort(self) -> None:
        """Stop the workers (SIGTERM: their tasks remove temporary files) and wait for them."""
        self._finished = True
        self._stop_workers()

    def _stop_workers(self) -> None:
        """Join the workers, stopping those still running; clean up after abnormal ends."""
        if not self._procs:
            return
        self._close_counter()
        for proc, _ in self._procs:
            if proc.is_alive():
                proc.terminate()
        abnormal = False
        for proc, conn in self._procs:
            proc.join(timeout=10)
            if proc.exitcode is None:  # not even SIGTERM: no clean-up possible
                proc.kill()
                proc.join()
            conn.close()
            abnormal |= proc.exitcode != 0
        self._procs = []
        if abnormal and self.cleanup is not None:
            self.cleanup()

    def _close_counter(self) -> None:
        """No new task for any worker."""
        if self._counter is None:
            return
        lock = self._counter.get_lock()
        got = lock.acquire(timeout=5)  # not held by a worker killed from outside
        try:
            self._counter.get_obj().value = len(self.tasks)
        finally:
            if got:
                lock.release()

    def _raise(self, i: int, payload: bytes | None, text: str) -> None:
        name = self.tasks[i][0]
        try:
            exc = pickle.loads(payload) if payload is not None else None
        except Exception:  # an exception class that cannot be rebuilt here
            exc = None
        if not isinstance(exc, BaseException):
            exc = RuntimeError(f"{name} failed in a worker process:\n{text}")
        raise exc from _WorkerTraceback(f"in a worker process, task {name}:\n{text}")

    def __enter__(self) -> TaskRun:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.finish()
        else:
            self.abort()

    # -------------------------------------------------------------- worker process
    def _next(self) -> int | None:
        lock = self._counter.get_lock()
        if not lock.acquire(timeout=30):  # held by a worker killed from outside: stop
            return None
        try:
            i = self._counter.get_obj().value
            if i >= len(self.tasks):
                return None
            self._counter.get_obj().value = i + 1
            return i
        finally:
            lock.release()

    def _work(self, conn: Connection) -> None:
        """The worker's loop (in the forked process)."""
        global _in_task
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent gets Ctrl-C and stops us
        signal.signal(signal.SIGTERM, _on_sigterm)
        gc.freeze()  # never scan (and so copy) the objects inherited from the parent
        try:
            while (i := self._next()) is not None:
                with warnings.catch_warnings(record=True) as caught:
                    _in_task = True
                    try:
                        self.tasks[i][1]()
                    except Exception as exc:
                        _in_task = False
                        conn.send(("error", i, _portable(exc), traceback.format_exc()))
                        return
                    finally:
                        _in_task = False
                conn.send(("done", i, [(str(w.message), w.category, w.filename, w.lineno)
                                       for w in caught]))
        except _Stop:  # stopped by the parent; the task has cleaned up
            os._exit(1)
        finally:
            conn.close()


def _portable(exc: BaseException) -> bytes | None:
    """The pickled exception, or None when it cannot travel between processes."""
    try:
        payload = pickle.dumps(exc)
        pickle.loads(payload)
    except Exception:
        return None
    return payload
