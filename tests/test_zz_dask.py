"""The Dask executor and mergeable sums give the in-memory numbers.

A real ``LocalCluster`` (2 worker processes, one thread each) scores the sample study's
data written as a parquet dataset partitioned by wave, a csv glob of it, and a brand-loop
dataset (respondents with several rows: the cluster strata are exercised). Every value of
the scores, items and reliability tables must equal :func:`txscore.score` with
``bootstrap_exact_max = 0`` (every cell's bootstrap from the normal law of its sums) to
1e-9, relative or absolute: the paths differ only in the order the sums are added. A worker
killed in the middle of a run gives the same numbers (Dask reruns its tasks) or a clear
error, never another number.

Named to run last: a Dask client leaves threads in the test process, and txscore forks
chart workers only from a process with one thread (``workers.can_fork``), so the tests of
forked workers must run before these.
"""

from __future__ import annotations

import numpy as np
import pytest
from brandloop import brand_loop_data, responses_of
from daskhelp import kill_a_worker_during, local_cluster, same_tables

import txscore as tx
from txscore.errors import InputDataError
from txscore.responses import Responses
from txscore.scoring.chunked import chunk_sums, merge_parts, score_chunks
from txscore.scoring.dask_engine import score_dask
from txscore.scoring.sums import CellSums, resample_sums

distributed = pytest.importorskip("distributed")

SAMPLE = "surveys/sample/study.toml"
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture(scope="module")
def client():
    with local_cluster() as c:
        yield c


def in_memory(responses: Responses) -> tx.Result:
    """tx.score, key drivers included."""
    return tx.score(responses)


assert_same = same_tables


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    responses = tx.load(tx.read_study(SAMPLE))
    study = responses.study.with_settings(bootstrap=200, bootstrap_exact_max=0)
    responses = Responses(study, responses.data, responses.exclusions, responses.files)
    folder = tmp_path_factory.mktemp("sample_parquet")
    responses.data.to_parquet(folder, partition_cols=["wave"])
    return responses, folder, in_memory(responses)


@pytest.fixture(scope="module")
def brandloop(tmp_path_factory):
    data = brand_loop_data(np.random.default_rng(21), n_customers=500, n_non_customers=500,
                           waves=("2026 Q1", "2026 Q2"))
    # weights that vary: with unit weights some features coincide, a stratum's covariance
    # is more singular and its normal-law factor magnifies rounding towards 1e-9
    data["weight"] = np.random.default_rng(8).uniform(0.5, 2.0, len(data))
    responses = responses_of(data, bootstrap=200, bootstrap_exact_max=0)
    folder = tmp_path_factory.mktemp("loop_parquet")
    data.to_parquet(folder, partition_cols=["wave"])
    return responses, folder, in_memory(responses)


def test_sample_parquet_on_a_local_cluster_equals_in_memory(client, sample, capsys):
    responses, folder, expected = sample
    got = score_dask(responses.study, folder, client=client, partitions=5, progress=True)
    assert "100% Completed" in capsys.readouterr().out  # Dask's own progress bar
    assert got.meta.rows == responses.n
    assert_same(expected, got)
    assert int(got.files["scored"].sum()) == responses.n


def test_brand_loop_clusters_on_a_local_cluster_equal_in_memory(client, brandloop):
    responses, folder, expected = brandloop
    acc = CellSums(responses.study)
    acc.add(responses.data)
    assert len(acc.collect().strata) >= 2  # respondents with several rows: the clusters
    got = score_dask(responses.study, folder, client=client, partitions=7)
    assert_same(expected, got)


def test_csv_glob_through_a_scheduler_address(client, sample, tmp_path):
    responses, _, expected = sample
    data = responses.data
    for i, part in enumerate(np.array_split(np.arange(len(data)), 3)):
        data.iloc[part].to_csv(tmp_path / f"part{i}.csv", index=False)
    got = score_dask(responses.study, str(tmp_path / "part*.csv"),
                     scheduler=client.scheduler.address, progress=False)
    assert_same(expected, got)


