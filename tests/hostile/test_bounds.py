"""Bounded reading: hostile workbooks, misnamed files, special paths and mixed encodings.

Each case runs the command line (``txscore validate``) on a tiny study written in
``tmp_path`` and asserts the exit code, a message that names the file (and the sheet and
cell where there is one) and what to do, and no traceback.  Workbooks are written by hand
with :mod:`zipfile`, so that the XML is exactly what a careless or malicious tool could
write: a cell at XFD1048576, references in quotes or entities, a DTD, formulas without a
value.  Cases that would abort the process if the guard failed (calamine allocating
rows x columns cells) run in a subprocess: the abort is the point.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import CUSTOMER_ITEMS, make_study

import txscore as tx
from txscore.cli import main
from txscore.errors import TxscoreWarning
from txscore.ingest import check, sheetxml
from txscore.ingest.readers import read_table

REPO = Path(__file__).resolve().parents[2]
HEADER = ["resp_id", "brand", *CUSTOMER_ITEMS]
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
    '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
    'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Responses" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
    'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>')


# ---------------------------------------------------------------------- helpers
def cell(ref: str, value: object) -> str:
    """A cell as Excel writes it: numbers in <v>, text as an inline string."""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def data_rows(n: int, answer: object = 4) -> str:
    """The header (row 1) and ``n`` respondents c1..cn of brand A answering ``answer``."""
    letters = [sheetxml.column_letters(i) for i in range(1, len(HEADER) + 1)]
    rows = ['<row r="1">' + "".join(cell(f"{c}1", h) for c, h in zip(letters, HEADER,
                                                                      strict=True)) + "</row>"]
    for r in range(2, n + 2):
        values = [f"c{r - 1}", "A", *[answer] * len(CUSTOMER_ITEMS)]
        rows.append(f'<row r="{r}">' + "".join(cell(f"{c}{r}", v) for c, v in zip(
            letters, values, strict=True)) + "</row>")
    return "".join(rows)


def sheet(rows: str, *, before: str = "", after: str = "", prolog: str = "",
          dimension: str | None = None) -> str:
    """A worksheet's XML: ``before`` and ``after`` are raw XML placed around the rows."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
            f'<worksheet xmlns="{MAIN_NS}">{dim}<sheetData>{before}{rows}{after}'
            "</sheetData></worksheet>")


def write_book(path: Path, sheet_xml: str, **parts: str) -> Path:
    """An xlsx of one sheet 'Responses'; ``parts`` replace or add zip entries by name
    (``workbook="..."`` is xl/workbook.xml)."""
    entries = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS,
               "xl/workbook.xml": WORKBOOK, "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
               "xl/worksheets/sheet1.xml": sheet_xml}
    entries.update({f"xl/{name}.xml": text for name, text in parts.items()})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in entries.items():
            zf.writestr(name, text)
    return path


def book_study(tmp_path: Path, sheet_xml: str) -> Path:
    """A tiny study whose customer source is customers.xlsx, sheet 'Responses'."""
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4, 4, 4]}))
    (tmp_path / "customers.csv").unlink()
    write_book(tmp_path / "customers.xlsx", sheet_xml)
    spec.write_text(spec.read_text().replace(
        'path = "customers.csv"', 'path = "customers.xlsx"\nsheet = "Responses"'))
    return spec


def source_study(tmp_path: Path, path: str) -> Path:
    """A tiny study (customers.csv written) whose customer source path is ``path``."""
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4, 4, 4]}))
    spec.write_text(spec.read_text().replace('path = "customers.csv"',
                                             f"path = {json.dumps(path)}"))
    return spec


def validate(spec: Path, capsys) -> tuple[int, str]:
    """``txscore validate`` in-process: exit code and everything printed, on one line."""
    code = main(["validate", str(spec)])
    captured = capsys.readouterr()
    text = " ".join((captured.out + captured.err).split())
    assert "Traceback" not in text
    return code, text


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)  # a message per line, unwrapped


ISOLATED = """
import contextlib, io, json, sys
from txscore.cli import main
from txscore.errors import TxscoreWarning
results = []
for spec in sys.argv[1:]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["validate", spec])
    results.append([code, " ".join(out.getvalue().split())])
print(json.dumps(results))
"""


