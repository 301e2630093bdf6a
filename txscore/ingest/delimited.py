"""Reading delimited text exports (.csv, .tsv, .txt) into a
:class:`~txscore.ingest.table.RawTable`.

The encoding is decided once for the whole file (UTF-16 with a BOM, UTF-8, else cp1252; a
file mixing UTF-8 and cp1252 is read as each byte run decodes, with a warning naming the
lines: :func:`whole_file_encoding`) and the delimiter is sniffed, Excel's
``sep=;`` first line is honoured, the header is located past title rows, and every record
keeps its physical line (a quoted answer may span several lines).  The records are read by
pyarrow's multi-threaded CSV reader (:func:`read_csv_arrow`); when it cannot read them
exactly, by pandas, whose error names the line.  NUL bytes are refused with their lines.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem, shorten
from txscore.ingest import layouts
from txscore.ingest.table import (
    SAMPLE_RECORDS,
    RawTable,
    assemble,
    bad_header_row,
    cell_text,
    named_table,
)

__all__ = ["codec_is_ascii_safe", "read_csv_arrow", "read_text", "record_starts",
           "sniff_encoding", "whole_file_encoding"]

_SAMPLE_BYTES = 262_144
# csv's default field limit (128 KiB) would reject one long comment in the sniffed sample;
# the sample itself is bounded, so the limit only has to exceed it
csv.field_size_limit(max(csv.field_size_limit(), 4 * _SAMPLE_BYTES))


def sniff_encoding(raw: bytes, truncated: bool = False) -> str:
    """The encoding of a text export.

    UTF-16 with a BOM (Excel's "Unicode text"), UTF-8 with or without BOM when it decodes,
    else cp1252 (Excel's Western-European export, a superset of latin-1's printable range).

    >>> sniff_encoding("é".encode("utf-8")), sniff_encoding("é".encode("cp1252"))
    ('utf-8', 'cp1252')
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a sample cut inside a multi-byte character is still utf-8
        if truncated and exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
        return "cp1252"


def record_starts(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Where each CSV record starts: its physical line (1-based) and its byte offset.

    A line break ends a record unless it is inside quotes, i.e. unless an odd number of
    quote characters precede it (doubled quotes ``""`` keep the parity), so the count is
    two vectorised passes over the bytes, whatever the number of rows.

    >>> lines, offsets = record_starts(b'id,text\\nr1,"two\\nlines"\\nr2,x\\n')
    >>> lines.tolist(), offsets.tolist()
    ([1, 2, 4, 5], [0, 8, 23, 28])
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(buf == 10)
    if b"\r" in data:  # universal newlines, as pandas and editors: \n, \r\n, a lone \r
        cr = np.flatnonzero(buf == 13)
        lone_cr = cr[(cr + 1 >= len(buf)) | (buf[np.minimum(cr + 1, len(buf) - 1)] != 10)]
        if len(lone_cr):
            nl = np.union1d(nl, lone_cr)
    if b'"' in data:
        quotes = np.flatnonzero(buf == 34)
        ends = np.flatnonzero(np.searchsorted(quotes, nl) % 2 == 0)  # indices into nl
    else:  # no quotes: every line break ends a record
        ends = np.arange(len(nl))
    lines = np.concatenate([[1], ends + 2]).astype(np.int64)
    offsets = np.concatenate([[0], nl[ends] + 1]).astype(np.int64)
    return lines, offsets


def _sniff_delimiter(records_text: str, suffix: str) -> str:
    """The delimiter giving the most records with the same (largest) number of fields."""
    best, best_score = ("\t" if suffix == ".tsv" else ","), (0, 0)
    for delim in (",", ";", "\t", "|"):
        counts = [len(r) for r in csv.reader(io.StringIO(records_text), delimiter=delim)][
            :SAMPLE_RECORDS]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _refuse_nul_bytes(file: str, raw: bytes) -> None:
    """NUL bytes never occur in a text export: name their lines, or spot BOM-less UTF-16."""
    if b"\x00" not in raw:
        return
    buf = np.frombuffer(raw, dtype=np.uint8)
    nul = np.flatnonzero(buf == 0)
    if len(nul) * 4 > len(buf):  # every other byte NUL: UTF-16 text without its BOM
        raise InputDataError(f"{file} looks like UTF-16 text without a byte-order mark", [
            Problem(f"{len(nul):,} of its {len(buf):,} bytes are NUL, as in UTF-16 text.",
                    file, 'set encoding = "utf-16-le" (or "utf-16-be") in the source, or '
                    "save the file as UTF-8.")])
    lines = np.unique(np.searchsorted(np.flatnonzero(buf == 10), nul) + 1)
    shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more"
                                              if len(lines) > 5 else "")
    raise InputDataError(f"{file} contains NUL bytes", [Problem(
        f"{len(nul):,} NUL byte{'s' if len(nul) > 1 else ''} (\\x00) on line"
        f"{'s' if len(lines) > 1 else ''} {shown}: a text export never holds them, so the "
        "file is damaged or is not text.", f"{file}, row {lines[0]}",
        "export the data again; or open the file in a text editor and delete the NUL "
        "characters; a UTF-16 file needs encoding = \"utf-16-le\" in the source.")])


def read_text(path: Path, raw: bytes, format: str, header_row: int | None,
              encoding: str | None, delimiter: str | None,
              numeric: Callable[[str], bool] | None = None) -> RawTable:
    """A text export as a :class:`RawTable` (the arguments of
    :func:`txscore.ingest.readers.read_table`, ``raw`` the file's bytes).

    Examples
    --------
    >>> t = read_text(Path("a.csv"), b"sep=;\\nid;q1\\nr1;2,5\\n", "auto", None, None, None)
    >>> t.frame.to_dict("list"), t.rows().tolist(), t.reader
    ({'id': ['r1'], 'q1': ['2.5']}, [3], "csv (utf-8, ';')")
    """
    raw, enc, sample, notes = _decode(path.name, raw, encoding)
    _refuse_nul_bytes(path.name, raw)
    lines, offsets = record_starts(raw)
    hint = re.match(r"^\ufeff?sep=(.)\r?\n", sample)  # Excel's "sep=;" first line
    skip = 1 if hint else 0
    delim = delimiter or (hint.group(1) if hint else _sniff_delimiter(
        "\n".join(sample.splitlines()[skip:skip + 4 * SAMPLE_RECORDS]), path.suffix.lower()))
    # universal newlines, as record_starts counts them: a lone \r ends a record
    reader = csv.reader(io.StringIO(sample, newline=None), delimiter=delim)
    records = itertools.islice(reader, skip, SAMPLE_RECORDS + skip)
    top = [[cell_text(v) for v in rec] for rec in records]
    index = None
    if header_row is not None:
        hits = np.flatnonzero(lines == header_row)
        if not len(hits):
            raise bad_header_row(path.name, None, header_row)
        index = int(hits[0]) - skip
    found = layouts.locate(top, format, index, path.name)
    first = found.header_index + skip  # record index of the header
    # the header row(s) define the columns: a longer data line is an error, not a column
    n_fields = max([len(r) for r in top[found.header_index:found.header_index
                                        + found.n_header_rows]] + [1])
    reader = f"csv ({enc}, '{delim}')".replace("'\t'", "tab")
    header_rows = [r + [None] * (n_fields - len(r))
                   for r in top[found.header_index:found.header_index + found.n_header_rows]]
    start = first + found.n_header_rows  # record index of the first data row
    if len(header_rows) == found.n_header_rows and start <= len(offsets):
        data = read_csv_arrow(memoryview(raw)[offsets[start]:] if start < len(offsets)
                              else b"",
                              delim, enc, layouts.column_names(
                                  header_rows, found.layout, path.name)[0],
                              bool(len(lines) > 1 and (np.diff(lines) > 1).any()), numeric)
        if data is not None:
            table = named_table(header_rows, data, found.layout, path.name, None,
                                reader, lines[start:], int(lines[first]),
                                ascii_only=codec_is_ascii_safe(enc) and raw.isascii())
            return replace(table, notes=notes + table.notes)
    grid = _read_with_pandas(path.name, raw[offsets[first]:] if first < len(offsets) else b"",
                             lines[first:], n_fields, delim, enc)
    # the grid starts at the header record
    table = assemble(grid, replace(found, header_index=0), path.name, None, reader,
                     lines[first:])
    return replace(table, notes=notes + table.notes)


def _decode(file: str, raw: bytes,
            encoding: str | None) -> tuple[bytes, str, str, tuple[Problem, ...]]:
    """The bytes (UTF-16 recoded as UTF-8, so lines are counted on 8-bit data; a file of
    mixed encodings recoded as UTF-8), their encoding, the decoded sample the header and
    delimiter are sniffed from, and a warning when the file mixes encodings."""
    notes: tuple[Problem, ...] = ()
    if encoding:
        enc = encoding
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    else:
        raw, enc, notes = whole_file_encoding(file, raw)
    try:
        if enc.lower().replace("_", "-") in ("utf-16", "utf-16-le", "utf-16-be"):
            raw, enc = raw.decode(enc).encode("utf-8"), "utf-8"
        sample = raw[:_SAMPLE_BYTES].decode(enc, errors="replace")
    except (LookupError, UnicodeDecodeError) as exc:
        raise InputDataError(f"{file} cannot be decoded", [Problem(
            f"the file cannot be read as {enc}: {exc}.", file,
            "set encoding = \"utf-8\" (or \"cp1252\", \"latin-1\") in the source, or save "
            "the file as UTF-8.")]) from None
    return raw, enc, sample, notes


_NON_ASCII = re.compile(rb"[\x80-\xff]+")


def _is_utf8(raw: bytes) -> bool:
    """True when every byte decodes as UTF-8 (checked 4 MiB at a time: no copy of the
    whole file as text)."""
    decoder, view, step = codecs.getincrementaldecoder("utf-8")(), memoryview(raw), 1 << 22
    try:
        for start in range(0, len(raw), step):
            decoder.decode(view[start:start + step], final=start + step >= len(raw))
    except UnicodeDecodeError:
        return False
    return True


def whole_file_encoding(file: str, raw: bytes) -> tuple[bytes, str, tuple[Problem, ...]]:
    """The encoding of a whole text file (without a UTF-16 byte-order mark), decided once:
    UTF-8 when every byte decodes, Windows-1252 when no non-ASCII byte does; a file that
    mixes both (a cp1252 byte pasted into a UTF-8 export) is read byte-run by byte-run,
    UTF-8 where it decodes and cp1252 where it does not, recoded as UTF-8, with a warning
    naming the lines of the minority encoding.  So "Nestlé" reads alike on every line.

    Returns
    -------
    (bytes, encoding, warnings)

    Examples
    --------
    >>> raw = "id,brand\\n1,Nestlé\\n".encode() + "2,Nestlé\\n".encode("cp1252")
    >>> fixed, enc, notes = whole_file_encoding("a.csv", raw)
    >>> fixed.decode(enc).splitlines()[1:], notes[0].where
    (['1,Nestlé', '2,Nestlé'], 'a.csv, row 3')
    """
    sig = raw.startswith(b"\xef\xbb\xbf")
    if raw.isascii():
        return raw, "utf-8", ()
    if _is_utf8(raw):
        return raw, "utf-8-sig" if sig else "utf-8", ()
    text = raw.decode("utf-8", errors="replace")
    valid = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd") - sig
    if valid <= 0:  # not one UTF-8 character: a Windows-1252 export throughout
        return raw, "cp1252", ()
    odd: list[tuple[int, bytes, str]] = []  # (offset, bytes, read as) of the minority
    good: list[tuple[int, bytes, str]] = []

    def recode(m: re.Match[bytes]) -> bytes:
        run, at, pos, out = m.group(), m.start(), 0, []
        while pos < len(run):
            try:
                out.append(run[pos:].decode("utf-8"))
                good.append((at + pos, run[pos:], out[-1]))
                break
            except UnicodeDecodeError as exc:
                if exc.start:
                    out.append(run[pos:pos + exc.start].decode("utf-8"))
                    good.append((at + pos, run[pos:pos + exc.start], out[-1]))
                bad = run[pos + exc.start:pos + exc.end]
                out.append(bad.decode("cp1252", errors="replace"))
                odd.append((at + pos + exc.start, bad, out[-1]))
                pos += exc.end
        return "".join(out).encode("utf-8")

    fixed = _NON_ASCII.sub(recode, raw)
    n_good = sum(len(t) for _, _, t in good)
    minority, kind, other = (odd, "Windows-1252 (cp1252)", "UTF-8") if len(odd) <= n_good \
        else (good, "UTF-8", "Windows-1252 (cp1252)")
    lines = np.unique(np.searchsorted(np.flatnonzero(np.frombuffer(raw, np.uint8) == 10),
                                      [at for at, _, _ in minority]) + 1)
    shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more" if len(lines) > 5
                                              else "")
    example = ", ".join(dict.fromkeys(
        f"{' '.join(f'0x{x:02X}' for x in b)} read as '{t}'" for _, b, t in minority[:20]))
    n = sum(len(t) for _, _, t in minority)
    return fixed, "utf-8-sig" if sig else "utf-8", (Problem(
        f"the file is {other} but for {n:,} character{'s' if n > 1 else ''} in {kind} on "
        f"line{'s' if len(lines) > 1 else ''} {shown} ({shorten(example, 80)}): they are "
        f"read as {kind}, so that every line reads alike.", f"{file}, row {int(lines[0])}",
        f"save the file in one encoding (UTF-8); the {kind} bytes were probably pasted from "
        "another program.", "warning"),)


