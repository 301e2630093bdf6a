"""Hostile input files: each is refused (or read) with a located message, never a traceback.

Every test names the location the user must look at (file, sheet, row, column) and checks
the message says what is wrong and how to fix it.  Cases already covered elsewhere are not
repeated: a ragged csv line at reader level (test_readers), weights that are zero, negative
or text and a duplicated item column at CLI level (test_ingest, test_quality).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import CUSTOMER_ITEMS, base_spec, make_study, merge, write_spec

import txscore as tx
from txscore.cli import main
from txscore.errors import InputDataError
from txscore.ingest import check, xlsx
from txscore.ingest.readers import read_table

REPO = Path(__file__).resolve().parents[1]
SAMPLE_BOOK = REPO / "surveys" / "sample" / "customers_w1.xlsx"
CFB = bytes.fromhex("D0CF11E0A1B11AE1")


def problems_of(path: Path) -> list:
    """Every problem ``check`` finds for a study file (errors and warnings)."""
    return check(tx.read_study(path)).problems


def only_error(path: Path):
    errors = [p for p in problems_of(path) if p.severity == "error"]
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def to_xlsx(csv_path: Path, sheet: str = "Responses") -> Path:
    """The csv written by make_study as a workbook (numbers as numbers); returns its path."""
    frame = pd.read_csv(csv_path, dtype=object, keep_default_na=False).replace("", None)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([int(v) if isinstance(v, str) and v.isdigit() else v for v in row])
    path = csv_path.with_suffix(".xlsx")
    wb.save(path)
    return path


def xlsx_study(tmp_path: Path, customers: pd.DataFrame, **overrides) -> Path:
    """make_study with the customer file as customers.xlsx (sheet 'Responses')."""
    spec = make_study(tmp_path, customers, **overrides)
    to_xlsx(tmp_path / "customers.csv")
    text = spec.read_text().replace('path = "customers.csv"',
                                    'path = "customers.xlsx"\nsheet = "Responses"')
    spec.write_text(text)
    return spec


# ---------------------------------------------------------------------- not a workbook
@pytest.mark.parametrize("content, expected", [
    (lambda: SAMPLE_BOOK.read_bytes()[:50_000], "truncated"),
    (lambda: CFB + b"\0" * 4096 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512,
     "password-protected"),
    (lambda: CFB + b"\0" * 4096, "an old .xls renamed .xlsx"),
    (lambda: b"id,brand,eff_1\nr1,A,4\n", "plain text"),
    (lambda: b"<html><table><tr><td>1</td></tr></table></html>", "HTML"),
    (lambda: b"", "empty (0 bytes)"),
])
def test_files_that_are_not_workbooks_are_named_with_the_reason(tmp_path, content, expected):
    (tmp_path / "customers.xlsx").write_bytes(content())
    with pytest.raises(InputDataError) as err:
        read_table(tmp_path / "customers.xlsx")
    [problem] = err.value.problems
    assert problem.where == "customers.xlsx"
    assert expected in problem.message and problem.fix, problem


def test_an_empty_csv_and_a_header_without_rows(tmp_path):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4]}))
    header = (tmp_path / "customers.csv").read_text().splitlines()[0]
    (tmp_path / "customers.csv").write_text(header + "\n")
    [problem] = problems_of(spec)  # a wave nobody answered yet: a warning, not an error
    assert (problem.where, problem.severity) == ("customers.csv", "warning")
    assert problem.message == ("the file has column names (row 1) but no data rows below "
                               "them: it adds nothing to the scores.")
    (tmp_path / "customers.csv").write_bytes(b"")
    problem = only_error(spec)
    assert (problem.where, problem.message) == ("customers.csv",
                                                "the file is empty (0 bytes).")


def test_a_sheet_that_does_not_exist_suggests_the_close_one(tmp_path):
    spec = xlsx_study(tmp_path, pd.DataFrame({"eff_1": [4]}))
    spec.write_text(spec.read_text().replace('sheet = "Responses"', 'sheet = "Response"'))
    problem = only_error(spec)
    assert problem.where == "customers.xlsx"
    assert "there is no sheet 'Response'. Sheets: Responses." in problem.message
    assert "did you mean 'Responses'?" in problem.fix


def test_duplicated_columns_error_when_used_and_warn_when_not(tmp_path):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4, 5], "note": ["a", "b"]}))
    path = tmp_path / "customers.csv"
    good = path.read_text()
    header, rest = good.split("\n", 1)
    path.write_text(header.replace("note", "resp_id") + "\n" + rest)  # a second id column
    problem = only_error(spec)
    assert problem.where == "customers.csv, column 'resp_id'"
    assert "appears more than once" in problem.message
    path.write_text(header.replace("note", "notes") + ",notes\n"
                    + rest.replace("\n", ",x\n"))  # a duplicated column the spec ignores
    found = problems_of(spec)
    assert [p.severity for p in found] == ["warning"]
    assert "column name 'notes' appears 2 times" in found[0].message


# ---------------------------------------------------------------------- cell contents
def test_excel_error_values_are_named_never_read_as_blanks(tmp_path):
    cust = pd.DataFrame({"eff_1": [4, "#N/A", 5, "#DIV/0!"], "ease_1": [3, 3, "#VALUE!", 3],
                         "resp_id": ["r1", "#REF!", "r3", "r4"]})
    spec = xlsx_study(tmp_path, cust)
    # openpyxl stores these strings as real error cells (t="e"), as Excel does
    ws = openpyxl.load_workbook(tmp_path / "customers.xlsx")["Responses"]
    column = [c.value for c in ws[1]].index("eff_1")
    assert ws[3][column].data_type == "e" and ws[3][column].value == "#N/A"
    found = problems_of(spec)
    assert [p.severity for p in found] == ["error"] * 4
    where = "customers.xlsx, sheet 'Responses', column "
    shown = {(p.where, p.message) for p in found}
    assert shown == {
        (where + "'resp_id'", "#REF!: Excel error value in 1 row (3)."),
        (where + "'eff_1'", "'#N/A' is an Excel error value, not an answer of scale 'agree5' "
                            "(1 row: 3)."),
        (where + "'eff_1'", "'#DIV/0!' is an Excel error value, not an answer of scale "
                            "'agree5' (1 row: 5)."),
        (where + "'ease_1'", "'#VALUE!' is an Excel error value, not an answer of scale "
                             "'agree5' (1 row: 4).")}
    assert all("a formula failed" in p.fix for p in found)


def test_excel_error_text_in_a_csv_is_named_too(tmp_path):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4, "#DIV/0!"]}))
    problem = only_error(spec)
    assert problem.where == "customers.csv, column 'eff_1'"
    assert problem.message.startswith("'#DIV/0!' is an Excel error value")
    assert "(1 row: 3)" in problem.message


def test_dates_and_free_text_where_codes_are_expected(tmp_path):
    cust = pd.DataFrame({"eff_1": [4, dt.datetime(2026, 1, 5), "Good service"]})
    spec = xlsx_study(tmp_path, cust)
    found = [p for p in problems_of(spec) if p.severity == "error"]
    text = "\n".join(map(str, found))
    assert len(found) == 2, text
    where = "customers.xlsx, sheet 'Responses', column 'eff_1'"
    assert all(p.where == where for p in found)
    assert "'2026-01-05 00:00:00' is a date, not an answer of scale 'agree5' (1 row: 3)" \
        in text
    assert "'Good service' matches no label of scale 'agree5' (1 row: 4)" in text


def test_a_free_text_column_lists_ten_answers_then_one_summary(tmp_path):
    comments = [f"comment number {i}" for i in range(25)]
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": comments}))
    found = [p for p in problems_of(spec) if p.severity == "error"]
    assert len(found) == 11  # ten distinct answers, then the other 15 in one problem
    assert found[-1].message.startswith("15 more distinct answers match no label")
    assert "free-text column" in found[-1].message
    assert "rows: 12, 13, 14, 15, 16 and 10 more" in found[-1].message


def test_a_100000_character_cell_is_cut_in_messages(tmp_path):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4, "x" * 100_000]}))
    problem = only_error(spec)
    assert problem.where == "customers.csv, column 'eff_1'"
    assert "… (100,000 characters)" in problem.message and "(1 row: 3)" in problem.message
    assert len(str(problem)) < 400


def test_labels_ids_brands_and_headers_match_across_unicode_normalisation(tmp_path):
    nfc = "Tr\u00e8s bien"  # è as one character
    nfd = unicodedata.normalize("NFD", nfc)  # e + combining grave accent
    assert nfc != nfd
    cust = pd.DataFrame({"resp_id": ["Jos\u00e9", unicodedata.normalize("NFD", "Jos\u00e9"),
                                     "r3"],
                         "brand": ["Nestl\u00e9", unicodedata.normalize("NFD", "Nestl\u00e9"),
                                   "Nestl\u00e9"],
                         "qualit\u00e9": [nfd, nfc, nfd]})
    scale = {"points": 5, "min": 1, "max": 5, "labels": {1: "Bad", 5: nfc}}
    spec = make_study(tmp_path, cust, scales={"fr5": scale},
                      items={"qualit\u00e9": {"construct": "trust", "scale": "fr5"},
                             "trust_1": None})
    # the spec names the column composed, the file decomposed
    path = tmp_path / "customers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "qualit\u00e9", unicodedata.normalize("NFD", "qualit\u00e9")), encoding="utf-8")
    responses = tx.load(tx.read_study(spec))
    assert responses.data["qualit\u00e9"].tolist() == [5, 5]
    assert responses.data["brand"].unique().tolist() == ["Nestl\u00e9"]
    [dup] = responses.exclusions.to_dict("records")  # the same id typed two ways
    assert (dup["reason"], dup["source_row"]) == ("duplicate_id", 3)


def test_nul_bytes_in_a_csv_name_their_lines(tmp_path):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4, 5, 3]}))
    path = tmp_path / "customers.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] += b"\x00"  # line 3
    lines[3] = b"\x00\x00" + lines[3]  # line 4
    path.write_bytes(b"\n".join(lines))
    problem = only_error(spec)
    assert problem.where == "customers.csv, row 3"
    assert problem.message.startswith("3 NUL bytes (\\x00) on lines 3, 4")


def test_utf16_without_a_bom_is_recognised(tmp_path):
    (tmp_path / "u.csv").write_bytes("id,q1\nr1,4\nr2,5\n".encode("utf-16-le"))
    with pytest.raises(InputDataError) as err:
        read_table(tmp_path / "u.csv")
    [problem] = err.value.problems
    assert problem.where == "u.csv" and 'encoding = "utf-16-le"' in problem.fix


def test_infinite_weights_are_refused_like_zero_ones(tmp_path):
    # zero, negative and text weights: tests/test_ingest.py::test_bad_weights_are_reported
    cust = pd.DataFrame({"eff_1": [5, 4, 3], "weight": ["1", "inf", "1e999"]})
    problem = only_error(make_study(tmp_path, cust))
    assert problem.where == "customers.csv, column 'weight'"
    assert "2 rows" in problem.message and "rows 3, 4" in problem.message
    assert "infinite" in problem.message


# ---------------------------------------------------------------------- brands and waves
def test_a_brand_named_like_the_total_is_an_error(tmp_path):
    cust = pd.DataFrame({"brand": ["B", "all  BRANDS", "B"], "eff_1": [4, 5, 3]})
    problem = only_error(make_study(tmp_path, cust))
    assert problem.where == "customers.csv, column 'brand'"
    assert problem.message == "brand 'all  BRANDS' in 1 row (3)."
    assert "'All brands' is the label of the total" in problem.fix
    (tmp_path / "fixed").mkdir()
    fixed = make_study(tmp_path / "fixed", pd.DataFrame({"eff_1": [4]}))
    fixed.write_text(fixed.read_text().replace('wave = "W1"',
                                               'wave = "W1"\nbrand = "All brands"'))
    problem = only_error(fixed)
    assert (problem.where, problem.message) == ("customers.csv",
                                                "the source's brand is 'All brands'.")
    assert "change brand = ... of this source in the study spec" in problem.fix
    wide = {"resp_id": ["r1"], **{f"{item}_All brands": [4] for item in CUSTOMER_ITEMS}}
    pd.DataFrame(wide).to_csv(tmp_path / "loop.csv", index=False)
    loop = write_spec(tmp_path, merge(base_spec(), {
        "sources": [{"path": "loop.csv", "population": "customer", "wave": "W1",
                     "brand_pattern": "{item}_{brand}"}], "columns": {"brand": None}}),
        "loop.toml")
    problem = only_error(loop)
    assert (problem.where, problem.message) == ("loop.csv", "the brand loop has a brand "
                                                            "named 'All brands'.")


def test_a_declared_brand_without_answers_is_a_warning(tmp_path):
    wide = {"resp_id": ["r1", "r2"]}
    for item in CUSTOMER_ITEMS:
        wide[f"{item}_A"] = [4, 5]
        wide[f"{item}_B"] = [None, None]  # asked (the columns exist) but nobody answered
    pd.DataFrame(wide).to_csv(tmp_path / "loop.csv", index=False)
    spec = write_spec(tmp_path, merge(base_spec(), {
        "sources": [{"path": "loop.csv", "population": "customer", "wave": "W1",
                     "brand_pattern": "{item}_{brand}", "brands": {"A": "Acme", "B": "Bolt"}}],
        "columns": {"brand": None}}))
    found = problems_of(spec)
    assert [p.severity for p in found] == ["warning"], found
    assert found[0].where == "loop.csv"
    assert found[0].message.startswith("brand 'Bolt' has columns but no respondent rated it")
    with pytest.warns(tx.TxscoreWarning, match="brand 'Bolt'"):
        responses = tx.load(tx.read_study(spec))
    assert set(responses.data["brand"]) == {"Acme"}


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_wave_with_one_respondent_is_suppressed_not_a_crash(tmp_path):
    rng = np.random.default_rng(7)
    cust = pd.DataFrame({c: rng.integers(1, 6, 9) for c in CUSTOMER_ITEMS})
    cust["wave"] = ["W1"] * 8 + ["W2"]
    non = pd.DataFrame({"sal_1": rng.integers(1, 6, 9), "wave": ["W1"] * 8 + ["W2"]})
    spec = make_study(tmp_path, cust, non, report={"suppress_below": 2, "low_base_below": 2,
                                                   "caution_below": 2, "peer_min_base": 2})
    result = tx.score(tx.load(tx.read_study(spec)))
    w2 = result.scores[result.scores["wave"] == "W2"]
    assert len(w2) and (w2["flag"] == "suppressed").all()
    assert w2["value"].isna().all()  # no number gets through
    assert result.scores.loc[result.scores["wave"] == "W1", "value"].notna().any()
    paths = tx.report(result, tmp_path / "out", charts=False)
    assert paths["workbook"].is_file()


# ---------------------------------------------------------------------- decompression
def bomb_workbook(path: Path, megabytes: int) -> Path:
    """A valid workbook plus one entry of ``megabytes`` zeros (compresses ~1000:1)."""
    wb = openpyxl.Workbook()
    wb.active.append(["id", "q1"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(buf)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/media/padding.bin", b"\0" * (megabytes * 2**20))
    return path


def test_a_zip_bomb_is_refused_before_it_is_decompressed(tmp_path, monkeypatch):
    path = bomb_workbook(tmp_path / "bomb.xlsx", 5)
    assert path.stat().st_size < 50_000  # 5 MB of zeros in a few kB
    monkeypatch.setattr(xlsx, "MAX_UNZIPPED_MB", 2)

    def must_not_open(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    import fastexcel
    monkeypatch.setattr(fastexcel, "read_excel", must_not_open)
    monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)
    with pytest.raises(InputDataError) as err:
        read_table(path)
    [problem] = err.value.problems
    assert problem.where == "bomb.xlsx"
    assert "declare 5 MB once expanded" in problem.message
    assert "'xl/media/padding.bin': 5 MB from" in problem.message
    assert "above the limit of 2 MB" in problem.message
    assert "TXSCORE_MAX_UNZIPPED_MB" in problem.fix and "zip bomb" in problem.fix
    monkeypatch.setattr(xlsx, "MAX_UNZIPPED_MB", 6)  # under the limit: opened as usual
    with pytest.raises(InputDataError, match="the workbook was opened"):
        read_table(path)


def test_the_limit_comes_from_the_environment_and_is_checked(monkeypatch):
    monkeypatch.setenv("TXSCORE_MAX_UNZIPPED_MB", "512")
    assert xlsx.max_unzipped_mb() == 512
    monkeypatch.setenv("TXSCORE_MAX_UNZIPPED_MB", "lots")
    with pytest.raises(InputDataError, match="TXSCORE_MAX_UNZIPPED_MB"):
        xlsx.max_unzipped_mb()
    monkeypatch.delenv("TXSCORE_MAX_UNZIPPED_MB")
    assert xlsx.max_unzipped_mb() == xlsx.MAX_UNZIPPED_MB == 2048


# ---------------------------------------------------------------------- command line
def test_validate_lists_every_hostile_file_exit_1_no_traceback(tmp_path):
    """One study, five broken files: one run, every problem located, no traceback."""
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4, 5]}))
    good = (tmp_path / "customers.csv").read_text()
    (tmp_path / "ragged.csv").write_text(good + "c9,A,1,2,3,4,5,1,2,3,4,5,extra\n")
    (tmp_path / "nul.csv").write_bytes(good.encode().replace(b"c2,", b"c2\x00,"))
    (tmp_path / "cut.xlsx").write_bytes(SAMPLE_BOOK.read_bytes()[:30_000])
    bomb_workbook(tmp_path / "bomb.xlsx", 3)
    (tmp_path / "old.xlsx").write_bytes(CFB + b"\0" * 2048)
    extra = "".join(f'\n[[sources]]\npath = "{name}"\npopulation = "customer"\nwave = "W1"\n'
                    for name in ("ragged.csv", "nul.csv", "cut.xlsx", "bomb.xlsx", "old.xlsx"))
    spec.write_text(spec.read_text() + extra)
    proc = subprocess.run([sys.executable, "-m", "txscore.cli", "validate", str(spec)],
                          capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**os.environ, "TXSCORE_MAX_UNZIPPED_MB": "2"})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    err = " ".join(proc.stderr.split())  # the console wraps long lines
    assert "ragged.csv, row 4: line 4 has 13 fields where the header has 11." in err
    assert "nul.csv, row 3: 1 NUL byte" in err
    assert "cut.xlsx: the workbook is truncated or damaged" in err
    assert "bomb.xlsx: the workbook's zip entries declare 3 MB once expanded" in err
    assert "old.xlsx: the file is not an xlsx (zip) workbook but an OLE2" in err
    assert "5 problems" in err


def test_report_refuses_an_input_folder_unless_allowed(tmp_path, capsys):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [4, 5]}))
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["report", str(spec), "--out", str(tmp_path), "-q", "--no-charts"]) == 1
    err = capsys.readouterr().err
    assert "the output folder holds the study's input files" in err
    assert "--allow-input-folder" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    assert main(["report", str(spec), "--out", str(tmp_path / "out"), "-q",
                 "--no-charts"]) == 0
    assert main(["report", str(spec), "--out", str(tmp_path), "-q", "--no-charts",
                 "--allow-input-folder"]) == 0
    assert (tmp_path / "Tiny study.xlsx").is_file()
