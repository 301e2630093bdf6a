"""Scores worked out by hand: items, CX / BX / C / N / TX, weights, grid, bases, bootstrap.

Each tiny study is written by ``conftest.make_study`` (5-point agreement items, one per CX
dimension, loyalty outcome and BX pillar; item columns a test does not give are filled
with 3).  On a 5-point scale ``score100 = 100 (mean - 1) / 4 = 25 (mean - 1)``, the top box
is 4-5 and the bottom box 1-2 (methodology.md, "Scales and item scores").

The last section scores the sample study (surveys/sample) once and checks that txscore
recovers what its generator built in (surveys/sample/truth.json).
"""

from __future__ import annotations

import json
import math
import re
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import make_study, pick, private_copy, run

import txscore as tx
from txscore.stats.drivers import driver_importance
from txscore.stats.inference import FLAGS

SAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "sample"
Z95 = 1.959963984540054  # two-sided 95% normal quantile

# Tiny studies have constant filler items (all 3): reliability says "no variance".
pytestmark = [pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning"),
              pytest.mark.filterwarnings("ignore::RuntimeWarning")]


def s100(mean: float) -> float:
    """score100 of a 5-point mean."""
    return 100 * (mean - 1) / 4


# ---------------------------------------------------------------------- 1-3 item scores
def test_item_scores_unweighted_brand_and_total(tmp_path):
    # Brand A answers eff_1 = [5, 4, 4, 2, 1]; brand B answers [3, 3].
    cust = pd.DataFrame({"brand": ["A"] * 5 + ["B"] * 2, "eff_1": [5, 4, 4, 2, 1, 3, 3]})
    result = run(make_study(tmp_path, cust))
    items = result.items
    expected_cols = ["population", "wave", "brand", "item", "n", "n_eff", "mean", "score100",
                     "top_box", "bottom_box", "net", "ci_low", "ci_high"]
    assert set(expected_cols) <= set(items.columns)

    a = pick(items, population="customer", brand="A", item="eff_1")
    # mean = (5 + 4 + 4 + 2 + 1) / 5 = 16 / 5 = 3.2
    # score100 = 100 * (3.2 - 1) / 4 = 55.0
    # top box (4-5): 5, 4, 4 -> 3/5 = 60%; bottom box (1-2): 2, 1 -> 2/5 = 40%; net = 20
    assert (a.n, a.n_eff) == (5, 5.0)
    assert a["mean"] == pytest.approx(3.2)
    assert a.score100 == pytest.approx(55.0)
    assert a.top_box == pytest.approx(60.0)
    assert a.bottom_box == pytest.approx(40.0)
    assert a.net == pytest.approx(20.0)
    # Linearised SE of a mean: se^2 = n/(n-1) * sum (x - mean)^2 / n^2
    #   deviations 1.8, .8, .8, -1.2, -2.2 -> squares 3.24 + .64 + .64 + 1.44 + 4.84 = 10.8
    #   se^2 = 5/4 * 10.8 / 25 = 0.54; on the 0-100 scale se = 25 * sqrt(.54) = 18.3712
    se = 25 * math.sqrt(0.54)
    assert a.ci_low == pytest.approx(55.0 - Z95 * se)
    assert a.ci_high == pytest.approx(55.0 + Z95 * se)

    total = pick(items, population="customer", brand="All brands", item="eff_1")
    # All brands pools both: [5, 4, 4, 2, 1, 3, 3] -> mean 22/7
    #   score100 = 100 * (22/7 - 1) / 4 = 100 * 15/28 = 53.5714
    #   top box 3/7, bottom box 2/7, net = 100/7 = 14.2857
    assert total.n == 7
    assert total["mean"] == pytest.approx(22 / 7)
    assert total.score100 == pytest.approx(1500 / 28)
    assert total.top_box == pytest.approx(300 / 7)
    assert total.bottom_box == pytest.approx(200 / 7)
    assert total.net == pytest.approx(100 / 7)


def test_item_scores_weighted(tmp_path):
    # eff_1 = [5, 4, 4, 2, 1] with weights [2, 1, 1, 1, 1]
    cust = pd.DataFrame({"eff_1": [5, 4, 4, 2, 1], "weight": [2.0, 1, 1, 1, 1]})
    a = pick(run(make_study(tmp_path, cust)).items, brand="A", item="eff_1")
    # sum w = 6; sum w x = 10 + 4 + 4 + 2 + 1 = 21 -> mean 21/6 = 3.5
    # score100 = 100 * 2.5 / 4 = 62.5
    # top box (5, 4, 4) weight 2 + 1 + 1 = 4 -> 4/6 = 66.67%; bottom (2, 1) 2/6 = 33.33%
    # net = 66.67 - 33.33 = 33.33
    # n_eff = (sum w)^2 / sum w^2 = 36 / (4 + 1 + 1 + 1 + 1) = 4.5
    assert a.n == 5
    assert a.n_eff == pytest.approx(4.5)
    assert a["mean"] == pytest.approx(3.5)
    assert a.score100 == pytest.approx(62.5)
    assert a.top_box == pytest.approx(400 / 6)
    assert a.bottom_box == pytest.approx(200 / 6)
    assert a.net == pytest.approx(200 / 6)
    # weighted linearised SE: n/(n-1) * sum w^2 (x - mean)^2 / (sum w)^2
    #   w^2 (x - 3.5)^2: 4 * 2.25 + .25 + .25 + 2.25 + 6.25 = 18; 5/4 * 18/36 = .625
    #   se = 25 * sqrt(.625) = 19.764; interval 62.5 -/+ 1.96 * 19.764, clipped to 0..100
    se = 25 * math.sqrt(0.625)
    assert a.se == pytest.approx(se)
    assert a.ci_low == pytest.approx(62.5 - Z95 * se)
    assert a.ci_high == 100.0  # 62.5 + 38.7 = 101.2 is clipped


