"""Tests of txscore.stats.drivers against published R output and independent computations.

Reference data and numbers, with their sources: tests/reference/drivers_reference.md.
"""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from txscore.errors import InputDataError, ParameterError, TxscoreWarning
from txscore.stats.drivers import (
    DRIVER_WARNINGS,
    driver_importance,
    point_importance,
    relative_weights_from_cov,
    shapley_from_cov,
    warning_message,
)
from txscore.stats.moments import (
    bootstrap_cov,
    cov_from_moments,
    moment_features,
    recentre_moments,
    weighted_cov,
)

REF = Path(__file__).parent / "reference"
ATTITUDE_DRIVERS = ["complaints", "privileges", "learning", "raises", "critical", "advance"]
quiet = pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")


@pytest.fixture(scope="module")
def attitude() -> pd.DataFrame:
    return pd.read_csv(REF / "attitude.csv", index_col="rownames")


@pytest.fixture(scope="module")
def mtcars() -> pd.DataFrame:
    return pd.read_csv(REF / "mtcars.csv", skipinitialspace=True)


def correlated_data(n: int = 300, p: int = 4, seed: int = 0) -> pd.DataFrame:
    """Drivers sharing a common factor (r ~ .4) and an outcome driven mostly by the first."""
    rng = np.random.default_rng(seed)
    X = 0.7 * rng.normal(size=(n, 1)) + rng.normal(size=(n, p))
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(p)])
    df["y"] = X @ np.linspace(1.0, -0.2, p) + rng.normal(size=n)
    return df


def lstsq_fit(X: np.ndarray, y: np.ndarray, w: np.ndarray | None = None):
    """R^2 and slopes of the (weighted) least-squares fit with an intercept."""
    w = np.ones(len(y)) if w is None else w
    A = np.column_stack([np.ones(len(y)), X]) * np.sqrt(w)[:, None]
    coef = np.linalg.lstsq(A, y * np.sqrt(w), rcond=None)[0]
    resid = y - np.column_stack([np.ones(len(y)), X]) @ coef
    ybar = np.average(y, weights=w)
    return 1 - (w * resid**2).sum() / (w * (y - ybar) ** 2).sum(), coef[1:]


# --- Published references -------------------------------------------------------------

@quiet
def test_shapley_attitude_matches_dominanceanalysis(attitude):
    # R: averageContribution(dominanceAnalysis(lm(rating ~ ., attitude)))
    published = {"complaints": 0.371, "privileges": 0.051, "learning": 0.156,
                 "raises": 0.120, "critical": 0.007, "advance": 0.028}
    res = driver_importance(attitude, "rating", ATTITUDE_DRIVERS, method="shapley", n_boot=0)
    got = dict(zip(res["driver"], res["raw_weight"], strict=True))
    for driver, value in published.items():
        assert got[driver] == pytest.approx(value, abs=0.0005), driver
    assert res["r2"].iloc[0] == pytest.approx(0.733, abs=0.0005)
    assert res["n"].iloc[0] == 30
    assert list(res.sort_values("rank")["driver"][:3]) == ["complaints", "learning", "raises"]


@quiet
@pytest.mark.parametrize(("drivers", "r2"), [
    (["complaints"], 0.681), (["privileges"], 0.182), (["learning"], 0.389),
    (["raises"], 0.348), (["critical"], 0.024), (["advance"], 0.024),
    (["complaints", "learning"], 0.708), (["learning", "raises", "advance"], 0.552),
    (["complaints", "privileges", "learning", "raises", "advance"], 0.732),
])
def test_subset_r2_attitude_matches_dominanceanalysis(attitude, drivers, r2):
    # R: summary(dominanceAnalysis(lm(rating ~ ., attitude))), "Dominance Analysis matrix"
    res = driver_importance(attitude, "rating", drivers, method="shapley", n_boot=0)
    assert res["r2"].iloc[0] == pytest.approx(r2, abs=0.0005)


