"""``txscore plan``: the sample-size planner on the command line.

``txscore plan STUDY --detect 2 [--power 0.8] [--alpha 0.05] [--compare previous_wave|peers]
[--brand B] [--wave W] [--format table|csv|json]`` scores the study and prints
:func:`txscore.scoring.plan.plan`: per brand and index, the respondents needed to detect the
change, and the change detectable with today's bases. A bad request (detect <= 0, power or
alpha outside (0, 1), an unknown comparison, a brand or wave not in the study) is a located
problem (exit 1), as everywhere in the CLI.

:func:`add_command` registers the command on the parser of :mod:`txscore.cli`, which passes
``score_study(args, study, found) -> Result`` (reads, loads and scores the study with the
command line's progress and warnings).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["OPTION_NAMES", "add_command", "cmd_plan"]

#: how the command line spells each argument of :func:`txscore.plan` (in its messages)
OPTION_NAMES = {"detect": "--detect", "power": "--power", "alpha": "--alpha",
                "compare": "--compare", "brand": "--brand", "wave": "--wave"}
#: the columns the terminal table leaves out (said in its title, or in csv and json only)
_SAID = ("compare", "detect", "power", "alpha", "population", "wave", "se", "n_eff", "sd")


def add_command(sub: Any, score_study: Callable[..., Any]) -> None:
    """Register ``txscore plan`` on the ``txscore`` sub-parsers ``sub``; its ``func`` is
    :func:`cmd_plan` with ``score_study``.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_command(parser.add_subparsers(dest="command"), lambda *a: None)
    >>> parser.parse_args(["plan", "study.toml", "--detect", "3"]).detect
    3.0
    """
    p = sub.add_parser("plan", help="sample sizes: the respondents needed to detect a change, "
                       "and the change detectable with today's bases")
    p.add_argument("study", help="the study.toml file")
    p.add_argument("--detect", type=float, default=2.0, metavar="POINTS",
                   help="the change to detect, in index points (default 2)")
    p.add_argument("--power", type=float, default=0.8,
                   help="the chance of finding a true change of that size (default 0.8)")
    p.add_argument("--alpha", type=float, default=0.05,
                   help="two-sided significance level of the test (default 0.05)")
    p.add_argument("--compare", default="previous_wave", metavar="WHAT",
                   help="previous_wave (the next wave against this one; default) or peers "
                   "(each brand against its peers' average)")
    p.add_argument("--brand", help="one brand (default: every brand)")
    p.add_argument("--wave", help="the wave whose variances and bases are used "
                   "(default: the latest)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--by", action="append", metavar="SEGMENT",
                   help="plan per segment too (repeatable)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=lambda args, found: cmd_plan(args, found, score_study))


def cmd_plan(args: argparse.Namespace, found: list, score_study: Callable[..., Any]) -> int:
    """Run ``txscore plan`` (``found``: the warnings the CLI prints); 0 when done.

    Raises
    ------
    ParameterError
        With a located problem per bad option (the CLI prints them; exit 1).
    """
    from txscore.errors import ParameterError
    from txscore.scoring.plan import check_request, plan
    from txscore.study import read_study

    if args.format != "table":
        args.quiet = True  # the progress bar would mix with the data
    result = score_study(args, read_study(args.study), found)
    request = {"detect": args.detect, "power": args.power, "alpha": args.alpha,
               "compare": args.compare, "brand": args.brand, "wave": args.wave}
    problems = check_request(result, **request, where="txscore plan", names=OPTION_NAMES)
    if problems:
        raise ParameterError("Invalid plan request", problems)
    table = plan(result, **request)
    if args.format == "csv":
        from txscore._io import csv_text

        sys.stdout.write(csv_text(table, float_format="%.10g"))
    elif args.format == "json":
        records = json.loads(table.to_json(orient="records", double_precision=15))
        json.dump({"study": result.study.name, "plan": records}, sys.stdout, indent=1,
                  ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _print(table, args, result.study.name)
    return 0


def _print(table: Any, args: argparse.Namespace, study: str) -> None:
    """The plan as a terminal table, its request in the title, its assumptions below."""
    import pandas as pd

    from txscore import cli_print
    from txscore.reporting.text import words_for

    words = words_for("en")
    what = words["plan_compare_" + args.compare]
    wave = table["wave"].iloc[0] if len(table) else ""
    title = (f"{study}, {wave}: respondents to detect {args.detect:g} points ({what}; power "
             f"{args.power:g}, two-sided alpha {args.alpha:g})")
    shown = table.drop(columns=list(_SAID))
    for c in shown.columns[shown.dtypes.astype(str) == "Int64"]:  # NA is not a number
        shown[c] = [None if v is pd.NA else int(v) for v in shown[c]]
    cli_print.print_frame(shown, title)
    out = cli_print.console()
    out.print(words["plan_reading"], markup=False)
    out.print(words["plan_assumptions"], markup=False)
