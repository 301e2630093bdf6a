"""The layout holds: imports only go down the layers of the README's Design section, no
import circle, no private name used outside its module, modules and functions of a
readable size.

The import graph is built from the source with :mod:`ast` (every ``import`` and
``from ... import``, also those inside functions), so a lazy import counts like any other.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "txscore"

#: modules over 600 lines that are one topic (the README's Design section says why)
LONG_MODULES: dict[str, str] = {}
#: functions over 80 lines that are flat tables of cases (module:function)
LONG_FUNCTIONS: dict[str, str] = {}
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 600, 80


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layers() -> list[tuple[int, list[str]]]:
    """(layer, module prefixes) from the README's Design section: rows of its layer table
    ``<layer>  <paths ...>  <what it owns>`` (paths relative to ``txscore/``)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    design = text.split("\n## Design", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in design.splitlines():
        m = re.match(r"^\s{4}(\d+)\s+((?:[\w/.]+(?:\.py|/)\s)+)", line + " ")
        if m:
            names = []
            for token in m.group(2).split():
                token = token.removesuffix(".py").removesuffix("/").replace("/", ".")
                names.append("txscore" if token == "__init__" else f"txscore.{token}")
            rows.append((int(m.group(1)), names))
    return rows


def _layer_of(module: str, layers: list[tuple[int, list[str]]]) -> int | None:
    best = None
    for layer, names in layers:
        for name in names:
            if (module == name or module.startswith(name + ".")) and (
                    best is None or len(name) > len(best[1])):
                best = (layer, name)
    return None if best is None else best[0]


def _imports(path: Path, module: str) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) of every txscore import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, None, node.lineno) for a in node.names
                    if a.name.split(".")[0] == "txscore"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "txscore":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in MODULES:  # ``from txscore.ingest import quality``
                    out.append((sub, None, node.lineno))
                else:
                    out.append((target, alias.name, node.lineno))
    return out


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        for target, _, _ in _imports(path, module):
            if target in MODULES and target != module:
                graph[module].add(target)
    return graph


def _private_uses(path: Path, module: str | None) -> list[str]:
    """Private names of txscore modules used outside the module that defines them: imported
    (``from txscore.x import _name``), reached as an attribute of an imported txscore module
    (``mod._name``) or named in a ``setattr``/``monkeypatch.setattr`` string."""
    found = []
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    aliases: dict[str, str] = {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for target, name, line in _imports(path, module or "tests"):
        if name and name.startswith("_") and not name.startswith("__") and target != module:
            found.append(f"{where}:{line} imports {target}.{name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("txscore"):
                    aliases[a.asname or a.name.split(".")[0]] = a.name
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("txscore"):
            for a in node.names:
                if f"{node.module}.{a.name}" in MODULES or node.module == "txscore":
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not \
                node.attr.startswith("__"):
            base = node.value
            chain = []
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in aliases:
                target = ".".join([aliases[base.id], *reversed(chain)])
                if target != module:
                    found.append(f"{where}:{node.lineno} uses "
                                 f"{target}.{node.attr}")
        if isinstance(node, ast.Call):
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)
                     and isinstance(a.value, str)]
            for text in texts:
                last = text.rsplit(".", 1)[-1]
                if (text.startswith("txscore.") or text.startswith("_")) and \
                        last.startswith("_") and not last.startswith("__") and \
                        getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                            "setattr", "getattr"):
                    found.append(f"{where}:{node.lineno} patches {text}")
    return found


def test_readme_names_every_module_in_a_layer():
    layers = _layers()
    assert len(layers) >= 5, "the README's Design section lists the layers"
    unplaced = [m for m in MODULES if _layer_of(m, layers) is None]
    assert not unplaced, f"modules in no layer of the README's Design section: {unplaced}"


def test_imports_only_go_down():
    layers = _layers()
    upward = []
    for module, path in MODULES.items():
        here = _layer_of(module, layers)
        for target, _, line in _imports(path, module):
            there = _layer_of(target, layers)
            if here is not None and there is not None and there > here:
                upward.append(f"{module}:{line} (layer {here}) imports {target} "
                              f"(layer {there})")
    assert not upward, "\n".join(upward)


def test_no_import_circle():
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(MODULES):
        if module not in state:
            visit(module)
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_no_private_name_across_modules():
    found = []
    for module, path in MODULES.items():
        found += _private_uses(path, module)
    for folder in ("tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            found += _private_uses(path, None)
    assert not found, "\n".join(found)


def test_modules_are_of_a_readable_size():
    long = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    over = {m: n for m, n in long.items() if n > MAX_MODULE_LINES and m not in LONG_MODULES}
    assert not over, f"modules over {MAX_MODULE_LINES} lines: {over}"


def test_functions_are_of_a_readable_size():
    over = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES and \
                        f"{module}:{node.name}" not in LONG_FUNCTIONS:
                    over.append(f"{module}:{node.name} ({length} lines)")
    assert not over, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(over)


@pytest.mark.parametrize("bad, expected", [
    ("from txscore.scoring.engine import _cells", "imports txscore.scoring.engine._cells"),
    ("import txscore.reporting.charts as c\nc._save_png(1)", "uses txscore.reporting.charts"),
    ("monkeypatch.setattr('txscore.reporting.charts._save_png', f)", "patches"),
])
def test_the_private_name_check_can_fail(tmp_path, bad, expected):
    path = tmp_path / "probe.py"
    path.write_text(bad + "\n")
    found = _private_uses(path, None)
    assert any(expected in f for f in found), found


def test_readme_lists_every_module_once():
    """The README's Design section is drawn from the tree: one line per module, no more."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    design = text.split("\n## Design", 1)[1].split("\n## ", 1)[0]
    tree = design.split("One line per module:", 1)[1]
    listed, folder = [], ""
    for line in tree.splitlines():
        m = re.match(r"^ {4}( *)([\w/.]+(?:, [\w.]+)*)(?:\s|$)", line)
        if not m or m.group(2) == "txscore/":
            continue
        depth = len(m.group(1)) // 2
        if m.group(2).endswith("/"):
            folder = m.group(2)
            continue
        prefix = folder if depth == 2 else ""
        listed += [f"txscore/{prefix}{name}" for name in m.group(2).split(", ")]
    actual = sorted(str(p.relative_to(ROOT)) for p in MODULES.values())
    assert sorted(listed) == actual, (
        f"missing from the README: {sorted(set(actual) - set(listed))}; "
        f"listed but absent: {sorted(set(listed) - set(actual))}")