def validate_isolated(specs: list[Path], cwd: Path) -> list[tuple[int, str]]:
    """``validate`` of each study in one child process: a native abort kills the child,
    not the test run, and fails the test with the child's exit status."""
    done = subprocess.run([sys.executable, "-c", ISOLATED, *map(str, specs)], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": ""})
    assert done.returncode == 0, (done.returncode, done.stderr[-3000:])
    assert not list(cwd.glob("core*"))
    return [tuple(r) for r in json.loads(done.stdout)]


# ---------------------------------------------------------------------- the native abort
def test_one_cell_at_xfd1048576_is_a_located_error_not_a_native_abort(tmp_path):
    # 84 kB in the report: one value at the last cell Excel has makes calamine allocate
    # 1,048,576 x 16,384 cells (512 GB) and abort with exit 134 and no message
    spec = book_study(tmp_path, sheet(data_rows(3), after='<row r="1048576">'
                                      + cell("XFD1048576", 1) + "</row>"))
    assert (tmp_path / "customers.xlsx").stat().st_size < 100_000
    done = subprocess.run([sys.executable, "-m", "txscore.cli", "validate", str(spec)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": ""})
    text = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, (done.returncode, text[-2000:])  # not 134 / -6 (SIGABRT)
    assert not list(tmp_path.glob("core*"))
    assert "Traceback" not in text and "memory allocation" not in text
    assert "customers.xlsx, sheet 'Responses', cell XFD1048576:" in text
    assert "below a run of 1,048,571 empty rows (the data above end at row 4)" in text
    assert "select rows 5 to 1,048,576 and delete them" in text


FAR = {  # the cell XFD1048576 written as a careless or malicious tool could
    "canonical": '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    "single quotes": "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",
    "spaces around =": '<row r = "1048576"><c r = "XFD1048576"><v>1</v></c></row>',
    "an entity": '<row r="1048576"><c r="&#88;FD1048576"><v>1</v></c></row>',
    "lower case": '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',
    "r not first": '<row spans="1:2" r="1048576"><c s="0" r="XFD1048576"><v>1</v></c></row>',
    "no cell reference": '<row r="1048576">' + "<c></c>" * 16_383 + "<c><v>1</v></c></row>",
    "prefixed elements": (f'<x:row xmlns:x="{MAIN_NS}" r="1048576"><x:c r="XFD1048576">'
                          "<x:v>1</x:v></x:c></x:row>"),
    "a text cell": ('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>oops</t></is>'
                    "</c></row>"),
}


@pytest.mark.parametrize("respondents", [3, 2_000], ids=["in the head", "after the head"])
def test_a_far_cell_however_written_is_refused_before_any_reader_sees_it(tmp_path,
                                                                         respondents):
    # 2,000 respondents make the sheet's XML larger than the head read cell by cell
    # (256 KiB): the far cell then lies in a part only searched for references out of
    # bounds, and each way of writing it must still be found
    specs = []
    for i, far in enumerate(FAR.values()):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        specs.append(book_study(folder, sheet(data_rows(respondents), after=far)))
    results = validate_isolated(specs, tmp_path)
    for name, (code, text) in zip(FAR, results, strict=True):
        assert code == 1, (name, text[-1500:])
        assert "customers.xlsx, sheet 'Responses', cell XFD1048576:" in text, (name, text)
        assert f"the data above end at row {respondents + 1:,}" in text, name
        assert "Traceback" not in text


def test_a_far_row_written_before_the_data_is_found_too(tmp_path):
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    spec = book_study(tmp_path, sheet(data_rows(2_000), before=far))
    [(code, text)] = validate_isolated([spec], tmp_path)
    assert code == 1 and "cell XFD1048576" in text and "end at row 2,001" in text


def test_a_cell_far_to_the_right_of_a_few_hundred_rows_spans_too_many_cells(tmp_path,
                                                                           capsys):
    # no empty rows here: 301 rows x 16,384 columns = 4.9 million cells for 150 kB of XML
    spec = book_study(tmp_path, sheet(data_rows(300), after='<row r="302">'
                                      + cell("XFD302", "note") + "</row>"))
    code, text = validate(spec, capsys)
    assert code == 1
    assert "customers.xlsx, sheet 'Responses', cell XFD302:" in text
    assert "302 rows x 16,384 columns (4,947,968 cells)" in text
    assert "XFD302 ('note') lies far from the other data (columns A to K, rows 1 to 302)" in text
    assert "delete the stray cells" in text


# ---------------------------------------------------------------------- stray cells
def test_stray_cell_at_the_last_row_of_an_unused_column_fails_validate_and_report(
        tmp_path, capsys):
    # it used to pass validate, then report ran 76 s and 4 GB and failed on the
    # Exclusions sheet (a million blank rows, each a ledger row)
    spec = book_study(tmp_path, sheet(data_rows(3), after='<row r="1048576">'
                                      + cell("Z1048576", 1) + "</row>"))
    code, text = validate(spec, capsys)
    assert code == 1
    assert "customers.xlsx, sheet 'Responses', cell Z1048576:" in text
    assert "1 row holds cells below a run of 1,048,571 empty rows" in text
    assert "Z1048576 ('1')" in text and "not respondents" in text
    out = tmp_path / "out"
    assert main(["report", str(spec), "--out", str(out), "--no-charts", "-q"]) == 1
    captured = capsys.readouterr()
    assert "cell Z1048576" in " ".join((captured.out + captured.err).split())
    assert not list(out.glob("*.xlsx")) if out.exists() else True


def test_several_stray_cells_are_named_and_counted(tmp_path, capsys):
    strays = "".join(f'<row r="{r}">' + cell(f"B{r}", f"x{r}") + "</row>"
                     for r in range(900_000, 900_007))
    spec = book_study(tmp_path, sheet(data_rows(3), after=strays))
    code, text = validate(spec, capsys)
    assert code == 1
    assert "7 rows hold cells below a run of 899,995 empty rows" in text
    assert "B900000 ('x900000')" in text and "and 2 more" in text
    assert "select rows 5 to 900,006" in text


@pytest.mark.parametrize("gap, refused", [(sheetxml.MAX_EMPTY_ROWS, False),
                                          (sheetxml.MAX_EMPTY_ROWS + 1, True)])
def test_the_stray_threshold_is_a_run_of_more_than_max_empty_rows(tmp_path, gap, refused):
    below = 4 + gap + 1  # data end at row 4
    spec = book_study(tmp_path, sheet(data_rows(3), after=f'<row r="{below}">'
                                      + cell(f"A{below}", "c9") + "</row>"))
    problems = [p for p in check(tx.read_study(spec)).problems if p.severity == "error"]
    assert any(f"cell A{below}" in p.where for p in problems) == refused


def test_blank_rows_inside_the_data_are_still_rows(tmp_path, capsys):
    spec = book_study(tmp_path, sheet(data_rows(3), after='<row r="300">'
                                      + cell("A300", "c9") + cell("B300", "A")
                                      + "".join(cell(f"{sheetxml.column_letters(i)}300", 4)
                                                for i in range(3, 12)) + "</row>"))
    code, text = validate(spec, capsys)
    assert code == 0, text
    responses = tx.load(tx.read_study(spec))
    assert responses.data["source_row"].tolist() == [2, 3, 4, 300]
    assert (responses.exclusions["reason"] == "blank_row").sum() == 295


# ---------------------------------------------------------------------- Excel's limits
@pytest.mark.parametrize("ref, said", [
    ("A1048577", "row 1,048,577, column 1"),
    ("XFE5", "row 5, column 16,385"),
    ("AAAAA5", "row 5, column 475,255"),
])
def test_cells_beyond_excels_limits_are_refused(tmp_path, capsys, ref, said):
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    spec = book_study(tmp_path, sheet(data_rows(3), after=f'<row r="{row}">' + cell(ref, 1)
                                      + "</row>"))
    code, text = validate(spec, capsys)
    assert code == 1
    assert (f"customers.xlsx, sheet 'Responses', cell {ref}: 1 cell lies beyond Excel's "
            f"last row (1,048,576) or column (XFD), e.g. {ref} ({said})") in text
    assert "was not written by Excel, or is damaged" in text


def test_a_declared_dimension_beyond_excels_limits_is_refused(tmp_path, capsys):
    spec = book_study(tmp_path, sheet(data_rows(3), dimension="A1:XFE2000000"))
    code, text = validate(spec, capsys)
    assert code == 1
    assert "customers.xlsx, sheet 'Responses': the sheet declares its cells span " \
           "A1:XFE2000000, beyond Excel's limits" in text


def test_a_declared_dimension_larger_than_the_cells_is_harmless(tmp_path, capsys):
    # Excel writes the used range, formatting included: only cells with values count
    empty_far = '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    spec = book_study(tmp_path, sheet(data_rows(3), dimension="A1:XFD1048576",
                                      after=empty_far))
    code, text = validate(spec, capsys)
    assert code == 0, text
    table = read_table(spec.parent / "customers.xlsx", "Responses")
    assert table.reader == "fastexcel" and len(table.frame) == 3


def test_a_large_legitimate_sheet_still_goes_to_the_fast_reader(tmp_path):
    # formulas with their cached values (as Excel saves them) in every row: read as values,
    # and the parts after the head are only searched, not read cell by cell
    rows = data_rows(5_000).replace("<v>4</v></c></row>", "<f>2*2</f><v>4</v></c></row>")
    path = write_book(tmp_path / "big.xlsx", sheet(rows, dimension="A1:K5001"))
    table = read_table(path, "Responses")
    assert table.reader == "fastexcel" and table.notes == ()
    assert len(table.frame) == 5_000 and table.rows()[-1] == 5_001
    assert table.frame["trust_1"].tolist() == ["4"] * 5_000
    with zipfile.ZipFile(path) as zf:
        scan = sheetxml.scan_sheet(zf, path.read_bytes(),
                                   zf.getinfo("xl/worksheets/sheet1.xml"))
    assert scan.fast and len(scan.first) < 1_000 and scan.n_formulas == 0


# ---------------------------------------------------------------------- DTD
@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n',
    '<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">\n',
    '<!doctype worksheet [<!ENTITY x SYSTEM "http://example.invalid/x">]>\n',
])
def test_a_dtd_inline_in_sheet_xml_is_a_located_error(tmp_path, capsys, prolog):
    spec = book_study(tmp_path, sheet(data_rows(3).replace(">c1<", ">&b;<"), prolog=prolog))
    code, text = validate(spec, capsys)
    assert code == 1
    assert "customers.xlsx, sheet 'Responses': the XML holds a document type declaration" \
        in text
    assert "do not open it" in text and "aaaaaaaaaa" not in text