def test_the_in_process_executor_merges_shuffled_respondents(brandloop):
    """Chunks of whole respondents in a random order: the strata's layout of the cluster
    totals no longer follows the rows' order, the numbers must not move."""
    responses, _, expected = brandloop
    data = responses.data
    people = data["respondent_id"].unique()
    rng = np.random.default_rng(5)
    parts = np.array_split(rng.permutation(people), 4)
    chunks = [data[data["respondent_id"].isin(p)].sample(frac=1, random_state=1)
              for p in parts[::-1]]
    got = score_chunks(responses.study, chunks)
    assert_same(expected, got)


def test_merge_is_the_sum_of_the_chunks_in_any_order(brandloop):
    responses, _, _ = brandloop
    data, study = responses.data, responses.study.with_settings(bootstrap_exact_max=10_000)
    ids = data["respondent_id"].unique()
    a_rows = data["respondent_id"].isin(ids[: len(ids) // 3])
    one = CellSums(study, exact_max=10_000)  # rows kept: exact resampling after a merge too
    one.add(data[a_rows])
    one.add(data[~a_rows])
    a, b = CellSums(study, exact_max=10_000), CellSums(study, exact_max=10_000)
    a.add(data[a_rows])
    b.add(data[~a_rows])
    a.merge(b)
    reps_one, reps_merged = (resample_sums(s.collect(), 50, seed=3) for s in (one, a))
    for pop in reps_one:
        np.testing.assert_allclose(reps_merged[pop], reps_one[pop], rtol=1e-12, atol=1e-9)
    c, d = CellSums(study), CellSums(study)  # normal law: B then A equals A then B
    c.add(data[~a_rows])
    d.add(data[a_rows])
    c.merge(d)
    e = CellSums(study)
    e.add(data[a_rows])
    f = CellSums(study)
    f.add(data[~a_rows])
    e.merge(f)
    ce, ee = c.collect(), e.collect()
    assert ce.rows == ee.rows == len(data)
    for pop in ce.populations:
        np.testing.assert_allclose(ce.populations[pop].s2, ee.populations[pop].s2, rtol=1e-12)
    for x, y in zip(ce.strata, ee.strata, strict=True):
        assert x.key == y.key and x.slots == y.slots and x.n == y.n
        np.testing.assert_allclose(x.s2, y.s2, rtol=1e-12, atol=1e-9)
    assert ce.moment_clusters == ee.moment_clusters
    b_before = b.collect().populations["customer"].s1.copy()
    merge_parts(study, (), chunk_sums(study, data[a_rows]), chunk_sums(study, data[~a_rows]))
    np.testing.assert_array_equal(b.collect().populations["customer"].s1, b_before)


def test_a_partition_that_cannot_be_scored_is_named(client, sample, tmp_path):
    responses, _, _ = sample
    data = responses.data.copy()
    data["weight"] = data["weight"].astype(str).where(data.index % 50 != 7, "heavy")
    data.to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(InputDataError, match=r"partition \d+") as err:
        score_dask(responses.study, tmp_path / "bad.parquet", client=client, partitions=3)
    assert "Traceback" not in str(err.value)


def test_a_source_without_data_or_columns_is_located(sample, tmp_path):
    responses, _, _ = sample
    with pytest.raises(InputDataError, match="No data at"):
        score_dask(responses.study, tmp_path / "absent")
    responses.data.drop(columns=["eff_1", "weight"]).to_parquet(tmp_path / "thin.parquet")
    with pytest.raises(InputDataError) as err:
        score_dask(responses.study, tmp_path / "thin.parquet")
    assert {p.message for p in err.value.problems} == {
        "column 'weight' is not in the source.", "column 'eff_1' is not in the source."}


def test_a_worker_killed_mid_run_gives_the_numbers_or_a_clear_error(brandloop):
    responses, folder, expected = brandloop
    outcome = kill_a_worker_during(["txscore-partition"], lambda c: score_dask(
        responses.study, folder, client=c, partitions=24))
    if isinstance(outcome, InputDataError):
        assert "Dask" in str(outcome) or "partition" in str(outcome)
    else:
        assert_same(expected, outcome)
