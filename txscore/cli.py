"""The command line: ``txscore init | validate | score | report | export``.

A thin layer over the Python API.  User errors (:class:`~txscore.errors.TxscoreError`)
become a list of located problems on stderr and exit code 1, never a traceback; Ctrl-C
prints one line and exits with 130.  Heavy libraries are imported inside the commands so
that ``txscore --help`` is instant.

Files: inputs are only read.  ``report`` calls :func:`txscore.reporting.report`, which
publishes all or nothing (a staging folder inside the output folder, then one atomic
rename per file: an interrupted or failed run leaves the previous report as it was and no
temporary files) and refuses an output folder holding the study's inputs unless
``--allow-input-folder`` is given.  ``export`` is the only way to get respondent-level
rows, and it replaces the respondent id by a keyed (salted) SHA-256 hash.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 130
#: the environment variable holding the export's salt, unless --salt-env names another
SALT_ENV = "TXSCORE_SALT"
#: a shorter salt could be guessed, and with it every respondent id (the same as
#: txscore.reporting.export.MIN_SALT_CHARS, kept here so that --help imports nothing heavy)
MIN_SALT_CHARS = 16
#: how the output checks name the options (txscore.reporting.publish.check_output)
_OPTIONS = {"out_option": "--out", "allow_option": "--allow-input-folder"}


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # a pipe or file has no width: use a wide one so names are never cut off
    width = None if stream.isatty() else 160
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _print_problems(exc: Exception) -> None:
    from txscore.errors import TxscoreError

    err = _console(stderr=True)
    head = exc.args[0] if exc.args else str(exc)
    err.print(f"[bold red]error:[/] {head}", markup=True)
    problems = exc.problems if isinstance(exc, TxscoreError) else []
    groups: dict[str, list] = {}
    for p in problems:
        file = p.where.split(",")[0].split(" [")[0] if p.where else ""
        groups.setdefault(file, []).append(p)
    for file, items in groups.items():
        if file:
            err.print(f"\n[bold]{file}[/]", markup=True)
        for p in items:
            err.print(f"  - {p}", markup=False)
    if problems:
        n = len(problems)
        err.print(f"\n{n} problem{'s' if n > 1 else ''}.", markup=False)


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
                             TimeElapsedColumn(), console=_console(stderr=True),
                             transient=True)
        self._bar.__enter__()
        task = self._bar.add_task("starting", total=self.total)

        def step(msg: str) -> None:
            self._bar.update(task, advance=1, description=msg)

        return step

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _load(study_path: str, progress: Callable[[str], None]):
    from txscore.ingest import load
    from txscore.study import read_study

    study = read_study(study_path)
    return load(study, progress=lambda name: progress(f"reading {name}"))


def _fmt(value: float, flag: str, suppressed: str) -> str:
    """A score as the summary prints it: ``suppressed`` (the "n<30" text) for a suppressed
    cell, a star after a caution or low-base one."""
    if flag == "suppressed":
        return suppressed
    if value != value:  # NaN
        return "–"
    return f"{value:.1f}" + ("*" if flag in ("low_base", "caution") else "")


def print_summary(result, console=None) -> None:
    """The short summary table: TX, CX, BX customers/non-customers with bases."""
    from rich.table import Table

    from txscore.study.vocabulary import TOTAL

    console = console or _console()
    s = result.scores
    measures = [("tx", "TX"), ("cx", "CX"), ("bx_customers", "BX cust."),
                ("bx_non_customers", "BX non-cust.")]
    table = Table(title=f"{result.study.name}: summary", title_justify="left")
    for col in ("Wave", *[b.capitalize() for b in result.by], "Brand"):
        table.add_column(col, no_wrap=True)
    for _, head in measures:
        table.add_column(head, justify="right")
    table.add_column("n cust.", justify="right")
    table.add_column("n non-cust.", justify="right")
    keys = ["wave", *result.by, "brand"]
    r = result.study.report
    suppressed = f"n<{r.suppress_below:g}"
    idx = s.set_index(["measure", *keys])
    waves = {w: i for i, w in enumerate(result.study.waves)}
    tx = s[s["measure"] == "tx"]
    tx = tx.assign(_w=tx["wave"].map(waves), _t=tx["brand"] == TOTAL).sort_values(
        ["_w", *result.by, "_t"], kind="stable")
    for rec in tx.itertuples(index=False):
        key = tuple(getattr(rec, k) for k in keys)
        cells = []
        for m, _ in measures:
            row = idx.loc[(m, *key)] if (m, *key) in idx.index else None
            cells.append(_fmt(row["value"], row["flag"], suppressed)
                         if row is not None else "–")
        bases = []
        for m in ("customer_score", "non_customer_score"):
            row = idx.loc[(m, *key)] if (m, *key) in idx.index else None
            bases.append(f"{int(row['n']):,}" if row is not None else "–")
        table.add_row(*[str(k) for k in key], *cells, *bases,
                      style="bold" if rec.brand == TOTAL else None)
    console.print(table)
    console.print(f"Scores 0–100. n<{r.suppress_below:g}: effective base below "
                  f"{r.suppress_below:g}, suppressed; "
                  f"*: effective base below {r.caution_below:g}, read with care.",
                  style="dim")


# ---------------------------------------------------------------------- commands
def _file_of(where: str) -> str:
    """The file a problem is about ("customers.xlsx, sheet 'R', row 4" -> customers.xlsx)."""
    return where.split(",")[0].split(" [")[0] if where else ""


def _row_list(rows, limit: int = 5) -> str:
    rows = list(dict.fromkeys(int(r) for r in rows))
    more = len(rows) - limit
    return ", ".join(map(str, rows[:limit])) + (f" and {more} more" if more > 0 else "")


def _validate_report(checked, console, err) -> None:
    """Problems and exclusions grouped by file, then the reconciliation table."""
    from rich.table import Table

    from txscore.ingest.quality import REASONS
    from txscore.reporting.text import words_for

    words = words_for("en")  # the ledger holds codes; the terminal gets English words
    responses = checked.responses
    groups: dict[str, list[tuple[str, str]]] = {}
    for p in checked.problems:
        groups.setdefault(_file_of(p.where), []).append((p.severity, str(p)))
    ledger = responses.exclusions
    for (file, reason), part in ledger.groupby(["source_file", "reason"], sort=False):
        example = words.detail(next((d for d in part["detail"] if d), ""))
        groups.setdefault(file, []).append((
            "excluded", f"{len(part):,} row{'s' if len(part) > 1 else ''}: "
            f"{words.reason_texts.get(reason, reason)} (row{'s' if len(part) > 1 else ''} "
            f"{_row_list(part['source_row'])})" + (f", e.g. {example}" if example else "")))
    style = {"error": "bold red", "warning": "yellow", "excluded": "dim"}
    for file, items in groups.items():
        out = err if any(sev != "excluded" for sev, _ in items) else console
        if file:
            out.print(f"\n[bold]{file}[/]", markup=True)
        for sev, text in sorted(items, key=lambda x: ("error", "warning", "excluded").index(
                x[0])):
            out.print(f"  [{style[sev]}]{sev}:[/] ", markup=True, end="")
            out.print(text, markup=False)
    files = responses.files
    table = Table(title="Reconciliation per file (rows in = scored + excluded)",
                  title_justify="left")
    for col in ("File", "Layout", "Population", "Wave", "Rows in", "Scored", "Excluded",
                "Reasons", "OK"):
        table.add_column(col, justify="right" if col in ("Rows in", "Scored", "Excluded")
                         else "left")
    for rec in files.itertuples(index=False):
        name = rec.source_file + (f" [{rec.source_sheet}]" if rec.source_sheet else "")
        rows_in = f"{rec.rows_in:,}" + (f" ({rec.file_rows:,} x {rec.brands} brands)"
                                        if rec.brands > 1 else "")
        if not rec.checked:
            table.add_row(name, rec.layout or "–", rec.population, rec.wave,
                          f"{rec.rows_in:,}" if rec.rows_in else "–", "–", "–",
                          "not checked: see the errors above", "–")
            continue
        reasons = ", ".join(f"{getattr(rec, r)} {words.reasons[r].lower()}" for r in REASONS
                            if getattr(rec, r))
        table.add_row(name, rec.layout, rec.population, rec.wave, rows_in, f"{rec.scored:,}",
                      f"{rec.excluded:,}", reasons or "–", "yes" if rec.reconciles else "NO")
    console.print()
    console.print(table)


def cmd_validate(args: argparse.Namespace) -> int:
    from txscore.ingest import check
    from txscore.study import read_study

    study = read_study(args.study)  # spec problems are reported before data are read
    with _Progress(len(study.sources), not args.quiet) as progress:
        checked = check(study, progress=lambda name: progress(f"reading {name}"))
    console, err = _console(), _console(stderr=True)
    _validate_report(checked, console, err)
    responses = checked.responses
    n_err, n_warn = len(checked.errors), len(checked.warnings)
    warn = f" and {n_warn} warning{'s' if n_warn != 1 else ''}" if n_warn else ""
    if n_err:
        err.print(f"\n{n_err} problem{'s' if n_err > 1 else ''}{warn}: fix the errors and run "
                  "validate again (the counts above are provisional).", markup=False)
        return EXIT_ERROR
    if not responses.files["reconciles"].all():
        console.print("Reconciliation failed: this is a txscore bug, please report it.")
        return EXIT_ERROR
    console.print(f"{study.name}: no errors{warn}. {responses.n:,} rows will be scored, "
                  f"{len(responses.exclusions):,} excluded (listed in the workbook's "
                  "Exclusions sheet).")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from txscore.ingest.draft import write_draft

    draft = write_draft([Path(f) for f in args.files], Path(args.out), force=args.force)
    console = _console()
    console.print(f"Wrote {args.out}: {draft.summary}", markup=False)
    if draft.todos:
        console.print(f"{len(draft.todos)} TODO{'s' if len(draft.todos) > 1 else ''} to "
                      "decide (marked '# TODO:' in the file):", markup=False)
        for todo in draft.todos:
            console.print(f"  - {todo}", markup=False)
    console.print(f"Then run: txscore validate {args.out}", markup=False)
    return EXIT_OK


def _score(args: argparse.Namespace, steps: int):
    from txscore.scoring import score

    with _Progress(steps, not getattr(args, "quiet", False)) as progress:
        responses = _load(args.study, progress)
        result = score(responses, by=args.by or (), progress=progress)
    return result, progress


def cmd_score(args: argparse.Namespace) -> int:
    import json

    args.quiet = True
    result, _ = _score(args, 10)
    tables = {"scores": result.scores, "reliability": result.reliability,
              "items": result.items, "changes": result.changes, "grid": result.grid,
              "cx_weights": result.cx_weights, "drivers": result.drivers,
              "exclusions": result.exclusions}
    if args.format == "table":
        print_summary(result)
        return EXIT_OK
    if args.format == "csv":
        sys.stdout.write(tables[args.table].to_csv(index=False, float_format="%.10g"))
        return EXIT_OK
    payload = {"study": result.study.name,
               **{name: json.loads(frame.to_json(orient="records", double_precision=15))
                  for name, frame in tables.items()}}
    json.dump(payload, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from txscore.reporting import report
    from txscore.reporting.publish import check_output
    from txscore.study import read_study

    study = read_study(args.study)
    out = Path(args.out) if args.out else Path("reports") / Path(args.study).resolve().parent.name
    # refused before the scoring, in the command line's words; report() checks it again
    check_output(out, study, allow_input_folder=args.allow_input_folder, **_OPTIONS)
    result, _ = _score(args, 10)
    paths = report(result, out, charts=not args.no_charts,
                   allow_input_folder=args.allow_input_folder)
    console = _console()
    if not args.quiet:
        print_summary(result, console)
    console.print(f"Workbook: {paths['workbook']}")
    charts = [p for k, p in paths.items() if k != "workbook"]
    if charts:
        console.print(f"Charts:   {len(charts)} PNG files in {out}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from txscore.errors import OutputError, Problem
    from txscore.ingest import load
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
    frame = export(load(study), out, salt=salt, allow_input_folder=args.allow_input_folder)
    _console().print(f"Exported {len(frame):,} rows ({frame['respondent_hash'].nunique():,} "
                     f"respondents) to {out}; respondent ids are replaced by HMAC-SHA256 "
                     f"hashes keyed with ${args.salt_env}; no personal columns.", markup=False)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the commands)."""
    parser = argparse.ArgumentParser(
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

    p = sub.add_parser("validate", help="read every file, run every check, list all problems")
    p.add_argument("study", help="the study.toml file")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("score", help="print the tidy results for scripts")
    p.add_argument("study", help="the study.toml file")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--table", default="scores",
                   choices=("scores", "reliability", "items", "changes", "grid", "cx_weights",
                            "drivers", "exclusions"), help="which table --format csv prints")
    p.add_argument("--by", action="append", metavar="SEGMENT",
                   help="cut by a segment column (repeatable)")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("report", help="write the Excel workbook and PNG charts")
    p.add_argument("study", help="the study.toml file")
    p.add_argument("--out", help="output folder (default: reports/<study folder>)")
    p.add_argument("--by", action="append", metavar="SEGMENT",
                   help="cut by a segment column (repeatable)")
    p.add_argument("--no-charts", action="store_true", help="workbook only")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument("--allow-input-folder", action="store_true",
                   help="allow --out to be a folder holding the study's input files")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``txscore`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    from txscore.errors import TxscoreError

    try:
        return args.func(args)
    except TxscoreError as exc:
        _print_problems(exc)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted: nothing was written (any previous report is unchanged).",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