@pytest.mark.parametrize("part", ["workbook", "sharedStrings"])
def test_a_dtd_in_the_workbook_or_its_shared_strings_is_refused_too(tmp_path, capsys, part):
    spec = book_study(tmp_path, sheet(data_rows(3)))
    dtd = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n'
    text_of = {"workbook": WORKBOOK.split("\n", 1)[1],
               "sharedStrings": f'<sst xmlns="{MAIN_NS}"><si><t>&a;</t></si></sst>'}
    write_book(tmp_path / "customers.xlsx", sheet(data_rows(3)), **{part: dtd + text_of[part]})
    code, text = validate(spec, capsys)
    assert code == 1
    assert (f"customers.xlsx (xl/{part}.xml): the XML holds a document type declaration"
            in text)


def test_a_dtd_after_the_head_of_a_large_sheet_is_refused_too(tmp_path, capsys):
    late = '<!DOCTYPE x [<!ENTITY a "b">]>'
    spec = book_study(tmp_path, sheet(data_rows(2_000), after=late))
    code, text = validate(spec, capsys)
    assert code == 1 and "document type declaration" in text


# ---------------------------------------------------------------------- formulas
def formula_row(r: int) -> str:
    """Respondent c{r-1} whose C, D and E cells are formulas without a cached value (a
    plain one, a shared one with an empty value, a shared one's follower) and whose F cell
    is a formula with its value."""
    return (f'<row r="{r}">' + cell(f"A{r}", f"c{r - 1}") + cell(f"B{r}", "A")
            + f'<c r="C{r}"><f>2+2</f></c><c r="D{r}"><f t="shared" ref="D{r}:E{r}" '
            f'si="0">1+1</f><v></v></c><c r="E{r}"><f t="shared" si="0"/></c>'
            f'<c r="F{r}"><f>1+3</f><v>4</v></c></row>')


