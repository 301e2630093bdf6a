"""Reports: the client workbook and the PNG charts (the only stage that writes files)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from txscore.result import Result

__all__ = ["report", "slug"]


def slug(text: str) -> str:
    """A file-name-safe version of a name: ``"Sample TX Study"`` -> ``"Sample TX Study"``.

    Keeps letters, digits, spaces, dots, dashes and underscores; replaces the rest.

    >>> slug("Brand: A/B test?")
    'Brand_ A_B test_'
    """
    return re.sub(r"[^\w .-]", "_", text).strip() or "report"


def report(result: Result, out_dir: str | Path, *, charts: bool = True) -> dict[str, Path]:
    """Write the workbook ``<study name>.xlsx`` and the PNG charts into ``out_dir``.

    The charts (:func:`txscore.reporting.charts.save_charts`) are embedded on the
    workbook's sheets that discuss them (TX by brand, growth grid and CX vs BX on the
    Summary, trends on Trend, item distributions on Items, the reliability overview on
    Reliability, importance-performance on Drivers). Worker processes draw the charts (one
    per available CPU, see :func:`txscore.reporting.charts.chart_run`) while this process
    builds the workbook, which embeds them last; without ``fork`` (Windows, macOS) or from
    a process running threads, the charts are drawn here. The files are the same either
    way. Labels follow ``result.study.report.language`` ("en" or "fr").

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`.
    out_dir : str or Path
        Output folder (created when missing).
    charts : bool
        Also write the charts (and embed them in the workbook).

    Returns
    -------
    dict
        ``{"workbook": path, <chart key>: path, ...}``.

    Examples
    --------
    >>> import txscore as tx
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")))
    >>> paths = tx.report(result, "reports/sample")
    >>> paths["workbook"].name
    'Sample TX Study.xlsx'
    """
    from txscore.reporting.excel import write_workbook

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    book = out / f"{slug(result.study.name)}.xlsx"
    if not charts:
        write_workbook(result, book)
        return {"workbook": book}
    from txscore.reporting.charts import chart_run

    paths, run = chart_run(result, out, stacklevel=3)
    with run:  # the workers draw while the sheets are built; run.finish() waits for them
        write_workbook(result, book, charts=paths, charts_ready=run.finish)
    return {"workbook": book, **paths}
