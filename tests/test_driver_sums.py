"""Key drivers from sums (issue 21): chunks of respondents -> DriverSums -> drivers_from_sums
equals the in-memory standard_drivers with bootstrap_exact_max = 0, to 1e-9 on every column.

The independent computation is the in-memory path (scoring/drivers.py on all rows at once:
complete cases, weighted_cov, point_importance, mixed_replicate_sums); the sums path never
sees more than one chunk's rows.
"""

from __future__ import annotations

import dataclasses
import itertools
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from brandloop import brand_loop_data, responses_of, sample_study
from conftest import SAMPLE_DIR

import txscore as tx
from txscore.errors import ParameterError
from txscore.responses import Responses
from txscore.scoring.driver_sums import DriverSums, drivers_from_sums
from txscore.scoring.drivers import COLUMNS, standard_drivers

TOL = 1e-9


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _chunks(data: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    """Respondents whole in a chunk, chunks interleaved in the data (index kept)."""
    group = pd.util.hash_array(data["respondent_id"].astype(str).to_numpy()) % n
    return [data[group == i] for i in range(n)]


def _from_chunks(study: tx.Study, chunks: list[pd.DataFrame], order=None, *,
                 items: bool = True, **settings) -> pd.DataFrame:
    """One accumulator per chunk, merged in ``order``, then the table."""
    parts = []
    for chunk in chunks:
        sums = DriverSums(study, items=items)
        sums.add(chunk)
        parts.append(sums)
    order = range(len(parts)) if order is None else order
    total = DriverSums(study, items=items)
    for i in order:
        total.merge(parts[i])
    return _quiet(drivers_from_sums, total.collect(), study, **settings)


def _same(got: pd.DataFrame, ref: pd.DataFrame) -> None:
    assert len(ref) > 0
    pd.testing.assert_frame_equal(got, ref, check_exact=False, rtol=TOL, atol=TOL)
    assert got.attrs["warnings"] == ref.attrs["warnings"]


@pytest.fixture(scope="module")
def sample() -> Responses:
    study = tx.read_study(SAMPLE_DIR / "study.toml").with_settings(bootstrap_exact_max=0,
                                                                  bootstrap=400)
    return tx.load(study)


def test_sample_study_in_chunks_equals_in_memory(sample):
    ref = _quiet(standard_drivers, sample, items=True)
    assert ref["ci_low"].notna().all()
    _same(_from_chunks(sample.study, _chunks(sample.data, 3)), ref)


def test_sample_study_one_chunk_shapley_other_seed(sample):
    ref = _quiet(standard_drivers, sample, method="shapley", seed=7, confidence=0.9)
    got = _from_chunks(sample.study, [sample.data], items=False, method="shapley", seed=7,
                       confidence=0.9)
    _same(got, ref)


def _weighted_brand_loop(seed: int) -> pd.DataFrame:
    data = brand_loop_data(np.random.default_rng(seed), waves=("2026 Q1", "2026 Q2"))
    data["weight"] = np.random.default_rng(seed + 1).uniform(0.5, 2.0, len(data))
    return data


@pytest.mark.parametrize("seed", [1, 3])
def test_brand_loop_clusters_in_chunks_equal_in_memory(seed):
    """Respondents rating several brands: the clusters' stratum, merged across chunks."""
    data = _weighted_brand_loop(seed)
    responses = responses_of(data, bootstrap_exact_max=0, bootstrap=300)
    ref = _quiet(standard_drivers, responses)
    assert (data.groupby(["wave", "respondent_id"]).size() > 1).any()
    _same(_from_chunks(responses.study, _chunks(data, 4), items=False), ref)


def test_brand_loop_items_loyalty_equal_to_the_in_memory_paths_own_rounding():
    """items_loyalty shares its outcome and its items' information with cx_loyalty, and the
    analyses draw one resample together: the features are collinear, and the in-memory
    path's own intervals move by about 1e-9 (relative) when its rows are reordered (the
    first check).  The sums path is within that of it; with one chunk, to 1e-12."""
    data = _weighted_brand_loop(1)
    responses = responses_of(data, bootstrap_exact_max=0, bootstrap=300)
    ref = _quiet(standard_drivers, responses, items=True)
    first = data.groupby(["population", "brand"], sort=False).head(1).index  # brand order
    rest = np.random.default_rng(0).permutation(data.index.difference(first).to_numpy())
    again = data.loc[np.r_[first.to_numpy(), rest]].reset_index(drop=True)
    moved = _quiet(standard_drivers, responses_of(again, bootstrap_exact_max=0, bootstrap=300),
                   items=True)
    own = np.nanmax(np.abs(moved["ci_low"] - ref["ci_low"]) / ref["ci_low"].abs())
    assert own < 1e-7  # about 1.5e-9 on the machine that wrote this
    pd.testing.assert_frame_equal(_from_chunks(responses.study, [data]), ref, check_exact=False,
                                  rtol=1e-12, atol=1e-12)
    pd.testing.assert_frame_equal(_from_chunks(responses.study, _chunks(data, 4)), ref,
                                  check_exact=False, rtol=1e-7, atol=1e-7)


def test_brand_loop_rows_as_units_equal_in_memory():
    data = brand_loop_data(np.random.default_rng(5), customers_rate_others=False)
    responses = responses_of(data, bootstrap_exact_max=0, bootstrap=200, clusters="row")
    ref = _quiet(standard_drivers, responses)
    _same(_from_chunks(responses.study, _chunks(data, 3), items=False), ref)


def test_merge_order_does_not_matter_and_sums_travel_by_pickle():
    """Any order of merges, accumulators pickled (as Dask moves them between processes)."""
    data = brand_loop_data(np.random.default_rng(6), n_customers=90, n_non_customers=90)
    study = responses_of(data, bootstrap_exact_max=0, bootstrap=100).study
    chunks = _chunks(data, 4)
    first = _from_chunks(study, chunks, items=False)
    for order in list(itertools.permutations(range(4)))[1::7]:
        got = _from_chunks(study, chunks, order, items=False)
        pd.testing.assert_frame_equal(got, first, check_exact=False, rtol=TOL, atol=TOL)
    left, right = DriverSums(study), DriverSums(study)
    left.add(chunks[0])
    right.add(pd.concat(chunks[1:]))
    right = pickle.loads(pickle.dumps(right))
    right.merge(left)
    got = _quiet(drivers_from_sums, pickle.loads(pickle.dumps(right.collect())), study)
    pd.testing.assert_frame_equal(got, first, check_exact=False, rtol=TOL, atol=TOL)


def test_drivers_left_out_missing_answers_and_weights(sample):
    """A driver nobody answers in one chunk (but answered elsewhere), a driver nobody answers
    in a wave, zero and missing weights, a wave the spec does not list."""
    data = sample.data.copy()
    study = sample.study
    chunks = _chunks(data, 3)
    in_first = data.index.isin(chunks[0].index)
    data.loc[in_first, study.items_of("ease")] = np.nan  # chunk 0 never answers ease
    q2 = (data["wave"] == "2026 Q2").to_numpy()
    data.loc[q2, study.items_of("emotion")] = np.nan  # nobody answers emotion in Q2
    rng = np.random.default_rng(8)
    data.loc[rng.random(len(data)) < 0.05, "weight"] = 0.0
    data.loc[rng.random(len(data)) < 0.05, "weight"] = np.nan
    data.loc[data.index % 11 == 0, study.items_of("ease")[0]] = np.nan
    data["wave"] = data["wave"].replace({"2026 Q1": "2025 Q4"})
    responses = dataclasses.replace(sample, data=data)
    ref = _quiet(standard_drivers, responses, items=True)
    assert ref["warning"].str.contains("driver_left_out:emotion").any()
    assert (ref["wave"] == "2025 Q4").any()
    _same(_from_chunks(study, _chunks(data, 3)), ref)


def test_skipped_analyses_say_why_as_in_memory():
    """No non-customers at all; a wave too small for suppress_below."""
    data = brand_loop_data(np.random.default_rng(9), waves=("2026 Q1", "2026 Q2"))
    data = data[data["population"] == "customer"]
    small = data[(data["wave"] == "2026 Q2")]
    data = pd.concat([data[data["wave"] == "2026 Q1"], small.iloc[:12]])
    responses = responses_of(data, bootstrap_exact_max=0, bootstrap=50)
    ref = _quiet(standard_drivers, responses)
    assert any("the data have no non-customers" in m for m in ref.attrs["warnings"])
    assert any("2026 Q2: skipped" in m for m in ref.attrs["warnings"])
    _same(_from_chunks(responses.study, _chunks(data, 2), items=False), ref)


def test_no_rows_gives_the_empty_table_and_settings_are_checked():
    study = sample_study()
    empty = _quiet(drivers_from_sums, DriverSums(study).collect(), study)
    assert list(empty.columns) == COLUMNS
    assert empty.empty
    with pytest.raises(ParameterError, match="n_boot"):
        drivers_from_sums(DriverSums(study).collect(), study, n_boot=-1)


def test_both_executors_check_settings_alike(sample):
    """One check of the settings (scoring.drivers.driver_settings): every invalid one
    listed, the same problems whichever executor is asked."""
    said = []
    for call in (lambda: standard_drivers(sample, n_boot=-1, seed=-2, method="lasso"),
                 lambda: drivers_from_sums(DriverSums(sample.study).collect(), sample.study,
                                           n_boot=-1, seed=-2, method="lasso")):
        with pytest.raises(ParameterError) as error:
            call()
        said.append([(p.where, p.message) for p in error.value.problems])
    assert said[0] == said[1]
    assert [next(n for n in ("method", "n_boot", "seed") if n in message)
            for _, message in said[0]] == ["method", "n_boot", "seed"]
