"""What the command line prints: problems and warnings, the summary, validate's per-file
tables and any result table, fitted to the terminal.

Every table fits the console's width (80 columns and up): text wraps inside its cell, file
names are never cut (their column keeps its width while the other columns wrap).  A pipe
or a file has no width: the console is then :data:`PIPE_WIDTH` wide unless ``COLUMNS``
says otherwise.  Problems and warnings are printed alike, grouped by the file they are
about, each as its message, location and fix (:class:`txscore.errors.Problem`).  Heavy
libraries are imported inside the functions, so that ``txscore --help`` stays instant.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from txscore.errors import Problem
    from txscore.ingest import Checked
    from txscore.result import Result
    from txscore.study import Source, Study

__all__ = ["PIPE_WIDTH", "SEVERITIES", "Col", "console", "file_of", "fitted_table",
           "not_computed_lines", "print_findings", "print_frame", "print_problems", "print_roles",
           "print_summary", "print_table", "print_validate"]

#: the width of a console writing to a pipe or a file (``COLUMNS`` overrides it)
PIPE_WIDTH = 160
#: the kinds of findings, in the order they are listed within a file
SEVERITIES = ("error", "warning", "excluded")
_STYLE = {"error": "bold red", "warning": "yellow", "excluded": "dim"}
#: the summary's score columns: measure code and header
_SUMMARY = (("tx", "TX"), ("cx", "CX"), ("bx_customers", "BX cust."),
            ("bx_non_customers", "BX non-cust."))
#: the summary's base columns: header and the measures whose n it shows, first found
_BASES = (("n cust.", ("customer_score", "cx", "bx_customers")),
          ("n non-cust.", ("non_customer_score", "bx_non_customers")))


def console(stderr: bool = False, width: int | None = None) -> Console:
    """A rich console on stdout (or stderr) as wide as the terminal, ``COLUMNS``, or
    :data:`PIPE_WIDTH` for a pipe or a file (where messages are not wrapped: a line per
    problem, whole for grep; tables still fit the width).

    >>> console(width=80).width
    80
    """
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    pipe = width is None and not stream.isatty() and not os.environ.get("COLUMNS", "").isdigit()
    # into a pipe or a file, a message stays on one line (grep finds it whole)
    return Console(stderr=stderr, highlight=False, soft_wrap=pipe,
                   width=PIPE_WIDTH if pipe else width)


def file_of(where: str) -> str:
    """The file a problem is about.

    >>> file_of("customers.xlsx, sheet 'R', row 4"), file_of("study.toml [items.q1]")
    ('customers.xlsx', 'study.toml')
    """
    return where.split(",")[0].split(" [")[0] if where else ""


def _grid() -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)  # two spaces and the kind: "  warning:"
    grid.add_column(overflow="fold")  # the text wraps under itself
    return grid


def print_findings(findings: Iterable[tuple[str, str, str]], out: Console,
                   err: Console | None = None) -> None:
    """Findings ``(severity, file, text)`` grouped by file: its errors, then warnings, then
    exclusions, each text wrapping under itself.  A file with an error or a warning goes
    to ``err`` (stderr), one with exclusions only to ``out``.

    >>> from io import StringIO
    >>> from rich.console import Console
    >>> c = Console(file=StringIO(), width=40)
    >>> print_findings([("warning", "a.csv", "a.csv, row 2: odd value.")], c)
    >>> c.file.getvalue().splitlines()[1:]
    ['a.csv', '  warning: a.csv, row 2: odd value.']
    """
    from rich.text import Text

    groups: dict[str, list[tuple[str, str]]] = {}
    for severity, file, text in findings:
        groups.setdefault(file, []).append((severity, text))
    for file, items in groups.items():
        target = err if err is not None and any(s != "excluded" for s, _ in items) else out
        target.print()
        if file:
            target.print(Text(file, style="bold"))
        grid = _grid()
        for severity, text in sorted(items, key=lambda x: SEVERITIES.index(x[0])):
            label = Text(f"  {severity}:", style=_STYLE[severity])
            if target.soft_wrap:  # a pipe or a file: one line each
                target.print(Text.assemble(label, " ", text))
            else:
                grid.add_row(label, Text(text))
        if grid.row_count:
            target.print(grid)


def print_problems(problems: Sequence[Problem], out: Console,
                   err: Console | None = None) -> None:
    """Problems (errors and warnings) as :func:`print_findings` lists them.

    >>> from io import StringIO
    >>> from rich.console import Console
    >>> from txscore.errors import Problem
    >>> c = Console(file=StringIO(), width=80)
    >>> print_problems([Problem("Odd.", "a.csv, row 2", "Fix it.", "warning")], c)
    >>> c.file.getvalue().splitlines()[2]
    '  warning: a.csv, row 2: Odd. Fix: Fix it.'
    """
    print_findings(((p.severity if p.severity in SEVERITIES else "warning",
                     file_of(p.where), str(p)) for p in problems), out, err)


# ---------------------------------------------------------------------- fitted tables
@dataclass(frozen=True)
class Col:
    """A column of a :func:`fitted_table`: its header, alignment, and whether its cells
    stay whole (file names, numbers: never wrapped while the table can fit)."""

    header: str
    justify: Literal["left", "right"] = "left"
    whole: bool = False


#: the characters between two columns of a fitted table
_GAP = 2


def _longest(texts: Iterable[str], split: Callable[[str], list[str]]) -> int:
    from rich.cells import cell_len

    return max((cell_len(part) for t in texts for part in split(t)), default=0)


def _header_parts(header: str) -> list[str]:
    """Where a header may break: at spaces, and after underscores (``n_eff`` -> ``n_``,
    ``eff``)."""
    return [p for word in header.split() for p in re.findall(r"[^_]*_|[^_]+", word)]


def _wrap_header(header: str, width: int) -> str:
    """A header broken into lines of ``width`` at spaces and after underscores."""
    lines: list[str] = []
    for word in header.split():
        for i, part in enumerate(re.findall(r"[^_]*_|[^_]+", word)):
            glue = "" if i else " "
            if lines and len(lines[-1]) + len(glue) + len(part) <= width:
                lines[-1] += glue + part
            else:
                lines.append(part)
    return "\n".join(lines)


def _fit(natural: list[int], minimum: list[int], whole: list[bool], room: int) -> list[int]:
    """Column widths that fit ``room``: the widest columns shrink first, down to their
    longest word; only when that is not enough do words fold, whole columns last."""
    widths = list(natural)
    for floor, last in ((minimum, False), ([1] * len(widths), False), ([1] * len(widths), True)):
        while sum(widths) > room:
            shrinkable = [i for i, w in enumerate(widths)
                          if w > floor[i] and (last or not whole[i] or floor is minimum)]
            if not shrinkable:
                break
            widths[max(shrinkable, key=lambda i: widths[i])] -= 1
    return widths


def fitted_table(cols: Sequence[Col], rows: Sequence[Sequence[str]], width: int, *,
                 sections: Iterable[int] = ()) -> Table:
    """A table of texts no wider than ``width``: each column as wide as its longest line
    when they fit, else the widest columns wrap at spaces (headers also after
    underscores); a whole column keeps its longest line on one line while the others can
    wrap.  Nothing is cut: a word wider than its column folds onto the next line.
    ``sections`` are the rows after which a blank line is drawn.

    >>> from io import StringIO
    >>> from rich.console import Console
    >>> c = Console(file=StringIO(), width=30)
    >>> c.print(fitted_table([Col("File", whole=True), Col("What")],
    ...                      [["a_long_file_name.csv", "one two three four"]], 30))
    >>> print("\\n".join(line.rstrip() for line in c.file.getvalue().splitlines()))
    File                  What
    ──────────────────────────────
    a_long_file_name.csv  one two
                          three
                          four
    """
    from rich import box
    from rich.table import Table

    texts = [[str(r[j]) for r in rows] for j in range(len(cols))]
    natural = [max(_longest([c.header], str.splitlines),
                   _longest(t, str.splitlines)) for c, t in zip(cols, texts, strict=True)]
    minimum = [max(_longest([c.header], _header_parts),
                   _longest(t, str.splitlines if c.whole else str.split))
               for c, t in zip(cols, texts, strict=True)]
    widths = _fit(natural, minimum, [c.whole for c in cols], width - _GAP * (len(cols) - 1))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for col, w in zip(cols, widths, strict=True):
        table.add_column(_wrap_header(col.header, w), width=max(w, 1), justify=col.justify,
                         overflow="fold")
    ends = set(sections)
    for i, row in enumerate(rows):
        table.add_row(*map(str, row), end_section=i in ends)
    return table


def print_table(title: str, cols: Sequence[Col], rows: Sequence[Sequence[str]],
                out: Console, *, sections: Iterable[int] = ()) -> None:
    """A title line, then :func:`fitted_table` as wide as ``out`` at most."""
    from rich.text import Text

    out.print(Text(title, style="bold"))
    out.print(fitted_table(cols, rows, out.width, sections=sections))


# ---------------------------------------------------------------------- the summary
def _cell(value: float, flag: str, suppressed: str) -> str:
    """A score as the summary prints it: ``suppressed`` (the "n<30" text) for a suppressed
    cell, a star after a caution or low-base one, a dash for no number."""
    if flag == "suppressed":
        return suppressed
    if value != value:  # NaN
        return "–"
    return f"{value:.1f}" + ("*" if flag in ("low_base", "caution") else "")


def _summary_rows(result: Result) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The rows of the summary (wave, segments, brand; totals last in each wave) and, per
    measure shown, its rows indexed by those keys."""
    from txscore.study.vocabulary import TOTAL

    keys = ["wave", *result.by, "brand"]
    wanted = [m for m, _ in _SUMMARY] + [m for _, ms in _BASES for m in ms]
    s = result.scores[result.scores["measure"].isin(wanted)]
    rows = s[keys].drop_duplicates()
    waves = {w: i for i, w in enumerate(result.study.waves)}
    rows = rows.assign(_w=rows["wave"].map(waves).fillna(len(waves)),
                       _t=rows["brand"] == TOTAL).sort_values(["_w", *result.by, "_t"],
                                                              kind="stable")
    by_measure = {m: part.drop_duplicates(keys).set_index(keys)
                  for m, part in s.groupby("measure", sort=False)}
    return rows[keys], by_measure