@pytest.mark.parametrize("respondents", [3, 2_000], ids=["in the head", "after the head"])
def test_formula_cells_without_a_cached_value_are_counted_and_located(tmp_path, capsys,
                                                                      respondents):
    row = respondents + 2
    spec = book_study(tmp_path, sheet(data_rows(respondents) + formula_row(row)))
    code, text = validate(spec, capsys)
    assert code == 0, text  # a warning: the run goes on, and the blanks are said
    assert (f"customers.xlsx, sheet 'Responses', cell C{row}: 3 formula cells have no "
            f"calculated value saved in the file (C{row}, D{row}, E{row}): they are read "
            "as blank answers.") in text
    assert "open the workbook in Excel (it calculates the formulas) and save it" in text
    with pytest.warns(TxscoreWarning, match="3 formula cells have no calculated value"):
        data = tx.load(tx.read_study(spec)).data
    last = data.loc[data["source_row"] == row]
    assert last["ret_1"].tolist() == [4]  # F's cached value is read (ret_1 is column F)
    assert last[["eff_1", "ease_1", "emo_1"]].isna().all(axis=None)


# ---------------------------------------------------------------------- misnamed files
def _xlsx_bytes(tmp_path: Path) -> bytes:
    return write_book(tmp_path / "real.xlsx", sheet(data_rows(3))).read_bytes()


