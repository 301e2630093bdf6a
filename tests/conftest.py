"""Shared helpers for building tiny studies in a temporary folder.

A test states only its data; :func:`make_study` writes a minimal valid study.toml around it
(one 5-point agreement scale, the three CX quality dimensions, the three loyalty outcomes
and the three BX pillars, one item each) plus one csv per population and wave, and returns
the path of the study file.  Settings a test is about are passed as overrides, e.g.
``make_study(tmp_path, cust, index={"cx_method": "classic_net"})``.

Defaults chosen for tiny data (each says so in the spec it writes):

* ``report.bootstrap = 0``: point estimates only, intervals NaN;
* base thresholds at 1 (suppress / low base / caution / peer base): five respondents are a
  worked example here, not a sample, and must not be suppressed;
* ``index.cx_method = "equal"``: three respondents cannot estimate importance weights.

Session fixtures share the sample study (surveys/sample) between test modules, so that the
suite reads and scores it once rather than once per module: :func:`sample_loaded` (loaded
with its own settings), :func:`sample_scored` (scored with 200 resamples),
:func:`sample_scored_fr` (the same in French) and :func:`sample_cli_json` (its
``txscore score --format json``). Each is computed as the module fixtures it
replaces did (the same study, settings and calls; the tables are equal bit for bit); tests
must not change them: each module takes a ``copy.deepcopy`` (:func:`private_copy`, a few
milliseconds) of what it uses.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import re
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import txscore as tx

AGREE5_LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree",
                 4: "Agree", 5: "Strongly agree"}
AGREE7_LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Somewhat disagree",
                 4: "Neither agree nor disagree", 5: "Somewhat agree", 6: "Agree",
                 7: "Strongly agree"}
DONT_KNOW = {99: "Don't know"}

CX_ITEMS = {"eff_1": "effectiveness", "ease_1": "ease", "emo_1": "emotion"}
LOYALTY_ITEMS = {"ret_1": "retention", "enr_1": "enrichment", "adv_1": "advocacy"}
PILLAR_ITEMS = {"sal_1": "salience", "fit_1": "fit", "trust_1": "trust"}
CUSTOMER_ITEMS = [*CX_ITEMS, *LOYALTY_ITEMS, *PILLAR_ITEMS]
NON_CUSTOMER_ITEMS = list(PILLAR_ITEMS)
#: what make_study writes into an item column a test did not give (the 5-point midpoint)
FILL_CODE = 3


def base_spec() -> dict[str, Any]:
    """The minimal valid spec as a dict (sources are added by :func:`make_study`)."""
    roles = {**{d: "cx_quality" for d in CX_ITEMS.values()},
             **{d: "loyalty" for d in LOYALTY_ITEMS.values()},
             **{d: "bx_pillar" for d in PILLAR_ITEMS.values()}}
    items = {col: {"construct": cons, "scale": "agree5"}
             for col, cons in {**CX_ITEMS, **LOYALTY_ITEMS, **PILLAR_ITEMS}.items()}
    return {
        "study": {"name": "Tiny study"},
        "sources": [],
        "columns": {"respondent_id": "resp_id", "brand": "brand"},
        "scales": {
            "agree5": {"points": 5, "min": 1, "max": 5, "labels": dict(AGREE5_LABELS),
                       "missing": dict(DONT_KNOW)},
            "agree7": {"points": 7, "min": 1, "max": 7, "labels": dict(AGREE7_LABELS),
                       "missing": dict(DONT_KNOW)},
        },
        "constructs": {name: {"role": role} for name, role in roles.items()},
        "items": items,
        "index": {"cx_method": "equal"},
        "report": {"bootstrap": 0, "suppress_below": 1, "low_base_below": 1,
                   "caution_below": 1, "peer_min_base": 1},
    }


# ---------------------------------------------------------------------- a tiny TOML writer
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: Any) -> str:
    k = str(k)
    return k if _BARE_KEY.match(k) else json.dumps(k, ensure_ascii=False)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {v!r} as TOML")


def to_toml(doc: dict[str, Any]) -> str:
    """TOML text for a spec dict: [table], [table.sub] and [[array]] of tables."""
    out: list[str] = []
    for top, body in doc.items():
        if isinstance(body, list):
            for table in body:
                out += [f"[[{_key(top)}]]", *(f"{_key(k)} = {_value(v)}"
                                              for k, v in table.items()), ""]
            continue
        out.append(f"[{_key(top)}]")
        out += [f"{_key(k)} = {_value(v)}" for k, v in body.items() if not isinstance(v, dict)]
        out.append("")
        for k, v in body.items():
            if isinstance(v, dict):
                out += [f"[{_key(top)}.{_key(k)}]",
                        *(f"{_key(kk)} = {_value(vv)}" for kk, vv in v.items()), ""]
    return "\n".join(out)


def merge(spec: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``overrides`` into a copy of ``spec``; a value of None deletes the key."""
    out = copy.deepcopy(spec)
    for key, value in overrides.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def write_spec(folder: Path, spec: dict[str, Any], name: str = "study.toml") -> Path:
    path = folder / name
    path.write_text(to_toml(spec), encoding="utf-8")
    return path


