"""Reports: the client workbook, the PNG charts and the PowerPoint deck (the only stage that
writes files).

Rooms: :mod:`~txscore.reporting.text` (every word, en and fr), :mod:`~.palette` (colours
and style), :mod:`~.excel` (the workbook: :mod:`~.xlsx` machinery, :mod:`~.sheets_scores`
and :mod:`~.sheets_detail`, :mod:`~.methodology`), the charts (:mod:`~.charts`:
:mod:`~.chart_base`, :mod:`~.chart_labels`, one module per family, :mod:`~.chartrun`),
:mod:`~.png` and :mod:`~.workers` (drawing fast, in parallel), the deck (:mod:`~.deck`:
:mod:`~.deck_frame`, :mod:`~.deck_data`, :mod:`~.deck_slides`, :mod:`~.deck_cards`,
:mod:`~.deck_charts`) and :mod:`~.publish` (the output checks and the all-or-nothing
publish). Reporting decides nothing: it reads the
result's ``flag`` columns and codes and puts them into words.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import txscore.reporting.publish as publishing
from txscore.reporting.preflight import preflight
from txscore.reporting.publish import check_output, file_stem
from txscore.reporting.xlsx import MAX_SHEET_ROWS

if TYPE_CHECKING:
    from txscore.reporting.chartrun import ChartHook
    from txscore.result import Result

__all__ = ["preflight", "report"]


def report(result: Result, out_dir: str | Path, *, charts: bool = True,
           allow_input_folder: bool = False, on_chart: ChartHook | None = None,
           show_ids: bool = False, max_sheet_rows: int = MAX_SHEET_ROWS,
           deck: bool | None = None) -> dict[str, Path]:
    """Write the workbook ``<study name>.xlsx`` and the PNG charts (and the PowerPoint deck
    ``<study name>.pptx``) into ``out_dir``, all or nothing.

    The files are written into a new version folder beside ``out_dir``, which is then
    switched to it at once (``out_dir`` is a link to the version shown; see
    :func:`txscore.reporting.publish.publish`): whatever the moment of an error, a Ctrl-C
    (:class:`~txscore.reporting.publish.PublishInterrupted` says what the folder holds) or a
    kill, ``out_dir`` shows exactly the previous report or exactly the new one. ``out_dir``
    may not hold the study's inputs unless ``allow_input_folder=True``, nor other files
    than a txscore report.

    The charts (:func:`txscore.reporting.chartrun.save_charts`) are embedded on the
    workbook's sheets that discuss them (TX by brand, growth grid and CX vs BX on the
    Summary, trends on Trend, item distributions on Items, the reliability overview on
    Reliability, importance-performance on Drivers). Worker processes draw the charts (one
    per available CPU, see :func:`txscore.reporting.chartrun.chart_run`) while this process
    builds the workbook, which embeds them last; without ``fork`` (Windows, macOS) or from
    a process running threads, the charts are drawn here. The files are the same either
    way. Labels follow ``result.study.report.language`` ("en" or "fr").

    The workbook is the client's: its Exclusions ledger names each excluded row by file,
    sheet and row, never by respondent id, unless ``show_ids``. No sheet goes below Excel's
    last row; a longer ledger is written whole beside the workbook in the same publish, as
    csv (formulas neutralised) and as a Parquet dataset (``<study name> exclusions/``, a
    folder per wave), as is the study engine's: :mod:`~txscore.reporting.ledger_files`.

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
    on_chart : callable, optional
        ``on_chart(key, path, seconds)``, called once each chart is drawn, with the file it
        goes to (in the staging folder) and the seconds it took; the charts are then drawn
        in this process, one after the other. A failure of the hook is the chart's.
    show_ids : bool, default False
        Show the respondent ids in the Exclusions ledger: the researcher's copy, not the
        client's (the ledger says so).
    max_sheet_rows : int, default :data:`~txscore.reporting.xlsx.MAX_SHEET_ROWS`
        The last row a sheet may use: Excel's limit (lower it to try the overflow).
    deck : bool, optional
        Also write the deck (:func:`txscore.reporting.deck.deck_bytes`); None follows
        ``[report] deck``. A result cut by segments gets none (and a warning).

    Returns
    -------
    dict
        ``{"workbook": path, <chart key>: path, ...}``, the files in ``out_dir``; with
        ``"exclusions"``, the csv of the whole ledger, when it is longer than its sheet holds;
        ``"exclusions_dataset"``, its Parquet folder; with ``"deck"``, the .pptx.

    Raises
    ------
    OutputError
        ``out_dir`` holds the inputs, is a file, or cannot be written; or a chart or a
        sheet cannot be made (a :class:`~txscore.errors.Problem` naming it: what
        :func:`preflight` finds without writing anything).

    Examples
    --------
    >>> import txscore as tx
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")))
    >>> paths = tx.report(result, "reports/sample")
    >>> paths["workbook"].name
    'Sample TX Study.xlsx'
    """
    check_output(out_dir, result.study, allow_input_folder=allow_input_folder)
    book = {"show_ids": show_ids, "max_sheet_rows": max_sheet_rows}
    with_deck = _deck_wanted(result, deck)
    return publishing.publish(out_dir, lambda folder: _write(result, folder, charts,
                                                             on_chart, book, with_deck))


def _deck_wanted(result: Result, deck: bool | None) -> bool:
    """Whether report() writes the deck: ``deck``, else ``[report] deck``; never for a
    result cut by segments (a warning says so, to the caller of report())."""
    from txscore.reporting.deck import no_deck

    wanted = bool(result.study.report.deck if deck is None else deck)
    if wanted and (why := no_deck(result)) is not None:
        from txscore.errors import TxscoreWarning

        warnings.warn(why, TxscoreWarning, stacklevel=3)  # report()'s caller
        return False
    return wanted


def _write(result: Result, folder: Path, charts: bool, on_chart: ChartHook | None,
           book: dict[str, Any], deck: bool = False) -> dict[str, Path]:
    """The deck (when asked), the workbook (and the whole ledger beside it, as csv when its
    sheet cannot hold it, as a Parquet dataset then or from the study engine) and the
    charts, written into ``folder``; ``book``: the workbook's options."""
    from txscore.reporting.excel import write_book_files

    path = folder / f"{file_stem(result.study.name)}.xlsx"
    if not charts:
        return {**_write_deck(result, path, deck), **write_book_files(result, path, **book)}
    from txscore.reporting.chartrun import chart_run

    paths, run = chart_run(result, folder, stacklevel=6,  # the caller of report()
                           workers=1 if on_chart is not None else None, on_chart=on_chart)
    with run:  # the workers draw while the deck and the sheets are built; run.finish() waits
        slides = _write_deck(result, path, deck)
        files = write_book_files(result, path, charts=paths, charts_ready=run.finish, **book)
    return {**slides, **files, **paths}


def _write_deck(result: Result, book: Path, deck: bool) -> dict[str, Path]:
    """The deck beside the workbook ``book`` (same name, .pptx), when asked."""
    if not deck:
        return {}
    from txscore.reporting.deck import write_deck

    return {"deck": write_deck(result, book.with_suffix(".pptx"))}
