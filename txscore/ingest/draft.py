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

import numpy as np
import pandas as pd

from txscore.errors import Problem, StudySpecError
from txscore.ingest.codes import map_answers
from txscore.ingest.readers import RawTable, read_table
from txscore.study import DIMENSIONS, Scale, normalise_label

__all__ = ["Draft", "draft_study", "write_draft"]

VOCABULARIES = {
    "agree5": ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
               "Strongly agree"],
    "agree5s": ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree",
                "Somewhat agree", "Strongly agree"],
    "agree7": ["Strongly disagree", "Disagree", "Somewhat disagree",
               "Neither agree nor disagree", "Somewhat agree", "Agree", "Strongly agree"],
    "likely5": ["Very unlikely", "Unlikely", "Neither likely nor unlikely", "Likely",
                "Very likely"],
    "likely7": ["Very unlikely", "Unlikely", "Somewhat unlikely", "Neither likely nor unlikely",
                "Somewhat likely", "Likely", "Very likely"],
    "satisfied5": ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied",
                   "Satisfied", "Very satisfied"],
    "agree5_fr": ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord",
                  "Plutôt d'accord", "Tout à fait d'accord"],
    "satisfied5_fr": ["Pas du tout satisfait", "Plutôt pas satisfait",
                      "Ni satisfait ni insatisfait", "Plutôt satisfait", "Très satisfait"],
}
_MISSING_WORDS = {normalise_label(w) for w in (
    "Don't know", "Dont know", "Do not know", "Not applicable", "N/A", "Prefer not to say",
    "Ne sait pas", "Je ne sais pas", "NSP", "Sans opinion", "Non concerné", "Weiß nicht")}
_NAME_RULES = [  # column-name prefixes first: they are the questionnaire's own coding
    ("effectiveness", r"^eff(_|\d|ective)"), ("ease", r"^ease"), ("emotion", r"^emo"),
    ("retention", r"^ret(_|\d|ention)"), ("enrichment", r"^enr"), ("advocacy", r"^adv"),
    ("salience", r"^sal(_|\d|ience)"), ("fit", r"^fit(_|\d|$)"), ("trust", r"^trust"),
    ("preference", r"^pref"),
]
_TEXT_RULES = [  # then the question text, most specific first
    ("advocacy", r"recommend|recommander|weiterempfehl"),
    ("enrichment", r"buy more|more (products|services)|spend more|acheter (plus|davantage)"),
    ("retention", r"\bstay\b|continue (to|with|using)|renew|remain with|rester"),
    ("fit", r"people like me|personnes comme moi"),
    ("trust", r"trust|honest|confident|confiance|reliable|fiable"),
    ("salience", r"comes? to mind|favou?rable|top of mind|esprit"),
    ("preference", r"consider|prefer|purchase|buy from|premium|pay more|envisag"),
    ("ease", r"easy|effort|simple to|convenient|facile"),
    ("emotion", r"\bfeel|valued|enjoy|pleasant|happy|appreciat|plaisir"),
    ("effectiveness", r"meets? (my|your) needs|effective|delivers what|promises|besoins"),
]
_ROLE_OF = {dim: role for role, dims in DIMENSIONS.items() for dim in dims}
_ROLE_OF["preference"] = "preference"
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
class _Column:
    """What a column holds across the files it appears in."""

    numbers: dict[float, int] = field(default_factory=dict)  # code -> rows
    labels: dict[str, str] = field(default_factory=dict)  # normalised -> as written
    distinct: int = 0
    filled: float = 0.0
    files: list[int] = field(default_factory=list)
    text: str = ""
    value_labels: dict = field(default_factory=dict)
    user_missing: tuple = ()


def _profile(series: pd.Series, col: _Column, cap: int = 400) -> None:
    """Distinct numbers and (normalised) labels of a column; nothing past ``cap`` values."""
    counts = series.value_counts(dropna=True)
    col.filled = max(col.filled, float(series.notna().mean()) if len(series) else 0.0)
    if len(counts) > cap:
        col.distinct = max(col.distinct, len(counts))
        return
    for u, k in counts.items():  # a loop over distinct answers only
        text = str(u).strip()
        try:
            number = float(text.replace(",", "."))
            col.numbers[number] = col.numbers.get(number, 0) + int(k)
        except ValueError:
            if text:
                col.labels.setdefault(normalise_label(text), text.strip())
    col.distinct = max(col.distinct, len(col.numbers) + len(col.labels))


