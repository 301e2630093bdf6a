"""Weighting: raking (txscore.stats.weighting, checked against R survey::rake), Kish's n_eff,
the [weighting] table of a spec (txscore.study.parse_weighting) and the weighting of the
scored rows (txscore.ingest.weights.apply_weighting)."""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import txscore.study.weighting as spec_weighting
from txscore.errors import TxscoreWarning, WeightingError
from txscore.ingest.weights import apply_weighting
from txscore.stats import weighting as raking
from txscore.stats.weighting import (
    RakeLocations,
    RakeResult,
    design_effect,
    effective_base,
    effective_base_by,
    rake,
)
from txscore.study import WeightingSettings, parse_weighting

API = Path(__file__).resolve().parent / "data" / "validation" / "weighting"
API_TARGETS = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5122}}


def _rake_quietly(*args, **kwargs) -> RakeResult:
    with warnings.catch_warnings():
        warnings.simplefilter("error", TxscoreWarning)  # these cases must not warn
        return rake(*args, **kwargs)


# ------------------------------------------------------------------- R survey reference

@pytest.fixture(scope="module")
def apiclus1() -> pd.DataFrame:
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
    err = _error(REGION, {"region": REGION_TARGETS}, scale="sum1", cap=0.5, max_iter=0)
    assert [p.message for p in err.problems] == [
        "The 'scale' setting of rake() must be one of 'mean1', 'targets'. Got 'sum1'.",
        "The 'cap' setting of rake() must be a number greater than 1. Got 0.5.",
        "The 'max_iter' setting of rake() must be a whole number at least 1. Got 0."]
    assert all(p.where == "rake()" and p.fix.startswith("pass ") for p in err.problems)


def test_rake_names_the_places_it_is_given():
    # How txscore.load locates raking problems: the spec table and the file rows.
    df = REGION.assign(source_row=[2, 3, 4, 5])
    at = RakeLocations("study.toml [weighting.targets.all]",
                       lambda v: f"study.toml [weighting.targets.all] {v}",
                       lambda mask, col: f"c.csv, rows {df['source_row'][mask].tolist()}, "
                                         f"column {col!r}")
    with pytest.raises(WeightingError) as info:
        rake(df, {"region": {"North": 50, "South": 50}}, locations=at)
    [problem] = info.value.problems
    assert problem.where == ("study.toml [weighting.targets.all] region; c.csv, rows [5], "
                             "column 'region'")


def test_the_spec_and_raking_read_shares_alike():
    assert spec_weighting.SHARE_TOLERANCE == raking.SHARE_TOLERANCE
    assert spec_weighting.TOTAL_TOLERANCE == raking.TOTAL_TOLERANCE


def test_spreadsheet_floats_match_toml_string_keys():
    # Excel stores the code 1 as 1.0; the spec's TOML key is the string "1".
    df = pd.DataFrame({"age_group": [1.0, 1.0, 2.0, 3.0]})
    res = _rake_quietly(df, {"age_group": {"1": 0.5, "2": 0.25, "3": 0.25}})
    np.testing.assert_allclose(res.weights, 1.0)


# ------------------------------------------------------------------- [weighting] spec parser

SPEC = """
[weighting]
method = "rake"
cap = 4
[weighting.targets.customer]
region = { North = 0.3, South = 0.3, East = 0.2, West = 0.2 }
age_group = { "18-34" = 300, "35-54" = 400, "55+" = 300 }
[weighting.targets.all]
region = { North = 0.25, South = 0.25, East = 0.25, West = 0.25 }
[weighting.targets.customer.waves."2026 Q2"]
region = { North = 0.5, South = 0.5 }
"""


def _parse(raw, **kwargs):
    return parse_weighting(raw, where="study.toml [weighting]", **kwargs)


