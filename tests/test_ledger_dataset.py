"""The exclusions ledger as a parquet dataset beside the workbook.

The study engine's result (``engine="process"``), and any result whose ledger is longer
than its sheet holds, get the whole ledger as ``<study> exclusions/wave=<value>/part-*.parquet``
in the same publish: the ledger's columns as codes (respondent ids only with ``show_ids``),
in the ledger's order within each wave (read back, the waves come in the order of their
folders' names: 2026 Q1, then 2026 Q2), the same bytes run after run; the Exclusions sheet
names the folder, in the workbook's language; a folder holding it is txscore's own, so
reports can be published there again.
"""

from __future__ import annotations

import io
import os
import shutil
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import SAMPLE_DIR, sample_copy, with_settings
from test_french import english_in

import txscore as tx
import txscore.reporting.ledger_files as ledger_files
from txscore.cli import main
from txscore.reporting.text import words_for
from txscore.reporting.versions import foreign_entries

FOLDER = "Sample TX Study exclusions"
CSV = "Sample TX Study exclusions.csv"
COLUMNS = ["source_file", "source_sheet", "population", "wave", "source_row", "brand",
           "reason", "detail"]
WITH_IDS = [*COLUMNS[:5], "respondent_id", *COLUMNS[5:]]
LIMIT = 60  # rows a sheet may use: the sample's ledger (68 lines) no longer fits


@pytest.fixture(scope="module")
def engine_result() -> tx.Result:
    """The sample study scored by the study engine in this process (no resamples)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = tx.score(tx.read_study(SAMPLE_DIR / "study.toml").with_settings(bootstrap=0),
                          engine="process")
    assert result.meta.engine == "process"
    assert len(result.exclusions) > LIMIT  # the sample excludes rows in every file
    return result


@pytest.fixture(scope="module")
def memory_result(sample_loaded) -> tx.Result:
    """The sample study scored in memory (no resamples)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = tx.score(with_settings(sample_loaded, bootstrap=0))
    assert result.meta.engine == "memory"
    return result


def report(result: tx.Result, out: Path, **options) -> dict[str, Path]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tx.report(result, out, charts=False, deck=False, **options)


def expected(result: tx.Result, columns: list[str]) -> pd.DataFrame:
    """The ledger as the dataset reads back: its columns, wave by wave (stable: the
    ledger's order within a wave)."""
    ex = result.exclusions[columns].sort_values("wave", kind="stable")
    return ex.reset_index(drop=True)


def read_back(folder: Path, columns: list[str]) -> pd.DataFrame:
    got = pd.read_parquet(folder)
    assert got["wave"].dtype == "category"  # the partition, as readers of hive give it
    return got.assign(wave=got["wave"].astype(str))[columns]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def sheet_texts(book: Path, sheet: str) -> list[str]:
    ws = openpyxl.load_workbook(book)[sheet]
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


# ---------------------------------------------------------------------- the dataset
def test_the_study_engine_s_ledger_is_a_parquet_dataset_beside_the_workbook(engine_result,
                                                                            tmp_path):
    out = tmp_path / "out"
    paths = report(engine_result, out)
    folder = paths["exclusions_dataset"]
    assert folder == out / FOLDER and folder.is_dir()
    assert "exclusions" not in paths  # the ledger fits its sheet: no csv
    assert sorted(p.name for p in out.iterdir()) == sorted([paths["workbook"].name, FOLDER])
    waves = sorted(engine_result.exclusions["wave"].unique())
    assert waves == ["2026 Q1", "2026 Q2"]
    assert sorted(files_of(folder)) == [f"wave={w}/part-00000.parquet" for w in waves]
    got = read_back(folder, COLUMNS)
    pd.testing.assert_frame_equal(got, expected(engine_result, COLUMNS), check_dtype=False)
    assert got["source_row"].dtype == "int64"
    assert "respondent_id" not in pd.read_parquet(folder).columns
    # each file: the ledger's columns but the wave (its folder), their types kept
    schema = pq.read_schema(folder / "wave=2026 Q1" / "part-00000.parquet")
    assert schema.names == [c for c in COLUMNS if c != "wave"]
    assert schema.field("source_row").type == pa.int64()
    assert schema.field("brand").type == pa.string()