def _read_with_pandas(file: str, data: bytes, lines: np.ndarray, n_fields: int, delim: str,
                      enc: str) -> pd.DataFrame:
    """The records from the header on, every cell as text; a malformed line is an error
    naming its physical line (``lines[i]``: the line of record ``i``)."""
    try:
        grid = pd.read_csv(io.BytesIO(data), sep=delim, header=None, names=range(n_fields),
                           dtype=str, keep_default_na=False, na_values=[""],
                           skip_blank_lines=False, encoding=enc, encoding_errors="replace",
                           index_col=False)
    except pd.errors.EmptyDataError:
        grid = pd.DataFrame(columns=range(n_fields), dtype=object)
    except (pd.errors.ParserError, ValueError) as exc:
        message = str(exc).strip()
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
        if m and int(m.group(2)) - 1 < len(lines):
            line = int(lines[int(m.group(2)) - 1])
            message = (f"line {line} has {m.group(3)} fields where the header has "
                       f"{m.group(1)}.")
            where = f"{file}, row {line}"
        elif (q := re.search(r"EOF inside string starting at row (\d+)", message)) and \
                int(q.group(1)) < len(lines):
            line = int(lines[int(q.group(1))])  # pandas counts records from 0
            message = (f'a quote (") opened on line {line} is never closed: the rest of the '
                       "file would be read as one answer.")
            where = f"{file}, row {line}"
        else:
            where = file
        raise InputDataError(f"{file} cannot be parsed", [Problem(
            message, where, "check that every line has the same number of fields, "
            f"separated by '{delim}', and that quotes are closed.")]) from None
    if delim == ";":  # Excel's French/German csv: decimal comma in numbers
        grid = grid.apply(lambda s: s.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True))
    return grid.astype(object).where(grid.notna(), None)


