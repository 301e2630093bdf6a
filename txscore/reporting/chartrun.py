"""Which charts a result gets, and drawing them into PNG files (here or in worker processes).

:func:`chart_jobs` plans the charts of a result (one per wave, population, analysis or
measure it can have), :func:`save_png` turns one figure into a file, :func:`chart_run`
prepares every chart as a task of a :class:`~txscore.reporting.workers.TaskRun` and
:func:`save_charts` runs them. Files are written atomically (a temporary file, then a
rename) and the same result gives the same bytes, whichever process draws them.
"""

from __future__ import annotations

import functools
import glob
import numbers
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from txscore._io import atomic_write
from txscore.errors import (
    OutputError,
    Problem,
    TxscoreError,
    TxscoreWarning,
    check_choice,
    check_scalar,
)
from txscore.reporting.chart_brands import cx_vs_bx, growth_grid, tx_by_brand
from txscore.reporting.chart_drivers import importance_performance, outcome_label
from txscore.reporting.chart_items import item_distribution
from txscore.reporting.chart_labels import missing_glyphs, quiet_glyphs
from txscore.reporting.chart_reliability import reliability_overview
from txscore.reporting.chart_trend import trend
from txscore.reporting.palette import FALLBACK_FONTS, STYLE
from txscore.reporting.png import figure_png
from txscore.reporting.publish import key_slug
from txscore.reporting.workers import TaskRun, available_cpus
from txscore.study.vocabulary import POPULATIONS

__all__ = ["CHARTS", "SLUG_MAX", "TREND_MEASURES", "ChartHook", "call_hook", "chart_jobs",
           "chart_png", "chart_problem", "chart_run", "chart_texts", "glyph_warning",
           "no_charts", "save_charts", "save_png", "wave_slugs"]

#: the chart functions, by name
CHARTS = {f.__name__: f for f in (tx_by_brand, growth_grid, cx_vs_bx, trend, item_distribution,
                                  importance_performance, reliability_overview)}
#: trend charts written by save_charts (when the study has two waves or more)
TREND_MEASURES = ("tx", "cx", "bx_customers", "bx_non_customers")
#: longest wave slug in a chart's file name (a file name stays well under 255 bytes)
SLUG_MAX = 40
#: rough drawing cost of a chart relative to the others (text-heavy charts cost more):
#: worker processes take the costly ones first, so that they finish together
_COST = {"item_distribution": 2.0, "reliability_overview": 1.5, "tx_by_brand": 1.3}
#: ``on_chart(key, path, seconds)``: called once a chart's file is written
ChartHook = Callable[[str, Path, float], None]


def save_png(fig: Figure, path: Path, dpi: int) -> Path:
    """Draw ``fig`` and write it as a PNG file, atomically (a temporary file in the same
    folder, then a rename); one layout and one draw, and no software tag nor time in the
    file: the same chart gives the same bytes (:func:`txscore.reporting.png.figure_png`).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A chart (on an Agg canvas, as the chart functions make them).
    path : Path
        The file to write.
    dpi : int
        Resolution.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> fig = Figure(figsize=(2, 1)); _ = FigureCanvasAgg(fig)
    >>> out = save_png(fig, Path(tempfile.mkdtemp()) / "blank.png", 50)
    >>> out.read_bytes()[:4]
    b'\\x89PNG'
    """
    with matplotlib.rc_context(STYLE), quiet_glyphs():
        data = figure_png(fig, dpi)
    atomic_write(path, data, fsync=False)
    return path


def chart_problem(key: str, exc: BaseException, *, hook: bool = False) -> Problem:
    """A chart that cannot be drawn, as a located :class:`~txscore.errors.Problem`.

    The chart's key (:func:`chart_jobs`) names the chart, its population or analysis and
    its wave. A :class:`~txscore.errors.TxscoreError` of a chart function already says
    what to do; any other exception is a defect of txscore (or of the ``on_chart`` hook,
    with ``hook=True``).

    Examples
    --------
    >>> str(chart_problem("trend_tx", ValueError("boom")))[:56]
    'chart trend_tx: the chart cannot be drawn (ValueError: b'
    """
    where = f"chart {key}"
    if hook:
        return Problem(f"the on_chart hook failed ({type(exc).__name__}: {exc}).", where,
                       "correct the on_chart function, or call without it.")
    if isinstance(exc, TxscoreError):
        return Problem(f"the chart cannot be drawn: {exc}", where)
    return Problem(f"the chart cannot be drawn ({type(exc).__name__}: {exc}).", where,
                   "this is a defect of txscore: please report it with the study file. "
                   "Meanwhile, report with charts=False (txscore report --no-charts) writes "
                   "the workbook without charts.")


