"""Hypothesis strategies and helpers for the property tests (tests/test_properties.py).

A property test needs a study and data it did not choose.  :func:`build_study` makes a
small but complete :class:`~txscore.Study` in Python (no files): every CX dimension, loyalty
outcome and BX pillar, two-item constructs so reliability is computed, a reversed item and
an NPS-type 0-10 item.  :func:`survey` draws scored survey rows for it (codes, missing
answers, weights, brands, waves) and :func:`responses_of` turns them into the
:class:`~txscore.Responses` that :func:`txscore.score` takes, as ``load`` would have made
them.  :func:`table_numbers` and :func:`assert_same_tables` compare two Results table by
table.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from txscore.ingest.quality import LEDGER_COLUMNS
from txscore.responses import Responses
from txscore.result import Result
from txscore.study import (
    Columns,
    Construct,
    IndexSettings,
    Item,
    ReportSettings,
    Scale,
    Source,
    Study,
)

AGREE5 = Scale("agree5", 5, 1, 5,
               {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree",
                4: "Agree", 5: "Strongly agree"},
               {99: "Don't know"}, (4, 5), (1, 2))
NPS11 = Scale("nps11", 11, 0, 10, {0: "Not at all likely", 10: "Extremely likely"},
              {99: "Don't know"}, (9, 10), tuple(range(7)))

#: item column -> (construct, scale, reversed)
ITEMS: dict[str, tuple[str, str, bool]] = {
    "eff_1": ("effectiveness", "agree5", False),
    "eff_2": ("effectiveness", "agree5", False),
    "ease_1": ("ease", "agree5", False),
    "emo_1": ("emotion", "agree5", False),
    "ret_1": ("retention", "agree5", False),
    "enr_1": ("enrichment", "agree5", False),
    "adv_1": ("advocacy", "nps11", False),
    "sal_1": ("salience", "agree5", False),
    "fit_1": ("fit", "agree5", False),
    "trust_1": ("trust", "agree5", False),
    "trust_2": ("trust", "agree5", True),
}
ROLES = {"effectiveness": "cx_quality", "ease": "cx_quality", "emotion": "cx_quality",
         "retention": "loyalty", "enrichment": "loyalty", "advocacy": "loyalty",
         "salience": "bx_pillar", "fit": "bx_pillar", "trust": "bx_pillar"}
CUSTOMER_ITEMS = list(ITEMS)
NON_CUSTOMER_ITEMS = ["sal_1", "fit_1", "trust_1", "trust_2"]
SCALES = {"agree5": AGREE5, "nps11": NPS11}
WAVES = ("W1", "W2")
BRANDS = ("A", "B", "C")
FILES = {"customer": "customers.csv", "non_customer": "non_customers.csv"}


def build_study(*, cx_method: str = "equal", bootstrap: int = 0,
                suppress_below: float = 1.0, peer_min_base: float = 1.0,
                min_customers_for_weights: int = 10) -> Study:
    """The property-test study, built in Python (no spec file, no data files).

    Parameters
    ----------
    cx_method : str
        ``"equal"``, ``"loyalty_weighted"`` or ``"classic_net"``.
    bootstrap : int
        Resamples (0: point estimates only).
    suppress_below, peer_min_base : float
        Base thresholds; ``low_base_below`` and ``caution_below`` follow ``suppress_below``.
    min_customers_for_weights : int
        Small, so that loyalty weights are estimated on small data.

    Examples
    --------
    >>> build_study().items_for("non_customer")
    ['sal_1', 'fit_1', 'trust_1', 'trust_2']
    """
    constructs = {name: Construct(name, role, name, "",
                                  ("customer",) if role in ("cx_quality", "loyalty")
                                  else ("customer", "non_customer"))
                  for name, role in ROLES.items()}
    items = {col: Item(col, cons, scale, rev) for col, (cons, scale, rev) in ITEMS.items()}
    sources = tuple(Source(Path(f"{pop}_{wave}.csv"), pop, wave)
                    for wave in WAVES for pop in ("customer", "non_customer"))
    return Study(
        name="Property study", sources=sources,
        columns=Columns("resp_id", "brand", "weight"), scales=dict(SCALES),
        constructs=constructs, items=items,
        index=IndexSettings(cx_method=cx_method,
                            min_customers_for_weights=min_customers_for_weights),
        report=ReportSettings(bootstrap=bootstrap, seed=7, suppress_below=suppress_below,
                              low_base_below=suppress_below, caution_below=suppress_below,
                              peer_min_base=peer_min_base))


# ---------------------------------------------------------------------- survey rows
@st.composite
def population_rows(draw: st.DrawFn, population: str, *, min_rows: int = 1,
                    max_rows: int = 12, weighted: bool = True,
                    brands: tuple[str, ...] = BRANDS) -> pd.DataFrame:
    """Rows of one population: wave, brand, weight and item codes (None = no answer).

    Codes are *scored* codes (after reversal), as in :attr:`Responses.data`.  Every row has
    at least one answer (``load`` excludes the others as ``no_answers``).
    """
    items = CUSTOMER_ITEMS if population == "customer" else NON_CUSTOMER_ITEMS
    n = draw(st.integers(min_rows, max_rows))
    cols: dict[str, list[Any]] = {
        "wave": draw(st.lists(st.sampled_from(WAVES), min_size=n, max_size=n)),
        "brand": draw(st.lists(st.sampled_from(brands), min_size=n, max_size=n)),
        # >= 0.5: three respondents weigh > 1 (below that, reliability raises; see the
        # xfail test_multiplying_all_weights_changes_nothing)
        "weight": draw(st.lists(st.sampled_from([0.5, 1.0, 1.5, 2.0, 4.0])
                                if weighted else st.just(1.0), min_size=n, max_size=n)),
    }
    sparse = draw(st.booleans())  # half the examples have every answer, half many blanks
    for col in items:
        scale = SCALES[ITEMS[col][1]]
        answer = st.one_of(st.integers(scale.min, scale.max), st.none()) if sparse else (
            st.integers(scale.min, scale.max))
        cols[col] = draw(st.lists(answer, min_size=n, max_size=n))
    frame = pd.DataFrame(cols)
    empty = frame[items].isna().all(axis=1)
    frame.loc[empty, items[0]] = SCALES[ITEMS[items[0]][1]].max  # keep every row scorable
    return frame


@st.composite
def survey(draw: st.DrawFn, *, max_rows: int = 12, weighted: bool = True,
           brands: tuple[str, ...] = BRANDS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(customers, non_customers): both populations present, 1..max_rows rows each."""
    return (draw(population_rows("customer", max_rows=max_rows, weighted=weighted,
                                 brands=brands)),
            draw(population_rows("non_customer", max_rows=max_rows, weighted=weighted,
                                 brands=brands)))


