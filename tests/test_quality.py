"""Respondent checks: each one on tiny data worked by hand, the sample's planted speeders,
Qualtrics metadata, and the validate report.

Every test that loads a study also checks the reconciliation: per file, rows in = scored +
excluded, and every input row is either scored or in the ledger (never both, never none).
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import AGREE5_LABELS, base_spec, make_study, merge, pick, write_spec

import txscore as tx
from txscore.ingest.quality import (
    REASONS,
    finished_flags,
    incomplete_detail,
    reconcile,
    speeder_detail,
    straightliner_detail,
)
from txscore.reporting.excel import write_workbook
from txscore.reporting.text import words_for

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
    out = re.sub(r"\s+", " ", proc.stderr + proc.stdout)  # a long message wraps in a terminal
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
    out = re.sub(r"\s+", " ", proc.stdout)  # a long line wraps in a terminal
    assert ("1 row: Duplicate respondent id (an earlier row has it) (file row 3), e.g. same "
            "id as customers.csv row 2") in out
    assert "1 row: Answer code outside the scale (file row 4), e.g. eff_1 = 8" in out
    assert "no errors" in out and "Reconciliation per file" in out


# ---------------------------------------------------------------------- people and rows
LOOP_BRANDS = ["Alpha", "Beta", "Gamma"]
PEOPLE = ["respondents_in", "respondents_scored", "respondents_excluded"]


def _loop_frame(ids: list[object], not_rated: dict[int, str] | None = None,
                blank: tuple[int, ...] = ()) -> pd.DataFrame:
    """A customer brand loop (``{item}_{brand}``, 3 brands), one file row per id; answers
    vary by row, item and brand. ``not_rated`` leaves one brand blank in a row, ``blank``
    rows are entirely empty."""
    n = len(ids)
    wide: dict[str, object] = {"resp_id": ids}
    for j, item in enumerate(ITEMS):
        for b, brand in enumerate(LOOP_BRANDS):
            wide[f"{item}_{brand}"] = [1 + (i + j + b) % 5 for i in range(n)]
    frame = pd.DataFrame(wide).astype(object)
    for i, brand in (not_rated or {}).items():
        frame.loc[i, [f"{item}_{brand}" for item in ITEMS]] = None
    frame.loc[list(blank), :] = None
    return frame


def _loop_study(tmp_path: Path, loop: pd.DataFrame, language: str = "en") -> tx.Study:
    """The loop as the customer file, a plain non-customer file beside it."""
    loop.to_csv(tmp_path / "loop.csv", index=False)
    pd.DataFrame({"resp_id": ["n1", "n2", "n3"], "brand": LOOP_BRANDS,
                  **{i: [2, 3, 4] for i in ["sal_1", "fit_1", "trust_1"]}}).to_csv(
        tmp_path / "non_customers.csv", index=False)
    spec = merge(base_spec(), {
        "study": {"name": "Loop", "language": language},
        "sources": [{"path": "loop.csv", "population": "customer", "wave": "W1",
                     "brand_pattern": "{item}_{brand}"},
                    {"path": "non_customers.csv", "population": "non_customer",
                     "wave": "W1"}]})
    return tx.read_study(write_spec(tmp_path, spec))


def _five_duplicates(tmp_path: Path, language: str = "en") -> tx.Responses:
    # r1..r8 once, then a blank row, r1..r5 again (5 duplicated respondents x 3 brands =
    # 15 rows), then r9 who did not rate Gamma: file rows 2..16
    ids = [f"r{i}" for i in range(1, 9)] + [None] + [f"r{i}" for i in range(1, 6)] + ["r9"]
    return tx.load(_loop_study(tmp_path, _loop_frame(ids, {14: "Gamma"}, blank=(8,)),
                               language))


def pick_responses(responses: tx.Responses, name: str) -> tx.Responses:
    """The responses of one file (its data, ledger and file table)."""
    def one(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["source_file"] == name]

    return dataclasses.replace(responses, data=one(responses.data),
                               exclusions=one(responses.exclusions),
                               files=one(responses.files))


def test_brand_loop_counts_five_duplicated_respondents_as_15_rows(tmp_path):
    responses = _five_duplicates(tmp_path)
    ledger = responses.exclusions
    dup = ledger[ledger["reason"] == "duplicate_id"]
    # worked by hand: the duplicates are file rows 11..15, each with its three brands
    assert sorted(dup["source_row"].unique()) == [11, 12, 13, 14, 15]
    assert len(dup) == 15 and sorted(dup["brand"].unique()) == LOOP_BRANDS
    assert dup.loc[dup["source_row"] == 11, "detail"].unique().tolist() == [
        "same_id_as:loop.csv(2)"]
    f = pick(responses.files, source_file="loop.csv")
    # rows: 15 file rows x 3 brands = 45 = 26 scored + 15 duplicates + 3 blank + 1 not rated
    assert (f.rows_in, f.scored, f.excluded) == (45, 26, 19)
    assert (f.duplicate_id, f.blank_row, f.brand_not_rated) == (15, 3, 1)
    # respondents: 15 = 9 scored (r1..r9; r9 on two brands) + 6 excluded (5 duplicates,
    # the blank row); r9 counts under "brand not rated" though scored
    assert [int(f[c]) for c in PEOPLE] == [15, 9, 6]
    assert (f.duplicate_id_respondents, f.blank_row_respondents,
            f.brand_not_rated_respondents, f.speeder_respondents) == (5, 1, 1, 0)
    assert f.reconciles
    other = pick(responses.files, source_file="non_customers.csv")
    assert [int(other[c]) for c in PEOPLE] == [3, 3, 0] and other.rows_in == 3
    assert "9 respondents scored, 6 excluded" in repr(pick_responses(responses, "loop.csv"))


def _people_by_sets(responses: tx.Responses) -> pd.DataFrame:
    """Respondents per file recomputed with Python sets from the data and the ledger."""
    out = {}
    for name, file_rows in responses.files.set_index("source_file")["file_rows"].items():
        kept = set(responses.data.loc[responses.data["source_file"] == name, "source_row"])
        led = responses.exclusions[responses.exclusions["source_file"] == name]
        gone = set(led["source_row"])
        out[name] = {"respondents_in": file_rows, "seen": len(kept | gone),
                     "respondents_scored": len(kept),
                     "respondents_excluded": len(gone - kept),
                     **{f"{r}_respondents": len(set(led.loc[led["reason"] == r,
                                                            "source_row"]))
                        for r in REASONS}}
    return pd.DataFrame(out).T


def _assert_identities(responses: tx.Responses) -> None:
    files = responses.files.set_index("source_file")
    assert (files["rows_in"] == files["scored"] + files["excluded"]).all()
    assert (files["respondents_in"]
            == files["respondents_scored"] + files["respondents_excluded"]).all()
    assert files["reconciles"].all()
    by_sets = _people_by_sets(responses).loc[files.index]
    assert (by_sets["seen"] == by_sets["respondents_in"]).all()
    for col in [*PEOPLE, *(f"{r}_respondents" for r in REASONS)]:
        assert files[col].tolist() == by_sets[col].tolist(), col


def test_sample_reconciles_in_respondents_and_rows():
    responses = tx.load(tx.read_study(SAMPLE / "study.toml"))
    _assert_identities(responses)
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    files = responses.files.set_index("source_file")
    for name, info in truth["files"].items():
        # one row per respondent: people and rows agree, reason by reason
        f = files.loc[name]
        assert f.respondents_in == f.rows_in == info["rows"]
        assert (f.respondents_scored, f.respondents_excluded) == (f.scored, f.excluded)
        assert f.duplicate_id_respondents == len(info["duplicates"])
        assert f.speeder_respondents == f.speeder == 8


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_brand_loops_reconcile_in_respondents_and_rows(tmp_path, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 40))
    ids = rng.choice([f"r{i}" for i in range(n)] + [None], size=n).tolist()  # repeats
    not_rated = {int(i): str(rng.choice(LOOP_BRANDS))
                 for i in rng.choice(n, size=n // 4, replace=False)}
    blank = tuple(int(i) for i in rng.choice(n, size=n // 8, replace=False))
    responses = tx.load(_loop_study(tmp_path, _loop_frame(ids, not_rated, blank)))
    _assert_identities(responses)
    f = pick(responses.files, source_file="loop.csv")
    assert (f.respondents_in, f.rows_in) == (n, 3 * n)


def test_reconcile_on_random_tables_matches_a_count_by_sets():
    rng = np.random.default_rng(11)
    for _ in range(20):
        files, kept, ledger = [], [], []
        for k in range(int(rng.integers(1, 4))):
            name, brands, n = f"f{k}.csv", int(rng.integers(1, 5)), int(rng.integers(0, 30))
            files.append({"source_file": name, "source_sheet": "", "file_rows": n,
                          "rows_in": n * brands})
            for row in range(2, n + 2):
                for _ in range(brands):  # each row x brand: kept, or ledgered for a reason
                    if rng.random() < 0.6:
                        kept.append({"source_file": name, "source_sheet": "",
                                     "source_row": row})
                    else:
                        ledger.append({"source_file": name, "source_sheet": "",
                                       "source_row": row,
                                       "reason": str(rng.choice(REASONS[:6]))})
        cols = ["source_file", "source_sheet", "source_row"]
        kept_df = pd.DataFrame(kept, columns=cols)
        ledger_df = pd.DataFrame(ledger, columns=[*cols, "reason"])
        out = reconcile(pd.DataFrame(files), kept_df, ledger_df).set_index("source_file")
        for f in files:
            name = f["source_file"]
            ok = {r["source_row"] for r in kept if r["source_file"] == name}
            out_rows = [r for r in ledger if r["source_file"] == name]
            gone = {r["source_row"] for r in out_rows}
            got = out.loc[name]
            assert got.respondents_in == f["file_rows"] == len(ok | gone)
            assert (got.respondents_scored, got.respondents_excluded) == (
                len(ok), len(gone - ok))
            assert got.scored + got.excluded == f["rows_in"] and got.reconciles
            for reason in REASONS:
                rows = [r for r in out_rows if r["reason"] == reason]
                assert got[reason] == len(rows)
                assert got[f"{reason}_respondents"] == len({r["source_row"] for r in rows})
    # a file whose respondents do not add up does not reconcile
    bad = reconcile(pd.DataFrame([{"source_file": "a", "source_sheet": "", "file_rows": 3,
                                   "rows_in": 2}]),
                    pd.DataFrame({"source_file": ["a", "a"], "source_sheet": "",
                                  "source_row": [2, 3]}),
                    pd.DataFrame(columns=["source_file", "source_sheet", "source_row",
                                          "reason"]))
    assert bad["rows_in"].iloc[0] == bad["scored"].iloc[0] and not bad["reconciles"].iloc[0]


# ---------------------------------------------------------------------- the workbook
def _exclusions_cells(responses: tx.Responses, path: Path) -> tuple[list[tuple], object]:
    book = write_workbook(tx.score(responses), path)
    wb = openpyxl.load_workbook(book)
    ws = wb[wb.sheetnames[-2]]  # Exclusions (then Methodology), in either language
    return list(ws.iter_rows(values_only=True)), ws


def _table(rows: list[tuple], first: str, header: str) -> list[dict]:
    """The records of the table whose header row starts with ``first`` and holds
    ``header``."""
    at = next(i for i, r in enumerate(rows) if r and r[0] == first and header in r)
    out = []
    for r in rows[at + 1:]:
        if not r or r[0] is None:
            break
        out.append(dict(zip(rows[at], r, strict=False)))
    return out


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
def test_exclusions_sheet_shows_respondents_and_rows(tmp_path):
    rows, _ = _exclusions_cells(_five_duplicates(tmp_path), tmp_path / "en.xlsx")
    text = [str(c) for r in rows for c in r if isinstance(c, str)]
    [loop] = [f for f in _table(rows, "File", "Respondents in") if f["File"] == "loop.csv"]
    assert (loop["Respondents in"], loop["Respondents scored"],
            loop["Respondents excluded"]) == (15, 9, 6)
    assert (loop["Rows in"], loop["Scored"], loop["Excluded"]) == (45, 26, 19)
    assert loop["Respondents excluded %"] == pytest.approx(6 / 15)
    assert loop["Excluded %"] == pytest.approx(19 / 45)
    reasons = {r["Reason"]: r for r in _table(rows, "File", "Respondent x brand rows")}
    dup = reasons["Duplicate id"]
    assert (dup["Respondents"], dup["Respondent x brand rows"]) == (5, 15)
    assert dup["Respondents %"] == pytest.approx(5 / 15)
    assert dup["Rows %"] == pytest.approx(15 / 45)
    assert (reasons["Brand not rated"]["Respondents"],
            reasons["Brand not rated"]["Respondent x brand rows"]) == (1, 1)
    # in words: the study-wide counts and the ledger's
    assert any("Duplicate id – 5 respondents, 15 respondent x brand rows" in t for t in text)
    assert any("Brand not rated – 1 respondent, 1 respondent x brand row;" in t for t in text)
    assert any("Respondents (one per file row): 18 read = 12 scored" in t
               and "6 excluded" in t and "48 read = 29 scored + 19 excluded" in t
               for t in text)
    assert "One line per excluded respondent x brand row: 19 respondent x brand rows from " \
           "7 respondents." in text
    ledger = _table(rows, "File", "Detail")
    assert len(ledger) == 19


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
def test_exclusions_sheet_in_french_counts_people_and_wraps_long_reasons(tmp_path):
    rows, _ = _exclusions_cells(_five_duplicates(tmp_path, "fr"), tmp_path / "fr.xlsx")
    text = [re.sub("[\xa0\u202f]", " ", c) for r in rows for c in r if isinstance(c, str)]
    assert any("Identifiant en double – 5 répondants, 15 lignes répondant × marque" in t
               for t in text)
    assert any("Répondants (un par ligne du fichier) : 18 lus = 12 notés" in t for t in text)
    reasons = {r["Motif"]: r for r in _table(rows, "Fichier", "Lignes répondant × marque")}
    assert (reasons["Identifiant en double"]["Répondants"],
            reasons["Identifiant en double"]["Lignes répondant × marque"]) == (5, 15)
    # the ledger's reason column wraps: a reason longer than the column (a long French
    # one) gets a row tall enough for its lines instead of running over the detail
    (tmp_path / "long").mkdir()
    ledger = result_with_long_reasons(_five_duplicates(tmp_path / "long", "fr"))
    book = write_workbook(ledger, tmp_path / "long.xlsx")
    ws = openpyxl.load_workbook(book)["Exclusions"]
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Fichier" and "Détail" in r)
    col = rows[at].index("Motif") + 1
    width = ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width
    long = "Réponses en ligne droite (même réponse sur toute une grille)"
    assert width < len(long)
    seen = set()
    for row in range(at + 2, at + 2 + len(ledger.exclusions)):
        cell = ws.cell(row=row, column=col)
        assert cell.alignment.wrap_text
        lines = -(-len(cell.value) // (width - 2))  # characters per line: width - 2
        assert (ws.row_dimensions[row].height or 15.0) >= 15.0 * lines, cell.value
        seen.add((cell.value, lines))
    # the reason column is as narrow as the tables above it allow: long reasons wrap, each
    # row as tall as its lines
    assert long in {text for text, _ in seen} and all(n > 1 for text, n in seen if text == long)


def result_with_long_reasons(responses: tx.Responses) -> tx.Result:
    """Scored, with two duplicates of the ledger shown as the longest reasons."""
    result = tx.score(responses)
    ex = result.exclusions.copy()
    ex.loc[ex.index[-2:], "reason"] = ["straightliner", "incomplete"]
    return dataclasses.replace(result, exclusions=ex)


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
def test_exclusions_sheet_without_respondent_counts_shows_rows(tmp_path):
    # a file table built by hand (or by an older txscore) has no respondent counts
    result = tx.score(_five_duplicates(tmp_path))
    files = result.files.drop(columns=[c for c in result.files.columns
                                       if c.startswith("respondents")
                                       or c.endswith("_respondents")])
    book = write_workbook(dataclasses.replace(result, files=files), tmp_path / "rows.xlsx")
    rows = list(openpyxl.load_workbook(book)["Exclusions"].iter_rows(values_only=True))
    [loop] = [f for f in _table(rows, "File", "Rows in") if f["File"] == "loop.csv"]
    assert (loop["Rows in"], loop["Scored"], loop["Excluded"]) == (45, 26, 19)
    assert "Respondents in" not in loop
    reasons = {r["Reason"]: r for r in _table(rows, "File", "Respondent x brand rows")}
    assert reasons["Duplicate id"]["Respondent x brand rows"] == 15
    assert "Respondents" not in reasons["Duplicate id"]


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
def test_exclusions_reasons_table_on_the_sample_counts_per_file_and_reason(tmp_path):
    study = tx.read_study(SAMPLE / "study.toml").with_settings(bootstrap=0)
    responses = tx.load(study)
    rows, _ = _exclusions_cells(responses, tmp_path / "sample.xlsx")
    table = _table(rows, "File", "Respondent x brand rows")
    ledger = responses.exclusions
    counts = ledger.groupby(["source_file", "reason"]).size()
    people = ledger.drop_duplicates(["source_file", "source_row", "reason"]).groupby(
        ["source_file", "reason"]).size()
    files = responses.files.set_index("source_file")
    code = {v: k for k, v in words_for("en").reasons.items()}
    assert len(table) == len(counts)  # one line per file and reason that excluded a row
    for rec in table:
        key = (rec["File"], code[rec["Reason"]])
        assert rec["Respondent x brand rows"] == counts[key]
        assert rec["Respondents"] == people[key]
        assert rec["Rows %"] == pytest.approx(counts[key] / files.loc[rec["File"], "rows_in"])
        assert rec["Respondents %"] == pytest.approx(
            people[key] / files.loc[rec["File"], "respondents_in"])
    recon = {r["File"]: r for r in _table(rows, "File", "Respondents in")}
    for name, f in files.iterrows():
        assert (recon[name]["Rows in"], recon[name]["Scored"], recon[name]["Excluded"]) == (
            f.rows_in, f.scored, f.excluded)
        assert recon[name]["Respondents in"] == f.respondents_in and (
            recon[name]["Reconciles"] == "yes")


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
def test_exclusions_reasons_table_shows_a_reason_txscore_does_not_know_yet(tmp_path):
    # a reason and a detail code from a newer ingest, without a respondent count: shown as
    # they are, the respondents left blank
    result = tx.score(_five_duplicates(tmp_path))
    files = result.files.assign(robot=[2, 0])
    files["excluded"] += files["robot"]
    files["rows_in"] += files["robot"]
    extra = result.exclusions.iloc[[0, 0]].assign(reason="robot", detail="captcha_failed(3)")
    book = write_workbook(dataclasses.replace(result, files=files, exclusions=pd.concat(
        [result.exclusions, extra], ignore_index=True)), tmp_path / "robot.xlsx")
    rows = list(openpyxl.load_workbook(book)["Exclusions"].iter_rows(values_only=True))
    [robot] = [r for r in _table(rows, "File", "Respondent x brand rows")
               if r["Reason"] == "robot"]
    assert robot["Respondent x brand rows"] == 2 and robot["Respondents"] is None
    assert robot["Rows %"] == pytest.approx(2 / files["rows_in"].iloc[0])
    ledger = [r for r in _table(rows, "File", "Detail") if r["Reason"] == "robot"]
    assert len(ledger) == 2 and all(r["Detail"] == "captcha_failed(3)" for r in ledger)
