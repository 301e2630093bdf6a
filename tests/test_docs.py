"""The documentation runs: docstring examples, the README's Python API block, the public API.

Docstring examples are collected from every module of the package and run with the
repository root as the working folder (they read ``surveys/sample/study.toml``).  The
README's "Python API" code block is executed as written.

About 45 examples begin by loading and scoring the sample study (``tx.score(tx.load(
study))``) before showing what their own function does with the result. Outside the
modules that document loading and scoring themselves (:data:`RUN_FOR_REAL`), ``tx.load``
and ``tx.score`` are memoised for the examples (:class:`Memo`): each distinct study is
loaded, and each distinct set of responses scored, once for real, and every example gets a
deep copy of that value, equal table for table to what its own call would give. The
examples of ``load`` and ``score`` (and of the engines) still run them every time.
"""

from __future__ import annotations

import copy
import doctest
import importlib
import os
import pkgutil
import re
import warnings
from pathlib import Path
from typing import Any

import matplotlib
import pytest

import txscore
import txscore as tx

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(m.name for m in pkgutil.walk_packages(txscore.__path__, "txscore."))


@pytest.fixture
def at_root(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    matplotlib.use("Agg")
    yield


def _doctests(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [t for t in finder.find(module, name) if t.examples]


DOCTESTS = [(name, t.name) for name in MODULES for t in _doctests(name)]

#: modules whose examples show loading and scoring themselves (or an engine that does):
#: their ``tx.load`` and ``tx.score`` always run
RUN_FOR_REAL = ("txscore", "txscore.ingest", "txscore.scoring", "txscore.scoring.pipeline",
                "txscore.scoring.run", "txscore.scoring.study_engine",
                "txscore.scoring.dask_engine", "txscore.scoring.chunked", "txscore.responses")


def _equal(a: Any, b: Any) -> bool:
    """Studies compared field by field; False where a field cannot say (an array)."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _same_responses(a: tx.Responses, b: tx.Responses) -> bool:
    return (_equal(a.study, b.study) and a.data.equals(b.data)
            and a.exclusions.equals(b.exclusions) and a.files.equals(b.files))


class Memo:
    """``tx.load(study)`` and ``tx.score(responses)`` (no other argument) computed once per
    distinct input and handed out as deep copies: what each call would have returned,
    without loading and scoring the sample again for every example. Any other call goes
    through to the real function.

    >>> memo = Memo(load=lambda study: [study], score=lambda responses: responses)
    >>> a = memo.load("study"); a.append(1); memo.load("study")
    ['study']
    """

    def __init__(self, load: Any, score: Any) -> None:
        self.real_load, self.real_score = load, score
        self.loads: list[tuple[Any, Any]] = []
        self.scores: list[tuple[Any, Any]] = []

    def load(self, study: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return self.real_load(study, *args, **kwargs)
        return _remembered(self.loads, study, _equal, self.real_load)

    def score(self, responses: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(responses, tx.Responses):
            return self.real_score(responses, *args, **kwargs)
        return _remembered(self.scores, responses, _same_responses, self.real_score)


def _remembered(seen: list[tuple[Any, Any]], key: Any, same: Any, real: Any) -> Any:
    """``real(key)``, computed once per distinct key (``same``), as a deep copy."""
    for known, value in seen:
        if same(known, key):
            return copy.deepcopy(value)
    value = real(key)
    seen.append((copy.deepcopy(key), copy.deepcopy(value)))
    return value


MEMO = Memo(tx.load, tx.score)


def test_there_are_docstring_examples_to_run():
    assert len(DOCTESTS) >= 15, DOCTESTS


@pytest.mark.parametrize(("module", "name"), DOCTESTS, ids=[n for _, n in DOCTESTS])
def test_docstring_example_runs(at_root, monkeypatch, module, name):
    test = next(t for t in _doctests(module) if t.name == name)
    if module not in RUN_FOR_REAL and not module.startswith("txscore.ingest."):
        monkeypatch.setattr(tx, "load", MEMO.load)
        monkeypatch.setattr(tx, "score", MEMO.score)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runner.run(test, out=lambda text: pytest.fail(text, pytrace=False))
    assert runner.failures == 0


def test_every_public_name_is_documented_with_an_example():
    missing = []
    for name in tx.__all__:
        obj = getattr(tx, name)
        doc = getattr(obj, "__doc__", "") or ""
        if isinstance(obj, type) and issubclass(obj, Warning | Exception):
            if not doc.strip():
                missing.append(f"{name}: no docstring")
            continue
        if "Examples" not in doc and ">>>" not in doc:
            missing.append(f"{name}: no example")
    assert not missing, missing


def readme_python_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert blocks, "the README's Python API section has no python code block"
    return "\n".join(blocks)


def test_readme_python_api_block_runs_as_written(tmp_path, monkeypatch):
    """Run from a copy of the sample study so the block's report lands in tmp_path."""
    code = readme_python_block()
    monkeypatch.chdir(ROOT)
    matplotlib.use("Agg")
    out = tmp_path / "reports"
    code = code.replace('"reports/sample"', repr(str(out)))
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102
    assert isinstance(namespace["result"], tx.Result)
    assert any(p.suffix == ".xlsx" for p in out.rglob("*"))
    assert not list((ROOT / "reports").glob("sample*/*.tmp"))
    assert os.environ.get("PYTEST_CURRENT_TEST")