def responses_of(study: Study, customers: pd.DataFrame,
                 non_customers: pd.DataFrame) -> Responses:
    """The :class:`Responses` ``load`` would make of these rows (none excluded)."""
    frames = []
    for pop, frame in (("customer", customers), ("non_customer", non_customers)):
        n = len(frame)
        out = pd.DataFrame({
            "respondent_id": pd.array([f"{pop[0]}{i}" for i in range(1, n + 1)],
                                      dtype="string"),
            "population": pop,
            "wave": frame["wave"].to_numpy(object),
            "brand": pd.array(frame["brand"].to_numpy(object), dtype="string"),
            "source_file": FILES[pop],
            "source_sheet": "",
            "source_row": np.arange(2, n + 2, dtype=np.int64),
            "weight": frame["weight"].to_numpy(float),
        })
        for col in study.items:
            values = frame[col] if col in frame else pd.Series([None] * n, dtype=object)
            out[col] = pd.array(values.to_numpy(object), dtype="Int16") if n else pd.array(
                [], dtype="Int16")
        frames.append(out)
    data = pd.concat(frames, ignore_index=True)
    files = pd.DataFrame({"source_file": list(FILES.values()), "source_sheet": "",
                          "population": list(FILES), "wave": "W1",
                          "rows_in": [len(customers), len(non_customers)],
                          "scored": [len(customers), len(non_customers)], "excluded": 0,
                          "reconciles": True})
    return Responses(study, data, pd.DataFrame(columns=LEDGER_COLUMNS), files)


def with_settings(responses: Responses, **changes: Any) -> Responses:
    """The same rows scored under other index/report settings."""
    return replace(responses, study=responses.study.with_settings(**changes))


# ---------------------------------------------------------------------- comparing Results
#: per Result table: the columns that identify a row
TABLE_KEYS: dict[str, list[str]] = {
    "scores": ["measure", "population", "wave", "brand"],
    "items": ["population", "wave", "brand", "item"],
    "distributions": ["population", "wave", "brand", "item", "code"],
    "grid": ["wave", "brand"],
    "changes": ["comparison", "measure", "population", "wave", "brand", "versus"],
    "reliability": ["construct", "population"],
    "reliability_items": ["construct", "population", "item"],
    "cx_weights": ["dimension"],
    "bx_weights": ["dimension"],
}


def sorted_table(result: Result, name: str, brand_map: dict[str, str] | None = None
                 ) -> pd.DataFrame:
    """A Result table with brands renamed through ``brand_map`` and rows in key order."""
    table = getattr(result, name).copy()
    if table.empty:
        return table
    if brand_map and "brand" in table:
        table["brand"] = table["brand"].map(lambda b: brand_map.get(b, b))
    keys = [k for k in TABLE_KEYS[name] if k in table]
    return table.sort_values(keys, key=lambda s: s.astype(str)).reset_index(drop=True)


def numeric_columns(table: pd.DataFrame) -> list[str]:
    """Columns holding numbers (bool columns are labels, not numbers)."""
    return [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])
            and not pd.api.types.is_bool_dtype(table[c])]


def assert_same_tables(a: Result, b: Result, *, tables: tuple[str, ...] = tuple(TABLE_KEYS),
                       brand_map: dict[str, str] | None = None, rtol: float = 1e-9,
                       atol: float = 1e-9, skip: tuple[str, ...] = ()) -> None:
    """Every table of ``a`` equals the one of ``b`` (numbers to rtol/atol, NaN == NaN,
    text exactly), after renaming ``a``'s brands through ``brand_map`` and sorting rows."""
    for name in tables:
        ta, tb = sorted_table(a, name, brand_map), sorted_table(b, name)
        assert list(ta.columns) == list(tb.columns), name
        assert len(ta) == len(tb), f"{name}: {len(ta)} rows vs {len(tb)}"
        if ta.empty:
            continue
        nums = [c for c in numeric_columns(tb) if c not in skip]
        for col in nums:
            x = ta[col].to_numpy(float, na_value=np.nan)
            y = tb[col].to_numpy(float, na_value=np.nan)
            np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=f"{name}.{col}")
        for col in [c for c in tb.columns if c not in nums and c not in skip]:
            assert ta[col].astype(str).tolist() == tb[col].astype(str).tolist(), (
                f"{name}.{col}")