def test_respondent_ids_only_with_show_ids(engine_result, tmp_path):
    hidden = report(engine_result, tmp_path / "hidden")["exclusions_dataset"]
    shown = report(engine_result, tmp_path / "shown", show_ids=True)["exclusions_dataset"]
    assert "respondent_id" not in pq.read_schema(
        hidden / "wave=2026 Q1" / "part-00000.parquet").names
    ids = engine_result.exclusions["respondent_id"]
    assert ids.notna().all()
    everything = b"".join(files_of(hidden).values())
    # snappy leaves short texts readable: the shown copy has them, the client's none
    assert not [i for i in ids if i.encode() in everything]
    assert any(i.encode() in b"".join(files_of(shown).values()) for i in ids)
    pd.testing.assert_frame_equal(read_back(shown, WITH_IDS), expected(engine_result, WITH_IDS),
                                  check_dtype=False)


def test_the_dataset_has_the_same_bytes_run_after_run(engine_result, tmp_path):
    first = files_of(report(engine_result, tmp_path / "a")["exclusions_dataset"])
    second = files_of(report(engine_result, tmp_path / "b")["exclusions_dataset"])
    assert first and first == second
    parts = ledger_files.dataset_files(ledger_files.ledger_table(engine_result.exclusions))
    assert parts == first  # as made in memory: nothing of the run written in


