"""The study engine: a study's files scored as tasks, in process or on Dask, give the
in-memory result.

``tx.score(study, engine="process" | "dask")`` reads each file in its own task (the per-file
function of :func:`txscore.check`), spreads the rows into buckets by respondent id, splits
exclusions per bucket, rakes on the cross-classification and reduces every bucket to sums.
Every value of the scores, items, reliability and drivers tables must equal
:func:`txscore.score` of :func:`txscore.load` with ``bootstrap_exact_max = 0`` to 1e-9; the
ledger and the file table must be the same rows, in the same order. A real ``LocalCluster``
(2 worker processes) runs the Dask executor; a worker killed in the middle of a run gives
the same numbers or a clear error.

Named to run last (after test_zz_dask): a Dask client leaves threads in the test process.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import base_spec, sample_copy, write_spec
from daskhelp import TABLES, kill_a_worker_during, local_cluster, same_tables

import txscore as tx
from txscore.cli import main
from txscore.errors import InputDataError, ParameterError, StudySpecError
from txscore.scoring.study_engine import InProcess, file_pieces, score_study

distributed = pytest.importorskip("distributed")

MULTI = Path(__file__).parent / "data" / "multiplatform" / "study.toml"
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::txscore.TxscoreWarning")]


def assert_same(expected: tx.Result, got: tx.Result, tables=TABLES) -> None:
    """Every value of the tables (daskhelp.same_tables); the ledger and the file table row
    for row."""
    same_tables(expected, got, tables)
    pd.testing.assert_frame_equal(expected.exclusions, got.exclusions, check_dtype=False)
    pd.testing.assert_frame_equal(expected.files, got.files[expected.files.columns],
                                  check_dtype=False)


def normal_law(path) -> tx.Study:
    """The study with every cell's bootstrap from the normal law of its sums."""
    return tx.read_study(path).with_settings(bootstrap=200, bootstrap_exact_max=0)


def in_memory(study: tx.Study) -> tx.Result:
    return tx.score(tx.load(study))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    study = normal_law(sample_copy(tmp_path_factory.mktemp("engine_sample"), decisions=False))
    return study, in_memory(study)


@pytest.fixture(scope="module")
def client():
    with local_cluster() as c:
        yield c


@pytest.mark.parametrize("buckets", [1, 5])
def test_the_process_engine_equals_memory_on_the_sample(sample, buckets):
    study, expected = sample
    got = score_study(study, InProcess(), buckets=buckets)
    assert got.meta.engine == "process" and got.meta.rows == len(tx.load(study).data)
    assert_same(expected, got)


def test_a_segment_cut_on_the_process_engine_equals_memory(sample):
    study, _ = sample
    expected = tx.score(tx.load(study), by=["region"])
    got = tx.score(study, engine="process", by=["region"], buckets=3)
    assert set(got.scores["region"].dropna()) == {"North", "South", "East", "West"}
    assert_same(expected, got, tables=("scores", "items", "reliability", "drivers", "changes"))


def test_the_process_engine_equals_memory_on_a_multiplatform_brand_loop():
    """Several platforms' exports, a brand loop (respondents with several rows: the cluster
    strata), ids repeated: every number, the ledger and the file table."""
    study = normal_law(MULTI)
    assert_same(in_memory(study), tx.score(study, engine="process", buckets=3))


RAKE = """
[weighting]
method = "rake"
base_weight = "weight"
cap = 3

[weighting.targets.customer]
region = { North = 0.25, South = 0.25, East = 0.25, West = 0.25 }
age_group = { "18-34" = 0.3, "35-54" = 0.4, "55+" = 0.3 }

[weighting.targets.non_customer]
region = { North = 0.3, South = 0.3, East = 0.2, West = 0.2 }
"""


