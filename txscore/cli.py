"""The command line: ``txscore init | validate | score | report | export``.

A thin layer over the Python API; :mod:`txscore.cli_print` prints.  User errors
(:class:`~txscore.errors.TxscoreError`) become a list of located problems on stderr and
exit code 1, never a traceback; warnings (:class:`~txscore.errors.TxscoreWarning`, and the
numerical warnings of NumPy or pandas, said once) are printed the way ``validate`` prints
problems, never in Python's raw form.  Usage errors exit with 2, as argparse does, and a
mistyped command, option or choice gets "did you mean ...?"; ``txscore`` alone prints the
help and exits with 0.  Ctrl-C prints one line and exits with 130.  Heavy libraries are
imported inside the commands so that ``txscore --help`` is instant.

Files: inputs are only read.  ``report`` calls :func:`txscore.reporting.report`, which
publishes all or nothing (a staging folder inside the output folder, then one atomic
rename per file: an interrupted or failed run leaves the previous report as it was and no
temporary files) and refuses an output folder holding the study's inputs unless
``--allow-input-folder`` is given.  ``export`` is the only way to get respondent-level
rows, and it replaces the respondent id by a keyed (salted) SHA-256 hash.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from txscore import cli_print

if TYPE_CHECKING:
    from txscore.errors import Problem
    from txscore.responses import Responses
    from txscore.study import Study

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
#: the environment variable holding the export's salt, unless --salt-env names another
SALT_ENV = "TXSCORE_SALT"
#: a shorter salt could be guessed, and with it every respondent id (the same as
#: txscore.reporting.export.MIN_SALT_CHARS, kept here so that --help imports nothing heavy)
MIN_SALT_CHARS = 16
#: how the output checks name the options (txscore.reporting.publish.check_output)
_OPTIONS = {"out_option": "--out", "allow_option": "--allow-input-folder"}
#: the tables of a Result that ``score --table`` prints
TABLES = ("scores", "items", "distributions", "grid", "ranks", "changes", "reliability",
          "reliability_items", "reliability_waves", "cx_weights", "bx_weights", "drivers",
          "banners", "scenarios", "planning", "exclusions", "files")
#: the tables ``score --format json`` holds when no --table is given
JSON_TABLES = ("scores", "reliability", "reliability_waves", "items", "changes", "grid",
               "ranks", "cx_weights", "drivers", "banners", "scenarios", "planning",
               "exclusions")
#: warnings of the libraries that say nothing to a user of the command line
_QUIET = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


# ---------------------------------------------------------------------- usage
class _Parser(argparse.ArgumentParser):
    """argparse that suggests: a mistyped command, option or choice gets "did you mean
    ...?" in its usage error (exit code 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.option_names: list[str] = []  # filled by add_argument (-h included)
        self.commands: dict[str, _Parser] = {}
        self.argv: list[str] = []
        super().__init__(*args, **kwargs)

    def add_argument(self, *names: Any, **kwargs: Any) -> argparse.Action:
        self.option_names += [n for n in names if isinstance(n, str) and n.startswith("-")]
        return super().add_argument(*names, **kwargs)

    def parse_known_args(self, args: Sequence[str] | None = None,
                         namespace: argparse.Namespace | None = None) -> Any:
        self.argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        command = next((a for a in self.argv if a in self.commands), None)
        # an unknown option after the command is the command's: show its usage
        target = self.commands[command] if command and message.startswith(
            "unrecognized arguments") else self
        hints = [*_choice_hints(message), *self.option_hints()]
        target.print_usage(sys.stderr)
        target.exit(EXIT_USAGE, f"{target.prog}: error: {message}"
                    + "".join(f"\n  {h}" for h in dict.fromkeys(hints)) + "\n")

    def option_hints(self) -> list[str]:
        """"did you mean" for each option of ``argv`` that no parser knows."""
        hints, parser = [], self
        for arg in self.argv:
            if arg in self.commands:
                parser = self.commands[arg]  # what follows the command is the command's
            elif arg.startswith("-") and len(arg) > 1 and not _is_number(arg):
                name = arg.split("=", 1)[0]
                known = parser.option_names
                if name in known or (name.startswith("--") and
                                     any(o.startswith(name) for o in known)):
                    continue  # known, or an abbreviation argparse accepts
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                hints.append(f"{arg}: did you mean '{close[0]}'?" if close
                             else f"{arg}: no such option ({parser.prog} --help lists them)")
        return hints