def _scale_for(col: _Column) -> tuple[str, Scale, str] | None:
    """A scale that explains the answers of the column, its key and a TODO (or "").

    Codes given by fewer than 1 in 200 numeric answers are typing errors (txscore reports
    them as out of range), not scale points.
    """
    missing_codes = sorted(n for n in col.numbers if n >= 90 and n.is_integer())
    total = sum(col.numbers.values())
    valid = sorted(n for n, k in col.numbers.items() if n < 90 and k * 200 >= total)
    if valid and not all(n.is_integer() for n in valid):
        return None
    miss_labels = [t for k, t in col.labels.items() if k in _MISSING_WORDS]
    texts = {k for k in col.labels if k not in _MISSING_WORDS}
    top = max(valid, default=0)
    if col.value_labels:
        return _spss_scale(col)
    if texts:
        fits = [(len(v) < top, len(v) if len(v) >= top else -len(v), name)
                for name, v in VOCABULARIES.items()
                if texts <= {normalise_label(x) for x in v} and min(valid, default=1) >= 1]
        if not fits:
            return None
        *_, name = min(fits)  # the smallest label set covering the codes, else the largest
        labels = dict(enumerate(VOCABULARIES[name], 1))
        scale = Scale(name, len(labels), 1, len(labels), labels,
                      _missing(missing_codes, miss_labels))
        return name, scale, ""
    valid = sorted(n for n in col.numbers if n.is_integer() and 0 <= n <= 10)  # 0 is rare
    top = max(valid, default=0)
    if len(valid) < 3 or top < 4:
        return None
    # 1-5, 1-7, else 0-10 (likelihood to recommend and other 11-point questions)
    lo, hi = (1, 5) if top <= 5 and valid[0] >= 1 else (1, 7) if top <= 7 and valid[0] >= 1 \
        else (0, 10)
    key = f"scale_{lo}_{hi}"
    scale = Scale(key, hi - lo + 1, lo, hi, {lo: "TODO: label of the lowest code",
                                              hi: "TODO: label of the highest code"},
                  _missing(missing_codes, miss_labels))
    return key, scale, f"scale {key}: codes only in the data; name the end points"


def _missing(codes: list[float], labels: list[str]) -> dict[int, str]:
    out: dict[int, str] = {}
    free = [c for c in range(99, 89, -1) if c not in codes]
    for code in sorted(codes, reverse=True):
        out[int(code)] = labels.pop(0) if labels else "Don't know"
    for label in labels:
        out[free.pop(0)] = label
    return out


def _spss_scale(col: _Column) -> tuple[str, Scale, str] | None:
    missing_values = {lo for lo, hi in col.user_missing if lo == hi}
    labelled = {float(k): str(v) for k, v in col.value_labels.items()
                if isinstance(k, int | float) and float(k) not in missing_values
                and not any(lo <= float(k) <= hi for lo, hi in col.user_missing)}
    codes = sorted(labelled)
    if len(codes) < 3 or not all(c.is_integer() for c in codes) or codes[-1] - codes[0] > 10:
        return None
    lo, hi = int(codes[0]), int(codes[-1])
    labels = {int(c): labelled[c] for c in codes}
    miss = {int(k): str(v) for k, v in col.value_labels.items()
            if isinstance(k, int | float) and float(k) in missing_values}
    texts = [normalise_label(t) for t in labels.values()]
    name = next((n for n, v in VOCABULARIES.items()
                 if sorted(texts) == sorted(normalise_label(x) for x in v)), "")
    todo = ""
    if name and texts != [normalise_label(x) for x in VOCABULARIES[name]]:
        todo = (f"codes run from '{labels[lo]}' ({lo}) to '{labels[hi]}' ({hi}): if the "
                "low codes are the favourable end, mark the items reversed = true")
    key = name or f"labels_{lo}_{hi}"
    return key, Scale(key, hi - lo + 1, lo, hi, labels, miss), todo


def _construct_of(name: str, text: str) -> str | None:
    key = normalise_label(name)
    for construct, rx in _NAME_RULES:
        if re.search(rx, key):
            return construct
    body = normalise_label(f"{name} {text}")
    for construct, rx in _TEXT_RULES:
        if re.search(rx, body):
            return construct
    return None


