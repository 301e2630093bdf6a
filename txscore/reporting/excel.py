"""The client workbook (openpyxl), in English or French: the order of its sheets, and the
file.

Sheets: Summary, Scores and Trend (:mod:`txscore.reporting.sheets_scores`), Items,
Reliability, Drivers (when the result has a driver analysis), Exclusions and Methodology
(:mod:`txscore.reporting.sheets_detail`), written with the machinery of
:mod:`txscore.reporting.xlsx`. Words come from :mod:`txscore.reporting.text`; charts from
``save_charts`` are embedded on the sheets that discuss them.

Reproducible and safe: the file is built in memory, its timestamps fixed
(``SOURCE_DATE_EPOCH`` or the run date at 00:00 UTC) and zip entries normalised, so that
the same inputs give the same bytes, then written to a temporary file and renamed
(:func:`txscore._io.atomic_write`), so an interrupted run never leaves a partial workbook.

Private by default: the Exclusions ledger names excluded rows by file and row, not by
respondent id (``show_ids=True`` for the researcher's copy). No sheet goes below Excel's
last row (:data:`~txscore.reporting.xlsx.MAX_SHEET_ROWS`, ``max_sheet_rows`` to lower it):
a longer ledger goes whole to a csv beside the workbook (:func:`write_book_files`), and to
a parquet dataset, as does the ledger of a result of the study engine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from txscore._io import atomic_write
from txscore.errors import OutputError, Problem, TxscoreError
from txscore.reporting.methodology import methodology_sheet
from txscore.reporting.sheets_detail import (
    drivers_sheet,
    exclusions_sheet,
    items_sheet,
    reliability_sheet,
)
from txscore.reporting.sheets_overview import overview_sheet
from txscore.reporting.sheets_planning import planning_sheet
from txscore.reporting.sheets_scenarios import scenarios_sheet
from txscore.reporting.sheets_scorecard import scorecard_sheet
from txscore.reporting.sheets_scores import scores_sheet, summary_sheet, trend_sheet
from txscore.reporting.sheets_tables import tables_sheet
from txscore.reporting.text import Words, words_for
from txscore.reporting.xlsx import MAX_SHEET_ROWS, Book, normalise_zip, stored_xlsx, styles

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from txscore.result import Result

__all__ = ["run_date", "workbook_bytes", "write_book_files", "write_workbook"]


def run_date() -> dt.datetime:
    """The timestamp written into the workbook: SOURCE_DATE_EPOCH, else today 00:00 UTC.

    >>> import os; os.environ["SOURCE_DATE_EPOCH"] = "0"; run_date().year
    1970
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    today = dt.datetime.now(tz=dt.UTC).date()
    return dt.datetime(today.year, today.month, today.day)


def workbook_bytes(result: Result, *, charts: dict[str, Path | bytes] | None = None,
                   charts_ready: Callable[[], None] | None = None, show_ids: bool = False,
                   max_sheet_rows: int = MAX_SHEET_ROWS,
                   beside: dict[str, bytes] | None = None) -> bytes:
    """The client workbook as bytes: deterministic for the same result, charts and run date.

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`; ``result.study.report.language`` picks English or French.
        A ``drivers`` table (see :data:`~txscore.reporting.sheets_detail.DRIVER_COLUMNS`)
        adds the Drivers sheet.
    charts : dict, optional
        Chart key -> PNG path (from :func:`txscore.reporting.chartrun.save_charts`) or PNG
        bytes (:func:`txscore.reporting.chartrun.chart_png`); each is embedded on the sheet
        of its key prefix (:data:`~txscore.reporting.xlsx.CHART_PREFIXES`), missing files
        are skipped.
    charts_ready : callable, optional
        The charts are still being drawn (:func:`txscore.reporting.chartrun.chart_run`): every
        sheet is built first, then ``charts_ready()`` is called, after which every file in
        ``charts`` must exist, and the charts are placed. Same bytes as with the files there
        from the start.
    show_ids : bool, default False
        Respondent ids in the Exclusions ledger (the researcher's copy, which says so);
        without, excluded rows are named by file, sheet and row.
    max_sheet_rows : int, default :data:`~txscore.reporting.xlsx.MAX_SHEET_ROWS`
        The last row a sheet may use (Excel's limit; lower it to see the overflow at work).
    beside : dict, optional
        Receives file name -> bytes of the files the workbook names, to be written beside
        it: the whole ledger as csv when it is longer than its sheet holds, and as a parquet
        dataset (names ``<folder>/wave=<value>/part-00000.parquet``) then and when the
        study engine scored the result.

    Returns
    -------
    bytes
        The .xlsx file.

    Raises
    ------
    OutputError
        A sheet cannot be built: a :class:`~txscore.errors.Problem` naming it.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> data = workbook_bytes(tx.score(tx.load(study)))
    >>> data[:2]
    b'PK'
    """
    from openpyxl import Workbook

    when = run_date()
    rep = result.study.report
    lab = words_for(rep.language)
    ctx = Book(result=result, words=lab, st=styles(), charts=dict(charts or {}),
               supp=lab["suppressed"].format(min=lab.num(rep.suppress_below)),
               charts_pending=charts_ready is not None, show_ids=show_ids,
               max_rows=max(int(max_sheet_rows), 1), beside=beside if beside is not None else {})
    wb = Workbook()
    wb.properties.creator = "txscore"
    wb.properties.title = result.study.name
    wb.properties.language = lab.language
    wb.properties.created = wb.properties.modified = when
    steps = _sheets(result, lab, when)
    for key, build, args in steps:
        with _located(lab.sheets[key]):
            build(wb, ctx, *args)
    if charts_ready is not None:
        charts_ready()  # a chart's failure is its own (OutputError naming the chart)
    for sheet, place in ctx.placements:
        with _located(sheet):
            place()
    with _located(None):
        return normalise_zip(stored_xlsx(wb), when)


