"""Reports: the client workbook and the PNG charts (the only stage that writes files).

Rooms: :mod:`~txscore.reporting.text` (every word, en and fr), :mod:`~.palette` (colours
and style), :mod:`~.excel` (the workbook: :mod:`~.xlsx` machinery, :mod:`~.sheets_scores`
and :mod:`~.sheets_detail`, :mod:`~.methodology`), the charts (:mod:`~.charts`:
:mod:`~.chart_base`, :mod:`~.chart_labels`, one module per family, :mod:`~.chartrun`),
:mod:`~.png` and :mod:`~.workers` (drawing fast, in parallel) and :mod:`~.publish` (the
output checks and the all-or-nothing publish). Reporting decides nothing: it reads the
result's ``flag`` columns and codes and puts them into words.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from txscore.reporting.publish import check_output, file_stem, publish

if TYPE_CHECKING:
    from txscore.result import Result

__all__ = ["report"]


def report(result: Result, out_dir: str | Path, *, charts: bool = True,
           allow_input_folder: bool = False) -> dict[str, Path]:
    """Write the workbook ``<study name>.xlsx`` and the PNG charts into ``out_dir``, all or
    nothing.

    The files are written into a hidden staging folder inside ``out_dir`` and each finished
    file is then moved into place with an atomic rename: an interrupted or failed run (an
    error, Ctrl-C, a full disk) leaves the previous report as it was and no temporary file.
    ``out_dir`` may not be a folder holding the study's inputs unless
    ``allow_input_folder=True``.

    The charts (:func:`txscore.reporting.chartrun.save_charts`) are embedded on the
    workbook's sheets that discuss them (TX by brand, growth grid and CX vs BX on the
    Summary, trends on Trend, item distributions on Items, the reliability overview on
    Reliability, importance-performance on Drivers). Worker processes draw the charts (one
    per available CPU, see :func:`txscore.reporting.chartrun.chart_run`) while this process
    builds the workbook, which embeds them last; without ``fork`` (Windows, macOS) or from
    a process running threads, the charts are drawn here. The files are the same either
    way. Labels follow ``result.study.report.language`` ("en" or "fr").

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`.
    out_dir : str or Path
        Output folder (created when missing).
    charts : bool, default True
        Also write the charts (and embed them in the workbook).
    allow_input_folder : bool, default False
        Allow ``out_dir`` to be a folder holding the study file or its sources.

    Returns
    -------
    dict
        ``{"workbook": path, <chart key>: path, ...}``, the files in ``out_dir``.

    Raises
    ------
    OutputError
        ``out_dir`` holds the inputs, is a file, or cannot be written.

    Examples
    --------
    >>> import txscore as tx
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")))
    >>> paths = tx.report(result, "reports/sample")
    >>> paths["workbook"].name
    'Sample TX Study.xlsx'
    """
    check_output(out_dir, result.study, allow_input_folder=allow_input_folder)
    return publish(out_dir, lambda stage: _write(result, stage, charts))


def _write(result: Result, folder: Path, charts: bool) -> dict[str, Path]:
    """The workbook and the charts, written into ``folder``."""
    from txscore.reporting.excel import write_workbook

    book = folder / f"{file_stem(result.study.name)}.xlsx"
    if not charts:
        write_workbook(result, book)
        return {"workbook": book}
    from txscore.reporting.chartrun import chart_run

    paths, run = chart_run(result, folder, stacklevel=6)  # the caller of report()
    with run:  # the workers draw while the sheets are built; run.finish() waits for them
        write_workbook(result, book, charts=paths, charts_ready=run.finish)
    return {"workbook": book, **paths}
