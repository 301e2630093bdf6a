"""The composite bootstrap: exact multinomial resampling and the normal-sum shortcut.

A multinomial resample of a cell's n respondents has feature sums with mean ``s1`` and
covariance ``n Sigma`` (Sigma the population covariance of the per-respondent feature rows).
Above ``[report] bootstrap_exact_max`` respondents a cell draws its replicate sums from that
normal law (:func:`txscore.stats.inference.normal_resample_sums`), which costs O(F^2) per
replicate whatever n.  These tests check the law's moments against the analytic values,
the agreement of its percentile intervals with exact resampling on a cell of 30,000
respondents (and with the delta-method standard error, an independent value), the routing
by the threshold, the setting, and determinism under the seed.  No timings here:
benchmarks/run.py has them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make_study, private_copy

import txscore as tx
from txscore.errors import StudySpecError
from txscore.responses import Responses
from txscore.scoring.composites import composites
from txscore.scoring.engine import features, item_codes, population_layout
from txscore.scoring.sums import CellSums, resample_sums
from txscore.scoring.tables import tables
from txscore.stats.inference import normal_resample_sums, resample_counts


class _Identity:
    """A stand-in generator whose "standard normal" block is the identity matrix: the
    replicate deviations are then the rows of the factor itself."""

    def standard_normal(self, shape: tuple[int, int]) -> np.ndarray:
        assert shape[0] == shape[1]
        return np.eye(shape[0])


def _skewed_cell(n: int, seed: int) -> np.ndarray:
    """Weighted features of a cell: w x ok_x, w ok_x, w y ok_y, w ok_y (x, y 7-point, skewed,
    correlated, 10% of y unanswered), like the item features of txscore.scoring."""
    rng = np.random.default_rng(seed)
    p = np.array([0.02, 0.03, 0.05, 0.10, 0.20, 0.35, 0.25])
    x = rng.choice(7, size=n, p=p) + 1.0
    y = np.clip(x + rng.choice([-1, 0, 0, 1], size=n), 1, 7)
    ok_y = rng.random(n) > 0.10
    w = np.exp(0.4 * rng.standard_normal(n))
    return np.column_stack([w * x, w, w * y * ok_y, w * ok_y])


def _mean_and_ratio(sums: np.ndarray) -> np.ndarray:
    """(R, 2): the weighted mean of x, and the ratio of the weighted means of y and x."""
    mean_x = sums[:, 0] / sums[:, 1]
    return np.column_stack([mean_x, sums[:, 2] / sums[:, 3] / mean_x])


# ---------------------------------------------------------------------- the normal law
def testnormal_resample_sums_have_exactly_the_multinomial_mean_and_covariance():
    # Features with a constant column and an exact duplicate (as unweighted "answered"
    # counts and the regression's constant are): the law must still have covariance n Sigma.
    f = _skewed_cell(500, seed=1)
    f = np.column_stack([f, np.ones(len(f)), f[:, 1]])
    n, s1, s2 = len(f), f.sum(axis=0), f.T @ f
    n_sigma = n * np.cov(f.T, bias=True)  # independent: numpy's population covariance
    dev = normal_resample_sums(s1, s2, n, f.shape[1], _Identity()) - s1
    np.testing.assert_allclose(dev.T @ dev, n_sigma, rtol=1e-8, atol=1e-8 * n_sigma.max())
    assert np.all(dev[:, 4] == 0)  # the constant feature is held at its sum

    reps = normal_resample_sums(s1, s2, n, 20_000, np.random.default_rng(7))
    sd = np.sqrt(np.diag(n_sigma))
    z = (reps.mean(axis=0) - s1)[sd > 0] / (sd[sd > 0] / np.sqrt(len(reps)))
    assert np.all(np.abs(z) < 4.5), z  # centred on the sample sums
    np.testing.assert_allclose(np.cov(reps.T, bias=True), n_sigma, rtol=0.05,
                               atol=0.05 * n_sigma.max())


def test_multinomial_resample_sums_have_that_mean_and_covariance():
    # The exact resampling the normal law stands in for: same first two moments.
    f = _skewed_cell(200, seed=2)
    n = len(f)
    reps = resample_counts(np.random.default_rng(3), n, 20_000) @ f
    n_sigma = n * np.cov(f.T, bias=True)
    np.testing.assert_allclose(reps.mean(axis=0), f.sum(axis=0), rtol=0.01)
    np.testing.assert_allclose(np.cov(reps.T, bias=True), n_sigma, rtol=0.05)


def test_exact_and_normal_intervals_agree_on_a_cell_of_30000():
    f = _skewed_cell(30_000, seed=3)
    n, n_boot, conf_tail = len(f), 1000, 0.025
    rng = np.random.default_rng(4)
    exact = np.concatenate([resample_counts(rng, n, 250) @ f for _ in range(n_boot // 250)])
    normal = normal_resample_sums(f.sum(0), f.T @ f, n, n_boot, np.random.default_rng(5))
    stats_exact, stats_normal = _mean_and_ratio(exact), _mean_and_ratio(normal)
    point = _mean_and_ratio(f.sum(0)[None, :])[0]

    # Delta-method standard errors, computed independently from the rows.
    w, x = f[:, 1], f[:, 0] / f[:, 1]
    se_mean = np.sqrt(np.sum(w**2 * (x - point[0]) ** 2)) / w.sum()
    u = f[:, 2] / f[:, 3].sum() - f[:, 3] * f[:, 2].sum() / f[:, 3].sum() ** 2  # d mean_y
    v = (f[:, 0] - f[:, 1] * point[0]) / w.sum()  # d mean_x
    mean_y = f[:, 2].sum() / f[:, 3].sum()
    infl = u / point[0] - mean_y / point[0] ** 2 * v
    se = np.array([se_mean, np.sqrt(np.sum((infl - infl.mean()) ** 2))])
    for reps in (stats_exact, stats_normal):
        # the sd of an sd estimated from 1,000 replicates is ~2.2%: allow 4.5 of them
        np.testing.assert_allclose(reps.std(axis=0, ddof=1), se, rtol=0.10)
    # Percentile endpoints: each has Monte-Carlo sd sqrt(p (1 - p) / R) / phi(z) = 0.085 SE,
    # their difference 0.12 SE; 0.5 SE is over 4 of those.
    for q in (conf_tail, 1 - conf_tail):
        diff = np.quantile(stats_exact, q, axis=0) - np.quantile(stats_normal, q, axis=0)
        assert np.all(np.abs(diff) < 0.5 * se), (q, diff / se)


# ---------------------------------------------------------------------- routing and setting
@pytest.fixture(scope="module")
def sample(sample_loaded) -> Responses:
    """The sample study loaded (a copy of the session's shared responses)."""
    return private_copy(sample_loaded)


def _sums(responses: Responses, study=None):
    """The sample's per-cell sums, as tx.score accumulates them (rows of cells of at most
    bootstrap_exact_max respondents kept for exact resampling)."""
    study = study or responses.study
    acc = CellSums(study, exact_max=study.report.bootstrap_exact_max)
    acc.add(responses.data)
    return acc.collect()


def _scores(responses: Responses, **settings) -> pd.DataFrame:
    """The scores table (what tx.score reports) under some settings."""
    study = responses.study.with_settings(**settings)
    sums = _sums(responses, study)
    comp = composites(sums, resample_sums(sums, study.report.bootstrap, study.report.seed))
    return tables(comp, pd.DataFrame(), sums.cells, study, [])[0]


@pytest.mark.parametrize("exact_max", [0, 100_000])
def test_cells_above_the_threshold_use_the_normal_law_and_the_others_resample(
        sample, exact_max):
    study = sample.study.with_settings(bootstrap_exact_max=exact_max)
    sums = _sums(sample, study)
    reps = resample_sums(sums, 50, seed=9)["customer"]
    data, lay = sample.data, population_layout(study, "customer")
    w = data["weight"].to_numpy(float)
    rng = np.random.default_rng(9)
    keys = sums.cells.keys.iloc[:sums.cells.n_brand_cells]
    for g, (wave, brand) in enumerate(keys[["wave", "brand"]].itertuples(index=False)):
        # replay the stream cell by cell, the cell's rows in data order
        rows = np.flatnonzero((data["population"] == "customer").to_numpy()
                              & (data["wave"] == wave).to_numpy()
                              & (data["brand"] == brand).to_numpy())
        block = features(item_codes(data, lay, rows), w[rows], lay)
        expected = (resample_counts(rng, len(block), 50) @ block if len(block) <= exact_max
                    else normal_resample_sums(block.sum(0), block.T @ block, len(block), 50, rng))
        np.testing.assert_allclose(reps[1:, g], expected, rtol=1e-12)
        np.testing.assert_allclose(reps[0, g], block.sum(0), rtol=1e-12)


def test_sample_tx_intervals_exact_and_normal_agree_within_monte_carlo_error(sample):
    # Cells of 400-600 respondents: even there the normal-sum bootstrap matches exact
    # resampling, which is why the default threshold (2,000 per cell) is conservative.
    out = {}
    for exact_max in (10**9, 0):
        s = _scores(sample, bootstrap=1000, bootstrap_exact_max=exact_max)
        out[exact_max] = s[s["measure"].isin(["tx", "cx", "customer_score"])].set_index(
            ["measure", "population", "wave", "brand"])
    exact, normal = out[10**9], out[0]
    np.testing.assert_allclose(exact["value"], normal["value"], rtol=1e-12)
    se = exact["se"]
    for col in ("ci_low", "ci_high"):  # endpoint difference sd ~0.12 SE at R = 1,000
        assert ((exact[col] - normal[col]).abs() / se).max() < 0.6
    assert ((exact["se"] - normal["se"]).abs() / se).max() < 0.2


def test_same_seed_same_intervals_other_seed_other_intervals(sample):
    def tx_rows(seed: int) -> pd.DataFrame:
        s = _scores(sample, bootstrap=200, bootstrap_exact_max=0, seed=seed)
        return s[s["measure"] == "tx"][["value", "ci_low", "ci_high"]].reset_index(drop=True)

    first, again, other = tx_rows(1), tx_rows(1), tx_rows(2)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_series_equal(first["value"], other["value"])
    assert not np.allclose(first["ci_low"], other["ci_low"])


def test_bootstrap_exact_max_is_read_from_the_spec_and_checked(tmp_path):
    cust = pd.DataFrame({"eff_1": [4, 5, 3], "ret_1": [4, 4, 2]})
    assert tx.read_study(make_study(tmp_path, cust)).report.bootstrap_exact_max == 2000
    path = make_study(tmp_path, cust, report={"bootstrap_exact_max": 0})
    assert tx.read_study(path).report.bootstrap_exact_max == 0
    with pytest.raises(StudySpecError) as err:
        tx.read_study(make_study(tmp_path, cust, report={"bootstrap_exact_max": -5}))
    assert "bootstrap_exact_max" in str(err.value) + " ".join(
        p.message for p in err.value.problems)
