"""The standard key-driver analyses (txscore.scoring.drivers), checked by hand and elsewhere.

Tiny studies come from ``conftest.make_study`` (5-point items, one per CX dimension,
loyalty outcome and BX pillar; item columns a test does not give are filled with 3, so the
BX pillars of a tiny study are constant).  On a 5-point scale ``score100 = 25 (code - 1)``.
The worked example: the 2^3 design of effectiveness e, ease a and emotion m in {-1, +1}
(codes 2 and 4), repeated 8 times (64 customers), is orthogonal, and with loyalty items
ret = 3 + e - a, enr = adv = 3 + e the loyalty composite is 3 + e - a/3 (code units):

    var(y) ~ 1 + 1/9 = 10/9,   r(e, y)^2 = 1 / (10/9) = .9,   r(a, y)^2 = .1,   r(m, y) = 0

With orthogonal drivers both relative weights and Shapley/LMG give eps_j = r(j, y)^2, and
R^2 = 1: importances 90 (effectiveness), 10 (ease, with a negative sign), 0 (emotion).

The section on large strata checks the normal-sum bootstrap (strata of more than
``[report] bootstrap_exact_max`` respondents) against the exact multinomial bootstrap, and
the last section runs the sample study (surveys/sample) and checks the drivers its
generator built in (surveys/sample/truth.json), the CX index weights, driver_importance.
"""

from __future__ import annotations

import itertools
import json
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import make_study, private_copy

import txscore as tx
import txscore.scoring.driver_bootstrap as db
from txscore.errors import ParameterError, TxscoreWarning
from txscore.scoring.driver_bootstrap import Fit, bootstrap_importances, mixed_replicate_sums
from txscore.scoring.drivers import ANALYSES, COLUMNS, WARNINGS, standard_drivers
from txscore.stats.drivers import (
    driver_importance,
    relative_weights_from_cov,
    shapley_from_cov,
)
from txscore.stats.inference import percentile_interval, resample_counts
from txscore.stats.moments import bootstrap_cov, cov_from_moments, weighted_cov

SAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "sample"
Z95 = 1.959963984540054
PREFERENCE = {"constructs": {"preference": {"role": "preference"}},
              "items": {"pref_1": {"construct": "preference", "scale": "agree5"}}}


def load(tmp_path: Path, customers: pd.DataFrame, non_customers: pd.DataFrame | None = None,
         **overrides) -> tx.Responses:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tx.load(tx.read_study(make_study(tmp_path, customers, non_customers,
                                                **overrides)))


def run(responses: tx.Responses, **options) -> tuple[pd.DataFrame, list[str]]:
    """standard_drivers, with the TxscoreWarnings it issued."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = standard_drivers(responses, **options)
    return out, [str(w.message) for w in caught if issubclass(w.category, TxscoreWarning)]


def factorial(reps: int = 8) -> pd.DataFrame:
    e, a, m = np.array(list(itertools.product([-1, 1], repeat=3)) * reps).T
    return pd.DataFrame({"eff_1": 3 + e, "ease_1": 3 + a, "emo_1": 3 + m,
                         "ret_1": 3 + e - a, "enr_1": 3 + e, "adv_1": 3 + e})


def noisy(n: int, seed: int) -> pd.DataFrame:
    """Random 5-point drivers; loyalty follows effectiveness in group 0, emotion in group 1."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(n, 3))
    group = np.arange(n) % 2
    y = np.where(group == 0, x[:, 0], x[:, 2])[:, None] + rng.integers(-1, 2, size=(n, 3))
    y = np.clip(y, 1, 5)
    return pd.DataFrame({"eff_1": x[:, 0], "ease_1": x[:, 1], "emo_1": x[:, 2],
                         "ret_1": y[:, 0], "enr_1": y[:, 1], "adv_1": y[:, 2], "group": group})


def rows(out: pd.DataFrame, analysis: str = "cx_loyalty") -> pd.DataFrame:
    return out.loc[out["analysis"] == analysis].set_index("driver")