def test_item_scores_on_a_7_point_scale(tmp_path):
    # eff_1 on the 7-point scale: [7, 6, 5, 4, 1]
    cust = pd.DataFrame({"eff_1": [7, 6, 5, 4, 1]})
    path = make_study(tmp_path, cust, items={"eff_1": {"scale": "agree7"}})
    a = pick(run(path).items, brand="A", item="eff_1")
    # mean = 23 / 5 = 4.6; score100 = 100 * (4.6 - 1) / 6 = 60
    # top box 6-7: 7, 6 -> 40%; bottom box 1-3: 1 -> 20%; net = 20
    assert a["mean"] == pytest.approx(4.6)
    assert a.score100 == pytest.approx(60.0)
    assert (a.top_box, a.bottom_box, a.net) == pytest.approx((40.0, 20.0, 20.0))


def test_missing_codes_are_excluded_labels_map_and_reversed_items_recode(tmp_path):
    cust = pd.DataFrame({
        # 5, "  strongly AGREE " -> 5, 99 and "Don't know" (any case) -> missing, blank ->
        # missing, "disagree" -> 2.  Valid answers: 5, 5, 2.
        "eff_1": [5, "  strongly AGREE ", 99, "Don't know", "don't KNOW ", None, "disagree"],
        # reversed: x -> 5 + 1 - x, so [1, 2, 3, 4, 5, 1, 2] scores as [5, 4, 3, 2, 1, 5, 4]
        "ease_1": [1, 2, 3, 4, 5, 1, 2],
    })
    path = make_study(tmp_path, cust, items={"ease_1": {"reversed": True}})
    result = run(path)
    eff = pick(result.items, brand="A", item="eff_1")
    # base is 3 answers, not 7: mean (5 + 5 + 2) / 3 = 4 -> score100 75 (zeros would give
    # (5 + 5 + 0 + 0 + 0 + 0 + 2) / 7 = 1.71 instead)
    assert eff.n == 3
    assert eff["mean"] == pytest.approx(4.0)
    assert eff.score100 == pytest.approx(75.0)
    assert eff.top_box == pytest.approx(200 / 3)  # 5, 5 of 3
    assert eff.bottom_box == pytest.approx(100 / 3)  # 2 of 3
    ease = pick(result.items, brand="A", item="ease_1")
    # recoded [5, 4, 3, 2, 1, 5, 4]: sum 24, mean 24/7; top box 5, 4, 5, 4 -> 4/7;
    # bottom box 2, 1 -> 2/7
    assert ease.n == 7
    assert ease["mean"] == pytest.approx(24 / 7)
    assert ease.top_box == pytest.approx(400 / 7)
    assert ease.bottom_box == pytest.approx(200 / 7)
    # the scored data carries the recoded values and missing (not 0, not 99)
    data = tx.load(tx.read_study(path)).data
    assert data["ease_1"].tolist() == [5, 4, 3, 2, 1, 5, 4]
    assert data["eff_1"].isna().tolist() == [False, False, True, True, True, True, False]
    assert not data["eff_1"].isin([0, 99]).any()


def test_bootstrap_zero_gives_point_estimates_with_nan_intervals(tmp_path):
    cust = pd.DataFrame({"eff_1": [5, 4, 4, 2, 1]})
    result = run(make_study(tmp_path, cust, report={"bootstrap": 0}))
    cx = pick(result.scores, measure="cx", brand="A")
    # equal weights: (55 + 50 + 50) / 3 = 51.667
    assert cx.value == pytest.approx(155 / 3)
    assert math.isnan(cx.ci_low) and math.isnan(cx.ci_high)
    assert result.cx_weights["ci_low"].isna().all()


# ---------------------------------------------------------------------- 4 CX, BX, C, N, TX
# Brand A, four customers and two non-customers, every answer on the 5-point scale.
HAND_CUSTOMERS = pd.DataFrame({
    "eff_1": [5, 4, 3, 4],  # mean 4   -> 75
    "ease_1": [2, 3, 4, 3],  # mean 3   -> 50
    "emo_1": [5, 5, 4, 4],  # mean 4.5 -> 87.5
    "sal_1": [2, 2, 2, 2],  # mean 2   -> 25
    "fit_1": [3, 3, 3, 3],  # mean 3   -> 50
    "trust_1": [5, 4, 5, 4],  # mean 4.5 -> 87.5
})
HAND_NON_CUSTOMERS = pd.DataFrame({
    "sal_1": [1, 3],  # mean 2 -> 25
    "fit_1": [2, 2],  # mean 2 -> 25
    "trust_1": [3, 5],  # mean 4 -> 75
})
CX_EQUAL = (75 + 50 + 87.5) / 3  # = 425/6 = 70.8333
BX_CUSTOMERS = (25 + 50 + 87.5) / 3  # = 325/6 = 54.1667
BX_NON_CUSTOMERS = (25 + 25 + 75) / 3  # = 250/6 = 41.6667