def _guess_population(name: str) -> tuple[str, bool]:
    key = normalise_label(name)
    if re.search(r"non[ _-]?(cust|client)|prospect|noncust|nonclient", key):
        return "non_customer", True
    if re.search(r"cust|client|kunde", key):
        return "customer", True
    return "customer", False


def _guess_wave(name: str) -> tuple[str, bool]:
    key = normalise_label(Path(name).stem)
    m = re.search(r"(20\d\d)[ _-]?(q[1-4]|h[12])", key)
    if m:
        return f"{m.group(1)} {m.group(2).upper()}", True
    m = re.search(r"(?:^|[^a-z])(?:w|wave|vague)[ _-]?(\d+)", key)
    if m:
        return f"W{int(m.group(1))}", True
    return "W1", False


def _loop_columns(columns: list[str]) -> tuple[str, list[str], dict[str, str]] | None:
    """A brand loop: stems sharing the same non-numeric suffixes (``trust_1_Acme``)."""
    split = [re.match(r"^(.+?)([_ .-])([^_ .-]+)$", c) for c in columns]
    by_suffix: dict[tuple[str, str], list[str]] = {}
    for m in split:
        if m and not m.group(3).isdigit():
            by_suffix.setdefault((m.group(2), m.group(3)), []).append(m.group(1))
    groups: dict[tuple, list[str]] = {}
    for (sep, suffix), stems in by_suffix.items():
        if len(stems) >= 2:
            groups.setdefault((sep, tuple(sorted(stems))), []).append(suffix)
    best = max(((k, v) for k, v in groups.items() if len(v) >= 2),
               key=lambda kv: (len(kv[0][1]) * len(kv[1]), kv[1]), default=None)
    if best is None:
        return None
    (sep, stems), suffixes = best
    column_of = {f"{stem}{sep}{s}": stem for stem in stems for s in suffixes}
    return "{item}" + sep + "{brand}", list(suffixes), column_of


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
    todos: list[str] = []
    w = _Writer()
    columns: dict[str, _Column] = {}
    for i, t in enumerate(tables):
        for name in t.frame.columns:
            col = columns.setdefault(name, _Column())
            col.files.append(i)
            col.text = col.text or t.question_text.get(name, "")
            col.value_labels = col.value_labels or dict(t.value_labels.get(name, {}))
            col.user_missing = col.user_missing or tuple(t.user_missing.get(name, ()))
            _profile(t.frame[name], col)
    everywhere = [c for c, info in columns.items() if len(info.files) == len(tables)]
    roles = {c: r for t in tables for c, r in t.roles.items()}

    def find(rx: re.Pattern, role: str, among: list[str]) -> str | None:
        by_role = [c for c in among if roles.get(c) == role]
        return by_role[0] if by_role else next(
            (c for c in among if rx.search(normalise_label(c))), None)

    rid = find(_ID, "id", everywhere)
    stamp = next((c for t in tables if t.layout == "google-forms" for c, r in t.roles.items()
                  if r == "end"), None)
    rid_note = ""
    if rid is None and stamp in everywhere:  # Google Forms exports have no respondent id
        rid, rid_note = stamp, "TODO: no id column: the submission time identifies a response"
    weight = find(_WEIGHT, "weight", everywhere)
    duration = find(_DURATION, "duration", everywhere)
    brand = find(_BRAND, "brand", everywhere) or next(
        (c for c in everywhere if re.search(r"brand|marque|marke", normalise_label(c))
         and columns[c].labels and 2 <= columns[c].distinct <= 50), None)
    personal = [c for c in columns if roles.get(c) == "personal"
                or (c not in (rid, weight, duration, brand)
                    and _PERSONAL.search(normalise_label(c)))]
    attention = {}  # "please select 'Agree'": an attention check, not an opinion
    for c, info in columns.items():
        if _ATTENTION.search(normalise_label(f"{c} {info.text}")):
            wanted = re.findall(r"[\"\u201c\u00ab]\s*([^\"\u201d\u00bb]+?)\s*[\"\u201d\u00bb]",
                                f"{c} {info.text}")
            attention[c] = wanted[:1] or ["TODO"]
    meta = {rid, weight, duration, brand, *personal, *roles, *attention}

    # ---------------------------------------------------------------- items and scales
    rating, unused = {}, []
    for name, info in columns.items():
        if name in meta or (_DEMOGRAPHIC.search(normalise_label(name)) and not info.labels
                            and not info.value_labels):
            continue
        found = _scale_for(info)
        if found is None:
            unused.append(name)
        else:
            rating[name] = found
    loop = None if brand else _loop_columns(list(rating))
    if loop and set(loop[2]) != set(rating):  # every rating question must be in the loop
        loop = None
    scales: dict[str, Scale] = {}
    items: dict[str, dict] = {}
    item_files: dict[str, set[int]] = {}
    for name, (key, scale, todo) in rating.items():
        info = columns[name]
        same = scales.get(key)
        if same is not None and (same.min, same.max, same.labels) == (
                scale.min, scale.max, scale.labels):  # one scale: missing codes of both
            missing = {**scale.missing, **same.missing}
            scales[key] = Scale(key, same.points, same.min, same.max, same.labels, missing)
        elif same is not None:
            key = f"{key}_{sum(k.startswith(key) for k in scales) + 1}"
            scale = Scale(key, scale.points, scale.min, scale.max, scale.labels, scale.missing)
        if key not in scales:
            scales[key] = scale
            if todo:
                todos.append(todo)
        stem = loop[2].get(name) if loop else None
        item = stem or name
        if item not in items:
            items[item] = {"scale": key, "text": info.text, "columns": []}
        items[item]["columns"].append(name)
        item_files.setdefault(item, set()).update(info.files)
    segments = [c for c in everywhere if c not in meta
                and c not in {n for i in items.values() for n in i["columns"]}
                and 2 <= columns[c].distinct <= 12 and columns[c].filled > 0.8
                and (columns[c].labels or _DEMOGRAPHIC.search(normalise_label(c)))]
    unused = [c for c in unused if c not in segments]

    # ---------------------------------------------------------------- constructs
    constructs: dict[str, dict] = {}
    questions: dict[str, dict[str, str]] = {}
    for item, spec in items.items():
        scale = scales[spec["scale"]]
        cons = _construct_of(item, spec["text"])
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
        constructs.setdefault(cons, {"items": []})["items"].append(item)
    pops = [_guess_population(p.name) for p in paths]
    for cons, info in constructs.items():
        info["role"] = _ROLE_OF.get(cons)
        used_by = {pops[f][0] for i in info["items"] for f in item_files[i]}
        default = {"customer"} if info["role"] in ("cx_quality", "loyalty") else {
            "customer", "non_customer"}
        info["populations"] = sorted(used_by) if used_by != default and used_by else None
        if info["role"] is None:
            todos.append(f"construct '{cons}': no CX/BX role recognised; set role (or leave "
                         "none for a plain score)")
    _mark_reversed(tables, items, scales, todos)

    # ---------------------------------------------------------------- the text
    folder = Path(out).resolve().parent
    common = Path(paths[0]).resolve().parent.name if paths else "study"
    w.raw(f"# Study spec drafted by `txscore init` from {len(paths)} file"
          f"{'s' if len(paths) > 1 else ''}. Check every line: lines marked '# TODO:' need",
          "# your decision. Then run:  txscore validate " + Path(out).name, "", "[study]")
    w.set("name", common.replace("_", " ").capitalize() + " study",
          "TODO: the study's name as it appears in reports")
    french = any(k.endswith("_fr") for k in scales)
    w.set("language", "fr" if french else "en")
    for path, table, (pop, sure_pop) in zip(paths, tables, pops, strict=True):
        wave, sure_wave = _guess_wave(path.name)
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
        if loop:
            w.set("brand_pattern", loop[0], "one column per item and brand")
            w.set("brands", loop[1], "TODO: the brand names as they should appear")
        elif not brand:
            w.raw('# brand = "..."  # TODO: no brand column found: name this file\'s brand')
        if not sure_pop:
            todos.append(f"{path.name}: population guessed as {pop}")
        if not sure_wave:
            todos.append(f"{path.name}: wave not found in the file name")
    w.raw("", "[columns]")
    if rid:
        w.set("respondent_id", rid, rid_note)
        if rid_note:
            todos.append(f"respondent id: '{rid}' (no id column)")
    else:
        w.raw('respondent_id = ""  # TODO: no id column found in every file: name it')
        todos.append("no respondent id column found in every file")
    if brand:
        w.set("brand", brand)
    elif not loop:
        todos.append("no brand column: give each source its brand")
    if weight:
        w.set("weight", weight)
    if segments:
        w.set("segments", segments, "TODO: keep the columns to cut results by")
        todos.append("segments: keep the columns to cut results by")
    if personal:
        w.set("personal", personal, "never read into the results")
    w.raw("", "[quality]")
    w.set("duplicates", True)
    w.set("out_of_range", True)
    if attention:
        w.set("attention_checks", [{"column": c, "expected": e} for c, e in attention.items()],
              "TODO: check the expected answers")
        todos.append("attention checks: check the expected answers")
    has_times = any(t.column_for("start") and t.column_for("end") for t in tables)
    if duration or has_times:
        sp = {"column": duration} if duration and roles.get(duration) != "duration" else {}
        w.set("speeders", {**sp, "median_share": 0.33},
              "TODO: faster than a third of the median; or min_seconds = ...")
        todos.append("speeders: check the limit (median_share or min_seconds)")
    else:
        w.raw('# speeders = { column = "...", min_seconds = 60 }  # no duration column found')
    if any(sum(i["scale"] == k for i in items.values()) >= 5 for k in scales):
        w.raw("# straightliners = { min_items = 8 }  # TODO: switch on to exclude the same "
              "answer on a whole grid")
    for key, scale in scales.items():
        w.raw("", f"[scales.{w.key(key)}]")
        w.set("points", scale.points)
        w.set("min", scale.min)
        w.set("max", scale.max)
        w.set("labels", {str(c): t for c, t in scale.labels.items()})
        if scale.missing:
            w.set("missing", {str(c): t for c, t in scale.missing.items()})
    for cons, info in constructs.items():
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
    for item, spec in items.items():
        body = {"construct": spec["construct"], "scale": spec["scale"]}
        if spec.get("reversed"):
            body["reversed"] = True
        if spec["text"]:
            body["text"] = spec["text"]
        w.set(item, body, spec.get("comment", ""))
    if unused:
        w.raw("", "# Columns not used (not recognised as rating questions): "
              + ", ".join(unused[:40]) + (" ..." if len(unused) > 40 else ""),
              "# TODO: add any rating question txscore did not recognise to [items]")
    summary = (f"{len(paths)} file{'s' if len(paths) > 1 else ''}, {len(items)} items on "
               f"{len(scales)} scale{'s' if len(scales) != 1 else ''}, {len(constructs)} "
               f"construct{'s' if len(constructs) != 1 else ''}")
    return Draft("\n".join(w.lines) + "\n", todos, summary)