@pytest.mark.parametrize("name, content, said, fix", [
    ("customers.csv", _xlsx_bytes, "is an Excel workbook (.xlsx), not a .csv file",
     "rename it 'customers.xlsx'"),
    ("customers.csv", lambda p: b"PAR1" + b"\0" * 64, "is a parquet file, not a .csv file",
     "rename it 'customers.parquet'"),
    ("customers.csv", lambda p: b"$FL2" + b"\0" * 64, "is an SPSS data file, not a .csv",
     "rename it 'customers.sav'"),
    ("customers.csv", lambda p: b"%PDF-1.7\n" + b"\0" * 64, "is a PDF document",
     "export the data from the survey platform as .xlsx, .csv"),
    ("customers.csv", lambda p: bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512,
     "is an old Excel .xls workbook", "open it in Excel (or LibreOffice) and save it"),
    ("customers.tsv", lambda p: b"\x1f\x8b\x08" + b"\0" * 64, "is a gzip-compressed file",
     "decompress it (e.g. gunzip)"),
    ("customers.xlsx", lambda p: b"resp_id,brand\nc1,A\n", "is plain text (a csv export?)",
     "rename it with the .csv extension"),
    ("customers.xlsx", lambda p: b"PAR1" + b"\0" * 64, "is a parquet file, not an xlsx",
     "rename it with the .parquet extension"),
    ("customers.parquet", lambda p: b"resp_id,brand\nc1,A\n", "is plain text",
     "rename it 'customers.csv'"),
    ("customers.sav", _xlsx_bytes, "is an Excel workbook (.xlsx), not a .sav file",
     "rename it 'customers.xlsx'"),
])
def test_a_file_named_like_another_kind_says_what_it_really_is(tmp_path, capsys, name,
                                                               content, said, fix):
    raw = content(tmp_path)
    spec = source_study(tmp_path, name)
    (tmp_path / name).write_bytes(raw)
    code, text = validate(spec, capsys)
    assert code == 1
    assert f"{name}: the file {said}" in text, text
    assert fix in text
    assert "NUL" not in text and "UTF-16" not in text


