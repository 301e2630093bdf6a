"""``txscore simulate``: the what-if simulator on the command line.

``txscore simulate STUDY --brand B [--wave W] [--population P] --set ease=+5 --set
trust=+10% [--format table|csv|json]`` scores the study and prints
:func:`txscore.scoring.simulate.simulate`'s table; without ``--brand`` it prints the
study's ``[[scenarios]]`` (``Result.scenarios``).  :func:`add_command` registers the command
on the parser of :mod:`txscore.cli`, which passes ``score_study(args, study, found) ->
Result`` (reads, loads and scores the study with the command line's progress and warnings).
Bad requests are :class:`~txscore.errors.ParameterError` located at the option that holds
them (``--brand``, ``--set ease``), printed by the CLI with exit code 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from txscore.errors import ParameterError, Problem

__all__ = ["add_command", "parse_sets"]

#: the columns the terminal table shows (csv and json give every column)
SHOWN = ["measure", "population", "level", "before", "after", "change", "ci_low", "ci_high",
         "note"]


def parse_sets(sets: list[str] | None) -> dict[str, str]:
    """``["ease=+5", "trust=+10%"]`` -> ``{"ease": "+5", "trust": "+10%"}``.

    Raises
    ------
    ParameterError
        A ``--set`` without ``=`` or a key given twice, located ``--set``.

    Examples
    --------
    >>> parse_sets(["ease=+5", " trust = 10% "])
    {'ease': '+5', 'trust': '10%'}
    """
    out: dict[str, str] = {}
    problems = []
    for text in sets or []:
        key, eq, value = text.partition("=")
        key = key.strip()
        if not eq or not key:
            problems.append(Problem(f"'{text}' is not KEY=SHIFT.", "--set",
                                    "e.g. --set ease=+5 or --set trust=+10%."))
        elif key in out:
            problems.append(Problem(f"'{key}' is set twice.", f"--set {key}",
                                    "give each key once."))
        else:
            out[key] = value.strip()
    if problems:
        raise ParameterError("Invalid --set", problems)
    return out


def _located(err: ParameterError) -> ParameterError:
    """The API's locations in the command line's words (``changes['ease']`` -> ``--set
    ease``)."""
    def where(w: str) -> str:
        if w.startswith("changes[") and w.endswith("]"):
            return "--set " + w[len("changes["):-1].strip("'\"")
        return {"changes": "--set", "brand": "--brand", "wave": "--wave",
                "population": "--population"}.get(w, w)

    def fix(p: Problem) -> str:  # the API's example, in options
        if p.where.startswith("changes[") and p.fix.startswith("e.g. {"):
            key = p.where[len("changes["):-1].strip("'\"")
            return f"e.g. --set {key}=+5 or --set {key}=+10%."
        return p.fix

    return ParameterError(err.args[0] if err.args else "Invalid what-if request.",
                          [replace(p, where=where(p.where), fix=fix(p)) for p in err.problems])


def _print_table(frame: Any, title: str, language: str) -> None:
    from txscore import cli_print
    from txscore.reporting.text import words_for

    words = words_for(language)
    out = cli_print.console()
    blocks = frame.groupby("scenario", sort=False) if "scenario" in frame else [(None, frame)]
    for name, part in blocks:
        where = f"{part['brand'].iloc[0]}, {part['wave'].iloc[0]}"
        cli_print.print_frame(part[SHOWN].reset_index(drop=True),
                              f"{title}: {name} ({where})" if name else f"{title} ({where})",
                              out)
        first = part.iloc[0]
        q = words.quadrants
        if first["quadrant_before"]:
            key = "sim_quadrant_same" if first["quadrant_before"] == first[
                "quadrant_after"] else "sim_quadrant"
            out.print(words[key].format(
                before=q.get(first["quadrant_before"], first["quadrant_before"]),
                after=q.get(first["quadrant_after"], first["quadrant_after"]) or "—",
                p=words.num(first["p_quadrant_before"], 2)), markup=False)
    out.print(words["sim_assumptions"], markup=False, style="dim")


def _run(args: argparse.Namespace, found: list[Problem],
         score_study: Callable[..., Any]) -> int:
    from txscore._io import csv_text
    from txscore.scoring.simulate import simulate
    from txscore.study import read_study

    changes = parse_sets(args.set)
    study = read_study(args.study)
    if args.brand is None and not study.scenarios:
        raise ParameterError("Nothing to simulate", [Problem(
            "no --brand is given and the study has no [[scenarios]].", "--brand",
            "give --brand B --set ease=+5, or add [[scenarios]] to the study.")])
    if args.brand is None and (changes or args.wave or args.population):
        raise ParameterError("Nothing to simulate", [Problem(
            "--set, --wave and --population need --brand.", "--brand",
            "give --brand B, or leave them out to print the study's [[scenarios]].")])
    result = score_study(args, study, found)
    title = f"{study.name}: what if"
    if args.brand is None:
        frame = result.scenarios
    else:
        try:
            frame = simulate(result, brand=args.brand, wave=args.wave, changes=changes,
                             population=args.population)
        except ParameterError as err:
            raise _located(err) from None
    if args.format == "table":
        _print_table(frame, title, study.report.language)
    elif args.format == "csv":
        sys.stdout.write(csv_text(frame, float_format="%.10g"))
    else:
        json.dump(json.loads(frame.to_json(orient="records", double_precision=15)),
                  sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    return 0


def add_command(sub: Any, score_study: Callable[..., Any]) -> None:
    """Register ``txscore simulate`` (its parser sets ``func``).

    Examples
    --------
    >>> import argparse
    >>> sub = argparse.ArgumentParser().add_subparsers()
    >>> add_command(sub, lambda args, study, found: None)
    >>> sub.choices["simulate"].parse_args(["s.toml", "--brand", "B", "--set", "ease=5"]).set
    ['ease=5']
    """
    p = sub.add_parser("simulate", help="what-if: the change in each index associated with "
                       "shifting a brand's dimensions, pillars or items")
    p.add_argument("study", help="the study.toml file")
    p.add_argument("--brand", help="the brand to simulate (without: the study's "
                   "[[scenarios]])")
    p.add_argument("--wave", help="the wave (default: the latest)")
    p.add_argument("--population", choices=("customer", "non_customer"),
                   help="shift this population's answers only (default: every population "
                   "answering the key)")
    p.add_argument("--set", action="append", metavar="KEY=SHIFT",
                   help="a dimension, pillar or item and its shift: score points (ease=+5) "
                   "or a share of respondents one answer box up (trust=+10%%); repeatable")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    # a simulation needs whole brand cells: the scores are not cut by segments
    p.set_defaults(func=lambda args, found: _run(args, found, score_study), by=None)
