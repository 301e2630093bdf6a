"""Platform layouts: where the header is, how many header rows, what the columns are called.

Survey platforms export the same grid of answers with different headers:

* **plain**: one header row, possibly below title rows (a merged title in row 1, notes);
* **qualtrics**: row 1 the export tags (``Q1_1``: the names used in the spec), row 2 the
  question text, row 3 ``{"ImportId":"QID1_1"}`` (either quoting style); exports with only
  the tag row are recognised by their metadata columns (ResponseId, Status, Finished);
* **qualtrics-legacy**: row 1 ``V1 .. V10`` then tags, row 2 metadata names and question
  text; metadata columns take their row-2 name (``ResponseID``, ``Status``, ...);
* **surveymonkey**: row 1 the question (blank over the other columns of the same
  question), row 2 the answer option or grid row (``Response`` for single answers);
  columns are named ``Question`` or ``Question [Option]``;
* **google-forms**: one header row starting with ``Timestamp``; grid questions are
  ``Question [Row]``.

:func:`locate` finds the layout and header on the first rows of a sheet (a few dozen
cells, so the cost does not depend on the number of respondents); :func:`column_names`
builds unique column names and the question text; :func:`roles_for` marks the metadata
columns the quality checks use (duration, finished, status, start, end, personal data).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from txscore.errors import InputDataError, Problem
from txscore.study import normalise_label

LAYOUTS = ("plain", "qualtrics", "qualtrics-legacy", "surveymonkey", "google-forms")
FORMATS = ("auto", *LAYOUTS)
UNNAMED = "column "

_IMPORT_ID = re.compile(r"""^\{\s*['"]ImportId['"]\s*:\s*['"]([^'"]*)['"]""")
_V_COLUMN = re.compile(r"^V\d+$")
_QUALTRICS_ID = re.compile(r"^R_[A-Za-z0-9]+$")
_QUALTRICS_META = {"startdate", "enddate", "status", "finished", "recordeddate",
                   "duration (in seconds)", "ipaddress", "progress", "responseset"}
_TIMESTAMP = {"timestamp", "horodateur", "zeitstempel", "marca temporal", "marca de tiempo",
              "informazioni cronologiche", "tijdstempel"}
_SM_SINGLE = {"response", "open-ended response", "reponse", "reponse ouverte", "antwort",
              "offene antwort", "respuesta", "respuesta abierta"}
_HEADER_ROWS = {"plain": 1, "qualtrics": 3, "qualtrics-legacy": 2, "surveymonkey": 2,
                "google-forms": 1}

_ROLES = {
    "qualtrics": {"responseid": "id", "duration (in seconds)": "duration",
                  "finished": "finished", "status": "status", "startdate": "start",
                  "enddate": "end", "ipaddress": "personal", "recipientemail": "personal",
                  "recipientfirstname": "personal", "recipientlastname": "personal",
                  "emailaddress": "personal", "name": "personal",
                  "locationlatitude": "personal", "locationlongitude": "personal"},
    "surveymonkey": {"respondent id": "id", "start date": "start", "end date": "end",
                     "ip address": "personal", "email address": "personal",
                     "first name": "personal", "last name": "personal"},
    "google-forms": {**{t: "end" for t in _TIMESTAMP}, "email address": "personal",
                     "adresse e-mail": "personal", "username": "personal"},
}
_ROLES["qualtrics-legacy"] = _ROLES["qualtrics"]


@dataclass(frozen=True)
class Located:
    """Where the header is: layout, index of the first header row, number of header rows."""

    layout: str
    header_index: int
    n_header_rows: int


def _norm(cell: str | None) -> str:
    return normalise_label(cell) if cell else ""


def _filled(row: list[str | None]) -> int:
    return sum(1 for c in row if c)


def _qualtrics_rows(top: list[list[str | None]], i: int) -> int | None:
    """Header rows of a Qualtrics export whose tag row is ``top[i]``, or None."""
    cells = [_norm(c) for c in top[i]]
    if "responseid" not in cells or not set(cells) & _QUALTRICS_META:
        return None
    for k in (1, 2):  # the ImportId row (modern export) closes the header
        if i + k < len(top) and any(c and _IMPORT_ID.match(c) for c in top[i + k]):
            return k + 1
    nxt = top[i + 1] if i + 1 < len(top) else []
    pos = cells.index("responseid")
    cell = nxt[pos] if pos < len(nxt) else None
    if not nxt or cell is None or _QUALTRICS_ID.match(cell):
        return 1  # tags only: the next row is a response
    return 2  # tags + question text


def _signature(top: list[list[str | None]], i: int) -> Located | None:
    """The platform layout whose header starts at ``top[i]``, if any."""
    row = top[i]
    cells = {_norm(c) for c in row if c}
    nxt = top[i + 1] if i + 1 < len(top) else []
    if (len(row) > 1 and row[0] and row[1] and _V_COLUMN.match(row[0])
            and _V_COLUMN.match(row[1]) and "responseid" in {_norm(c) for c in nxt}):
        return Located("qualtrics-legacy", i, 2)
    rows = _qualtrics_rows(top, i)
    if rows is not None:
        return Located("qualtrics", i, rows)
    if {"respondent id", "collector id"} <= cells:
        return Located("surveymonkey", i, 2)
    first = next((c for c in row if c), None)
    if first and _norm(first) in _TIMESTAMP:
        return Located("google-forms", i, 1)
    return None


def _plain_header(top: list[list[str | None]]) -> int:
    """The first row filled at least 80% as much as a typical full row of the sample.

    "Typical" is the median of the filled-cell counts, so neither title rows
    (one cell) nor one over-long data line move it.
    """
    counts = [_filled(r) for r in top]
    nonzero = sorted(n for n in counts if n)
    if not nonzero:
        return 0
    typical = nonzero[len(nonzero) // 2]  # the upper median
    need = max(1, math.ceil(0.8 * typical))
    return next(i for i, n in enumerate(counts) if n >= need)


def locate(top: list[list[str | None]], format: str = "auto",
           header_index: int | None = None, where: str = "the file") -> Located:
    """Find the layout and the header in the first rows of a sheet or text file.

    A declared platform ``format`` must match the header rows: a plain file declared as a
    Qualtrics export would otherwise lose its first data rows as "header rows", so a
    mismatch raises a located error instead.

    Parameters
    ----------
    top : list of list of str or None
        The first rows (a few dozen), cells stripped, blanks as None.
    format : str
        ``"auto"`` or one of :data:`LAYOUTS` (the source's ``format``).
    header_index : int, optional
        Index into ``top`` of the header row, when the spec gives ``header_row``.
    where : str
        The file (and sheet) as messages name it.

    Raises
    ------
    InputDataError
        When ``format`` names a platform whose header the rows do not have.

    Examples
    --------
    >>> top = [["Customer survey 2026", None, None], [None, None, None],
    ...        ["id", "q1", "q2"], ["r1", "4", "5"]]
    >>> locate(top)
    Located(layout='plain', header_index=2, n_header_rows=1)
    """
    plain = _plain_header(top)
    if header_index is not None:
        found = _signature(top, header_index) if header_index < len(top) else None
        if format not in ("auto", "plain"):
            if found is None or found.layout != format:
                raise _mismatch(format, found, where, header_index + 1)
            return found
        if format == "auto" and found is not None:
            return found
        return Located("plain", header_index, 1)
    if format == "plain":
        return Located("plain", plain, 1)
    first = None
    for i in range(min(plain + 2, len(top))):
        found = _signature(top, i)
        first = first or found
        if found is not None and format in ("auto", found.layout):
            return found
    if format == "auto":
        return Located("plain", plain, 1)
    raise _mismatch(format, first, where, None)


#: what each platform's header has, for the mismatch message
_EXPECTED = {
    "qualtrics": "a ResponseId column beside Qualtrics metadata (StartDate, Status, Finished...)",
    "qualtrics-legacy": "V1, V2... in row 1 and ResponseID in row 2",
    "surveymonkey": "Respondent ID and Collector ID columns above a row of answer options",
    "google-forms": "Timestamp as its first column",
}


def _mismatch(format: str, found: Located | None, where: str, row: int | None) -> Exception:
    """The located error for a declared layout the header rows do not match."""
    seen = (f"it looks like a {found.layout} export" if found is not None
            else "it looks like a plain table (one header row)")
    at = f"row {row} is not the header of" if row else "its first rows are not the header of"
    return InputDataError(f"{where}: not a {format} export", [Problem(
        f'the source declares format = "{format}", but {at} a {format} export (expected '
        f"{_EXPECTED[format]}); {seen}. Reading it as {format} would take data rows as "
        "header rows.", where,
        'remove format from the source (or set format = "auto"), or set the format the '
        "file really has.")])


def column_names(header_rows: list[list[str | None]], layout: str,
                 where: str) -> tuple[list[str], dict[str, str], tuple[Problem, ...]]:
    """Unique column names, question text per column, and notes, from the header rows.

    Duplicated names are kept apart as ``name.1``, ``name.2`` (the spec cannot use them:
    :mod:`txscore.ingest` says so if it tries); blank names become ``column 7``.

    Examples
    --------
    >>> names, text, _ = column_names(
    ...     [["Respondent ID", "How do you rate Acme?", None],
    ...      [None, "Easy to use", "Good value"]], "surveymonkey", "sm.csv")
    >>> names
    ['Respondent ID', 'How do you rate Acme? [Easy to use]', 'How do you rate Acme? [Good value]']
    """
    width = max(len(r) for r in header_rows) if header_rows else 0
    rows = [list(r) + [None] * (width - len(r)) for r in header_rows]
    first = rows[0] if rows else []
    second = rows[1] if len(rows) > 1 else [None] * width
    text: dict[str, str] = {}
    if layout == "surveymonkey":
        names, question = [], None
        for q, opt in zip(first, second, strict=True):
            question = q or question
            if q and not opt:  # metadata column, or a question with no sub-label
                names.append(q)
                continue
            if question is None:
                names.append(opt or "")
                continue
            single = opt is None or _norm(opt) in _SM_SINGLE
            names.append(question if single else f"{question} [{opt}]")
            text[names[-1]] = question
    elif layout == "qualtrics-legacy":
        names = [s if (f is None or _V_COLUMN.match(f)) and s else (f or "")
                 for f, s in zip(first, second, strict=True)]
        text = {n: s for n, s in zip(names, second, strict=True) if s and s != n}
    else:
        names = [c or "" for c in first]
        if layout == "qualtrics" and len(rows) > 1:
            text = {n: s for n, s in zip(names, second, strict=True) if s and s != n}
    names = [n if n else f"{UNNAMED}{pos}" for pos, n in enumerate(names, 1)]
    notes: list[Problem] = []
    seen: dict[str, list[int]] = {}
    for pos, name in enumerate(names, 1):
        seen.setdefault(name, []).append(pos)
    taken = set(names)
    for name, positions in seen.items():
        if len(positions) < 2:
            continue
        renamed = []
        for k, pos in enumerate(positions[1:], 1):
            new = f"{name}.{k}"
            while new in taken:
                new += "'"
            taken.add(new)
            names[pos - 1] = new
            renamed.append(new)
        notes.append(Problem(
            f"column name '{name}' appears {len(positions)} times (columns "
            f"{', '.join(map(str, positions))}); the later ones are read as "
            f"{', '.join(repr(r) for r in renamed)}.", where,
            "rename them in the file (in Qualtrics: give each question its own export tag).",
            "warning"))
    question_text = {n: text[orig] for n, orig in zip(names, _originals(names), strict=True)
                     if orig in text}
    return names, question_text, tuple(notes)


def _originals(names: list[str]) -> list[str]:
    """Names before the duplicate suffix (``q.1`` -> ``q``) for the question-text lookup."""
    return [re.sub(r"\.\d+'*$", "", n) for n in names]


def roles_for(columns: list[str], layout: str) -> dict[str, str]:
    """Metadata columns of a platform export: column -> role.

    >>> roles_for(["ResponseId", "Duration (in seconds)", "Q1"], "qualtrics")
    {'ResponseId': 'id', 'Duration (in seconds)': 'duration'}
    """
    table = _ROLES.get(layout, {})
    return {c: table[_norm(c)] for c in columns if _norm(c) in table}


def import_ids(row: list[str | None]) -> list[str | None]:
    """The ImportIds of a Qualtrics third header row, either quoting style.

    >>> import_ids(['{"ImportId":"QID1"}', "{'ImportId': 'QID2-1'}", None])
    ['QID1', 'QID2-1', None]
    """
    out = []
    for cell in row:
        m = _IMPORT_ID.match(cell) if cell else None
        out.append(m.group(1) if m else None)
    return out