# ---------------------------------------------------------------------- worked examples
def test_orthogonal_design_gives_the_squared_correlations(tmp_path):
    out, _ = run(load(tmp_path, factorial()), n_boot=0)
    cx = rows(out)
    assert list(out.columns) == COLUMNS
    assert list(cx.index) == ["effectiveness", "ease", "emotion"]  # importance descending
    np.testing.assert_allclose(cx["importance"], [90, 10, 0], atol=1e-9)
    np.testing.assert_allclose(cx["raw_weight"], [0.9, 0.1, 0], atol=1e-11)
    assert cx.loc["ease", "sign"] == -1  # ease hurts loyalty: ret = 3 + e - a
    assert cx.loc["effectiveness", "sign"] == 1
    np.testing.assert_allclose(cx[["r2", "n", "n_eff"]], [[1.0, 64, 64.0]] * 3, rtol=1e-12)
    assert cx[["ci_low", "ci_high"]].isna().all().all()  # n_boot = 0: no interval
    assert (cx["outcome"] == "loyalty").all()  # a code: the loyalty composite's measure
    assert list(cx["label"]) == ["Effectiveness", "Ease", "Emotion"]
    assert (cx["method"] == "relative_weights").all() and (cx["warning"] == "").all()
    # performance: codes 2 and 4 half each -> score100 25 and 75, mean 50; unit weights:
    # se = s / sqrt(n), s = 25 sqrt(64 / 63) (ddof 1), so 50 +/- 1.96 * 25.198 / 8
    half = Z95 * 25 * np.sqrt(64 / 63) / 8
    np.testing.assert_allclose(cx["performance"], 50.0, atol=1e-9)
    np.testing.assert_allclose(cx["performance_ci_low"], 50 - half, atol=1e-9)
    np.testing.assert_allclose(cx["performance_ci_high"], 50 + half, atol=1e-9)


def test_shapley_equals_relative_weights_on_orthogonal_drivers(tmp_path):
    responses = load(tmp_path, factorial())
    rw, _ = run(responses, n_boot=300, seed=5)
    sh, _ = run(responses, n_boot=300, seed=5, method="shapley")
    assert (sh["method"] == "shapley").all()
    np.testing.assert_allclose(sh["importance"], rw["importance"], atol=1e-9)
    np.testing.assert_allclose(sh["raw_weight"], rw["raw_weight"], atol=1e-11)
    # resamples are only nearly orthogonal: the intervals agree closely, not exactly
    np.testing.assert_allclose(sh[["ci_low", "ci_high"]], rw[["ci_low", "ci_high"]], atol=1.0)
    assert not np.allclose(sh["ci_low"], rw["ci_low"], atol=1e-9, rtol=0)


def test_outcome_driven_by_one_dimension_only(tmp_path):
    # loyalty items all equal to emotion: importance 100 for emotion, 0 for the others
    cust = factorial().assign(ret_1=lambda d: d["emo_1"], enr_1=lambda d: d["emo_1"],
                              adv_1=lambda d: d["emo_1"])
    cx = rows(run(load(tmp_path, cust), n_boot=200)[0])
    np.testing.assert_allclose(cx["importance"], [100, 0, 0], atol=1e-9)
    assert cx.index[0] == "emotion"
    # in a resample the drivers are only nearly orthogonal, so emotion shares a little
    assert 90 < cx.loc["emotion", "ci_low"] < cx.loc["emotion", "ci_high"] <= 100
    assert (cx.loc[["effectiveness", "ease"], "ci_high"] < 5).all()


def test_weights_equal_duplicated_rows(tmp_path):
    cust = noisy(120, seed=1)
    w = np.where(cust["group"] == 0, 3, 1)
    for name in ("w", "d", "u"):
        (tmp_path / name).mkdir()
    weighted = load(tmp_path / "w", cust.assign(weight=w.astype(float)))
    duplicated = load(tmp_path / "d", cust.loc[cust.index.repeat(w)].reset_index(drop=True))
    unweighted = load(tmp_path / "u", cust)
    a, b, u = (rows(run(r, n_boot=0)[0]).sort_index() for r in (weighted, duplicated, unweighted))
    for col in ["importance", "raw_weight", "sign", "r2", "performance"]:
        np.testing.assert_allclose(a[col], b[col], rtol=1e-10, atol=1e-10, err_msg=col)
    assert (a["n"] == 120).all() and (b["n"] == 240).all()
    # Kish: (60 * 3 + 60 * 1)^2 / (60 * 9 + 60 * 1) = 240^2 / 600 = 96
    assert a["n_eff"].iloc[0] == pytest.approx(96.0)
    # ... and the weights matter: group 0 (loyalty = effectiveness) counts three times
    assert a.loc["effectiveness", "importance"] > u.loc["effectiveness", "importance"] + 10
    # the bootstrap resamples weighted respondents: its interval is around the weighted
    # estimate, away from the unweighted one
    boot = rows(run(weighted, n_boot=400, seed=2)[0]).loc["effectiveness"]
    assert boot.ci_low < a.loc["effectiveness", "importance"] < boot.ci_high
    assert u.loc["effectiveness", "importance"] < boot.ci_low