@pytest.mark.parametrize(("lam", "share"), [(0.5, 0.5), (0.3, 0.4)])
def test_cx_bx_c_n_tx_by_hand(tmp_path, lam, share):
    path = make_study(tmp_path, HAND_CUSTOMERS, HAND_NON_CUSTOMERS,
                      index={"lambda": lam, "share_non_customer": share})
    scores = run(path).scores

    def value(measure: str, population: str) -> float:
        return pick(scores, measure=measure, population=population, brand="A").value

    # CX (equal) = mean of the dimension score100s = (75 + 50 + 87.5) / 3 = 70.8333
    assert value("effectiveness", "customer") == pytest.approx(75.0, abs=1e-9)
    assert value("ease", "customer") == pytest.approx(50.0, abs=1e-9)
    assert value("emotion", "customer") == pytest.approx(87.5, abs=1e-9)
    assert value("cx", "customer") == pytest.approx(CX_EQUAL, abs=1e-9)
    # BX customers = (25 + 50 + 87.5) / 3 = 54.1667; non-customers (25 + 25 + 75) / 3 = 41.67
    assert value("bx_customers", "customer") == pytest.approx(BX_CUSTOMERS, abs=1e-9)
    assert value("bx_non_customers", "non_customer") == pytest.approx(BX_NON_CUSTOMERS,
                                                                       abs=1e-9)
    # gap = 54.1667 - 41.6667 = 12.5
    assert value("bx_gap", "all") == pytest.approx(12.5, abs=1e-9)
    # lambda .5: C = .5 * 70.8333 + .5 * 54.1667 = 62.5
    # lambda .3: C = .3 * 70.8333 + .7 * 54.1667 = 21.25 + 37.9167 = 59.1667
    c = lam * CX_EQUAL + (1 - lam) * BX_CUSTOMERS
    assert c == pytest.approx({0.5: 62.5, 0.3: 355 / 6}[lam])
    assert value("customer_score", "customer") == pytest.approx(c, abs=1e-9)
    # N = BX_non_customers
    assert value("non_customer_score", "non_customer") == pytest.approx(BX_NON_CUSTOMERS,
                                                                         abs=1e-9)
    # share .5: TX = .5 * 41.6667 + .5 * 62.5 = 52.0833
    # share .4: TX = .4 * 41.6667 + .6 * 59.1667 = 16.6667 + 35.5 = 52.1667
    t = share * BX_NON_CUSTOMERS + (1 - share) * c
    assert t == pytest.approx({0.5: 625 / 12, 0.4: 313 / 6}[share])
    assert value("tx", "all") == pytest.approx(t, abs=1e-9)

    tx_row = pick(scores, measure="tx", brand="A")
    assert (tx_row.n, tx_row.n_eff) == (4 + 2, 6.0)
    cx_row = pick(scores, measure="cx", brand="A")
    assert (cx_row.n, cx_row.n_eff, cx_row.flag) == (4, 4.0, "ok")
    # bands: >= 80 excellent, >= 70 good, >= 60 okay, >= 50 poor
    assert cx_row.band == "good"  # 70.83
    assert pick(scores, measure="customer_score", brand="A").band == (
        "okay" if lam == 0.5 else "poor")  # 62.5 / 59.17
    expected = ["measure", "population", "wave", "brand", "value", "ci_low", "ci_high", "n",
                "n_eff", "flag", "band"]
    assert set(expected) <= set(scores.columns)


def test_classic_net_is_the_mean_of_dimension_nets(tmp_path):
    path = make_study(tmp_path, HAND_CUSTOMERS, HAND_NON_CUSTOMERS,
                      index={"cx_method": "classic_net"})
    result = run(path)
    # net = % 4-5 minus % 1-2 on 5 points:
    #   effectiveness [5, 4, 3, 4]: 3/4 top, 0 bottom -> 75
    #   ease          [2, 3, 4, 3]: 1/4 top, 1/4 bottom -> 0
    #   emotion       [5, 5, 4, 4]: 4/4 top, 0 bottom -> 100
    # classic net = (75 + 0 + 100) / 3 = 58.3333
    cx = pick(result.scores, measure="cx", brand="A")
    assert cx.value == pytest.approx(175 / 3, abs=1e-9)
    comparator = pick(result.scores, measure="cx_classic_net", brand="A")
    assert comparator.value == pytest.approx(175 / 3, abs=1e-9)
    assert cx.band == ""  # a -100..100 net is not banded like a 0-100 index


def test_classic_net_comparator_is_reported_with_the_equal_method_too(tmp_path):
    scores = run(make_study(tmp_path, HAND_CUSTOMERS, HAND_NON_CUSTOMERS)).scores
    assert pick(scores, measure="cx_classic_net", brand="A").value == pytest.approx(175 / 3)
    assert pick(scores, measure="cx", brand="A").value == pytest.approx(CX_EQUAL)


def test_a_score_of_exactly_50_is_banded_poor(tmp_path):
    # every BX pillar 3 -> 50: BX_customers = (50 + 50 + 50) / 3 = 50, band "poor" (>= 50)
    cust = pd.DataFrame({"sal_1": [3, 3], "fit_1": [3, 3], "trust_1": [3, 3]})
    row = pick(run(make_study(tmp_path, cust)).scores, measure="bx_customers", brand="A")
    assert row.value == pytest.approx(50.0, abs=1e-9)
    assert row.band == "poor"


# ---------------------------------------------------------------------- 5 loyalty weights
def loyalty_customers(n: int = 80, seed: int = 5) -> pd.DataFrame:
    """Customers of two brands whose loyalty depends on emotion > effectiveness > ease."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))

    def code(v: np.ndarray) -> np.ndarray:
        return np.clip(np.round(3 + 1.1 * v), 1, 5).astype(int)

    frame = pd.DataFrame({"brand": np.where(np.arange(n) < n // 2, "A", "B")})
    for j, col in enumerate(["eff_1", "ease_1", "emo_1"]):
        frame[col] = code(latent[:, j])
    loyalty = latent @ [0.5, 0.2, 0.8] + 0.6 * rng.normal(size=n)
    for col in ["ret_1", "enr_1", "adv_1"]:
        frame[col] = code(0.8 * loyalty + 0.5 * rng.normal(size=n))
    frame["weight"] = np.round(rng.uniform(0.5, 2.0, n), 2)
    return frame


def johnson_weights(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights, normalised to sum to 1, computed directly.

    R_xx = V diag(l) V';  Lambda = V diag(sqrt l) V'  (the orthogonal counterpart of X);
    beta = Lambda^-1 r_xy;  eps_j = sum_k Lambda_jk^2 beta_k^2  (sum_j eps_j = R^2).
    """
    cov = np.cov(np.column_stack([X, y]).T, aweights=w)
    sd = np.sqrt(np.diag(cov))
    r = cov / np.outer(sd, sd)
    p = X.shape[1]
    eigval, eigvec = np.linalg.eigh(r[:p, :p])
    lam = eigvec @ np.diag(np.sqrt(eigval)) @ eigvec.T
    beta = np.linalg.solve(lam, r[:p, p])
    eps = (lam**2) @ beta**2
    return eps / eps.sum()


