"""``txscore tables``: the banner tables of ``[[tables]]`` with their significance letters.

:func:`add_command` registers the command on the parser of :mod:`txscore.cli`, which passes
``score_study(args, study, found) -> Result`` (reads, loads and scores the study with the
command line's progress and warnings). The tables need no bootstrap (their variances are
linearised), so the study is scored with ``bootstrap = 0``: the command takes the time of
reading the files. ``--format table`` prints each table as a crosstab (a row per row of
the table, a column per banner column, each cell its value and letters); ``csv`` and
``json`` give the tidy table of :func:`txscore.scoring.banners.banner_tables`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from typing import Any

__all__ = ["add_command", "crosstab"]


def add_command(sub: Any, score_study: Callable[..., Any]) -> None:
    """Register ``txscore tables`` (its parser sets ``func``).

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> add_command(parser.add_subparsers(), lambda *a: None)
    >>> args = parser.parse_args(["tables", "study.toml", "--format", "csv"])
    >>> args.format, args.table, args.by
    ('csv', None, None)
    """
    p = sub.add_parser("tables", help="banner tables: scores by segment columns with "
                       "significance letters ([[tables]] of the study)")
    p.add_argument("study", help="the study.toml file")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--table", metavar="NAME", help="this [[tables]] entry only")
    p.add_argument("--by", action="append", metavar="SEGMENT",
                   help="banner columns for every table, in place of its banner (repeatable)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=lambda args, found: _run(args, found, score_study))


def _run(args: argparse.Namespace, found: list, score_study: Callable[..., Any]) -> int:
    import json
    import sys

    from txscore.errors import ParameterError, Problem, did_you_mean
    from txscore.study import read_study

    study = read_study(args.study)
    names = [t.name for t in study.tables]
    if not names:
        raise ParameterError("No banner tables", [Problem(
            "the study has no [[tables]].", args.study, 'add a [[tables]] entry with name, '
            'banner = ["<segment>"] and rows = ["tx", "cx", ...] (README, "Banner tables").')])
    if args.table is not None and args.table not in names:
        raise ParameterError("Unknown table", [Problem(
            f"no [[tables]] entry is named '{args.table}'.", "--table",
            (did_you_mean(args.table, names) + " tables: " + ", ".join(names) + ".").strip())])
    if args.by:
        study = replace(study, tables=tuple(replace(t, banner=_by(args.by, study))
                                            for t in study.tables))
    study = study.with_settings(bootstrap=0)
    # banner tables need the rows: in memory, whatever the spec's [engine] says
    banner_args = argparse.Namespace(**{**vars(args), "by": None, "engine": "memory"})
    frame = score_study(banner_args, study, found).banners
    if args.table is not None:
        frame = frame[frame["table"] == args.table].reset_index(drop=True)
    if args.format == "csv":
        from txscore._io import csv_text

        sys.stdout.write(csv_text(frame, float_format="%.10g"))
    elif args.format == "json":
        def records(part: Any) -> list:
            return json.loads(part.to_json(orient="records", double_precision=15))

        payload: Any = records(frame) if args.table else {
            "study": study.name, "tables": {n: records(frame[frame["table"] == n])
                                            for n in names}}
        json.dump(payload, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from txscore import cli_print

        out = cli_print.console()
        for t in study.tables:
            if args.table in (None, t.name):
                cli_print.print_frame(crosstab(frame[frame["table"] == t.name],
                                               study.report.suppress_below),
                                      f"{t.title_in(study.report.language)} ({t.name})", out)
    return 0


def _by(by: list[str], study: Any) -> tuple[str, ...]:
    """The ``--by`` segments, checked."""
    from txscore.errors import ParameterError, Problem, did_you_mean

    segments = study.columns.segments
    bad = [b for b in by if b not in segments]
    if bad or len(set(by)) < len(by):
        raise ParameterError("Invalid --by", [Problem(
            f"'{b}' is not a segment column." if b in bad else f"'{b}' is given twice.",
            "--by", (did_you_mean(b, segments) + " segments: " + ", ".join(segments)
                     + ".").strip()) for b in dict.fromkeys(bad or by)])
    return tuple(by)


def crosstab(frame: Any, suppress_below: float = 30) -> Any:
    """One table's tidy rows as a crosstab of text: a row per table row (and population),
    a column per banner column (``Total``, ``region: A East``, ...), each cell the value
    and the letters of the columns it is higher than; a suppressed cell shows its base.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"row": ["cx"] * 3, "population": "customer", "banner":
    ...     ["total", "region", "region"], "column": ["total", "East", "West"],
    ...     "letter": ["", "A", "B"], "value": [70.0, 72.04, None], "higher_than": ["", "", ""],
    ...     "flag": ["ok", "ok", "suppressed"], "n_eff": [120.0, 100.0, 20.0],
    ...     "statistic": "score100"})
    >>> crosstab(rows).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'row': 'cx', 'population': 'customer', 'Total': '70.0',
      'region: A East': '72.0', 'region: B West': 'n_eff<30 (20)'}]
    """
    import pandas as pd

    def cell(r: Any) -> str:
        if r.flag == "suppressed" or pd.isna(r.value):
            return f"n_eff<{suppress_below:g} ({r.n_eff:.0f})" if r.flag == "suppressed" else ""
        return f"{r.value:.1f}" + (f" {r.higher_than}" if r.higher_than else "")

    head = frame.assign(
        text=[cell(r) for r in frame.itertuples(index=False)],
        header=[("Total" if b == "total" else f"{b}: {lt} {c}") for b, lt, c in zip(
            frame["banner"], frame["letter"], frame["column"], strict=True)])
    order = list(dict.fromkeys(head["header"]))
    out = head.pivot_table(index=["row", "population"], columns="header", values="text",
                           aggfunc="first", sort=False)
    return out.reindex(columns=order).reset_index().rename_axis(columns=None)