def test_weighted_performance_interval_matches_the_item_table(tmp_path):
    # items_loyalty with every answer given: each item's performance and interval are the
    # weighted item score100 and interval that txscore.scoring computes from answer counts
    cust = noisy(90, seed=2)
    weight = np.random.default_rng(3).uniform(0.5, 2.0, len(cust)).round(3)
    responses = load(tmp_path, cust.assign(weight=weight))
    out, _ = run(responses, n_boot=0, items=True)
    items = rows(out, "items_loyalty")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = tx.score(responses).items
    ref = table.loc[(table["brand"] == "A") & table["item"].isin(items.index)].set_index("item")
    for col, ref_col in [("performance", "score100"), ("performance_ci_low", "ci_low"),
                         ("performance_ci_high", "ci_high"), ("n_eff", "n_eff")]:
        np.testing.assert_allclose(items[col], ref.loc[items.index, ref_col], rtol=1e-12,
                                   err_msg=col)
    assert list(items["label"]) == list(items.index)  # no item text in the tiny spec


def test_same_seed_same_numbers_other_seed_other_intervals(tmp_path):
    responses = load(tmp_path, noisy(150, seed=4))
    first, _ = run(responses, n_boot=200, seed=11)
    again, _ = run(responses, n_boot=200, seed=11)
    other, _ = run(responses, n_boot=200, seed=12)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_series_equal(first["importance"], other["importance"])
    assert not np.allclose(first["ci_low"], other["ci_low"])


def test_adding_a_wave_leaves_the_earlier_wave_unchanged(tmp_path):
    w1 = noisy(100, seed=13).assign(wave="W1")
    w2 = noisy(100, seed=14).assign(wave="W2")
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    alone, _ = run(load(tmp_path / "one", w1.drop(columns="wave")), n_boot=100, seed=3)
    messages: list[str] = []
    both, _ = run(load(tmp_path / "two", pd.concat([w1, w2])), n_boot=100, seed=3,
                  progress=messages.append)
    assert messages == ["key drivers: customers, wave W1", "key drivers: customers, wave W2"]
    assert list(both["wave"].drop_duplicates()) == ["W1", "W2"]
    pd.testing.assert_frame_equal(both.loc[both["wave"] == "W1"].reset_index(drop=True), alone)


def test_resampling_is_stratified_by_brand(tmp_path, monkeypatch):
    seen = []

    def spy(rng, sizes, n_boot, *, dtype):
        seen.append(sizes.tolist())
        return resample_counts(rng, sizes, n_boot, dtype=dtype)

    monkeypatch.setattr(db, "resample_counts", spy)
    cust = noisy(90, seed=15).assign(brand=["B"] * 30 + ["A"] * 60)
    run(load(tmp_path, cust), n_boot=20)
    # one draw per population and wave; brands in sorted order (A, B), whatever the order
    # of the rows: every executor (in memory, chunks, Dask partitions) draws alike
    assert seen == [[60, 30]]


def test_default_settings_come_from_the_study(tmp_path):
    responses = load(tmp_path, noisy(150, seed=4),
                     report={"bootstrap": 150, "seed": 7, "confidence": 0.8})
    default, _ = run(responses)
    explicit, _ = run(responses, n_boot=150, seed=7, confidence=0.8)
    pd.testing.assert_frame_equal(default, explicit)
    wider, _ = run(responses, n_boot=150, seed=7, confidence=0.99)
    assert ((wider["ci_high"] - wider["ci_low"]) > (default["ci_high"] - default["ci_low"])).all()


def test_stratified_counts_keep_every_stratum_size():
    sizes = np.array([5, 1, 12, 7])
    counts = resample_counts(np.random.default_rng(0), sizes, 3000, dtype=np.int32)
    bounds = np.r_[0, np.cumsum(sizes)]
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        assert (counts[:, lo:hi].sum(axis=1) == hi - lo).all()
    # multinomial(n_s, 1/n_s): every respondent is drawn once on average
    np.testing.assert_allclose(counts.mean(axis=0), 1.0, atol=0.1)
    assert (counts[:, 5] == 1).all()  # a stratum of one is always itself


def test_relative_weights_give_nan_for_a_degenerate_matrix_in_a_batch():
    # drivers.py fix: LAPACK's eigh raised "did not converge" on a NaN matrix (p >= 3)
    good = np.eye(4) + 0.1
    raw, r2, coefs = relative_weights_from_cov(np.stack([good, np.full((4, 4), np.nan)]))
    alone = relative_weights_from_cov(good)
    np.testing.assert_allclose(raw[0], alone[0], rtol=1e-12)
    assert r2[0] == pytest.approx(float(alone[1])) and np.isnan(r2[1])
    assert np.isnan(raw[1]).all() and np.isnan(coefs[1]).all()


def test_bootstrap_cov_leaves_zero_weight_rows_out_like_weighted_cov():
    # the analyses pass incomplete respondents as rows of weight 0 (drivers.py fix)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(8, 2))
    w = np.array([1, 2, 0, 1, 1, 3, 0, 1.0])
    counts = np.array([[1, 2, 1, 0, 1, 1, 2, 0.0]])
    repeated = np.repeat(X, [1, 2, 1, 0, 1, 1, 2, 0], axis=0)
    rw = np.repeat(w, [1, 2, 1, 0, 1, 1, 2, 0])
    np.testing.assert_allclose(bootstrap_cov(X, counts, w)[0], weighted_cov(repeated, rw),
                               rtol=1e-12)