def test_parse_weighting_reads_the_toml_example():
    settings, problems = _parse(tomllib.loads(SPEC)["weighting"], segments=["region", "age_group"],
                                weight_column=None, waves=["2026 Q1", "2026 Q2"])
    assert problems == []
    assert (settings.method, settings.cap, settings.max_iter, settings.scale) == (
        "rake", 4.0, 1000, "mean1")
    assert settings.by_wave and settings.base_weight is None
    assert settings.targets[("customer", None)]["age_group"] == {
        "18-34": 300.0, "35-54": 400.0, "55+": 300.0}
    assert set(settings.targets) == {("customer", None), ("all", None), ("customer", "2026 Q2")}
    # The most specific table wins, as a whole.
    assert settings.targets_for("customer", "2026 Q2") == (
        'targets.customer.waves."2026 Q2"', {"region": {"North": 0.5, "South": 0.5}})
    assert settings.targets_for("customer", "2026 Q1")[0] == "targets.customer"
    assert settings.targets_for("non_customer", "2026 Q2")[0] == "targets.all"
    assert WeightingSettings("rake", targets={("customer", None): {}}).targets_for(
        "non_customer", "W1") is None


def test_parse_weighting_defaults():
    assert _parse({})[0] == WeightingSettings()  # no table, no weight column: unweighted
    assert _parse(None, segments=[], weight_column="wt")[0].method == "column"
    settings, problems = _parse({"targets": {"all": {"r": {"a": 0.5, "b": 0.5}}}})
    assert settings.method == "rake" and settings.cap == 5.0 and problems == []
    settings, problems = _parse({"cap": False, "targets": {"all": {"r": {"a": 1, "b": 3}}}})
    assert settings.cap is None and problems == []
    # base_weight naming the [columns] weight column reads the respondent table's "weight".
    settings, problems = _parse({"base_weight": "design_wt", "targets": {"all": {"r": {"a": 1}}}},
                                segments=["r"], weight_column="design_wt")
    assert settings.base_weight == "weight" and problems == []


def test_parse_weighting_collects_every_problem():
    raw = {
        "methd": "rake", "cap": 1, "max_iter": 0, "tol": "small", "scale": "sum1",
        "targets": {
            "custmer": {"region": {"North": 1}},
            "customer": {
                "region": {"North": 0.3, "South": 0.3, "East": 0.2},      # sums to 0.8
                "age_group": {"young": "thirty", "old": -5, "mid": 0},  # 3 bad values
                "regoin": {"North": 1},                                 # not a segment
            },
            "non_customer": {
                "region": {"North": 300, "South": 700},                 # total 1000
                "age_group": {"young": 400, "old": 500},                # total 900
                "waves": {"2026 Q3": {"region": {"North": 0.5, "South": 0.5}}},
            },
        },
    }
    settings, problems = _parse(raw, segments=["region", "age_group"], weight_column=None,
                                waves=["2026 Q1", "2026 Q2"])
    text = "\n".join(map(str, problems))
    expected = [
        "study.toml [weighting]: unknown key 'methd'. Fix: did you mean 'method'?",
        "The 'cap' setting of [weighting] must be a number greater than 1. Got 1.",
        "The 'max_iter' setting of [weighting] must be a whole number at least 1. Got 0.",
        "The 'tol' setting of [weighting] must be a number greater than 0 and less than 0.01. "
        "Got 'small'.",
        "The 'scale' setting of [weighting] must be one of 'mean1', 'targets'. Got 'sum1'.",
        "study.toml [weighting.targets.custmer]: unknown population 'custmer'. Fix: did you "
        "mean 'customer'?",
        "study.toml [weighting.targets.customer] region: the shares of variable 'region' sum to "
        "0.8, not 1",
        "the target of category 'young' of variable 'age_group' is not a number (got 'thirty')",
        "the target of category 'old' of variable 'age_group' is negative (-5)",
        "the target of category 'mid' of variable 'age_group' is zero (0)",
        "study.toml [weighting.targets.customer] regoin: variable 'regoin' is not a segment "
        "column. Fix: did you mean 'region'?",
        "study.toml [weighting.targets.non_customer]: the count targets imply different "
        "population totals: region 1000, age_group 900",
        "study.toml [weighting.targets.non_customer.waves.\"2026 Q3\"]: wave '2026 Q3' is not a "
        "wave of the study's sources. Fix: did you mean '2026 Q2'?",
    ]
    for needle in expected:
        assert needle in text, needle
    assert len(problems) == len(expected)
    # Wrong values fall back to their defaults; the good targets are kept.
    assert (settings.cap, settings.max_iter, settings.scale) == (5.0, 1000, "mean1")
    assert settings.targets[("non_customer", "2026 Q3")] == {"region": {"North": 0.5,
                                                                        "South": 0.5}}