@quiet
@pytest.mark.parametrize(("drivers", "raw", "rescaled", "r2", "r2_abs"), [
    # R: rwa(mtcars, outcome = "mpg", predictors = c("cyl", "disp", "hp", "gear"))  (README)
    (["cyl", "disp", "hp", "gear"], [0.2284797, 0.2221469, 0.2321744, 0.0963886],
     [29.32274, 28.50999, 29.79691, 12.37037], 0.7791896, 5e-8),
    # R: rwa_multiregress(mtcars, "mpg", c("cyl", "disp", "hp", "wt"))  (vignette)
    (["cyl", "disp", "hp", "wt"], [0.2096904, 0.1883043, 0.1799590, 0.2706812],
     [24.70914, 22.18908, 21.20570, 31.89607], 0.8486, 5e-5),
])
def test_relative_weights_mtcars_match_rwa(mtcars, drivers, raw, rescaled, r2, r2_abs):
    res = driver_importance(mtcars, "mpg", drivers, n_boot=0)
    np.testing.assert_allclose(res["raw_weight"], raw, rtol=0, atol=5e-8)
    np.testing.assert_allclose(res["importance"], rescaled, rtol=0, atol=5e-6)
    assert res["r2"].iloc[0] == pytest.approx(r2, abs=r2_abs)
    assert res["n"].iloc[0] == 32
    # Signs follow the multiple-regression coefficients (see drivers_reference.md).
    _, slopes = lstsq_fit(mtcars[drivers].to_numpy(), mtcars["mpg"].to_numpy())
    assert list(res["sign"]) == list(np.sign(slopes).astype(int))


@quiet
def test_weighted_relative_weights_mtcars_match_rwa(mtcars):
    # R: rwa(d, "mpg", c("hp", "wt", "disp"), weight = "observation_weight"),
    #    d$observation_weight <- rep(c(1, 2, 5, 3), 8)
    d = mtcars.assign(observation_weight=np.tile([1, 2, 5, 3], 8))
    res = driver_importance(d, "mpg", ["hp", "wt", "disp"], weights="observation_weight",
                            n_boot=0)
    np.testing.assert_allclose(res["raw_weight"], [0.2322933, 0.3546032, 0.2844148],
                               rtol=0, atol=5e-8)
    np.testing.assert_allclose(res["importance"], [26.66020, 40.69765, 32.64215],
                               rtol=0, atol=5e-6)
    assert res["r2"].iloc[0] == pytest.approx(0.8713113, abs=5e-8)
    assert res["n_eff"].iloc[0] == pytest.approx(24.82051, abs=5e-6)
    assert list(res["sign"]) == [-1, -1, -1]


# --- Independent computations ---------------------------------------------------------

def test_relative_weights_equal_svd_construction():
    # Johnson (2000) from the data: orthogonal twins Z* = U V' of the standardized drivers.
    df = correlated_data(n=200, p=5, seed=3)
    X, y = df.drop(columns="y").to_numpy(), df["y"].to_numpy()
    Z = (X - X.mean(0)) / X.std(0, ddof=1)
    ys = (y - y.mean()) / y.std(ddof=1)
    U, _, Vt = np.linalg.svd(Z, full_matrices=False)
    z_star = U @ Vt * np.sqrt(len(y) - 1)
    beta = np.linalg.lstsq(z_star, ys, rcond=None)[0]
    lam = np.linalg.lstsq(z_star, Z, rcond=None)[0]          # lam[k, j]: Z_j on Z*_k
    expected = (lam**2 * (beta**2)[:, None]).sum(axis=0)
    raw, r2, _ = relative_weights_from_cov(np.cov(np.column_stack([X, y]), rowvar=False))
    np.testing.assert_allclose(raw, expected, rtol=0, atol=1e-10)
    assert r2 == pytest.approx(lstsq_fit(X, y)[0], abs=1e-10)


