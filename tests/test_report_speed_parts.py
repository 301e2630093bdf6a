"""The parts that make ``txscore report`` fast, each checked against the slow way it replaces.

* ``png.png_bytes`` (unfiltered rows, RGB when opaque) decodes to the very pixels it was
  given, with the resolution in its pHYs chunk;
* ``png.figure_png`` (one layout, one draw) gives the pixels of ``Figure.savefig`` for
  every chart of the sample, and leaves the figure as it found it;
* charts drawn by worker processes are the bytes drawn here, the workbook built while they
  are drawn is the bytes built after, and ``report`` equals charts-then-workbook;
* ``workers.TaskRun``: a worker's error and warnings reach the caller, Ctrl-C (abort) and a
  killed or stuck worker leave no temporary file and no missing output;
* the ``on_chart`` hook of ``save_charts`` (the benchmarks' timing) sees every chart.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import sys
import time
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from conftest import private_copy
from PIL import Image

import txscore as tx
import txscore.reporting.workers as workers
from txscore.errors import TxscoreError, TxscoreWarning
from txscore.reporting import report
from txscore.reporting.chartrun import CHARTS, save_charts
from txscore.reporting.excel import workbook_bytes, write_workbook
from txscore.reporting.palette import STYLE
from txscore.reporting.png import figure_png, png_bytes
from txscore.reporting.workers import TaskRun, can_fork

_FORKS = sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def needs_fork(test):
    """A test of forked chart workers: skipped where fork is unsafe, and run in a process of
    one thread (``one_thread``: under pytest-xdist, in a fresh pytest process; conftest)."""
    return pytest.mark.one_thread(pytest.mark.skipif(not _FORKS, reason="worker processes "
                                                     "need fork")(test))


@pytest.fixture(scope="module")
def sample(sample_scored) -> tx.Result:
    """The sample scored with 200 resamples (a copy of the session's shared result)."""
    return private_copy(sample_scored)


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # workbook bytes comparable across calls


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


# ---------------------------------------------------------------------- PNG
def test_png_bytes_decodes_to_the_same_pixels_rgb_when_opaque():
    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, (37, 53, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    data = png_bytes(rgba, 200)
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGB" and image.size == (53, 37)
    assert round(image.info["dpi"][0]) == 200  # 7874 px/m, as Pillow writes 200 dpi
    assert np.array_equal(pixels(data), rgba)
    assert png_bytes(rgba, 200) == data  # same pixels, same bytes


def test_png_bytes_keeps_the_alpha_channel_when_some_pixel_is_not_opaque():
    rgba = np.full((4, 5, 4), 255, np.uint8)
    rgba[2, 3] = (10, 20, 30, 128)
    image = Image.open(io.BytesIO(png_bytes(rgba, 72)))
    assert image.mode == "RGBA"
    assert np.array_equal(np.asarray(image), rgba)


def test_png_bytes_refuses_what_is_not_rgba_bytes():
    with pytest.raises(ValueError, match="uint8"):
        png_bytes(np.zeros((3, 3, 3), np.uint8), 100)
    with pytest.raises(ValueError, match="uint8"):
        png_bytes(np.zeros((3, 3, 4), np.float32), 100)


@pytest.mark.parametrize("name", list(CHARTS))
def test_figure_png_gives_the_pixels_of_savefig(sample, name):
    fig = CHARTS[name](sample)
    engine, dpi = fig.get_layout_engine(), fig.dpi
    with matplotlib.rc_context(STYLE):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=60)
        ours = figure_png(fig, 60)
    assert np.array_equal(pixels(ours), pixels(buf.getvalue()))
    assert fig.get_layout_engine() is engine and fig.dpi == dpi  # the figure is as it was


# ---------------------------------------------------------------------- charts and workbook
@needs_fork
def test_charts_drawn_by_workers_are_the_bytes_drawn_here(sample, tmp_path):
    here = save_charts(sample, tmp_path / "here", dpi=40)
    there = save_charts(sample, tmp_path / "there", dpi=40, workers=2)
    assert list(there) == list(here)  # same keys, same order
    for key, path in here.items():
        assert there[key].read_bytes() == path.read_bytes(), key
    assert sorted(p.name for p in (tmp_path / "there").iterdir()) == sorted(
        f"{k}.png" for k in here)  # no temporary file


def test_workers_must_be_a_whole_number(sample, tmp_path):
    for bad in (0, 1.5, "2", True):
        with pytest.raises(TxscoreError, match="'workers'"):
            save_charts(sample, tmp_path, charts={"trend"}, workers=bad)


def test_workbook_built_while_the_charts_are_drawn_is_the_same(sample, tmp_path):
    charts = save_charts(sample, tmp_path / "charts", dpi=30,
                         charts={"tx_by_brand", "trend", "reliability_overview"})
    expected = workbook_bytes(sample, charts=charts)
    later = {k: tmp_path / f"later_{p.name}" for k, p in charts.items()}
    calls = []

    def ready() -> None:  # the files appear only now, as when workers draw them
        assert not any(p.exists() for p in later.values())
        calls.append(1)
        for key, path in later.items():
            path.write_bytes(charts[key].read_bytes())

    assert workbook_bytes(sample, charts=later, charts_ready=ready) == expected
    assert calls == [1]


def test_report_equals_charts_then_workbook(sample, tmp_path):
    paths = report(sample, tmp_path / "report")
    charts = save_charts(sample, tmp_path / "plain")  # one after the other, in this process
    book = write_workbook(sample, tmp_path / "plain" / "book.xlsx", charts=charts)
    assert list(paths) == ["workbook", *charts]
    for key, path in charts.items():
        assert paths[key].read_bytes() == path.read_bytes(), key
    # the workbook embeds its charts' bytes: equal workbooks, equal charts
    assert paths["workbook"].read_bytes() == book.read_bytes()
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == sorted(
        p.name for p in paths.values())


def test_interrupted_report_leaves_no_temporary_file_and_no_worker(sample, tmp_path,
                                                                   monkeypatch):
    import multiprocessing

    import txscore.reporting.excel as excel

    def interrupted(*_args, **_kwargs):
        time.sleep(0.5)  # the workers are drawing
        raise KeyboardInterrupt

    monkeypatch.setattr(excel, "workbook_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        report(sample, tmp_path)
    assert not multiprocessing.active_children()
    assert not [p.name for p in tmp_path.iterdir() if p.suffix != ".png"]


# ---------------------------------------------------------------------- TaskRun
def _write(path: Path, text: str) -> None:
    path.write_text(text)


@needs_fork
def test_a_worker_error_is_raised_here_with_its_traceback(tmp_path):
    def broken() -> None:
        raise TxscoreError("chart 2 cannot be drawn")

    tasks = [("one", lambda: _write(tmp_path / "1", "1")), ("two", broken),
             ("three", lambda: _write(tmp_path / "3", "3"))]
    with pytest.raises(TxscoreError, match="chart 2 cannot be drawn") as caught:
        TaskRun(tasks, workers=2).start().finish()
    assert "in a worker process, task two" in str(caught.value.__cause__)
    assert "broken" in str(caught.value.__cause__)  # the worker's traceback


@needs_fork
def test_warnings_of_the_tasks_are_raised_here_in_task_order():
    def warn(i: int) -> None:
        warnings.warn(f"task {i} says", TxscoreWarning, stacklevel=1)

    with pytest.warns(TxscoreWarning) as record:
        TaskRun([(f"t{i}", lambda i=i: warn(i)) for i in range(4)], workers=2).start().finish()
    assert [str(w.message) for w in record] == [f"task {i} says" for i in range(4)]


def _slow_atomic(path: Path) -> None:
    """A task shaped like save_png: temporary file, work, rename; clean-up on any exit."""
    tmp = path.with_name(f".{path.name}.part.tmp")
    tmp.write_text("half")
    try:
        time.sleep(30)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@needs_fork
def test_abort_stops_the_workers_and_leaves_no_temporary_file(tmp_path):
    tasks = [(f"t{i}", lambda i=i: _slow_atomic(tmp_path / f"{i}.txt")) for i in range(4)]
    run = TaskRun(tasks, workers=2).start()
    deadline = time.monotonic() + 10
    while len(list(tmp_path.glob("*.tmp"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    run.abort()  # what Ctrl-C in the calling process does (via the with block)
    assert time.monotonic() - started < 5
    assert not list(tmp_path.iterdir())
    run.finish()  # nothing left to do after an abort


@needs_fork
def test_a_killed_worker_s_tasks_are_done_here(tmp_path):
    assert can_fork(), "a thread is running: TaskRun would run the tasks here (no fork)"
    cleaned, parent = [], os.getpid()

    def task(i: int) -> None:
        if i == 1 and not (tmp_path / "killed").exists() and os.getpid() != parent:
            (tmp_path / "killed").touch()
            os.kill(os.getpid(), signal.SIGKILL)  # the worker dies mid-task
        _write(tmp_path / f"{i}.txt", str(i))

    TaskRun([(f"t{i}", lambda i=i: task(i)) for i in range(6)], workers=2,
            cleanup=lambda: cleaned.append(1)).start().finish()
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == [f"{i}.txt" for i in range(6)]
    assert cleaned == [1]


@needs_fork
def test_stuck_workers_are_stopped_and_their_tasks_done_here(tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "STALL_SECONDS", 1)
    parent = os.getpid()

    def task(i: int) -> None:
        if os.getpid() != parent:
            time.sleep(60)  # stuck in the worker
        _write(tmp_path / f"{i}.txt", str(i))

    started = time.monotonic()
    with pytest.warns(TxscoreWarning, match="silent"):
        TaskRun([(f"t{i}", lambda i=i: task(i)) for i in range(3)], workers=2).start().finish()
    assert time.monotonic() - started < 15
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == ["0.txt", "1.txt", "2.txt"]


def test_without_fork_every_task_runs_here_in_order(monkeypatch):
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    seen = []
    run = TaskRun([(f"t{i}", lambda i=i: seen.append((i, os.getpid()))) for i in range(3)],
                  workers=2).start()
    assert seen == []  # nothing before finish
    run.finish()
    assert seen == [(i, os.getpid()) for i in range(3)]


def test_the_timing_hook_sees_every_chart_in_order(sample, tmp_path):
    seen = []

    def on_chart(key: str, path: Path, seconds: float) -> None:  # what benchmarks/run.py uses
        assert path.is_file() and 0 < seconds < 60
        seen.append(key)

    paths = save_charts(sample, tmp_path, dpi=20, on_chart=on_chart)
    assert seen == list(paths)
    with pytest.raises(TxscoreError, match="workers=1"):
        save_charts(sample, tmp_path, workers=2, on_chart=on_chart)
