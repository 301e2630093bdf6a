"""Hostile outputs: formulas in every csv, personal data in every output, ledgers too long.

* **CSV injection.** A study whose brands, segment values, wave names, item text, ids and
  attention-check answers start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return: every csv txscore writes (``score --format csv`` for every table, ``export``,
  the ledger overflow csv) is parsed with :mod:`csv`; no cell may start with one of those
  characters unless it is a number, the planted values are there with their leading
  ``'``, and numbers (negative ones included) stay plain numbers. The workbook has no
  formula cell.
* **Privacy.** A study full of planted e-mails (an undeclared column, a free-text comment,
  a declared personal column), phone numbers, names and respondent ids: every byte of
  every output of validate, score (json and csv, every table), report (with charts: the
  xlsx unzipped, the PNGs' text chunks) and export, and everything printed, is searched
  for them. Ids appear only on request (``--show-ids``), and then only in the ledger.
* **Ledgers larger than a sheet** (``max_sheet_rows`` lowered through the public API): the
  whole ledger goes to a csv beside the workbook in the same publish, the sheet shows its
  first lines and says where the rest is, and no sheet goes below its last row.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import make_study

import txscore as tx
from txscore._io import FORMULA_STARTS
from txscore.cli import TABLES, main

SALT = "a long enough secret salt for the tests"
HYPERLINK = '=HYPERLINK("http://x")'
#: the carriage return is put in afterwards, quoted (pandas writes it bare: a broken csv)
BRANDS = [HYPERLINK, "+Brand", "-Brand", "@Brand", "\tTabBrand", "CRBrand"]
SEGMENTS = ["+cmd", "-2+3", "@SUM(1)", "=1+1", "\tTab"]
WAVES = ["@SUM(1)", "-W2"]
ANSWERS = ["=cmd|' /C calc'!A0", "+1+2", "-x", "@x", "\tx", "CRx"]


# ---------------------------------------------------------------------- helpers
def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err, out.err
    return code, out.out, out.err


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _assert_neutral(text: str, where: str) -> list[list[str]]:
    """No cell of the csv starts a formula unless it is a number; return the rows."""
    rows = _cells(text)
    assert rows, f"{where}: empty csv"
    # a bare carriage return inside a cell (not quoted) breaks the row in two
    broken = [r for r in rows if len(r) != len(rows[0])]
    assert not broken, f"{where}: rows of the wrong width (an unquoted line break?): {broken[:3]}"
    risky = [c for row in rows for c in row if c.startswith(FORMULA_STARTS) and not _is_number(c)]
    assert not risky, f"{where}: cells a spreadsheet would run: {risky[:5]}"
    return rows


def _column(rows: list[list[str]], name: str) -> list[str]:
    j = rows[0].index(name)
    return [r[j] for r in rows[1:]]


def _png_texts(data: bytes) -> list[bytes]:
    """The text chunks of a PNG (tEXt, zTXt, iTXt), inflated; and eXIf raw."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, texts = 8, []
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"tEXt" or kind == b"eXIf":
            texts.append(body)
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            texts.append(key + b"\0" + zlib.decompress(rest[1:]))
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            flag, rest = rest[0], rest[2:]
            lang, _, rest = rest.partition(b"\0")
            tkey, _, text = rest.partition(b"\0")
            texts.append(b"\0".join([key, lang, tkey, zlib.decompress(text) if flag else text]))
        pos += 12 + length
    return texts


def _xlsx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _sheet_rows(path: Path) -> dict[str, int]:
    """The last row used by each sheet: cells, row records and drawing anchors."""
    parts = _xlsx_parts(path)
    last = {}
    for name, data in parts.items():
        text = data.decode("utf-8", "replace")
        if name.startswith("xl/worksheets/sheet"):
            rows = [int(r) for r in re.findall(r'<row [^>]*r="(\d+)"', text)]
            refs = [int(r) for r in re.findall(r'<c r="[A-Z]+(\d+)"', text)]
            last[name] = max([0, *rows, *refs])
        elif name.startswith("xl/drawings/drawing"):  # anchors are 0-based
            last[name] = max([0, *(int(r) + 1 for r in re.findall(r"<xdr:row>(\d+)<", text))])
    return last


