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
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import (
    CUSTOMER_ITEMS,
    NON_CUSTOMER_ITEMS,
    make_study,
    pick,
    sample_copy,
    without_decisions,
)

import txscore as tx
from txscore.cli import main
from txscore.reporting.publish import PublishInterrupted

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "surveys" / "sample"
SPEC = SAMPLE / "study.toml"


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run the real console entry point in a subprocess (what a user types), its output
    into a pipe: no COLUMNS (readline, loaded by pytest, exports it to child processes),
    so that each message is one line."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run([sys.executable, "-m", "txscore.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """``txscore report`` of the sample (200 resamples, not 2,000: what is checked here
    does not depend on them; ``validate`` below runs the study file as shipped)."""
    out = tmp_path_factory.mktemp("report")
    spec = sample_copy(tmp_path_factory.mktemp("spec"), bootstrap=200)
    return run_cli("report", str(spec), "--out", str(out)), out


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
    assert wb.sheetnames == ["Overview", "Scorecards", "Summary", "Scores", "Trend", "Items",
                             "Reliability", "Drivers", "Tables", "Scenarios", "Planning",
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
    spec = sample_copy(tmp_path, bootstrap=200)  # the sample, 200 resamples, not 2,000
    proc = run_cli("score", str(spec), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["study"] == "Sample TX Study"
    tx_rows = [r for r in payload["scores"] if r["measure"] == "tx"]
    assert len(tx_rows) == 14  # 6 brands + total, 2 waves
    assert {r["construct"] for r in payload["reliability"]} >= {"trust", "preference"}
    proc = run_cli("score", str(spec), "--format", "csv", "--table", "reliability")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[0].startswith("construct,")


def _broken_study(tmp_path: Path) -> Path:
    for f in SAMPLE.glob("*.xlsx"):
        shutil.copy(f, tmp_path / f.name)
    text = without_decisions(SPEC.read_text())  # its tables name ret_1
    text = text.replace('eff_2 = { construct = "effectiveness", scale = "agree7"',
                        'eff_2 = { construct = "effectiveness", scale = "agree_7"')  # unknown
    text = text.replace('ret_1 = { construct = "retention"',
                        'ret_9 = { construct = "retention"')  # column not in the files
    text = text.replace('2 = { en = "Disagree", fr = "Pas d’accord" }',
                        '2 = { en = "Disagree", fr = "Pas d’accord" }\n9 = "Way off"')  # off scale
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
    fixed = spec.read_text().replace("agree_7", "agree7").replace('\n9 = "Way off"', "")
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
import os, signal, sys, time
# Ctrl-C as at a terminal, even when the test runs where SIGINT is ignored (a background
# job of a non-interactive shell: Python then installs no KeyboardInterrupt handler)
signal.signal(signal.SIGINT, signal.default_int_handler)
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
    versions = tmp_path / ".report.txscore"  # txscore.reporting.publish: one folder each
    while not list(versions.glob("*/.*.xlsx.*.tmp")):  # the workbook is being written
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the workbook write never started"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if "interrupted" in line] == [
        str(PublishInterrupted(out, "old"))]  # "... the new report was not published ..."
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # intact, no tmp
    assert not [p for p in out.rglob("*") if p.name.startswith(".") or
                p.suffix == ".tmp"], os.listdir(out)


# ---------------------------------------------------------------------- usage
def test_bare_txscore_prints_the_help_and_exits_0(capsys):
    """`txscore` alone asks for help: the help on stdout and exit 0 (a mistyped command
    or option is a usage error: exit 2, as argparse)."""
    assert main([]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("usage: txscore") and captured.err == ""
    for command in ("init", "validate", "score", "report", "export"):
        assert f"    {command} " in captured.out
    proc = run_cli()  # what a user types
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: txscore") and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("argv", "usage", "hint"), [
    (["reprot", "study.toml"], "usage: txscore [", "did you mean 'report'?"),
    (["valdate"], "usage: txscore [", "did you mean 'validate'?"),
    (["--verison"], "usage: txscore [", "--verison: did you mean '--version'?"),
    (["score", "s.toml", "--formt", "json"], "usage: txscore score",
     "--formt: did you mean '--format'?"),
    (["score", "s.toml", "--formt=json"], "usage: txscore score",
     "--formt=json: did you mean '--format'?"),
    (["score", "s.toml", "--format", "jsn"], "usage: txscore score", "did you mean 'json'?"),
    (["score", "s.toml", "--tabel", "items"], "usage: txscore score",
     "--tabel: did you mean '--table'?"),
    (["score", "s.toml", "--table", "relability"], "usage: txscore score",
     "did you mean 'reliability'?"),
    (["report", "s.toml", "--nocharts"], "usage: txscore report",
     "--nocharts: did you mean '--no-charts'?"),
    (["validate", "s.toml", "--zzzz"], "usage: txscore validate",
     "--zzzz: no such option (txscore validate --help lists them)"),
])
def test_usage_errors_exit_2_with_did_you_mean(argv, usage, hint, capsys):
    assert main(argv) == 2  # argparse's code, returned: no SystemExit, no traceback
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(usage), captured.err
    assert hint in captured.err and "Traceback" not in captured.err