# ---------------------------------------------------------------------- make_study
def _prepare(frame: pd.DataFrame, items: list[str], prefix: str, fill: bool) -> pd.DataFrame:
    frame = frame.copy()
    if "resp_id" not in frame:
        frame.insert(0, "resp_id", [f"{prefix}{i}" for i in range(1, len(frame) + 1)])
    if "brand" not in frame:
        frame.insert(1, "brand", "A")
    if fill:
        for col in items:
            if col not in frame:
                frame[col] = FILL_CODE
    return frame


def make_study(tmp_path: Path, customers: pd.DataFrame,
               non_customers: pd.DataFrame | None = None, *, fill: bool = True,
               **overrides: Any) -> Path:
    """Write a tiny study (spec + csv files) into ``tmp_path``; return the study.toml path.

    ``customers`` / ``non_customers`` hold the answers.  Missing ``resp_id`` are numbered
    (c1, c2, ... / n1, n2, ...), a missing ``brand`` is "A", item columns not given are
    filled with 3 (unless ``fill=False``), a ``weight`` column in either frame makes it the
    weight column (1.0 where the other frame has none), and a ``wave`` column splits a
    frame into one file per wave (waves in order of first appearance).  ``overrides``
    deep-merge into the spec: ``index={"lambda": 0.3}``, ``items={"eff_1": None}``.
    """
    spec = base_spec()
    frames = {"customer": _prepare(customers, CUSTOMER_ITEMS, "c", fill)}
    if non_customers is not None:
        frames["non_customer"] = _prepare(non_customers, NON_CUSTOMER_ITEMS, "n", fill)
    if any("weight" in f for f in frames.values()):
        spec["columns"]["weight"] = "weight"
        for f in frames.values():
            if "weight" not in f:
                f["weight"] = 1.0
    stems = {"customer": "customers", "non_customer": "non_customers"}
    for pop, frame in frames.items():
        waves = frame["wave"].unique().tolist() if "wave" in frame else ["W1"]
        for wave in waves:
            part = frame.loc[frame["wave"] == wave].drop(columns="wave") if "wave" in frame \
                else frame
            name = f"{stems[pop]}.csv" if len(waves) == 1 else \
                f"{stems[pop]}_{re.sub(r'[^A-Za-z0-9]+', '_', str(wave))}.csv"
            part.to_csv(tmp_path / name, index=False)
            spec["sources"].append({"path": name, "population": pop, "wave": str(wave)})
    # keep sources in wave order (customers and non-customers of a wave together)
    order = list(dict.fromkeys(s["wave"] for s in spec["sources"]))
    spec["sources"].sort(key=lambda s: order.index(s["wave"]))
    return write_spec(tmp_path, merge(spec, overrides))


def run(path: Path) -> tx.Result:
    """Read, load and score a study file."""
    return tx.score(tx.load(tx.read_study(path)))


def pick(table: pd.DataFrame, **where: Any) -> pd.Series:
    """The one row of ``table`` matching every ``column=value``; fails unless exactly one."""
    mask = pd.Series(True, index=table.index)
    for col, value in where.items():
        mask &= table[col] == value
    hits = table.loc[mask]
    assert len(hits) == 1, f"{len(hits)} rows match {where}:\n{hits}"
    return hits.iloc[0]


SAMPLE_DIR = Path(__file__).resolve().parents[1] / "surveys" / "sample"


#: where the sample's decision tables ([[tables]], [planning], [[scenarios]]) begin: a variant
#: of the sample that drops waves, sources or items drops them too (they name those)
DECISIONS_MARK = "# ---------------------------------------------------------------- banner tables"