def _is_number(text: str) -> bool:
    return re.fullmatch(r"-\d+(\.\d*)?", text) is not None


def _choice_hints(message: str) -> list[str]:
    """"did you mean" for argparse's "invalid choice: 'x' (choose from ...)"."""
    m = re.search(r"invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)", message)
    if m is None:
        return []
    value = m["value"].strip("'\"")
    choices = [c.strip().strip("'\"") for c in m["choices"].split(",")]
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    return [f"did you mean '{close[0]}'?"] if close else []


# ---------------------------------------------------------------------- warnings
@contextmanager
def _warnings_into(found: list[Problem]) -> Iterator[None]:
    """Collect the warnings raised inside into ``found`` as problems of severity
    "warning": a :class:`~txscore.errors.TxscoreWarning` with its message (once each),
    every other warning (NumPy's "invalid value encountered", pandas') folded into one
    line.  Nothing reaches Python's raw warning output."""
    from txscore.errors import Problem, TxscoreWarning

    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        for category in _QUIET:
            warnings.simplefilter("ignore", category)
        try:
            yield
        finally:
            ours = [str(r.message) for r in records if issubclass(r.category, TxscoreWarning)]
            found += [Problem(m, severity="warning") for m in dict.fromkeys(ours)]
            other = [r for r in records if not issubclass(r.category, TxscoreWarning)]
            if other:
                found.append(_library_warning(other))


def _library_warning(records: list[warnings.WarningMessage]) -> Problem:
    """The warnings of NumPy, pandas and the like, in one problem."""
    from txscore.errors import Problem, shorten

    texts = list(dict.fromkeys(shorten(str(r.message).splitlines()[0] if str(r.message)
                                       else r.category.__name__) for r in records))
    n, s = len(records), "s" if len(records) > 1 else ""
    quoted = "; ".join(f"'{t}'" for t in texts[:3]) + (", ..." if len(texts) > 3 else "")
    if all(issubclass(r.category, RuntimeWarning) for r in records):
        return Problem(
            f"{n} numerical warning{s} while computing ({quoted}): a statistic that cannot "
            "be computed (no answers, no variance) is left blank.",
            fix="none needed when the blanks are cells with too few answers; otherwise "
            "please report it with the study.", severity="warning")
    return Problem(f"{n} warning{s} from the libraries txscore uses ({quoted}).",
                   fix="none needed unless a result looks wrong; then please report it "
                   "with this message.", severity="warning")


def _print_warnings(found: list[Problem]) -> None:
    if found:
        cli_print.print_problems(found, cli_print.console(stderr=True))