@pytest.mark.parametrize(("raw", "kwargs", "needle"), [
    ({"method": "rake"}, {}, "method is 'rake' but there are no targets"),
    ({"method": "none", "targets": {"all": {"r": {"a": 1}}}}, {},
     "targets are used only when raking (method is 'none')"),
    ({"method": "column"}, {"segments": []}, "method is 'column' but [columns] has no weight"),
    ({"method": "colum"}, {}, "Got 'colum'. Fix: did you mean 'column'?"),
    ({"base_weight": "pw", "targets": {"all": {"r": {"a": 1}}}}, {"segments": ["r"]},
     "base_weight 'pw' is neither the [columns] weight column (None) nor a segment"),
    ({"by_wave": False, "targets": {"all": {"waves": {"W2": {"r": {"a": 1}}}}}}, {},
     "wave targets need by_wave = true"),
    ({"targets": {"all": {"r": [0.5, 0.5]}}}, {}, "must be a table of category = share"),
    ({"targets": {"all": {}}}, {}, "the targets table is empty"),
    ({"cap": True, "targets": {"all": {"r": {"a": 1}}}}, {},
     "The 'cap' setting of [weighting] must be a number greater than 1. Got True."),
    ({"by_wave": "yes"}, {}, "The 'by_wave' setting of [weighting] must be true or false."),
])
def test_parse_weighting_single_problems(raw, kwargs, needle):
    problems = _parse(raw, **kwargs)[1]
    assert len(problems) == 1 and needle in str(problems[0])


# ------------------------------------------------------------------- apply_weighting

def _respondents(seed: int = 3) -> pd.DataFrame:
    """Customers and non-customers in two waves, as txscore.load returns them."""
    rng = np.random.default_rng(seed)
    parts = []
    for pop, wave, n, p_north in [("customer", "W1", 300, 0.6), ("customer", "W2", 250, 0.4),
                                  ("non_customer", "W1", 200, 0.5),
                                  ("non_customer", "W2", 220, 0.7)]:
        parts.append(pd.DataFrame({
            "respondent_id": [f"{pop[0]}{wave}-{i}" for i in range(n)],
            "population": pop, "wave": wave, "brand": rng.choice(["A", "B"], n),
            "source_file": f"{pop}_{wave}.csv", "source_sheet": "",
            "source_row": np.arange(2, n + 2), "weight": rng.uniform(0.5, 1.5, n),
            "region": rng.choice(["North", "South"], n, p=[p_north, 1 - p_north]),
            "age_group": rng.choice(["18-34", "35-54", "55+"], n, p=[0.5, 0.3, 0.2]),
        }))
    return pd.concat(parts, ignore_index=True)


def _apply(data, raw, **kwargs):
    settings, problems = parse_weighting(raw)
    assert problems == []
    with warnings.catch_warnings():
        warnings.simplefilter("error", TxscoreWarning)
        return apply_weighting(data, settings, variables_where="study.toml [weighting]", **kwargs)


def _shares(data, weights, keys, variable):
    w = pd.Series(weights, index=data.index)
    sums = w.groupby([data[k] for k in [*keys, variable]]).sum()
    return sums / sums.groupby(level=list(range(len(keys)))).transform("sum")