def print_summary(result: Result, out: Console | None = None) -> None:
    """The short summary table: TX, CX, BX customers / non-customers with their bases.

    Only the indices the result holds get a column; :func:`not_computed_lines` says once
    which could not be computed and why.
    """
    from txscore.study.vocabulary import TOTAL

    out = out or console()
    r = result.study.report
    suppressed = f"n<{r.suppress_below:g}"
    rows, by_measure = _summary_rows(result)
    scores = [(m, head) for m, head in _SUMMARY if m in by_measure]
    bases = [(head, [m for m in ms if m in by_measure]) for head, ms in _BASES
             if any(m in by_measure for m in ms)]
    cols = [Col(c) for c in ("Wave", *[b.capitalize() for b in result.by], "Brand")]
    cols += [Col(head, "right", whole=True)
             for head in [h for _, h in scores] + [h for h, _ in bases]]
    lines = []
    for key in rows.itertuples(index=False, name=None):
        cells = [*map(str, key)]
        for m, _ in scores:
            row = by_measure[m].loc[key] if key in by_measure[m].index else None
            cells.append("–" if row is None else _cell(row["value"], row["flag"], suppressed))
        for _, ms in bases:
            found = next((by_measure[m].loc[key] for m in ms if key in by_measure[m].index),
                         None)
            cells.append("–" if found is None else f"{int(found['n']):,}")
        lines.append(cells)
    if lines:
        # a blank line after each wave's total
        ends = [i for i, key in enumerate(rows["brand"]) if key == TOTAL]
        print_table(f"{result.study.name}: summary", cols, lines, out, sections=ends)
        out.print(f"Scores 0–100. n<{r.suppress_below:g}: effective base below "
                  f"{r.suppress_below:g}, suppressed; *: effective base below "
                  f"{r.caution_below:g}, read with care.", style="dim")
    for line in not_computed_lines(result):
        out.print(line, markup=False)