def test_raking_on_the_cross_classification_equals_raking_the_respondents(tmp_path):
    """Each bucket counts its respondents per cell of everything raking reads; the summed
    table is raked once and the cells' weights mapped back: the same weights (so the same
    scores) and the same weighting report as raking every respondent in memory."""
    spec = sample_copy(tmp_path, decisions=False)
    spec.write_text(spec.read_text(encoding="utf-8") + RAKE, encoding="utf-8")
    study = normal_law(spec)
    expected = in_memory(study)
    assert len(expected.meta.weighting) > 10
    got = tx.score(study, engine="process", buckets=3)
    assert_same(expected, got, tables=("scores", "items", "reliability", "drivers"))
    a, b = expected.meta.weighting, got.meta.weighting
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    num = a.select_dtypes("number").columns
    # "difference" (achieved - target) is rounding noise of 1e-11 next to targets of 800
    np.testing.assert_allclose(b[num].to_numpy(float), a[num].to_numpy(float), rtol=1e-10,
                               atol=1e-9)


def _tiny(folder: Path, files: dict[str, pd.DataFrame], **spec_changes) -> Path:
    """A tiny study of several customer files of one wave (base_spec's items)."""
    spec = base_spec()
    for name, frame in files.items():
        frame.to_csv(folder / name, index=False)
        spec["sources"].append({"path": name, "population": "customer", "wave": "W1"})
    spec.update(spec_changes)
    return write_spec(folder, spec)


def _answers(ids: list[str], brand: str, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"resp_id": ids, "brand": brand})
    for col in ("eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1", "sal_1", "fit_1",
                "trust_1"):
        frame[col] = rng.integers(1, 6, len(ids))
    return frame


def test_duplicate_ids_across_files_fall_in_one_bucket_and_the_first_file_wins(tmp_path):
    first = _answers([f"r{i}" for i in range(40)], "A", 1)
    second = _answers([f"r{i}" for i in range(30, 70)], "A", 2)  # r30..r39 repeat
    study = tx.read_study(_tiny(tmp_path, {"a.csv": first, "b.csv": second}))
    expected = in_memory(study)
    dups = expected.exclusions.query("reason == 'duplicate_id'")
    assert len(dups) == 10 and set(dups["source_file"]) == {"b.csv"}
    for buckets in (1, 3, 7):
        got = score_study(study, InProcess(), buckets=buckets)
        pd.testing.assert_frame_equal(expected.exclusions, got.exclusions, check_dtype=False)
        assert got.files["reconciles"].all()
        assert got.files["duplicate_id"].tolist() == [0, 10]


def test_a_large_parquet_file_is_read_in_pieces_of_whole_row_groups(tmp_path):
    first = _answers([f"r{i}" for i in range(300)], "A", 5)
    first = pd.concat([first, first.iloc[[10, 150, 290]]], ignore_index=True)  # exported twice
    first.loc[130, "resp_id"] = "r90"  # a repeat in the next piece, nearer its start
    first.loc[200, "eff_1"] = 9  # out of range, in the middle piece
    second = _answers([f"r{i}" for i in range(280, 400)], "A", 6)  # r280..r299 again
    spec = base_spec()
    for name, frame, size in (("a.parquet", first, 40), ("b.parquet", second, 1000)):
        frame.to_parquet(tmp_path / name, index=False, row_group_size=size)
        spec["sources"].append({"path": name, "population": "customer", "wave": "W1"})
    study = normal_law(write_spec(tmp_path, spec))
    # 303 rows in 8 row groups of 40: pieces of at least 100 rows, whole groups
    assert file_pieces(study.sources[0], 100) == [(0, 3), (3, 6), (6, 8)]
    assert file_pieces(study.sources[1], 100) == [None]  # one row group: one task
    expected = in_memory(study)
    ledger = expected.exclusions
    assert ledger.query("reason == 'duplicate_id' and source_file == 'a.parquet'")[
        "source_row"].tolist() == [131, 301, 302, 303]  # case numbers in the whole file
    assert (ledger["reason"] == "out_of_range").sum() == 1
    for buckets in (1, 4):
        got = score_study(study, InProcess(), buckets=buckets, piece_rows=100)
        assert_same(expected, got)  # the tables, the ledger and the file table
        assert got.files["file_rows"].tolist() == [303, 120]