# ---------------------------------------------------------------------- csv injection
def _hostile_study(tmp: Path, n_attention: int = 4) -> Path:
    """Brands, segments, waves, item text, ids and answers that a spreadsheet would run."""
    n = 30
    cust = pd.DataFrame({
        "resp_id": [f"r{i}" for i in range(2 * n)],
        "brand": [BRANDS[i % len(BRANDS)] for i in range(2 * n)],
        "region": [SEGMENTS[i % len(SEGMENTS)] for i in range(2 * n)],
        "eff_1": [(i % 5) + 1 for i in range(2 * n)],
        "ease_1": [((i * 3) % 5) + 1 for i in range(2 * n)],
        "trust_1": [((i * 2) % 5) + 1 for i in range(2 * n)],
        "ret_1": [((i * 7) % 5) + 1 for i in range(2 * n)],
        "attn": ["Agree"] * (2 * n),
        "wave": [WAVES[0]] * n + [WAVES[1]] * n,
    })
    for k in range(n_attention):  # failed attention checks: the ledger quotes the answers
        cust.loc[k, "attn"] = ANSWERS[k % len(ANSWERS)]
    cust.loc[n - 1, ["resp_id", "brand"]] = ["=1+1", BRANDS[0]]  # a duplicated id
    cust.loc[n - 2, ["resp_id", "brand"]] = ["=1+1", BRANDS[0]]
    non = pd.DataFrame({
        "brand": [BRANDS[i % len(BRANDS)] for i in range(24)],
        "region": [SEGMENTS[i % len(SEGMENTS)] for i in range(24)],
        "sal_1": [(i % 5) + 1 for i in range(24)], "attn": ["Agree"] * 24,
        "wave": [WAVES[0]] * 12 + [WAVES[1]] * 12})
    spec = make_study(tmp, cust, non, columns={"segments": ["region"]},
                      items={"eff_1": {"text": "-[Brand] meets my needs"},
                             "ease_1": {"text": "\t[Brand] is easy"}},
                      constructs={"trust": {"label": "\rTrust"}},
                      quality={"attention_checks": [{"column": "attn",
                                                     "expected": ["Agree"]}]})
    for path in tmp.glob("*.csv"):
        text = path.read_text("utf-8").replace(",CRBrand,", ',"\rCRBrand",')
        path.write_text(text.replace(",CRx,", ',"\rx",'), "utf-8")
    return spec


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return _hostile_study(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("table", TABLES)
def test_every_score_csv_table_neutralises_formulas(hostile, capsys, table):
    code, out, err = _run(capsys, "score", str(hostile), "--format", "csv", "--table", table,
                          "--show-ids")
    assert code == 0, err
    rows = _assert_neutral(out, f"score --table {table}")
    text = "\n".join(",".join(r) for r in rows)
    if table in ("scores", "items", "distributions", "grid", "changes", "exclusions"):
        assert "'" + HYPERLINK in text and "'-Brand" in text and "'@Brand" in text, table
    if table in ("scores", "items", "changes", "exclusions", "files"):
        assert "'@SUM(1)" in text, table  # the waves
        assert "'-W2" in text or table == "exclusions", table
    if table == "items":
        assert "'-[Brand] meets my needs" in text and "'\t[Brand] is easy" in text
    if table == "scores":  # a carriage return leading a cell, quoted and neutralised
        assert "'\rTrust" in _column(rows, "label")
    if table == "exclusions":  # the duplicated id, with --show-ids
        assert "'=1+1" in _column(rows, "respondent_id")
    if table == "changes":  # numbers stay numbers, negative ones included
        diffs = [float(v) for v in _column(rows, "difference") if v]
        assert diffs and min(diffs) < 0
        assert all(_is_number(v) for v in _column(rows, "difference") if v)
    for name in ("n", "value", "difference", "count", "share", "rows_in"):
        if rows[0] and name in rows[0]:
            assert all(v == "" or _is_number(v) for v in _column(rows, name)), (table, name)


def test_score_csv_by_segment_neutralises_the_segment_values(hostile, capsys):
    code, out, err = _run(capsys, "score", str(hostile), "--format", "csv", "--by", "region")
    assert code == 0, err
    rows = _assert_neutral(out, "score --by region")
    shown = set(_column(rows, "region"))
    assert {"'+cmd", "'-2+3", "'@SUM(1)", "'=1+1"} <= shown, shown


def test_export_csv_neutralises_formulas(hostile, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TXSCORE_SALT", SALT)
    out = tmp_path / "rows.csv"
    code, _, err = _run(capsys, "export", str(hostile), "--out", str(out))
    assert code == 0, err
    rows = _assert_neutral(out.read_text("utf-8"), "export")
    assert {"'+cmd", "'-2+3", "'@SUM(1)", "'=1+1"} <= set(_column(rows, "region"))
    assert "'" + HYPERLINK in _column(rows, "brand")
    assert all(_is_number(v) for v in _column(rows, "eff_1") if v)


def test_the_workbook_has_no_formula(hostile, tmp_path):
    result = tx.score(tx.load(tx.read_study(hostile)))
    paths = tx.report(result, tmp_path / "out", charts=False, show_ids=True)
    wb = openpyxl.load_workbook(paths["workbook"])
    planted = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"formula in {ws.title}!{c.coordinate}: {c.value}"
                if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS):
                    planted.append(c.value)
    assert HYPERLINK in planted and "=1+1" in planted  # the text is there, as text
    assert not any(re.search(rb"<(\w+:)?f[ >]", x) for x in _xlsx_parts(
        paths["workbook"]).values())


# ---------------------------------------------------------------------- ledger overflow
@pytest.fixture(scope="module")
def long_ledger(tmp_path_factory) -> tuple[Path, tx.Result]:
    spec = _hostile_study(tmp_path_factory.mktemp("long"), n_attention=28)
    return spec, tx.score(tx.load(tx.read_study(spec)))


LIMIT = 40  # rows a sheet may use in these tests: the ledger (30 lines) no longer fits


def test_a_ledger_longer_than_a_sheet_goes_whole_to_a_csv_beside_the_workbook(long_ledger,
                                                                              tmp_path):
    spec, result = long_ledger
    out = tmp_path / "out"
    paths = tx.report(result, out, charts=False, max_sheet_rows=LIMIT)
    book, ledger = paths["workbook"], paths["exclusions"]
    # one publish: both in the version the folder links to
    assert out.is_symlink() and ledger.parent == book.parent == out
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [book.name, ledger.name, paths["exclusions_dataset"].name])
    rows = _assert_neutral(ledger.read_text("utf-8"), "ledger csv")
    assert len(rows) - 1 == len(result.exclusions) > LIMIT - 20
    assert "Respondent id" not in rows[0] and "File" in rows[0] and "Row" in rows[0]
    assert sorted(int(r) for r in _column(rows, "Row")) == sorted(
        result.exclusions["source_row"].astype(int))
    assert "'" + HYPERLINK in _column(rows, "Brand")
    # the sheet: the first lines, the counts, and where the rest is
    wb = openpyxl.load_workbook(book)
    ws = wb["Exclusions"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    said = [t for t in texts if ledger.name in t]
    assert said and str(len(result.exclusions)) in said[0], texts
    table = ws.tables["Ledger"]
    first, last = (int(re.sub(r"\D", "", p)) for p in table.ref.split(":"))
    assert last == LIMIT and 0 < last - first < len(result.exclusions)
    # no sheet goes below its last row; the cut sheets say so at the top
    assert max(_sheet_rows(book).values()) <= LIMIT
    cut = [ws.title for ws in wb.worksheets if isinstance(ws["A3"].value, str)
           and "limit" in ws["A3"].value]
    assert "Scores" in cut and "Exclusions" not in cut, cut


def test_charts_stay_above_the_last_row(long_ledger, tmp_path):
    _, result = long_ledger
    paths = tx.report(result, tmp_path / "out", max_sheet_rows=120)
    rows = _sheet_rows(paths["workbook"])
    assert any(n.startswith("xl/drawings/") for n in rows)  # some charts fit
    assert max(rows.values()) <= 120, rows


def test_the_ledger_csv_goes_when_the_ledger_fits_again(long_ledger, tmp_path):
    _, result = long_ledger
    out = tmp_path / "out"
    assert "exclusions" in tx.report(result, out, charts=False, max_sheet_rows=LIMIT)
    paths = tx.report(result, out, charts=False)
    assert "exclusions" not in paths
    assert [p.name for p in out.iterdir()] == [paths["workbook"].name]


def test_a_short_ledger_stays_in_the_sheet(long_ledger, tmp_path):
    _, result = long_ledger
    paths = tx.report(result, tmp_path / "out", charts=False)
    ws = openpyxl.load_workbook(paths["workbook"])["Exclusions"]
    first, last = (int(re.sub(r"\D", "", p)) for p in ws.tables["Ledger"].ref.split(":"))
    assert last - first == len(result.exclusions)
    assert ws.freeze_panes == f"A{first + 1}"  # the ledger's header stays in view
    assert not isinstance(ws["A3"].value, str)  # nothing cut, nothing said


# ---------------------------------------------------------------------- privacy
IDS = [f"RID-7c1f{i:04x}" for i in range(40)]
EMAILS = [f"ann.q{i}z@example.org" for i in range(40)]
COMMENT_EMAILS = [f"bob.k{i}w@mailbox.example.net" for i in range(40)]
DECLARED = [f"carol.v{i}x@corp.example.com" for i in range(40)]
PHONES = [f"+44 20 7946 {i:04d}" for i in range(40)]
NAMES = [f"Zebrowski{chr(65 + i % 26)}{i} Quillfeather" for i in range(40)]


def _private_study(tmp: Path) -> Path:
    n = len(IDS)
    comments = [f"Great service, call me at {PHONES[i]} or mail {COMMENT_EMAILS[i]} - "
                f"{NAMES[i]}" if i % 2 else "no comment" for i in range(n)]
    cust = pd.DataFrame({
        "resp_id": IDS, "brand": ["A", "B"] * (n // 2),
        "contact": EMAILS, "comment": comments, "email": DECLARED,
        "mobile": PHONES, "name": NAMES, "region": ["North", "South"] * (n // 2),
        "eff_1": [(i % 5) + 1 for i in range(n)], "ease_1": [((i * 3) % 5) + 1 for i in range(n)],
        "trust_1": [((i * 2) % 5) + 1 for i in range(n)],
        "attn": ["Agree"] * n})
    cust.loc[[3, 5], "attn"] = "No"  # excluded: the ledger has lines
    cust.loc[7, ["resp_id", "brand"]] = [IDS[6], "B"]  # a duplicated id, same brand
    cust.loc[6, "brand"] = "B"
    non = pd.DataFrame({"resp_id": [f"RID-9e2a{i:04x}" for i in range(20)],
                        "brand": ["A", "B"] * 10, "sal_1": [(i % 5) + 1 for i in range(20)],
                        "attn": ["Agree"] * 20, "region": ["North", "South"] * 10,
                        "name": NAMES[:20], "email": DECLARED[:20]})
    return make_study(tmp, cust, non,
                      columns={"segments": ["region"], "personal": ["email"]},
                      quality={"attention_checks": [{"column": "attn",
                                                     "expected": ["Agree"]}]})


# phones also as digits only (a number written back without its spaces)
PLANTED = [*EMAILS, *COMMENT_EMAILS, *DECLARED, *PHONES, *NAMES, "Zebrowski", "Quillfeather",
           "example.org", "example.net", "example.com",
           *(re.sub(r"\D", "", p) for p in PHONES)]
ID_MARKS = ["RID-7c1f", "RID-9e2a"]


def _leaks(blob: bytes | str, marks: list[str]) -> list[str]:
    text = blob if isinstance(blob, str) else blob.decode("utf-8", "replace")
    return [m for m in marks if m in text]


def _output_texts(path: Path) -> dict[str, bytes]:
    """Every byte a user gets from an output file: the xlsx's parts unzipped, a PNG's text
    chunks, a parquet's values; other files as they are."""
    if path.suffix == ".xlsx":
        return {f"{path.name}:{n}": b for n, b in _xlsx_parts(path).items()}
    if path.suffix == ".png":
        return {path.name: b"\n".join(_png_texts(path.read_bytes()))}
    if path.suffix == ".parquet":
        return {path.name: pd.read_parquet(path).to_csv().encode() + path.read_bytes()}
    return {path.name: path.read_bytes()}


@pytest.fixture(scope="module")
def private(tmp_path_factory) -> Path:
    return _private_study(tmp_path_factory.mktemp("private"))


def test_the_private_study_is_what_it_says(private):
    # the planted data is really in the inputs, and the ids reach the result (notebooks)
    raw = b"".join(p.read_bytes() for p in private.parent.glob("*.csv")).decode()
    planted = [*EMAILS, *COMMENT_EMAILS[1::2], *DECLARED, *PHONES, *NAMES, *IDS[:7], *IDS[8:]]
    assert [m for m in planted if m not in raw] == []
    result = tx.score(tx.load(tx.read_study(private)))
    assert len(result.exclusions) >= 3
    assert result.exclusions["respondent_id"].astype(str).str.startswith("RID-").all()


def test_no_output_holds_personal_data_or_ids(private, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TXSCORE_SALT", SALT)
    spec, out = str(private), tmp_path / "out"
    printed: dict[str, str] = {}
    runs = [["validate", spec, "-q"], ["score", spec], ["score", spec, "--format", "json"],
            *[["score", spec, "--format", f, "--table", t] for f in ("csv", "json")
              for t in TABLES],
            ["score", spec, "--format", "csv", "--by", "region"],
            ["score", spec, "--table", "exclusions"],
            ["report", spec, "--out", str(out)],
            ["export", spec, "--out", str(tmp_path / "rows.csv")],
            ["export", spec, "--out", str(tmp_path / "rows.parquet")]]
    for argv in runs:
        code, so, se = _run(capsys, *argv)
        assert code == 0, (argv, se)
        printed[" ".join(argv[:1] + argv[2:])] = so + se
    files = [*out.iterdir(), tmp_path / "rows.csv", tmp_path / "rows.parquet"]
    assert any(p.suffix == ".png" for p in files) and any(p.suffix == ".xlsx" for p in files)
    blobs = {k: v for p in files for k, v in _output_texts(p).items()}
    blobs.update({f"printed by {k}": v.encode() for k, v in printed.items()})
    leaks = {k: found for k, v in blobs.items() if (found := _leaks(v, PLANTED + ID_MARKS))}
    assert not leaks, leaks
    # the test can fail: the ledger is there, and names rows by file and row
    ws = openpyxl.load_workbook(out / "Tiny study.xlsx")["Exclusions"]
    first, last = (int(re.sub(r"\D", "", p)) for p in ws.tables["Ledger"].ref.split(":"))
    header = [c.value for c in ws[first]]
    assert {"File", "Row"} <= set(header) and "Respondent id" not in header
    assert last - first == len(tx.score(tx.load(tx.read_study(private))).exclusions)
    assert any("respondent ids are left out" in str(c.value) for c in ws["A"])


def test_ids_only_on_request_and_only_in_the_ledger(private, capsys, tmp_path):
    spec, out = str(private), tmp_path / "out"
    code, so, se = _run(capsys, "report", spec, "--out", str(out), "--no-charts",
                        "--show-ids")
    assert code == 0, se
    assert not _leaks(so + se, ID_MARKS)
    wb = openpyxl.load_workbook(out / "Tiny study.xlsx")
    where = {ws.title for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and _leaks(c.value, ID_MARKS)}
    assert where == {"Exclusions"}
    ws = wb["Exclusions"]
    first, last = (int(re.sub(r"\D", "", p)) for p in ws.tables["Ledger"].ref.split(":"))
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and _leaks(c.value, ID_MARKS)]
    rows = {c.row for row in ws.iter_rows() for c in row if isinstance(c.value, str)
            and _leaks(c.value, ID_MARKS)}
    assert cells and all(first < r <= last for r in rows)  # in the ledger's lines only
    assert "Respondent id" in [c.value for c in ws[first]]  # the ledger's header
    assert any("Respondent ids are shown" in str(c.value) for c in ws["A"])
    # the ids still leak nothing else: planted personal data stays out
    blobs = _output_texts(out / "Tiny study.xlsx")
    assert not {k for k, v in blobs.items() if _leaks(v, PLANTED)}
    # score: the exclusions table only with --show-ids
    code, so, _ = _run(capsys, "score", spec, "--format", "json", "--show-ids")
    payload = json.loads(so)
    assert all(r["respondent_id"].startswith("RID-") for r in payload["exclusions"])
    assert not _leaks(json.dumps({k: v for k, v in payload.items() if k != "exclusions"}),
                      ID_MARKS)
    code, so, _ = _run(capsys, "score", spec, "--format", "csv", "--table", "exclusions",
                       "--show-ids")
    assert "respondent_id" in _cells(so)[0] and _leaks(so, ID_MARKS)