def test_apply_weighting_meets_each_populations_margins():
    data = _respondents()
    raw = {"targets": {
        "customer": {"region": {"North": 0.3, "South": 0.7},
                     "age_group": {"18-34": 300, "35-54": 400, "55+": 300}},
        "all": {"region": {"North": 0.5, "South": 0.5}}}}
    weights, report = _apply(data, raw)
    keys = ["population", "wave"]
    region = _shares(data, weights, keys, "region")
    age = _shares(data, weights, keys, "age_group")
    for wave in ("W1", "W2"):
        assert region[("customer", wave, "North")] == pytest.approx(0.3, rel=1e-9)
        assert region[("non_customer", wave, "North")] == pytest.approx(0.5, rel=1e-9)
        assert age[("customer", wave, "35-54")] == pytest.approx(0.4, rel=1e-9)
    # Non-customers are raked on region only: within a region their design weights are
    # untouched, whatever their age (the customers' age targets do not leak into them).
    nc = data[data["population"] == "non_customer"]
    ratio = weights[nc.index] / nc["weight"].to_numpy()
    assert not np.allclose(ratio, 1.0)  # they were not simply copied
    spread = pd.Series(weights[nc.index]).groupby([nc["wave"].to_numpy(),
                                                   nc["region"].to_numpy()]).nunique()
    assert (spread == 1).all()  # no base weight: everyone in a region and wave weighs the same
    # Mean 1 in every population x wave; the report repeats the group's statistics.
    means = pd.Series(weights).groupby([data["population"], data["wave"]]).mean()
    np.testing.assert_allclose(means, 1.0, rtol=1e-12)
    assert list(report.columns) == ["population", "wave", "variable", "category", "target",
                                    "achieved", "unweighted_n", "difference", "converged",
                                    "iterations", "n", "n_eff", "deff", "min_weight",
                                    "max_weight", "capped"]
    assert len(report) == 2 * (2 + 3) + 2 * 2 and report["converged"].all()
    np.testing.assert_allclose(report["achieved"], report["target"], rtol=1e-9)
    row = report.query("population == 'customer' and wave == 'W2' and category == '55+'")
    assert row["target"].item() == pytest.approx(0.3 * 250)  # mean-1 scale: share x n
    assert row["unweighted_n"].item() == ((data["population"] == "customer")
                                          & (data["wave"] == "W2")
                                          & (data["age_group"] == "55+")).sum()
    by = effective_base_by(data.assign(w=weights), ["population", "wave"], "w")
    checked = report.drop_duplicates(["population", "wave"]).merge(by, on=keys)
    np.testing.assert_allclose(checked["n_eff_x"], checked["n_eff_y"], rtol=1e-12)
    np.testing.assert_allclose(checked["deff_x"], checked["deff_y"], rtol=1e-12)


def test_apply_weighting_closed_form_and_base_weight():
    # One customer per cell of a 2 x 2 table: w_ij = n * share_i * share_j (mean-1 scale).
    data = pd.DataFrame({"population": "customer", "wave": "W1", "weight": [2.0, 1, 1, 1],
                         "a": list("xxyy"), "b": list("pqpq")})
    raw = {"targets": {"customer": {"a": {"x": 0.6, "y": 0.4}, "b": {"p": 0.5, "q": 0.5}}}}
    weights, _ = _apply(data, raw)
    np.testing.assert_allclose(weights, 4 * np.array([0.3, 0.3, 0.2, 0.2]), rtol=1e-12)
    # From a base weight the raking solution keeps w = base * u_a * v_b: (x,p) 2u_x v_p,
    # (x,q) u_x v_q, (y,p) u_y v_p, (y,q) u_y v_q. Same result as rake() on its own.
    weights, report = _apply(data, {**raw, "base_weight": "weight", "cap": False})
    direct = _rake_quietly(data, raw["targets"]["customer"], base_weight="weight", cap=None)
    np.testing.assert_allclose(weights, direct.weights, rtol=1e-12)
    assert weights[0] / weights[1] == pytest.approx(2 * direct.weights[2] / direct.weights[3])