# ---------------------------------------------------------------------- guards
def test_absent_population_skips_its_analysis_with_a_warning(tmp_path):
    cust = factorial().assign(sal_1=lambda d: d["eff_1"], fit_1=lambda d: d["ease_1"],
                              trust_1=lambda d: d["emo_1"], pref_1=lambda d: d["ret_1"])
    out, messages = run(load(tmp_path, cust, **PREFERENCE), n_boot=0)
    assert set(out["analysis"]) == {"cx_loyalty", "bx_preference_customer"}
    assert [m for m in messages if m.startswith("bx_preference_non_customer")] == [
        "bx_preference_non_customer: skipped, the data have no non-customers. Fix: add a "
        "source with population = 'non_customer'."]
    assert out.attrs["warnings"] == messages
    # the one preference item is 3 + e - a: r^2 = .5 for salience (= e) and fit (= a)
    bx = rows(out, "bx_preference_customer")
    assert (bx["outcome"] == "preference").all()  # a code: the construct's name
    np.testing.assert_allclose(bx.loc[["salience", "fit", "trust"], "importance"], [50, 50, 0],
                               atol=1e-9)
    assert list(bx.loc[["salience", "fit"], "sign"]) == [1, -1]


def test_constructs_missing_from_the_spec_skip_the_analysis(tmp_path):
    out, messages = run(load(tmp_path, factorial()), n_boot=0)
    assert set(out["analysis"]) == {"cx_loyalty"}
    assert "bx_preference_customer: skipped, the spec has no construct with role " \
           "'preference' asked of customers. Fix: add one to [constructs] and [items] in " \
           "study.toml." in messages


def test_construct_with_no_answers_is_left_out_with_a_warning(tmp_path):
    out, messages = run(load(tmp_path, factorial().assign(ease_1=99)), n_boot=0)
    cx = rows(out)
    assert list(cx.index) == ["effectiveness", "emotion"]
    assert (cx["warning"] == "driver_left_out:ease").all()
    assert ("cx_loyalty, customers, wave W1: driver 'ease' left out: no respondent answered "
            "its items.") in messages
    # without ease the composite 3 + e - a/3 keeps r(e, y)^2 = .9 of its variance
    assert cx.loc["effectiveness", "importance"] == pytest.approx(100.0)
    assert cx["r2"].iloc[0] == pytest.approx(0.9)


def test_low_n_per_driver_is_recorded_and_warned(tmp_path):
    out, messages = run(load(tmp_path, noisy(40, seed=6)), n_boot=50)
    cx = rows(out)
    assert len(cx) == 3
    assert (cx["warning"] == "few_cases_per_driver(13.3)").all()
    assert cx["warning"].iloc[0].split("(")[0] in WARNINGS
    assert any(m.startswith("cx_loyalty, customers, wave W1: low n per driver") for m in messages)


def test_the_flag_comes_from_the_analysis_base(tmp_path):
    # 40 respondents, unweighted: n_eff = 40, below low_base_below = 50 (not suppressed)
    base = {"suppress_below": 30, "low_base_below": 50, "caution_below": 100}
    out, _ = run(load(tmp_path, noisy(40, seed=6), report=base), n_boot=0)
    assert (out["n_eff"] == 40).all() and (out["flag"] == "low_base").all()
    assert out["importance"].notna().all()


def test_degenerate_resamples_are_reported_not_silent(tmp_path):
    # emotion varies for one respondent only: a resample without them has a constant driver
    cust = noisy(64, seed=8).assign(emo_1=3)
    cust.loc[0, "emo_1"] = 5
    out, messages = run(load(tmp_path, cust), n_boot=300)
    cx = rows(out)
    assert cx[["ci_low", "ci_high"]].notna().all().all()
    assert cx["warning"].str.fullmatch(r"degenerate_resamples\(\d+/300\)").all()
    assert any("bootstrap resamples were degenerate" in m for m in messages)


def test_base_below_suppression_skips_everything(tmp_path):
    base = {"suppress_below": 100, "low_base_below": 100, "caution_below": 100}
    out, messages = run(load(tmp_path, factorial(), report=base), n_boot=0)
    assert out.empty and list(out.columns) == COLUMNS
    (tmp_path / "full").mkdir()
    full, _ = run(load(tmp_path / "full", factorial()), n_boot=0)
    assert out.dtypes.equals(full.dtypes)  # an empty result has the usual column types
    assert ("cx_loyalty, customers, wave W1: skipped, effective base 64.0 of 64 respondents "
            "with every driver and the outcome answered is below suppress_below = 100.") \
        in messages