def not_computed_lines(result: Result | None) -> list[str]:
    """One sentence per reason of :attr:`txscore.Result.not_computed`, naming the indices
    it leaves out (the report's words, :meth:`txscore.reporting.text.Words.missing`)."""
    from txscore.reporting.text import words_for

    return words_for("en").missing(result.not_computed) if result is not None else []


# ---------------------------------------------------------------------- any result table
def _text_column(values: pd.Series) -> list[str]:
    """A column as printed: numbers with the same decimals down the column (1 from 100
    up, 2 from 1, 3 below; 3 significant digits for a column of tiny numbers), blanks for
    missing values.

    >>> import pandas as pd
    >>> _text_column(pd.Series([61.234, 5.0, None])), _text_column(pd.Series([0.0001234]))
    (['61.23', '5.00', ''], ['0.000123'])
    """
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(values):
        return ["yes" if v else "no" for v in values]
    if pd.api.types.is_integer_dtype(values):
        return [str(v) for v in values]
    if pd.api.types.is_float_dtype(values):
        finite = np.abs(values.to_numpy(float))
        top = np.nanmax(finite, initial=0.0, where=np.isfinite(finite))
        spec = ",.1f" if top >= 100 else ".2f" if top >= 1 else ".3f" if top >= 0.01 else ".3g"
        return ["" if v != v else format(v, spec) for v in values]
    return ["" if v is None or v != v else str(v) for v in values]