class _Progress:
    """A rich progress bar on a terminal; silent otherwise (pipes, CI, files)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.total = total
        self._bar = None

    def __enter__(self) -> Callable[[str], None]:
        if not self.enabled:
            return lambda _msg: None
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(TextColumn("{task.description:<40}"), BarColumn(),
                             TimeElapsedColumn(), console=cli_print.console(stderr=True),
                             transient=True)
        self._bar.__enter__()
        task = self._bar.add_task("starting", total=self.total)

        def step(msg: str) -> None:
            self._bar.update(task, advance=1, description=msg)

        return step

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


# ---------------------------------------------------------------------- commands
def _responses(study: Study, progress: Callable[[str], None],
               found: list[Problem]) -> Responses:
    """What :func:`txscore.load` returns, its warnings kept in ``found`` as problems (not
    as Python warnings): they are printed as ``validate`` prints them."""
    from txscore.errors import InputDataError
    from txscore.ingest import check

    checked = check(study, progress=lambda name: progress(f"reading {name}"))
    if checked.errors:
        n = len(checked.errors)
        raise InputDataError(f"{n} problem{'s' if n > 1 else ''} in the input files",
                             checked.errors)
    found += checked.warnings
    return checked.responses


def _segments(args: argparse.Namespace) -> tuple[str, ...]:
    """The segments of ``--by``; one given twice is refused."""
    from txscore.errors import ParameterError, Problem

    by = tuple(args.by or ())
    twice = [b for b in dict.fromkeys(by) if by.count(b) > 1]
    if twice:
        raise ParameterError("Invalid --by", [Problem(
            f"the segment '{b}' is given {by.count(b)} times.", "--by",
            f"give it once: --by {b}.") for b in twice])
    return by


def _score(args: argparse.Namespace, study: Study, found: list[Problem]):
    from txscore.scoring import score

    engine = getattr(args, "engine", None) or (study.engine.kind if study.engine else "memory")
    scheduler = getattr(args, "scheduler", None)
    if scheduler or engine == "dask":  # Dask's own progress bars, on a terminal only
        return score(study, by=_segments(args), engine="dask", scheduler=scheduler)
    if engine == "process":  # the study engine in this process: files as tasks, sums
        with _Progress(8, not getattr(args, "quiet", False)) as progress:
            return score(study, by=_segments(args), progress=progress, engine="process")
    with _Progress(len(study.sources) + 8, not getattr(args, "quiet", False)) as progress:
        responses = _responses(study, progress, found)
        return score(responses, by=_segments(args), progress=progress)


def _engine_options(p: argparse.ArgumentParser) -> None:
    """--engine and --scheduler (score, report)."""
    p.add_argument("--engine", choices=("memory", "process", "dask"),
                   help="where to score: memory (default, or the spec's [engine] kind), "
                   "process (files as tasks in this process) or dask (a Dask cluster)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler to run on "
                   "(tcp://host:8786; implies --engine dask); default: a local cluster")


def _preflight(responses: Responses, by: Sequence[str]) -> tuple[Any, list[Problem]]:
    """The result and what ``report`` would find beyond ``check``: the scoring's problems
    and warnings and everything the report does in memory
    (:func:`txscore.reporting.preflight`)."""
    from txscore.errors import Problem, TxscoreError
    from txscore.reporting import preflight
    from txscore.scoring import score

    found: list[Problem] = []
    result = None
    with _warnings_into(found):
        try:
            result = score(responses, by=by)
            found += preflight(result)
        except TxscoreError as exc:
            found += exc.problems or [Problem(str(exc.args[0] if exc.args else exc))]
        except Exception as exc:  # noqa: BLE001 - report would fail the same way: say so
            found.append(Problem(
                f"scoring and checking the report failed ({type(exc).__name__}: {exc}); "
                "report would fail the same way. This is a txscore bug.",
                fix="please report it, with this message and the study if you can share "
                "it."))
    return result, found


def cmd_validate(args: argparse.Namespace, found: list[Problem]) -> int:
    from txscore.ingest import check
    from txscore.study import read_study

    study = read_study(args.study)  # spec problems are reported before data are read
    with _Progress(len(study.sources), not args.quiet) as progress:
        checked = check(study, progress=lambda name: progress(f"reading {name}"))
    result, extra = (None, []) if checked.errors else _preflight(checked.responses,
                                                                 _segments(args))
    out, err = cli_print.console(), cli_print.console(stderr=True)
    cli_print.print_roles(study, out)
    cli_print.print_validate(checked, extra, out, err)
    problems = [*checked.problems, *extra]
    n_err = sum(p.severity == "error" for p in problems)
    n_warn = len(problems) - n_err
    warn = f" and {n_warn} warning{'s' if n_warn != 1 else ''}" if n_warn else ""
    if n_err:
        err.print(f"\n{n_err} problem{'s' if n_err > 1 else ''}{warn}: fix the errors and run "
                  "validate again (the counts above are provisional).", markup=False)
        return EXIT_ERROR
    responses = checked.responses
    if not responses.files["reconciles"].all():
        err.print("error: the reconciliation failed (rows in are not scored + excluded): "
                  "this is a txscore bug, please report it.", markup=False)
        return EXIT_ERROR
    for line in cli_print.not_computed_lines(result):
        out.print(line, markup=False)
    files = responses.files
    people = [int(files[c].sum()) for c in ("respondents_scored", "respondents_excluded")]
    rows = [responses.n, len(responses.exclusions)]
    said = [f" ({people[0]:,} people)" if people[0] != rows[0] else "",
            f", {people[1]:,} people entirely" if people[1] != rows[1] else ""]
    out.print(f"\n{study.name}: no errors{warn}. {rows[0]:,} rows{said[0]} will be scored; "
              f"{rows[1]:,} excluded{said[1]} (listed in the workbook's Exclusions sheet).",
              markup=False)
    return EXIT_OK


def cmd_init(args: argparse.Namespace, found: list[Problem]) -> int:
    from txscore.ingest.draft import write_draft

    draft = write_draft([Path(f) for f in args.files], Path(args.out), force=args.force)
    console = cli_print.console()
    console.print(f"Wrote {args.out}: {draft.summary}", markup=False)
    for line in draft.summary_lines:
        console.print(line, markup=False)
    if draft.todos:
        console.print(f"{len(draft.todos)} TODO{'s' if len(draft.todos) > 1 else ''} to "
                      "decide (marked '# TODO:' in the file):", markup=False)
        import textwrap

        for todo in draft.todos:
            console.print(textwrap.fill(todo, width=max(40, console.width - 1),
                                        initial_indent="  - ", subsequent_indent="    "),
                          markup=False)
    console.print(f"Then run: txscore validate {args.out}", markup=False)
    return EXIT_OK


def cmd_score(args: argparse.Namespace, found: list[Problem]) -> int:
    import json

    from txscore.study import read_study

    args.quiet = True
    result = _score(args, read_study(args.study), found)

    def table(name: str) -> Any:  # the exclusions name rows by file and row, ids on request
        frame = getattr(result, name)
        hide = name == "exclusions" and not args.show_ids
        return frame.drop(columns=["respondent_id"], errors="ignore") if hide else frame

    if args.format == "table":
        if args.table:
            cli_print.print_frame(table(args.table), f"{result.study.name}: {args.table}")
        else:
            cli_print.print_summary(result)
        return EXIT_OK
    if args.format == "csv":
        from txscore._io import csv_text

        sys.stdout.write(csv_text(table(args.table or "scores"), float_format="%.10g"))
        return EXIT_OK

    def records(name: str) -> list:
        return json.loads(table(name).to_json(orient="records", double_precision=15))

    payload: Any = records(args.table) if args.table else {
        "study": result.study.name, **{name: records(name) for name in JSON_TABLES}}
    json.dump(payload, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_report(args: argparse.Namespace, found: list[Problem]) -> int:
    from txscore.reporting import report
    from txscore.reporting.publish import check_output
    from txscore.study import read_study

    study = read_study(args.study)
    out = Path(args.out) if args.out else Path("reports") / Path(args.study).resolve().parent.name
    # refused before the scoring, in the command line's words; report() checks it again
    check_output(out, study, allow_input_folder=args.allow_input_folder, **_OPTIONS)
    result = _score(args, study, found)
    paths = report(result, out, charts=not args.no_charts,
                   allow_input_folder=args.allow_input_folder, show_ids=args.show_ids,
                   deck=True if args.deck else None)
    try:  # published: a Ctrl-C from here on must not say "nothing was written"
        console = cli_print.console()
        if not args.quiet:
            cli_print.print_summary(result, console)
        console.print(f"Workbook: {paths['workbook']}", markup=False)
        if "exclusions" in paths:  # the ledger is longer than a sheet holds
            console.print(f"Ledger:   {paths['exclusions']} (every excluded row)", markup=False)
        if "exclusions_dataset" in paths:  # study engine, or a ledger longer than a sheet
            console.print(f"Ledger:   {paths['exclusions_dataset']}{os.sep} (Parquet dataset, "
                          "one folder per wave)", markup=False)
        if "deck" in paths:
            console.print(f"Deck:     {paths['deck']}", markup=False)
        charts = [p for k, p in paths.items() if p.suffix == ".png"]
        if charts:
            console.print(f"Charts:   {len(charts)} PNG files in {out}", markup=False)
    except KeyboardInterrupt:
        from txscore.reporting.publish import PublishInterrupted

        raise PublishInterrupted(out, "new") from None
    return EXIT_OK


def cmd_export(args: argparse.Namespace, found: list[Problem]) -> int:
    from txscore.errors import OutputError, Problem
    from txscore.reporting.export import export, suffix_problem
    from txscore.reporting.publish import check_output
    from txscore.study import read_study

    out = Path(args.out)
    salt = os.environ.get(args.salt_env, "")
    problems = []  # refused before anything is read
    if len(salt) < MIN_SALT_CHARS:
        problems.append(Problem(
            f"the environment variable {args.salt_env} is "
            + ("not set" if not salt else f"only {len(salt)} characters long")
            + f": the export needs a secret salt of at least {MIN_SALT_CHARS} characters to "
            "hash respondent ids (it is never written anywhere).", "--salt-env",
            f"set it to a long random secret (e.g. python -c \"import secrets; "
            f"print(secrets.token_hex(32))\"), as {args.salt_env}=..., and keep it to hash "
            "later waves alike."))
    if (bad_suffix := suffix_problem(out)) is not None:
        problems.append(bad_suffix)
    if problems:
        raise OutputError("Cannot export", problems)
    study = read_study(args.study)
    check_output(out, study, allow_input_folder=args.allow_input_folder, is_file=True,
                 **_OPTIONS)
    frame = export(_responses(study, lambda _msg: None, found), out, salt=salt,
                   allow_input_folder=args.allow_input_folder)
    cli_print.console().print(
        f"Exported {len(frame):,} rows ({frame['respondent_hash'].nunique():,} respondents) "
        f"to {out}; respondent ids are replaced by HMAC-SHA256 hashes keyed with "
        f"${args.salt_env}; no personal columns.", markup=False)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the commands)."""
    parser = _Parser(
        prog="txscore", description="Total Experience scores (CX, BX, TX) from survey exports.")
    from txscore import __version__

    parser.add_argument("--version", action="version", version=f"txscore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="draft a study.toml from survey data files")
    p.add_argument("files", nargs="+", metavar="DATAFILE",
                   help="xlsx, csv/tsv, sav or parquet exports (Qualtrics, SurveyMonkey, ...)")
    p.add_argument("-o", "--out", default="study.toml", help="the spec to write "
                   "(default: study.toml; source paths are written relative to it)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("validate", help="read every file, run every check report runs "
                       "(without writing), list all problems")
    p.add_argument("study", help="the study.toml file")
    p.add_argument("--by", action="append", metavar="SEGMENT",
                   help="check the cuts report --by would make (repeatable)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("score", help="print the tidy results for scripts")
    p.add_argument("study", help="the study.toml file")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--table", choices=TABLES, metavar="TABLE",
                   help="print this table only, in any format: " + ", ".join(TABLES)
                   + " (default: the summary as a table, scores as csv, every table as json)")
    p.add_argument("--by", action="append", metavar="SEGMENT",
                   help="cut by a segment column (repeatable)")
    p.add_argument("--show-ids", action="store_true", help="keep the respondent ids in the "
                   "exclusions table (left out by default: rows are named by file and row)")
    _engine_options(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("report", help="write the Excel workbook and PNG charts")
    p.add_argument("study", help="the study.toml file")
    p.add_argument("--out", help="output folder (default: reports/<study folder>)")
    p.add_argument("--by", action="append", metavar="SEGMENT",
                   help="cut by a segment column (repeatable)")
    p.add_argument("--no-charts", action="store_true", help="workbook only")
    p.add_argument("--deck", action="store_true", help="also write the PowerPoint deck "
                   "<study name>.pptx (native charts; [report] deck = true does it too)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument("--allow-input-folder", action="store_true",
                   help="allow --out to be a folder holding the study's input files")
    p.add_argument("--show-ids", action="store_true", help="show the respondent ids in the "
                   "Exclusions ledger: the researcher's copy, not the client's")
    _engine_options(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help="write respondent-level rows (ids hashed) for "
                       "re-analysis: only on explicit request")
    p.add_argument("study", help="the study.toml file")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="the file to write: .csv, or .parquet")
    p.add_argument("--salt-env", default=SALT_ENV, metavar="VAR",
                   help=f"environment variable holding the secret salt (default {SALT_ENV}; "
                   f"required, at least {MIN_SALT_CHARS} characters)")
    p.add_argument("--allow-input-folder", action="store_true",
                   help="allow the file to be written in a folder holding input files")
    p.set_defaults(func=cmd_export)
    from txscore import cli_plan, cli_simulate, cli_tables

    for command in (cli_tables, cli_simulate, cli_plan):
        command.add_command(sub, _score)
    parser.commands.update(sub.choices)  # for "did you mean" on the command's options
    return parser


def _print_error(exc: Exception) -> None:
    """A TxscoreError: its headline, then its problems grouped by file."""
    from rich.text import Text

    from txscore.errors import TxscoreError

    err = cli_print.console(stderr=True)
    head = exc.args[0] if exc.args else str(exc)
    err.print(Text.assemble(("error: ", "bold red"), str(head)))
    problems = exc.problems if isinstance(exc, TxscoreError) else []
    if problems:
        cli_print.print_problems(problems, err)
        n = len(problems)
        err.print(f"\n{n} problem{'s' if n > 1 else ''}.", markup=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``txscore`` command; returns the exit code.

    0 when done, 1 for problems in the study or its files (each located, with its fix), 2
    for a usage error (argparse's code; with "did you mean ...?"), 130 when interrupted.
    ``txscore`` alone prints the help and returns 0.

    Examples
    --------
    >>> main(["--version"])  # doctest: +ELLIPSIS
    txscore ...
    0
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if not argv:
        parser.print_help()
        return EXIT_OK
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    from txscore.errors import TxscoreError

    found: list[Problem] = []
    try:
        with _warnings_into(found):
            code = args.func(args, found)
    except TxscoreError as exc:
        _print_warnings(found)
        _print_error(exc)
        return EXIT_ERROR
    except KeyboardInterrupt as exc:  # a report's publish says what its folder holds
        print(str(exc) or "interrupted: nothing was written (any previous report is "
              "unchanged).", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except (MemoryError, OSError) as exc:  # the machine, not the input: say which
        _print_warnings(found)
        what = "out of memory" if isinstance(exc, MemoryError) else (
            f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
        print(f"error: {what}. Fix: free memory or disk space, check the path and its "
              "permissions, or lower [report] bootstrap.", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - a defect: never a traceback for the user
        _print_warnings(found)
        print(f"error: txscore failed unexpectedly ({type(exc).__name__}: {exc}). This is a "
              "txscore bug. Fix: please report it with the command and, if you can, the "
              "study.", file=sys.stderr)
        return EXIT_ERROR
    _print_warnings(found)
    return code


if __name__ == "__main__":
    sys.exit(main())