def test_shapley_equals_average_over_all_orders():
    df = correlated_data(n=150, p=4, seed=4)
    X, y = df.drop(columns="y").to_numpy(), df["y"].to_numpy()
    r2 = {(): 0.0}
    for k in range(1, 5):
        for s in itertools.combinations(range(4), k):
            r2[s] = lstsq_fit(X[:, list(s)], y)[0]
    expected = np.zeros(4)
    for order in itertools.permutations(range(4)):
        for pos, j in enumerate(order):
            before = tuple(sorted(order[:pos]))
            expected[j] += r2[tuple(sorted((*before, j)))] - r2[before]
    expected /= math.factorial(4)
    raw, _, _ = shapley_from_cov(np.cov(np.column_stack([X, y]), rowvar=False))
    np.testing.assert_allclose(raw, expected, rtol=0, atol=1e-10)


def test_uncorrelated_drivers_both_methods_give_squared_correlations():
    rng = np.random.default_rng(5)
    raw_x = rng.normal(size=(100, 3))
    Q, _ = np.linalg.qr(raw_x - raw_x.mean(0))           # centred, exactly uncorrelated
    y = Q @ [3.0, 2.0, 1.0] + 0.1 * rng.normal(size=100)
    cov = np.cov(np.column_stack([Q, y]), rowvar=False)
    r_xy = np.corrcoef(np.column_stack([Q, y]), rowvar=False)[:3, 3]
    for fn in (relative_weights_from_cov, shapley_from_cov):
        raw, r2, _ = fn(cov)
        np.testing.assert_allclose(raw, r_xy**2, rtol=0, atol=1e-12)


@pytest.mark.parametrize("method", ["relative_weights", "shapley"])
def test_raw_weights_sum_to_full_model_r2(method):
    df = correlated_data(n=250, p=6, seed=6)
    drivers = [c for c in df.columns if c != "y"]
    res = driver_importance(df, "y", drivers, method=method, n_boot=0)
    r2, slopes = lstsq_fit(df[drivers].to_numpy(), df["y"].to_numpy())
    assert res["raw_weight"].sum() == pytest.approx(r2, abs=1e-12)
    assert res["r2"].iloc[0] == pytest.approx(r2, abs=1e-12)
    assert res["importance"].sum() == pytest.approx(100, abs=1e-9)
    standardized = slopes * df[drivers].std().to_numpy() / df["y"].std()
    np.testing.assert_allclose(res["coefficient"], standardized, rtol=0, atol=1e-10)


# --- Weights --------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["relative_weights", "shapley"])
def test_frequency_weights_equal_duplicated_rows(method):
    df = correlated_data(n=120, p=3, seed=7)
    freq = np.random.default_rng(8).integers(1, 5, size=len(df))
    drivers = ["x0", "x1", "x2"]
    weighted = driver_importance(df, "y", drivers, weights=freq, method=method, n_boot=0)
    repeated = driver_importance(df.loc[df.index.repeat(freq)], "y", drivers, method=method,
                                 n_boot=0)
    for col in ("raw_weight", "importance", "coefficient", "r2"):
        np.testing.assert_allclose(weighted[col], repeated[col], rtol=0, atol=1e-10)


def test_unit_and_rescaled_weights_change_nothing():
    df = correlated_data(n=120, p=3, seed=9)
    drivers = ["x0", "x1", "x2"]
    plain = driver_importance(df, "y", drivers, n_boot=0)
    ones = driver_importance(df, "y", drivers, weights=np.ones(len(df)), n_boot=0)
    w = np.random.default_rng(10).uniform(0.2, 3, size=len(df))
    by_name = driver_importance(df.assign(w=w), "y", drivers, weights="w", n_boot=0)
    scaled = driver_importance(df, "y", drivers, weights=w * 1000, n_boot=0)
    pd.testing.assert_frame_equal(plain, ones, rtol=0, atol=1e-12)
    pd.testing.assert_frame_equal(by_name, scaled, rtol=0, atol=1e-10)
    assert plain["n_eff"].iloc[0] == 120


def test_weighted_cov_drops_incomplete_rows_and_matches_numpy():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(50, 3))
    w = rng.integers(1, 4, size=50).astype(float)
    np.testing.assert_allclose(weighted_cov(X), np.cov(X, rowvar=False), atol=1e-12)
    X_missing = np.vstack([X, [[np.nan, 1.0, 2.0]]])
    np.testing.assert_allclose(weighted_cov(X_missing, np.append(w, 1.0)), weighted_cov(X, w),
                               atol=1e-12)