def test_apply_weighting_reproduces_r_survey_rake(apiclus1):
    # The R reference again, now from a spec: 183 schools as one population and wave.
    raw = tomllib.loads("""
        base_weight = "pw"
        cap = false
        scale = "targets"
        [targets.all]
        stype = { E = 4421, H = 755, M = 1018 }
        "sch.wide" = { No = 1072, Yes = 5122 }
    """)
    data = apiclus1.assign(population="customer", wave="2000", weight=1.0)
    weights, report = _apply(data, raw)
    assert report["converged"].all() and report["n"].eq(183).all()
    for variable, targets in API_TARGETS.items():
        achieved = pd.Series(weights).groupby(apiclus1[variable]).sum()
        for category, target in targets.items():
            assert achieved[category] == pytest.approx(target, rel=1e-9)
    assert abs(np.average(apiclus1["api00"], weights=weights) - 641.23) < 0.005
    assert abs(np.dot(weights, apiclus1["enroll"]) - 3647280) < 0.5
    # On the mean-1 scale the weighted mean is the same; the weights sum to n.
    mean1, _ = _apply(data, {**raw, "scale": "mean1"})
    assert mean1.sum() == pytest.approx(183)
    assert np.average(apiclus1["api00"], weights=mean1) == pytest.approx(
        np.average(apiclus1["api00"], weights=weights), rel=1e-12)


def test_apply_weighting_is_deterministic_and_follows_rows():
    data = _respondents()
    raw = {"cap": 3, "targets": {"all": {"region": {"North": 0.3, "South": 0.7},
                                         "age_group": {"18-34": 1, "35-54": 1, "55+": 2}}}}
    one, report_one = _apply(data, raw)
    two, report_two = _apply(data, raw)
    assert np.array_equal(one, two)
    pd.testing.assert_frame_equal(report_one, report_two)
    shuffled = data.sample(frac=1, random_state=1)
    three, _ = _apply(shuffled, raw)
    np.testing.assert_allclose(pd.Series(three, index=shuffled.index).sort_index(), one,
                               rtol=1e-10)


def test_apply_weighting_by_wave_or_pooled():
    data = _respondents()
    raw = {"targets": {"customer": {"region": {"North": 0.5, "South": 0.5}}}}
    customers = data[data["population"] == "customer"]
    per_wave, _ = _apply(customers, raw)
    pooled, report = _apply(customers, {**raw, "by_wave": False})
    region_per_wave = _shares(customers, per_wave, ["wave"], "region")
    region_pooled = _shares(customers, pooled, ["wave"], "region")
    # Per wave (the default), each wave meets the target; pooled, only the two together do:
    # wave W1 has 60% North in the sample, W2 40%, and that difference survives pooling.
    np.testing.assert_allclose(region_per_wave.xs("North", level=-1), 0.5, rtol=1e-9)
    assert region_pooled[("W1", "North")] > 0.5 > region_pooled[("W2", "North")]
    assert _shares(customers.assign(all=1), pooled, ["all"], "region")[(1, "North")] == \
        pytest.approx(0.5, rel=1e-9)
    assert report["wave"].isna().all() and report["n"].eq(len(customers)).all()


def test_apply_weighting_counts_a_respondent_once_across_brands():
    # A brand loop: respondent r1 rated three brands, r2 two, r3..r4 one each.
    data = pd.DataFrame({
        "respondent_id": ["r1", "r1", "r1", "r2", "r2", "r3", "r4"],
        "population": "non_customer", "wave": "W1", "brand": list("ABCABAB"), "weight": 1.0,
        "region": ["N", "N", "N", "S", "S", "N", "S"]})
    weights, report = _apply(data, {"targets": {"all": {"region": {"N": 0.25, "S": 0.75}}}})
    # Four people, two in N: each N person weighs 4 * 0.25 / 2 = 0.5, each S person 1.5,
    # on every one of their rows (rows are not people).
    np.testing.assert_allclose(weights, [0.5, 0.5, 0.5, 1.5, 1.5, 0.5, 1.5])
    assert report["n"].eq(4).all()
    # Rows without an id are each a respondent: r3 and r4 lose their ids, nothing changes.
    anonymous = data.assign(respondent_id=["r1", "r1", "r1", "r2", "r2", None, None])
    np.testing.assert_allclose(_apply(anonymous, {"targets": {"all": {"region": {
        "N": 0.25, "S": 0.75}}}})[0], weights)
    bad = data.assign(region=["N", "S", "N", "S", "S", "N", "S"],
                      source_file="nc.csv", source_sheet="", source_row=range(2, 9))
    settings, _ = parse_weighting({"targets": {"all": {"region": {"N": 0.25, "S": 0.75}}}})
    with pytest.raises(WeightingError) as info:
        apply_weighting(bad, settings)
    assert ("population 'non_customer', wave 'W1': 1 respondent(s) have different values of "
            "'region' on their rows") in str(info.value)
    assert "nc.csv, rows 2, 3, 4, column 'region'" in str(info.value)


