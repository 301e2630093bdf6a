"""Tests of txscore.stats.reliability against psych (SAQ), pingouin, sklearn and hand arithmetic."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from txscore.errors import InputDataError, ParameterError, TxscoreWarning
from txscore.stats.reliability import (
    ITEM_FLAGS,
    NOTES,
    VERDICTS,
    cronbach_alpha,
    item_statistics,
    omega_total,
    reliability,
    reliability_from_moments,
)

REFERENCE = Path(__file__).resolve().parent / "reference"
VALIDATION = Path(__file__).resolve().parent / "data" / "validation"
SAQ_ITEMS = [f"Question_{i:02d}" for i in (1, 4, 5, 6, 7, 8, 10)]


@pytest.fixture(scope="module")
def saq() -> pd.DataFrame:
    path = VALIDATION / "spss" / "SAQ.sav"
    import pyreadstat
    data, _ = pyreadstat.read_sav(path)  # declared user-missing codes (9) become NaN
    raw, meta = pyreadstat.read_sav(path, user_missing=True)
    # 9 is declared user-missing on every item (not only Question_01), yet no 9 occurs:
    # all 2,571 respondents are complete cases, as in the published psych run.
    assert meta.missing_ranges["Question_01"] == [{"lo": 9.0, "hi": 9.0}]
    assert not (raw[SAQ_ITEMS] == 9).any().any()
    assert data[SAQ_ITEMS].notna().all().all()
    return data


def hand_data() -> pd.DataFrame:
    return pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 3], "q3": [2, 3, 3, 5, 4]})


def one_factor_data(rng, n, loadings, noise_items=0) -> pd.DataFrame:
    f = rng.standard_normal(n)
    cols = {f"i{j}": lam * f + np.sqrt(1 - lam**2) * rng.standard_normal(n)
            for j, lam in enumerate(loadings)}
    cols.update({f"noise{j}": rng.standard_normal(n) for j in range(noise_items)})
    return pd.DataFrame(cols)


# --- published psych values (SAQ) ------------------------------------------------------------


def test_saq_matches_psych(saq):
    # R: psych::alpha(saq[, c(1, 4, 5, 6, 7, 8, 10)])  (JASP Verification Project)
    res = cronbach_alpha(saq, SAQ_ITEMS)
    assert res["n_items"] == 7 and res["n_complete"] == 2571
    assert res["alpha"] == pytest.approx(0.7573813, abs=1e-6)
    assert res["std_alpha"] == pytest.approx(0.757503, abs=1e-6)
    assert res["average_r"] == pytest.approx(0.3085574, abs=1e-6)
    ref = pd.read_csv(REFERENCE / "saq_psych_alpha.csv")
    items = item_statistics(saq, SAQ_ITEMS)
    assert items["item"].tolist() == ref["item"].tolist()
    np.testing.assert_allclose(items["item_rest_r"], ref["r_drop"], atol=1e-6, rtol=0)
    np.testing.assert_allclose(items["alpha_if_deleted"], ref["raw_alpha_if_dropped"],
                               atol=1e-6, rtol=0)
    assert (items["n"] == 2571).all() and (items["flags"] == "").all()
    # psych's sum-score mean 17.55115 is the sum of the item means
    assert items["mean"].sum() == pytest.approx(17.55115, abs=1e-5)
    # Kaiser's rule is liberal: the 2nd eigenvalue of these 7 items is 1.015
    assert (res["verdict"], res["notes"]) == ("ok", "two_dimensional(1.02)")


# --- pingouin (independent program) ----------------------------------------------------------


def test_alpha_and_ci_match_pingouin(saq):
    import pingouin as pg
    ours = cronbach_alpha(saq, SAQ_ITEMS)
    alpha, ci = pg.cronbach_alpha(saq[SAQ_ITEMS])
    assert ours["alpha"] == pytest.approx(alpha, abs=1e-12)
    # no row dropped: same n, so the intervals agree to pingouin's 3-decimal rounding
    assert abs(ours["ci_low"] - ci[0]) <= 5e-4 + 1e-12
    assert abs(ours["ci_high"] - ci[1]) <= 5e-4 + 1e-12


def test_listwise_and_pairwise_match_pingouin_with_missing_rows():
    import pingouin as pg
    from scipy.stats import f

    rng = np.random.default_rng(1)
    data = one_factor_data(rng, 120, [0.7, 0.6, 0.5, 0.65]).round(1)
    data.iloc[rng.choice(120, 15, replace=False), rng.integers(0, 4, 15)] = np.nan
    n_complete = int(data.notna().all(axis=1).sum())
    res = cronbach_alpha(data)
    assert res["alpha"] == pytest.approx(pg.cronbach_alpha(data, nan_policy="listwise")[0],
                                         abs=1e-12)
    # our Feldt interval uses the complete cases (pingouin: all 120 rows), unrounded
    df1, df2 = n_complete - 1, (n_complete - 1) * 3
    assert res["n_complete"] == n_complete < 120
    assert res["ci_low"] == pytest.approx(1 - (1 - res["alpha"]) * f.ppf(0.975, df1, df2),
                                          abs=1e-12)
    assert res["ci_high"] == pytest.approx(1 - (1 - res["alpha"]) * f.ppf(0.025, df1, df2),
                                           abs=1e-12)
    pair = cronbach_alpha(data, nan_policy="pairwise")
    assert pair["alpha"] == pytest.approx(pg.cronbach_alpha(data)[0], abs=1e-12)
    r = data.corr().to_numpy()  # pairwise correlations, as psych's use="pairwise"
    assert pair["average_r"] == pytest.approx(r[np.tril_indices(4, -1)].mean(), abs=1e-12)


# --- arithmetic by hand ----------------------------------------------------------------------


def test_hand_worked_example():
    # q1 = 1..5: mean 3, squares of deviations 4+1+0+1+4 = 10, var 10/4 = 2.5
    # q2 = 2,2,4,4,3: mean 3, squares 1+1+1+1+0 = 4, var 1.0
    # q3 = 2,3,3,5,4: mean 3.4, squares 1.96+.16+.16+2.56+.36 = 5.2, var 1.3
    # total = 5,7,10,13,12: mean 9.4, squares 19.36+5.76+.36+12.96+6.76 = 45.2, var 11.3
    # alpha = 3/2 * (1 - (2.5 + 1.0 + 1.3) / 11.3) = 1.5 * 6.5 / 11.3 = 195/226
    res = cronbach_alpha(hand_data())
    assert res["alpha"] == pytest.approx(195 / 226, abs=1e-14)
    assert res["n_complete"] == 5 and res["verdict"] == "ok"
    items = item_statistics(hand_data())
    # without q3: cov(q1, q2) = (2 + 1 + 0 + 1 + 0)/4 = 1.0, var(q1 + q2) = 2.5 + 1 + 2 = 5.5,
    # alpha = 2 * (1 - 3.5/5.5) = 8/11; rest of q3 = 3,4,7,8,8 (mean 6), cov with q3 =
    # (4.2 + .8 - .4 + 3.2 + 1.2)/4 = 2.25, item-rest r = 2.25 / sqrt(1.3 * 5.5)
    assert items["alpha_if_deleted"].iloc[2] == pytest.approx(8 / 11, abs=1e-14)
    assert items["item_rest_r"].iloc[2] == pytest.approx(2.25 / np.sqrt(1.3 * 5.5), abs=1e-14)
    # without q2: cov(q1, q3) = 6/4 = 1.5, var = 2.5 + 1.3 + 3 = 6.8, alpha = 2 * 3/6.8
    assert items["alpha_if_deleted"].iloc[1] == pytest.approx(6 / 6.8, abs=1e-14)
    assert items["sd"].tolist() == pytest.approx(np.sqrt([2.5, 1.0, 1.3]), abs=1e-14)


def test_omega_three_items_closed_form():
    # three items: the one-factor model is just identified, lambda_1^2 = r12 * r13 / r23
    r = hand_data().corr().to_numpy()
    l1 = np.sqrt(r[0, 1] * r[0, 2] / r[1, 2])
    lam = np.array([l1, r[0, 1] / l1, r[0, 2] / l1])
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam**2))
    assert omega_total(hand_data()) == pytest.approx(expected, abs=1e-8)
    # two items: equal loadings, omega = standardised alpha (Spearman-Brown)
    two = cronbach_alpha(hand_data(), ["q1", "q3"])
    assert two["omega_total"] == pytest.approx(two["std_alpha"], abs=1e-8)


def test_omega_against_independent_fits(saq):
    from scipy.optimize import minimize
    from sklearn.decomposition import FactorAnalysis

    ours = omega_total(saq, SAQ_ITEMS)
    # minres = minimise the squared off-diagonal residuals, here by a generic optimiser
    r = saq[SAQ_ITEMS].corr().to_numpy()
    upper = np.triu_indices(7, 1)
    fit = minimize(lambda lam: np.sum((r - np.outer(lam, lam))[upper] ** 2), np.full(7, 0.5),
                   method="BFGS", options={"gtol": 1e-10})
    lam = fit.x
    assert ours == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam**2)),
                                 abs=1e-6)
    # maximum likelihood (sklearn) on standardised complete cases: a different estimator
    z = saq[SAQ_ITEMS].to_numpy()
    z = (z - z.mean(axis=0)) / z.std(axis=0)
    lam = np.abs(FactorAnalysis(n_components=1, random_state=0).fit(z).components_[0])
    assert ours == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam**2)),
                                 abs=1e-2)
    assert ours == pytest.approx(0.76018, abs=1e-5)


# --- weights ---------------------------------------------------------------------------------


def test_integer_weights_act_like_duplicated_rows_in_ratio():
    """Weights are sampling weights: duplicating rows reproduces every scale-free statistic;
    only the n / (n - 1) correction of the item SDs counts respondents, not weight units."""
    rng = np.random.default_rng(7)
    data = one_factor_data(rng, 60, [0.8, 0.6, 0.5, 0.3]).round(2)
    data.iloc[[3, 10, 20], [0, 2, 3]] = np.nan
    w = rng.integers(1, 5, 60)
    dup = data.loc[data.index.repeat(w)].reset_index(drop=True)
    weighted = cronbach_alpha(data, weights=w)
    copied = cronbach_alpha(dup)
    for field in ["alpha", "std_alpha", "average_r", "omega_total", "first_eigen_share"]:
        assert weighted[field] == pytest.approx(copied[field], abs=1e-12)
    cols = ["mean", "item_rest_r", "alpha_if_deleted"]
    ours = item_statistics(data, weights=w)
    theirs = item_statistics(dup)
    np.testing.assert_allclose(ours[cols], theirs[cols], atol=1e-12, rtol=0)
    n = int(data.notna().all(axis=1).sum())
    big_n = int(w[data.notna().all(axis=1).to_numpy()].sum())
    factor = np.sqrt((n / (n - 1)) / (big_n / (big_n - 1)))
    np.testing.assert_allclose(ours["sd"], theirs["sd"] * factor, rtol=1e-12)


@pytest.mark.parametrize("nan_policy", ["listwise", "pairwise"])
def test_weights_matter_only_in_ratio(nan_policy):
    rng = np.random.default_rng(8)
    data = one_factor_data(rng, 40, [0.8, 0.6, 0.5]).round(2)
    data.iloc[[1, 7], [0, 2]] = np.nan
    w = rng.uniform(0.2, 3, 40)
    a = cronbach_alpha(data, weights=w, nan_policy=nan_policy)
    b = cronbach_alpha(data, weights=w * 0.01, nan_policy=nan_policy)  # sum < 1: still fine
    for field in ["alpha", "ci_low", "ci_high", "std_alpha", "omega_total"]:
        assert a[field] == pytest.approx(b[field], rel=1e-12)
    np.testing.assert_allclose(item_statistics(data, weights=w, nan_policy=nan_policy)["sd"],
                               item_statistics(data, weights=w * 1e3, nan_policy=nan_policy)
                               ["sd"], rtol=1e-12)
    ones = cronbach_alpha(data, weights=np.ones(40), nan_policy=nan_policy)
    plain = cronbach_alpha(data, nan_policy=nan_policy)
    assert ones["alpha"] == pytest.approx(plain["alpha"], abs=1e-14)


def test_unit_weights_equal_unweighted_and_weight_column():
    data = hand_data().assign(w=1.0)
    unweighted = cronbach_alpha(data, ["q1", "q2", "q3"])
    pd.testing.assert_series_equal(cronbach_alpha(data, ["q1", "q2", "q3"], weights="w"),
                                   unweighted)
    pd.testing.assert_series_equal(cronbach_alpha(data, weights="w"), unweighted)
    pd.testing.assert_frame_equal(item_statistics(data, ["q1", "q2", "q3"], weights=data["w"]),
                                  item_statistics(data, ["q1", "q2", "q3"]))


def test_weighted_interval_uses_kish_base():
    from scipy.stats import f

    rng = np.random.default_rng(3)
    data = one_factor_data(rng, 80, [0.7, 0.7, 0.6])
    w = rng.uniform(0.5, 2.0, 80)
    res = cronbach_alpha(data, weights=w)
    n_eff = w.sum() ** 2 / (w**2).sum()
    assert res["ci_low"] == pytest.approx(
        1 - (1 - res["alpha"]) * f.ppf(0.975, n_eff - 1, 2 * (n_eff - 1)), abs=1e-12)


def test_weight_series_aligns_on_index():
    data = hand_data()
    w = pd.Series([1.0, 2.0, 1.0, 3.0, 1.0], index=data.index)
    expected = cronbach_alpha(data, weights=w)
    pd.testing.assert_series_equal(cronbach_alpha(data, weights=w.iloc[::-1]), expected)
    with pytest.raises(InputDataError, match="weight"):
        cronbach_alpha(data, weights=w.iloc[:4])  # respondent 4 has no weight


@pytest.mark.parametrize("bad", [np.nan, 0.0, -1.0])
def test_bad_weights_are_errors(bad):
    w = np.ones(5)
    w[2] = bad
    with pytest.raises(InputDataError, match="weight"):
        cronbach_alpha(hand_data(), weights=w)


# --- verdicts --------------------------------------------------------------------------------


def test_weak_item_is_flagged():
    rng = np.random.default_rng(11)
    data = one_factor_data(rng, 400, [0.75, 0.7, 0.7, 0.65], noise_items=1)
    res = cronbach_alpha(data)
    assert res["notes"].startswith("low_item_rest:noise0(0.30);raises_alpha:noise0(+0.")
    items = item_statistics(data).set_index("item")
    assert items.loc["noise0", "flags"].startswith("low_item_rest(0.30);raises_alpha(+0.")
    assert (items.drop("noise0")["flags"] == "").all()


def test_reversed_item_is_named():
    data = hand_data().assign(q2=lambda d: 6 - d["q2"])
    flags = item_statistics(data).set_index("item")["flags"]
    assert flags["q2"].startswith("low_item_rest(0.30);negative_item_rest(-0.")
    assert flags["q2"].split(";")[2].startswith("raises_alpha(+")


def test_redundant_items():
    rng = np.random.default_rng(5)
    data = one_factor_data(rng, 300, [0.99, 0.99, 0.98])
    res = cronbach_alpha(data)
    assert res["alpha"] > 0.95 and res["verdict"] == "redundant"


def test_two_dimensional_construct():
    rng = np.random.default_rng(2)
    data = pd.concat([one_factor_data(rng, 500, [0.8, 0.8, 0.8]).add_prefix("a_"),
                      one_factor_data(rng, 500, [0.8, 0.8, 0.8]).add_prefix("b_")], axis=1)
    res = cronbach_alpha(data)
    assert res["notes"].split(";")[-1].startswith("two_dimensional(")
    assert res["first_eigen_share"] < 0.5
    assert "two_dimensional" not in cronbach_alpha(data.filter(like="a_"))["notes"]


def test_bands_and_thresholds_are_keywords():
    res = cronbach_alpha(hand_data(), ok_min=0.9)  # alpha .863
    assert res["verdict"] == "questionable"
    assert cronbach_alpha(hand_data(), ok_min=0.9, questionable_min=0.87)["verdict"] == "poor"
    res = cronbach_alpha(hand_data(), max_alpha_gain=0.01)  # deleting q2 gives +0.0195
    assert (res["verdict"], res["notes"]) == ("ok", "raises_alpha:q2(+0.020)")


# --- edge cases and invariance ---------------------------------------------------------------


def test_too_few_cases_is_a_row_not_a_crash():
    data = hand_data().astype(float)
    data.iloc[:3, 0] = np.nan
    res = cronbach_alpha(data)
    assert res["verdict"] == "too_few_cases" and res["n_complete"] == 2
    assert np.isnan(res[["alpha", "ci_low", "omega_total"]].astype(float)).all()
    assert np.isnan(omega_total(data))
    assert (item_statistics(data)["flags"] == "too_few_cases").all()


def test_fewer_than_two_items_is_an_error():
    with pytest.raises(InputDataError, match="at least 2 items"):
        cronbach_alpha(hand_data(), ["q1"])
    with pytest.raises(InputDataError, match="'ease' needs at least 2 items"):
        reliability(hand_data(), {"ease": ["q1"]})
    with pytest.raises(InputDataError, match="at least 2 items"):
        cronbach_alpha(hand_data(), "q1")  # a string is one item, not the items q and 1
    with pytest.raises(InputDataError, match="'nope' is not in the data"):
        cronbach_alpha(hand_data(), ["q1", "nope"])
    with pytest.raises(ParameterError, match="'nan_policy' setting must be one of "
                       "'listwise', 'pairwise'. Got 'drop'."):
        cronbach_alpha(hand_data(), nan_policy="drop")
    with pytest.raises(ParameterError, match="'confidence' setting must be a number greater "
                       "than 0.5 and less than 1. Got 95."):
        cronbach_alpha(hand_data(), confidence=95)


def test_alpha_invariant_to_item_order():
    rng = np.random.default_rng(9)
    data = one_factor_data(rng, 200, [0.8, 0.5, 0.6, 0.7, 0.4])
    forward = cronbach_alpha(data)
    backward = cronbach_alpha(data, list(data.columns[::-1]))
    for field in ["alpha", "ci_low", "std_alpha", "omega_total", "first_eigen_share"]:
        assert forward[field] == pytest.approx(backward[field], abs=1e-12)


def test_nullable_integers_and_reliability_table():
    data = hand_data().astype("Int64")
    data.loc[5] = [pd.NA, 3, 4]
    with warnings.catch_warnings():
        warnings.simplefilter("error", TxscoreWarning)
        table = reliability(data, {"ease": ["q1", "q2", "q3"], "pair": ["q1", "q3"]})
    assert table.columns.tolist() == [
        "construct", "n_items", "n_complete", "alpha", "ci_low", "ci_high", "std_alpha",
        "average_r", "omega_total", "first_eigen_share", "verdict", "notes",
        "nan_policy", "n_interval"]
    assert table["construct"].tolist() == ["ease", "pair"]
    assert table.loc[0, "alpha"] == pytest.approx(195 / 226, abs=1e-14)
    assert table["n_complete"].tolist() == [5, 5]


def test_constant_item_warns():
    data = hand_data().assign(q3=3)
    with pytest.warns(TxscoreWarning, match="without variance"):
        res = cronbach_alpha(data)
    assert res["verdict"] in ("poor", "questionable", "ok", "redundant")


def test_module_imports_stay_light():
    code = ("import sys, txscore.stats.reliability; "
            "print(sorted(m for m in ('pingouin', 'sklearn', 'scipy.stats') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"


# --- from moments ----------------------------------------------------------------------------


def test_moments_give_the_row_statistics_whatever_the_centre():
    # the sums scoring accumulates chunk by chunk (about the scale midpoints) give what the
    # rows give; weights only in ratio (x 10 changes nothing)
    rng = np.random.default_rng(21)
    data = one_factor_data(rng, 300, [0.8, 0.6, 0.5, 0.2])
    w = rng.uniform(0.5, 2.0, len(data))
    x = data.to_numpy()
    for centre in (0.0, 3.0, x.mean(axis=0)):
        u = x - centre
        stats, items = reliability_from_moments(
            len(x), 10 * w.sum(), 100 * w @ w, 10 * w @ u, 10 * (u * w[:, None]).T @ u,
            items=list(data), centre=centre)
        expected = cronbach_alpha(data, weights=w)
        nums = [f for f in expected.index if f not in ("verdict", "notes")]
        np.testing.assert_allclose(stats[nums].to_numpy(float),
                                   expected[nums].to_numpy(float), rtol=1e-10)
        assert (stats["verdict"], stats["notes"]) == (expected["verdict"], expected["notes"])
        pd.testing.assert_frame_equal(items, item_statistics(data, weights=w), rtol=1e-10)


def test_every_code_is_declared():
    rng = np.random.default_rng(11)
    data = one_factor_data(rng, 400, [0.75, 0.7, 0.7, 0.65], noise_items=1)
    res = cronbach_alpha(data.assign(noise0=-data["i0"]))
    assert res["verdict"] in VERDICTS
    for note in res["notes"].split(";"):
        assert note.split(":")[0].split("(")[0] in NOTES
    for flags in item_statistics(data.assign(noise0=-data["i0"]))["flags"]:
        assert all(f.split("(")[0] in ITEM_FLAGS for f in flags.split(";") if f)