def without_decisions(text: str) -> str:
    """The sample's study.toml text without its banner tables, planning and scenarios."""
    assert DECISIONS_MARK in text
    return text.split(DECISIONS_MARK)[0].rstrip() + "\n"


def plain_study(study: Any) -> Any:
    """A study without banner tables, scenarios or planning (for variants of the sample)."""
    import dataclasses

    return dataclasses.replace(study, tables=(), scenarios=(), planning=None)


def sample_copy(folder: Path, bootstrap: int = 200, *, decisions: bool = True) -> Path:
    """The sample study.toml written into ``folder`` with absolute source paths and
    ``bootstrap`` resamples (the data stay where they are); ``decisions=False`` leaves out
    its banner tables, planning and scenarios."""
    text = (SAMPLE_DIR / "study.toml").read_text(encoding="utf-8")
    text = text if decisions else without_decisions(text)
    text = re.sub(r'path = "([^"]+)"',
                  lambda m: f'path = "{(SAMPLE_DIR / m[1]).as_posix()}"', text)
    text, n = re.subn(r"(?m)^bootstrap\s*=\s*\d+", f"bootstrap = {bootstrap}", text)
    assert n == 1
    spec = folder / "study.toml"
    spec.write_text(text, encoding="utf-8")
    return spec


def cli_json(spec: Path, *extra: str) -> dict:
    """``txscore score SPEC --format json`` run through the CLI's entry point, in-process."""
    import contextlib
    import io

    from txscore.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["score", str(spec), "--format", "json", *extra]) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def fixed_date():
    """The run date every workbook and deck of a module is written with
    (``SOURCE_DATE_EPOCH``: 2025-11-24 16:00 UTC), so that their bytes compare."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1764000000")
        yield


# ---------------------------------------------------------------------- the shared sample
def private_copy(value: Any) -> Any:
    """A deep copy of a shared session value (Responses, Result), for a module that changes
    what it is given: the other modules keep the value as computed."""
    return copy.deepcopy(value)


def with_settings(value: Any, **settings: Any) -> Any:
    """A Responses or Result whose study has ``settings`` changed (data shared, unchanged)."""
    return dataclasses.replace(value, study=value.study.with_settings(**settings))


@pytest.fixture(scope="session")
def sample_loaded() -> tx.Responses:
    """``tx.load(tx.read_study("surveys/sample/study.toml"))``, once for the session (its
    own settings: 2,000 resamples). Loading reads no report setting, so a test that needs
    other settings takes :func:`with_settings` of it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tx.load(tx.read_study(SAMPLE_DIR / "study.toml"))


@pytest.fixture(scope="session")
def sample_scored(sample_loaded) -> tx.Result:
    """The sample study scored with 200 resamples, as
    ``tx.score(tx.load(tx.read_study(SAMPLE).with_settings(bootstrap=200)))`` gives it
    (table for table, bit for bit), once for the session."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tx.score(with_settings(sample_loaded, bootstrap=200))


@pytest.fixture(scope="session")
def sample_scored_fr(sample_loaded) -> tx.Result:
    """:func:`sample_scored` in French (``language = "fr"`` before scoring: the banner
    tables carry their labels in the study's language), once for the session."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tx.score(with_settings(sample_loaded, bootstrap=200, language="fr"))


@pytest.fixture(scope="session")
def sample_cli_json(tmp_path_factory) -> dict:
    """``txscore score SPEC --format json`` of the sample with 200 resamples
    (:func:`sample_copy`), through the CLI's entry point, once for the session."""
    return cli_json(sample_copy(tmp_path_factory.mktemp("sample_json")))


# ---------------------------------------------------------------------- pytest-xdist
# A worker of pytest-xdist may inherit the terminal's COLUMNS: the command line would then
# wrap its messages at that width, where a serial run (a pipe) keeps a message on one line.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "one_thread: the test forks worker processes, which "
                            "txscore starts only from a process running one thread")


def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """A ``one_thread`` test in a process running other threads (a pytest-xdist worker runs
    one) is run in a fresh pytest process of its own, and passes or fails there."""
    if pyfuncitem.get_closest_marker("one_thread") is None or threading.active_count() == 1:
        return None
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p",
                           "no:cacheprovider", pyfuncitem.nodeid], cwd=root,
                          capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        pytest.fail(f"in a process of its own:\n{done.stdout[-4000:]}{done.stderr[-2000:]}")
    return True