def test_apply_weighting_population_without_targets_keeps_its_base_weights():
    data = _respondents()
    raw = {"base_weight": "weight", "targets": {"customer": {"region": {"North": 0.5,
                                                                         "South": 0.5}}}}
    weights, report = _apply(data, raw)
    nc = (data["population"] == "non_customer").to_numpy()
    for wave in ("W1", "W2"):
        sel = nc & (data["wave"] == wave).to_numpy()
        base = data.loc[sel, "weight"].to_numpy()
        np.testing.assert_allclose(weights[sel], base / base.mean(), rtol=1e-12)
    plain = report[report["population"] == "non_customer"]
    assert len(plain) == 2 and plain["variable"].isna().all() and plain["converged"].isna().all()


def test_apply_weighting_column_and_none():
    data = _respondents()
    weights, report = _apply(data, {"method": "column"})
    np.testing.assert_array_equal(weights, data["weight"])
    expected = effective_base_by(data, ["population", "wave"], "weight")
    np.testing.assert_allclose(report["n_eff"], expected["n_eff"], rtol=1e-12)
    assert report["n"].tolist() == expected["n"].tolist() and report["variable"].isna().all()
    weights, report = _apply(data, {"method": "none"})
    assert (weights == 1).all() and (report["deff"] == 1).all()


def test_apply_weighting_error_names_population_wave_variable_and_category():
    data = _respondents()
    settings, _ = parse_weighting({"targets": {
        "customer": {"region": {"North": 0.3, "Soth": 0.7}},
        "non_customer": {"region": {"North": 0.3, "South": 0.6, "East": 0.1}}}})
    with pytest.raises(WeightingError) as info:
        apply_weighting(data, settings, variables_where="study.toml [weighting]")
    text = str(info.value)
    for wave in ("W1", "W2"):
        assert (f"study.toml [weighting.targets.customer] region: population 'customer', wave "
                f"'{wave}': target category 'Soth' of variable 'region' has no respondents"
                ) in text
        assert (f"population 'customer', wave '{wave}': category 'South' of variable 'region' "
                "has") in text
        assert (f"study.toml [weighting.targets.non_customer] region: population "
                f"'non_customer', wave '{wave}': target category 'East' of variable 'region' "
                "has no respondents") in text
    assert "Fix: did you mean 'Soth'?" in text and "Fix: did you mean 'South'?" in text
    south = data[(data["population"] == "customer") & (data["wave"] == "W1")
                 & (data["region"] == "South")]
    rows = ", ".join(map(str, south["source_row"].head(5)))  # as the user sees them in the file
    assert f"customer_W1.csv, rows {rows} and {len(south) - 5} more, column 'region'" in text
    assert len(info.value.problems) == 6


def test_apply_weighting_unreachable_targets_and_cap():
    # Everyone in x is also in p: x = 80% cannot fit inside p = 50%.
    data = pd.DataFrame({"population": "customer", "wave": "W1", "weight": 1.0,
                         "a": list("xxyy"), "b": list("ppqp")})
    settings, _ = parse_weighting({"max_iter": 200, "targets": {"all": {
        "a": {"x": 0.8, "y": 0.2}, "b": {"p": 0.5, "q": 0.5}}}})
    with pytest.raises(WeightingError, match=r"population 'customer', wave 'W1': cannot rake: "
                       r"(the margins cannot all be met|raking did not converge).*largest "
                       r"relative margin error .* \(variable '[ab]', category '[xypq]'\)"):
        apply_weighting(data, settings)
    # A cap that makes the targets unreachable only warns, naming the group.
    survey = _survey().assign(population="customer", wave="W1", weight=1.0)
    settings, _ = parse_weighting({"base_weight": "design", "cap": 2, "targets": {"all": {
        "region": {"North": 0.2, "South": 0.2, "East": 0.2, "West": 0.4}}}})
    with pytest.warns(TxscoreWarning, match=r"population 'customer', wave 'W1': With cap=2 .*"
                      r"category 'West'"):
        weights, report = apply_weighting(survey, settings)
    assert not report["converged"].any() and (report["capped"] > 0).all()
    assert weights.max() / weights.mean() <= 2 + 1e-9