def test_every_problem_of_every_file_at_once_as_load_says_them(tmp_path):
    bad = _answers(["x1", "x2"], "A", 3).drop(columns=["ease_1"])
    worse = _answers(["y1", "y2"], "A", 4)
    worse["eff_1"] = worse["eff_1"].astype(object)
    worse.loc[0, "eff_1"] = "Sometimes"  # not a label of the scale
    study = tx.read_study(_tiny(tmp_path, {"a.csv": bad, "b.csv": worse}))
    expected = [str(p) for p in tx.check(study).errors]
    assert len(expected) >= 2
    with pytest.raises(InputDataError) as err:
        tx.score(study, engine="process")
    assert [str(p) for p in err.value.problems] == expected


def test_the_dask_engine_on_a_local_cluster_equals_memory(client, sample):
    study, expected = sample
    got = tx.score(study, client=client)
    assert got.meta.engine == "dask"
    assert_same(expected, got)


def test_the_command_line_runs_on_a_scheduler_address(client, sample, tmp_path):
    study, expected = sample
    spec = study.spec_path
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["score", str(spec), "--format", "csv", "--scheduler",
                     client.scheduler.address])
    assert code == 0
    scores = pd.read_csv(io.StringIO(out.getvalue()), dtype={"wave": str})
    mem = tx.score(tx.load(tx.read_study(spec)))  # the spec's own bootstrap settings
    pd.testing.assert_series_equal(scores["value"], mem.scores["value"].reset_index(drop=True),
                                   check_dtype=False, rtol=1e-9, check_names=False)


def test_the_report_command_on_the_process_engine(sample, tmp_path):
    study, _ = sample
    code = main(["report", str(study.spec_path), "--out", str(tmp_path / "out"), "-q",
                 "--no-charts", "--engine", "process"])
    assert code == 0 and (tmp_path / "out" / f"{study.name}.xlsx").exists()


def test_the_engine_table_of_the_spec(tmp_path):
    spec = base_spec()
    spec["sources"] = [{"path": "a.csv", "population": "customer", "wave": "W1"}]
    _answers(["a"], "A", 1).to_csv(tmp_path / "a.csv", index=False)
    spec["engine"] = {"kind": "process", "buckets": 3}
    study = tx.read_study(write_spec(tmp_path, spec))
    assert (study.engine.kind, study.engine.buckets, study.engine.scheduler) == (
        "process", 3, None)
    assert tx.score(study).meta.engine == "process"
    spec["engine"] = {"kind": "spark", "scheduler": "localhost", "buckets": 0, "colour": 1}
    with pytest.raises(StudySpecError) as err:
        tx.read_study(write_spec(tmp_path, spec))
    said = "\n".join(p.message for p in err.value.problems)
    for part in ("kind must be one of", "scheduler must be an address", "buckets must be",
                 "unknown key 'colour'"):
        assert part in said


def test_responses_cannot_go_to_another_engine(sample):
    study, _ = sample
    with pytest.raises(ParameterError):
        tx.score(tx.load(study), engine="dask")
    with pytest.raises(ParameterError):
        tx.score(study, engine="spark")


def test_a_worker_killed_mid_run_gives_the_numbers_or_a_clear_error(sample):
    study, expected = sample
    outcome = kill_a_worker_during(["txscore-sums", "txscore-bucket"], lambda c: tx.score(
        study, client=c, buckets=12))
    if isinstance(outcome, InputDataError):
        assert "Dask" in str(outcome) or "bucket" in str(outcome)
    else:
        assert_same(expected, outcome)


def _fails(n: int) -> int:
    raise ZeroDivisionError(f"{n} rows divided by none")


def test_a_task_that_fails_on_a_worker_is_a_located_error_not_a_dask_traceback(client):
    from txscore.scoring.dask_engine import DaskExecutor

    run = DaskExecutor(client, where="Tracker 2026")
    handle = run.submit(_fails, 3, key="bucket 7")
    with pytest.raises(InputDataError) as err:
        run.gather([handle])
    said = str(err.value)
    assert "Tracker 2026, bucket 7" in said and "ZeroDivisionError: 3 rows divided by none" in said
    assert "Traceback" not in said and "distributed" not in said