def test_a_long_wave_is_cut_into_files(engine_result, tmp_path, monkeypatch):
    monkeypatch.setattr(ledger_files, "ROWS_PER_FILE", 10)
    folder = report(engine_result, tmp_path / "out")["exclusions_dataset"]
    files = files_of(folder)
    for wave, n in engine_result.exclusions["wave"].value_counts().items():
        names = sorted(k for k in files if k.startswith(f"wave={wave}/"))
        assert names == [f"wave={wave}/part-{i:05d}.parquet" for i in range(-(-n // 10))]
        rows = [pq.read_metadata(io.BytesIO(files[k])).num_rows for k in names]
        assert max(rows) == 10 and sum(rows) == n
    pd.testing.assert_frame_equal(read_back(folder, COLUMNS),
                                  expected(engine_result, COLUMNS), check_dtype=False)


# ---------------------------------------------------------------------- the memory engine
def test_a_short_ledger_in_memory_writes_no_dataset(memory_result, tmp_path):
    out = tmp_path / "out"
    paths = report(memory_result, out)
    assert "exclusions_dataset" not in paths and "exclusions" not in paths
    assert [p.name for p in out.iterdir()] == [paths["workbook"].name]
    assert not [t for t in sheet_texts(paths["workbook"], "Exclusions") if FOLDER in t]


def test_a_ledger_longer_than_its_sheet_gets_the_csv_and_the_dataset(memory_result, tmp_path):
    out = tmp_path / "out"
    paths = report(memory_result, out, max_sheet_rows=LIMIT)
    assert paths["exclusions"] == out / CSV and paths["exclusions_dataset"] == out / FOLDER
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [paths["workbook"].name, CSV, FOLDER])
    csv = pd.read_csv(paths["exclusions"])
    assert len(csv) == len(memory_result.exclusions)
    assert "Respondent id" not in csv.columns and "Row" in csv.columns
    pd.testing.assert_frame_equal(read_back(paths["exclusions_dataset"], COLUMNS),
                                  expected(memory_result, COLUMNS), check_dtype=False)
    ws = openpyxl.load_workbook(paths["workbook"])["Exclusions"]
    first, last = (int("".join(filter(str.isdigit, p))) for p in ws.tables["Ledger"].ref.split(":"))
    assert last == LIMIT and last - first < len(memory_result.exclusions)
    texts = sheet_texts(paths["workbook"], "Exclusions")
    assert [t for t in texts if CSV in t] and [t for t in texts if FOLDER + "," in t]


# ---------------------------------------------------------------------- the sheet's words
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_exclusions_sheet_names_the_dataset_in_its_language(engine_result, tmp_path,
                                                                language):
    result = with_settings(engine_result, language=language)
    book = report(result, tmp_path / "out")["workbook"]
    lab = words_for(language)
    n = len(result.exclusions)
    rows = lab["n_rows"].format(n=lab.count(n))
    sentence = lab.table["text"]["ledger_dataset"].format(rows=rows, folder=FOLDER)
    texts = sheet_texts(book, lab.sheets["exclusions"])
    assert sentence in texts
    assert lab.count(n) in sentence and FOLDER in sentence
    other = words_for("fr" if language == "en" else "en").table["text"]["ledger_dataset"]
    assert other.split("{")[0] not in " ".join(texts)
    if language == "fr":
        assert sentence.startswith("Le registre entier")
        assert not english_in(sentence.replace(FOLDER, " "))


# ---------------------------------------------------------------------- publishing again
def test_a_report_folder_holding_the_dataset_takes_the_next_report(engine_result,
                                                                   memory_result, tmp_path):
    out = tmp_path / "out"
    first = files_of(report(engine_result, out)["exclusions_dataset"])
    paths = report(engine_result, out)  # into its own version folder again
    assert files_of(paths["exclusions_dataset"]) == first
    # a real folder holding a report with its dataset (an older publish, a copy): txscore's
    real = tmp_path / "real"
    shutil.copytree(out, real, symlinks=False)
    assert foreign_entries(real) == []
    paths = report(engine_result, real)
    assert real.is_symlink() and files_of(paths["exclusions_dataset"]) == first
    # the next report without a dataset shows none
    paths = report(memory_result, real)
    assert "exclusions_dataset" not in paths and not (real / FOLDER).exists()


def test_only_a_dataset_beside_a_txscore_workbook_is_txscore_s(engine_result, tmp_path):
    out = tmp_path / "out"
    report(engine_result, out)
    real = tmp_path / "real"
    shutil.copytree(out, real, symlinks=False)
    assert foreign_entries(real) == []
    (real / FOLDER / "notes.txt").write_text("mine")  # not a dataset's file any more
    assert foreign_entries(real) == [f"{FOLDER}/"]
    (real / FOLDER / "notes.txt").unlink()
    (real / FOLDER / "wave=2026 Q1" / "mine.csv").write_text("x")
    assert foreign_entries(real) == [f"{FOLDER}/"]
    (real / FOLDER / "wave=2026 Q1" / "mine.csv").unlink()
    assert foreign_entries(real) == []
    (real / "Sample TX Study.xlsx").unlink()  # no txscore workbook beside it
    assert foreign_entries(real) == [f"{FOLDER}/"]


def test_a_shared_folder_gets_the_dataset_replaced_then_removed(engine_result, memory_result,
                                                                tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "notes.txt").write_text("the user's")  # not a folder of its own: moved in
    paths = report(engine_result, shared, allow_input_folder=True)
    assert not shared.is_symlink() and paths["exclusions_dataset"] == shared / FOLDER
    first = files_of(shared / FOLDER)
    paths = report(engine_result, shared, allow_input_folder=True)  # replaced whole
    assert files_of(shared / FOLDER) == first
    report(memory_result, shared, allow_input_folder=True)  # no dataset: the old one goes
    assert sorted(p.name for p in shared.iterdir()) == ["Sample TX Study.xlsx", "notes.txt"]


# ---------------------------------------------------------------------- the command line
def test_the_command_line_prints_the_dataset_folder(tmp_path, capsys):
    spec = sample_copy(tmp_path, bootstrap=0)
    out = tmp_path / "report"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["report", str(spec), "--out", str(out), "--no-charts", "--engine",
                     "process", "-q"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert f"Ledger:   {out / FOLDER}{os.sep} (Parquet dataset, one folder per wave)" in printed
    assert (out / FOLDER).is_dir()
