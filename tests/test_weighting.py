"""Tests of txscore.weighting: raking (checked against R survey::rake) and Kish's n_eff."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from txscore.errors import TxscoreWarning, WeightingError
from txscore.weighting import (
    RakeResult,
    design_effect,
    effective_base,
    effective_base_by,
    rake,
)

API = Path(__file__).resolve().parents[2] / "shared" / "validation" / "weighting"
API_TARGETS = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5122}}


def _rake_quietly(*args, **kwargs) -> RakeResult:
    with warnings.catch_warnings():
        warnings.simplefilter("error", TxscoreWarning)  # these cases must not warn
        return rake(*args, **kwargs)


# ------------------------------------------------------------------- R survey reference

@pytest.fixture(scope="module")
def apiclus1() -> pd.DataFrame:
    if not (API / "apiclus1.csv").exists():
        pytest.skip(f"R survey api data not found in {API} (shared/validation/weighting)")
    return pd.read_csv(API / "apiclus1.csv")


def test_rake_reproduces_r_survey_rake(apiclus1):
    # rakecheck.Rout.save: dclus1 <- svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)
    # dclus1r <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
    #                 control=list(epsilon=1e-10, maxit=30))
    # svymean(~api00, dclus1r) -> 641.23; svytotal(~enroll, dclus1r) -> 3647280.
    res = _rake_quietly(apiclus1, API_TARGETS, base_weight="pw", cap=None, scale="targets")
    w = res.weights
    assert res.converged
    for variable, targets in API_TARGETS.items():
        achieved = w.groupby(apiclus1[variable]).sum()
        for category, target in targets.items():
            assert achieved[category] == pytest.approx(target, rel=1e-6)
    assert res.max_margin_error < 1e-9
    # R prints 5 and 7 significant digits; txscore gives 641.2303209 and 3647280.148.
    mean_api00 = (w * apiclus1["api00"]).sum() / w.sum()
    assert abs(mean_api00 - 641.23) < 0.005
    assert abs((w * apiclus1["enroll"]).sum() - 3647280) < 0.5


def test_rake_with_a_joint_margin_reproduces_r(apiclus1):
    # rakecheck.Rout.save, last example: rake(dclus1, list(~stype+sch.wide, ~comp.imp),
    # list(xtabs(~stype+sch.wide, apipop), pop.imp)) -> svymean(~api00) 642.61 (R's rake stops
    # at maxit=30; calibrate(calfun="raking") gives the same 642.61). A joint margin is one
    # variable holding the crossed categories; its targets are the apipop cell counts.
    if not (API / "apipop.csv").exists():
        pytest.skip(f"R survey apipop data not found in {API}")
    pop = pd.read_csv(API / "apipop.csv")
    cell = apiclus1["stype"] + "/" + apiclus1["sch.wide"]
    targets = {"cell": (pop["stype"] + "/" + pop["sch.wide"]).value_counts().to_dict(),
               "comp.imp": {"No": 1712, "Yes": 4482}}
    res = _rake_quietly(apiclus1.assign(cell=cell), targets, base_weight="pw", cap=None,
                        scale="targets")
    w = res.weights
    assert res.converged  # txscore gives 642.6084743
    assert abs((w * apiclus1["api00"]).sum() / w.sum() - 642.61) < 0.005


def test_rake_equals_raking_calibration(apiclus1):
    # R checks all.equal(weights(calibrate(..., calfun="raking")) / weights(rake(...)), 1):
    # the raking solution is w = pw * exp(X lambda) meeting the totals. Solve that by Newton.
    x = np.column_stack([np.ones(len(apiclus1)), apiclus1["stype"] == "H",
                         apiclus1["stype"] == "M", apiclus1["sch.wide"] == "Yes"]).astype(float)
    totals = np.array([6194.0, 755.0, 1018.0, 5122.0])
    d, lam = apiclus1["pw"].to_numpy(), np.zeros(4)
    for _ in range(30):
        g = d * np.exp(x @ lam)
        lam += np.linalg.solve(x.T @ (g[:, None] * x), totals - x.T @ g)
    res = _rake_quietly(apiclus1, API_TARGETS, base_weight="pw", cap=None, scale="targets")
    np.testing.assert_allclose(res.weights.to_numpy(), d * np.exp(x @ lam), rtol=1e-8)


# ------------------------------------------------------------------- hand-made examples

def test_one_sweep_closed_form():
    # One respondent per cell of a (2 x 3) table: the sample is "independent", so one sweep
    # solves it: after raking a, each x has 60/3 = 20, each y 40/3; raking b multiplies cell
    # (i, j) by target_j / (100/3), giving w_ij = T_a(i) * T_b(j) / T = 100 * share_i * share_j.
    df = pd.DataFrame({"a": list("xxxyyy"), "b": list("pqrpqr")})
    targets = {"a": {"x": 60, "y": 40}, "b": {"p": 50, "q": 30, "r": 20}}
    res = _rake_quietly(df, targets, scale="targets")
    np.testing.assert_allclose(res.weights, [30, 18, 12, 20, 12, 8], rtol=1e-12)
    assert res.converged and res.iterations == 1
    # Mean-1 weights: divide by the mean 100 / 6.
    res = _rake_quietly(df, targets)
    np.testing.assert_allclose(res.weights, [1.8, 1.08, 0.72, 1.2, 0.72, 0.48], rtol=1e-12)


def test_multi_sweep_known_solution():
    # Cells: (x,p) 2 respondents, (x,q) 1, (y,p) 1, (y,q) 2. Candidate: weight 2 for a=x and 1
    # for a=y. Margins: a: x 3*2 = 6, y 3*1 = 3; b: p 2+2+1 = 5, q 2+1+1 = 4. It has the
    # raking form w = u_a * v_b (v = 1) and meets both margins, so it is THE raking solution.
    # Raking b first starts elsewhere (p 5/3, q 4/3) and needs several sweeps to get there.
    df = pd.DataFrame({"a": list("xxxyyy"), "b": list("ppqpqq")})
    res = _rake_quietly(df, {"b": {"p": 5, "q": 4}, "a": {"x": 6, "y": 3}}, scale="targets",
                        cap=None)
    np.testing.assert_allclose(res.weights, [2, 2, 2, 1, 1, 1], rtol=1e-9)
    assert res.converged and res.iterations > 1
    margins = res.margins.set_index(["variable", "category"])
    assert list(res.margins.columns) == ["variable", "category", "target", "achieved",
                                         "unweighted_n", "difference"]
    assert margins.loc[("b", "p"), "target"] == 5 and margins.loc[("b", "p"), "unweighted_n"] == 3
    assert margins["difference"].abs().max() < 1e-8
    # Report: n_eff = 9^2 / (3*4 + 3*1) = 81 / 15; weights 2 and 1 have mean 1.5.
    assert res.n == 6 and res.n_eff == pytest.approx(81 / 15) and res.deff == pytest.approx(90 / 81)
    assert res.min_weight == pytest.approx(1) and res.max_weight == pytest.approx(2)
    assert res.capped == 0


def _survey(n: int = 400, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "region": rng.choice(["North", "South", "East", "West"], n, p=[0.4, 0.3, 0.2, 0.1]),
        "age": rng.choice(["18-34", "35-54", "55+"], n, p=[0.5, 0.3, 0.2]),
        "design": rng.uniform(0.5, 2.0, n),
    }, index=pd.RangeIndex(1000, 1000 + n))  # weights must follow the index, not 0..n-1


SHARES = {"region": {"North": 0.25, "South": 0.25, "East": 0.25, "West": 0.25},
          "age": {"18-34": 0.3, "35-54": 0.35, "55+": 0.35}}


def test_shares_and_counts_give_the_same_weights():
    df = _survey()
    counts = {v: {c: 2000 * s for c, s in t.items()} for v, t in SHARES.items()}
    by_share = _rake_quietly(df, SHARES, base_weight="design", cap=None, scale="targets")
    by_count = _rake_quietly(df, counts, base_weight="design", cap=None, scale="targets")
    # Shares are scaled to the total base weight, counts keep their total (2000).
    assert by_share.weights.sum() == pytest.approx(df["design"].sum())
    assert by_count.weights.sum() == pytest.approx(2000)
    np.testing.assert_allclose(by_count.weights, by_share.weights * 2000 / df["design"].sum(),
                               rtol=1e-9)
    for variable, shares in SHARES.items():
        achieved = by_count.weights.groupby(df[variable]).sum()
        for category, share in shares.items():
            assert achieved[category] == pytest.approx(2000 * share, rel=1e-9)
    # Mixed: a share variable takes the total of the count variable.
    mixed = _rake_quietly(df, {"region": counts["region"], "age": SHARES["age"]},
                          base_weight="design", cap=None, scale="targets")
    np.testing.assert_allclose(mixed.weights, by_count.weights, rtol=1e-9)
    assert mixed.weights.index.equals(df.index)


def test_rounded_shares_warn_and_are_normalised():
    df = pd.DataFrame({"a": list("xyzxyz")})
    with pytest.warns(TxscoreWarning, match="'a' sum to 0.999"):
        res = rake(df, {"a": {"x": 0.333, "y": 0.333, "z": 0.333}})
    np.testing.assert_allclose(res.weights, 1.0)


def test_cap_respected_and_margins_still_met():
    df = _survey()
    free = _rake_quietly(df, SHARES, base_weight="design", cap=None)
    assert free.max_weight > 3  # the cap below binds
    res = _rake_quietly(df, SHARES, base_weight="design", cap=3)
    assert res.converged and res.max_margin_error < 1e-9
    assert res.weights.mean() == pytest.approx(1) and res.max_weight <= 3 + 1e-9
    assert res.capped > 0 and res.max_weight == pytest.approx(3)


def test_cap_that_cannot_be_met_is_reported():
    # West is 10% of the sample but must be 40% of the population: mean-1 weights of about
    # 4 in West, impossible under cap 2. The cap holds, the margins do not, and we say so.
    df = _survey()
    targets = {"region": {"North": 0.2, "South": 0.2, "East": 0.2, "West": 0.4},
               "age": SHARES["age"]}
    with pytest.warns(TxscoreWarning, match=r"cap=2 .*variable 'region', category 'West'"):
        res = rake(df, targets, base_weight="design", cap=2)
    assert not res.converged
    assert res.weights.max() / res.weights.mean() <= 2 + 1e-9
    assert res.weights.mean() == pytest.approx(1)
    west = res.margins.set_index(["variable", "category"]).loc[("region", "West")]
    assert west["achieved"] < west["target"]
    assert res.max_margin_error == pytest.approx(1 - west["achieved"] / west["target"])


def test_scaling_base_weights_changes_nothing():
    df = _survey()
    for cap in (None, 3):
        one = _rake_quietly(df, SHARES, base_weight="design", cap=cap)
        big = _rake_quietly(df, SHARES, base_weight=df["design"].to_numpy() * 1e3, cap=cap)
        np.testing.assert_allclose(big.weights, one.weights, rtol=1e-10)
        assert big.capped == one.capped


def test_toml_string_keys_match_integer_codes():
    df = pd.DataFrame({"age_group": [1, 1, 2, 2, 3, 3]})
    res = _rake_quietly(df, {"age_group": {"1": 0.5, "2": 0.25, "3": 0.25}})
    np.testing.assert_allclose(res.weights, [1.5, 1.5, 0.75, 0.75, 0.75, 0.75])


def test_categorical_data_and_series_base_weight_follow_the_index():
    df = pd.DataFrame({"r": pd.Categorical(list("aabbc"), categories=list("abcd"))},
                      index=[10, 11, 12, 13, 14])  # 'd' is an unused level: no target needed
    base = pd.Series([5.0, 4, 3, 2, 1], index=[14, 13, 12, 11, 10])  # reversed order
    res = _rake_quietly(df, {"r": {"a": 0.4, "b": 0.4, "c": 0.2}}, base_weight=base)
    # Within a category the raked weights keep the base-weight ratios: a has 1:2, b has 3:4.
    np.testing.assert_allclose(res.weights, [2 / 3, 4 / 3, 6 / 7, 8 / 7, 1.0], rtol=1e-12)
    assert "Series aligned on the data's index" in str(
        _error(df, {"r": {"a": 0.4, "b": 0.4, "c": 0.2}}, base_weight=pd.Series([1.0] * 5)))


# ------------------------------------------------------------------- Kish effective base

def test_kish_effective_base():
    # (1 + 1 + 2 + 4)^2 / (1 + 1 + 4 + 16) = 64 / 22; deff = 4 / (64 / 22) = 1.375.
    assert effective_base([1, 1, 2, 4]) == pytest.approx(64 / 22)
    assert design_effect(np.array([1, 1, 2, 4])) == pytest.approx(1.375)
    assert effective_base(pd.Series([0.7] * 10)) == pytest.approx(10)
    assert design_effect([0.7] * 10) == pytest.approx(1)


def test_effective_base_by_groups():
    df = pd.DataFrame({"brand": ["A", "A", "A", "A", "B", "B", "C"],
                       "wave": [1, 1, 1, 1, 1, 1, 2],
                       "w": [1, 1, 2, 4, 3, 3, 0]})
    out = effective_base_by(df, ["brand", "wave"], "w")
    assert list(out.columns) == ["brand", "wave", "n", "sum_w", "n_eff", "deff"]
    a, b, c = out.to_dict("records")
    assert (a["n"], a["sum_w"]) == (4, 8) and a["n_eff"] == pytest.approx(64 / 22)
    assert a["deff"] == pytest.approx(1.375)
    assert b["n_eff"] == pytest.approx(2) and b["deff"] == pytest.approx(1)
    assert c["n_eff"] == 0 and np.isnan(c["deff"])  # all-zero weights: no effective base


def test_effective_base_rejects_bad_weights():
    with pytest.raises(WeightingError, match="negative"):
        effective_base([1, -1, 2])
    with pytest.raises(WeightingError, match="missing"):
        effective_base([1, np.nan, 2])
    with pytest.raises(WeightingError, match="'wt' is not in the data"):
        effective_base_by(pd.DataFrame({"g": [1]}), ["g"], "wt")


# ------------------------------------------------------------------- errors

REGION = pd.DataFrame({"region": ["North", "North", "South", "East"], "w": [1.0, 2, 1, 1]})
REGION_TARGETS = {"North": 50, "South": 30, "East": 20}


def _error(data, targets, **kwargs) -> WeightingError:
    with pytest.raises(WeightingError) as info:
        rake(data, targets, **kwargs)
    return info.value


def test_error_target_category_without_respondents():
    err = _error(REGION, {"region": {**REGION_TARGETS, "West": 10}})
    assert ("target category 'West' of variable 'region' has no respondents: "
            "remove it or merge it") in str(err)
    assert len(err.problems) == 1


def test_error_data_category_without_target():
    err = _error(REGION, {"region": {"North": 50, "South": 50}})
    assert "category 'East' of variable 'region' has 1 respondent(s) but no target" in str(err)


def test_error_missing_values_in_variable():
    df = REGION.assign(region=["North", None, "South", "East"])
    err = _error(df, {"region": REGION_TARGETS})
    assert "1 respondent(s) have no value for variable 'region'" in str(err)


def test_error_variable_column_missing():
    err = _error(REGION, {"region": REGION_TARGETS, "age": {"18-34": 1}})
    assert "variable 'age' has targets but is not a column of the data" in str(err)


@pytest.mark.parametrize(("value", "what"), [(-1.0, "is negative"), (0.0, "is zero"),
                                             (np.nan, "is missing"), ("heavy", "is not a number")])
def test_error_bad_base_weight(value, what):
    df = REGION.astype({"w": object})
    df.loc[2, "w"] = value
    err = _error(df, {"region": REGION_TARGETS}, base_weight="w")
    assert f"base weight 'w' {what}" in str(err) and "rows 2" in str(err)


def test_error_bad_base_weight_array_and_column():
    assert "base weight column 'wt' is not in the data" in str(
        _error(REGION, {"region": REGION_TARGETS}, base_weight="wt"))
    assert "3 values for 4 respondents" in str(
        _error(REGION, {"region": REGION_TARGETS}, base_weight=np.ones(3)))


def test_error_negative_target():
    err = _error(REGION, {"region": {"North": 50, "South": -30, "East": 20}})
    assert "the target of category 'South' of variable 'region' is negative" in str(err)


def test_all_problems_reported_at_once():
    df = REGION.assign(age=["old", "young", "old", "young"])
    err = _error(df, {"region": {"North": 50, "South": -1, "East": 20, "West": 5},
                      "age": {"old": 1}, "income": {"high": 1}})
    text = str(err)
    assert len(err.problems) == 4
    for needle in ("'South' of variable 'region' is negative", "'West' of variable 'region'",
                   "'young' of variable 'age'", "variable 'income'"):
        assert needle in text


def test_error_totals_differ():
    err = _error(REGION, {"region": REGION_TARGETS, "w": {1.0: 60, 2.0: 30}})
    assert "different population totals" in str(err) and "'w' 90" in str(err)


def test_error_no_convergence_names_worst_cell():
    df = pd.DataFrame({"a": list("xxxyyy"), "b": list("ppqpqq")})
    err = _error(df, {"b": {"p": 5, "q": 4}, "a": {"x": 6, "y": 3}}, cap=None, max_iter=2)
    assert "did not converge within 2 iterations" in str(err)
    assert "largest relative margin error" in str(err) and "variable 'b', category" in str(err)


def test_error_margins_that_cannot_be_met_together():
    # Everyone in x is also in p: x = 80% of the population cannot fit in p = 50%.
    df = pd.DataFrame({"a": list("xxyy"), "b": list("ppqp")})
    err = _error(df, {"a": {"x": 0.8, "y": 0.2}, "b": {"p": 0.5, "q": 0.5}}, max_iter=200)
    assert "Cannot rake" in str(err) and "largest relative margin error" in str(err)


def test_error_bad_settings():
    err = _error(REGION, {"region": REGION_TARGETS}, scale="sum1", cap=0.5)
    expected = "The 'scale' setting of rake() must be one of 'mean1', 'targets'. Got 'sum1'."
    assert expected in str(err)
    assert "The 'cap' setting of rake()" in str(err) and len(err.problems) == 2
