"""Fuzzing the command line: generated specs and small csv/xlsx inputs.

Whatever the spec and the data, ``txscore validate`` and ``txscore report`` exit 0 or 1:
never a traceback, never a native abort (a negative return code).  The command runs in a
subprocess, because a native crash is exactly what this looks for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import base_spec, merge, to_toml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]

ITEMS = ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1", "sal_1", "fit_1", "trust_1"]

#: values of the wrong type or range that a careless spec holds
ODD = st.one_of(st.integers(-10**12, 10**12), st.floats(allow_nan=True), st.booleans(),
                st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12),
                st.lists(st.integers(-3, 3), max_size=3),
                st.dictionaries(st.sampled_from(["a", "1", "en"]), st.integers(0, 9),
                                max_size=2))

#: (table, key) pairs a fuzzed spec may break
KEYS = [("report", k) for k in ("confidence", "bootstrap", "seed", "suppress_below",
                                "low_base_below", "caution_below", "language")] + \
       [("index", k) for k in ("lambda", "cx_method", "share_non_customer", "nps_item")] + \
       [("columns", k) for k in ("respondent_id", "brand", "weight", "segments")] + \
       [("study", "name"), ("quality", "speeders"), ("quality", "duplicates")]

CELL = st.one_of(st.sampled_from(["1", "3", "5", "99", "", "Agree", "=1+1", "-3", "é", "NA",
                                  "1e308", "#N/A", "\u200b", "  4 "]),
                 # no control characters: Excel (and openpyxl) cannot hold them in a cell
                 st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=6))


@st.composite
def studies(draw):
    """A spec (as a dict) with a few keys broken, and a small customer table."""
    spec = base_spec()
    for table, key in draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True)):
        spec = merge(spec, {table: {key: draw(ODD)}})
    n = draw(st.integers(0, 8))
    columns = ["resp_id", "brand", *draw(st.permutations(ITEMS))[:draw(st.integers(5, 9))]]
    rows = [[draw(st.sampled_from([f"c{i}", f"c{i}", "", "c1"])),
             draw(st.sampled_from(["A", "B", "", "=HYPERLINK(1)", "Nestlé"]))]
            + [draw(CELL) for _ in columns[2:]] for i in range(n)]
    return spec, pd.DataFrame(rows, columns=columns, dtype=object)


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "txscore.cli", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "100"})


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(case=studies())
def test_fuzzed_specs_and_files_exit_0_or_1(kind, case, tmp_path_factory):
    spec, frame = case
    folder = tmp_path_factory.mktemp("fuzz")
    name = f"customers.{kind}"
    if kind == "csv":
        frame.to_csv(folder / name, index=False)
    else:
        frame.to_excel(folder / name, index=False)
    spec = merge(spec, {})
    spec["sources"] = [{"path": name, "population": "customer", "wave": "W1"}]
    try:
        text = to_toml(spec)
    except TypeError:  # a value TOML cannot hold (NaN keys...): nothing to test
        return
    (folder / "study.toml").write_text(text, encoding="utf-8")
    for args in (["validate", str(folder / "study.toml")],
                 ["report", str(folder / "study.toml"), "--out", str(folder / "out"), "-q",
                  "--no-charts"]):
        proc = _run(*args)
        assert proc.returncode in (0, 1), (args, proc.returncode, proc.stderr[-2000:])
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]
        assert "txscore bug" not in proc.stdout + proc.stderr, proc.stderr[-3000:]