# --- Batching and bootstrap -----------------------------------------------------------

@pytest.mark.parametrize("fn", [relative_weights_from_cov, shapley_from_cov])
def test_batched_equals_loop(fn):
    rng = np.random.default_rng(12)
    covs = np.stack([np.cov(rng.normal(size=(40, 5)) @ rng.normal(size=(5, 5)), rowvar=False)
                     for _ in range(6)]).reshape(2, 3, 5, 5)
    raw, r2, coefs = fn(covs)
    assert raw.shape == (2, 3, 4) and r2.shape == (2, 3)
    for a, b in itertools.product(range(2), range(3)):
        one = fn(covs[a, b])
        np.testing.assert_allclose(raw[a, b], one[0], atol=1e-12)
        np.testing.assert_allclose(r2[a, b], one[1], atol=1e-12)
        np.testing.assert_allclose(coefs[a, b], one[2], atol=1e-12)


def test_bootstrap_cov_equals_weighted_cov_of_repeated_rows():
    rng = np.random.default_rng(13)
    X = rng.normal(loc=50, scale=10, size=(30, 4))
    w = rng.uniform(0.5, 2, size=30)
    counts = rng.multinomial(30, np.full(30, 1 / 30), size=5)
    covs = bootstrap_cov(X, counts, w)
    for b in range(5):
        rows = np.repeat(np.arange(30), counts[b])
        np.testing.assert_allclose(covs[b], weighted_cov(X[rows], w[rows]), atol=1e-9)


def test_cov_from_moment_sums_equals_weighted_cov_of_repeated_rows():
    # the normal-sum bootstrap's route: sums of [w, w u, w u u', 1{w>0}] -> covariance
    rng = np.random.default_rng(31)
    X = rng.normal(loc=50, scale=10, size=(30, 4))
    w = rng.uniform(0.5, 2, size=30)
    w[[3, 17]] = 0.0  # incomplete respondents: in the resample, not in the covariance
    counts = rng.multinomial(30, np.full(30, 1 / 30), size=5).astype(float)
    Z = moment_features(X, w, centre=np.array([45.0, 55, 50, 60]))
    assert Z.shape == (30, 1 + 4 + 10 + 1)
    covs = cov_from_moments(counts @ Z, 4, full_var=np.ones(4))
    np.testing.assert_allclose(covs, bootstrap_cov(X, counts, w), rtol=1e-9)
    for b in range(5):
        rows = np.repeat(np.arange(30), counts[b].astype(int))
        np.testing.assert_allclose(covs[b], weighted_cov(X[rows], w[rows]), rtol=1e-9)


def test_recentred_moment_sums_equal_the_moments_about_the_new_centre():
    # sums about a stratum's own mean, moved to the pooled mean, add up across strata
    rng = np.random.default_rng(32)
    X = rng.normal(loc=[20.0, 60, 80], scale=5, size=(40, 3))
    w = rng.uniform(0.5, 2, size=40)
    old, new = X[:20].mean(axis=0), np.array([50.0, 50, 50])
    counts = rng.multinomial(20, np.full(20, 1 / 20), size=4).astype(float)
    about_old = counts @ moment_features(X[:20], w[:20], old)
    np.testing.assert_allclose(recentre_moments(about_old, 3, old - new),
                               counts @ moment_features(X[:20], w[:20], new), rtol=1e-10)
    pooled = (recentre_moments(moment_features(X[:20], w[:20], old).sum(0), 3, old - new)
              + moment_features(X[20:], w[20:], new).sum(0))
    np.testing.assert_allclose(cov_from_moments(pooled, 3, np.ones(3))[0], weighted_cov(X, w),
                               rtol=1e-10)


def test_cov_from_moments_marks_a_constant_resample_nan():
    X = np.column_stack([np.arange(6.0), [1.0, 1, 1, 1, 1, 2]])
    w = np.ones(6)
    counts = np.array([[1.0, 1, 1, 1, 1, 1], [2, 1, 1, 1, 1, 0]])  # 2nd: column 1 constant
    covs = cov_from_moments(counts @ moment_features(X, w, X.mean(0)), 2, X.var(axis=0))
    np.testing.assert_allclose(covs[0], weighted_cov(X, w))
    assert np.isnan(covs[1]).all()