def test_linearly_dependent_drivers_skip_with_the_engine_message(tmp_path):
    cust = factorial().assign(emo_1=lambda d: d["eff_1"])
    out, messages = run(load(tmp_path, cust), n_boot=0)
    assert out.empty
    assert any(m.startswith("cx_loyalty, customers, wave W1: skipped, drivers ") and
               "linearly dependent" in m for m in messages)


def test_shapley_with_more_than_15_items_skips_the_item_analysis(tmp_path):
    rng = np.random.default_rng(9)
    extra = {f"eff_{j}": {"construct": "effectiveness", "scale": "agree5"} for j in range(2, 15)}
    cust = noisy(200, seed=9)
    for col in extra:
        cust[col] = rng.integers(1, 6, len(cust))
    out, messages = run(load(tmp_path, cust, items=extra), n_boot=0, method="shapley",
                        items=True)
    assert set(out["analysis"]) == {"cx_loyalty"}
    assert any(m.startswith("items_loyalty, customers, wave W1: skipped, Shapley/LMG takes "
                            "at most 15 drivers and this analysis has 16.") for m in messages)


def test_invalid_settings_are_all_listed(tmp_path):
    responses = load(tmp_path, factorial())
    with pytest.raises(ParameterError) as err:
        standard_drivers(responses, method="lmg", n_boot=-1, confidence=95)
    assert len(err.value.problems) == 3
    assert "The 'method' setting must be one of 'relative_weights', 'shapley'. Got 'lmg'." \
        in str(err.value)
    assert "The 'confidence' setting must be a number greater than 0.5 and less than 1. " \
        "Got 95." in str(err.value)


