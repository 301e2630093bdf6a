"""The command line, end to end: sample study to workbook; bad input to clear messages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from txscore.cli import main

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "surveys" / "sample"
SPEC = SAMPLE / "study.toml"


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run the real console entry point in a subprocess (what a user types)."""
    return subprocess.run([sys.executable, "-m", "txscore.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("report")
    return run_cli("report", str(SPEC), "--out", str(out)), out


def test_report_writes_workbook_charts_and_summary(sample_report):
    proc, out = sample_report
    assert proc.returncode == 0, proc.stderr
    book = out / "Sample TX Study.xlsx"
    assert book.is_file()
    assert sorted(p.name for p in out.glob("*.png")), "charts were not written"
    # the summary table names every brand and the bases
    for brand in ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum"):
        assert brand in proc.stdout
    assert "TX" in proc.stdout and "n cust." in proc.stdout
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Summary", "Scores", "Trend", "Items", "Reliability", "Drivers",
                             "Exclusions", "Methodology"]
    # no temporary files left behind
    assert not list(out.glob("*.tmp"))


def test_workbook_ledger_reconciles_and_has_no_personal_data(sample_report):
    _, out = sample_report
    wb = openpyxl.load_workbook(out / "Sample TX Study.xlsx")
    ws = wb["Exclusions"]
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "File")
    header = rows[header_at]
    files = []
    for r in rows[header_at + 1:]:
        if not r or r[0] is None:
            break
        files.append(dict(zip(header, r, strict=False)))
    assert len(files) == 4
    truth = json.loads((SAMPLE / "truth.json").read_text())
    for f in files:
        assert f["Rows in"] == f["Scored"] + f["Excluded"]
        assert f["Reconciles"] == "yes"
        assert f["Rows in"] == truth["files"][f["File"]]["rows"]
    # the e-mail column never reaches the workbook
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and "@example.com" in v), (sheet.title, v)


def test_suppressed_text_never_a_number_and_no_error_values(sample_report):
    _, out = sample_report
    wb = openpyxl.load_workbook(out / "Sample TX Study.xlsx")
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", f"formula in {sheet.title}!{c.coordinate}"
                assert not (isinstance(c.value, str) and c.value.startswith("#")), c.value


def test_score_json_and_csv(tmp_path):
    proc = run_cli("score", str(SPEC), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["study"] == "Sample TX Study"
    tx_rows = [r for r in payload["scores"] if r["measure"] == "tx"]
    assert len(tx_rows) == 14  # 6 brands + total, 2 waves
    assert {r["construct"] for r in payload["reliability"]} >= {"trust", "preference"}
    proc = run_cli("score", str(SPEC), "--format", "csv", "--table", "reliability")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[0].startswith("construct,")


def _broken_study(tmp_path: Path) -> Path:
    for f in SAMPLE.glob("*.xlsx"):
        shutil.copy(f, tmp_path / f.name)
    text = SPEC.read_text()
    text = text.replace('eff_2 = { construct = "effectiveness", scale = "agree7"',
                        'eff_2 = { construct = "effectiveness", scale = "agree_7"')  # unknown
    text = text.replace('ret_1 = { construct = "retention"',
                        'ret_9 = { construct = "retention"')  # column not in the files
    text = text.replace('2 = "Disagree"', '2 = "Disagree", 9 = "Way off"')  # code off scale
    path = tmp_path / "study.toml"
    path.write_text(text)
    return path


def test_bad_spec_lists_every_problem_exit_1_no_traceback(tmp_path):
    spec = _broken_study(tmp_path)
    proc = run_cli("validate", str(spec))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    err = proc.stderr
    assert "unknown scale 'agree_7'" in err and "did you mean 'agree7'" in err
    assert "code 9 is outside the scale 1..7" in err
    assert "[items.eff_2]" in err and "[scales.agree7.labels]" in err
    # spec problems are reported before data are read: fix them, then the data problems
    fixed = spec.read_text().replace("agree_7", "agree7").replace(', 9 = "Way off"', "")
    spec.write_text(fixed)
    proc = run_cli("validate", str(spec))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    # one problem per file that lacks the column, each naming file and column
    assert proc.stderr.count("column 'ret_9' is not in the file") == 2
    assert "customers_w1.xlsx, sheet 'Responses'" in proc.stderr
    assert "did you mean 'ret_1'" in proc.stderr


def test_unknown_label_in_data_is_listed_with_rows(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "brand": ["X"] * 4,
                          "q1": ["Agree", "Agre", "Agre", "4"], "q2": [1, 2, 3, 4]})
    frame.to_csv(tmp_path / "c.csv", index=False)
    (tmp_path / "study.toml").write_text("""
[study]
name = "Tiny"
[[sources]]
path = "c.csv"
population = "customer"
wave = "W1"
[columns]
respondent_id = "id"
brand = "brand"
[scales.a5]
points = 5
labels = { 1 = "Disagree", 5 = "Agree" }
[constructs.fit]
role = "bx_pillar"
[constructs.salience]
role = "bx_pillar"
[constructs.trust]
role = "bx_pillar"
[items]
q1 = { construct = "fit", scale = "a5" }
q2 = { construct = "salience", scale = "a5" }
q3 = { construct = "trust", scale = "a5" }
""")
    proc = run_cli("validate", str(tmp_path / "study.toml"))
    assert proc.returncode == 1
    assert "'Agre' matches no label of scale 'a5' (2 rows: 3, 4)" in proc.stderr
    assert "column 'q3' is not in the file" in proc.stderr  # both problems in one run


def test_missing_study_file_is_a_clear_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.toml")]) == 1
    err = capsys.readouterr().err
    assert "Study file not found" in err and "Traceback" not in err


def test_validate_sample_is_clean():
    proc = run_cli("validate", str(SPEC))
    assert proc.returncode == 0, proc.stderr
    assert "Reconciliation per file" in proc.stdout
    assert "no errors" in proc.stdout


def test_help_is_fast_and_does_not_import_heavy_libraries():
    code = ("import sys; from txscore.cli import build_parser; build_parser(); "
            "heavy = [m for m in ('pandas', 'matplotlib', 'pingouin', 'sklearn', 'scipy') "
            "if m in sys.modules]; print(heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]"