def test_bootstrap_is_seeded_and_reproducible():
    df = correlated_data(n=200, p=3, seed=14)
    args = (df, "y", ["x0", "x1", "x2"])
    first = driver_importance(*args, n_boot=300, seed=42)
    again = driver_importance(*args, n_boot=300, seed=42)
    other = driver_importance(*args, n_boot=300, seed=43)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["ci_low"], other["ci_low"])


@pytest.mark.parametrize("method", ["relative_weights", "shapley"])
def test_bootstrap_interval_brackets_clear_signal(method):
    df = correlated_data(n=400, p=3, seed=15)
    res = driver_importance(df, "y", ["x0", "x1", "x2"], method=method, n_boot=2000,
                            weights=np.linspace(0.5, 1.5, 400))
    assert (res["ci_low"] <= res["importance"]).all()
    assert (res["importance"] <= res["ci_high"]).all()
    assert (res["ci_high"] - res["ci_low"] < 40).all()
    assert res.loc[0, "rank"] == 1 and res.loc[0, "ci_low"] > 50


def test_no_bootstrap_gives_nan_interval_and_tidy_columns():
    df = correlated_data(n=100, p=3, seed=16)
    res = driver_importance(df, "y", ["x0", "x1", "x2"], n_boot=0)
    assert list(res.columns) == ["driver", "raw_weight", "importance", "sign", "coefficient",
                                 "ci_low", "ci_high", "rank", "r2", "n", "n_eff", "method"]
    assert res[["ci_low", "ci_high"]].isna().all().all()
    assert res.drop(columns=["ci_low", "ci_high"]).notna().all().all()
    assert sorted(res["rank"]) == [1, 2, 3] and set(res["sign"]) <= {-1, 1}


def test_degenerate_resamples_are_dropped_with_a_warning():
    # A yes/no driver with 2 "yes" among 60: ~40% of resamples hold no "yes" at all.
    rng = np.random.default_rng(26)
    df = pd.DataFrame({"a": rng.normal(size=60), "rare": np.r_[True, True, np.zeros(58, bool)]})
    df["y"] = df["a"] + 2 * df["rare"] + rng.normal(size=60)
    with pytest.warns(TxscoreWarning, match=r"of 500 bootstrap resamples were degenerate"):
        res = driver_importance(df, "y", ["a", "rare"], n_boot=500)
    assert res[["ci_low", "ci_high"]].notna().all().all()


# --- Guards ---------------------------------------------------------------------------

def test_near_duplicate_drivers_warn():
    df = correlated_data(n=300, p=3, seed=17)
    df["x1"] = df["x0"] + 0.3 * np.random.default_rng(18).normal(size=300)
    df["x2"] = -df["x0"] + 0.05 * np.random.default_rng(19).normal(size=300)
    r01, r02 = df.corr().loc["x0", ["x1", "x2"]]
    assert 0.95 < r01 < 0.98 and r02 < -0.995
    with pytest.warns(TxscoreWarning) as caught:
        driver_importance(df, "y", ["x0", "x1", "x2"], n_boot=0)
    said = [str(w.message) for w in caught]
    assert said[0].startswith(f"near-duplicate drivers: x0 and x1, r = .{round(r01 * 100)}.")
    assert said[1].startswith("near-duplicate drivers: x0 and x2, r = -.99")
    _, codes = point_importance(df[["x0", "x1", "x2", "y"]].to_numpy(), None,
                                ["x0", "x1", "x2"])
    assert codes[0] == f"near_duplicate:x0~x1(.{round(r01 * 100)})"
    assert codes[1].startswith("near_duplicate:x0~x2(-.99")


