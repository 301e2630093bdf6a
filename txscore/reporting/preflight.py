"""Everything :func:`txscore.reporting.report` does but writing files, as a list of problems.

:func:`preflight` checks the output folder as ``report`` does, draws every chart ``report``
would draw (the same :func:`~txscore.reporting.chartrun.chart_jobs`, the same
:func:`~txscore.reporting.chartrun.chart_png`, in memory) and builds the workbook with
those charts embedded (:func:`~txscore.reporting.excel.workbook_bytes`, in memory). Any
failure becomes the located :class:`~txscore.errors.Problem` that ``report`` would raise, and
every warning ``report`` would give a problem of severity "warning": ``txscore validate``
runs it so that a report that would fail is known before anything is written.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from txscore.errors import Problem, TxscoreError, TxscoreWarning

if TYPE_CHECKING:
    from txscore.reporting.chartrun import ChartHook

__all__ = ["preflight"]


def preflight(result: Any, out_dir: str | Path | None = None, *, charts: bool = True,
              allow_input_folder: bool = False, on_chart: ChartHook | None = None,
              dpi: int = 200, show_ids: bool = False,
              max_sheet_rows: int | None = None) -> list[Problem]:
    """Every problem :func:`txscore.reporting.report` would meet, without writing a file.

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`.
    out_dir : str or Path, optional
        The output folder ``report`` would be given: checked as ``report`` checks it.
    charts : bool, default True
        Check the charts too (as ``report(..., charts=True)``).
    allow_input_folder : bool, default False
        As in ``report``.
    on_chart : callable, optional
        As in ``report``: ``on_chart(key, path, seconds)`` once each chart is drawn, with
        the file ``report`` would write it to (in ``out_dir``, else in the current folder).
    dpi : int, default 200
        Resolution of the charts (``report``'s).
    show_ids, max_sheet_rows : optional
        As in ``report`` (None: Excel's limit).

    Returns
    -------
    list of Problem
        Empty when ``report`` would succeed; otherwise every chart, sheet or output check
        that would fail (``report`` stops at the first), each located (``chart <key>``,
        ``workbook, sheet '<name>'``, the folder), and the warnings ``report`` would give
        (severity "warning").

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> preflight(tx.score(tx.load(study)))
    []
    """
    from txscore.reporting.chartrun import call_hook, chart_jobs, chart_png, no_charts
    from txscore.reporting.excel import workbook_bytes
    from txscore.reporting.publish import check_output

    problems: list[Problem] = []
    pngs: dict[str, bytes] = {}
    folder = Path(out_dir) if out_dir is not None else Path()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if out_dir is not None:
            _collect(problems, check_output, out_dir, result.study,
                     allow_input_folder=allow_input_folder)
        why = no_charts(result) if charts else None
        if why is not None:
            warnings.warn(why, TxscoreWarning, stacklevel=2)
        for key, draw, kwargs in chart_jobs(result) if charts and why is None else ():
            start = time.perf_counter()
            png = _collect(problems, chart_png, result, key, draw, kwargs, dpi=dpi)
            if isinstance(png, bytes) and _collect(
                    problems, call_hook, on_chart, key, folder / f"{key}.png",
                    time.perf_counter() - start) is not False:
                pngs[key] = png
        rows = {} if max_sheet_rows is None else {"max_sheet_rows": max_sheet_rows}
        _collect(problems, workbook_bytes, result, charts=pngs, show_ids=show_ids, **rows)
    for w in caught:
        if issubclass(w.category, TxscoreWarning):
            problems.append(Problem(str(w.message), severity="warning"))
        else:  # not report's own: passed on as they came
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return problems


def _collect(problems: list[Problem], call: Any, *args: Any, **kwargs: Any) -> Any:
    """``call(*args, **kwargs)``; a :class:`~txscore.errors.TxscoreError` adds its problems
    (False is returned), any other exception a problem of its own (a defect)."""
    try:
        return call(*args, **kwargs)
    except TxscoreError as exc:
        problems.extend(exc.problems or [Problem(str(exc))])
    except Exception as exc:  # a defect: located as well as it can be
        problems.append(Problem(f"{type(exc).__name__}: {exc}", getattr(call, "__name__", ""),
                                "this is a defect of txscore: please report it with the "
                                "study file."))
    return False
