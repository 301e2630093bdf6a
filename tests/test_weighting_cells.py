"""Raking on the cross-classification: partitions count their respondents by cell, the
counts are added, the small table is raked on the client and each cell's weight is mapped
back to the rows. The independent computation is the in-memory path, which rakes the
respondents one by one (:func:`weight_rows`, :func:`apply_weighting`)."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE_DIR

import txscore as tx
from txscore.errors import Problem, TxscoreWarning, WeightingError
from txscore.ingest.weights import (
    REPORT_COLUMNS,
    apply_cell_weights,
    apply_weighting,
    merge_cells,
    weight_rows,
    weighting_cells,
    weights_from_cells,
)
from txscore.stats.weighting import cross_classify, rake
from txscore.study import parse_weighting

REGION = {"N": 0.3, "S": 0.5, "E": 0.2}
AGE = {"young": 0.3, "mid": 0.4, "old": 0.3}
GENDER = {"f": 0.52, "m": 0.48}
#: the spec's sources, in the order txscore.load reads them (not sorted)
GROUPS = [("non_customer", "W2"), ("customer", "W1"), ("customer", "W3"), ("customer", "W2"),
          ("non_customer", "W1"), ("non_customer", "W3")]


def tracker(seed: int = 5, n_people: int = 900) -> pd.DataFrame:
    """Scored rows of a tracker: 2 populations x 3 waves, one to three rows (brands) per
    respondent, three margin variables, a base weight of a few values (so that cells hold
    many respondents), source rows; the sources in the spec's order (GROUPS), the rows of a
    source in no particular order."""
    rng = np.random.default_rng(seed)
    people = pd.DataFrame({
        "respondent_id": [f"r{i}" for i in range(n_people)],
        "population": rng.choice(["customer", "non_customer"], n_people, p=[0.6, 0.4]),
        "wave": rng.choice(["W1", "W2", "W3"], n_people),
        "region": rng.choice(list(REGION), n_people, p=[0.5, 0.3, 0.2]),
        "age": rng.choice(list(AGE), n_people, p=[0.5, 0.3, 0.2]),
        "gender": rng.choice(list(GENDER), n_people),
        "weight": rng.choice([0.5, 1.0, 1.5, 3.0], n_people, p=[0.2, 0.4, 0.3, 0.1]),
    })
    rows = people.loc[people.index.repeat(rng.integers(1, 4, n_people))]
    rows = rows.assign(brand=rng.choice(list("ABCD"), len(rows)),
                       source_file=rows["population"] + ".csv", source_sheet="",
                       source_row=np.arange(2, len(rows) + 2))
    rows = rows.sample(frac=1, random_state=seed)
    place = {group: i for i, group in enumerate(GROUPS)}
    source = [place[g] for g in zip(rows["population"], rows["wave"], strict=True)]
    return rows.iloc[np.argsort(source, kind="stable")].reset_index(drop=True)


def study_with(raw: dict) -> tx.Study:
    settings, problems = parse_weighting(raw)
    assert problems == []
    sample = tx.read_study(SAMPLE_DIR / "study.toml")
    sources = tuple(dataclasses.replace(sample.sources[0], population=population, wave=wave)
                    for population, wave in GROUPS)
    return dataclasses.replace(sample, sources=sources, weighting=settings)


def partitions(rows: pd.DataFrame, k: int = 3, seed: int = 0) -> list[pd.DataFrame]:
    """Rows split by respondent (a respondent's rows in one partition), each shuffled."""
    rng = np.random.default_rng(seed)
    ids = rows["respondent_id"].unique()
    part = pd.Series(rng.integers(0, k, ids.size), index=ids)[rows["respondent_id"]].to_numpy()
    return [rows[part == i].sample(frac=1, random_state=i) for i in range(k)]


def on_cells(study: tx.Study, parts: list[pd.DataFrame], problems: list | None = None):
    """The cell path: cells by partition, merged, raked, mapped back; rows in index order."""
    problems = [] if problems is None else problems
    cells = merge_cells([weighting_cells(study, part) for part in parts])
    cell_weights, report = weights_from_cells(study, cells, problems)
    rows = pd.concat([apply_cell_weights(study, part, cell_weights) for part in parts])
    return rows.sort_index(), report, cells


def in_memory(study: tx.Study, rows: pd.DataFrame, problems: list | None = None):
    problems = [] if problems is None else problems
    return weight_rows(study, rows, problems)


def assert_same(study: tx.Study, rows: pd.DataFrame, *, rtol: float = 1e-12,
                warned: list | None = None) -> pd.DataFrame:
    """The cell path equals the in-memory path: weights, report; ``warned`` gets the
    warnings of each path (in memory, cells)."""
    with warnings.catch_warnings(record=True) as memory:
        warnings.simplefilter("always", TxscoreWarning)
        expected, expected_report = in_memory(study, rows)
    with warnings.catch_warnings(record=True) as on_the_cells:
        warnings.simplefilter("always", TxscoreWarning)
        got, report, cells = on_cells(study, partitions(rows))
    if warned is not None:
        warned += [[str(w.message) for w in memory], [str(w.message) for w in on_the_cells]]
    np.testing.assert_allclose(got["weight"], expected["weight"], rtol=rtol, atol=0)
    pd.testing.assert_frame_equal(got.drop(columns="weight"), expected.drop(columns="weight"))
    want = expected_report  # groups in the same order: the sources'

    assert list(report.columns) == REPORT_COLUMNS and len(report) == len(want)
    close = ["target", "achieved", "n_eff", "deff", "min_weight", "max_weight"]
    pd.testing.assert_frame_equal(report.drop(columns=[*close, "difference"]),
                                  want.drop(columns=[*close, "difference"]), check_exact=True)
    for column in close:
        np.testing.assert_allclose(report[column].astype(float), want[column].astype(float),
                                   rtol=rtol, atol=0, err_msg=column)
    scale = report["target"].abs().max()
    np.testing.assert_allclose(report["difference"], want["difference"], atol=1e-9 * scale)
    assert cells["count"].sum() < len(rows) and len(cells) < len(rows) / 4  # cells, not rows
    return report


def raw_targets(cap) -> dict:
    """Customers on three variables, non-customers on two, customers of W3 on one."""
    return {"base_weight": "weight", "cap": cap, "targets": {
        "customer": {"region": REGION, "age": AGE, "gender": GENDER,
                     "waves": {"W3": {"region": REGION}}},
        "all": {"region": REGION, "age": AGE}}}


def test_cells_give_the_weights_and_report_of_the_respondents_no_binding_cap():
    report = assert_same(study_with(raw_targets(10)), tracker())
    assert report["converged"].all() and (report["capped"] == 0).all()
    assert set(report["wave"]) == {"W1", "W2", "W3"} and report["population"].nunique() == 2
    w3 = report.query("population == 'customer' and wave == 'W3'")
    assert set(w3["variable"]) == {"region"}  # the wave's own table replaces the general one


def test_cells_give_the_weights_and_report_of_the_respondents_binding_cap():
    report = assert_same(study_with(raw_targets(2.2)), tracker())
    assert report["converged"].all() and (report["capped"] > 0).any()


def test_a_cap_that_cannot_be_met_warns_alike_and_gives_the_same_weights():
    # 1,000 sweeps that never converge: rounding adds up over them, to 1e-11 at most.
    warned: list = []
    report = assert_same(study_with(raw_targets(1.3)), tracker(), rtol=1e-10, warned=warned)
    assert not report["converged"].any()
    memory, cells = warned
    assert memory == cells and len(memory) == 6  # one per group, in the same order
    assert all("With cap=1.3 the margins can be met only approximately" in w for w in memory)


def test_pooled_waves_and_a_population_without_targets():
    # Customers raked over their three waves together; non-customers keep their base weight
    # over its mean (their rows, not their people: a respondent's rows may differ in it).
    rows = tracker(seed=9)
    nc = (rows["population"] == "non_customer").to_numpy()
    rows.loc[nc, "weight"] = np.random.default_rng(1).choice([1.0, 2.0], nc.sum())
    raw = {"base_weight": "weight", "by_wave": False, "cap": 3,
           "targets": {"customer": {"region": REGION, "gender": GENDER}}}
    report = assert_same(study_with(raw), rows)
    assert report["wave"].isna().all()
    plain = report[report["population"] == "non_customer"]
    assert len(plain) == 1 and plain["variable"].isna().all() and plain["n"].item() == nc.sum()


def test_no_base_weight_and_rows_without_an_id():
    rows = tracker(seed=11)
    rows.loc[rows.index[::7], "respondent_id"] = None  # each such row is a respondent
    raw = {"targets": {"all": {"region": REGION, "gender": GENDER}}}
    assert_same(study_with(raw), rows)


def test_number_codes_meet_text_keys_and_categoricals_alike():
    # Codes as numbers (1.0 as spreadsheets store them) meet the TOML's text keys "1";
    # a categorical column with a level nobody has needs no target for it.
    rows = tracker(seed=13)
    rows["region"] = rows["region"].map({"N": 1.0, "S": 2.0, "E": 3.0})
    rows["age"] = pd.Categorical(rows["age"], categories=[*AGE, "unused"])
    raw = {"targets": {"all": {"region": {"1": 0.3, "2": 0.5, "3": 0.2}, "age": AGE}}}
    report = assert_same(study_with(raw), rows)
    assert set(report["category"]) == {"1", "2", "3", *AGE}


def test_cells_do_not_depend_on_the_partitioning():
    rows = tracker()
    study = study_with(raw_targets(2.2))
    three = merge_cells([weighting_cells(study, p) for p in partitions(rows, 3, seed=1)])
    five = merge_cells([weighting_cells(study, p) for p in partitions(rows, 5, seed=2)])
    one = merge_cells([weighting_cells(study, rows)])
    pd.testing.assert_frame_equal(three, five, check_exact=True)
    pd.testing.assert_frame_equal(three, one, check_exact=True)
    # Respondents counted once: the counts add up to the people, per group.
    people = rows.drop_duplicates(["population", "wave", "respondent_id"])
    by_group = three.groupby(["population", "wave"])["count"].sum()
    assert by_group.to_dict() == people.groupby(["population", "wave"]).size().to_dict()
    assert list(three.columns) == ["population", "wave", "region", "age", "gender", "weight",
                                   "differs", "count"]
    # A non-customer's gender is not read: it is blank in their cells.
    assert three.loc[three["population"] == "non_customer", "gender"].isna().all()
    three_w = weights_from_cells(study, three, [])[0]
    five_w = weights_from_cells(study, five, [])[0]
    pd.testing.assert_frame_equal(three_w, five_w, check_exact=True)  # bit for bit


def test_one_cell_by_hand():
    # Customers of W1: 2 people in N (one with two rows), 1 in S; targets 50/50.
    # n = 3: N people weigh 1.5 / 2 = 0.75, the S person 1.5; n_eff = 9 / (2 * 0.5625 + 2.25).
    rows = pd.DataFrame({"respondent_id": ["a", "a", "b", "c"], "population": "customer",
                         "wave": "W1", "weight": 1.0, "region": ["N", "N", "N", "S"]})
    study = study_with({"targets": {"all": {"region": {"N": 0.5, "S": 0.5}}}})
    got, report, cells = on_cells(study, [rows.iloc[:2], rows.iloc[2:]])
    assert cells["count"].tolist() == [2, 1]
    assert got["weight"].tolist() == pytest.approx([0.75, 0.75, 0.75, 1.5], rel=1e-14)
    assert report["n"].tolist() == [3, 3] and report["unweighted_n"].tolist() == [2, 1]
    assert report["n_eff"].iat[0] == pytest.approx(9 / (2 * 0.5625 + 2.25), rel=1e-14)


def test_a_value_missing_on_some_rows_of_a_respondent_follows_the_first_row():
    # As in memory: a blank beside a value is no disagreement; the first row decides.
    rows = pd.DataFrame({"respondent_id": ["a", "a", "b", "c", "c"], "population": "customer",
                         "wave": "W1", "weight": 1.0, "region": ["N", None, "N", "S", "S"]})
    study = study_with({"targets": {"all": {"region": {"N": 0.5, "S": 0.5}}}})
    got, _, _ = on_cells(study, [rows.iloc[:2], rows.iloc[2:]])
    expected, _ = in_memory(study, rows)
    np.testing.assert_allclose(got["weight"], expected["weight"], rtol=1e-14)
    assert got["weight"].tolist() == pytest.approx([0.75, 0.75, 0.75, 1.5, 1.5])
    first_blank = rows.assign(region=[None, "N", "N", "S", "S"])
    memory: list = []
    cells: list = []
    in_memory(study, first_blank, memory)
    on_cells(study, [first_blank.iloc[:2], first_blank.iloc[2:]], cells)
    assert [p.message for p in memory] == [p.message for p in cells] == [
        "population 'customer', wave 'W1': 1 respondent(s) have no value for variable "
        "'region' and cannot be weighted"]


def test_problems_are_the_same_messages():
    rows = tracker(seed=3)
    customers = rows[rows["population"] == "customer"]

    def people(wave: str, k: int, several: bool = False) -> pd.Series:
        ids = customers.loc[customers["wave"] == wave, "respondent_id"]
        ids = ids[ids.duplicated()] if several else ids
        return rows["respondent_id"].isin(ids.unique()[:k])

    rows.loc[people("W2", 4), "region"] = "West"  # no target: 4 people
    rows.loc[people("W1", 2), "age"] = None  # no value: 2 people
    flip = rows.index[people("W3", 2, several=True)]
    flip = flip[~rows.loc[flip, "respondent_id"].duplicated()]  # one row of each
    rows.loc[flip, "gender"] = rows.loc[flip, "gender"].map({"f": "m", "m": "f"})
    raw = {"base_weight": "weight", "targets": {
        "customer": {"region": REGION, "gender": GENDER,
                     "age": {"young": 300, "mid": 400, "old": 200, "ancient": 100}},
        "all": {"region": REGION}}}
    study = study_with(raw)
    memory: list = []
    cells: list = []
    expected, _ = in_memory(study, rows, memory)
    got, report, _ = on_cells(study, partitions(rows), cells)
    assert report.empty and expected is rows  # nothing weighted: the rows as they came
    pd.testing.assert_frame_equal(got, rows)
    assert len(memory) == len(cells) == 6  # in each wave 'ancient', and one problem planted
    assert [p.message for p in memory] == [p.message for p in cells]  # in the same order
    text = " ".join(p.message for p in cells)
    for needle in ("wave 'W2': category 'West' of variable 'region' has 4 respondent(s)",
                   "wave 'W1': 2 respondent(s) have no value for variable 'age'",
                   "target category 'ancient' of variable 'age' has no respondents",
                   "wave 'W3': 2 respondent(s) have different values of 'gender' on their rows"):
        assert needle in text
    # The places: the spec table as in memory; the file rows only in memory (cells have none).
    where = {p.message: p.where for p in memory}
    for p in cells:
        assert where[p.message].startswith(p.where) or p.where.startswith("data column")
    assert sorted(p.fix for p in memory) == sorted(p.fix for p in cells)


def test_an_error_before_weighting_and_methods_that_do_not_rake():
    rows = tracker()
    study = study_with(raw_targets(5))
    cells = merge_cells([weighting_cells(study, rows)])
    cell_weights, report = weights_from_cells(study, cells, [Problem("bad", "x")])
    assert cell_weights is None and report.empty  # as weight_rows: nothing weighted
    for method, weight in (("none", 1.0), ("column", None)):
        other = study_with({"method": method})
        assert weighting_cells(other, rows).empty
        cell_weights, report = weights_from_cells(other, weighting_cells(other, rows), [])
        assert cell_weights is None and report.empty
        got = apply_cell_weights(other, rows, cell_weights)
        expected, _ = in_memory(other, rows)
        pd.testing.assert_frame_equal(got, expected)
        assert weight is None or (got["weight"] == weight).all()


def test_rows_outside_the_cells_are_an_error():
    rows = tracker()
    study = study_with(raw_targets(5))
    cell_weights, _ = weights_from_cells(study, weighting_cells(study, rows.iloc[:300]), [])
    with pytest.raises(WeightingError, match="row\\(s\\) are in no cell of the weights"):
        apply_cell_weights(study, rows, cell_weights)


# ------------------------------------------------------------------ rake(counts=...)
def test_rake_with_counts_equals_raking_the_repeated_rows():
    rng = np.random.default_rng(4)
    cells = pd.DataFrame({"a": rng.choice(list("xyz"), 40), "b": rng.choice(list("pq"), 40),
                          "bw": rng.choice([0.5, 1.0, 4.0], 40)})
    counts = rng.integers(1, 30, 40)
    expanded = cells.loc[cells.index.repeat(counts)]
    targets = {"a": {"x": 0.2, "y": 0.3, "z": 0.5}, "b": {"p": 600, "q": 400}}
    for cap, scale in ((None, "mean1"), (2.0, "targets"), (6.0, "mean1")):
        full = rake(expanded, targets, base_weight="bw", cap=cap, scale=scale)
        res = rake(cells, targets, base_weight="bw", cap=cap, scale=scale, counts=counts)
        np.testing.assert_allclose(res.weights.to_numpy().repeat(counts), full.weights,
                                   rtol=1e-12)
        assert (res.n, res.iterations, res.converged, res.capped) == (
            full.n, full.iterations, full.converged, full.capped)
        for name in ("n_eff", "deff", "min_weight", "max_weight"):
            assert getattr(res, name) == pytest.approx(getattr(full, name), rel=1e-12)
        pd.testing.assert_frame_equal(res.margins.drop(columns="difference"),
                                      full.margins.drop(columns="difference"), rtol=1e-12)
    assert full.capped == 0 and rake(cells, targets, base_weight="bw", cap=2.0,
                                     counts=counts).capped > 0


def test_rake_counts_must_be_whole_numbers_of_one_or_more():
    data = pd.DataFrame({"a": list("xy")})
    for counts in ([1, 0], [1.5, 1], [1], [1, None]):
        with pytest.raises(WeightingError, match="counts must be 2 whole numbers >= 1"):
            rake(data, {"a": {"x": 0.5, "y": 0.5}}, counts=counts)
    ones = rake(data, {"a": {"x": 0.4, "y": 0.6}}, counts=[1, 1])
    plain = rake(data, {"a": {"x": 0.4, "y": 0.6}})
    np.testing.assert_allclose(ones.weights, plain.weights, rtol=1e-15)


def test_rake_counts_in_the_messages():
    data = pd.DataFrame({"a": ["x", "w", None]})
    with pytest.raises(WeightingError) as info:
        rake(data, {"a": {"x": 1.0}}, counts=[3, 4, 5])
    text = str(info.value)
    assert "category 'w' of variable 'a' has 4 respondent(s) but no target" in text
    assert "5 respondent(s) have no value for variable 'a'" in text


def test_apply_weighting_is_the_in_memory_reference():
    # The helpers above compare against weight_rows; weight_rows is apply_weighting.
    rows = tracker()
    study = study_with(raw_targets(5))
    weights, _ = apply_weighting(rows, study.weighting, variables_where="study.toml [weighting]")
    np.testing.assert_array_equal(in_memory(study, rows)[0]["weight"], weights)


def test_cross_classify_numbers_the_cells_as_a_groupby_does():
    rng = np.random.default_rng(8)
    codes = [rng.integers(-1, k, 5000) for k in (3, 40, 1000, 7, 2)]  # 3 * 40 * 1000 * ...
    cells, first = cross_classify(codes)
    frame = pd.DataFrame(np.column_stack(codes))
    expected = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    np.testing.assert_array_equal(cells, expected)  # numbered in order of first appearance
    np.testing.assert_array_equal(first, np.flatnonzero(~frame.duplicated().to_numpy()))