def test_loyalty_weighted_cx_uses_johnsons_relative_weights(tmp_path):
    cust = loyalty_customers()
    path = make_study(tmp_path, cust, index={"cx_method": "loyalty_weighted",
                                             "min_customers_for_weights": 80})
    result = run(path)
    weights = result.cx_weights.set_index("dimension")
    assert list(weights.index) == ["effectiveness", "ease", "emotion"]
    assert (weights["method"] == "loyalty_weighted").all()

    # respondent-level dimension scores (one item each) and the loyalty composite (mean of
    # the three loyalty items), all as score100 = 25 (x - 1); weighted by the weight column
    X = 25 * (cust[["eff_1", "ease_1", "emo_1"]].to_numpy(float) - 1)
    y = 25 * (cust[["ret_1", "enr_1", "adv_1"]].to_numpy(float) - 1).mean(axis=1)
    w = cust["weight"].to_numpy(float)
    expected = johnson_weights(X, y, w)
    np.testing.assert_allclose(weights["weight"].to_numpy(), expected, atol=1e-9)
    assert weights["weight"].sum() == pytest.approx(1.0)
    # and the same through the driver module (R: rwa::rwa)
    frame = pd.DataFrame(X, columns=["effectiveness", "ease", "emotion"]).assign(loyalty=y)
    rw = driver_importance(frame, "loyalty", ["effectiveness", "ease", "emotion"],
                           weights=w, n_boot=0)
    np.testing.assert_allclose(weights["weight"].to_numpy(), rw["importance"] / 100,
                               atol=1e-9)
    # built in: emotion > effectiveness > ease
    assert weights["weight"].idxmax() == "emotion"
    assert weights["weight"].idxmin() == "ease"

    # CX = sum_q w_q S_q in every cell, with the same (pooled) weights for both brands
    for brand in ["A", "B", "All brands"]:
        s = [pick(result.scores, measure=d, brand=brand).value for d in weights.index]
        cx = pick(result.scores, measure="cx", brand=brand).value
        assert cx == pytest.approx(float(np.dot(weights["weight"], s)), abs=1e-9)


def test_fewer_customers_than_min_customers_for_weights_falls_back_to_equal(tmp_path):
    cust = loyalty_customers()  # 80 customers, one short of 81
    path = make_study(tmp_path, cust, index={"cx_method": "loyalty_weighted",
                                             "min_customers_for_weights": 81})
    result = run(path)
    weights = result.cx_weights
    np.testing.assert_allclose(weights["weight"], [1 / 3] * 3)
    assert weights[["method", "note"]].drop_duplicates().values.tolist() == [
        ["equal", "too_few_customers"]]
    s = [pick(result.scores, measure=d, brand="A").value
         for d in ["effectiveness", "ease", "emotion"]]
    assert pick(result.scores, measure="cx", brand="A").value == pytest.approx(sum(s) / 3)


def test_loyalty_composite_is_the_mean_of_the_loyalty_items(tmp_path):
    # retention has two items (ret_1, ret_2), enrichment and advocacy one each: the item mean
    # (ret_1 + ret_2 + enr_1 + adv_1) / 4 weighs retention 2/4, the construct mean 1/3
    cust = loyalty_customers()
    rng = np.random.default_rng(9)
    cust["ret_2"] = np.clip(cust["ret_1"] + rng.integers(-1, 2, len(cust)), 1, 5)
    path = make_study(tmp_path, cust,
                      index={"cx_method": "loyalty_weighted", "min_customers_for_weights": 80},
                      items={"ret_2": {"construct": "retention", "scale": "agree5"}})
    weights = run(path).cx_weights["weight"].to_numpy()
    X = 25 * (cust[["eff_1", "ease_1", "emo_1"]].to_numpy(float) - 1)
    y = 25 * (cust[["ret_1", "ret_2", "enr_1", "adv_1"]].to_numpy(float) - 1).mean(axis=1)
    np.testing.assert_allclose(weights, johnson_weights(X, y, cust["weight"].to_numpy(float)),
                               atol=1e-9)


# ---------------------------------------------------------------------- 6 growth grid
def test_growth_grid_quadrants(tmp_path):
    # Every respondent gives one answer to all items, so C and N are easy to read:
    #   customers      A: 5, 4 -> 87.5   B: 4, 4 -> 75    C: 2, 2 -> 25    D: 1, 2 -> 12.5
    #   non-customers  A: 4, 4 -> 75     B: 1, 2 -> 12.5  C: 5, 4 -> 87.5  D: 2, 2 -> 25
    # (with every construct at the same score100, CX = BX = C, and N = BX_non_customers)
    # peer C = (87.5 + 75 + 25 + 12.5) / 4 = 50; peer N = (75 + 12.5 + 87.5 + 25) / 4 = 50
    #   A: C 87.5 > 50, N 75 > 50     -> Leading
    #   B: C 75 > 50,   N 12.5 < 50   -> Plateauing
    #   C: C 25 < 50,   N 87.5 > 50   -> Churning
    #   D: C 12.5 < 50, N 25 < 50     -> Lagging
    brands = ["A", "A", "B", "B", "C", "C", "D", "D"]
    c_answers = [5, 4, 4, 4, 2, 2, 1, 2]
    n_answers = [4, 4, 1, 2, 5, 4, 2, 2]
    cust = pd.DataFrame({"brand": brands, **{col: c_answers for col in
                                             ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1",
                                              "adv_1", "sal_1", "fit_1", "trust_1"]}})
    non = pd.DataFrame({"brand": brands, **{col: n_answers for col in
                                            ["sal_1", "fit_1", "trust_1"]}})
    grid = run(make_study(tmp_path, cust, non, report={"peer_min_base": 2})).grid
    grid = grid.set_index("brand")
    assert grid.loc[["A", "B", "C", "D"], "customer_score"].tolist() == pytest.approx(
        [87.5, 75, 25, 12.5])
    assert grid.loc[["A", "B", "C", "D"], "non_customer_score"].tolist() == pytest.approx(
        [75, 12.5, 87.5, 25])
    assert grid["peer_customer"].tolist() == pytest.approx([50.0] * 4)
    assert grid["peer_non_customer"].tolist() == pytest.approx([50.0] * 4)
    assert grid["quadrant"].to_dict() == {"A": "Leading", "B": "Plateauing", "C": "Churning",
                                          "D": "Lagging"}
    assert grid["in_peer_average"].all()


