"""Do txscore's 95% intervals cover the truth 95% of the time? Checked by simulation.

methodology.md, "Uncertainty and significance": Wilson intervals for shares, the net-score
variance ``100^2 [(p + d) - (p - d)^2] / n_eff`` (adjusted Wald for NPS-type 0-10 items,
Rocks 2016), the linearised SE of a weighted mean for score100, always on Kish's n_eff.

Each test draws 1,000 samples from a known population in one array (a multinomial draw, or
uniforms turned into codes through the cumulative shares), seed 20261124 (the study
default, fixed before looking at any result), and counts the intervals that contain the
true value: 93-97% is required. The Monte-Carlo standard error of a 95% coverage over 1,000
samples is 0.7 points, so the band is about +-3 standard errors. For unweighted shares and
nets the exact coverage is also computed by summing the probability of every possible
sample (binomial / trinomial enumeration): no simulation noise there.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaln
from scipy.stats import false_discovery_control, norm

from txscore.responses import Responses
from txscore.scoring import item_statistics
from txscore.stats.inference import benjamini_hochberg, kish_n_eff, net_interval, wilson, z_value
from txscore.study import Columns, Construct, Item, Scale, Source, Study
from txscore.study.vocabulary import TOTAL

SEED = 20261124
SAMPLES = 1000
Z = z_value(0.95)
BAND = (0.93, 0.97)

# A 7-point item: top box 6-7 = 40%, bottom box 1-3 = 20%, net +20, mean 4.8.
P7 = np.array([0.05, 0.05, 0.10, 0.15, 0.25, 0.25, 0.15])
NET7 = 100 * (P7[5:].sum() - P7[:3].sum())
SCORE100_7 = 100 * (P7 @ np.arange(1, 8) - 1) / 6
# A 0-10 recommend item: promoters 9-10 = 45%, detractors 0-6 = 25%, NPS +20.
P11 = np.array([0.03, 0.02, 0.02, 0.03, 0.03, 0.04, 0.08, 0.15, 0.15, 0.20, 0.25])
NPS = 100 * (P11[9:].sum() - P11[:7].sum())


def coverage(low, high, truth) -> float:
    low, high = np.asarray(low, float), np.asarray(high, float)
    assert np.isfinite(low).all() and np.isfinite(high).all()  # no sample may drop out
    return float(np.mean((low <= truth) & (truth <= high)))


def draw_codes(rng: np.random.Generator, shares: np.ndarray, shape: tuple[int, ...]
               ) -> np.ndarray:
    """Codes 0..k-1 with the given shares, for every respondent of every sample at once."""
    return (rng.random(shape)[..., None] > np.cumsum(shares)[:-1]).sum(-1)


def exact_net_coverage(n: int, top: float, bottom: float, *, adjusted_wald: bool) -> float:
    """Probability that the net interval covers 100 (top - bottom), over every sample."""
    t, b = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    t, b = t[t + b <= n], b[t + b <= n]
    log_p = (gammaln(n + 1) - gammaln(t + 1) - gammaln(b + 1) - gammaln(n - t - b + 1)
             + t * np.log(top) + b * np.log(bottom) + (n - t - b) * np.log(1 - top - bottom))
    low, high = net_interval(t / n, b / n, np.full(t.size, float(n)), Z,
                             adjusted_wald=adjusted_wald)
    truth = 100 * (top - bottom)
    return float(np.exp(log_p)[(low <= truth) & (truth <= high)].sum())


# ---------------------------------------------------------------------- unweighted, direct

def test_net_score_7_point_interval_covers():
    # 1,000 samples of 200: one multinomial draw of shape (1000, 7).
    n = 200
    counts = np.random.default_rng(SEED).multinomial(n, P7, size=SAMPLES)
    top, bottom = counts[:, 5:].sum(1) / n, counts[:, :3].sum(1) / n
    low, high = net_interval(top, bottom, np.full(SAMPLES, float(n)), Z)
    simulated = coverage(low, high, NET7)
    exact = exact_net_coverage(n, 0.40, 0.20, adjusted_wald=False)
    assert BAND[0] <= simulated <= BAND[1], simulated  # 0.953 with this seed
    assert BAND[0] <= exact <= BAND[1], exact  # 0.9475
    assert abs(simulated - exact) < 3 * np.sqrt(exact * (1 - exact) / SAMPLES)


def test_nps_adjusted_wald_interval_covers():
    n = 50  # a small cell: where the adjustment matters
    counts = np.random.default_rng(SEED).multinomial(n, P11, size=SAMPLES)
    top, bottom = counts[:, 9:].sum(1) / n, counts[:, :7].sum(1) / n
    low, high = net_interval(top, bottom, np.full(SAMPLES, float(n)), Z, adjusted_wald=True)
    simulated = coverage(low, high, NPS)
    assert BAND[0] <= simulated <= BAND[1], simulated  # 0.937 (plain Wald: 0.929)
    # Exact coverage: adjusted Wald 0.949 at n = 50 and 0.948 at n = 30, where the plain
    # Wald interval falls to 0.939 and 0.934 (Rocks 2016: the adjustment fixes small bases).
    for size in (30, 50):
        adjusted = exact_net_coverage(size, 0.45, 0.25, adjusted_wald=True)
        plain = exact_net_coverage(size, 0.45, 0.25, adjusted_wald=False)
        assert BAND[0] <= adjusted <= BAND[1] and abs(adjusted - 0.95) < abs(plain - 0.95)


def test_nps_adjusted_wald_by_hand():
    # 40 respondents, 20 promoters, 10 detractors. n' = 43, p' = 20.75 / 43 = 0.482558,
    # d' = 10.75 / 43 = 0.25, centre 100 (p' - d') = 23.2558;
    # Var' = (p' + d') - (p' - d')^2 = 0.732558 - 0.054083 = 0.678475,
    # half-width 1.959964 * 100 * sqrt(0.678475 / 43) = 24.6195.
    low, high = net_interval(np.array([0.5]), np.array([0.25]), np.array([40.0]), Z,
                             adjusted_wald=True)
    assert low[0] == pytest.approx(23.2558 - 24.6195, abs=1e-3)
    assert high[0] == pytest.approx(23.2558 + 24.6195, abs=1e-3)


def test_top_box_wilson_interval_covers():
    n, p = 150, 0.40
    hits = np.random.default_rng(SEED).binomial(n, p, size=SAMPLES)
    low, high = wilson(hits / n, np.full(SAMPLES, float(n)), Z)
    simulated = coverage(low, high, p)
    k = np.arange(n + 1)
    k_low, k_high = wilson(k / n, np.full(n + 1, float(n)), Z)
    log_pmf = (gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + k * np.log(p)
               + (n - k) * np.log(1 - p))
    exact = float(np.exp(log_pmf)[(k_low <= p) & (p <= k_high)].sum())
    assert BAND[0] <= simulated <= BAND[1], simulated
    assert BAND[0] <= exact <= BAND[1], exact  # 0.9451


# ---------------------------------------------------------------------- weighted, direct

def test_weighted_share_and_net_intervals_cover_on_n_eff():
    # Weights 0.5 or 2 (half each), unrelated to the answers: deff = E[w^2] / E[w]^2
    # = 2.125 / 1.5625 = 1.36, so 200 respondents are worth about 147.
    n = 200
    rng = np.random.default_rng(SEED)
    codes = draw_codes(rng, P7, (SAMPLES, n))
    w = np.where(rng.random((SAMPLES, n)) < 0.5, 0.5, 2.0)
    sum_w = w.sum(1)
    n_eff = kish_n_eff(sum_w, (w * w).sum(1))
    assert n_eff.mean() == pytest.approx(n / 1.36, rel=0.02)
    top = (w * (codes >= 5)).sum(1) / sum_w
    bottom = (w * (codes <= 2)).sum(1) / sum_w
    share = coverage(*wilson(top, n_eff, Z), 0.40)
    net = coverage(*net_interval(top, bottom, n_eff, Z), NET7)
    assert BAND[0] <= share <= BAND[1], share
    assert BAND[0] <= net <= BAND[1], net
    # The same intervals on n instead of n_eff are too narrow by sqrt(1.36): about 91%.
    naive = coverage(*wilson(top, np.full(SAMPLES, float(n)), Z), 0.40)
    assert naive < BAND[0], naive


def test_kish_base_when_weights_follow_the_answers():
    # Post-stratification, the usual case: stratum A (half the population, top box 55%) is
    # 70% of each sample of 200, stratum B (top box 25%) 30%; weights 0.5/0.7 and 0.5/0.3.
    # True share 0.40. The estimator's variance is sum W_h^2 p_h (1 - p_h) / n_h = 0.001223,
    # Kish's p (1 - p) / n_eff = 0.001429 (n_eff 168): conservative, expected coverage
    # 2 Phi(1.96 sqrt(0.001429 / 0.001223)) - 1 = 0.966.
    rng = np.random.default_rng(SEED)
    n_a, n_b, w_a, w_b = 140, 60, 0.5 / 0.7, 0.5 / 0.3
    k_a, k_b = rng.binomial(n_a, 0.55, SAMPLES), rng.binomial(n_b, 0.25, SAMPLES)
    total = w_a * n_a + w_b * n_b
    n_eff = float(kish_n_eff(total, n_a * w_a**2 + n_b * w_b**2))
    simulated = coverage(*wilson((w_a * k_a + w_b * k_b) / total, np.full(SAMPLES, n_eff), Z),
                         0.40)
    true_var = 0.25 * (0.55 * 0.45 / n_a + 0.25 * 0.75 / n_b)
    expected = 2 * norm.cdf(Z * np.sqrt(0.4 * 0.6 / n_eff / true_var)) - 1
    assert expected == pytest.approx(0.966, abs=0.001)
    assert BAND[0] <= simulated <= BAND[1], simulated
    assert abs(simulated - expected) < 3 * np.sqrt(expected * (1 - expected) / SAMPLES)


# ---------------------------------------------------------------------- through item_statistics

STUDY = Study(
    "coverage", (Source(Path("simulated.csv"), "customer", "W1"),),
    Columns("respondent_id", "brand"),
    {"agree7": Scale("agree7", 7, 1, 7, top_box=(6, 7), bottom_box=(1, 2, 3)),
     "nps11": Scale("nps11", 11, 0, 10, top_box=(9, 10), bottom_box=tuple(range(7)))},
    {"c": Construct("c")},
    {"q7": Item("q7", "c", "agree7"), "recommend": Item("recommend", "c", "nps11")},
)


def _item_table(weighted: bool, n: int = 200) -> pd.DataFrame:
    """item_statistics on 1,000 simulated samples: each sample is one brand cell."""
    rng = np.random.default_rng(SEED)
    q7 = draw_codes(rng, P7, (SAMPLES, n)) + 1
    recommend = draw_codes(rng, P11, (SAMPLES, n))
    w = np.where(rng.random((SAMPLES, n)) < 0.5, 0.5, 2.0) if weighted else np.ones((SAMPLES, n))
    data = pd.DataFrame({
        "respondent_id": np.arange(SAMPLES * n).astype(str), "population": "customer",
        "wave": "W1", "brand": np.repeat([f"sample {i:04d}" for i in range(SAMPLES)], n),
        "weight": w.ravel(), "q7": pd.array(q7.ravel(), dtype="Int16"),
        "recommend": pd.array(recommend.ravel(), dtype="Int16")})
    items, _ = item_statistics(Responses(STUDY, data, pd.DataFrame(), pd.DataFrame()))
    items = items[items["brand"] != TOTAL]
    assert len(items) == 2 * SAMPLES and (items["flag"] != "suppressed").all()
    return items


@pytest.fixture(scope="module", params=[False, True], ids=["unweighted", "weighted"])
def item_table(request) -> pd.DataFrame:
    return _item_table(request.param).assign(weighted=request.param)


def test_score100_linearised_interval_covers(item_table):
    q7 = item_table[item_table["item"] == "q7"]
    simulated = coverage(q7["ci_low"], q7["ci_high"], SCORE100_7)
    assert BAND[0] <= simulated <= BAND[1], simulated


def test_item_table_share_net_and_nps_intervals_cover(item_table):
    # The wiring of item_statistics: Wilson and net on n_eff, adjusted Wald for 0-10 items.
    q7 = item_table[item_table["item"] == "q7"]
    recommend = item_table[item_table["item"] == "recommend"]
    for low, high, truth in [(q7["top_box_ci_low"], q7["top_box_ci_high"], 40.0),
                             (q7["net_ci_low"], q7["net_ci_high"], NET7),
                             (recommend["net_ci_low"], recommend["net_ci_high"], NPS)]:
        simulated = coverage(low, high, truth)
        assert BAND[0] <= simulated <= BAND[1], simulated
    expected = net_interval(recommend["top_box"] / 100, recommend["bottom_box"] / 100,
                            recommend["n_eff"], Z, adjusted_wald=True)
    np.testing.assert_allclose(recommend["net_ci_low"], expected[0], rtol=1e-10)


def test_score100_standard_error_from_raw_rows():
    # The linearised SE recomputed from respondent rows for the first cells:
    # se(mean)^2 = n / (n - 1) * sum w_i^2 (x_i - xbar)^2 / (sum w)^2 (R: survey::svymean
    # with-replacement SE); unweighted it is sd / sqrt(n). score100 se = 100 se / 6.
    n = 60
    rng = np.random.default_rng(SEED)
    x = draw_codes(rng, P7, (3, n)) + 1.0
    w = rng.uniform(0.5, 2.0, (3, n))
    data = pd.DataFrame({"respondent_id": np.arange(3 * n).astype(str),
                         "population": "customer", "wave": "W1",
                         "brand": np.repeat(["a", "b", "c"], n), "weight": w.ravel(),
                         "q7": pd.array(x.ravel().astype(int), dtype="Int16"),
                         "recommend": pd.array([5] * (3 * n), dtype="Int16")})
    items, _ = item_statistics(Responses(STUDY, data, pd.DataFrame(), pd.DataFrame()))
    q7 = items[(items["item"] == "q7") & (items["brand"] != TOTAL)].set_index("brand")
    xbar = (w * x).sum(1) / w.sum(1)
    se = np.sqrt(n / (n - 1) * (w**2 * (x - xbar[:, None]) ** 2).sum(1)) / w.sum(1)
    np.testing.assert_allclose(q7["score100"], 100 * (xbar - 1) / 6, rtol=1e-12)
    np.testing.assert_allclose(q7["se"], 100 * se / 6, rtol=1e-10)
    flat = Responses(STUDY, data.assign(weight=1.0), pd.DataFrame(), pd.DataFrame())
    items, _ = item_statistics(flat)
    q7 = items[(items["item"] == "q7") & (items["brand"] != TOTAL)]
    np.testing.assert_allclose(q7["se"], 100 * x.std(1, ddof=1) / np.sqrt(n) / 6, rtol=1e-10)


# ---------------------------------------------------------------------- Benjamini-Hochberg

def test_benjamini_hochberg_matches_scipy():
    rng = np.random.default_rng(SEED)
    for size in (1, 2, 7, 50, 400):
        p = np.concatenate([rng.uniform(0, 0.05, size // 3 + 1), rng.uniform(0, 1, size)])
        p[::5] = p[0]  # ties
        np.testing.assert_allclose(benjamini_hochberg(p),
                                   false_discovery_control(p, method="bh"), rtol=1e-12)
    # Missing p-values stay missing and do not count in m.
    p = np.array([0.04, np.nan, 0.001, 0.3, np.nan, 0.02])
    out = benjamini_hochberg(p)
    assert np.isnan(out[[1, 4]]).all()
    np.testing.assert_allclose(out[~np.isnan(p)],
                               false_discovery_control(p[~np.isnan(p)], method="bh"))


def test_benjamini_hochberg_by_hand():
    # m = 3 finite p-values: sorted 0.005, 0.02, 0.5 -> 0.005 * 3/1 = 0.015,
    # 0.02 * 3/2 = 0.03, 0.5 * 3/3 = 0.5 (already increasing: no step-up minimum needed).
    np.testing.assert_allclose(benjamini_hochberg(np.array([0.5, np.nan, 0.02, 0.005])),
                               [0.5, np.nan, 0.03, 0.015])
    # Step-up: 0.04 * 4/3 = 0.0533 is smaller than 0.03 * 4/2 = 0.06, so 0.03 gets 0.0533;
    # 0.9 * 2 = 1.8 is capped by the larger p-value's 0.95.
    np.testing.assert_allclose(benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.20])),
                               [0.04, 0.16 / 3, 0.16 / 3, 0.20])
    np.testing.assert_allclose(benjamini_hochberg(np.array([0.9, 0.95])), [0.95, 0.95])