def test_a_zip_that_is_not_a_workbook_is_named(tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "customers.xlsx", "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    spec = source_study(tmp_path, "customers.xlsx")
    code, text = validate(spec, capsys)
    assert code == 1
    assert "customers.xlsx: the file is a Word document (.docx), not an xlsx workbook" in text


# ---------------------------------------------------------------------- special paths
def test_a_folder_given_as_a_source_is_read_file_by_file(tmp_path, capsys):
    # a folder is a dataset: its data files are the sources, each checked as a file
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "wave1.csv").write_text("x")
    (tmp_path / "exports" / "notes.md").write_text("not data")
    spec = source_study(tmp_path, "exports")
    code, text = validate(spec, capsys)
    assert code == 1
    assert "wave1.csv" in text and "notes.md" not in text and "not found" not in text


def test_a_folder_without_data_files_is_a_located_error(tmp_path, capsys):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "notes.md").write_text("not data")
    spec = source_study(tmp_path, "exports")
    code, text = validate(spec, capsys)
    assert code == 1
    assert "no data file in folder 'exports' (skipped: notes.md)." in text
    assert "put the data files (.xlsx" in text and "not found" not in text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_given_as_a_source_is_refused_without_waiting(tmp_path, capsys):
    os.mkfifo(tmp_path / "live.csv")  # opening it to read would wait for a writer
    spec = source_study(tmp_path, "live.csv")
    code, text = validate(spec, capsys)
    assert code == 1
    assert f"{tmp_path / 'live.csv'}: the source is a named pipe (FIFO), not a file" in text
    assert "save the data to a regular file" in text and "not found" not in text


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_given_as_a_source_is_refused_without_reading_it(tmp_path, capsys,
                                                                  device):
    if not Path(device).exists() or not stat.S_ISCHR(os.stat(device).st_mode):
        pytest.skip(f"no character device {device}")
    spec = source_study(tmp_path, device)  # /dev/zero would be read forever
    code, text = validate(spec, capsys)
    assert code == 1
    assert f"{device}: the source is a device, not a file." in text
    assert "not found" not in text


def test_permission_denied_names_the_file_and_the_fix(tmp_path, capsys, monkeypatch):
    locked = tmp_path / "locked.csv"
    locked.write_text("resp_id,brand\nc1,A\n")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: the system's refusal is simulated
        real_open = os.open

        def refusing_open(path, *args, **kwargs):
            if Path(path) == locked:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)
    spec = source_study(tmp_path, "locked.csv")
    code, text = validate(spec, capsys)
    assert code == 1
    assert f"{locked}: permission denied: this account may not read the file" in text
    assert "make it readable (e.g. chmod u+r on the file" in text
    assert "not found" not in text


def test_a_name_too_long_for_the_file_system(tmp_path, capsys):
    spec = source_study(tmp_path, "x" * 300 + ".csv")
    code, text = validate(spec, capsys)
    assert code == 1
    assert "the path is too long for the file system (a name of 304 characters" in text
    assert "rename the file (or its folder) to a shorter name" in text
    assert "free space" not in text and "not found" not in text


@pytest.mark.parametrize("given, said", [
    ("customer.csv", "file not found. Fix: did you mean 'customers.csv'?"),
    ("exports/customers.csv", "file not found: the folder '{tmp}/exports' does not exist."),
])
def test_a_missing_file_says_what_is_near(tmp_path, capsys, given, said):
    spec = source_study(tmp_path, given)
    code, text = validate(spec, capsys)
    assert code == 1
    assert f"{tmp_path / given}: " + said.format(tmp=tmp_path) in text


def test_a_path_through_a_file(tmp_path, capsys):
    spec = source_study(tmp_path, "customers.csv/inner.csv")
    code, text = validate(spec, capsys)
    assert code == 1
    assert "a part of the path is a file, not a folder." in text


# ---------------------------------------------------------------------- encodings
def _brand_file(tmp_path: Path, lines: list[bytes]) -> Path:
    header = ",".join(HEADER).encode()
    (tmp_path / "customers.csv").write_bytes(b"\n".join([header, *lines]) + b"\n")
    return tmp_path / "customers.csv"


def _row(i: int, brand: str, encoding: str) -> bytes:
    """Respondent ``ci`` of ``brand``, the line written in ``encoding``."""
    return f"c{i},{brand},".encode(encoding) + ",".join(["4"] * len(CUSTOMER_ITEMS)).encode()