def _sheets(result: Result, lab: Words, when: dt.datetime) -> list[tuple[str, Any, tuple]]:
    """The workbook's sheets in order: (key, builder, its arguments after ``wb, ctx``)."""
    drivers = getattr(result, "drivers", None)
    steps: list[tuple[str, Any, tuple]] = [
        ("scorecards", scorecard_sheet, ()), ("summary", summary_sheet, ()),
        ("scores", scores_sheet, ()), ("trend", trend_sheet, ()), ("items", items_sheet, ()),
        ("reliability", reliability_sheet, ())]
    if isinstance(drivers, pd.DataFrame) and not drivers.empty:
        steps.append(("drivers", drivers_sheet, (drivers,)))
    for key, build in (("tables", tables_sheet), ("scenarios", scenarios_sheet),
                       ("planning", planning_sheet)):
        if not getattr(result, "banners" if key == "tables" else key).empty:
            steps.append((key, build, ()))
    steps += [("exclusions", exclusions_sheet, ()), ("methodology", methodology_sheet, (when,))]
    contents = [("overview", lab.sheets["overview"])] + [(k, lab.sheets[k]) for k, *_ in steps]
    return [("overview", overview_sheet, (contents, when)), *steps]


@contextlib.contextmanager
def _located(sheet: str | None) -> Iterator[None]:
    """Any failure inside (a defect: the result's tables are checked before) as an
    :class:`~txscore.errors.OutputError` naming the sheet being built."""
    try:
        yield
    except TxscoreError:
        raise
    except Exception as exc:
        where = "workbook" + (f", sheet '{sheet}'" if sheet else "")
        raise OutputError("Cannot build the workbook", [Problem(
            f"the workbook cannot be built ({type(exc).__name__}: {exc}).", where,
            "this is a defect of txscore: please report it with the study file.")]) from exc


def write_book_files(result: Result, path: Path, *, charts: dict[str, Path] | None = None,
                     charts_ready: Callable[[], None] | None = None, show_ids: bool = False,
                     max_sheet_rows: int = MAX_SHEET_ROWS) -> dict[str, Path]:
    """Write the client workbook to ``path`` and the files it refers to beside it, each
    atomically; return them.

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`.
    path : Path
        The .xlsx file to write (its folder is created).
    charts, charts_ready, show_ids, max_sheet_rows
        As in :func:`workbook_bytes`.

    Returns
    -------
    dict of str to Path
        ``{"workbook": path}``, and ``"exclusions"``: the csv holding the whole ledger when
        it is longer than its sheet holds
        (:func:`~txscore.reporting.ledger_files.ledger_file`); ``"exclusions_dataset"``:
        the folder holding the whole ledger as a parquet dataset, one folder per wave, when
        the study engine scored the result (``result.meta.engine`` other than "memory") or
        the ledger is longer than its sheet holds
        (:mod:`~txscore.reporting.ledger_files`).

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> folder = Path(tempfile.mkdtemp())
    >>> files = write_book_files(tx.score(tx.load(study)), folder / "s.xlsx",
    ...                          max_sheet_rows=60)
    >>> sorted(p.name for p in files.values())
    ['Sample TX Study exclusions', 'Sample TX Study exclusions.csv', 's.xlsx']
    """
    beside: dict[str, bytes] = {}
    data = workbook_bytes(result, charts=charts, charts_ready=charts_ready, show_ids=show_ids,
                          max_sheet_rows=max_sheet_rows, beside=beside)
    files = {"workbook": atomic_write(path, data)}
    for name, content in beside.items():  # the whole ledger: csv, parquet dataset
        folder, _, part = name.partition("/")
        if part:  # a file of the dataset: <folder>/wave=<value>/part-00000.parquet
            atomic_write(path.parent / name, content)
            files["exclusions_dataset"] = path.parent / folder
        else:
            files["exclusions"] = atomic_write(path.with_name(name), content)
    return files


def write_workbook(result: Result, path: Path, *, charts: dict[str, Path] | None = None,
                   charts_ready: Callable[[], None] | None = None, show_ids: bool = False,
                   max_sheet_rows: int = MAX_SHEET_ROWS) -> Path:
    """Write the client workbook to ``path`` atomically (and, when the ledger is longer than
    its sheet holds, the whole ledger beside it: :func:`write_book_files`).

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`.
    path : Path
        The .xlsx file to write (its folder is created).
    charts : dict, optional
        Chart key -> PNG path to embed (see :func:`workbook_bytes`).
    charts_ready : callable, optional
        Called once the sheets are built; the chart files exist when it returns (see
        :func:`workbook_bytes`).
    show_ids, max_sheet_rows
        As in :func:`workbook_bytes`.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> out = write_workbook(tx.score(tx.load(study)), Path(tempfile.mkdtemp()) / "s.xlsx")
    >>> out.suffix
    '.xlsx'
    """
    return write_book_files(result, path, charts=charts, charts_ready=charts_ready,
                            show_ids=show_ids, max_sheet_rows=max_sheet_rows)["workbook"]