def chart_png(result: Any, key: str, draw: Any, kwargs: dict[str, Any], *,
              dpi: int = 200) -> bytes:
    """One chart of :func:`chart_jobs` drawn as PNG bytes, in memory.

    Raises
    ------
    OutputError
        The chart cannot be drawn: one :class:`~txscore.errors.Problem` naming the chart
        (:func:`chart_problem`).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> result = tx.score(tx.load(study))
    >>> key, draw, kwargs = chart_jobs(result)[0]
    >>> chart_png(result, key, draw, kwargs, dpi=50)[:4]
    b'\\x89PNG'
    """
    try:
        with quiet_glyphs():  # missing glyphs: one warning per report (glyph_warning)
            fig = draw(result, **kwargs)
            with matplotlib.rc_context(STYLE):
                return figure_png(fig, dpi)
    except Exception as exc:
        raise OutputError(f"Cannot draw the chart {key}", [chart_problem(key, exc)]) from exc


def call_hook(on_chart: ChartHook | None, key: str, path: Path, seconds: float) -> None:
    """Call ``on_chart(key, path, seconds)`` (when given); its failure is the chart's.

    Raises
    ------
    OutputError
        The hook raised: one :class:`~txscore.errors.Problem` naming the chart.
    """
    if on_chart is None:
        return
    try:
        on_chart(key, path, seconds)
    except Exception as exc:
        raise OutputError(f"Cannot draw the chart {key}",
                          [chart_problem(key, exc, hook=True)]) from exc


def save_charts(result: Any, folder: Path, *, dpi: int = 200,
                charts: Iterable[str] | None = None, workers: int | None = 1,
                on_chart: ChartHook | None = None) -> dict[str, Path]:
    """Write every chart of the result as PNG files; return ``{key: path}``.

    Per wave (``<wave>`` is the wave's slug, e.g. ``2026-q2``): ``tx_by_brand_<wave>``,
    ``growth_grid_<wave>``, ``cx_vs_bx_<wave>``, ``item_distribution_<population>_<wave>``
    (all brands), ``importance_performance_<analysis>_<wave>`` (per driver analysis in
    ``result.drivers``); with two waves or more ``trend_<measure>`` for TX, CX and both
    BX; and ``reliability``. Charts the result cannot have (no TX, no non-customers, no
    drivers) are skipped. Files are written atomically and the same result gives the same
    bytes, whichever process draws them. Each chart costs 0.1-0.3 s at 200 dpi:
    ``charts`` writes a subset, ``workers`` draws them on several CPUs.

    Parameters
    ----------
    result : Result
        A scored study without segment cuts.
    folder : Path
        Output folder, created if missing.
    dpi : int, default 200
        Resolution; 200 dpi gives 1600 x 900 px slides.
    charts : iterable of str, optional
        Only these charts (function names, e.g. ``{"tx_by_brand", "growth_grid"}``);
        default all.
    workers : int or None, default 1
        Processes drawing the charts: 1 draws them here, one after the other; 2 or more
        start that many worker processes (``fork``: Linux; elsewhere, or from a process
        running threads, the charts are drawn here); None, one per available CPU.
    on_chart : callable, optional
        ``on_chart(key, path, seconds)``, called here once each chart's file is written,
        with the seconds spent drawing and writing it (a timing or progress hook; the
        benchmarks time each chart with it). Needs ``workers=1``.

    Returns
    -------
    dict of str to Path
        Chart key (the file stem) to the file written. A result cut by segments (``by``)
        gets no charts and a :class:`~txscore.errors.TxscoreWarning`.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> paths = save_charts(result, Path(tempfile.mkdtemp()), charts={"tx_by_brand", "trend"})
    >>> sorted(paths)[:3]
    ['trend_bx_customers', 'trend_bx_non_customers', 'trend_cx']
    """
    paths, run = chart_run(result, folder, dpi=dpi, charts=charts, workers=workers,
                           on_chart=on_chart, stacklevel=3)
    with run:
        pass  # run.finish(): wait for the workers, or draw every chart here
    return paths


