"""The hostile-input battery: careless or malicious specs, files and command lines.

Every case runs the command line in-process and asserts the exit code, that the output
names the place to look (file, table or key, row, column) in a message, that no Python
traceback or raw warning reaches the user, and that no input file was modified.  Cases
are grouped by class: spec, data, privacy, runtime and outputs.  The native-abort and
interrupt cases that need a subprocess live in test_bounds.py and test_publish.py.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from conftest import base_spec, make_study, merge, to_toml

from txscore.cli import main


@dataclass(frozen=True)
class Case:
    """One hostile input: how to build it, the command, what the user must be told."""

    id: str
    build: Callable[[Path], list[str]]  # writes the files, returns the CLI arguments
    code: int = 1
    must: tuple[str, ...] = ()  # fragments of the output (case and spaces ignored)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).digest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "out" not in p.parts
            and p.name != "study.toml.bak"}


def _tiny(tmp: Path, n: int = 6, **overrides) -> Path:
    answers = pd.DataFrame({"eff_1": [4, 5, 3, 2, 4, 5][:n] * 1})
    return make_study(tmp, answers, **overrides)


def _spec_with(**overrides) -> Callable[[Path], list[str]]:
    """A valid tiny study whose spec has ``overrides`` deep-merged (None deletes)."""

    def build(tmp: Path) -> list[str]:
        return ["validate", str(_tiny(tmp, **overrides))]

    return build


def _raw_spec(edit: Callable[[str], str]) -> Callable[[Path], list[str]]:
    """A valid tiny study whose spec text is edited by ``edit``."""

    def build(tmp: Path) -> list[str]:
        spec = _tiny(tmp)
        spec.write_text(edit(spec.read_text()), encoding="utf-8")
        return ["validate", str(spec)]

    return build


def _top_replaced(table: str, value: str) -> Callable[[Path], list[str]]:
    """The spec with a whole top-level table replaced by a scalar/array of the wrong type."""

    def build(tmp: Path) -> list[str]:
        spec = _tiny(tmp)
        doc = merge(base_spec(), {})
        doc["sources"] = [{"path": "customers.csv", "population": "customer", "wave": "W1"}]
        text = to_toml({k: v for k, v in doc.items() if k != table})
        spec.write_text(f"{table} = {value}\n" + text, encoding="utf-8")
        return ["validate", str(spec)]

    return build


# ---------------------------------------------------------------------- spec: table types
SPEC_TABLES = ("study", "sources", "columns", "scales", "constructs", "items", "index",
               "quality", "report", "weighting")
TABLE_CASES = [Case(f"spec-table-{t}-{name}", _top_replaced(t, v), 1, ("study.toml", t))
               for t in SPEC_TABLES
               for name, v in (("int", "5"), ("text", '"x"'), ("bool", "true"))]

# ---------------------------------------------------------------------- spec: values
R = "report"
VALUE_CASES = [
    Case("report-confidence-text", _spec_with(report={"confidence": "x"}), 1, ("confidence",)),
    Case("report-confidence-1.5", _spec_with(report={"confidence": 1.5}), 1, ("confidence",)),
    Case("report-confidence-0", _spec_with(report={"confidence": 0.0}), 1, ("confidence",)),
    Case("report-confidence-neg", _spec_with(report={"confidence": -0.2}), 1, ("confidence",)),
    Case("report-bootstrap-neg", _spec_with(report={"bootstrap": -1}), 1, ("bootstrap",)),
    Case("report-bootstrap-1e6", _spec_with(report={"bootstrap": 10**6}), 1, ("bootstrap",)),
    Case("report-bootstrap-1e9", _spec_with(report={"bootstrap": 10**9}), 1, ("bootstrap",)),
    Case("report-bootstrap-float", _spec_with(report={"bootstrap": 1.5}), 1, ("bootstrap",)),
    Case("report-bootstrap-text", _spec_with(report={"bootstrap": "many"}), 1, ("bootstrap",)),
    Case("report-seed-neg", _spec_with(report={"seed": -1}), 1, ("seed",)),
    Case("report-seed-text", _spec_with(report={"seed": "abc"}), 1, ("seed",)),
    Case("report-seed-float", _spec_with(report={"seed": 1.5}), 1, ("seed",)),
    Case("report-seed-huge-ok", _spec_with(report={"seed": 2**62}), 0, ()),
    Case("report-suppress-neg", _spec_with(report={"suppress_below": -1}), 1,
         ("suppress_below",)),
    Case("report-suppress-zero", _spec_with(report={"suppress_below": 0}), 1,
         ("suppress_below",)),
    Case("report-suppress-text", _spec_with(report={"suppress_below": "x"}), 1,
         ("suppress_below",)),
    Case("report-lowbase-neg", _spec_with(report={"low_base_below": -5}), 1,
         ("low_base_below",)),
    Case("report-caution-text", _spec_with(report={"caution_below": [1]}), 1,
         ("caution_below",)),
    Case("report-peer-neg", _spec_with(report={"peer_min_base": -1}), 1, ("peer_min_base",)),
    Case("report-language-xx", _spec_with(report={"language": "xx"}), 1, ("language",)),
    Case("report-mt-bogus", _spec_with(report={"multiple_testing": "bonf"}), 1,
         ("multiple_testing",)),
    Case("report-exactmax-neg", _spec_with(report={"bootstrap_exact_max": -3}), 1,
         ("bootstrap_exact_max",)),
    Case("report-unknown-key", _spec_with(report={"bootstrapp": 10}), 1, ("bootstrapp",)),
    Case("index-lambda-neg", _spec_with(index={"lambda": -0.1}), 1, ("lambda",)),
    Case("index-lambda-big", _spec_with(index={"lambda": 1.1}), 1, ("lambda",)),
    Case("index-lambda-text", _spec_with(index={"lambda": "half"}), 1, ("lambda",)),
    Case("index-share-2", _spec_with(index={"share_non_customer": 2}), 1,
         ("share_non_customer",)),
    Case("index-cx-bogus", _spec_with(index={"cx_method": "magic"}), 1, ("cx_method",)),
    Case("index-bx-bogus", _spec_with(index={"bx_method": "magic"}), 1, ("bx_method",)),
    Case("index-nps-unknown", _spec_with(index={"nps_item": "nope"}), 1, ("nps_item",)),
    Case("index-mincust-neg", _spec_with(index={"min_customers_for_weights": -5}), 1,
         ("min_customers_for_weights",)),
    Case("index-mincust-text", _spec_with(index={"min_customers_for_weights": "x"}), 1,
         ("min_customers_for_weights",)),
    Case("scale-points-1e9", _spec_with(scales={"agree5": {"points": 10**9, "max": 10**9}}),
         1, ("agree5",)),
    Case("scale-points-zero", _spec_with(scales={"agree5": {"points": 0}}), 1, ("agree5",)),
    Case("scale-points-neg", _spec_with(scales={"agree5": {"points": -3}}), 1, ("agree5",)),
    Case("scale-points-text", _spec_with(scales={"agree5": {"points": "five"}}), 1,
         ("agree5",)),
    Case("scale-min-gt-max", _spec_with(scales={"agree5": {"min": 5, "max": 1}}), 1,
         ("agree5",)),
    Case("scale-labels-int", _spec_with(scales={"agree5": {"labels": 5}}), 1,
         ("agree5", "labels")),
    Case("scale-label-code-text", _raw_spec(lambda t: t.replace(
        '1 = "Strongly disagree"', 'one = "Strongly disagree"', 1)), 1, ("agree5",)),
    Case("scale-topbox-out", _spec_with(scales={"agree5": {"top_box": [99]}}), 1,
         ("agree5", "top_box")),
    Case("scale-missing-text", _spec_with(scales={"agree5": {"missing": "x"}}), 1,
         ("agree5", "missing")),
    Case("scale-label-list-int", _spec_with(scales={"agree5": {"labels": {1: [1, 2]}}}), 1,
         ("agree5",)),
    Case("scale-unknown-key", _spec_with(scales={"agree5": {"pionts": 5}}), 1, ("pionts",)),
    Case("columns-id-int", _spec_with(columns={"respondent_id": 5}), 1, ("respondent_id",)),
    Case("columns-segments-text", _spec_with(columns={"segments": "region"}), 1,
         ("segments",)),
    Case("columns-personal-int", _spec_with(columns={"personal": 5}), 1, ("personal",)),
    Case("columns-weight-list", _spec_with(columns={"weight": [1]}), 1, ("weight",)),
    Case("columns-unknown", _spec_with(columns={"respondant_id": "x"}), 1, ("respondant_id",)),
    Case("construct-role-bogus", _spec_with(constructs={"ease": {"role": "magic"}}), 1,
         ("ease", "role")),
    Case("construct-dim-bogus", _spec_with(constructs={"ease": {"dimension": "speed"}}), 1,
         ("ease",)),
    Case("construct-pops-text", _spec_with(constructs={"ease": {"populations": "customer"}}),
         1, ("ease", "populations")),
    Case("construct-table-int", _raw_spec(lambda t: t.replace(
        "[constructs]\n", "[constructs]\nease = 5\n", 1).replace(
        '[constructs.ease]\nrole = "cx_quality"\n', "")),
         1, ("ease",)),
    Case("item-construct-unknown", _spec_with(items={"eff_1": {"construct": "nope"}}), 1,
         ("eff_1", "nope")),
    Case("item-scale-unknown", _spec_with(items={"eff_1": {"scale": "nope"}}), 1,
         ("eff_1", "nope")),
    Case("item-reversed-text", _spec_with(items={"eff_1": {"reversed": "yes"}}), 1,
         ("eff_1", "reversed")),
    Case("item-text-int", _spec_with(items={"eff_1": {"text": 5}}), 1, ("eff_1", "text")),
    Case("item-is-int", _raw_spec(lambda t: t.replace("[items]\n", "[items]\nzz_1 = 5\n")), 1,
         ("zz_1",)),
    Case("quality-speeders-text", _spec_with(quality={"speeders": "fast"}), 1, ("speeders",)),
    Case("quality-speeders-neg", _spec_with(quality={"speeders": {"min_seconds": -1,
                                                                   "column": "dur"}}), 1,
         ("min_seconds",)),
    Case("quality-incomplete-2", _spec_with(quality={"incomplete": {"min_share": 2}}), 1,
         ("min_share",)),
    Case("quality-attention-int", _spec_with(quality={"attention_checks": 5}), 1,
         ("attention_checks",)),
    Case("quality-unknown", _spec_with(quality={"speeder": True}), 1, ("speeder",)),
    Case("weighting-method-bogus", _spec_with(weighting={"method": "magic"}), 1,
         ("method",)),
    Case("weighting-cap-zero", _spec_with(weighting={"method": "rake", "cap": 0}), 1,
         ("cap",)),
    Case("weighting-rake-no-targets", _spec_with(weighting={"method": "rake"}), 1,
         ("targets",)),
    Case("study-name-int", _spec_with(study={"name": 5}), 1, ("name",)),
    Case("study-name-missing", _spec_with(study={"name": None}), 1, ("name",)),
    Case("study-lang-xx", _spec_with(study={"language": "xx"}), 1, ("language",)),
    Case("toml-syntax", _raw_spec(lambda t: t + "\n[report\n"), 1, ("study.toml",)),
    Case("toml-not-utf8", _raw_spec(lambda t: t), 0, ()),
    Case("top-unknown", _raw_spec(lambda t: "colums = {}\n" + t), 1, ("colums",)),
]


def _sources_edit(edit: Callable[[dict], None]) -> Callable[[Path], list[str]]:
    """The tiny study with its first source edited by ``edit`` (a dict, in place)."""

    def build(tmp: Path) -> list[str]:
        _tiny(tmp)
        doc = base_spec()
        doc["sources"] = [{"path": "customers.csv", "population": "customer", "wave": "W1"}]
        edit(doc["sources"][0])
        (tmp / "study.toml").write_text(to_toml(doc), encoding="utf-8")
        return ["validate", str(tmp / "study.toml")]

    return build


SOURCE_CASES = [
    Case("source-path-missing", _sources_edit(lambda s: s.update(path="nope.csv")), 1,
         ("nope.csv",)),
    Case("source-path-int", _sources_edit(lambda s: s.update(path=5)), 1, ("path",)),
    Case("source-no-path", _sources_edit(lambda s: s.pop("path")), 1, ("path",)),
    Case("source-pop-bogus", _sources_edit(lambda s: s.update(population="clients")), 1,
         ("population",)),
    Case("source-wave-int", _sources_edit(lambda s: s.update(wave=5)), 1, ("wave",)),
    Case("source-format-bogus", _sources_edit(lambda s: s.update(format="excel")), 1,
         ("format",)),
    Case("source-format-qualtrics-on-plain",
         _sources_edit(lambda s: s.update(format="qualtrics")), 1,
         ("customers.csv", "qualtrics")),
    Case("source-format-surveymonkey-on-plain",
         _sources_edit(lambda s: s.update(format="surveymonkey")), 1,
         ("customers.csv", "surveymonkey")),
    Case("source-format-google-on-plain",
         _sources_edit(lambda s: s.update(format="google-forms")), 1,
         ("customers.csv", "google-forms")),
    Case("source-header-neg", _sources_edit(lambda s: s.update(header_row=-1)), 1,
         ("header_row",)),
    Case("source-header-far", _sources_edit(lambda s: s.update(header_row=10_000)), 1,
         ("customers.csv",)),
    Case("source-encoding-bogus", _sources_edit(lambda s: s.update(encoding="klingon")), 1,
         ("encoding",)),
    Case("source-delim-long", _sources_edit(lambda s: s.update(delimiter=";;")), 1,
         ("delimiter",)),
    Case("source-pattern-no-brand", _sources_edit(lambda s: s.update(brand_pattern="{item}")),
         1, ("brand_pattern",)),
    Case("source-sheet-on-csv-int", _sources_edit(lambda s: s.update(sheet=3)), 1, ("sheet",)),
    Case("source-unknown-key", _sources_edit(lambda s: s.update(pth="x")), 1, ("pth",)),
    Case("source-columns-unknown-role",
         _sources_edit(lambda s: s.update(columns={"respondant_id": "x"})), 1,
         ("respondant_id",)),
    Case("source-items-unknown-item",
         _sources_edit(lambda s: s.update(items={"nope_1": "x"})), 1, ("nope_1",)),
    Case("source-listed-twice",
         _sources_edit(lambda s: None) if False else _raw_spec(
             lambda t: t + '\n[[sources]]\npath = "customers.csv"\npopulation = "customer"\n'
                           'wave = "W2"\n'), 1, ("customers.csv",)),
]


# ---------------------------------------------------------------------- data files
def _with_file(content: bytes | Callable[[Path], None], name: str = "customers.csv",
               args: tuple[str, ...] = ("validate",)) -> Callable[[Path], list[str]]:
    """The tiny study whose customer file is replaced by ``content`` (bytes or a writer)."""

    def build(tmp: Path) -> list[str]:
        spec = _tiny(tmp)
        target = tmp / name
        if name != "customers.csv":
            spec.write_text(spec.read_text().replace('"customers.csv"', f'"{name}"'))
            (tmp / "customers.csv").unlink()
        if callable(content):
            target.unlink(missing_ok=True)
            content(target)
        else:
            target.write_bytes(content)
        return [*args, str(spec)]

    return build


HEAD = b"resp_id,brand," + b",".join(c.encode() for c in
                                     ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1",
                                      "sal_1", "fit_1", "trust_1"])
ROW = b",A,3,3,3,3,3,3,3,3,3"


def _rows(*ids: str, extra: bytes = b"") -> bytes:
    return HEAD + b"\n" + b"\n".join(i.encode() + ROW for i in ids) + b"\n" + extra


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _xlsx_bytes() -> bytes:
    import io

    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.append(["resp_id", "brand"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


DATA_CASES = [
    Case("data-empty", _with_file(b""), 1, ("customers.csv",)),
    Case("data-header-only", _with_file(HEAD + b"\n"), 1, ("customers.csv",)),
    Case("data-binary", _with_file(bytes(range(256)) * 8), 1, ("customers.csv",)),
    Case("data-directory", _with_file(lambda p: p.mkdir()), 1, ("customers.csv", "folder")),
    Case("data-fifo", _with_file(_fifo), 1, ("customers.csv",)),
    Case("data-xlsx-named-csv", _with_file(_xlsx_bytes()), 1, ("customers.csv", "xlsx")),
    Case("data-csv-named-xlsx", _with_file(_rows("c1", "c2"), name="customers.xlsx"), 1,
         ("customers.xlsx",)),
    Case("data-ragged", _with_file(_rows("c1", "c2", extra=b"c3,A,1,2\n")), 0, ()),
    Case("data-too-many-fields", _with_file(_rows("c1", extra=b"c3" + ROW + b",9,9\n")), 1,
         ("customers.csv", "row 3")),
    Case("data-unbalanced-quote", _with_file(_rows("c1", "c2", extra=b'"c3' + ROW + b"\n"
                                                   + b"c4" + ROW + b"\n")), 1,
         ("customers.csv, row 4", "opened on line 4 is never closed")),
    Case("data-nul", _with_file(_rows("c1", "c\x002")), 1, ("customers.csv", "nul")),
    Case("data-unknown-label", _with_file(_rows("c1", extra=b"c2,A,Maybe,3,3,3,3,3,3,3,3\n")),
         1, ("customers.csv", "maybe")),
    Case("data-out-of-range-kept-in-ledger",
         _with_file(_rows("c1", extra=b"c2,A,9,3,3,3,3,3,3,3,3\n")), 0, ()),
    Case("data-no-id-column", _with_file(HEAD.replace(b"resp_id", b"rid") + b"\nc1" + ROW
                                         + b"\n"), 1, ("resp_id",)),
    Case("data-no-brand-column", _with_file(HEAD.replace(b"brand", b"brnd") + b"\nc1" + ROW
                                            + b"\n"), 1, ("brand",)),
    Case("data-missing-item", _with_file(HEAD.replace(b",trust_1", b"") + b"\nc1"
                                         + ROW[:-2] + b"\n"), 1, ("trust_1",)),
    Case("data-dup-item-column", _with_file(HEAD + b",eff_1\nc1" + ROW + b",3\n"), 1,
         ("eff_1",)),
    Case("data-cp1252-in-utf8", _with_file(_rows("c1", extra="c2,Nestlé".encode()
                                                 + ROW[2:] + b"\n" + "c3,Nestlé".encode(
                                                     "cp1252") + ROW[2:] + b"\n")), 0, ()),
    Case("data-utf16", _with_file(_rows("c1", "c2").decode().encode("utf-16")), 0, ()),
    Case("data-bom", _with_file(b"\xef\xbb\xbf" + _rows("c1", "c2")), 0, ()),
    Case("data-crlf", _with_file(_rows("c1", "c2").replace(b"\n", b"\r\n")), 0, ()),
    Case("data-excel-error-text", _with_file(_rows("c1", extra=b"c2,A,#VALUE!,3,3,3,3,3,3,3,3\n")),
         1, ("customers.csv", "#value!")),
    Case("data-huge-cell", _with_file(_rows("c1", extra=b"c2,A," + b"x" * 200_000
                                            + b",3,3,3,3,3,3,3,3\n")), 1, ("customers.csv",)),
    Case("data-date-as-answer", _with_file(_rows("c1", extra=b"c2,A,2026-01-05,3,3,3,3,3,3,3,"
                                                 b"3\n")), 1, ("customers.csv",)),
    Case("data-blank-id", _with_file(_rows("c1", "")), 0, ()),
    Case("data-duplicate-ids", _with_file(_rows("c1", "c1", "c1")), 0, ()),
    Case("data-only-blank-rows", _with_file(HEAD + b"\n,,,,,,,,,,\n,,,,,,,,,,\n"), 1,
         ("customers.csv",)),
    Case("data-semicolon", _with_file(_rows("c1", "c2").replace(b",", b";")), 0, ()),
    Case("data-tab", _with_file(_rows("c1", "c2").replace(b",", b"\t")), 0, ()),
    Case("data-total-brand", _with_file(_rows("c1").replace(b",A,", b",All brands,")), 1,
         ("all brands",)),
]


def _weights(values: list[str]) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        frame = pd.DataFrame({"eff_1": [4] * len(values), "weight": values})
        return ["validate", str(make_study(tmp, frame))]

    return build


WEIGHT_CASES = [
    Case("weight-1e308", _weights(["1e308", "1e308", "1"]), 1, ("weight",)),
    Case("weight-inf", _weights(["inf", "1", "1"]), 1, ("weight",)),
    Case("weight-neg", _weights(["-1", "1", "1"]), 1, ("weight",)),
    Case("weight-zero", _weights(["0", "1", "1"]), 1, ("weight",)),
    Case("weight-text", _weights(["heavy", "1", "1"]), 1, ("weight",)),
    Case("weight-nan", _weights(["nan", "1", "1"]), 1, ("weight",)),
    Case("weight-tiny", _weights(["1e-300", "1", "1"]), 1, ("weight",)),
]


# ---------------------------------------------------------------------- privacy
def _segment_study(values: list[str], name: str = "region") -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        frame = pd.DataFrame({"eff_1": [4] * len(values), name: values})
        return ["validate", str(make_study(tmp, frame, columns={"segments": [name]}))]

    return build


N = 40
PRIVACY_CASES = [
    Case("segment-emails", _segment_study([f"p{i}@example.com" for i in range(N)]), 1,
         ("region", "e-mail")),
    Case("segment-some-emails", _segment_study(["North"] * (N - 1) + ["me@example.com"]), 1,
         ("region", "e-mail")),
    Case("segment-phone-in-text",
         _segment_study(["ok"] * (N - 1) + ["call +44 20 7946 0958 please"]), 1,
         ("region", "phone")),
    Case("segment-id-like", _segment_study([f"R_{i:05d}" for i in range(N)]), 1,
         ("region", "identifies")),
    Case("segment-named-email", _segment_study(["a", "b"] * (N // 2), name="email"), 1,
         ("email",)),
    Case("segment-fine", _segment_study(["North", "South"] * (N // 2)), 0, ()),
]


# ---------------------------------------------------------------------- runtime and outputs
def _score(*extra: str) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        frame = pd.DataFrame({"eff_1": [4, 5, 3, 2] * 10, "region": ["N", "S"] * 20})
        return ["score", str(make_study(tmp, frame, columns={"segments": ["region"]})), *extra]

    return build


def _report(*extra: str, out: str = "out") -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        spec = _tiny(tmp)
        target = out.replace("{tmp}", str(tmp)) if "{tmp}" in out else str(tmp / out)
        return ["report", str(spec), "--out", target, "-q", "--no-charts", *extra]

    return build


def _readonly_out(tmp: Path) -> list[str]:
    spec = _tiny(tmp)
    (tmp / "out").mkdir()
    (tmp / "out").chmod(stat.S_IRUSR | stat.S_IXUSR)
    return ["report", str(spec), "--out", str(tmp / "out"), "-q", "--no-charts"]


def _out_is_file(tmp: Path) -> list[str]:
    spec = _tiny(tmp)
    (tmp / "out").write_text("not a folder")
    return ["report", str(spec), "--out", str(tmp / "out"), "-q", "--no-charts"]


def _name_like_input(tmp: Path) -> list[str]:
    spec = _tiny(tmp)
    spec.write_text(spec.read_text().replace('name = "Tiny study"', 'name = "customers"'))
    (tmp / "customers.xlsx").write_bytes(b"keep me")
    return ["report", str(spec), "--out", str(tmp), "-q", "--no-charts",
            "--allow-input-folder"]


def _long_name(tmp: Path) -> list[str]:
    spec = _tiny(tmp)
    spec.write_text(spec.read_text().replace('name = "Tiny study"', f'name = "{"x" * 300}"'))
    return ["report", str(spec), "--out", str(tmp / "out"), "-q", "--no-charts"]


def _init_over_input(tmp: Path) -> list[str]:
    _tiny(tmp)
    return ["init", str(tmp / "customers.csv"), "-o", str(tmp / "customers.csv"), "--force"]


def _export_over_input(tmp: Path) -> list[str]:
    spec = _tiny(tmp)
    os.environ["TXSCORE_SALT"] = "a long enough secret salt for tests"
    return ["export", str(spec), "--out", str(tmp / "customers.csv"), "--allow-input-folder"]


def _spec_missing(tmp: Path) -> list[str]:
    return ["validate", str(tmp / "nope.toml")]


def _spec_is_dir(tmp: Path) -> list[str]:
    (tmp / "study.toml").mkdir()
    return ["validate", str(tmp / "study.toml")]


def _spec_unreadable(tmp: Path) -> list[str]:
    spec = _tiny(tmp)
    spec.chmod(0)
    return ["validate", str(spec)]


def _data_unreadable(tmp: Path) -> list[str]:
    spec = _tiny(tmp)
    (tmp / "customers.csv").chmod(0)
    return ["validate", str(spec)]


RUNTIME_CASES = [
    Case("by-brand", _score("--by", "brand"), 1, ("brand",)),
    Case("by-wave", _score("--by", "wave"), 1, ("wave",)),
    Case("by-population", _score("--by", "population"), 1, ("population",)),
    Case("by-repeated", _score("--by", "region", "--by", "region"), 1, ("region",)),
    Case("by-respondent-id", _score("--by", "resp_id"), 1, ("resp_id",)),
    Case("by-unknown", _score("--by", "nope"), 1, ("nope",)),
    Case("by-ok", _score("--by", "region"), 0, ()),
    Case("table-unknown", _score("--table", "nope"), 2, ("nope",)),
    Case("format-unknown", _score("--format", "xml"), 2, ("xml",)),
    Case("score-json", _score("--format", "json"), 0, ()),
    Case("score-csv-exclusions", _score("--format", "csv", "--table", "exclusions"), 0, ()),
    Case("spec-missing", _spec_missing, 1, ("nope.toml",)),
    Case("spec-is-dir", _spec_is_dir, 1, ("study.toml", "folder")),
    Case("spec-unreadable", _spec_unreadable, 1, ("study.toml", "permission")),
    Case("data-unreadable", _data_unreadable, 1, ("customers.csv", "permission")),
    Case("out-readonly", _readonly_out, 1, ("out",)),
    Case("out-is-file", _out_is_file, 1, ("out",)),
    Case("out-input-folder", _report(out="{tmp}"), 1, ("--allow-input-folder",)),
    Case("out-name-like-input", _name_like_input, 1, ("customers.xlsx",)),
    Case("out-long-name", _long_name, 0, ()),  # the workbook name is cut to fit
    Case("init-over-input", _init_over_input, 1, ("customers.csv",)),
    Case("export-over-input", _export_over_input, 1, ("customers.csv",)),
    Case("unknown-command", lambda tmp: ["reprot"], 2, ("report",)),
    Case("unknown-option", lambda tmp: ["validate", "--formt", "x"], 2, ("usage",)),
]

CASES = (TABLE_CASES + VALUE_CASES + SOURCE_CASES + DATA_CASES + WEIGHT_CASES
         + PRIVACY_CASES + RUNTIME_CASES)


def test_the_battery_is_large_and_its_ids_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 150


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_case(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    if os.geteuid() == 0 and "unreadable" in case.id:
        pytest.skip("root reads any file")
    args = case.build(tmp_path)
    before = _snapshot(tmp_path)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    text = _norm(out + err)
    for p in tmp_path.rglob("*"):
        if not p.is_symlink() and p.exists():
            p.chmod(p.stat().st_mode | stat.S_IRUSR | stat.S_IWUSR | stat.S_IXUSR)
    assert "traceback" not in text and "txscore bug" not in text, out + err
    assert not re.search(r"\w+warning: ", out + err), out + err  # no raw Python warnings
    assert code == case.code, f"exit {code}, expected {case.code}\n{out}{err}"
    for fragment in case.must:
        assert _norm(fragment) in text, f"{fragment!r} not in:\n{out}{err}"
    if code == 1:
        assert "error" in text
    after = {k: v for k, v in _snapshot(tmp_path).items() if k in before}
    assert after == before, "an input file was modified"


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("POSIX file modes and FIFOs")
