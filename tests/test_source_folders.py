"""A source ``path`` may name a folder: a parquet dataset, maybe hive-partitioned.

Every data file under the folder is one source, sorted by its path below the folder;
bookkeeping files (``_SUCCESS``, ``.crc``, ``_metadata``, ``_temporary/``, hidden files)
are skipped; ``wave=...`` and ``population=...`` folders give the files below them their
wave and population when the ``[[sources]]`` table does not. A folder scores exactly as
the same rows delivered as one file per population and wave.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import base_spec, merge, to_toml, write_spec
from daskhelp import same_tables

import txscore as tx
from txscore.cli import main
from txscore.ingest.readers import TEXT_SUFFIXES, XLSX_SUFFIXES
from txscore.study.sources import DATA_SUFFIXES, data_files, partition_values

SAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "sample"
#: the sample's files: (file, population, wave)
SAMPLE_FILES = [("customers_w1.xlsx", "customer", "2026 Q1"),
                ("customers_w2.xlsx", "customer", "2026 Q2"),
                ("non_customers_w1.xlsx", "non_customer", "2026 Q1"),
                ("non_customers_w2.xlsx", "non_customer", "2026 Q2")]
#: one small file's rows for the tiny spec of conftest (resp_id, brand and every item)
TINY = pd.DataFrame({"resp_id": ["r1", "r2"], "brand": ["A", "B"],
                     **{col: [4, 5] for col in base_spec()["items"]}})


def tiny_spec(folder: Path, **source) -> Path:
    """The tiny valid spec of conftest with one source (its keys as given) in ``folder``."""
    return write_spec(folder, merge(base_spec(), {"sources": [source]}))


def put(folder: Path, names: list[str], frame: pd.DataFrame = TINY) -> None:
    """Files under ``folder``: a ``.parquet`` name holds ``frame``, any other is a stub."""
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".parquet"):
            frame.to_parquet(path, index=False)
        else:
            path.write_bytes(b"PAR1 stub")


def found(study: tx.Study, folder: Path) -> list[tuple[str, str, str]]:
    """(path below ``folder``, population, wave) of each source, in order."""
    return [(s.path.relative_to(folder).as_posix(), s.population, s.wave)
            for s in study.sources]


def problems_of(spec: Path) -> list[tx.errors.Problem]:
    with pytest.raises(tx.StudySpecError) as err:
        tx.read_study(spec)
    return err.value.problems


# ---------------------------------------------------------------------- the files found
SPARK = "part-00000-5f1e2d3c-aaaa-bbbb-cccc-0123456789ab.c000.snappy.parquet"


def test_a_spark_folder_gives_one_source_per_part_file_in_path_order(tmp_path):
    data = tmp_path / "tracker"
    put(data, [
        f"wave=2026 Q2/population=customer/{SPARK}",
        f"wave=2026 Q1/population=non_customer/{SPARK}",
        f"wave=2026 Q1/population=customer/{SPARK}",
        "wave=2026 Q1/population=customer/part-00001-x.c000.snappy.parquet",
        f"wave=2026 Q1/population=customer/.{SPARK}.crc",   # Spark's checksums
        "wave=2026 Q1/population=customer/.hidden.parquet",
        "_SUCCESS", "_metadata", "_common_metadata",
        f"_temporary/0/{SPARK}",                              # an unfinished job
        f".snapshots/{SPARK}",
        "README.md", "wave=2026 Q2/population=customer/notes.txt.bak",
    ])
    study = tx.read_study(tiny_spec(tmp_path, path="tracker"))
    assert found(study, data) == [
        (f"wave=2026 Q1/population=customer/{SPARK}", "customer", "2026 Q1"),
        ("wave=2026 Q1/population=customer/part-00001-x.c000.snappy.parquet", "customer",
         "2026 Q1"),
        (f"wave=2026 Q1/population=non_customer/{SPARK}", "non_customer", "2026 Q1"),
        (f"wave=2026 Q2/population=customer/{SPARK}", "customer", "2026 Q2"),
    ]
    assert {s.spec_index for s in study.sources} == {1}
    assert study.waves == ["2026 Q1", "2026 Q2"]
    # with a trailing slash: the same sources
    again = tx.read_study(tiny_spec(tmp_path, path="tracker/"))
    assert found(again, data) == found(study, data)


def test_the_table_gives_what_the_folders_do_not(tmp_path):
    # other partition keys (region) are no setting: ignored, not an error
    put(tmp_path / "d", ["region=north/a.parquet", "region=south/b.parquet", "c.parquet"])
    study = tx.read_study(tiny_spec(tmp_path, path="d", population="non_customer",
                                    wave="W1"))
    assert found(study, tmp_path / "d") == [
        ("c.parquet", "non_customer", "W1"),
        ("region=north/a.parquet", "non_customer", "W1"),
        ("region=south/b.parquet", "non_customer", "W1")]
    # a folder that says the same as the table is no conflict
    put(tmp_path / "e", ["wave=W1/population=customer/a.parquet"])
    study = tx.read_study(tiny_spec(tmp_path, path="e", population="customer", wave="W1"))
    assert found(study, tmp_path / "e") == [
        ("wave=W1/population=customer/a.parquet", "customer", "W1")]


def test_partition_values_are_url_unquoted(tmp_path):
    put(tmp_path / "d", ["wave=2026%20Q1/population=customer/a.parquet",
                         "wave=T%C3%A9%2F2%3Dx/population=customer/a.parquet"])
    study = tx.read_study(tiny_spec(tmp_path, path="d"))
    assert found(study, tmp_path / "d") == [
        ("wave=2026%20Q1/population=customer/a.parquet", "customer", "2026 Q1"),
        ("wave=T%C3%A9%2F2%3Dx/population=customer/a.parquet", "customer", "Té/2=x")]
    assert partition_values(Path("wave=a/x=1/wave=b/f.parquet")) == {"wave": "b", "x": "1"}
    assert partition_values(Path("wave=__HIVE_DEFAULT_PARTITION__/wave=/wave=%20/f.csv")) == {}
    assert partition_values(Path("wave=W1.parquet")) == {}  # the file's own name: no key


def test_a_folder_written_by_pandas_partition_cols(tmp_path):
    rows = pd.concat([TINY.assign(wave="2026 Q2", population="customer"),
                      TINY.assign(wave="2026 Q1", population="non_customer"),
                      TINY.assign(wave="2026 Q1", population="customer")])
    rows.to_parquet(tmp_path / "tracker", partition_cols=["wave", "population"])
    study = tx.read_study(tiny_spec(tmp_path, path="tracker"))
    assert [(Path(p).parent.as_posix(), pop, wave)
            for p, pop, wave in found(study, tmp_path / "tracker")] == [
        ("wave=2026%20Q1/population=customer", "customer", "2026 Q1"),
        ("wave=2026%20Q1/population=non_customer", "non_customer", "2026 Q1"),
        ("wave=2026%20Q2/population=customer", "customer", "2026 Q2")]


def test_a_glob_keeps_its_files_and_the_tables_wave(tmp_path):
    put(tmp_path, ["exports/wave=X/b.parquet", "exports/a.parquet", "exports/sub/c.parquet"])
    study = tx.read_study(tiny_spec(tmp_path, path="exports/*.parquet",
                                    population="customer", wave="W1"))
    assert found(study, tmp_path / "exports") == [("a.parquet", "customer", "W1")]
    study = tx.read_study(tiny_spec(tmp_path, path="exports/*/*.parquet",
                                    population="customer", wave="W1"))
    assert found(study, tmp_path / "exports") == [
        ("sub/c.parquet", "customer", "W1"), ("wave=X/b.parquet", "customer", "W1")]


def test_the_suffixes_are_those_the_readers_know():
    assert sorted(DATA_SUFFIXES) == sorted({*XLSX_SUFFIXES, *TEXT_SUFFIXES, ".parquet",
                                            ".sav"})


def test_data_files_lists_what_it_skipped(tmp_path):
    put(tmp_path, ["a.csv", "b.crc", "_SUCCESS", ".x/y.csv", "_tmp/z.csv", "s/t.SAV"])
    files, skipped, unreadable = data_files(tmp_path)
    assert [p.as_posix() for p in files] == ["a.csv", "s/t.SAV"]
    assert sorted(p.as_posix() for p in skipped) == [".x", "_SUCCESS", "_tmp", "b.crc"]
    assert unreadable == []


# ---------------------------------------------------------------------- problems
def only_problem(spec: Path) -> tx.errors.Problem:
    [problem] = problems_of(spec)
    assert problem.where == "study.toml [sources #1]"
    return problem


def test_a_folder_that_says_another_wave_than_the_table(tmp_path):
    put(tmp_path / "d", ["wave=2026%20Q1/a.parquet", "wave=2026%20Q2/a.parquet",
                         "wave=2026%20Q2/b.parquet"])
    problem = only_problem(tiny_spec(tmp_path, path="d", population="customer",
                                     wave="2026 Q1"))
    assert problem.message == (
        "this table says wave = '2026 Q1' but the folder 'wave=2026%20Q2' says '2026 Q2' "
        "for 2 of the 3 files under 'd' (e.g. 'wave=2026%20Q2/a.parquet').")
    assert "remove wave from this table" in problem.fix


def test_a_folder_that_says_another_population_than_the_table(tmp_path):
    put(tmp_path / "d", ["population=non_customer/a.parquet"])
    problem = only_problem(tiny_spec(tmp_path, path="d", population="customer", wave="W"))
    assert problem.message == (
        "this table says population = 'customer' but the folder 'population=non_customer' "
        "says 'non_customer' for the file under 'd' ('population=non_customer/a.parquet').")


def test_a_population_folder_names_an_accepted_population(tmp_path):
    put(tmp_path / "d", ["population=customers/a.parquet", "population=customer/a.parquet"])
    problem = only_problem(tiny_spec(tmp_path, path="d", wave="W1"))
    assert problem.message == (
        "the folder 'population=customers' gives 1 of the 2 files under 'd' "
        "('population=customers/a.parquet') population 'customers': it must be one of "
        "'customer', 'non_customer'.")
    assert problem.fix.startswith("did you mean 'customer'? rename the folder")


@pytest.mark.parametrize("key, given", [("wave", {"population": "customer"}),
                                        ("population", {"wave": "W1"})])
def test_a_key_given_by_neither_table_nor_folder_is_required(tmp_path, key, given):
    put(tmp_path / "d", ["a.parquet", "b.parquet"])
    problem = only_problem(tiny_spec(tmp_path, path="d", **given))
    assert problem.message == (
        f"'{key}' is required: this table gives none, and the 2 files under 'd' "
        f"(e.g. 'a.parquet') are in no {key}=... folder.")
    assert f"folders named {key}=<value>" in problem.fix
    # and so for a file, whose fix says that a folder would do too
    problem = only_problem(tiny_spec(tmp_path, path="d/a.parquet", **given))
    assert problem.message == f"'{key}' is required."
    assert f"from {key}=<" in problem.fix


def test_both_keys_missing_give_one_problem_each(tmp_path):
    put(tmp_path / "d", ["wave=W1/a.parquet", "b.parquet"])
    messages = [p.message for p in problems_of(tiny_spec(tmp_path, path="d"))]
    assert messages == [
        "'wave' is required: this table gives none, and 1 of the 2 files under 'd' "
        "('b.parquet') is in no wave=... folder.",
        "'population' is required: this table gives none, and the 2 files under 'd' "
        "(e.g. 'b.parquet') are in no population=... folder."]


def test_a_folder_without_data_files_is_a_problem(tmp_path):
    put(tmp_path / "d", ["_SUCCESS", ".part-0.parquet.crc", "_temporary/0/part-0.parquet"])
    problem = only_problem(tiny_spec(tmp_path, path="d/", population="customer", wave="W"))
    assert problem.message == ("no data file in folder 'd/' (skipped: .part-0.parquet.crc, "
                               "_SUCCESS, _temporary).")
    assert ".parquet" in problem.fix and "relative to the study file" in problem.fix
    (tmp_path / "empty").mkdir()
    problem = only_problem(tiny_spec(tmp_path, path="empty", population="customer",
                                     wave="W"))
    assert problem.message == "no data file in folder 'empty'."


def test_a_wrong_table_value_is_said_once_not_again_per_file(tmp_path):
    put(tmp_path / "d", ["wave=W1/a.parquet", "wave=W2/a.parquet"])
    [problem] = problems_of(tiny_spec(tmp_path, path="d", population="customers"))
    assert problem.message.startswith("The 'population' setting of [sources #1] must be one")


def test_a_file_in_two_sources_through_a_folder_is_counted_once(tmp_path):
    put(tmp_path / "d", ["wave=W1/a.parquet", "wave=W2/a.parquet"])
    spec = write_spec(tmp_path, merge(base_spec(), {"sources": [
        {"path": "d", "population": "customer"},
        {"path": "d/wave=W2", "population": "customer", "wave": "W2"}]}))
    [problem] = problems_of(spec)
    assert problem.where == "study.toml [sources #2]"
    assert problem.message == ("d/wave=W2/a.parquet is already read by [sources #1]: its "
                               "respondents would be counted twice.")


# ---------------------------------------------------------------------- scores
@pytest.fixture(scope="module")
def sample_rows() -> list[tuple[pd.DataFrame, str, str]]:
    """The sample's four files as frames (text columns as strings: parquet needs one type
    per column), with their population and wave."""
    out = []
    for name, pop, wave in SAMPLE_FILES:
        frame = pd.read_excel(SAMPLE / name, sheet_name="Responses")
        text = frame.select_dtypes(exclude="number").columns
        out.append((frame.astype(dict.fromkeys(text, "string")), pop, wave))
    return out


def sample_spec(folder: Path, sources: list[dict]) -> Path:
    """The sample's study.toml with other sources, 100 resamples (the same seed)."""
    text = (SAMPLE / "study.toml").read_text(encoding="utf-8")
    head, tail = text.split("[[sources]]", 1)
    tail = tail[tail.index("[columns]"):].replace("bootstrap = 2000", "bootstrap = 100")
    assert "bootstrap = 100" in tail
    path = folder / "study.toml"
    path.write_text(head + to_toml({"sources": sources}) + "\n" + tail, encoding="utf-8")
    return path