def test_a_close_enough_option_is_not_an_error(tmp_path, capsys):
    # argparse accepts an unambiguous prefix: no "did you mean" for it
    assert main(["validate", str(tmp_path / "none.toml"), "--qui"]) == 1
    err = capsys.readouterr().err
    assert "Study file not found" in err and "did you mean" not in err


# ---------------------------------------------------------------------- warnings
def _noisy_study(tmp_path: Path) -> Path:
    """The driver study with an undeclared e-mail column (a located warning of the data)
    and 40 customers for 3 drivers (a scoring warning: low n per driver)."""
    spec = _driver_study(tmp_path)
    frame = pd.read_csv(tmp_path / "customers.csv")
    frame["contact"] = [f"person{i}@example.com" for i in range(len(frame))]
    frame.to_csv(tmp_path / "customers.csv", index=False)
    return spec


def _said(text: str) -> str:
    return " ".join(text.split())  # the words, whatever the wrapping


@pytest.mark.parametrize("command", ["score", "score-json", "report", "export"])
def test_warnings_are_printed_like_validate_prints_problems(command, tmp_path, capsys,
                                                            monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    spec = str(_noisy_study(data))
    monkeypatch.setenv("TXSCORE_SALT", "s" * 32)
    argv = {"score": ["score", spec], "score-json": ["score", spec, "--format", "json"],
            "report": ["report", spec, "--out", str(tmp_path / "out"), "-q", "--no-charts"],
            "export": ["export", spec, "--out", str(tmp_path / "rows.csv")]}[command]
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        assert main(argv) == 0
    assert [str(w.message) for w in leaked] == []  # nothing reaches Python's warnings
    captured = capsys.readouterr()
    err = captured.err
    # the file as a heading, then the problem: where, message, fix
    assert "customers.csv" in err.splitlines()
    assert "warning: customers.csv, column 'contact': column 'contact' looks like personal " \
        "data" in _said(err)
    assert "Fix: declare it in [columns] personal = [..., \"contact\"]" in _said(err)
    if command != "export":  # export does not score
        assert "warning: cx_loyalty, customers, wave W1: low n per driver" in _said(err)
    for raw in ("TxscoreWarning", "UserWarning", "warnings.warn", ".py:", "site-packages"):
        assert raw not in err + captured.out, raw
    if command == "score-json":
        json.loads(captured.out)  # stdout stays clean


def test_library_warnings_are_one_txscore_line(tmp_path, capsys, monkeypatch):
    import txscore.scoring

    spec = _driver_study(tmp_path)
    real = txscore.scoring.score

    def noisy(*args, **kwargs):  # the kind of noise NumPy makes on an empty cell
        with np.errstate(all="warn"):
            np.mean(np.array([]))
            np.float64(0.0) / np.float64(0.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(txscore.scoring, "score", noisy)
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        assert main(["score", str(spec)]) == 0
    assert leaked == []
    err = capsys.readouterr().err
    assert _said(err).count("numerical warning") == 1
    line = next(p for p in _said(err).split("warning: ") if "numerical" in p)
    assert line.startswith("3 numerical warnings while computing ('Mean of empty slice")
    assert "invalid value encountered" in line and "left blank" in line
    assert "RuntimeWarning" not in err and "numpy" not in err.lower()


def test_other_library_warnings_are_one_txscore_line_too(tmp_path, capsys, monkeypatch):
    import txscore.scoring

    spec = _driver_study(tmp_path)
    real = txscore.scoring.score

    def noisy(*args, **kwargs):  # e.g. pandas announcing a change, twice
        for _ in range(2):
            warnings.warn("A value is trying to be set on a copy", FutureWarning,
                          stacklevel=1)
        return real(*args, **kwargs)

    monkeypatch.setattr(txscore.scoring, "score", noisy)
    assert main(["score", str(spec), "--format", "csv"]) == 0
    err = _said(capsys.readouterr().err)
    assert "warning: 2 warnings from the libraries txscore uses ('A value is trying to be " \
        "set on a copy')." in err
    assert "FutureWarning" not in err


# ---------------------------------------------------------------------- --table, widths
@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
def test_table_works_with_every_format(tmp_path, capsys, monkeypatch):
    spec = str(_driver_study(tmp_path))
    expected = tx.score(tx.load(tx.read_study(spec))).reliability
    constructs = expected["construct"].tolist()
    # json: that table only, as records
    assert main(["score", spec, "--format", "json", "--table", "reliability"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["construct"] for r in records] == constructs
    assert [r["alpha"] for r in records] == pytest.approx(expected["alpha"].tolist(),
                                                          rel=1e-12)
    # csv: as before
    assert main(["score", spec, "--format", "csv", "--table", "reliability"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert printed["construct"].tolist() == constructs
    # table: that table in the terminal, 80 columns wide at most, every value shown
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["score", spec, "--table", "reliability"]) == 0
    out = capsys.readouterr().out
    assert max(map(len, out.splitlines())) <= 80
    assert "Tiny study: reliability" in out and "TX" not in out  # not the summary
    words = out.split()
    for rec in expected.itertuples():
        assert rec.construct in words and f"{rec.alpha:.3f}" in words
        assert f"{rec.n_complete}" in words
    # no --table: the summary, and json holds every table
    assert main(["score", spec]) == 0
    assert "Tiny study: summary" in capsys.readouterr().out
    assert main(["score", spec, "--format", "json"]) == 0
    assert {"scores", "reliability", "drivers"} <= set(json.loads(capsys.readouterr().out))


LONG_NAMES = {"customers.csv": "Customer panel 2026 - SurveyMonkey.csv",
              "non_customers.csv": "Non-customers 2026 Q4 - French panel.csv"}


def _long_named_study(tmp_path: Path) -> Path:
    """The driver study with file names as vendors write them (spaces, 38-40 characters),
    a duplicated customer (an exclusion) and a brand longer than the summary needs."""
    spec = _driver_study(tmp_path)
    frame = pd.read_csv(tmp_path / "customers.csv")
    frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)  # a duplicate id
    frame["brand"] = "Northwind Traders International"
    frame.to_csv(tmp_path / "customers.csv", index=False)
    text = spec.read_text()
    for old, new in LONG_NAMES.items():
        (tmp_path / old).rename(tmp_path / new)
        text = text.replace(f'path = "{old}"', f'path = "{new}"')
    spec.write_text(text)
    return spec


def test_tables_fit_80_columns_and_never_cut_a_file_name(tmp_path, capsys, monkeypatch):
    spec = str(_long_named_study(tmp_path))
    monkeypatch.setenv("COLUMNS", "80")
    for argv in (["validate", spec, "-q"], ["score", spec],
                 ["score", spec, "--table", "exclusions"], ["score", spec, "--table", "files"]):
        assert main(argv) == 0, argv
        captured = capsys.readouterr()
        lines = (captured.out + captured.err).splitlines()
        too_long = [line for line in lines if len(line) > 80]
        assert not too_long, (argv, too_long)
        if argv[0] == "validate":
            roles, reconciliation = captured.out.split("Reconciliation per file")
            assert "Column roles per file" in roles
            for name in LONG_NAMES.values():  # whole, on one line, in each table
                for table in (roles, reconciliation):
                    assert any(name in line for line in table.splitlines()), (name, table)
            # the exclusion's heading (the duplicated customer)
            assert LONG_NAMES["customers.csv"] in captured.out.splitlines()
        if "--table" in argv:
            assert any(LONG_NAMES["customers.csv"] in line for line in lines)
        if argv == ["score", spec]:  # a long brand wraps in its column
            assert {"Northwind", "Traders", "International"} <= set(captured.out.split())


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
def test_summary_fits_a_console_of_80_columns(tmp_path):
    from rich.console import Console

    from txscore.cli_print import print_summary

    result = tx.score(tx.load(tx.read_study(_long_named_study(tmp_path))), by=())
    console = Console(file=io.StringIO(), width=80)
    print_summary(result, console)
    lines = console.file.getvalue().splitlines()
    assert max(map(len, lines)) <= 80
    header = next(line for line in lines if "Brand" in line).split()
    assert header[:4] == ["Wave", "Brand", "TX", "CX"]
    cx = pick(result.scores, measure="cx", brand="Northwind Traders International")
    row = next(line for line in lines if line.startswith("W1") and "Northwind" in line)
    assert f"{cx['value']:.1f}" in row.split()


# ---------------------------------------------------------------------- validate
def _per_source_roles_study(tmp_path: Path) -> Path:
    """Non-customers from another vendor: their own id, weight, duration and a renamed
    item; customers have no weight column (weight 1)."""
    spec = _driver_study(tmp_path)
    non = pd.read_csv(tmp_path / "non_customers.csv").rename(
        columns={"resp_id": "id_resp", "trust_1": "confiance"})
    non["poids"] = 1.5
    non["duree_sec"] = 300
    non.to_csv(tmp_path / "non_customers.csv", index=False)
    text = spec.read_text()
    anchor = 'path = "non_customers.csv"\npopulation = "non_customer"\nwave = "W1"\n'
    assert anchor in text
    spec.write_text(text.replace(anchor, anchor + (
        'columns = { respondent_id = "id_resp", weight = "poids", duration = "duree_sec" }\n'
        'items = { trust_1 = "confiance" }\n')))
    return spec


def _roles(out: str) -> dict[str, dict[str, str]]:
    """The "Column roles per file" table as {file: {role: column}} (one block per set of
    files, blocks apart by a blank line; columns at the header's positions)."""
    table = out.split("Column roles per file\n", 1)[1].split("Reconciliation per file")[0]
    lines = table.splitlines()
    header = lines[0]
    at_role, at_column = header.index("Role"), header.index("Column")
    roles: dict[str, dict[str, str]] = {}
    files: list[str] = []
    role = value = ""
    for line in lines[2:]:
        if not line.strip():
            files = []
            continue
        if not files and not line[at_role:at_column].strip():
            break  # after the table
        if line[:at_role].strip():
            files.append(line[:at_role].strip())
        if line[at_role:at_column].strip():
            role = line[at_role:at_column].strip()
            value = line[at_column:].strip()
        else:
            value = f"{value} {line[at_column:].strip()}"
        for f in files:
            roles.setdefault(f, {})[role] = value
    return roles


def test_validate_lists_the_column_of_each_role_per_file(tmp_path, capsys):
    spec = _per_source_roles_study(tmp_path)
    assert main(["validate", str(spec), "-q"]) == 0, capsys.readouterr()
    roles = _roles(capsys.readouterr().out)
    assert roles["customers.csv"] == {
        "id": "resp_id", "brand": "brand", "weight": "1 for every row (no weight column)",
        "duration": "–", "finished": "–", "status": "–", "item aliases": "0"}
    assert roles["non_customers.csv"] == {
        "id": "id_resp", "brand": "brand", "weight": "poids", "duration": "duree_sec",
        "finished": "–", "status": "–", "item aliases": "1"}


def test_validate_lists_what_report_would_find(tmp_path, capsys, monkeypatch):
    """validate scores the study and runs the report's checks in memory
    (txscore.reporting.preflight): their problems are listed like the others."""
    import txscore.reporting
    from txscore.errors import Problem

    spec = str(_driver_study(tmp_path))
    seen = []

    def fake(result, *args, **kwargs):
        seen.append(result)
        return [Problem("the chart cannot be drawn.", "chart tx_by_brand_w1",
                        "label the scale's codes.")]

    monkeypatch.setattr(txscore.reporting, "preflight", fake)
    assert main(["validate", spec, "-q"]) == 1
    err = capsys.readouterr().err
    assert "error: chart tx_by_brand_w1: the chart cannot be drawn. Fix: label the " \
        "scale's codes." in _said(err)
    assert "1 problem" in err and "fix the errors and run validate again" in _said(err)
    assert len(seen) == 1 and isinstance(seen[0], tx.Result)


def test_validate_warns_what_report_warns(tmp_path, capsys):
    """The same warnings from validate as from report, cut by a segment (no charts)."""
    customers = pd.DataFrame({"region": ["North", "South"] * 20})
    spec = str(_driver_study(tmp_path, columns={"segments": ["region"]}))
    frame = pd.read_csv(tmp_path / "customers.csv").assign(region=customers["region"])
    frame.to_csv(tmp_path / "customers.csv", index=False)
    non = pd.read_csv(tmp_path / "non_customers.csv").assign(region="North")
    non.to_csv(tmp_path / "non_customers.csv", index=False)

    def warned(err: str) -> set[str]:
        return {w.strip() for w in _said(err).split("warning:")[1:]}

    assert main(["validate", spec, "-q", "--by", "region"]) == 0
    validate = warned(capsys.readouterr().err)
    assert main(["report", spec, "-q", "--by", "region", "--out", str(tmp_path / "r")]) == 0
    report = warned(capsys.readouterr().err)
    assert any(w.startswith("No charts: they show whole-sample brand scores") for w in report)
    assert report <= validate, report - validate


# ---------------------------------------------------------------------- partial studies
@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
def test_summary_of_a_customers_only_study_says_what_is_not_computed(tmp_path, capsys):
    rng = np.random.default_rng(5)
    spec = make_study(tmp_path, pd.DataFrame({c: rng.integers(1, 6, 40)
                                              for c in CUSTOMER_ITEMS}))
    result = tx.score(tx.load(tx.read_study(spec)))
    assert {"tx", "n", "bx_non_customer"} <= set(result.not_computed)
    assert main(["score", str(spec)]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("Wave")).split()
    assert header == ["Wave", "Brand", "CX", "BX", "cust.", "n", "cust."]  # what exists
    cx = pick(result.scores, measure="cx", brand="A")["value"]
    assert f"{cx:.1f}" in next(line for line in out.splitlines()
                               if line.startswith("W1") and " A " in line).split()
    said = _said(out)
    # once, in words, naming what is missing and why
    assert said.count("the study has no non-customer source") == 1
    sentence = said.split("the study has no non-customer source")[0].rsplit(".", 1)[-1]
    for index in ("TX score", "Non-customer score (N)", "BX non-customers"):
        assert index in sentence
