"""The whole exclusions ledger beside the workbook: the csv (when the sheet cannot hold it)
and the parquet dataset (for big trackers and long ledgers), both made here as bytes.

The dataset is a folder ``<study> exclusions/`` beside the workbook, hive-partitioned by
wave (``wave=<value>/part-00000.parquet``, a partition cut into files of at most
:data:`ROWS_PER_FILE` rows), read back whole by ``pandas.read_parquet(folder)`` or any
parquet reader. Its columns are the ledger's, as codes (not in the workbook's words):
``source_file``, ``source_sheet``, ``population``, ``wave`` (the partition), ``source_row``
(int64), ``respondent_id`` (only with ``show_ids``), ``brand``, ``reason``, ``detail``;
within a wave the lines keep the ledger's order (file by file). The same ledger gives the
same bytes (no timestamp is written). It is written (:func:`txscore.reporting.report`, in the
same all-or-nothing publish as the workbook) when the study engine scored the result
(``result.meta.engine`` "process" or "dask": big trackers, whose ledgers of millions of
lines suit data tools better than csv) and whenever the ledger is longer than its sheet
holds; an empty ledger writes none. Respondent ids are in it only with ``show_ids``, as in
the csv and the sheet.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import pandas as pd

from txscore.reporting.publish import file_stem

__all__ = ["DATASET_COLUMNS", "ROWS_PER_FILE", "dataset_files", "dataset_folder",
           "ledger_file", "ledger_table", "wave_folder"]

#: the most lines one parquet file of the dataset holds (a wave's longer ledger is cut)
ROWS_PER_FILE = 1_000_000
#: the dataset's columns, in order (``wave`` is the partition, not stored in the files)
DATASET_COLUMNS = ("source_file", "source_sheet", "population", "wave", "source_row",
                   "respondent_id", "brand", "reason", "detail")
#: the folder of the lines without a wave (the name pyarrow and Hive read as missing)
NO_WAVE = "__HIVE_DEFAULT_PARTITION__"


def ledger_file(study_name: str) -> str:
    """The name of the csv holding the whole ledger when the sheet cannot (beside the
    workbook).

    >>> ledger_file("Sample TX Study")
    'Sample TX Study exclusions.csv'
    """
    return f"{dataset_folder(study_name)}.csv"


def dataset_folder(study_name: str) -> str:
    """The name of the folder holding the ledger as a parquet dataset (beside the workbook).

    >>> dataset_folder("Sample TX Study")
    'Sample TX Study exclusions'
    """
    return f"{file_stem(study_name)} exclusions"


def ledger_table(ex: pd.DataFrame, *, show_ids: bool = False) -> pd.DataFrame:
    """The ledger's columns of :data:`DATASET_COLUMNS` (without ``respondent_id`` unless
    ``show_ids``), in its order, text as text and ``source_row`` as int64.

    >>> ex = pd.DataFrame({"source_file": ["a.csv"], "source_sheet": [""],
    ...                    "source_row": [3], "population": ["customer"], "wave": ["w1"],
    ...                    "respondent_id": ["R7"], "brand": ["Acme"], "reason": ["speeder"],
    ...                    "detail": ["duration_below(20<60)"], "extra": [1]})
    >>> list(ledger_table(ex).columns)
    ['source_file', 'source_sheet', 'population', 'wave', 'source_row', 'brand', 'reason', 'detail']
    """
    cols = [c for c in DATASET_COLUMNS if show_ids or c != "respondent_id"]
    frame = ex.reindex(columns=cols).reset_index(drop=True)
    for c in set(cols) - set(ex.columns) - {"source_row"}:  # a ledger built by hand
        frame[c] = pd.Series([None] * len(frame), dtype=object)
    # object columns as text, missing kept (one conversion, not a call per line)
    text = {c: frame[c].astype("str") for c in cols
            if c != "source_row" and frame[c].dtype == object}
    return frame.assign(**text, source_row=pd.to_numeric(frame["source_row"]).astype("int64"))


def wave_folder(wave: object) -> str:
    """The partition folder of a wave: ``wave=<value>``, the value escaped as readers of
    hive partitions unescape it (letters, digits, spaces and ``_.-~`` kept; a last space or
    dot escaped too).

    >>> wave_folder("2026 Q1"), wave_folder("Q1/Q2: 50%"), wave_folder("v1."), wave_folder(None)
    ('wave=2026 Q1', 'wave=Q1%2FQ2%3A 50%25', 'wave=v1%2E', 'wave=__HIVE_DEFAULT_PARTITION__')
    """
    if wave is None or (not isinstance(wave, str) and pd.isna(wave)):  # type: ignore[arg-type]
        return f"wave={NO_WAVE}"
    safe = quote(str(wave), safe=" ")
    if safe.endswith((" ", ".")):  # a file name may not end so on every system
        safe = safe[:-1] + quote(safe[-1], safe="").replace(".", "%2E")
    return f"wave={safe}"


def dataset_files(table: pd.DataFrame, *,
                  rows_per_file: int | None = None) -> dict[str, bytes]:
    """The dataset's files of a :func:`ledger_table`: relative path
    (``wave=<value>/part-00000.parquet``) -> parquet bytes, the waves in the ledger's order.

    Deterministic: the same table gives the same bytes (pyarrow writes no timestamp).

    >>> ex = pd.DataFrame({"source_file": ["a.csv"] * 3, "source_sheet": [""] * 3,
    ...                    "source_row": [3, 4, 9], "population": ["customer"] * 3,
    ...                    "wave": ["w1", "w2", "w1"], "brand": ["Acme"] * 3,
    ...                    "reason": ["speeder"] * 3, "detail": [""] * 3})
    >>> sorted(dataset_files(ledger_table(ex), rows_per_file=1))
    ['wave=w1/part-00000.parquet', 'wave=w1/part-00001.parquet', 'wave=w2/part-00000.parquet']
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    size = max(int(rows_per_file or ROWS_PER_FILE), 1)
    schema = pa.schema([(c, pa.int64() if c == "source_row" else pa.string())
                        for c in table.columns if c != "wave"])
    waves = table["wave"].astype(object).where(table["wave"].notna(), None)
    files: dict[str, bytes] = {}
    for wave, part in table.groupby(waves.map(wave_folder), sort=False, dropna=False):
        rows = part.drop(columns="wave")
        for i, start in enumerate(range(0, len(rows), size)):
            chunk = pa.Table.from_pandas(rows.iloc[start:start + size], schema=schema,
                                         preserve_index=False)
            buf = io.BytesIO()
            pq.write_table(chunk, buf, compression="snappy")
            files[f"{wave}/part-{i:05d}.parquet"] = buf.getvalue()
    return files
