"""A worksheet's XML streamed before a reader builds its grid: bounds, stray cells, DTDs,
formula cells without a value, error cells.

fastexcel (calamine) allocates rows x columns cells for the box spanned by a sheet's
non-empty cells: one cell at XFD1048576 asks for 512 GB and aborts the process, and
openpyxl pads every missing row.  So each sheet's XML is read first, as a stream (at most
two 4 MiB parts of it in memory), and :func:`bound_problems` refuses with a located message
a sheet whose cells lie beyond Excel's limits, below a run of more than
:data:`MAX_EMPTY_ROWS` empty rows (stray cells), or span far more cells than its size can
fill, and one that declares a DTD.  The head of the sheet (256 KiB) and every part where a
suspect pattern occurs are read exactly, cell by cell, placed as calamine places them; the
other parts are only searched (RE2, in C++) for a reference outside the bounds the head
sets, which keep rows x columns within :attr:`SheetScan.limit`, or written so that the
search could miss it (quotes, spaces, entities, cells or rows without a reference).

Stray cells are an error, not rows read past a gap: a value a million rows below the data
is typed or pasted by accident (Ctrl+Down, then a key) far more often than it is a
respondent, and reading it either way is wrong: as a row it becomes a respondent without an
id (and a million blank rows before it, each a ledger row, which no sheet holds); skipped,
it is something the user typed that vanished without a word.  The message names the cells
and the rows to delete, a fix of a few seconds in Excel.  Blank rows inside the data (up to
:data:`MAX_EMPTY_ROWS` in a run) stay rows, ledgered as blank, as before.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from txscore.errors import Problem, shorten

__all__ = ["EXCEL_MAX_COLUMNS", "EXCEL_MAX_ROWS", "MAX_EMPTY_ROWS", "MIN_SPAN_CELLS",
           "SheetScan", "bound_problems", "column_letters", "formula_note", "scan_sheet"]

#: Excel's limits: a cell beyond them was not written by Excel
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384
#: a cell below more empty rows than this is a stray cell, not a survey row
MAX_EMPTY_ROWS = 10_000
#: a sheet may always span this many cells (rows x columns); a larger sheet may span one
#: cell per 4 bytes of its XML (a cell with a value takes 15 bytes or more, 25-50 usually)
MIN_SPAN_CELLS = 4_000_000
_HEAD_BYTES, _CHUNK_BYTES, _SHOWN = 1 << 18, 1 << 22, 5
_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?(?:(row)|c)(?=[\s/>])([^>]*?)(/?)>"
                      rb"|</(?:[\w.-]+:)?row\s*>")
_START = re.compile(rb"<(?:[\w.-]+:)?(?:row|c)[\s/>]")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c\s*>")
_TEXT = re.compile(rb"<(?:[\w.-]+:)?[vt](?:\s[^>]*)?>([^<]+)<")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_T_ERROR = re.compile(rb"""(?:^|\s)t\s*=\s*(?:"e"|'e')""")
_T_SHARED = re.compile(rb"""(?:^|\s)t\s*=\s*(?:"s"|'s')""")  # text in sharedStrings.xml
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\b[^>]*?\sref\s*=\s*["']([^"']*)["']""")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_REF = re.compile(r"([A-Za-z]*)(\d*)")


def column_letters(column: int) -> str:
    """Excel's name of a 1-based column number.

    >>> column_letters(1), column_letters(28), column_letters(EXCEL_MAX_COLUMNS)
    ('A', 'AB', 'XFD')
    """
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _position(ref: bytes) -> tuple[int, int] | None:
    """(row, column) of a cell reference ``B7`` (column 0 for a row's ``7``), or None."""
    import html

    m = _REF.fullmatch(html.unescape(ref.decode("latin-1")).strip())
    if not m or not m.group(2):
        return None
    col = 0
    for ch in m.group(1).upper()[:8]:  # longer: far beyond Excel anyway
        col = col * 26 + ord(ch) - 64
    digits = m.group(2).lstrip("0") or "0"
    return (int(digits) if len(digits) < 13 else 10**12), col