def chart_run(result: Any, folder: Path, *, dpi: int = 200,
              charts: Iterable[str] | None = None, workers: int | None = None,
              on_chart: ChartHook | None = None,
              stacklevel: int = 2) -> tuple[dict[str, Path], TaskRun]:
    """The charts :func:`save_charts` writes, as a run to start: the caller works meanwhile.

    ``with run: ...`` starts the worker processes; the files exist once ``run.finish()``
    has returned (called on leaving the block), which also re-raises a chart's error. Used
    by :func:`txscore.reporting.report` to build the workbook while the charts are drawn.

    Parameters
    ----------
    result, folder, dpi, charts, workers, on_chart
        As in :func:`save_charts`, but ``workers`` defaults to one per available CPU.
    stacklevel : int, default 2
        Of the warning for a segmented result (2: the line calling ``chart_run``).

    Returns
    -------
    paths : dict of str to Path
        Chart key to the file it will be written to.
    run : txscore.reporting.workers.TaskRun
        One task per chart; not started.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> paths, run = chart_run(result, Path(tempfile.mkdtemp()), charts={"trend"})
    >>> with run:
    ...     pass  # e.g. build the workbook
    >>> all(p.is_file() for p in paths.values())
    True
    """
    fix = "workers=1 (draw here), 2 or more, or None (one per CPU)."
    if workers is not None:
        check_scalar(workers, "workers", numbers.Integral, min_val=1, fix=fix)
    if on_chart is not None and workers != 1:
        check_choice(workers, "workers", (1,), fix="on_chart is called in the process that "
                     "draws the charts: pass workers=1 with it.")
    if (why := no_charts(result)) is not None:  # a segmented report still gets its workbook
        warnings.warn(why, TxscoreWarning, stacklevel=stacklevel)
        return {}, TaskRun([], workers=0)
    wanted = None if charts is None else set(charts)
    for name in sorted(wanted or ()):
        check_choice(name, "charts", list(CHARTS), fix=f"use names from {list(CHARTS)}.")
    if (why := glyph_warning(result)) is not None:  # once, not once per glyph and chart
        warnings.warn(why, TxscoreWarning, stacklevel=stacklevel)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [job for job in chart_jobs(result) if wanted is None or job[1].__name__ in wanted]
    paths = {key: folder / f"{key}.png" for key, _, _ in jobs}
    n = available_cpus() if workers is None else workers
    if n > 1:  # longest first: the workers then finish at about the same time
        jobs.sort(key=lambda job: -_COST.get(job[1].__name__, 1.0))

    def task(key: str, draw: Any, kwargs: dict[str, Any]) -> None:
        start = time.perf_counter()
        atomic_write(paths[key], chart_png(result, key, draw, kwargs, dpi=dpi), fsync=False)
        call_hook(on_chart, key, paths[key], time.perf_counter() - start)

    def remove_temporary() -> None:  # left by a worker stopped mid-write
        for key in paths:
            for tmp in folder.glob(f".{glob.escape(key)}.*.tmp"):
                tmp.unlink(missing_ok=True)

    tasks = [(f"chart {key}", functools.partial(task, key, draw, kwargs))
             for key, draw, kwargs in jobs]
    return paths, TaskRun(tasks, workers=n, cleanup=remove_temporary)


def chart_texts(result: Any) -> list[str]:
    """Every name the charts of a result may show: the study's, the brands', the waves',
    the labels of measures, constructs, items and answers (in the report's language)."""
    study = result.study
    language = study.report.language
    texts = [str(study.name), *map(str, study.waves)]
    for table, cols in ((result.scores, ("brand", "label")), (result.grid, ("brand",)),
                        (getattr(result, "drivers", None), ("label",))):
        if table is not None and len(table):
            texts += [str(v) for c in cols if c in table
                      for v in table[c].dropna().astype(str).unique()]
    # a duck-typed result (a test's) may have no spec tables
    drivers = getattr(result, "drivers", None)
    if drivers is not None and len(drivers) and "outcome" in drivers:
        texts += [outcome_label(study, code, language)
                  for code in drivers["outcome"].dropna().astype(str).unique()]
    texts += [item.label_in(language) for item in getattr(study, "items", {}).values()]
    texts += [cons.title_in(language) for cons in getattr(study, "constructs", {}).values()]
    texts += [sc.label_in(code, language) for sc in getattr(study, "scales", {}).values()
              for code in sc.labels]
    return texts


