"""The items of a drafted spec: brand loops, one item per question across files, reversal.

* :func:`find_brand_loop`: the same item stems asked once per brand (``confiance_Alpha``,
  ``confiance_Bêta``, ...: ``{item}_{brand}``, or ``{brand}_{item}``).
* :func:`build_items`: one item per question.  A question with the same column name in
  several files is one item; questions of the same construct and scale in files that do
  not share them are paired in order (the SurveyMonkey customer file's "I trust it" and the
  panel file's ``confiance``): one item key, each file's own column as an alias.  Each
  construct is asked of the populations whose every file holds its items; an item missing
  from one of those files is left out, with the reason.
* :func:`propose_reversed`: an item whose answers run against the other items of its
  battery (same scale, same file) is proposed as reverse-worded, only with at least 30
  complete answers, for fewer than half of the battery's items and at most half of its
  construct's, with the correlation as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from txscore.ingest.draft_scales import ScaleDraft
from txscore.study import normalise_label

__all__ = ["ItemDraft", "Loop", "Question", "build_items", "choose_populations",
           "find_brand_loop", "propose_reversed"]

#: complete answers needed before reverse wording is proposed
MIN_COMPLETE = 30
_CLEAN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
#: suffixes that number the rows of a grid, not brands (``Q3_question_one``)
_NUMBER_WORDS = set(
    "one two three four five six seven eight nine ten first second third fourth fifth "
    "un une deux trois quatre cinq six sept huit neuf dix eins zwei drei vier funf sechs "
    "sieben acht neun zehn a b c d e f g h i j".split())


@dataclass(frozen=True)
class Loop:
    """A brand loop: the pattern, the brands as written in the names, column -> item part."""

    pattern: str
    brands: tuple[str, ...]
    item_of: Mapping[str, str]


def find_brand_loop(columns: list[str], brands: set[str] = frozenset()) -> Loop | None:
    """The brand loop among rating columns: stems sharing the same non-numeric parts.

    Several stems need two brands or more; one stem needs three, or brands named
    elsewhere (``brands``: normalised names from another file's brand column).

    >>> find_brand_loop(["trust_1_Acme", "fit_1_Acme", "trust_1_Globex", "fit_1_Globex"])
    Loop(pattern='{item}_{brand}', brands=('Acme', 'Globex'), item_of={'trust_1_Acme': \
'trust_1', 'fit_1_Acme': 'fit_1', 'trust_1_Globex': 'trust_1', 'fit_1_Globex': 'fit_1'})
    >>> find_brand_loop(["confiance_Alpha", "confiance_Bêta", "confiance_Gamma"]).brands
    ('Alpha', 'Bêta', 'Gamma')
    >>> find_brand_loop(["q1_1", "q1_2", "q2_1", "q2_2"]) is None
    True
    >>> find_brand_loop(["eff_1", "ease_1", "emo_1"]) is None  # an item part has letters
    True
    """
    best = None
    for suffix in (True, False):
        groups: dict[tuple[str, str], list[str]] = {}  # (sep, brand) -> stems
        for c in columns:
            m = re.match(r"^(.+?)([_ .-])([^_ .-]+)$" if suffix else
                         r"^([^_ .-]+)([_ .-])(.+)$", c)
            if m:
                stem, brand = (m.group(1), m.group(3)) if suffix else (m.group(3), m.group(1))
                if (not re.fullmatch(r"[A-Za-z]?\d+|TEXT", brand) and re.search(
                        "[A-Za-z]", stem) and normalise_label(brand) not in _NUMBER_WORDS):
                    groups.setdefault((m.group(2), brand), []).append(stem)
        grid: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for (sep, brand), stems in groups.items():
            grid.setdefault((sep, tuple(sorted(set(stems)))), []).append(brand)
        for (sep, stems), found in grid.items():
            named = {normalise_label(b) for b in found} <= brands if brands else False
            if len(found) < 2 or (len(stems) == 1 and len(found) < 3 and not named):
                continue
            score = (len(stems) * len(found), suffix)
            if best is None or score > best[0]:
                best = (score, sep, stems, found, suffix)
    if best is None:
        return None
    _, sep, stems, found, suffix = best
    item_of = {}
    for c in columns:
        for b in found:
            for s in stems:
                if c == (f"{s}{sep}{b}" if suffix else f"{b}{sep}{s}"):
                    item_of[c] = s
    pattern = "{item}" + sep + "{brand}" if suffix else "{brand}" + sep + "{item}"
    return Loop(pattern, tuple(found), item_of)


@dataclass
class Question:
    """A rating question of one file: its name (a loop's item part), columns, scale."""

    file: int
    name: str
    columns: tuple[str, ...]
    scale: str
    text: str = ""
    label: str = ""
    construct: str | None = None
    language: str = ""
    question: str = ""  # the question of a grid row (its text without the row)


@dataclass
class ItemDraft:
    """An item of the draft: its key, construct, scale and the question in each file."""

    key: str
    construct: str
    scale: str
    members: dict[int, Question] = field(default_factory=dict)
    reversed: bool = False
    comment: str = ""
    dropped: str = ""  # why it is left out of the spec ("": kept)
    paired: bool = False  # matched across files by construct, not by name

    @property
    def files(self) -> set[int]:
        """The files that hold the item."""
        return set(self.members)

    def first(self) -> Question:
        """The question in the first file holding it."""
        return self.members[min(self.members)]


def _slug(text: str, limit: int = 28) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", normalise_label(text)).split()
    out = "_".join(words)[:limit].strip("_")
    return out if out and out[0].isalpha() else f"q_{out}".strip("_")


def build_items(questions: list[Question], pops: list[str]) -> dict[str, ItemDraft]:
    """One item per question across files (see the module docstring).

    Parameters
    ----------
    questions : list of Question
        Every rating question of every file, with its construct (None when unknown).
    pops : list of str
        The population of each file.

    Examples
    --------
    >>> qs = [Question(0, "How much... [I trust it]", ("How much... [I trust it]",),
    ...                "agree5", construct="trust"),
    ...       Question(1, "confiance", ("confiance_A", "confiance_B"), "agree5",
    ...                construct="trust")]
    >>> items = build_items(qs, ["customer", "non_customer"])
    >>> [(k, i.construct, sorted(q.name for q in i.members.values())) for k, i in items.items()]
    [('trust', 'trust', ['How much... [I trust it]', 'confiance'])]
    """
    groups: list[ItemDraft] = []
    by_name: dict[tuple[str, str], ItemDraft] = {}
    for q in questions:  # the same column name and scale in several files: one item
        item = by_name.get((q.name, q.scale))
        if item is None or q.file in item.members:
            item = ItemDraft("", q.construct or "", q.scale)
            by_name[(q.name, q.scale)] = item
            groups.append(item)
        item.members[q.file] = q
        item.construct = item.construct or (q.construct or "")
    merged: list[ItemDraft] = []
    for item in groups:  # then pair by construct and scale across files, in order
        mate = next((m for m in merged if item.construct and m.construct == item.construct
                     and m.scale == item.scale and not m.files & item.files
                     and not m.paired), None)
        if mate is None:
            merged.append(item)
        else:
            mate.members.update(item.members)
            mate.paired = True
    _keys(merged)
    _unknown_constructs(merged)
    return {i.key: i for i in merged}


def _keys(items: list[ItemDraft]) -> None:
    """Item keys: the shared column name when it is a plain name, else the construct (its
    one item) or construct_n, else a slug of the short label."""
    taken: set[str] = set()
    count: dict[str, int] = {}
    for item in items:
        names = {q.name for q in item.members.values()}
        name = next(iter(names))
        if len(names) == 1 and _CLEAN.match(name) and name not in taken:
            item.key = name
            taken.add(name)
    per = {c: sum(i.construct == c for i in items) for c in {i.construct for i in items}}
    for item in items:
        if item.key:
            continue
        if item.construct and per[item.construct] == 1 and item.construct not in taken:
            item.key = item.construct  # the one item of its construct: "recommend"
            taken.add(item.key)
            continue
        base = item.construct or _slug(item.first().label or item.first().name)
        n = count.get(base, 0) + 1
        while f"{base}_{n}" in taken:
            n += 1
        count[base] = n
        item.key = f"{base}_{n}"
        taken.add(item.key)


def _unknown_constructs(items: list[ItemDraft]) -> None:
    """Items of no known construct: the key's stem (``q5_1`` -> ``q5``), else one
    construct per question (the rows of a grid together: ``question_1``...)."""
    by_text: dict[str, str] = {}
    for item in items:
        if item.construct:
            continue
        stem = re.sub(r"[^a-z0-9_]+", "_", re.sub(r"[\s_.-]*\d+$", "", normalise_label(
            item.key))).strip("_")
        if not stem or len(stem) > 24 or stem == item.key.lower():
            text = item.first().question or item.first().text or item.key
            stem = by_text.setdefault(text, f"question_{len(by_text) + 1}")
        item.construct = stem


def choose_populations(items: dict[str, ItemDraft], pops: list[str],
                       names: list[str]) -> dict[str, list[str]]:
    """The populations each construct is asked of; items missing from a file of those
    populations are marked ``dropped`` with the reason.

    For each construct, the populations kept are those that keep the most items (an item
    is kept when every file of each kept population holds it).

    >>> qs = [Question(0, "t1", ("t1",), "s", construct="trust"),
    ...       Question(1, "t1", ("t1",), "s", construct="trust"),
    ...       Question(0, "t2", ("t2",), "s", construct="trust")]
    >>> items = build_items(qs, ["customer", "customer"])
    >>> choose_populations(items, ["customer"] * 2, ["a.csv", "b.csv"]), items["t2"].dropped
    ({'trust': ['customer']}, 'not in every customer file (missing in b.csv)')
    """
    files_of = {p: {i for i, q in enumerate(pops) if q == p} for p in set(pops)}
    out: dict[str, list[str]] = {}
    constructs = list(dict.fromkeys(i.construct for i in items.values()))
    for cons in constructs:
        members = [i for i in items.values() if i.construct == cons]
        asked = sorted({pops[f] for i in members for f in i.files})
        options = [[p] for p in asked] + ([asked] if len(asked) > 1 else [])
        best = max(options, key=lambda s: (sum(all(files_of[p] <= i.files for p in s)
                                               for i in members), len(s)))
        for item in members:
            lacking = sorted(set().union(*(files_of[p] for p in best)) - item.files)
            if lacking:
                which = ", ".join(names[f] for f in lacking)
                item.dropped = (f"not in every {' or '.join(best).replace('_', '-')} file "
                                f"(missing in {which})")
        if any(not i.dropped for i in members):
            out[cons] = best
    return out


def _battery(frame: pd.DataFrame, item_columns: dict[str, tuple[str, ...]],
             scale: ScaleDraft) -> pd.DataFrame:
    """Codes of a battery (item -> column(s) in one file), brands of a loop stacked."""
    blocks = []
    width = max(len(c) for c in item_columns.values())
    for b in range(width):
        blocks.append(pd.DataFrame({i: scale.codes(frame[cols[min(b, len(cols) - 1)]]
                                                   .iloc[:5000])
                                    for i, cols in item_columns.items()}))
    return pd.concat(blocks, ignore_index=True)


def propose_reversed(items: dict[str, ItemDraft], scales: dict[str, ScaleDraft],
                     frames: list[pd.DataFrame], names: list[str]) -> list[str]:
    """Mark reverse-worded items (see the module docstring); return the TODO lines.

    >>> rng = np.random.default_rng(1)
    >>> base = rng.integers(1, 6, 40)
    >>> frame = pd.DataFrame({"a": base, "b": np.clip(base + rng.integers(-1, 2, 40), 1, 5),
    ...                       "c": base, "d": 6 - base}).astype(str)
    >>> qs = [Question(0, c, (c,), "s", construct="x") for c in "abcd"]
    >>> items = build_items(qs, ["customer"])
    >>> todos = propose_reversed(items, {"s": ScaleDraft("s", 1, 5)}, [frame], ["f.csv"])
    >>> [k for k, i in items.items() if i.reversed], items["d"].comment[:42]
    (['d'], 'TODO: answers run against the other 3 s it')
    """
    todos: list[str] = []
    for key in scales:
        members = [i for i in items.values() if i.scale == key and not i.dropped]
        for f, frame in enumerate(frames):
            cols = {i.key: i.members[f].columns for i in members if f in i.members}
            if len(cols) < 3:
                continue
            codes = _battery(frame, cols, scales[key])
            complete = codes.dropna()
            if len(complete) < MIN_COMPLETE:
                continue
            total = complete.sum(axis=1)
            r = {i: complete[i].corr((total - complete[i]) / (len(cols) - 1)) for i in cols}
            against = [i for i, v in r.items() if np.isfinite(v) and v < -0.1]
            size = {c: sum(i.construct == c for i in members) for c in
                    {items[i].construct for i in against}}
            per = {c: sum(items[i].construct == c for i in against) for c in size}
            if 2 * len(against) >= len(cols) or any(
                    size[c] > 1 and 2 * per[c] > size[c] for c in size):
                break
            for i in against:
                items[i].reversed = True
                items[i].comment = (
                    f"TODO: answers run against the other {len(cols) - 1} {key} items (r = "
                    f"{r[i]:.2f}, {len(complete)} complete answers in {names[f]}): "
                    "reverse-worded?")
                todos.append(f"item {i}: marked reversed (r = {r[i]:.2f} with the other "
                             f"{key} items, {len(complete)} complete answers)")
            break
    return todos