def test_growth_grid_peer_average_only_counts_brands_with_enough_base(tmp_path):
    # Brand E has one customer and one non-customer: below peer_min_base = 2, so the peer
    # means stay those of A-D (50, 50); E is still placed: C 100 > 50, N 0 < 50 -> Plateauing
    brands = ["A", "A", "B", "B", "C", "C", "D", "D", "E"]
    c_answers = [5, 4, 4, 4, 2, 2, 1, 2, 5]
    n_answers = [4, 4, 1, 2, 5, 4, 2, 2, 1]
    cust = pd.DataFrame({"brand": brands, **{col: c_answers for col in
                                             ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1",
                                              "adv_1", "sal_1", "fit_1", "trust_1"]}})
    non = pd.DataFrame({"brand": brands, **{col: n_answers for col in
                                            ["sal_1", "fit_1", "trust_1"]}})
    grid = run(make_study(tmp_path, cust, non, report={"peer_min_base": 2})).grid
    e = pick(grid, brand="E")
    assert not e.in_peer_average
    assert (e.peer_customer, e.peer_non_customer) == pytest.approx((50.0, 50.0))
    assert e.quadrant == "Plateauing"


# ---------------------------------------------------------------------- 7 base sizes
def test_base_size_flags_and_suppression(tmp_path):
    # Unweighted, so n_eff = n.  Brand sizes on the thresholds: 29 < 30 suppressed,
    # 30 <= n < 50 low base, 50 <= n < 100 caution, 100 and more: ok.
    sizes = {"S": 29, "L": 30, "K": 50, "G": 100}
    rng = np.random.default_rng(1)
    brands = np.repeat(list(sizes), list(sizes.values()))
    cust = pd.DataFrame({"brand": brands})
    for col in ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1", "sal_1", "fit_1",
                "trust_1"]:
        cust[col] = rng.integers(1, 6, len(brands))
    non = pd.DataFrame({"brand": brands})
    for col in ["sal_1", "fit_1", "trust_1"]:
        non[col] = rng.integers(1, 6, len(brands))
    path = make_study(tmp_path, cust, non, report={
        "bootstrap": 20, "suppress_below": 30, "low_base_below": 50, "caution_below": 100,
        "peer_min_base": 50})
    result = run(path)
    expected = {"S": "suppressed", "L": "low_base", "K": "caution", "G": "ok"}

    for measure in ["cx", "bx_customers", "bx_non_customers", "tx", "effectiveness"]:
        rows = result.scores.loc[result.scores["measure"] == measure].set_index("brand")
        assert rows.loc[list(expected), "flag"].to_dict() == expected, measure
        # TX counts both populations (29 + 29, ...) and takes the worse of their two flags
        both = 2 if measure == "tx" else 1
        assert rows.loc[list(expected), "n_eff"].tolist() == pytest.approx(
            [both * n for n in sizes.values()])
        hidden = rows.loc["S", ["value", "ci_low", "ci_high"]]
        assert hidden.isna().all(), measure
        assert rows.loc["S", "band"] == ""
        shown = rows.loc[["L", "K", "G"], ["value", "ci_low", "ci_high"]]
        assert shown.notna().all().all(), measure

    items = result.items.loc[result.items["item"] == "eff_1"].set_index("brand")
    assert items.loc[list(expected), "flag"].to_dict() == expected
    numbers = ["mean", "score100", "ci_low", "ci_high", "top_box", "bottom_box", "net"]
    assert items.loc["S", numbers].isna().all()
    assert items.loc["S", "n"] == 29  # the base is shown, never the number
    assert items.loc[["L", "K", "G"], numbers].notna().all().all()

    grid = result.grid.set_index("brand")
    assert grid.loc["S", ["customer_score", "non_customer_score"]].isna().all()
    assert grid.loc["S", "quadrant"] == ""
    assert grid.loc["S", "flag"] == "suppressed"
    assert grid.loc[["L", "K", "G"], "quadrant"].ne("").all()
    # only K and G reach peer_min_base = 50
    assert grid["in_peer_average"].to_dict() == {"S": False, "L": False, "K": True,
                                                 "G": True}

    dist = result.distributions
    hidden = dist.loc[(dist["brand"] == "S") & (dist["item"] == "eff_1"), ["count", "share"]]
    assert hidden.isna().all().all()
    assert dist.loc[dist["item"] == "eff_1"].groupby("brand")["flag"].first().loc[
        list(expected)].to_dict() == expected

    # every table's flags are of the one code set
    for name in ("scores", "items", "distributions", "changes", "grid", "reliability",
                 "reliability_items"):
        assert set(getattr(result, name)["flag"]) <= set(FLAGS), name


def test_growth_grid_needs_two_peer_brands(tmp_path):
    # Only brand G reaches peer_min_base: a peer average of one brand is no benchmark, so
    # no brand gets a quadrant (and the peer means are missing, not G's own scores).
    brands = ["G"] * 4 + ["E"]
    cust = pd.DataFrame({"brand": brands, "eff_1": [5, 4, 4, 5, 1]})
    non = pd.DataFrame({"brand": brands, "sal_1": [2, 3, 2, 3, 5]})
    grid = run(make_study(tmp_path, cust, non, report={"peer_min_base": 3})).grid
    assert grid["in_peer_average"].tolist() == [False, True]  # E, G
    assert grid["quadrant"].tolist() == ["", ""]
    assert grid[["peer_customer", "peer_non_customer"]].isna().all().all()


