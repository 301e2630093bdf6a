"""The documentation runs: docstring examples, the README's Python API block, the public API.

Docstring examples are collected from every module of the package and run with the
repository root as the working folder (they read ``surveys/sample/study.toml``).  The
README's "Python API" code block is executed as written.
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import re
import warnings
from pathlib import Path

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


def test_there_are_docstring_examples_to_run():
    assert len(DOCTESTS) >= 15, DOCTESTS


@pytest.mark.parametrize(("module", "name"), DOCTESTS, ids=[n for _, n in DOCTESTS])
def test_docstring_example_runs(at_root, module, name):
    test = next(t for t in _doctests(module) if t.name == name)
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