def _ref(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


@dataclass
class SheetScan:
    """What the stream over one sheet's XML found (rows and columns 1-based)."""

    size: int
    dimension: str = ""
    dtd: bool = False
    errors: bool = False
    max_row: int = 0  # of the non-empty cells read exactly
    max_col: int = 0
    col_bound: int = 0  # the fast parts hold no cell right of it ...
    row_bound: int = 0  # ... nor below it (0: no fast part)
    first: dict[int, tuple[int, bytes]] = field(default_factory=dict)  # row -> first cell
    marks: list[int] = field(default_factory=list)  # first and last rows of fast parts
    columns: dict[int, list[tuple[int, bytes]]] = field(default_factory=dict)  # 3 cells each
    beyond: list[tuple[int, int]] = field(default_factory=list)  # beyond Excel's limits
    formulas: list[tuple[int, int]] = field(default_factory=list)
    n_formulas: int = 0
    fast: bool = False  # some part was only checked against the bounds
    row: int = 0  # calamine's cursor for cells without a reference (0-based)
    col: int = 0

    def cell(self, row: int, col: int, text: bytes) -> None:
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
        if row not in self.first or col < self.first[row][0]:
            self.first[row] = (col, text)
        if len(seen := self.columns.setdefault(col, [])) < 3:
            seen.append((row, text))
        if (row > EXCEL_MAX_ROWS or col > EXCEL_MAX_COLUMNS) and len(self.beyond) < 1000:
            self.beyond.append((row, col))

    def formula(self, row: int, col: int) -> None:
        self.n_formulas += 1
        if len(self.formulas) < _SHOWN:
            self.formulas.append((row, col))

    @property
    def limit(self) -> int:
        """The most cells the sheet may span."""
        return max(MIN_SPAN_CELLS, self.size // 4)


def _read_exactly(buf: bytes, scan: SheetScan) -> None:
    """Every row and cell of ``buf`` (whole elements), placed as calamine places them: by
    their reference, else after the previous cell or row."""
    scan.dtd = scan.dtd or bool(_DTD.search(buf))
    pos = 0
    while m := _ELEMENT.search(buf, pos):
        pos, attrs = m.end(), m.group(2)
        if attrs is None:  # </row>
            scan.row, scan.col = scan.row + 1, 0
            continue
        if m.group(3):  # <row/>, <c/>: empty elements hold no cell
            continue
        r = _R_ATTR.search(attrs)
        at = _position(r.group(1) if r.group(1) is not None else r.group(2)) if r else None
        if m.group(1):  # <row ...>
            scan.row = at[0] - 1 if at and at[0] else scan.row
            continue
        end = _CELL_END.search(buf, pos)
        content, pos = (buf[pos:end.start()], end.end()) if end else (buf[pos:], len(buf))
        row, col = at if at and at[0] and at[1] else (scan.row + 1, scan.col + 1)
        scan.col = col
        if _T_ERROR.search(attrs):
            scan.errors = True
        if text := _TEXT.search(content):  # a shared string's text is not shown
            scan.cell(row, col, b"" if _T_SHARED.search(attrs) else text.group(1))
        elif _FORMULA.search(content):
            scan.formula(row, col)


def _greater_number(n: int) -> str:
    """An RE2 pattern for the whole numbers above ``n`` (no leading zeros).

    >>> _greater_number(95)
    '(?:[1-9][0-9]{2,}|9[6-9])'
    """
    s = str(n)
    alts = [f"[1-9][0-9]{{{len(s)},}}"]
    for i, ch in enumerate(s):
        if ch != "9":
            rest = len(s) - i - 1
            alts.append(s[:i] + f"[{int(ch) + 1}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(alts) + ")"


def _greater_column(n: int) -> str:
    """An RE2 pattern for the column names after column ``n`` (upper case).

    >>> _greater_column(27)  # after AA: AB to AZ, BA to ZZ, AAA on
    '(?:[A-Z]{3,}|[B-Z][A-Z]{1}|A[B-Z])'
    """
    s = column_letters(n)
    alts = [f"[A-Z]{{{len(s) + 1},}}"]
    for i, ch in enumerate(s):
        if ch != "Z":
            rest = len(s) - i - 1
            alts.append(s[:i] + f"[{chr(ord(ch) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(alts) + ")"


def _suspect_pattern(scan: SheetScan) -> str:
    """An RE2 pattern found in a part of the sheet that must be read exactly: a reference
    outside the bounds, one written unusually (entities, quotes, spaces), a row or cell
    without a reference first, a prefixed element, an error cell, a DTD, a formula without
    a cached value."""
    return "|".join([
        f' r="[A-Za-z]{{0,3}}0*{_greater_number(scan.row_bound)}"',
        f' r="(?i:{_greater_column(scan.col_bound)})[0-9]',
        ' r="[^"]*[^A-Za-z0-9"]',
        r"\sr(?:\s+=|=\s|=')|[\t\n\r]r=",
        r"<(?:c|row)(?:[>/\t\n\r]| [^r]| r[^=])|[\w.-]:(?:c|row)[\s>/]",
        r"""\st\s*=\s*["']e["']|<!(?i:DOCTYPE|ENTITY)""",
        # a formula without a cached value (one with its value is read as the value)
        r"(?:</f>|<f\s[^>]*/>)\s*(?:</c>|<v\s*/>|<v>\s*</v>)",
    ])


def _suspect(buf: bytes | memoryview, pattern: str) -> bool:
    """True when ``pattern`` occurs in ``buf`` (RE2, in C++: no copy of the bytes)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    offsets = pa.py_buffer(np.array([0, len(buf)], dtype=np.int32))
    array = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(buf)])
    return bool(pc.match_substring_regex(array, pattern)[0].as_py())


def _read_fast(buf: bytes, end: int, scan: SheetScan) -> None:
    """``buf[:end]``, with no suspect pattern: only its first and last rows are noted."""
    scan.fast = True
    first, last = buf.find(b'<row r="', 0, end), buf.rfind(b'<row r="', 0, end)
    for at in {first, last} - {-1}:
        row = _position(buf[at + 8:buf.find(b'"', at + 8)])
        if row:
            scan.marks.append(row[0])
            scan.row, scan.col = row[0] - 1, 0


def _cut(buf: bytes) -> int:
    """Where the last row or cell of ``buf`` starts: the bytes before hold whole elements."""
    for start in (max(0, len(buf) - 65_536), 0):
        last = None
        for last in _START.finditer(buf, start):  # noqa: B007 (the last one is kept)
            pass
        if last is not None:
            return last.start()
    return len(buf)


def _inflate(zf: zipfile.ZipFile, raw: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes, a head of :data:`_HEAD_BYTES` then :data:`_CHUNK_BYTES` at a time,
    never beyond its declared size.  A deflated entry is inflated from ``raw`` directly
    (no CRC: the readers check it), else through zipfile."""
    h, want, left = info.header_offset, _HEAD_BYTES, info.file_size
    if (info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 1
            and raw[h:h + 4] == b"PK\x03\x04"):
        start = h + 30 + int.from_bytes(raw[h + 26:h + 28], "little") + int.from_bytes(
            raw[h + 28:h + 30], "little")
        data, pos = memoryview(raw)[start:start + info.compress_size], 0
        inflater, pending = zlib.decompressobj(-15), b""
        while left > 0 and not inflater.eof:
            if not pending:
                if pos >= len(data):
                    return
                pending, pos = data[pos:pos + (1 << 20)], pos + (1 << 20)
            out = inflater.decompress(pending, min(want, left))
            pending, left = inflater.unconsumed_tail, left - len(out)
            if out:
                yield out
                want = _CHUNK_BYTES
        return
    with zf.open(info) as fh:
        while left > 0 and (out := fh.read(min(want, left))):
            left -= len(out)
            yield out
            want = _CHUNK_BYTES


def _ahead(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks``, the next one produced in a thread while the caller searches this one
    (zlib and RE2 release the GIL)."""
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(next, chunks, None)
        while (chunk := pending.result()) is not None:
            pending = pool.submit(next, chunks, None)
            yield chunk


def scan_sheet(zf: zipfile.ZipFile, raw: bytes, info: zipfile.ZipInfo) -> SheetScan:
    """Stream one sheet's XML: its head and every suspect part read exactly, the rest
    checked (RE2) to hold no cell right of or below the bounds the head sets, which keep
    rows x columns within :attr:`SheetScan.limit`.

    Three things overlap: inflating the next part, searching the last two (RE2 and zlib
    release the GIL), and reading the parts in order.
    """
    scan = SheetScan(info.file_size)
    chunks = _inflate(zf, raw, info)
    head = next(chunks, b"")
    if dim := _DIMENSION.search(head):
        scan.dimension = dim.group(1).decode("latin-1")
    cut = _cut(head) if len(head) < info.file_size else len(head)
    _read_exactly(head[:cut], scan)
    carry, pattern = head[cut:], ""
    pending: deque[tuple[bytes, int, Future[bool]]] = deque()
    with ThreadPoolExecutor(2) as pool:
        for chunk in _ahead(chunks):
            if not pattern:  # bounds from the head: its columns, twice the rows it implies
                scan.col_bound = max(scan.max_col, 1)
                expected = scan.max_row * info.file_size / max(cut, 1)
                scan.row_bound = int(min(EXCEL_MAX_ROWS, scan.limit // scan.col_bound,
                                         2 * expected + MAX_EMPTY_ROWS))
                pattern = _suspect_pattern(scan)
            buf = carry + chunk if carry else chunk
            cut = _cut(buf)
            carry = buf[cut:]
            pending.append((buf, cut, pool.submit(_suspect, memoryview(buf)[:cut], pattern)))
            while len(pending) > 2 or (pending and pending[0][2].done()):
                _read_part(*pending.popleft(), scan)
        while pending:
            _read_part(*pending.popleft(), scan)
    _read_exactly(carry, scan)
    return scan


def _read_part(buf: bytes, cut: int, suspect: Future[bool], scan: SheetScan) -> None:
    if suspect.result():
        _read_exactly(buf[:cut], scan)
    else:
        _read_fast(buf, cut, scan)


def _count(n: int, noun: str, verb: str = "", verbs: str = "") -> str:
    """``1 row holds`` / ``7 rows hold``.

    >>> _count(1, "cell", "lies", "lie"), _count(1_200, "cell", "lies", "lie")
    ('1 cell lies', '1,200 cells lie')
    """
    return f"{n:,} {noun}{'' if n == 1 else 's'}" + (f" {verb if n == 1 else verbs}"
                                                      if verb else "")


def _shown_cells(cells: list[tuple[int, int, bytes]], total: int) -> str:
    """``Z1048576 ('1'), AB7 ('x') and 3 more`` (a shared string's text is not shown)."""
    import html

    def one(r: int, c: int, v: bytes) -> str:
        text = shorten(html.unescape(v.decode("utf-8", "replace")), 20)
        return _ref(r, c) + (f" ('{text}')" if v else "")

    return ", ".join(one(*cell) for cell in cells[:_SHOWN]) + (
        f" and {total - _SHOWN:,} more" if total > _SHOWN else "")


def _below_gap(scan: SheetScan) -> tuple[int, int, list[tuple[int, int, bytes]], int] | None:
    """(last row of the data, first row below the first run of more than
    :data:`MAX_EMPTY_ROWS` empty rows, the cells below it, how many rows hold them)."""
    rows = np.unique(np.fromiter([*scan.first, *scan.marks], dtype=np.int64))
    gaps = np.flatnonzero(np.diff(rows) - 1 > MAX_EMPTY_ROWS)
    if not len(gaps):
        return None
    above, below = int(rows[gaps[0]]), int(rows[gaps[0] + 1])
    cells = [(r, c, v) for r, (c, v) in sorted(scan.first.items()) if r >= below]
    return above, below, cells, int((rows >= below).sum())


def bound_problems(scan: SheetScan, where: str) -> list[Problem]:
    """Located errors for a sheet that cannot be read within bounds; [] when it can."""
    fix_excel = "open the file in Excel and save it again as .xlsx, or export it again."
    if scan.dtd:
        return [Problem(
            "the XML holds a document type declaration (<!DOCTYPE> or <!ENTITY>): "
            "Excel never writes one, and it can hide entity expansion or references to "
            "files on this computer; the sheet was not read.", where,
            fix_excel + " If you did not expect this file, do not open it.")]
    problems = []
    dim = [_position(p.encode()) for p in scan.dimension.split(":")] if scan.dimension else []
    if any(p and (p[0] > EXCEL_MAX_ROWS or p[1] > EXCEL_MAX_COLUMNS) for p in dim):
        problems.append(Problem(
            f"the sheet declares its cells span {shorten(scan.dimension)}, beyond Excel's "
            f"limits ({EXCEL_MAX_ROWS:,} rows x {EXCEL_MAX_COLUMNS:,} columns): the file was "
            "not written by Excel, or is damaged.", where, fix_excel))
    if scan.beyond:
        r, c = scan.beyond[0]
        problems.append(Problem(
            f"{_count(len(scan.beyond), 'cell', 'lies', 'lie')} beyond Excel's last row "
            f"({EXCEL_MAX_ROWS:,}) or column (XFD), e.g. {_ref(r, c)} (row {r:,}, column "
            f"{c:,}): the file was not written by Excel, or is damaged.",
            f"{where}, cell {_ref(r, c)}", fix_excel))
        return problems
    if gap := _below_gap(scan):
        above, below, cells, n_rows = gap
        first = f", cell {_ref(cells[0][0], cells[0][1])}" if cells else f", row {below}"
        shown = _shown_cells(cells, len(cells)) if cells else f"row {below:,}"
        problems.append(Problem(
            f"{_count(n_rows, 'row', 'holds', 'hold')} cells below a run of "
            f"{below - above - 1:,} empty rows "
            f"(the data above end at row {above:,}): {shown}. Rows that far below the data "
            "are stray cells (typed or pasted by accident), not respondents.", where + first,
            f"in Excel, select rows {above + 1:,} to {max(below, scan.max_row):,} and delete "
            "them (Ctrl+End shows the last used cell), then save; if these cells are "
            "respondents, move them up under the others."))
        return problems
    rows = max(scan.max_row, scan.row_bound if scan.fast else 0)
    cols = max(scan.max_col, scan.col_bound if scan.fast else 0)
    if rows * cols > scan.limit:
        used = sorted(scan.columns)
        ends = [a for a, b in zip(used, used[1:], strict=False) if b > a + 1]
        end = ends[0] if ends else used[-1]  # the data: the first run of adjacent columns
        far = [(r, c, v) for c in used if c > end for r, v in scan.columns[c]] or [
            (r, c, v) for r, (c, v) in scan.first.items() if r == scan.max_row]
        problems.append(Problem(
            f"the sheet's cells span {rows:,} rows x {cols:,} columns ({rows * cols:,} "
            f"cells), far more than its {scan.size:,} bytes of XML can fill: "
            f"{_shown_cells(far, len(far))} {'lies' if len(far) == 1 else 'lie'} far from "
            "the other data (columns "
            f"{column_letters(used[0])} to {column_letters(end)}, rows 1 to "
            f"{max(scan.max_row, *scan.marks, 1):,}).",
            where + (f", cell {_ref(far[0][0], far[0][1])}" if far else ""),
            "in Excel, delete the stray cells (Ctrl+End shows the last used cell) and "
            "save; or export the data again."))
    return problems


def formula_note(scan: SheetScan, where: str) -> tuple[Problem, ...]:
    """A warning naming the formula cells without a cached value (read as blanks)."""
    if not scan.n_formulas:
        return ()
    refs = ", ".join(_ref(r, c) for r, c in scan.formulas)
    more = f" and {scan.n_formulas - len(scan.formulas):,} more" if (
        scan.n_formulas > len(scan.formulas)) else ""
    return (Problem(
        f"{_count(scan.n_formulas, 'formula cell', 'has', 'have')} no calculated value saved "
        "in the file "
        f"({refs}{more}): they are read as blank answers.",
        f"{where}, cell {refs.split(',')[0]}",
        "open the workbook in Excel (it calculates the formulas) and save it, then run "
        "again; or copy the columns and paste them as values.", "warning"),)