#: the width a text column asks for when a table is cut into blocks (longer texts wrap)
_BLOCK_TEXT = 24
#: at most this many leading columns identify the rows of a table cut into blocks
_MAX_KEYS = 5


def _keys(frame: pd.DataFrame, asks: list[int], width: int) -> int:
    """How many leading columns a table cut into blocks repeats: the fewest that identify
    every row (at most :data:`_MAX_KEYS`, and 3/4 of the width), else the leading text
    columns that fit."""
    n, used = 0, 0
    for i in range(min(_MAX_KEYS, len(frame.columns) - 1)):
        if n and used + asks[i] > width * 3 // 4:
            break
        n, used = i + 1, used + asks[i]
        if not frame.iloc[:, :n].duplicated().any():
            return n
    text = [frame[c].dtype.kind not in "iufb" for c in frame.columns[:n]]
    return max(1, next((i for i, t in enumerate(text) if not t), n))


def _blocks(frame: pd.DataFrame, cols: Sequence[Col], texts: list[list[str]],
            width: int) -> tuple[list[int], list[list[int]]]:
    """The key columns (:func:`_keys`) and the other columns' blocks of a table too wide
    for ``width``: the keys start every block, the other columns follow in order, as many
    as fit side by side (a text column asking for at most :data:`_BLOCK_TEXT` characters,
    or its longest word)."""
    asks = [max(_longest([c.header], _header_parts),
                _longest(t, str.splitlines) if c.whole else
                max(_longest(t, str.split), min(_longest(t, str.splitlines), _BLOCK_TEXT)))
            + _GAP
            for c, t in zip(cols, texts, strict=True)]
    keys = list(range(_keys(frame, asks, width))) if sum(asks) > width + _GAP else []
    blocks: list[list[int]] = [[]]
    for i in range(len(keys), len(cols)):
        used = sum(asks[k] for k in [*keys, *blocks[-1]])
        if blocks[-1] and used + asks[i] > width + _GAP:
            blocks.append([])
        blocks[-1].append(i)
    return keys, blocks


