"""Draft a study spec from survey files: what ``txscore init`` writes.

The draft is a starting point the user edits, never a silent decision: every guess that
needs a human is marked ``# TODO:``.  From the files (any layout txscore reads) it detects

* the respondent id, weight, duration, brand and personal-data columns (platform metadata
  first: Qualtrics ResponseId / Duration, SurveyMonkey Respondent ID, then column names);
* brand loops (``trust_1_Acme, trust_1_Globex, ...``: the same stems with the same brand
  suffixes) and writes ``brand_pattern``;
* rating questions and their scales: SPSS value labels and user-missing values, or the
  answers themselves matched to known label sets (agreement, likelihood, satisfaction, in
  English and French; "Don't know" and codes from 90 up as missing), or plain 0-10 / 1-k
  codes;
* constructs and their CX / BX roles from column names (``eff_``, ``trust_``) and question
  text ("easy", "recommend", "people like me"), and reverse-worded items (answers that run
  against the other items of their construct);
* population and wave from the file names; segments (text columns with few values).

The text is deterministic (same files, same draft) and valid TOML; ``txscore validate``
on it either passes or lists what remains to decide.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from os.path import relpath
from pathlib import Path

from txscore._io import atomic_write
from txscore.errors import Problem, StudySpecError
from txscore.ingest.guess import (
    ROLE_OF,
    ColumnProfile,
    construct_of,
    guess_population,
    guess_wave,
    loop_columns,
    mark_reversed,
    profile_column,
    scale_for,
)
from txscore.ingest.readers import read_table
from txscore.ingest.table import RawTable
from txscore.study import DIMENSIONS, Scale, normalise_label

__all__ = ["Draft", "draft_study", "write_draft"]

_ID = re.compile(r"^(resp(ondent)?[ _.-]?id|id|respid|record[ _.-]?id|response[ _.-]?id|uuid|"
                 r"participant[ _.-]?id|case[ _.-]?id|caseid|serial|sys_respnum|identifiant)$")
_WEIGHT = re.compile(r"^(weight|wgt|wt|poids|gewicht|weighting|final[ _]?weight)(\b|_|$)")
_DURATION = re.compile(r"duration|seconds|time[ _]?taken|duree|dauer|interview[ _]?length")
_BRAND = re.compile(r"^(brand|brand[ _]?name|marque|marke|marca|brand[ _]?rated)$")
_PERSONAL = re.compile(r"e-?mail|phone|telephone|\btel\b|first[ _]?name|last[ _]?name|surname|"
                       r"^name$|^nom$|prenom|ip[ _]?address|ipaddress|street|postcode|zip|"
                       r"latitude|longitude")
_ATTENTION = re.compile(r"attention|please (select|choose|tick)|to show (that )?you are reading|"
                        r"veuillez (choisir|selectionner|cocher)")
_DEMOGRAPHIC = re.compile(r"age|gender|sex|region|income|education|country|city|segment")


@dataclass(frozen=True)
class Draft:
    """A drafted spec: the TOML text, the decisions left to the user and a summary."""

    text: str
    todos: list[str]
    summary: str


@dataclass
class _Found:
    """What the files show, step by step (each step of :func:`draft_study` fills a part)."""

    paths: list[Path]
    tables: list[RawTable]
    columns: dict[str, ColumnProfile]
    todos: list[str] = field(default_factory=list)
    everywhere: list[str] = field(default_factory=list)  # columns in every file
    roles: dict[str, str] = field(default_factory=dict)  # platform metadata roles
    rid: str | None = None
    rid_note: str = ""
    weight: str | None = None
    duration: str | None = None
    brand: str | None = None
    personal: list[str] = field(default_factory=list)
    attention: dict[str, list[str]] = field(default_factory=dict)
    loop: tuple[str, list[str], dict[str, str]] | None = None
    scales: dict[str, Scale] = field(default_factory=dict)
    items: dict[str, dict] = field(default_factory=dict)
    item_files: dict[str, set[int]] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    constructs: dict[str, dict] = field(default_factory=dict)
    pops: list[tuple[str, bool]] = field(default_factory=list)


class _Writer:
    """TOML lines with comments (keys quoted when they are not bare)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    @staticmethod
    def key(k: str) -> str:
        return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k, ensure_ascii=False)

    def value(self, v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return f"{v:g}" if isinstance(v, float) else str(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list | tuple):
            return "[" + ", ".join(self.value(x) for x in v) + "]"
        return "{ " + ", ".join(f"{self.key(str(k))} = {self.value(x)}"
                                for k, x in v.items()) + " }"

    def set(self, k: str, v, comment: str = "") -> None:
        self.lines.append(f"{self.key(k)} = {self.value(v)}" + (f"  # {comment}" if comment
                                                                  else ""))

    def raw(self, *lines: str) -> None:
        self.lines += list(lines)


def draft_study(paths: list[Path], out: Path) -> Draft:
    """Draft a study spec from survey files.

    Parameters
    ----------
    paths : list of Path
        The data files (xlsx, csv/tsv, sav, parquet; any platform layout).
    out : Path
        Where the spec will be written (source paths are relative to its folder).

    Returns
    -------
    Draft
        The TOML text, the list of decisions left (each also a ``# TODO:`` comment in the
        text) and a one-line summary.

    Examples
    --------
    >>> from pathlib import Path
    >>> files = sorted(Path("surveys/sample").glob("*.xlsx"))
    >>> draft = draft_study(files, Path("surveys/sample/draft.toml"))
    >>> draft.summary
    '4 files, 21 items on 3 scales, 11 constructs'
    >>> 'ease_2 = { construct = "ease", scale = "agree7", reversed = true' in draft.text
    True
    """
    tables: list[RawTable] = [read_table(Path(p)) for p in paths]
    found = _Found(list(paths), tables, _profiles(tables))
    _metadata(found)
    _items_and_scales(found)
    _constructs(found)
    mark_reversed(tables, found.items, found.scales, found.todos)
    w = _Writer()
    _write_sources(w, found, out)
    _write_columns_and_quality(w, found)
    _write_scales_constructs_items(w, found)
    n_items, n_scales, n_constructs = len(found.items), len(found.scales), len(found.constructs)
    summary = (f"{len(paths)} file{'s' if len(paths) > 1 else ''}, {n_items} items on "
               f"{n_scales} scale{'s' if n_scales != 1 else ''}, {n_constructs} "
               f"construct{'s' if n_constructs != 1 else ''}")
    return Draft("\n".join(w.lines) + "\n", found.todos, summary)


def _profiles(tables: list[RawTable]) -> dict[str, ColumnProfile]:
    """Every column's answers, question text and SPSS labels across the files."""
    columns: dict[str, ColumnProfile] = {}
    for i, t in enumerate(tables):
        for name in t.frame.columns:
            col = columns.setdefault(name, ColumnProfile())
            col.files.append(i)
            col.text = col.text or t.question_text.get(name, "")
            col.value_labels = col.value_labels or dict(t.value_labels.get(name, {}))
            col.user_missing = col.user_missing or tuple(t.user_missing.get(name, ()))
            profile_column(t.frame[name], col)
    return columns


def _metadata(f: _Found) -> None:
    """The id, weight, duration, brand, personal and attention-check columns."""
    tables, columns = f.tables, f.columns
    f.everywhere = [c for c, info in columns.items() if len(info.files) == len(tables)]
    f.roles = roles = {c: r for t in tables for c, r in t.roles.items()}

    def find(rx: re.Pattern, role: str, among: list[str]) -> str | None:
        by_role = [c for c in among if roles.get(c) == role]
        return by_role[0] if by_role else next(
            (c for c in among if rx.search(normalise_label(c))), None)

    f.rid = find(_ID, "id", f.everywhere)
    stamp = next((c for t in tables if t.layout == "google-forms" for c, r in t.roles.items()
                  if r == "end"), None)
    if f.rid is None and stamp in f.everywhere:  # Google Forms exports have no respondent id
        f.rid = stamp
        f.rid_note = "TODO: no id column: the submission time identifies a response"
    f.weight = find(_WEIGHT, "weight", f.everywhere)
    f.duration = find(_DURATION, "duration", f.everywhere)
    f.brand = find(_BRAND, "brand", f.everywhere) or next(
        (c for c in f.everywhere if re.search(r"brand|marque|marke", normalise_label(c))
         and columns[c].labels and 2 <= columns[c].distinct <= 50), None)
    f.personal = [c for c in columns if roles.get(c) == "personal"
                  or (c not in (f.rid, f.weight, f.duration, f.brand)
                      and _PERSONAL.search(normalise_label(c)))]
    for c, info in columns.items():  # "please select 'Agree'": a check, not an opinion
        if _ATTENTION.search(normalise_label(f"{c} {info.text}")):
            wanted = re.findall(r"[\"\u201c\u00ab]\s*([^\"\u201d\u00bb]+?)\s*[\"\u201d\u00bb]",
                                f"{c} {info.text}")
            f.attention[c] = wanted[:1] or ["TODO"]


def _items_and_scales(f: _Found) -> None:
    """Rating questions, their scales (one per label set), a brand loop, the segments."""
    columns = f.columns
    meta = {f.rid, f.weight, f.duration, f.brand, *f.personal, *f.roles, *f.attention}
    rating = {}
    for name, info in columns.items():
        if name in meta or (_DEMOGRAPHIC.search(normalise_label(name)) and not info.labels
                            and not info.value_labels):
            continue
        found = scale_for(info)
        if found is None:
            f.unused.append(name)
        else:
            rating[name] = found
    loop = None if f.brand else loop_columns(list(rating))
    if loop and set(loop[2]) != set(rating):  # every rating question must be in the loop
        loop = None
    f.loop = loop
    for name, (key, scale, todo) in rating.items():
        same = f.scales.get(key)
        if same is not None and (same.min, same.max, same.labels) == (
                scale.min, scale.max, scale.labels):  # one scale: missing codes of both
            missing = {**scale.missing, **same.missing}
            f.scales[key] = Scale(key, same.points, same.min, same.max, same.labels, missing)
        elif same is not None:
            key = f"{key}_{sum(k.startswith(key) for k in f.scales) + 1}"
            scale = Scale(key, scale.points, scale.min, scale.max, scale.labels, scale.missing)
        if key not in f.scales:
            f.scales[key] = scale
            if todo:
                f.todos.append(todo)
        item = (loop[2].get(name) if loop else None) or name
        if item not in f.items:
            f.items[item] = {"scale": key, "text": columns[name].text, "columns": []}
        f.items[item]["columns"].append(name)
        f.item_files.setdefault(item, set()).update(columns[name].files)
    in_items = {n for i in f.items.values() for n in i["columns"]}
    f.segments = [c for c in f.everywhere if c not in meta and c not in in_items
                  and 2 <= columns[c].distinct <= 12 and columns[c].filled > 0.8
                  and (columns[c].labels or _DEMOGRAPHIC.search(normalise_label(c)))]
    f.unused = [c for c in f.unused if c not in f.segments]


def _constructs(f: _Found) -> None:
    """A construct for each item (guessed from its name and text, else its question's
    stem), with its role and the populations that answered it."""
    questions: dict[str, dict[str, str]] = {}
    for item, spec in f.items.items():
        scale = f.scales[spec["scale"]]
        cons = construct_of(item, spec["text"])
        if cons == "advocacy" and scale.points == 11:
            cons = "recommend"
        if cons is None:  # the question's stem (q5_1 -> q5), or one construct per question
            stem = re.sub(r"[^a-z0-9_]+", "_", re.sub(r"[\s_.-]*\d+$", "", normalise_label(
                item))).strip("_")
            if not stem or len(stem) > 24:
                groups = questions.setdefault("", {})
                stem = groups.setdefault(spec["text"] or item, f"question_{len(groups) + 1}")
            cons = stem
        spec["construct"] = cons
        f.constructs.setdefault(cons, {"items": []})["items"].append(item)
    f.pops = pops = [guess_population(p.name) for p in f.paths]
    for cons, info in f.constructs.items():
        info["role"] = ROLE_OF.get(cons)
        used_by = {pops[i][0] for item in info["items"] for i in f.item_files[item]}
        default = {"customer"} if info["role"] in ("cx_quality", "loyalty") else {
            "customer", "non_customer"}
        info["populations"] = sorted(used_by) if used_by != default and used_by else None
        if info["role"] is None:
            f.todos.append(f"construct '{cons}': no CX/BX role recognised; set role (or leave "
                           "none for a plain score)")


def _write_sources(w: _Writer, f: _Found, out: Path) -> None:
    """The header comment, ``[study]`` and one ``[[sources]]`` per file."""
    paths = f.paths
    folder = Path(out).resolve().parent
    common = Path(paths[0]).resolve().parent.name if paths else "study"
    w.raw(f"# Study spec drafted by `txscore init` from {len(paths)} file"
          f"{'s' if len(paths) > 1 else ''}. Check every line: lines marked '# TODO:' need",
          "# your decision. Then run:  txscore validate " + Path(out).name, "", "[study]")
    w.set("name", common.replace("_", " ").capitalize() + " study",
          "TODO: the study's name as it appears in reports")
    w.set("language", "fr" if any(k.endswith("_fr") for k in f.scales) else "en")
    for path, table, (pop, sure_pop) in zip(paths, f.tables, f.pops, strict=True):
        wave, sure_wave = guess_wave(path.name)
        w.raw("", "[[sources]]")
        w.set("path", relpath(Path(path).resolve(), folder).replace("\\", "/"))
        if table.sheet:
            w.set("sheet", table.sheet)
        if table.layout not in ("plain", "spss", "parquet"):
            w.set("format", table.layout)
        if table.header_row > 1 and table.layout == "plain":
            w.set("header_row", table.header_row, "the column names are not on row 1")
        w.set("population", pop, "" if sure_pop else "TODO: customer or non_customer?")
        w.set("wave", wave, "" if sure_wave else "TODO: the wave (any label)")
        if f.loop:
            w.set("brand_pattern", f.loop[0], "one column per item and brand")
            w.set("brands", f.loop[1], "TODO: the brand names as they should appear")
        elif not f.brand:
            w.raw('# brand = "..."  # TODO: no brand column found: name this file\'s brand')
        if not sure_pop:
            f.todos.append(f"{path.name}: population guessed as {pop}")
        if not sure_wave:
            f.todos.append(f"{path.name}: wave not found in the file name")


def _write_columns_and_quality(w: _Writer, f: _Found) -> None:
    """``[columns]`` and ``[quality]``."""
    w.raw("", "[columns]")
    if f.rid:
        w.set("respondent_id", f.rid, f.rid_note)
        if f.rid_note:
            f.todos.append(f"respondent id: '{f.rid}' (no id column)")
    else:
        w.raw('respondent_id = ""  # TODO: no id column found in every file: name it')
        f.todos.append("no respondent id column found in every file")
    if f.brand:
        w.set("brand", f.brand)
    elif not f.loop:
        f.todos.append("no brand column: give each source its brand")
    if f.weight:
        w.set("weight", f.weight)
    if f.segments:
        w.set("segments", f.segments, "TODO: keep the columns to cut results by")
        f.todos.append("segments: keep the columns to cut results by")
    if f.personal:
        w.set("personal", f.personal, "never read into the results")
    w.raw("", "[quality]")
    w.set("duplicates", True)
    w.set("out_of_range", True)
    if f.attention:
        w.set("attention_checks", [{"column": c, "expected": e}
                                   for c, e in f.attention.items()],
              "TODO: check the expected answers")
        f.todos.append("attention checks: check the expected answers")
    has_times = any(t.column_for("start") and t.column_for("end") for t in f.tables)
    if f.duration or has_times:
        sp = ({"column": f.duration} if f.duration and f.roles.get(f.duration) != "duration"
              else {})
        w.set("speeders", {**sp, "median_share": 0.33},
              "TODO: faster than a third of the median; or min_seconds = ...")
        f.todos.append("speeders: check the limit (median_share or min_seconds)")
    else:
        w.raw('# speeders = { column = "...", min_seconds = 60 }  # no duration column found')
    if any(sum(i["scale"] == k for i in f.items.values()) >= 5 for k in f.scales):
        w.raw("# straightliners = { min_items = 8 }  # TODO: switch on to exclude the same "
              "answer on a whole grid")


def _write_scales_constructs_items(w: _Writer, f: _Found) -> None:
    """``[scales.*]``, ``[constructs.*]``, ``[items]`` and the columns left unused."""
    for key, scale in f.scales.items():
        w.raw("", f"[scales.{w.key(key)}]")
        w.set("points", scale.points)
        w.set("min", scale.min)
        w.set("max", scale.max)
        w.set("labels", {str(c): t for c, t in scale.labels.items()})
        if scale.missing:
            w.set("missing", {str(c): t for c, t in scale.missing.items()})
    for cons, info in f.constructs.items():
        w.raw("", f"[constructs.{w.key(cons)}]")
        if info["role"]:
            w.set("role", info["role"])
            if info["role"] in DIMENSIONS:
                w.set("dimension", cons)
        elif cons == "recommend":
            w.raw("# a 0-10 recommend item: [index] nps_item = \"...\" reports it as NPS")
        else:
            w.raw("# role = \"...\"  # TODO: cx_quality, loyalty, bx_pillar, preference or "
                  "none")
        w.set("label", cons.replace("_", " ").capitalize())
        if info["populations"]:
            w.set("populations", info["populations"])
    w.raw("", "[items]")
    for item, spec in f.items.items():
        body = {"construct": spec["construct"], "scale": spec["scale"]}
        if spec.get("reversed"):
            body["reversed"] = True
        if spec["text"]:
            body["text"] = spec["text"]
        w.set(item, body, spec.get("comment", ""))
    if f.unused:
        w.raw("", "# Columns not used (not recognised as rating questions): "
              + ", ".join(f.unused[:40]) + (" ..." if len(f.unused) > 40 else ""),
              "# TODO: add any rating question txscore did not recognise to [items]")


def write_draft(paths: list[Path], out: Path, *, force: bool = False) -> Draft:
    """Draft a study spec from ``paths`` and write it to ``out``.

    Parameters
    ----------
    paths : list of Path
        The data files.
    out : Path
        The spec file to write; an existing file is kept unless ``force``.
    force : bool
        Overwrite ``out`` if it exists.

    Returns
    -------
    Draft

    Raises
    ------
    StudySpecError
        When ``out`` exists and ``force`` is False.
    InputDataError
        When a data file cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> out = Path(tempfile.mkdtemp()) / "study.toml"
    >>> draft = write_draft([Path("surveys/sample/customers_w1.xlsx")], out)
    >>> out.read_text(encoding="utf-8") == draft.text
    True
    """
    out = Path(out)
    if out.exists() and not force:
        raise StudySpecError(f"{out} already exists", [Problem(
            "the file exists and was not changed.", str(out),
            "choose another name with --out, or overwrite it with --force.")])
    draft = draft_study([Path(p) for p in paths], out)
    atomic_write(out, draft.text.encode("utf-8"))
    return draft