# ---------------------------------------------------------------------- through the spec
def test_spec_weighting_rakes_the_scored_customers_to_the_targets(tmp_path):
    from conftest import make_study

    import txscore as tx

    # 6 North, 2 South customers; targets 50/50: North rows weigh 2/3, South rows 2
    cust = pd.DataFrame({"region": ["North"] * 6 + ["South"] * 2,
                         "eff_1": [5, 5, 5, 5, 5, 5, 1, 1]})
    path = make_study(tmp_path, cust, columns={"segments": ["region"]},
                      weighting={"method": "rake", "targets": {
                          "customer": {"region": {"North": 0.5, "South": 0.5}}}})
    responses = tx.load(tx.read_study(path))
    w = responses.data.set_index("respondent_id")["weight"]
    assert w[[f"c{i}" for i in range(1, 7)]].tolist() == pytest.approx([2 / 3] * 6)
    assert w[["c7", "c8"]].tolist() == pytest.approx([2.0, 2.0])
    report = responses.weighting
    assert set(report["category"]) == {"North", "South"}
    assert report["achieved"].tolist() == pytest.approx(report["target"].tolist())
    result = tx.score(responses)
    eff = result.scores.query("measure == 'effectiveness' and brand == 'A'").iloc[0]
    assert eff["value"] == pytest.approx(50.0)  # 100 * (0.5 * 4 + 0.5 * 0) / 4
    n_eff = (6 * 2 / 3 + 2 * 2) ** 2 / (6 * (2 / 3) ** 2 + 2 * 4)
    assert eff["n_eff"] == pytest.approx(n_eff)


def test_spec_weighting_target_for_a_category_not_in_the_data_is_a_clear_error(tmp_path):
    from conftest import make_study

    import txscore as tx

    cust = pd.DataFrame({"region": ["North", "South"], "eff_1": [5, 1]})
    path = make_study(tmp_path, cust, columns={"segments": ["region"]},
                      weighting={"targets": {"all": {"region": {
                          "North": 0.4, "South": 0.4, "East": 0.2}}}})
    with pytest.raises(tx.TxscoreError) as err:
        tx.load(tx.read_study(path))
    text = str(err.value) + " ".join(str(p) for p in err.value.problems)
    assert "East" in text and "region" in text


def test_spec_weighting_unknown_key_is_a_spec_error(tmp_path):
    from conftest import make_study

    import txscore as tx

    path = make_study(tmp_path, pd.DataFrame({"eff_1": [5, 1]}), weighting={"cpa": 3})
    with pytest.raises(tx.StudySpecError, match="cap"):
        tx.read_study(path)


def test_methodology_sheet_states_the_raking(tmp_path):
    import datetime as dt

    from conftest import make_study

    import txscore as tx
    from txscore.reporting.methodology import methodology_rows

    cust = pd.DataFrame({"region": ["North"] * 6 + ["South"] * 2, "eff_1": [5] * 6 + [1] * 2})
    path = make_study(tmp_path, cust, columns={"segments": ["region"]},
                      weighting={"cap": 4, "targets": {
                          "customer": {"region": {"North": 0.5, "South": 0.5}}}})
    result = tx.score(tx.load(tx.read_study(path)))
    rows = dict(methodology_rows(result, dt.datetime(2026, 1, 1))[0][1])
    text = rows["Weighting"]
    assert "raking" in text and "North 0.5" in text and "4.0 × the mean" in text
    assert "1 of 1 groups converged" in text and "weights 0.67 to 2.00" in text
