"""Chunked scoring gives the in-memory numbers from per-chunk sufficient statistics.

The sample study's respondents are shuffled and split into chunks; :func:`score_chunks`
must reproduce every number of :func:`txscore.score` (scores with their bootstrap
intervals, items, distributions, growth grid, changes, reliability, CX and BX weights) to
1e-9 when the in-memory path also uses the normal-sum bootstrap in every cell
(``bootstrap_exact_max = 0``): the two differ only in the order the sums are added.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import plain_study, private_copy

import txscore as tx
from txscore.errors import InputDataError, TxscoreWarning
from txscore.responses import Responses
from txscore.scoring.chunked import iter_parquet, score_chunks

TABLES = ["scores", "items", "distributions", "grid", "changes", "reliability",
          "reliability_items", "cx_weights", "bx_weights"]


@pytest.fixture(scope="module")
def sample(sample_loaded) -> Responses:
    # the sample loaded (a copy of the session's shared responses); no banners, scenarios,
    # plan
    responses = private_copy(sample_loaded)
    study = plain_study(responses.study).with_settings(bootstrap=100, bootstrap_exact_max=0)
    return Responses(study, responses.data, responses.exclusions, responses.files)


_MEMORY: dict[tuple, tx.Result] = {}


def in_memory(responses: Responses, by=(), settings=None) -> tx.Result:
    """tx.score without the key drivers (chunked scoring has none to compare), cached."""
    key = (tuple(by), tuple(sorted((settings or {}).items())))
    if key not in _MEMORY:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("txscore.scoring.pipeline.standard_drivers", lambda r: pd.DataFrame())
            _MEMORY[key] = tx.score(responses, by=by)
    return _MEMORY[key]


def _with(responses: Responses, **settings) -> Responses:
    return Responses(responses.study.with_settings(**settings), responses.data,
                     responses.exclusions, responses.files)


def _chunks(data: pd.DataFrame, seed: int = 1) -> list[pd.DataFrame]:
    """Shuffled rows cut into 4 chunks of unequal size (10%, 35%, 25%, 30%)."""
    shuffled = data.sample(frac=1, random_state=seed)
    cuts = [0, *(np.array([0.10, 0.45, 0.70]) * len(data)).astype(int), len(data)]
    return [shuffled.iloc[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _score_chunks(study, chunks, **kw) -> tx.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TxscoreWarning)
        return score_chunks(study, chunks, **kw)


def assert_same_tables(memory: tx.Result, chunked: tx.Result, tables=TABLES) -> None:
    for name in tables:
        a = getattr(memory, name).reset_index(drop=True)
        b = getattr(chunked, name).reset_index(drop=True)
        assert list(a.columns) == list(b.columns), name
        assert a.shape == b.shape, name
        for col in a.columns:
            if pd.api.types.is_float_dtype(a[col]):
                np.testing.assert_allclose(b[col].to_numpy(float), a[col].to_numpy(float),
                                           rtol=1e-9, atol=1e-9, err_msg=f"{name}.{col}")
            else:
                pd.testing.assert_series_equal(b[col], a[col], check_dtype=False,
                                               obj=f"{name}.{col}")


@pytest.mark.parametrize(("settings", "by"), [
    ({}, []),
    ({}, ["region"]),
    ({"bx_method": "preference_weighted", "cx_method": "classic_net"}, []),
], ids=["default", "by-region", "preference-weighted-bx"])
def test_every_number_agrees_with_the_in_memory_path(sample, settings, by):
    responses = _with(sample, **settings)
    memory = in_memory(responses, by, settings)
    chunked = _score_chunks(responses.study, _chunks(responses.data), by=by)
    assert_same_tables(memory, chunked)
    # the check has teeth: the bootstrap intervals are there and differ between cells
    tx_rows = chunked.scores.query("measure == 'tx'")
    assert tx_rows["ci_low"].notna().all() and tx_rows["ci_low"].nunique() > 1


def test_chunks_from_a_partitioned_parquet_dataset(sample, tmp_path):
    sample.data.to_parquet(tmp_path / "tracker", partition_cols=["population", "wave"])
    chunks = list(iter_parquet(tmp_path / "tracker", batch_size=1500))
    assert len(chunks) >= 8 and max(len(c) for c in chunks) <= 1500
    assert sum(len(c) for c in chunks) == sample.n
    chunked = _score_chunks(sample.study, chunks)
    assert_same_tables(in_memory(sample), chunked, ["scores", "items", "reliability"])


def test_one_responses_per_file_keeps_the_ledger_and_the_reconciliation(sample):
    per_file = [Responses(sample.study, sample.data[sample.data["source_file"] == f],
                          sample.exclusions[sample.exclusions["source_file"] == f],
                          sample.files[sample.files["source_file"] == f])
                for f in sample.files["source_file"]]
    chunked = _score_chunks(sample.study, per_file)
    assert len(chunked.exclusions) == len(sample.exclusions) > 0
    files = chunked.files.set_index("source_file")
    expected = sample.files.set_index("source_file")
    pd.testing.assert_series_equal(files["rows_in"], expected["rows_in"])
    assert files["reconciles"].all()
    assert_same_tables(in_memory(sample), chunked, ["scores"])


def test_the_same_respondents_twice_double_the_bases_and_keep_the_point_estimates(sample):
    once = _score_chunks(sample.study, [sample.data])
    twice = _score_chunks(sample.study, [sample.data, sample.data])
    np.testing.assert_array_equal(twice.scores["n"], 2 * once.scores["n"])
    np.testing.assert_allclose(twice.scores["value"], once.scores["value"], rtol=1e-12)
    np.testing.assert_allclose(twice.items["n_eff"], 2 * once.items["n_eff"], rtol=1e-12)


def test_every_missing_column_is_listed(sample):
    chunk = sample.data.drop(columns=["eff_1", "weight"])
    with pytest.raises(InputDataError) as err:
        _score_chunks(sample.study, [chunk])
    assert sorted(p.message for p in err.value.problems) == [
        "column 'eff_1' is not in the chunk.", "column 'weight' is not in the chunk."]


def test_key_drivers_from_chunks_equal_the_in_memory_ones(sample):
    # the driver sums of 4 chunks, merged: tx.score's driver table (normal-law bootstrap)
    chunked = score_chunks(sample.study, _chunks(sample.data, seed=3)).drivers
    memory = tx.score(sample).drivers
    assert len(chunked) == len(memory) > 0
    pd.testing.assert_frame_equal(chunked.select_dtypes(exclude="number"),
                                  memory.select_dtypes(exclude="number"))
    num = memory.select_dtypes("number").columns
    np.testing.assert_allclose(chunked[num].to_numpy(float), memory[num].to_numpy(float),
                               rtol=1e-9, atol=1e-9, equal_nan=True)


def test_the_in_memory_path_is_one_chunk(sample):
    # the same accumulator and the same derivations: one chunk gives tx.score's numbers
    # exactly when tx.score resamples every cell through the normal law too
    chunked = _score_chunks(sample.study, [sample.data])
    memory = in_memory(sample)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(chunked, name), getattr(memory, name),
                                      check_exact=True, obj=name)
