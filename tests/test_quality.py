"""Respondent checks: each one on tiny data worked by hand, the sample's planted speeders,
Qualtrics metadata, and the validate report.

Every test that loads a study also checks the reconciliation: per file, rows in = scored +
excluded, and every input row is either scored or in the ledger (never both, never none).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import AGREE5_LABELS, base_spec, make_study, merge, pick, write_spec

import txscore as tx
from txscore.ingest.quality import (
    REASONS,
    finished_flags,
    incomplete_detail,
    speeder_detail,
    straightliner_detail,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "surveys" / "sample"
QUALTRICS = Path(__file__).resolve().parent / "data" / "validation" / "qualtrics"


def assert_accounted(responses: tx.Responses, rows_per_file: dict[str, list[int]]) -> None:
    """Every input row (file, row) is scored or ledgered exactly once per brand row."""
    files = responses.files.set_index("source_file")
    for name, rows in rows_per_file.items():
        seen = sorted(responses.data.loc[responses.data["source_file"] == name, "source_row"]
                      .tolist() + responses.exclusions.loc[
                          responses.exclusions["source_file"] == name, "source_row"].tolist())
        assert seen == sorted(rows), name
        f = files.loc[name]
        assert f.rows_in == f.scored + f.excluded == len(rows) and f.reconciles, name


# ---------------------------------------------------------------------- the checks by hand
def test_speeders_absolute_limit_and_share_of_the_median():
    # median of (30, 200, 300, 400, 500, 100) = 250; 0.5 x 250 = 125
    d = pd.Series([30, 200, 300, 400, 500, 100.0])
    assert speeder_detail(d, min_seconds=60).tolist() == [
        "duration_below(30<60)", "", "", "", "", ""]
    assert speeder_detail(d, median_share=0.5).tolist() == [
        "duration_below_median(30<0.5*250)", "", "", "", "",
        "duration_below_median(100<0.5*250)"]
    both = speeder_detail(d, 60, 0.5)
    assert both[0] == "duration_below(30<60)" and both[5].startswith(
        "duration_below_median(100<0.5")
    # a missing or unreadable duration never makes a speeder; 59.5 s is below 60 s
    odd = speeder_detail(pd.Series([None, "abc", "59.5", "60"]), 60)
    assert odd.tolist() == ["", "", "duration_below(59.5<60)", ""]


def test_straightliners_need_min_items_answered_alike():
    codes = pd.DataFrame({"a": [4, 4, 4, 1, np.nan], "b": [4, 4, 2, 1, np.nan],
                          "c": [4, np.nan, 4, 1, 5], "d": [4, 4, 4, 1, np.nan]})
    grids = {"agree5": ["a", "b", "c", "d"]}
    # row 0: 4 4 4 4; row 1: 4 4 . 4 (3 answered); row 2 differs; row 3: 1 1 1 1; row 4: one
    # straightline:<grid>(<answer>,<items answered>/<items of the grid>)
    assert straightliner_detail(codes, grids, 3).tolist() == [
        "straightline:agree5(4,4/4)", "straightline:agree5(4,3/4)", "",
        "straightline:agree5(1,4/4)", ""]
    assert straightliner_detail(codes, grids, 4).tolist()[:2] == [
        "straightline:agree5(4,4/4)", ""]
    # a grid smaller than min_items is not checked
    assert (straightliner_detail(codes, grids, 5) == "").all()


def test_incomplete_share_answered_and_finished():
    answered = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 1, 1]], bool)
    finished = np.array([True, True, True, False])
    assert incomplete_detail(answered, 0.5, finished).tolist() == [
        "", "", "answered_share(1/4<0.5)", "not_finished"]
    # exactly the threshold passes: 2 of 4 = 50%
    assert incomplete_detail(answered, 0.5)[1] == ""
    assert finished_flags(pd.Series(["True", "False", "1.0", "0", None])).tolist() == [
        True, False, True, False, True]


# ---------------------------------------------------------------------- in a study
def _study(tmp_path, cust, **overrides):
    return tx.load(tx.read_study(make_study(tmp_path, cust, **overrides)))


def test_each_check_switched_on_excludes_with_its_reason_and_detail(tmp_path):
    # rows 2..9 (header = row 1); the spec has 9 items on agree5, filled with 3 unless given
    items = ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1", "sal_1", "fit_1",
             "trust_1"]
    cust = pd.DataFrame({
        "resp_id": ["a", "b", "c", "d", "e", "f", "g", "h"],
        "secs": [300, 20, 310, 320, 330, 340, 350, 360],      # b: a speeder (< 60 s)
        "attn": ["Agree", "Agree", "Disagree", "4", "Agree", "agree ", "Agree", None],
        "status": ["live", "live", "live", "live", "TEST", "live", "live", "live"],
    })
    for col in items:
        cust[col] = [4, 5, 4, 2, 5, 3, 2, 1]
    cust.loc[0, items] = 5                                  # a: all 5 = a straight-liner
    cust.loc[5, items[:7]] = None                           # f: 2 of 9 answered
    cust.loc[6, "fit_1"] = 1                                # g: answers vary
    cust.loc[3, items[1:]] = [1, 2, 3, 4, 5, 4, 3, 2]       # d: answers vary
    cust.loc[4, items[1:]] = [1, 2, 3, 4, 5, 4, 3, 2]       # e: varies (a test response)
    cust.loc[7, items[1:]] = [1, 2, 3, 4, 5, 4, 3, 2]       # h: blank attention check
    cust.loc[1, items[1:]] = [1, 2, 3, 4, 5, 4, 3, 2]
    cust.loc[2, items[1:]] = [1, 2, 3, 4, 5, 4, 3, 2]
    quality = {"speeders": {"column": "secs", "min_seconds": 60},
               "straightliners": {"min_items": 5},
               "incomplete": {"min_share": 0.5},
               "attention_checks": [{"column": "attn", "expected": ["Agree", 4],
                                     "scale": "agree5"}],
               "test_responses": {"column": "status", "values": ["test"]}}
    responses = _study(tmp_path, cust, quality=quality)
    ledger = responses.exclusions.set_index("respondent_id")
    assert ledger["reason"].to_dict() == {
        "a": "straightliner", "b": "speeder", "c": "attention_check",
        "e": "test_response", "f": "incomplete", "h": "attention_check"}
    assert ledger.loc["a", "detail"] == "straightline:agree5(5,9/9)"
    assert ledger.loc["b", "detail"] == "duration_below(20<60)"
    assert ledger.loc["c", "detail"] == "answer:attn(Disagree);expected:attn(Agree|4)"
    assert ledger.loc["h", "detail"] == "blank:attn;expected:attn(Agree|4)"
    assert ledger.loc["e", "detail"] == "answer:status(TEST)"
    assert ledger.loc["f", "detail"] == "answered_share(2/9<0.5)"
    # "4" and "agree " pass the check on the agree5 scale (4 = Agree)
    assert responses.data["respondent_id"].tolist() == ["d", "g"]
    assert_accounted(responses, {"customers.csv": list(range(2, 10))})


def test_checks_are_off_unless_switched_on(tmp_path):
    cust = pd.DataFrame({"secs": [5, 300], "eff_1": [5, 4]})
    responses = _study(tmp_path, cust)  # every item of row 1 is 3 except eff_1 = 5
    assert responses.exclusions.empty


def test_precedence_first_reason_wins_and_duplicates_ignore_test_responses(tmp_path):
    # r1 is first a preview (test), then a real interview: the real one is not a duplicate;
    # r2 appears twice: the second is a duplicate even though it is also a speeder
    cust = pd.DataFrame({"resp_id": ["r1", "r1", "r2", "r2"],
                         "status": ["preview", "live", "live", "live"],
                         "secs": [10, 300, 300, 10], "eff_1": [5, 4, 3, 2]})
    quality = {"speeders": {"column": "secs", "min_seconds": 60},
               "test_responses": {"column": "status", "values": ["Preview"]}}
    responses = _study(tmp_path, cust, quality=quality)
    ledger = responses.exclusions.set_index("source_row")
    assert ledger["reason"].to_dict() == {2: "test_response", 5: "duplicate_id"}
    assert ledger.loc[5, "detail"] == "same_id_as:customers.csv(4)"
    assert responses.data["source_row"].tolist() == [3, 4]
    assert list(REASONS).index("test_response") < list(REASONS).index("duplicate_id") < (
        list(REASONS).index("speeder"))


def test_speeders_on_a_file_without_duration_is_a_located_error(tmp_path):
    path = make_study(tmp_path, pd.DataFrame({"eff_1": [5]}),
                      quality={"speeders": {"min_seconds": 60}})
    with pytest.raises(tx.InputDataError) as err:
        tx.load(tx.read_study(path))
    [problem] = err.value.problems
    assert problem.where == "customers.csv"
    assert "no duration column" in problem.message and "[quality.speeders]" in problem.fix


# ---------------------------------------------------------------------- the sample study
def test_sample_speeders_are_exactly_the_generators(tmp_path):
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    study = tx.read_study(SAMPLE / "study.toml")
    assert (study.quality.speeders, study.quality.speeder_column,
            study.quality.speeder_seconds) == (True, "duration_sec", 60)
    responses = tx.load(study)
    ledger = responses.exclusions
    for name, info in truth["files"].items():
        found = ledger.loc[(ledger["source_file"] == name) & (ledger["reason"] == "speeder")]
        assert sorted(found["respondent_id"]) == sorted(info["speeders"]), name
        assert found["detail"].str.match(r"^duration_below\(\d+<60\)$").all()
        f = pick(responses.files, source_file=name)
        assert f.rows_in == info["rows"] == f.scored + f.excluded
        assert (f.speeder, f.duplicate_id, f.out_of_range) == (
            8, len(info["duplicates"]), len(info["out_of_range"]))
        rows = list(range(2, info["rows"] + 2))
        assert_accounted(responses, {name: rows})


# ---------------------------------------------------------------------- Qualtrics metadata
ITEMS = ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1", "sal_1", "fit_1", "trust_1"]


def _qualtrics_pair(tmp_path: Path) -> tuple[Path, Path]:
    """The same 100 responses exported as choice text and as numeric values.

    The metadata (Status, Finished, Duration) are the real excluder exports; the answers
    to nine agree5 items are simulated once and written as labels in one file, codes in
    the other ("Don't know" = 99).
    """
    rng = np.random.default_rng(7)
    codes = rng.integers(1, 6, (100, len(ITEMS))).astype(object)
    codes[rng.random(codes.shape) < 0.05] = 99
    labels = {**AGREE5_LABELS, 99: "Don't know"}
    brands = rng.choice(["Acme", "Globex"], 100)
    paths = []
    for kind in ("choice_text", "numeric_values"):
        meta = pd.read_csv(QUALTRICS / f"qualtrics_{kind}.csv", dtype=str)
        frame = meta.assign(brand=brands)
        for j, item in enumerate(ITEMS):
            frame[item] = [labels[c] if kind == "choice_text" else str(c)
                           for c in codes[:, j]]
        path = tmp_path / kind / "customers.csv"
        path.parent.mkdir()
        frame.to_csv(path, index=False)
        paths.append(path)
    return paths[0], paths[1]


def test_choice_text_and_numeric_values_exports_give_identical_results(tmp_path):
    text_csv, code_csv = _qualtrics_pair(tmp_path)
    results = []
    for csv_path in (text_csv, code_csv):
        spec = merge(base_spec(), {
            "sources": [{"path": csv_path.name, "population": "customer", "wave": "W1"}],
            "columns": {"respondent_id": "ResponseId"},
            "quality": {"speeders": {"median_share": 0.3}, "incomplete": {"min_share": 0.5}}})
        responses = tx.load(tx.read_study(write_spec(csv_path.parent, spec)))
        results.append((responses, tx.score(responses)))
    (text_resp, text_result), (code_resp, code_result) = results
    pd.testing.assert_frame_equal(text_resp.data, code_resp.data)
    # the same rows for the same reasons; the detail quotes each file as written
    same = [c for c in text_resp.exclusions.columns if c != "detail"]
    pd.testing.assert_frame_equal(text_resp.exclusions[same], code_resp.exclusions[same])
    assert text_resp.exclusions["detail"].iloc[0] == "answer:Status(Survey Preview)"
    assert code_resp.exclusions["detail"].iloc[0] == "answer:Status(1.0)"
    pd.testing.assert_frame_equal(text_result.scores, code_result.scores)
    # the metadata did their job: Status "Survey Preview" (choice text) = 1.0 (numeric)
    reasons = text_resp.exclusions.groupby("reason").size().to_dict()
    status = pd.read_csv(QUALTRICS / "qualtrics_choice_text.csv")["Status"]
    assert reasons["test_response"] == int((status == "Survey Preview").sum()) == 2
    durations = pd.read_csv(QUALTRICS / "qualtrics_numeric_values.csv")
    live = durations.loc[durations["Status"] == 0.0]
    fast = (live["Duration (in seconds)"] < 0.3 * durations["Duration (in seconds)"].median())
    finished = live["Finished"] == 1.0
    assert reasons.get("speeder", 0) == int(fast.sum())
    assert reasons.get("incomplete", 0) == int((~finished & ~fast).sum())
    assert_accounted(text_resp, {"customers.csv": list(range(2, 102))})


def test_qualtrics_generated_test_responses_are_excluded(tmp_path):
    # QualtricsTools' matrix survey: five generated responses, Status 2 = "Survey Test"
    src = QUALTRICS / "qualtrics_insights_matrix.csv"
    (tmp_path / src.name).write_bytes(src.read_bytes())
    spec = {"study": {"name": "Matrix"},
            "sources": [{"path": src.name, "population": "customer", "wave": "W1",
                         "brand": "Acme"}],
            "columns": {"respondent_id": "ResponseID"},
            "scales": {"s4": {"points": 4, "min": 1, "max": 4, "labels": {1: "Low",
                                                                           4: "High"}}},
            "constructs": {"q2": {}},
            "items": {f"Q2_{i}": {"construct": "q2", "scale": "s4"} for i in (1, 2, 3)},
            "report": {"bootstrap": 0}}
    responses = tx.load(tx.read_study(write_spec(tmp_path, spec)))
    assert responses.data.empty
    assert responses.exclusions["reason"].tolist() == ["test_response"] * 5
    assert responses.exclusions["detail"].tolist() == ["answer:Status(2)"] * 5
    assert_accounted(responses, {src.name: [4, 5, 6, 7, 8]})


# ---------------------------------------------------------------------- txscore validate
def _five_problem_study(tmp_path: Path) -> Path:
    """customers.csv with five kinds of errors, plus rows the checks exclude."""
    cust = pd.DataFrame({
        "resp_id": ["c1", "c2", "c2", "c4", "c5"],                    # c2 twice: excluded
        "weight": ["1", "0", "1.2", "abc", "1"],                      # 1: bad weights
        "eff_1": [5, "Agreed", 4, 9, 3],                              # 2: unknown label
        "ease_1": [4, 4, 4, 4, 4],
    })
    path = make_study(tmp_path, cust, quality={"speeders": {"min_seconds": 60}})
    frame = pd.read_csv(tmp_path / "customers.csv", dtype=str)
    frame = frame.drop(columns=["emo_1"])                             # 3: missing column
    frame.insert(3, "ret_1", frame.pop("ret_1"))
    frame["ret_1 "] = frame["ret_1"]                                  # 4: duplicated column
    text = frame.to_csv(index=False).replace("ret_1 ,", "ret_1,")
    (tmp_path / "customers.csv").write_text(text, encoding="utf-8")
    return path                                                       # 5: no duration


def test_validate_reports_five_kinds_of_problems_at_once(tmp_path):
    spec = _five_problem_study(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "txscore.cli", "validate", str(spec)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1
    out = proc.stderr + proc.stdout
    assert "Traceback" not in out
    expected = ["rows have a weight that is missing, not a number, zero or negative",
                "'Agreed' matches no label of scale 'agree5' (1 row: 3)",
                "column 'emo_1' is not in the file",
                "column 'ret_1' appears more than once in the file",
                "the speeder check is on but the file has no duration column"]
    for text in expected:
        assert out.count(text) == 1, text
    assert proc.stderr.count("customers.csv\n") == 1  # one group for the file
    assert "5 problems" in proc.stderr and "provisional" in proc.stderr
    assert "not checked" in proc.stdout  # the reconciliation table still prints


def test_validate_clean_study_with_warnings_and_exclusions_exits_0(tmp_path):
    cust = pd.DataFrame({"resp_id": ["c1", "c1", "c3"], "eff_1": [5, 4, 8]})
    spec = make_study(tmp_path, cust)
    proc = subprocess.run([sys.executable, "-m", "txscore.cli", "validate", str(spec)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "1 row: Duplicate respondent id (an earlier row has it) (row 3)" in proc.stdout
    assert "1 row: Answer code outside the scale (row 4), e.g. eff_1 = 8" in proc.stdout
    assert "no errors" in proc.stdout and "Reconciliation per file" in proc.stdout