# ---------------------------------------------------------------------- large strata
def linear_rows(sizes: list[int], seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three score100-like drivers and an outcome y = .6 x1 + .35 x2 + .15 x3 + noise.

    Strata (brands) interleaved, as respondents come, with means 8 points apart; weights
    0.5-2; 5% incomplete respondents held as rows of weight 0 (as the analyses pass them).
    """
    rng = np.random.default_rng(seed)
    strata = rng.permutation(np.repeat(np.arange(len(sizes)), sizes))
    n = len(strata)
    x = 50 + 8 * (strata[:, None] - 1) + 15 * (rng.normal(size=(n, 3))
                                               + 0.4 * rng.normal(size=(n, 1)))
    X = np.column_stack([x, x @ [0.6, 0.35, 0.15] + 12 * rng.normal(size=n)])
    w = rng.uniform(0.5, 2.0, n)
    incomplete = rng.random(n) < 0.05
    X[incomplete], w[incomplete] = 0.0, 0.0
    return X, w, strata


def fit_of(X: np.ndarray, w: np.ndarray) -> Fit:
    """What bootstrap_importances reads of a fit: its rows, weights and kept drivers."""
    return Fit(X, w, list(range(X.shape[1] - 1)))


def exact_covs(X: np.ndarray, w: np.ndarray, strata: np.ndarray, n_boot: int,
               seed: int) -> np.ndarray:
    """Replicate covariances of the exact stratified multinomial bootstrap, in chunks."""
    order = np.argsort(strata, kind="stable")
    sizes = np.bincount(strata)
    rng = np.random.default_rng(seed)
    return np.concatenate([bootstrap_cov(X[order], resample_counts(rng, sizes, 250, dtype=np.int32),
                                         w[order]) for _ in range(0, n_boot, 250)])


@pytest.fixture(scope="module")
def big_strata():
    """3 strata of 5,000: data, and 2,000 exact replicate covariances (seconds, not more)."""
    X, w, strata = linear_rows([5000, 5000, 5000], seed=41)
    return X, w, strata, exact_covs(X, w, strata, 2000, seed=42)


def test_normal_sum_replicate_covariances_match_the_exact_bootstrap(big_strata):
    X, w, strata, exact = big_strata
    members = [np.flatnonzero(strata == s) for s in range(3)]
    sums, _, full_var = mixed_replicate_sums([(X, w)], members, np.ones(3, bool), 2000,
                                                 np.random.default_rng(43))
    normal = cov_from_moments(sums[0], 4, full_var[0])
    full = weighted_cov(X, w)
    # centred on the sample's covariance (Monte Carlo error of a mean of 2,000: sd / 45)
    spread = exact.std(axis=0)
    assert (np.abs(normal.mean(axis=0) - full) < 4 * spread / np.sqrt(2000)).all()
    assert (np.abs(exact.mean(axis=0) - full) < 4 * spread / np.sqrt(2000)).all()
    # with the exact bootstrap's spread (sd of a sd from 2,000 draws: ~1.6%)
    np.testing.assert_allclose(normal.std(axis=0), spread, rtol=0.10)


def test_normal_sum_intervals_agree_with_the_exact_bootstrap(big_strata):
    X, w, strata, exact = big_strata
    raw, r2, _ = relative_weights_from_cov(exact)
    want = 100 * raw / r2[:, None]
    got = bootstrap_importances([fit_of(X, w)], strata, "relative_weights", 2000, 2000,
                        np.random.default_rng(44))[0]
    assert np.isfinite(got).all()
    lo, hi = percentile_interval(want, 0.95)
    got_lo, got_hi = percentile_interval(got, 0.95)
    width = hi - lo
    assert (np.abs(got_lo - lo) < 0.12 * width).all(), (got_lo, lo, width)
    assert (np.abs(got_hi - hi) < 0.12 * width).all(), (got_hi, hi, width)
    np.testing.assert_allclose(got.std(axis=0), want.std(axis=0), rtol=0.10)
    assert (np.abs(got.mean(axis=0) - want.mean(axis=0)) < 0.05 * width).all()


def test_mixed_strata_add_counted_sums_to_thenormal_resample_sums(monkeypatch):
    # With the normal draws switched off (every large stratum held at its sample sums), a
    # replicate is the sample with only the small strata resampled: exactly bootstrap_cov
    # with count 1 for the large stratum's rows and the drawn counts for the others.
    X, w, strata = linear_rows([40, 2500, 25], seed=45)
    w2 = np.where(np.arange(len(w)) % 7 == 0, 0.0, w)  # a second analysis, other rows
    X2 = X[:, [1, 2, 3]] * np.where(w2 > 0, 1.0, 0.0)[:, None]
    monkeypatch.setattr(db, "normal_resample_sums", lambda s1, s2, n, n_boot, rng: np.broadcast_to(
        s1, (n_boot, len(s1))).copy())
    drawn: list[np.ndarray] = []

    def spy(rng, sizes, n_boot, *, dtype):
        assert sizes.tolist() == [40, 25]  # the large stratum is not counted
        drawn.append(resample_counts(rng, sizes, n_boot, dtype=dtype))
        return drawn[-1]

    monkeypatch.setattr(db, "resample_counts", spy)
    got = bootstrap_importances([fit_of(X, w), fit_of(X2, w2)], strata, "shapley", 50, 100,
                        np.random.default_rng(46))
    order = np.argsort(strata, kind="stable")
    counts = np.ones((50, len(strata)))
    counts[:, np.r_[0:40, 2540:2565]] = np.concatenate(drawn)
    for (x, v), boot in zip([(X, w), (X2, w2)], got, strict=True):
        raw, r2, _ = shapley_from_cov(bootstrap_cov(x[order], counts, v[order]))
        np.testing.assert_allclose(boot, 100 * raw / r2[:, None], rtol=1e-9, atol=1e-9)


def test_mixed_strata_intervals_agree_with_the_exact_bootstrap(tmp_path, monkeypatch):
    # end to end, the threshold from the spec: brands of 5,000 and 4,000 draw normal sums,
    # the brand of 1,500 (<= bootstrap_exact_max = 2,000, the default) multinomial counts
    rng = np.random.default_rng(47)
    sizes = {"A": 5000, "B": 4000, "C": 1500}
    brand = rng.permutation(np.repeat(list(sizes), list(sizes.values())))
    shift = pd.Series(brand).map({"A": -0.4, "B": 0.0, "C": 0.4}).to_numpy()
    latent = rng.normal(size=(len(brand), 3)) + shift[:, None]
    y = latent @ [0.6, 0.35, 0.15] + 0.8 * rng.normal(size=len(brand))

    def code(v: np.ndarray) -> np.ndarray:
        return np.clip(np.round(3 + v), 1, 5).astype(int)

    cust = pd.DataFrame({"eff_1": code(latent[:, 0]), "ease_1": code(latent[:, 1]),
                         "emo_1": code(latent[:, 2]), "brand": brand,
                         "weight": rng.uniform(0.5, 2.0, len(brand)),
                         **{c: code(y + 0.5 * rng.normal(size=len(brand)))
                            for c in ("ret_1", "enr_1", "adv_1")}})
    responses = load(tmp_path, cust)
    assert responses.study.report.bootstrap_exact_max == 2000
    normal_calls: list[float] = []
    normal_sums = db.normal_resample_sums

    def spy(s1, s2, n, n_boot, rng):
        normal_calls.append(n)
        return normal_sums(s1, s2, n, n_boot, rng)

    monkeypatch.setattr(db, "normal_resample_sums", spy)
    mixed = rows(run(responses, n_boot=2000, seed=5)[0])
    assert sorted(normal_calls) == [4000, 5000]
    exact_study = responses.study.with_settings(bootstrap_exact_max=10**9)
    exact = rows(run(replace(responses, study=exact_study), n_boot=2000, seed=5)[0])
    assert len(normal_calls) == 2  # the exact run drew no normal sums
    pd.testing.assert_series_equal(mixed["importance"], exact["importance"])
    width = exact["ci_high"] - exact["ci_low"]
    assert ((mixed["ci_low"] - exact["ci_low"]).abs() < 0.12 * width).all()
    assert ((mixed["ci_high"] - exact["ci_high"]).abs() < 0.12 * width).all()


def test_small_strata_keep_the_plain_multinomial_bootstrap():
    # every stratum <= bootstrap_exact_max: the same random stream and arithmetic as before
    # the normal-sum path existed (counts for all strata per chunk, bootstrap_cov)
    X, w, strata = linear_rows([300, 500, 200], seed=48)
    fits = [fit_of(X, w), fit_of(X[:, [0, 3]], w)]
    got = bootstrap_importances(fits, strata, "relative_weights", 300, 2000,
                                np.random.default_rng(49))
    rng = np.random.default_rng(49)
    order = np.argsort(strata, kind="stable")
    counts = resample_counts(rng, np.bincount(strata), 300, dtype=np.int32)  # one chunk
    for fit, boot in zip(fits, got, strict=True):
        raw, r2, _ = relative_weights_from_cov(bootstrap_cov(fit.X[order], counts,
                                                             fit.w[order]))
        np.testing.assert_array_equal(boot, 100 * raw / r2[:, None])


# ---------------------------------------------------------------------- the sample study
@pytest.fixture(scope="module")
def sample(sample_loaded):
    """The sample study: responses (a copy of the session's shared responses), every
    analysis with 2,000 resamples, and truth.json."""
    responses = private_copy(sample_loaded)
    out, messages = run(responses, items=True)
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    return responses, out, messages, truth


def test_sample_layout_and_order(sample):
    responses, out, messages, _ = sample
    assert messages == [] and (out["warning"] == "").all()
    assert list(out.columns) == COLUMNS
    groups = out[["analysis", "population", "wave"]].drop_duplicates()
    assert list(groups["analysis"].drop_duplicates()) == list(ANALYSES)
    assert len(groups) == 8  # 4 analyses x 2 waves
    for _, g in out.groupby(["analysis", "population", "wave"], sort=False):
        assert g["importance"].sum() == pytest.approx(100.0)
        assert g["importance"].is_monotonic_decreasing
        assert g["r2"].nunique() == 1 and g["n"].nunique() == 1
    assert ((out["ci_low"] < out["importance"]) & (out["importance"] < out["ci_high"])).all()
    assert ((out["performance_ci_low"] < out["performance"])
            & (out["performance"] < out["performance_ci_high"])).all()
    assert (out["method"] == "relative_weights").all()
    assert set(out.loc[out["analysis"] == "bx_preference_customer", "outcome"]) == {
        "preference"}


def test_sample_generator_drivers_come_out_on_top(sample):
    _, out, _, truth = sample
    expected = {"cx_loyalty": truth["loyalty_driver_order"],
                "bx_preference_customer": truth["preference_driver_order"],
                "bx_preference_non_customer": truth["preference_driver_order"]}
    assert expected["cx_loyalty"] == ["emotion", "effectiveness", "ease"]
    assert expected["bx_preference_customer"] == ["trust", "fit", "salience"]
    for (analysis, wave), g in out.groupby(["analysis", "wave"]):
        order = list(g["driver"])
        if analysis == "items_loyalty":  # emotion's two items first, ease's two last
            assert set(order[:2]) == {"emo_1", "emo_2"}, (wave, order)
            assert set(order[-2:]) == {"ease_1", "ease_2"}, (wave, order)
        else:
            assert order == expected[analysis], (analysis, wave, order)
            # ... and clearly: the top driver's interval is above the last one's
            assert g["ci_low"].iloc[0] > g["ci_high"].iloc[-1]
    assert (out["sign"] == 1).all()  # every generator coefficient is positive


def test_sample_intervals_are_those_of_the_multinomial_bootstrap(sample):
    # Every brand cell of the sample holds at most 610 respondents (<= bootstrap_exact_max
    # = 2,000), so the sample keeps the exact multinomial bootstrap: these are the
    # intervals of the code before the normal-sum path for large strata existed, with the
    # brands drawn in sorted order (since the chunked and Dask executors: before, in order
    # of first appearance, e.g. emotion 46.78-52.61)
    responses, out, _, _ = sample
    cells = responses.data.groupby(["population", "wave", "brand"], observed=True).size()
    assert cells.max() <= responses.study.report.bootstrap_exact_max
    before = {
        ("cx_loyalty", "emotion"): (46.832120653171295, 52.721241003540406),
        ("cx_loyalty", "effectiveness"): (29.17140805772819, 34.390723916503426),
        ("cx_loyalty", "ease"): (16.297318904369444, 20.646941706749274),
        ("items_loyalty", "emo_1"): (23.25093443105341, 28.171284754936348),
        ("items_loyalty", "eff_2"): (14.10086315435802, 18.006951711426293),
        ("items_loyalty", "ease_2"): (7.337035572168966, 10.292718239821829),
    }
    got = out.loc[out["wave"] == "2026 Q2"].set_index(["analysis", "driver"])
    np.testing.assert_allclose(got.loc[list(before), ["ci_low", "ci_high"]].to_numpy(),
                               np.array(list(before.values())), rtol=1e-12)


def test_sample_cx_loyalty_pooled_equals_the_cx_index_weights(sample):
    # scoring estimates the CX weights once on all customers of all waves: pool the waves
    responses = sample[0]
    pooled = replace(responses, data=responses.data.assign(wave="all waves"))
    out, _ = run(pooled, n_boot=0)
    cx = rows(out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = tx.score(replace(responses, study=responses.study.with_settings(bootstrap=0)))
    weights = result.cx_weights.set_index("dimension")["weight"]
    assert result.cx_weights["method"].eq("loyalty_weighted").all()
    np.testing.assert_allclose(cx.loc[weights.index, "importance"], 100 * weights,
                               rtol=0, atol=1e-9)


def _independent_frame(responses, population: str, wave: str, constructs: dict[str, list[str]],
                       outcome: list[str]) -> pd.DataFrame:
    """Construct scores the long way: pandas means of the items' score100 (1..7 scales)."""
    d = responses.data
    d = d.loc[(d["population"] == population) & (d["wave"] == wave)]
    s100 = 100 * (d[[c for cols in constructs.values() for c in cols] + outcome]
                  .astype("float64") - 1) / 6
    frame = pd.DataFrame({name: s100[cols].mean(axis=1, skipna=True)
                          for name, cols in constructs.items()})
    return frame.assign(outcome=s100[outcome].mean(axis=1), weight=d["weight"].to_numpy())


@pytest.mark.parametrize(("analysis", "population", "wave", "method"), [
    ("cx_loyalty", "customer", "2026 Q1", "relative_weights"),
    ("bx_preference_non_customer", "non_customer", "2026 Q2", "shapley"),
])
def test_sample_point_estimates_equal_driver_importance(sample, analysis, population, wave,
                                                        method):
    responses = sample[0]
    study = responses.study
    role, outcome_role = (("cx_quality", "loyalty") if analysis == "cx_loyalty"
                          else ("bx_pillar", "preference"))
    constructs = {c.name: study.items_of(c.name) for c in study.constructs_with_role(role)}
    outcome = [i for c in study.constructs_with_role(outcome_role) for i in study.items_of(c.name)]
    frame = _independent_frame(responses, population, wave, constructs, outcome)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = driver_importance(frame, "outcome", list(constructs), weights="weight",
                                method=method, n_boot=0).set_index("driver")
    out, _ = run(responses, n_boot=0, method=method)
    got = out.loc[(out["analysis"] == analysis) & (out["wave"] == wave)].set_index("driver")
    got = got.loc[ref.index]
    for col in ["importance", "raw_weight", "r2", "n_eff"]:
        np.testing.assert_allclose(got[col], ref[col], rtol=1e-12, err_msg=col)
    assert list(got["sign"]) == list(ref["sign"]) and list(got["n"]) == list(ref["n"])
    complete = frame.dropna()
    perf = [np.average(complete[c], weights=complete["weight"]) for c in ref.index]
    np.testing.assert_allclose(got["performance"], perf, rtol=1e-12)


def test_sample_interval_agrees_with_driver_importance_bootstrap(sample):
    # driver_importance resamples respondents without brand strata and from another
    # stream; both estimate the same sampling spread (Monte Carlo error ~0.15 points)
    responses, out, _, _ = sample
    study = responses.study
    constructs = {c.name: study.items_of(c.name) for c in study.constructs_with_role("cx_quality")}
    outcome = [i for c in study.constructs_with_role("loyalty") for i in study.items_of(c.name)]
    frame = _independent_frame(responses, "customer", "2026 Q1", constructs, outcome)
    ref = driver_importance(frame, "outcome", list(constructs), weights="weight", n_boot=2000,
                            seed=3).set_index("driver")
    got = out.loc[(out["analysis"] == "cx_loyalty") & (out["wave"] == "2026 Q1")]
    got = got.set_index("driver").loc[ref.index]
    np.testing.assert_allclose(got[["ci_low", "ci_high"]], ref[["ci_low", "ci_high"]], atol=0.6)