def test_tx_flag_is_the_worse_of_customers_and_non_customers(tmp_path):
    # 60 customers (caution) but 35 non-customers (low base): TX, which uses both, is "low
    # base"; CX (customers only) is "caution"
    rng = np.random.default_rng(2)
    cust = pd.DataFrame({"eff_1": rng.integers(1, 6, 60)})
    non = pd.DataFrame({"sal_1": rng.integers(1, 6, 35)})
    path = make_study(tmp_path, cust, non, report={
        "suppress_below": 30, "low_base_below": 50, "caution_below": 100})
    scores = run(path).scores
    assert pick(scores, measure="cx", brand="A").flag == "caution"
    assert pick(scores, measure="bx_non_customers", brand="A").flag == "low_base"
    assert pick(scores, measure="tx", brand="A").flag == "low_base"


# ---------------------------------------------------------------------- 8 bootstrap
def two_wave_study(folder: Path, **overrides) -> Path:
    """Two waves x two brands x 40 weighted customers and 40 non-customers, random answers."""
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(3)
    n = 40
    cust = pd.DataFrame({"wave": np.repeat(["W1", "W2"], 2 * n),
                         "brand": np.tile(np.repeat(["A", "B"], n), 2)})
    for col in ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1", "sal_1", "fit_1",
                "trust_1"]:
        cust[col] = rng.integers(1, 6, len(cust))
    non = pd.DataFrame({"wave": np.repeat(["W1", "W2"], 2 * n),
                        "brand": np.tile(np.repeat(["A", "B"], n), 2)})
    for col in ["sal_1", "fit_1", "trust_1"]:
        non[col] = rng.integers(1, 6, len(non))
    cust["weight"] = rng.uniform(0.5, 1.5, len(cust)).round(2)
    return make_study(folder, cust, non, **overrides)


def test_bootstrap_same_seed_same_result_different_seed_different_intervals(tmp_path):
    base = {"bootstrap": 200, "seed": 11}
    first = run(two_wave_study(tmp_path / "a", report=base))
    again = run(two_wave_study(tmp_path / "b", report=base))
    other = run(two_wave_study(tmp_path / "c", report={**base, "seed": 12}))
    pd.testing.assert_frame_equal(first.scores, again.scores)
    pd.testing.assert_frame_equal(first.changes, again.changes)
    pd.testing.assert_frame_equal(first.cx_weights, again.cx_weights)
    # the point estimates do not depend on the seed, the intervals do
    np.testing.assert_allclose(first.scores["value"], other.scores["value"])
    tx_first = first.scores.loc[first.scores["measure"] == "tx", "ci_low"].to_numpy()
    tx_other = other.scores.loc[other.scores["measure"] == "tx", "ci_low"].to_numpy()
    assert np.isfinite(tx_first).all()
    assert not np.allclose(tx_first, tx_other)


def test_score_does_not_mutate_responses(tmp_path):
    path = two_wave_study(tmp_path, report={"bootstrap": 50})
    responses = tx.load(tx.read_study(path))
    data, ledger, files = (responses.data.copy(deep=True), responses.exclusions.copy(),
                           responses.files.copy())
    first = tx.score(responses)
    pd.testing.assert_frame_equal(responses.data, data)
    pd.testing.assert_frame_equal(responses.exclusions, ledger)
    pd.testing.assert_frame_equal(responses.files, files)
    # and scoring the same responses again gives the same answer (no state kept)
    pd.testing.assert_frame_equal(tx.score(responses).scores, first.scores)


# ---------------------------------------------------------------------- 9 the sample study
@pytest.fixture(scope="module")
def sample(sample_loaded):
    """The sample study, loaded (a copy of the session's shared responses) and scored once
    with its own settings (2,000 resamples)."""
    responses = private_copy(sample_loaded)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = tx.score(responses)
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    return responses, result, truth


def test_sample_every_file_reconciles_with_the_planted_mess(sample):
    responses, result, truth = sample
    files = result.files.set_index("source_file")
    assert sorted(files.index) == sorted(truth["files"])
    for name, info in truth["files"].items():
        row = files.loc[name]
        assert row.rows_in == info["rows"], name
        assert row.rows_in == row.scored + row.excluded, name
        assert bool(row.reconciles), name
        assert row.duplicate_id == len(info["duplicates"]), name
        assert row.out_of_range == len(info["out_of_range"]), name

        ledger = result.exclusions.loc[result.exclusions["source_file"] == name]
        dups = ledger.loc[ledger["reason"] == "duplicate_id"]
        # the later row is ledgered, and the detail names the row that was kept
        assert sorted(dups["source_row"]) == sorted(d["rows"][1] for d in info["duplicates"])
        for d in info["duplicates"]:
            detail = pick(dups, respondent_id=d["resp_id"]).detail
            assert detail == f"same_id_as:{name}({d['rows'][0]})"
        oor = ledger.loc[ledger["reason"] == "out_of_range"]
        assert sorted(oor["source_row"]) == sorted(o["row"] for o in info["out_of_range"])
        for o in info["out_of_range"]:
            assert pick(oor, source_row=o["row"]).detail == (
                f"outside_scale:{o['column']}({o['value']})")


def test_sample_tx_brand_order_matches_truth(sample):
    _, result, truth = sample
    s = result.scores
    for wave, info in truth["waves"].items():
        tx_rows = s.loc[(s["measure"] == "tx") & (s["wave"] == wave)
                        & (s["brand"] != "All brands")]
        order = tx_rows.sort_values("value", ascending=False)["brand"].tolist()
        assert order == info["tx_rank_order"], wave


def test_sample_improving_and_declining_brands_change_significantly(sample):
    _, result, truth = sample
    ch = result.changes
    cx = ch.loc[(ch["comparison"] == "wave") & (ch["measure"] == "cx")].set_index("brand")
    up, down = cx.loc[truth["improving_brand"]], cx.loc[truth["declining_brand"]]
    assert up.significant and up.difference > 0 and up.ci_low > 0
    assert down.significant and down.difference < 0 and down.ci_high < 0
    # truth: +5.95 and -6.20 points (noise-free, equal weights); recovered within 3 points
    assert up.difference == pytest.approx(truth["cx_change_w2"][truth["improving_brand"]],
                                          abs=3)
    assert down.difference == pytest.approx(truth["cx_change_w2"][truth["declining_brand"]],
                                            abs=3)