def print_frame(frame: pd.DataFrame, title: str, out: Console | None = None) -> None:
    """One result table (``txscore score --table NAME``) as a terminal table as wide as
    ``out`` at most: texts and headers wrap, numbers and file names stay whole; a table
    whose columns do not fit side by side is printed in parts, each repeating the leading
    columns that identify a row.  Columns without any value are named, not shown.
    Nothing is cut.

    >>> import pandas as pd
    >>> from io import StringIO
    >>> from rich.console import Console
    >>> c = Console(file=StringIO(), width=80)
    >>> print_frame(pd.DataFrame({"construct": ["trust"], "alpha": [0.8123]}), "t", c)
    >>> "0.812" in c.file.getvalue()
    True
    """
    out = out or console()
    empty = [c for c in frame.columns if len(frame) and
             frame[c].map(lambda v: v is None or v != v or v == "").all()]
    frame = frame.drop(columns=empty)
    cols = [Col(str(name), "right" if frame[name].dtype.kind in "iuf" else "left",
                whole=frame[name].dtype.kind in "iufb" or str(name).endswith("file"))
            for name in frame.columns]
    texts = [_text_column(frame[name]) for name in frame.columns]
    keys, blocks = _blocks(frame, cols, texts, out.width)
    for n, block in enumerate(blocks, 1):
        part = f" (part {n} of {len(blocks)})" if len(blocks) > 1 else ""
        if n > 1:
            out.print()
        shown = [*keys, *block]
        print_table(title + part, [cols[j] for j in shown],
                    [[texts[j][i] for j in shown] for i in range(len(frame))], out)
    if frame.empty:
        out.print("(no rows)", style="dim")
    if empty:
        out.print(f"Without any value (not shown): {', '.join(map(str, empty))}.", style="dim")


# ---------------------------------------------------------------------- validate
def _ledger_findings(checked: Checked) -> list[tuple[str, str, str]]:
    """The exclusions of each file and reason, with the first rows and an example."""
    from txscore.reporting.text import words_for

    words = words_for("en")  # the ledger holds codes; the terminal gets English words
    found = []
    ledger = checked.responses.exclusions
    for (file, reason), part in ledger.groupby(["source_file", "reason"], sort=False):
        example = words.detail(next((d for d in part["detail"] if d), ""))
        rows = list(dict.fromkeys(int(r) for r in part["source_row"]))  # one per person
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        s = "s" if len(rows) > 1 else ""
        count = _rows_people(len(part), len(rows)).replace("\n", ", ")
        if len(part) == len(rows):
            count += f" row{s}"
        found.append(("excluded", file, (
            f"{count}: {words.reason_texts.get(reason, reason)} (file row{s} "
            f"{', '.join(map(str, rows[:5]))}{more})" + (f", e.g. {example}" if example
                                                         else ""))))
    return found


def _file_cell(name: str, sheet: str | None) -> str:
    return name + (f"\n[{sheet}]" if sheet else "")


