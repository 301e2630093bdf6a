"""The command line, end to end: sample study to workbook; bad input to clear messages."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import CUSTOMER_ITEMS, NON_CUSTOMER_ITEMS, make_study

import txscore as tx
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


# ---------------------------------------------------------------------- drivers, thresholds
def _driver_study(tmp_path: Path, **overrides) -> Path:
    """40 customers whose answers share one latent level (drivers can be estimated)."""
    rng = np.random.default_rng(11)
    level = rng.integers(1, 6, 40)
    cust = pd.DataFrame({c: np.clip(level + rng.integers(-1, 2, 40), 1, 5)
                         for c in CUSTOMER_ITEMS})
    non = pd.DataFrame({c: rng.integers(1, 6, 20) for c in NON_CUSTOMER_ITEMS})
    return make_study(tmp_path, cust, non, **overrides)


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
def test_score_prints_the_driver_table_as_csv_and_json(tmp_path, capsys):
    spec = _driver_study(tmp_path)
    expected = tx.score(tx.load(tx.read_study(spec))).drivers
    assert len(expected) == 3  # cx_loyalty: effectiveness, ease, emotion
    assert main(["score", str(spec), "--format", "csv", "--table", "drivers"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert printed["driver"].tolist() == expected["driver"].tolist()
    assert printed["importance"].to_numpy() == pytest.approx(
        expected["importance"].to_numpy(float), rel=1e-9)
    assert main(["score", str(spec), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [r["driver"] for r in payload["drivers"]] == expected["driver"].tolist()
    assert sum(r["importance"] for r in payload["drivers"]) == pytest.approx(
        expected["importance"].sum(), rel=1e-12)


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_summary_says_the_suppression_threshold_of_the_study(tmp_path, capsys):
    # 40 customers but only 20 non-customers: with suppress_below = 25 the non-customer
    # score (and TX) are suppressed, and the table says n<25, not the default n<30
    spec = _driver_study(tmp_path, report={"suppress_below": 25, "low_base_below": 25,
                                           "caution_below": 25, "peer_min_base": 25})
    assert main(["score", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "n<25" in out and "n<30" not in out
    assert "n<25: effective base below 25, suppressed" in " ".join(out.split())


# ---------------------------------------------------------------------- interrupted runs
_SLOW_WRITE = """
import os, sys, time
real = os.fsync
def slow(fd):  # the workbook is written, not yet renamed: wait to be interrupted
    time.sleep(60)
    real(fd)
os.fsync = slow
from txscore.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_ctrl_c_while_writing_keeps_the_previous_report(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    spec = _driver_study(data)
    out = tmp_path / "report"
    assert main(["report", str(spec), "--out", str(out), "-q"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert any(n.endswith(".xlsx") for n in before) and any(n.endswith(".png") for n in before)
    # new answers: the interrupted run would write different files
    csv = data / "customers.csv"
    csv.write_text(csv.read_text().replace(",5\n", ",1\n"))
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITE, "report", str(spec),
                             "--out", str(out), "-q"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob(".txscore-*/*.xlsx.*.tmp")):  # the workbook is being written
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the workbook write never started"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if "interrupted" in line] == [
        "interrupted: nothing was written (any previous report is unchanged)."]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # intact, no tmp
    assert not [p for p in out.rglob("*") if p.name.startswith(".") or
                p.suffix == ".tmp"], os.listdir(out)