def test_a_hive_folder_scores_as_the_same_files_with_explicit_waves(tmp_path, sample_rows):
    ordered = sorted(sample_rows, key=lambda r: (r[2], r[1]))  # the folders' order
    pd.concat([f.assign(wave=wave, population=pop) for f, pop, wave in ordered]).to_parquet(
        tmp_path / "tracker", partition_cols=["wave", "population"], index=False)
    (tmp_path / "tracker" / "_SUCCESS").touch()
    (tmp_path / "hive").mkdir()
    hive = tx.read_study(sample_spec(tmp_path / "hive", [{"path": "../tracker/"}]))
    files = []
    for i, (frame, pop, wave) in enumerate(ordered):
        frame.to_parquet(tmp_path / f"{i}.parquet", index=False)
        files.append({"path": f"{i}.parquet", "population": pop, "wave": wave})
    (tmp_path / "explicit").mkdir()
    explicit = tx.read_study(sample_spec(tmp_path / "explicit",
                                         [dict(f, path=f"../{f['path']}") for f in files]))
    assert [(s.population, s.wave) for s in hive.sources] == [
        (s.population, s.wave) for s in explicit.sources]
    assert len(hive.sources) == 4 and hive.waves == ["2026 Q1", "2026 Q2"]
    loaded = tx.load(hive)
    assert len(loaded.data) == len(tx.load(explicit).data) > 0
    got, expected = tx.score(loaded).scores, tx.score(tx.load(explicit)).scores
    assert set(got["wave"]) == {"2026 Q1", "2026 Q2"}
    pd.testing.assert_frame_equal(got, expected)