def _mark_reversed(tables: list[RawTable], items: dict, scales: dict, todos: list[str]) -> None:
    """Items whose answers run against the other items of their scale are reverse-worded.

    Each item is correlated with the mean of the other items on the same scale (at least
    three items, first 5,000 rows of the first file holding them): in a battery of
    positively worded statements, only a negatively worded one correlates negatively.
    """
    by_scale: dict[str, list[str]] = {}
    for item, spec in items.items():
        by_scale.setdefault(spec["scale"], []).append(item)
    for key, members in by_scale.items():
        for t in tables:
            cols = {i: items[i]["columns"][0] for i in members
                    if items[i]["columns"][0] in t.frame.columns}
            if len(cols) < 3:
                continue
            sample = t.frame.iloc[:5000]
            codes = pd.DataFrame({i: map_answers(sample[c], scales[key]).codes
                                  for i, c in cols.items()})
            for i in cols:
                r = codes[i].corr(codes.drop(columns=i).mean(axis=1))
                if np.isfinite(r) and r < -0.1:
                    items[i]["reversed"] = True
                    items[i]["comment"] = (f"TODO: answers run against the other {key} items "
                                           f"(r = {r:.2f}): reverse-worded?")
                    todos.append(f"item {i}: marked reversed (r = {r:.2f} with the other "
                                 f"{key} items)")
            break


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
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(draft.text, encoding="utf-8")
    tmp.replace(out)
    return draft