@pytest.mark.parametrize("odd_line", [2, 4, 7])
def test_one_cp1252_byte_in_a_utf8_csv_does_not_split_a_brand(tmp_path, capsys, odd_line):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4] * 6}))
    lines = [_row(i, "Nestlé", "cp1252" if i + 1 == odd_line else "utf-8")
             for i in range(1, 7)]
    _brand_file(tmp_path, lines)
    code, text = validate(spec, capsys)
    assert code == 0, text
    assert (f"customers.csv, row {odd_line}: the file is UTF-8 but for 1 character in "
            f"Windows-1252 (cp1252) on line {odd_line} (0xE9 read as 'é')") in text
    assert "save the file in one encoding (UTF-8)" in text
    with pytest.warns(TxscoreWarning, match=f"on line {odd_line} "):
        brands = tx.load(tx.read_study(spec)).data["brand"].unique().tolist()
    assert brands == ["Nestlé"]


def test_one_utf8_brand_in_a_cp1252_csv_does_not_split_it_either(tmp_path, capsys):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4] * 5}))
    lines = [_row(i, "Nestlé", "utf-8" if i == 3 else "cp1252") for i in range(1, 6)]
    _brand_file(tmp_path, lines)
    code, text = validate(spec, capsys)
    assert code == 0, text
    assert ("customers.csv, row 4: the file is Windows-1252 (cp1252) but for 1 "
            "character in UTF-8 on line 4 (0xC3 0xA9 read as 'é')") in text
    with pytest.warns(TxscoreWarning, match="in UTF-8 on line 4"):
        assert tx.load(tx.read_study(spec)).data["brand"].unique().tolist() == ["Nestlé"]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-8-sig"])
def test_a_file_in_one_encoding_reads_without_a_warning(tmp_path, capsys, encoding):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4] * 3}))
    text_file = "\n".join([",".join(HEADER)] + [
        f"c{i},Nestlé," + ",".join(["4"] * len(CUSTOMER_ITEMS)) for i in (1, 2, 3)]) + "\n"
    (tmp_path / "customers.csv").write_bytes(text_file.encode(encoding))
    code, text = validate(spec, capsys)
    assert code == 0, text
    assert "encoding" not in text.lower().replace("encoding =", "")
    assert tx.load(tx.read_study(spec)).data["brand"].unique().tolist() == ["Nestlé"]


def test_reading_a_mixed_file_keeps_every_row_and_its_line(tmp_path):
    raw = (",".join(HEADER) + "\n").encode() + b"\n".join(
        _row(i, "Caf\u00e9 Noir", "cp1252" if i == 2 else "utf-8") for i in (1, 2, 3)) + b"\n"
    (tmp_path / "a.csv").write_bytes(raw)
    table = read_table(tmp_path / "a.csv")
    assert table.frame["brand"].tolist() == ["Café Noir"] * 3
    assert table.rows().tolist() == [2, 3, 4]
    assert [p.where for p in table.notes] == ["a.csv, row 3"]


@pytest.mark.parametrize("case, said", [
    ("dtd", "customers.xlsx, sheet 'Responses': the XML holds a document type declaration"),
    ("stray", "customers.xlsx, sheet 'Responses', cell C600000: 1 row holds cells below a "
              "run of 599,995 empty rows"),
    ("folder", "no data file in folder 'empty'."),
])
def test_the_command_as_a_user_runs_it_exits_1_with_the_message(tmp_path, case, said):
    if case == "folder":
        (tmp_path / "empty").mkdir()
        spec = source_study(tmp_path, "empty")
    else:
        xml = sheet(data_rows(3), prolog="<!DOCTYPE x>\n") if case == "dtd" else sheet(
            data_rows(3), after='<row r="600000">' + cell("C600000", 1) + "</row>")
        spec = book_study(tmp_path, xml)
    done = subprocess.run([sys.executable, "-m", "txscore.cli", "validate", str(spec)],
                          capture_output=True, text=True, timeout=300, cwd=REPO,
                          env={**os.environ, "COLUMNS": ""})
    text = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, text[-1000:]
    assert "Traceback" not in text
    assert said.format(folder=tmp_path) in text
