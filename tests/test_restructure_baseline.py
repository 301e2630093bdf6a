"""Behaviour unchanged by the restructure (issue 14): the sample's ``score --format json``
and the workbook's cell values against copies made at commit 43cf287, before the move.

Temporary: the copies and this test are deleted once the restructure has landed.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import openpyxl

from txscore.cli import main
from txscore.ingest.quality import DETAILS
from txscore.reporting.text import parse_detail, words_for

BASE = Path(__file__).parent / "data" / "baseline"
STUDY = Path(__file__).resolve().parents[1] / "surveys" / "sample" / "study.toml"

#: text values whose spelling the restructure changed on purpose (old -> new)
RENAMED = {"": "ok", "low base": "low_base"}

#: old reliability verdict bands -> the verdict codes of txscore.stats.reliability.VERDICTS
_BANDS = {"redundant items": "redundant", "no variance": "no_variance",
          "too few cases": "too_few_cases"}
#: old verdict notes (each "; "-part, "<item>: " before an item's first) -> note codes
_NOTES = [(re.compile(r"(?:(?P<item>\w+): )?low item-rest r \(<(?P<v>\.\d+)\)$"),
           "low_item_rest:{item}(0{v})"),
          (re.compile(r"(?:(?P<item>\w+): )?negative item-rest r \((?P<v>-?[\d.]+)\): "
                      r"reversed item not recoded\?$"), "negative_item_rest:{item}({v})"),
          (re.compile(r"(?:(?P<item>\w+): )?alpha rises if deleted \((?P<v>\+[\d.]+)\)$"),
           "raises_alpha:{item}({v})"),
          (re.compile(r"looks two-dimensional \(2nd eigenvalue (?P<v>[\d.]+) > 1\)$"),
           "two_dimensional({v})")]


def _old_verdict(text: str) -> dict[str, str]:
    """An old English verdict ("questionable; trust_3: low item-rest r (<.30); alpha rises
    if deleted (+0.190)") as the verdict and notes codes that replace it ("questionable",
    "low_item_rest:trust_3(0.30);raises_alpha:trust_3(+0.190)"): the same information."""
    band, *parts = text.split("; ")
    notes, item = [], ""
    for part in parts:
        for pattern, code in _NOTES:
            if m := pattern.match(part):
                item = m["item"] if "item" in pattern.groupindex and m["item"] else item
                notes.append(code.format(item=item, v=m["v"]))
                break
        else:
            raise AssertionError(f"an old note no code stands for: {part!r}")
    return {"verdict": _BANDS.get(band, band), "notes": ";".join(notes)}


#: whole columns whose English sentences became codes: (table, column) -> the new fields
#: of the same row that the old text must equal, translated
CODED = {("reliability", "verdict"): _old_verdict}

_EN = words_for("en")
#: ledger columns whose English text became codes (issue 14: ingest returns codes,
#: reporting.text has the words): (table, column) -> the English words of the same new row,
#: which must equal the old text exactly.  ``detail`` is now ";"-joined detail codes
#: ("same id as customers_w1.xlsx row 804" -> "same_id_as:customers_w1.xlsx(804)",
#: "duration 25 s < 60 s" -> "duration_below(25<60)", "fit_2 = 0" ->
#: "outside_scale:fit_2(0)"), whose English text is the old sentence; ``reason_text``
#: left the ledger (its words are reporting.text's reason_texts of the reason code).


def _detail_words(row: dict) -> str:
    """The English words of a new row's detail, which must be made of detail codes (an
    English sentence would be shown as it is, and pass unnoticed)."""
    codes = [parse_detail(c)[0] for c in row["detail"].split(";") if c]
    assert set(codes) <= set(DETAILS), row["detail"]
    return _EN.detail(row["detail"])


TRANSLATED = {("exclusions", "detail"): _detail_words,
              ("exclusions", "reason_text"): lambda row: _EN.reason_texts[row["reason"]]}


def _same(old, new, where: str, problems: list[str]) -> None:
    if isinstance(old, bool) or isinstance(new, bool):
        if old != new:
            problems.append(f"{where}: {old!r} != {new!r}")
    elif isinstance(old, int | float) and isinstance(new, int | float):
        if math.isnan(old) and math.isnan(new):
            return
        if not math.isclose(old, new, rel_tol=1e-12, abs_tol=1e-12):
            problems.append(f"{where}: {old!r} != {new!r}")
    elif old != new and RENAMED.get(old, old) != new:
        problems.append(f"{where}: {old!r} != {new!r}")


def test_score_json_unchanged(capsys):
    assert main(["score", str(STUDY), "--format", "json"]) == 0
    new = json.loads(capsys.readouterr().out)
    old = json.loads((BASE / "sample_score.json").read_text())
    problems: list[str] = []
    assert sorted(old) == sorted(new)
    for table in old:
        if table == "study":
            continue
        assert len(old[table]) == len(new[table]), table
        for i, (a, b) in enumerate(zip(old[table], new[table], strict=True)):
            for key in a:
                if (table, key) in TRANSLATED:  # the old text, word for word
                    _same(a[key], TRANSLATED[(table, key)](b), f"{table}[{i}].{key}",
                          problems)
                    continue
                if key not in b:
                    problems.append(f"{table}[{i}] lost {key}")
                    continue
                if (table, key) in CODED:
                    want = CODED[(table, key)](a[key])
                    if want != {k: b[k] for k in want}:
                        problems.append(f"{table}[{i}].{key}: {a[key]!r} -> {want} != "
                                        f"{ {k: b[k] for k in want} }")
                    continue
                _same(a[key], b[key], f"{table}[{i}].{key}", problems)
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} differences)"


def test_workbook_cells_unchanged(tmp_path):
    assert main(["report", str(STUDY), "--out", str(tmp_path), "--quiet"]) == 0
    book = openpyxl.load_workbook(tmp_path / "Sample TX Study.xlsx", read_only=True)
    old = json.loads((BASE / "sample_workbook_cells.json").read_text())
    problems: list[str] = []
    assert [ws.title for ws in book.worksheets] == list(old)
    for ws in book.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        ref = old[ws.title]
        if len(rows) != len(ref):
            problems.append(f"{ws.title}: {len(ref)} rows -> {len(rows)}")
        for r, (a_row, b_row) in enumerate(zip(ref, rows, strict=False)):
            for c, (a, b) in enumerate(zip(a_row, b_row, strict=False)):
                _same(a, b, f"{ws.title}!R{r + 1}C{c + 1}", problems)
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} differences)"