def test_the_study_engine_scores_a_hive_folder_as_memory_does(tmp_path, sample_rows):
    # the engine's per-file tasks on a dataset whose part files share one name
    pd.concat([f.assign(wave=wave, population=pop) for f, pop, wave in sample_rows]).to_parquet(
        tmp_path / "tracker", partition_cols=["wave", "population"], index=False)
    study = tx.read_study(sample_spec(tmp_path, [{"path": "tracker"}])).with_settings(
        bootstrap_exact_max=0)
    names = [s.name for s in study.sources]
    assert len(set(s.path.name for s in study.sources)) == 1 and len(set(names)) == 4
    memory = tx.score(tx.load(study))
    engine = tx.score(study, engine="process", buckets=3)
    same_tables(memory, engine)
    assert engine.files["source_file"].tolist() == names and engine.files["reconciles"].all()
    pd.testing.assert_frame_equal(engine.exclusions, memory.exclusions)


def test_validate_accepts_a_folder_source(tmp_path, capsys):
    put(tmp_path / "d", ["wave=W1/population=customer/part-0.parquet",
                         "wave=W2/population=customer/part-1.parquet", "_SUCCESS"])
    spec = tiny_spec(tmp_path, path="d")
    assert main(["validate", str(spec)]) == 0, capsys.readouterr()
    for name in ("wave=W1/population=customer/part-0", "wave=W2/population=customer/part-1"):
        old = tmp_path / "d" / f"{name}.parquet"
        old.rename(old.with_name(f"_{old.name}"))
    capsys.readouterr()
    assert main(["validate", str(spec)]) == 1
    printed = capsys.readouterr()
    assert re.search(r"no data file in folder 'd'", printed.out + printed.err)


def test_part_files_of_the_same_name_reconcile_apart(tmp_path, capsys):
    # pyarrow names every partition's file <the same uuid>-0.parquet, Spark part-00000-...
    rows = pd.concat([TINY.assign(wave="W1"), TINY.assign(wave="W2")])
    rows.to_parquet(tmp_path / "d", partition_cols=["wave"])
    spec = tiny_spec(tmp_path, path="d", population="customer")
    study = tx.read_study(spec)
    assert study.sources[0].path.name == study.sources[1].path.name  # the case at hand
    names = [s.name for s in study.sources]  # told apart by their path below the study
    assert names == [f"d/wave=W1/{study.sources[0].path.name}",
                     f"d/wave=W2/{study.sources[1].path.name}"]
    files = tx.load(study).files
    assert files["rows_in"].tolist() == [2, 2] and files["scored"].tolist() == [2, 2]
    assert files["reconciles"].all() and files["source_file"].tolist() == names
    assert main(["validate", str(spec)]) == 0, capsys.readouterr()