def glyph_warning(result: Any) -> str | None:
    """The warning on characters of the result's names that no chart font has (the
    charts draw them as boxes), or None.

    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> glyph_warning(tx.score(tx.load(study))) is None
    True
    """
    missing = missing_glyphs(chart_texts(result))
    if not missing:
        return None
    shown = " ".join(missing[:12]) + (f" (and {len(missing) - 12} more)"
                                      if len(missing) > 12 else "")
    return (f"The charts draw {len(missing)} character(s) of the study's names as boxes: no "
            f"installed font has them ({shown}). The workbook has the names in full. Fix: "
            f"install a font that has them (one of {', '.join(FALLBACK_FONTS[:3])}, ... "
            "e.g. Noto Sans CJK for Chinese, Japanese and Korean); the charts use it at once.")


def no_charts(result: Any) -> str | None:
    """Why a result gets no charts at all (the warning of :func:`chart_run`), or None.

    >>> from types import SimpleNamespace
    >>> no_charts(SimpleNamespace(by=("region",)))[:41]
    'No charts: they show whole-sample brand s'
    """
    if tuple(getattr(result, "by", ())):
        return (f"No charts: they show whole-sample brand scores and this result is cut by "
                f"{list(result.by)}. Score without `by` to get them.")
    return None


def wave_slugs(waves: Iterable[str]) -> dict[str, str]:
    """Each wave's slug in the chart file names: at most :data:`SLUG_MAX` characters (cut
    at a word), unique (a wave whose slug is taken gets its position appended).

    >>> wave_slugs(["2026 Q1", "2026-Q1", "北京"])
    {'2026 Q1': '2026-q1', '2026-Q1': '2026-q1-2', '北京': 'x'}
    >>> list(wave_slugs(["Wave " + "one " * 80]).values())
    ['wave-one-one-one-one-one-one-one-one-one']
    """
    out: dict[str, str] = {}
    for i, wave in enumerate(waves):
        slug = key_slug(wave)
        if len(slug) > SLUG_MAX:  # file names stay short whatever the wave's name
            cut = slug[:SLUG_MAX + 1]
            slug = (cut.rsplit("-", 1)[0] if "-" in cut[SLUG_MAX // 2:] else slug[:SLUG_MAX])
        base, n = slug, i + 1
        while slug in out.values():  # two waves, one slug
            slug, n = f"{base}-{n}", n + 1
        out[wave] = slug
    return out


def chart_jobs(result: Any) -> list[tuple[str, Any, dict[str, Any]]]:
    """Every chart the result can have: (file stem, chart function, its arguments).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> [key for key, _, _ in chart_jobs(tx.score(tx.load(study)))][:3]
    ['tx_by_brand_2026-q1', 'growth_grid_2026-q1', 'cx_vs_bx_2026-q1']
    """
    s, g = result.scores, result.grid
    empty = pd.DataFrame(columns=["population", "wave", "analysis"])
    dist = getattr(result, "distributions", None)
    dist = empty if dist is None else dist
    drv = getattr(result, "drivers", None)
    drv = empty if drv is None or not len(drv) else drv
    jobs: list[tuple[str, Any, dict[str, Any]]] = []
    slugs = wave_slugs(result.study.waves)
    for wave in result.study.waves:
        slug = slugs[wave]
        measures = set(s.loc[s["wave"] == wave, "measure"])
        if "tx" in measures:
            jobs.append((f"tx_by_brand_{slug}", tx_by_brand, {"wave": wave}))
        if not g.empty and (g["wave"] == wave).any():
            jobs.append((f"growth_grid_{slug}", growth_grid, {"wave": wave}))
        if {"cx", "bx_customers"} <= measures:
            jobs.append((f"cx_vs_bx_{slug}", cx_vs_bx, {"wave": wave}))
        for pop in POPULATIONS:
            if ((dist["wave"] == wave) & (dist["population"] == pop)).any():
                jobs.append((f"item_distribution_{pop}_{slug}", item_distribution,
                             {"wave": wave, "population": pop}))
    for analysis, pop, wave in drv[["analysis", "population", "wave"]].drop_duplicates(
            ).itertuples(index=False):
        pops = drv.loc[drv["analysis"] == analysis, "population"].nunique()
        key = "_".join([f"importance_performance_{analysis}",
                        *([key_slug(pop)] if pops > 1 else []),
                        slugs.get(wave, key_slug(wave))])
        jobs.append((key, importance_performance, {"analysis": analysis, "population": pop,
                                                   "wave": wave}))
    if len(result.study.waves) > 1:
        for m in TREND_MEASURES:
            if (s["measure"] == m).any():
                jobs.append((f"trend_{m}", trend, {"measure": m}))
    if len(getattr(result, "reliability", empty)):
        jobs.append(("reliability", reliability_overview, {}))
    return jobs