def print_validate(checked: Checked, extra: Sequence[Problem], out: Console,
                   err: Console) -> None:
    """Problems (those of ``check`` and ``extra``, e.g. the report's preflight) and
    exclusions grouped by file, then the reconciliation table."""
    from txscore.ingest.quality import REASONS
    from txscore.reporting.text import words_for

    words = words_for("en")
    problems = [*checked.problems, *extra]
    print_findings([*((p.severity if p.severity in SEVERITIES else "warning",
                       file_of(p.where), str(p)) for p in problems),
                    *_ledger_findings(checked)], out, err)
    cols = [Col("File", whole=True), Col("Rows in", "right"), Col("Scored", "right"),
            Col("Excluded", "right"), Col("Reasons"), Col("OK")]
    rows = []
    for rec in checked.responses.files.itertuples(index=False):
        # the file, its sheet, population and wave, and its layout, one line each
        name = "\n".join([_file_cell(rec.source_file, rec.source_sheet),
                          f"{str(rec.population).replace('_', '-')}, {rec.wave}",
                          *([rec.layout] if rec.layout and rec.layout != "plain" else [])])
        if not rec.checked:
            rows.append([name, f"{rec.rows_in:,}" if rec.rows_in else "–", "–", "–",
                         "not checked: see the errors above", "–"])
            continue
        reasons = "\n".join(f"{getattr(rec, r):,} {words.reasons[r].lower()}" for r in REASONS
                            if getattr(rec, r))
        rows.append([name, *(_rows_people(getattr(rec, n), getattr(rec, p))
                             for n, p in (("rows_in", "respondents_in"),
                                          ("scored", "respondents_scored"),
                                          ("excluded", "respondents_excluded"))),
                     reasons or "–", "yes" if rec.reconciles else "NO"])
    out.print()
    print_table("Reconciliation per file (rows in = scored + excluded)", cols, rows, out,
                sections=range(len(rows) - 1))
    if any("people" in r[1] for r in rows):
        out.print("people: respondents in the file, with at least one row scored, with "
                  "every row excluded.", style="dim")


def _rows_people(rows: int, people: int) -> str:
    """A count of rows, with the people beside it when they differ (a brand loop or a
    file with one row per respondent x brand).

    >>> _rows_people(15, 15), _rows_people(15, 5)
    ('15', '15 rows\\n5 people')
    """
    if rows == people:
        return f"{rows:,}"
    return f"{rows:,} rows\n{people:,} {'person' if people == 1 else 'people'}"


def _role_lines(study: Study, source: Source, weighted: bool) -> list[tuple[str, str]]:
    """(role, what plays it) of one source, every role listed."""
    cols = study.columns_for(source)
    if source.brand:
        brand = f"'{source.brand}' for every row"
    elif source.brand_pattern:
        brand = f"loop: columns {source.brand_pattern}"
    else:
        brand = cols.brand or "–"
    if isinstance(cols.weight, int | float) and not isinstance(cols.weight, bool):
        weight = f"{cols.weight:g} for every row"
    else:
        weight = cols.weight or ("1 for every row (no weight column)" if weighted else "–")
    if cols.duration:
        duration = cols.duration
    elif cols.start and cols.end:
        duration = f"{cols.end} − {cols.start}"
    else:
        duration = "–"
    return [("id", cols.respondent_id), ("brand", brand), ("weight", weight),
            ("duration", duration), ("finished", cols.finished or "–"),
            ("status", cols.status or "–"), ("item aliases", f"{len(source.items)}")]


def print_roles(study: Study, out: Console) -> None:
    """Which column plays each role (id, brand, weight, duration, finished, status) in each
    source, and its item aliases: one block of rows per set of files with the same roles."""
    weighted = study.weighting is not None or any(
        study.columns_for(s).weight is not None for s in study.sources)
    names = [s.name for s in study.sources]
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for source in study.sources:
        label = source.name + (f" [{source.sheet}]" if source.sheet and
                               names.count(source.name) > 1 else "")
        groups.setdefault(tuple(_role_lines(study, source, weighted)), []).append(label)
    rows, ends = [], []
    for lines, files in groups.items():
        for i in range(max(len(lines), len(files))):
            role, column = lines[i] if i < len(lines) else ("", "")
            rows.append([files[i] if i < len(files) else "", role, column])
        ends.append(len(rows) - 1)
    out.print()
    print_table("Column roles per file", [Col("File", whole=True), Col("Role", whole=True),
                                          Col("Column")], rows, out, sections=ends[:-1])
