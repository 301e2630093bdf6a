"""Respondents as clusters: a respondent's rows (every brand rated, in either population) are
one unit of the bootstrap and of the analytic variances.

Independent checks: the linearised variance of a weighted mean with respondents as primary
sampling units (what R's ``survey::svymean(~y, svydesign(ids = ~respondent, weights =
~w))`` computes) written out by hand on a 6-respondent example; the items table's
all-brands intervals against that formula on simulated brand loops; an unchanged result
when every respondent has one row; Feldt's interval on the respondents with scipy; and the
coverage of the 95% intervals over 1,000 simulated studies with a strong respondent effect,
where the row-independent intervals fail.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from brandloop import brand_loop_data, responses_of
from conftest import SAMPLE_DIR, with_settings
from scipy import stats

import txscore as tx
from txscore.scoring.chunked import score_chunks
from txscore.scoring.composites import composites
from txscore.scoring.items import item_statistics, nps_table
from txscore.scoring.sums import CellSums, resample_sums
from txscore.stats.clusters import clustered_mean
from txscore.stats.inference import percentile_interval


# ---------------------------------------------------------------------- the formula
def test_clustered_mean_six_respondents_by_hand():
    # 6 respondents, 10 rows: a rated 3 brands, b and c 2, d e f 1
    resp = ["a", "a", "a", "b", "b", "c", "c", "d", "e", "f"]
    y = np.array([5, 6, 7, 2, 3, 4, 4, 1, 6, 3], dtype=float)
    w = np.array([1, 1, 1, 2, 2, 1, 1, 0.5, 1, 1.5])
    out = clustered_mean(y, w, resp).iloc[0]
    # by hand: sum w = 12, sum w y = 5+6+7+4+6+4+4+0.5+6+4.5 = 47, mean = 47/12
    assert out["sum_w"] == 12 and out["mean"] == pytest.approx(47 / 12, abs=1e-15)
    m = 47 / 12
    # z_c = sum_{i in c} w_i (y_i - m): a: 18 - 3m, b: 10 - 4m, c: 8 - 2m, d: 0.5 - 0.5m,
    # e: 6 - m, f: 4.5 - 1.5m (they sum to 47 - 12m = 0)
    z = np.array([18 - 3 * m, 10 - 4 * m, 8 - 2 * m, 0.5 - 0.5 * m, 6 - m, 4.5 - 1.5 * m])
    assert z.sum() == pytest.approx(0, abs=1e-12)
    # svymean, one stratum, with-replacement PSUs: n/(n-1) sum (z_c - zbar)^2 / (sum w)^2
    var = 6 / 5 * ((z - z.mean()) ** 2).sum() / 12**2
    assert out["variance"] == pytest.approx(var, rel=1e-12)
    # in twelfths: z = (75, -68, 2, -17.5, 25, -16.5) / 12, squares summing to 11456.5 / 144
    assert out["variance"] == pytest.approx(6 / 5 * 11456.5 / 144 / 144, rel=1e-12)
    # every row its own cluster: 10/9 sum w_i^2 (y_i - m)^2 / (sum w)^2
    rows = 10 / 9 * (w**2 * (y - m) ** 2).sum() / 144
    assert out["variance_rows"] == pytest.approx(rows, rel=1e-12)
    assert out["deff_cluster"] == pytest.approx(var / rows, rel=1e-12)
    assert (out["n_rows"], out["n_clusters"]) == (10, 6)
    # one row per cluster: the two variances are the same number
    alone = clustered_mean(y, w, np.arange(10)).iloc[0]
    assert alone["variance"] == pytest.approx(alone["variance_rows"], rel=1e-12)


def test_clustered_mean_groups_and_missing():
    y = np.array([1.0, np.nan, 3.0, 2.0, 4.0, 4.0])
    out = clustered_mean(y, np.ones(6), ["a", "a", "b", "c", "c", "d"],
                         group=[0, 0, 0, 1, 1, 1])
    one = clustered_mean([1.0, 3.0], [1.0, 1.0], ["a", "b"]).iloc[0]
    assert out.loc[0, "variance"] == pytest.approx(one["variance"])  # the NaN row left out
    assert out.loc[1, "n_clusters"] == 2 and out.loc[1, "mean"] == pytest.approx(10 / 3)


# ---------------------------------------------------------------------- analytic totals
def test_items_all_brands_intervals_are_clustered():
    data = brand_loop_data(np.random.default_rng(3))
    items, _ = item_statistics(responses_of(data, bootstrap=0))
    nc = data[data["population"] == "non_customer"]
    for item in ("trust_1", "sal_2"):
        row = items.query(f"item == '{item}' and brand == 'All brands' and "
                          "population == 'non_customer'").iloc[0]
        ref = clustered_mean(100 * (nc[item] - 1) / 6, nc["weight"], nc["respondent_id"]).iloc[0]
        assert row["se"] == pytest.approx(np.sqrt(ref["variance"]), rel=1e-9)
        assert row["deff_cluster"] == pytest.approx(ref["deff_cluster"], rel=1e-9)
        assert row["deff_cluster"] > 1.5  # a strong respondent effect
        # the top box's Wilson interval on n_eff / deff
        top = row["top_box"] / 100
        n = row["n_eff"] / row["deff_cluster"]
        zq = stats.norm.ppf(0.975)
        centre = (top + zq**2 / (2 * n)) / (1 + zq**2 / n)
        half = zq * np.sqrt(top * (1 - top) / n + zq**2 / (4 * n**2)) / (1 + zq**2 / n)
        assert row["top_box_ci_low"] == pytest.approx(100 * (centre - half), rel=1e-9)
    # brand cells: one row per respondent, nothing changes
    brands = items.query("brand != 'All brands'")
    assert (brands["deff_cluster"] == 1.0).all()


def test_nps_total_uses_the_clustered_base():
    # customers of two brands (the nps item is asked of customers): each answers alike
    data = brand_loop_data(np.random.default_rng(4), customers_rate_others=False)
    cust = data[data["population"] == "customer"]
    brands = sorted(data["brand"].unique())
    shift = dict(zip(brands, brands[1:] + brands[:1], strict=True))
    twin = cust.assign(brand=cust["brand"].map(shift))
    data = pd.concat([data, twin], ignore_index=True)
    got = {c: nps_table(responses_of(data, bootstrap=0, clusters=c)) for c in ("respondent",
                                                                              "row")}
    tot = {c: f.query("brand == 'All brands'").iloc[0] for c, f in got.items()}
    assert tot["respondent"]["value"] == tot["row"]["value"]
    items, _ = item_statistics(responses_of(data, bootstrap=0))
    deff = items.query("item == 'recommend' and brand == 'All brands'")["deff_cluster"].iloc[0]
    assert deff > 1.5  # identical answers on both rows: close to 2
    assert tot["respondent"]["se"] == pytest.approx(tot["row"]["se"] * np.sqrt(deff), rel=1e-9)
    brand = {c: f.query("brand == 'Adatum'").iloc[0] for c, f in got.items()}
    assert brand["respondent"]["se"] == brand["row"]["se"]


# ---------------------------------------------------------------------- unchanged
def test_one_row_per_respondent_changes_nothing(sample_loaded, sample_scored):
    # the sample with 200 resamples, scored with clusters = "respondent" (the default): the
    # session's, read only
    responses = with_settings(sample_loaded, bootstrap=200)
    study = responses.study
    assert study.report.clusters == "respondent"
    assert not responses.data.duplicated(["wave", "respondent_id"]).any()
    clustered = sample_scored
    rows = tx.score(tx.Responses(study.with_settings(clusters="row"), responses.data,
                                 responses.exclusions, responses.files))
    for name in ("scores", "items", "changes", "grid", "ranks", "reliability",
                 "reliability_waves", "cx_weights", "drivers"):
        pd.testing.assert_frame_equal(getattr(clustered, name), getattr(rows, name),
                                      check_exact=True, obj=name)


# ---------------------------------------------------------------------- the bootstrap
def _estimates(data: pd.DataFrame, clusters: str, n_boot: int, seed: int,
               exact_max: int = 2000) -> dict:
    study = responses_of(data, bootstrap=n_boot, cx_method="equal", clusters=clusters,
                         bootstrap_exact_max=exact_max).study
    acc = CellSums(study, exact_max=exact_max)
    acc.add(data)
    sums = acc.collect()
    return composites(sums, resample_sums(sums, n_boot, seed)).arrays


def test_a_respondents_rows_move_together():
    # every non-customer gives each brand the same answers: with respondents as clusters,
    # brand A's and brand B's N are equal in every replicate; rows resampled apart are not
    data = brand_loop_data(np.random.default_rng(5), customers_rate_others=False)
    nc = data[data["population"] == "non_customer"]
    items = list(tx.read_study(SAMPLE_DIR / "study.toml").items)
    first = nc.drop_duplicates("respondent_id").set_index("respondent_id")[items]
    data.loc[nc.index, items] = first.loc[nc["respondent_id"]].to_numpy()
    for clusters, same in (("respondent", True), ("row", False)):
        n = _estimates(data, clusters, 200, 1)[("non_customer", "bx_non_customers")]
        diff = n[1:, 0] - n[1:, 1]
        assert np.allclose(n[0, 0], n[0, 1])
        assert bool(np.abs(diff).max() < 1e-9) is same, clusters


def test_chunks_by_respondent_give_the_in_memory_numbers():
    data = brand_loop_data(np.random.default_rng(6), n_customers=300, n_non_customers=300,
                           waves=("2026 Q1", "2026 Q2"))
    responses = responses_of(data, bootstrap=300, bootstrap_exact_max=0)
    whole = tx.score(responses)
    people = data["respondent_id"].str.rsplit("-", n=1).str[-1]
    chunks = [data[people.isin(part)] for part in np.array_split(people.unique(), 4)]
    chunked = score_chunks(responses.study, chunks)
    for name in ("scores", "items", "reliability"):
        a, b = getattr(whole, name), getattr(chunked, name)
        num = a.select_dtypes("number").columns
        np.testing.assert_allclose(a[num].to_numpy(float), b[num].to_numpy(float),
                                   rtol=1e-7, atol=1e-7, equal_nan=True, err_msg=name)


def test_pooled_reliability_interval_counts_respondents():
    data = brand_loop_data(np.random.default_rng(7))
    rel = {c: tx.score(responses_of(data, bootstrap=0, clusters=c)).reliability
           for c in ("respondent", "row")}
    row = {c: r.query("construct == 'trust' and population == 'non_customer'").iloc[0]
           for c, r in rel.items()}
    assert row["respondent"]["alpha"] == row["row"]["alpha"]
    # Feldt's interval (scipy's F) on the 300 respondents, not the 750 rows
    nc = data[data["population"] == "non_customer"]
    n = nc.dropna(subset=["trust_1", "trust_2", "trust_3"])["respondent_id"].nunique()
    a, k = row["respondent"]["alpha"], 3
    low = 1 - (1 - a) * stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1))
    high = 1 - (1 - a) * stats.f.ppf(0.025, n - 1, (n - 1) * (k - 1))
    assert (row["respondent"]["ci_low"], row["respondent"]["ci_high"]) == pytest.approx(
        (low, high), rel=1e-9)
    assert row["row"]["ci_high"] - row["row"]["ci_low"] < high - low


# ---------------------------------------------------------------------- coverage
#: studies scored in one call, as the waves of one study (see _estimates_by_wave)
BATCH = 50


def _estimates_by_wave(datas: list[pd.DataFrame], clusters: str, n_boot: int, seed: int,
                       exact_max: int = 2000) -> list[dict]:
    """:func:`_estimates` of several one-wave studies at once: each study is one wave (of its
    own name) of a single study, so that one pass of CellSums, one resampling and one
    composites call score them all. Waves are independent strata of the bootstrap (a
    study's replicates are drawn from its own respondents' rows only, cell by cell and
    cluster by cluster), and every composite, total and peer mean is per wave, so each
    study's estimates are those of its own call but for the random stream of its
    replicates (one study alone gives :func:`_estimates` bit for bit: see the test)."""
    base = responses_of(datas[0], bootstrap=n_boot, cx_method="equal", clusters=clusters,
                        bootstrap_exact_max=exact_max).study
    sources = {s.population: s for s in reversed(base.sources)}  # one of each population
    waves = [str(d["wave"].iloc[0]) for d in datas]
    study = replace(base, sources=tuple(replace(s, wave=w) for w in waves
                                        for s in sources.values()))
    acc = CellSums(study, exact_max=exact_max)
    acc.add(pd.concat(datas, ignore_index=True))
    sums = acc.collect()
    arrays = composites(sums, resample_sums(sums, n_boot, seed)).arrays
    wave_of = sums.cells.keys["wave"].to_numpy()
    out = []
    for w in waves:  # the wave's brand cells in report order, then its All-brands total
        at = np.flatnonzero(wave_of == w)
        out.append({key: a[:, at] for key, a in arrays.items()})
    return out


def test_coverage_over_1000_simulated_studies():
    """All-brands N, brand-vs-peer N and All-brands TX: 95% intervals cover 93-97% of 1,000
    brand-loop studies with respondents as clusters; the row-independent intervals do not
    (too narrow for the total, too wide for the peer difference, whose two sides are rated
    by the same people).

    The studies are scored 50 at a time (:func:`_estimates_by_wave`): the same 1,000
    studies (seeds 1000..1999), 300 resamples each. Coverage 0.947, 0.945, 0.948 with
    clusters, 0.783, 0.999, 0.837 with rows."""
    truth_data = brand_loop_data(np.random.default_rng(99), n_customers=60_000,
                                 n_non_customers=60_000)
    t = _estimates(truth_data, "row", 0, 0)
    n0, tx0 = t[("non_customer", "bx_non_customers")][0], t[("all", "tx")][0]
    truth = np.array([n0[3], n0[0] - n0[:3].mean(), tx0[3]])  # total, Adatum - peers, TX
    # batching changes nothing but the random stream: one study alone is _estimates
    first = brand_loop_data(np.random.default_rng(1000))
    for clusters in ("respondent", "row"):
        alone, [batched] = _estimates(first, clusters, 20, 3), _estimates_by_wave(
            [first], clusters, 20, 3)
        for key in (("non_customer", "bx_non_customers"), ("all", "tx")):
            np.testing.assert_array_equal(batched[key], alone[key])
    hits = {"respondent": np.zeros(3), "row": np.zeros(3)}
    studies = 1000
    for b in range(0, studies, BATCH):
        datas = [brand_loop_data(np.random.default_rng(1000 + i), waves=(f"S{i:04d}",))
                 for i in range(b, b + BATCH)]
        for clusters in hits:
            for est in _estimates_by_wave(datas, clusters, 300, b):
                n, txs = est[("non_customer", "bx_non_customers")], est[("all", "tx")]
                # the peer average of the changes table: the mean of the brands (itself too)
                values = np.column_stack([n[1:, 3], n[1:, 0] - n[1:, :3].mean(axis=1),
                                          txs[1:, 3]])
                lo, hi = percentile_interval(values, 0.95)
                hits[clusters] += (lo <= truth) & (truth <= hi)
    cover = {k: v / studies for k, v in hits.items()}
    print(cover)
    assert ((cover["respondent"] >= 0.93) & (cover["respondent"] <= 0.97)).all(), cover
    assert cover["row"][0] < 0.90 and cover["row"][2] < 0.90, cover  # too narrow
    assert cover["row"][1] > 0.985, cover  # too wide


# ---------------------------------------------------------------------- key drivers
def test_driver_bootstrap_resamples_respondents_not_rows():
    # every respondent's row twice (two brands, the same answers): resampled as clusters,
    # the replicate importances are those of the respondents' single rows drawn alike
    from txscore.scoring.driver_bootstrap import Fit, bootstrap_importances

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    X = np.column_stack([x, x @ [1.0, 0.6, 0.2] + rng.normal(size=400)])
    once = bootstrap_importances([Fit(X, np.ones(400), [0, 1, 2])], np.zeros(400, int),
                                 "relative_weights", 100, 2000, np.random.default_rng(5))[0]
    twice = bootstrap_importances([Fit(np.repeat(X, 2, axis=0), np.ones(800), [0, 1, 2])],
                                  np.tile([0, 1], 400), "relative_weights", 100, 2000,
                                  np.random.default_rng(5), units=np.repeat(np.arange(400), 2))[0]
    np.testing.assert_allclose(twice, once, rtol=1e-9)
    rows = bootstrap_importances([Fit(np.repeat(X, 2, axis=0), np.ones(800), [0, 1, 2])],
                                 np.tile([0, 1], 400), "relative_weights", 400, 2000,
                                 np.random.default_rng(6))[0]
    assert rows.std(axis=0).mean() < 0.9 * once.std(axis=0).mean()  # rows: too narrow
    # the normal law of the cluster totals (exact_max = 0) has the same spread
    normal = bootstrap_importances([Fit(np.repeat(X, 2, axis=0), np.ones(800), [0, 1, 2])],
                                   np.tile([0, 1], 400), "relative_weights", 2000, 0,
                                   np.random.default_rng(5), units=np.repeat(np.arange(400), 2))[0]
    np.testing.assert_allclose(normal.std(axis=0), once.std(axis=0), rtol=0.25)