def test_sample_cx_weights_follow_the_loyalty_drivers(sample):
    _, result, truth = sample
    weights = result.cx_weights.set_index("dimension")["weight"]
    assert result.cx_weights["method"].eq("loyalty_weighted").all()
    order = weights.sort_values(ascending=False).index.tolist()
    assert order == truth["loyalty_driver_order"] == ["emotion", "effectiveness", "ease"]
    assert weights.sum() == pytest.approx(1.0)


def test_sample_preference_weights_follow_the_preference_drivers(sample):
    responses, _, truth = sample
    study = responses.study.with_settings(bx_method="preference_weighted", bootstrap=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = tx.score(replace(responses, study=study))
    weights = result.bx_weights.set_index("dimension")["weight"]
    assert weights.sort_values(ascending=False).index.tolist() == truth[
        "preference_driver_order"] == ["trust", "fit", "salience"]
    # BX = sum_p w_p P_p in every cell
    s = result.scores
    for pop, measure in [("customer", "bx_customers"), ("non_customer", "bx_non_customers")]:
        rows = s.loc[(s["population"] == pop) & (s["wave"] == "2026 Q1")
                     & (s["brand"] == "Northwind")]
        pillars = rows.set_index("measure").loc[list(weights.index), "value"]
        bx = rows.set_index("measure").loc[measure, "value"]
        assert bx == pytest.approx(float(np.dot(weights, pillars)), abs=1e-9)


def test_sample_weak_trust_item_is_flagged(sample):
    _, result, truth = sample
    assert truth["weak_item"] == "trust_3"
    rel_items = result.reliability_items
    trust_3 = rel_items.loc[rel_items["item"] == "trust_3"]
    assert len(trust_3) > 0
    assert trust_3["flags"].str.len().gt(0).all()
    assert trust_3["flags"].str.contains("low_item_rest").all()
    rel = result.reliability.loc[result.reliability["construct"] == "trust"]
    assert len(rel) > 0
    assert not rel["verdict"].eq("ok").any()
    assert rel["notes"].str.startswith("low_item_rest:trust_3(0.30)").all()
    others = result.reliability.loc[result.reliability["construct"] != "trust", "verdict"]
    assert others.eq("ok").all()


def test_sample_no_personal_data_in_any_result_table(sample):
    responses, result, _ = sample
    email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    tables = {name: getattr(result, name) for name in
              ["scores", "items", "distributions", "grid", "changes", "reliability",
               "reliability_items", "cx_weights", "bx_weights", "exclusions", "files"]}
    tables["responses.data"] = responses.data
    for name, table in tables.items():
        assert not any("email" in str(c).lower() for c in table.columns), name
        text = table.select_dtypes(exclude="number").astype(str)
        assert not text.apply(lambda col: col.str.contains(email)).any().any(), name


def test_summary_has_one_row_per_scored_cell(tmp_path):
    # brand B is surveyed in W1 only: the summary has W1 A, W1 B, W1 total, W2 A, W2 total
    cust = pd.DataFrame({"wave": ["W1"] * 4 + ["W2"] * 2, "brand": ["A", "A", "B", "B", "A", "A"],
                         "eff_1": [5, 4, 3, 2, 5, 5]})
    non = pd.DataFrame({"wave": ["W1", "W2"], "brand": ["A", "A"], "sal_1": [1, 3]})
    summary = run(make_study(tmp_path, cust, non)).summary()
    assert sorted(map(tuple, summary[["wave", "brand"]].values.tolist())) == [
        ("W1", "A"), ("W1", "All brands"), ("W1", "B"), ("W2", "A"), ("W2", "All brands")]


# ---------------------------------------------------------------------- NPS, deff, BH
def _nps_study(tmp_path, cust, **overrides):
    spec = {
        "scales": {"nps11": {"points": 11, "min": 0, "max": 10,
                             "labels": {0: "Not at all likely", 10: "Extremely likely"},
                             "top_box": [9, 10], "bottom_box": [0, 1, 2, 3, 4, 5, 6]}},
        "constructs": {"recommend": {"populations": ["customer"]}},
        "items": {"recommend": {"construct": "recommend", "scale": "nps11"}},
        "index": {"nps_item": "recommend"},
    }
    for key, value in overrides.items():
        spec[key] = {**spec.get(key, {}), **value}
    return make_study(tmp_path, cust, **spec)


def test_nps_index_by_hand_with_adjusted_wald_interval(tmp_path):
    # 10 answers: promoters 9, 10, 10 (3), passives 7, 8 (2), detractors 0, 3, 5, 6, 6 (5)
    answers = [9, 10, 10, 7, 8, 0, 3, 5, 6, 6]
    result = run(_nps_study(tmp_path, pd.DataFrame({"recommend": answers})))
    row = pick(result.scores, measure="nps", brand="A", population="customer")
    assert row["value"] == pytest.approx(100 * (3 - 5) / 10)
    assert row["level"] == "nps" and row["band"] == ""
    # adjusted Wald (Rocks 2016): n' = 13, p' = 3.75/13, d' = 5.75/13
    p, d, n = 3.75 / 13, 5.75 / 13, 13
    half = Z95 * 100 * math.sqrt(((p + d) - (p - d) ** 2) / n)
    assert row["ci_low"] == pytest.approx(100 * (p - d) - half)
    assert row["ci_high"] == pytest.approx(100 * (p - d) + half)
    assert row["se"] == pytest.approx(100 * math.sqrt((0.8 - 0.04) / 10))
    # the same number as the item's net score (its scale has the NPS boxes)
    item = pick(result.items, item="recommend", brand="A")
    assert item["net"] == pytest.approx(row["value"])


def test_nps_is_fixed_by_definition_not_by_the_scales_boxes(tmp_path):
    answers = [9, 10, 8, 7, 6]
    path = _nps_study(tmp_path, pd.DataFrame({"recommend": answers}),
                      scales={"nps11": {"points": 11, "min": 0, "max": 10,
                                        "top_box": [8, 9, 10], "bottom_box": [0, 1, 2]}})
    result = run(path)
    assert pick(result.scores, measure="nps", brand="A")["value"] == pytest.approx(20.0)
    assert pick(result.items, item="recommend", brand="A")["net"] == pytest.approx(60.0)


def test_nps_wave_change_uses_independent_samples(tmp_path):
    w1 = [10, 10, 9, 5, 7, 8, 2, 9]        # 4 promoters, 2 detractors of 8: NPS 25
    w2 = [10, 3, 4, 6, 7, 9, 1, 2, 8, 10]  # 3 promoters, 5 detractors of 10: NPS -20
    cust = pd.DataFrame({"recommend": w1 + w2, "wave": ["W1"] * 8 + ["W2"] * 10})
    result = run(_nps_study(tmp_path, cust))
    ch = pick(result.changes, comparison="wave", measure="nps", brand="A")
    se1 = 100 * math.sqrt((6 / 8 - (2 / 8) ** 2) / 8)
    se2 = 100 * math.sqrt((8 / 10 - (-2 / 10) ** 2) / 10)
    se = math.hypot(se1, se2)
    assert ch["difference"] == pytest.approx(-45.0)
    assert ch["ci_low"] == pytest.approx(-45.0 - Z95 * se)
    from scipy.stats import norm
    assert ch["p_value"] == pytest.approx(2 * norm.sf(45.0 / se))


def test_nps_item_must_be_0_to_10(tmp_path):
    path = make_study(tmp_path, pd.DataFrame({"eff_1": [1, 2]}), index={"nps_item": "eff_1"})
    with pytest.raises(tx.StudySpecError, match="NPS needs a 0-10 scale"):
        tx.read_study(path)
    path = make_study(tmp_path, pd.DataFrame({"eff_1": [1, 2]}), index={"nps_item": "eff_2"})
    with pytest.raises(tx.StudySpecError, match="did you mean 'eff_1'"):
        tx.read_study(path)


def test_design_effect_is_n_over_kish_effective_base(tmp_path):
    w = [1.0, 1.0, 2.0, 4.0]
    result = run(make_study(tmp_path, pd.DataFrame({"eff_1": [1, 2, 3, 4], "weight": w})))
    row = pick(result.scores, measure="effectiveness", brand="A", population="customer")
    n_eff = sum(w) ** 2 / sum(x * x for x in w)  # 64 / 22
    assert row["n_eff"] == pytest.approx(n_eff)
    assert row["deff"] == pytest.approx(4 / n_eff)


def test_benjamini_hochberg_adjusts_p_within_each_table(sample):
    responses, result, _ = sample
    plain = result.changes
    study = replace(responses.study, report=replace(responses.study.report,
                                                    multiple_testing="bh", bootstrap=400))
    bh = tx.score(replace(responses, study=study)).changes
    assert (plain["p_adjusted"].fillna(-1) == plain["p_value"].fillna(-1)).all()
    from scipy.stats import false_discovery_control
    for _, part in bh.groupby(["comparison", "measure", "population"]):
        p = part["p_value"].to_numpy(float)
        ok = np.isfinite(p)
        expected = np.full(len(p), np.nan)
        expected[ok] = false_discovery_control(p[ok])
        np.testing.assert_allclose(part["p_adjusted"].to_numpy(float), expected, rtol=1e-12)
        assert (part["significant"] == (part["p_adjusted"] < 0.05)).all()
    # adjustment can only remove significance
    assert bh["significant"].sum() <= plain["significant"].sum()
    assert (bh["p_adjusted"].fillna(0) >= bh["p_value"].fillna(0) - 1e-15).all()


def test_nps_adjusted_wald_interval_covers_the_raw_nps_from_n_30():
    """Exhaustive over every (promoters, detractors) split of n = 30..80 answers."""
    from txscore.stats.inference import net_interval

    for n in range(30, 81):
        prom, det = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        ok = prom + det <= n
        p, d = prom[ok] / n, det[ok] / n
        lo, hi = net_interval(p, d, np.full(p.shape, float(n)), Z95, adjusted_wald=True)
        net = 100 * (p - d)
        assert ((lo <= net + 1e-9) & (net <= hi + 1e-9)).all(), n


def test_reliability_on_a_base_below_suppress_below_shows_no_number(tmp_path):
    cust = pd.DataFrame({"ret_1": [1, 2, 4, 5, 3, 2], "enr_1": [2, 2, 5, 4, 3, 1],
                         "adv_1": [1, 3, 4, 5, 2, 2], "weight": [1, 1, 1, 1, 1, 5.0]})
    # n = 6 complete cases; Kish n_eff = 10^2 / 30 = 3.33 < 4: suppressed
    result = run(make_study(tmp_path, cust, report={"suppress_below": 4, "low_base_below": 4,
                                                    "caution_below": 4}))
    row = pick(result.reliability, construct="loyalty", population="customer")
    assert row["n_eff"] == pytest.approx(100 / 30)
    assert row[["alpha", "ci_low", "ci_high", "std_alpha", "omega_total"]].isna().all()
    assert row["flag"] == "suppressed" and row["n_complete"] == 6
    assert (row["verdict"], row["notes"]) == ("", "")  # a verdict would tell the number
    items = result.reliability_items
    assert items[["mean", "sd", "item_rest_r", "alpha_if_deleted"]].isna().all().all()
    assert (items["flag"] == "suppressed").all() and (items["n"] == 6).all()
    # unweighted, n_eff = 6 >= 4: shown
    shown = run(make_study(tmp_path, cust.drop(columns="weight"),
                           report={"suppress_below": 4, "low_base_below": 4,
                                   "caution_below": 4}))
    assert np.isfinite(pick(shown.reliability, construct="loyalty")["alpha"])