def test_near_singular_driver_matrix_warns():
    rng = np.random.default_rng(19)
    df = pd.DataFrame(rng.normal(size=(500, 3)), columns=["a", "b", "c"])
    df["d"] = df["a"] + df["b"] + df["c"] + 0.03 * rng.normal(size=500)
    df["y"] = df.sum(axis=1) + rng.normal(size=500)
    with pytest.warns(TxscoreWarning, match="near-singular driver correlation matrix"):
        driver_importance(df, "y", ["a", "b", "c", "d"], n_boot=0)


def test_low_n_per_driver_warns_and_clean_data_does_not():
    df = correlated_data(n=50, p=3, seed=20)
    with pytest.warns(TxscoreWarning, match="low n per driver"):
        driver_importance(df, "y", ["x0", "x1", "x2"], n_boot=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        driver_importance(correlated_data(n=300, p=3), "y", ["x0", "x1", "x2"], n_boot=50)


@quiet
def test_complete_cases_only():
    df = correlated_data(n=100, p=3, seed=21)
    df.loc[[3, 7], "x1"] = np.nan
    df.loc[9, "y"] = np.nan
    res = driver_importance(df, "y", ["x0", "x1", "x2"], n_boot=0)
    ref = driver_importance(df.dropna(), "y", ["x0", "x1", "x2"], n_boot=0)
    assert res["n"].iloc[0] == 97
    pd.testing.assert_frame_equal(res, ref)


@quiet
def test_too_few_cases_raise():
    df = correlated_data(n=5, p=4, seed=22)
    with pytest.raises(InputDataError, match="5 complete cases for 4 drivers"):
        driver_importance(df, "y", ["x0", "x1", "x2", "x3"], n_boot=0)


@pytest.mark.parametrize("column", ["x1", "y"])
def test_zero_variance_raises(column):
    df = correlated_data(n=100, p=3, seed=23).assign(**{column: 4.2})
    with pytest.raises(InputDataError, match=f"\\['{column}'\\] have zero variance"):
        driver_importance(df, "y", ["x0", "x1", "x2"], n_boot=0)


def test_linearly_dependent_drivers_raise():
    df = correlated_data(n=100, p=3, seed=24)
    df["x2"] = df["x0"] - 2 * df["x1"]
    with pytest.raises(InputDataError, match="linearly dependent"):
        driver_importance(df, "y", ["x0", "x1", "x2"], n_boot=0)


def test_bad_settings_raise():
    df = correlated_data(n=100, p=3, seed=25)
    with pytest.raises(ParameterError, match="must be one of 'relative_weights', 'shapley'. "
                                             "Got 'lmg'"):
        driver_importance(df, "y", ["x0"], method="lmg")
    with pytest.raises(ParameterError, match="'n_boot' setting must be a whole number at "
                                             "least 0. Got -1"):
        driver_importance(df, "y", ["x0"], n_boot=-1)
    with pytest.raises(ParameterError, match="'confidence' setting must be a number greater "
                                             "than 0.5 and less than 1. Got 95"):
        driver_importance(df, "y", ["x0"], confidence=95)
    with pytest.raises(InputDataError, match="not in the data"):
        driver_importance(df, "y", ["x0", "nope"])
    with pytest.raises(InputDataError, match="non-negative"):
        driver_importance(df, "y", ["x0"], weights=-np.ones(100))
    with pytest.raises(InputDataError, match="not numeric"):
        driver_importance(df.assign(x1="a"), "y", ["x0", "x1"])
    with pytest.raises(InputDataError, match="at most 15 drivers"):
        shapley_from_cov(np.eye(17))


def test_every_warning_is_a_declared_code_with_a_message():
    codes = ["few_cases_per_driver(13.3)", "near_duplicate:trust~fit(.97)", "singular(1234)",
             "degenerate_resamples(12/2000)"]
    assert [c.split(":")[0].split("(")[0] for c in codes] == list(DRIVER_WARNINGS)
    said = [warning_message(c) for c in codes]
    assert said[0].startswith("low n per driver: 13.3 complete cases per driver")
    assert said[1].startswith("near-duplicate drivers: trust and fit, r = .97.")
    assert said[2].startswith("near-singular driver correlation matrix (condition number "
                              "1,234 > 1,000)")
    assert said[3].startswith("12 of 2000 bootstrap resamples were degenerate")