def codec_is_ascii_safe(encoding: str) -> bool:
    """True when ASCII bytes decode to the same characters (not UTF-16 / UTF-32)."""
    return "16" not in encoding and "32" not in encoding


def read_csv_arrow(data: bytes | memoryview, delim: str, enc: str, names: list[str],
                   multiline: bool,
                   numeric: Callable[[str], bool] | None) -> pd.DataFrame | None:
    """The data records of a text export read by pyarrow's multi-threaded CSV reader.

    Columns for which ``numeric(name)`` is true (item, weight and duration columns) get
    pyarrow's type inference, so whole numbers arrive as integers; every other column is
    read as text (an id "007" stays "007").  Only an empty cell is missing ("NA", "N/A"
    and "null" are text, as in the pandas reader).  Returns None when pyarrow does not
    read the records exactly (a line with too few or too many fields, a blank line, an
    encoding it does not know): the pandas reader then reads the file and locates the
    problem.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if not len(data) or (bytes(data[:4096]).isspace() and bytes(data).isspace()):
        return pd.DataFrame({str(i): pd.Series(dtype=object) for i in range(len(names))})
    keys = [str(i) for i in range(len(names))]
    text = {k: pa.string() for k, name in zip(keys, names, strict=True)
            if numeric is None or not numeric(name)}
    codec = "utf8" if enc.lower().replace("_", "-") in ("utf-8", "utf-8-sig", "utf8") else enc
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),  # the file's bytes as they are, not a copy
            read_options=pacsv.ReadOptions(column_names=keys, encoding=codec),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=multiline,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=text, null_values=[""], true_values=[], false_values=[],
                strings_can_be_null=True, quoted_strings_can_be_null=True,
                timestamp_parsers=[]))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, LookupError, ValueError):
        return None
    frame = table.to_pandas()
    frame.columns = range(len(names))
    if delim == ";":  # Excel's French/German csv: decimal comma in numbers
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.StringDtype):
                frame[col] = frame[col].str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
    return frame


