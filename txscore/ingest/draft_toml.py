"""The drafted study.toml as text: what :class:`txscore.ingest.draft_model.Found` holds, in
the spec's syntax, with a ``# TODO:`` comment on every line the user must decide.

A role named alike in every file goes to ``[columns]``; otherwise each source says its
own (``columns = { respondent_id = "id_resp", weight = "poids" }``).  An item whose column
has another name in a file gets an alias in that source (``[sources.items]``).  Scales
with synonyms or several languages write one code per line (``[scales.agree5.labels]``).
"""

from __future__ import annotations

import json
import re
import textwrap
from os.path import relpath
from pathlib import Path

from txscore.ingest.draft_items import ItemDraft
from txscore.ingest.draft_model import FileDraft, Found
from txscore.ingest.draft_scales import ScaleDraft, label_value
from txscore.ingest.guess import loose
from txscore.study import DIMENSIONS

__all__ = ["Writer", "write_spec"]

_ORDER = ("respondent_id", "brand", "weight", "duration", "start", "end", "finished",
          "status")
_FRENCH = {"effectiveness": "Efficacité", "ease": "Facilité", "emotion": "Émotion",
           "retention": "Fidélité", "enrichment": "Enrichissement",
           "advocacy": "Recommandation", "salience": "Saillance", "fit": "Adéquation",
           "trust": "Confiance", "preference": "Préférence d'achat",
           "recommend": "Probabilité de recommander (0-10)"}
_ENGLISH = {"preference": "Purchase preference",
            "recommend": "Likelihood to recommend (0-10)"}


class Writer:
    """TOML lines with comments (keys quoted when they are not bare).

    >>> w = Writer()
    >>> w.set("labels", {"1": "Disagree", "5": ["Agree", "Agree strongly"]}, "synonyms")
    >>> w.lines
    ['labels = { 1 = "Disagree", 5 = ["Agree", "Agree strongly"] }  # synonyms']
    """

    def __init__(self) -> None:
        self.lines: list[str] = []

    @staticmethod
    def key(k: str) -> str:
        """A bare key, or a quoted one."""
        return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k, ensure_ascii=False)

    def value(self, v: object) -> str:
        """A TOML value: text, number, boolean, array or inline table."""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return f"{v:g}" if isinstance(v, float) else str(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list | tuple):
            return "[" + ", ".join(self.value(x) for x in v) + "]"
        assert isinstance(v, dict)
        return "{ " + ", ".join(f"{self.key(str(k))} = {self.value(x)}"
                                for k, x in v.items()) + " }"

    def set(self, k: str, v: object, comment: str = "") -> None:
        """``key = value  # comment``."""
        comment = " ".join(comment.split())
        self.lines.append(f"{self.key(k)} = {self.value(v)}" + (f"  # {comment}" if comment
                                                                  else ""))

    def raw(self, *lines: str) -> None:
        """Lines as they are (comments, table headers, blank lines); a comment is kept on
        one line."""
        self.lines += [" ".join(line.split()) if line.lstrip().startswith("#") else line
                       for line in lines]


def write_spec(found: Found, out: Path) -> str:
    """The spec's text; TODOs met while writing are added to ``found.todos``."""
    w = Writer()
    _study(w, found, out)
    defaults = _defaults(found)
    for i, f in enumerate(found.files):
        _source(w, found, i, f, defaults, Path(out).resolve().parent)
    _columns(w, found, defaults)
    for scale in found.scales.values():
        if any(i.scale == scale.key for i in found.kept()):
            _scale(w, found, scale)
    _constructs(w, found)
    _items(w, found)
    _index_and_quality(w, found, defaults)
    _ignored(w, found)
    n = len(found.todos)
    head = textwrap.wrap(
        f"Study spec drafted by `txscore init` from {len(found.files)} file"
        f"{'s' if len(found.files) != 1 else ''}. Check every line; the {n} line"
        f"{'s' if n != 1 else ''} marked '# TODO:' need your decision:", 86,
        initial_indent="# ", subsequent_indent="# ")
    for todo in found.todos:
        head += textwrap.wrap(todo, 86, initial_indent="#   - ", subsequent_indent="#     ")
    head += [f"# Then run:  txscore validate {Path(out).name}", ""]
    return "\n".join(head + w.lines) + "\n"


def _todo(found: Found, short: str) -> str:
    """Record a TODO for the list; return the comment for the line."""
    short = " ".join(short.split())
    if short not in found.todos:
        found.todos.append(short)
    return "TODO: " + short


def _study(w: Writer, found: Found, out: Path) -> None:
    common = Path(found.files[0].path).resolve().parent.name if found.files else "study"
    w.raw("[study]")
    w.set("name", common.replace("_", " ").capitalize() + " study",
          "TODO: the study's name as it appears in reports")
    w.set("language", found.language)


def _defaults(found: Found) -> dict[str, str]:
    """Roles played by the same column name in every file that needs the role."""
    out = {}
    for role in _ORDER:
        files = [f for f in found.files if not (role == "brand" and f.loop)]
        names = {f.roles.roles.get(role) for f in files}
        if files and len(names) == 1 and None not in names:
            out[role] = names.pop()
    return out


def _source(w: Writer, found: Found, i: int, f: FileDraft, defaults: dict[str, str],
            folder: Path) -> None:
    """One ``[[sources]]`` table with its own roles and item aliases."""
    t = f.table
    w.raw("", "[[sources]]")
    w.set("path", relpath(Path(f.path).resolve(), folder).replace("\\", "/"))
    if t.sheet:
        w.set("sheet", t.sheet)
    if t.layout not in ("plain", "spss", "parquet"):
        w.set("format", t.layout)
    if t.header_row > 1 and t.layout == "plain":
        w.set("header_row", t.header_row, "the column names are not on row 1")
    w.set("population", f.population, "" if f.sure_population else _todo(
        found, f"{f.name}: population guessed as {f.population} (customer or non_customer?)"))
    w.set("wave", f.wave, "" if f.sure_wave else _todo(
        found, f"{f.name}: wave not in the file name (any label)"))
    roles = dict(f.roles.roles)
    if f.loop:
        roles.pop("brand", None)
        w.set("brand_pattern", f.loop.pattern, "one column per item and brand")
        w.set("brands", list(f.loop.brands), "as written in the column names")
    elif "brand" not in roles:
        w.raw('# brand = "..."  # ' + _todo(found, f"{f.name}: no brand column or brand "
                                                   "loop found: name this file's brand"))
    if "respondent_id" not in roles:
        w.raw("# " + _todo(found, f"{f.name}: no respondent id column found: add "
                           'respondent_id = "<column>" to this source\'s columns'))
    if "weight" not in roles and any("weight" in g.roles.roles for g in found.files):
        w.raw("# no weight column: every row of this file weighs 1")
    for why in f.roles.todo.values():
        w.raw(f"# {_todo(found, f'{f.name}: {why}')}")
    own = {r: roles[r] for r in _ORDER if r in roles and defaults.get(r) != roles[r]}
    aliases = {item.key: item.members[i].name for item in found.kept()
               if i in item.members and item.members[i].name != item.key}
    if own:
        line = f"columns = {w.value(own)}"
        if len(line) <= 88:
            w.raw(line)
        else:
            w.raw("[sources.columns]")
            for r, c in own.items():
                w.set(r, c)
    if aliases:
        paired = [item.key for item in found.kept() if item.paired and i in item.members
                  and min(item.members) != i]
        w.raw("[sources.items]  # item = this file's column" + (
            " (in the loop: the item part)" if f.loop else ""))
        if paired:
            w.raw("# " + _todo(found, f"{f.name}: {', '.join(paired)} matched with the "
                               "questions of another file by construct and order: check "
                               "they ask the same"))
        for key, col in aliases.items():
            w.set(key, col)


def _columns(w: Writer, found: Found, defaults: dict[str, str]) -> None:
    w.raw("", "[columns]  # roles named alike in every file (a source's own columns win)")
    for role in _ORDER:
        if role in defaults:
            w.set(role, defaults[role])
    if found.segments:
        w.set("segments", found.segments,
              _todo(found, "segments: keep the columns to cut results by"))
    personal = list(dict.fromkeys(c for f in found.files for c in f.roles.personal))
    if personal:
        w.set("personal", personal, "never read into the results")


def _scale(w: Writer, found: Found, scale: ScaleDraft) -> None:
    """``[scales.KEY]``: codes, labels (synonyms and languages), missing codes, strays."""
    w.raw("", f"[scales.{w.key(scale.key)}]")
    key_of = {c: i.key for i in found.kept() for q in i.members.values() for c in q.columns}
    for text, (rows, code, cols, lang) in scale.strays.items():
        keys = list(dict.fromkeys(key_of.get(c, c) for c in cols))
        where = ", ".join(keys[:4]) + (f" and {len(keys) - 4} more" if len(keys) > 4 else "")
        if code is None:
            w.raw("# " + _todo(found, f"scale {scale.key}: the answer '{text}' ({rows} "
                               f"answer{'s' if rows != 1 else ''}, in {where}) fits no label: "
                               "add it to the labels of the code it means, or to missing"))
        else:
            shown = scale.labels[code].get(lang, next(iter(scale.labels[code].values())))[0]
            w.raw("# " + _todo(found, f"scale {scale.key}: the answer '{text}' ({rows} "
                               f"answer{'s' if rows != 1 else ''}, in {where}) is read as "
                               f"{code} '{shown}' (a synonym): remove it if it means "
                               "something else"))
    for other in scale.ambiguous():
        w.raw("# " + _todo(found, f"scale {scale.key}: the answers also fit {other}: check "
                           "which the questionnaire used"))
    for todo in scale.todos:
        w.raw("# " + _todo(found, f"scale {scale.key}: {todo}"))
    w.set("points", scale.points)
    w.set("min", scale.lo)
    w.set("max", scale.hi)
    labels = {str(c): label_value(scale.labels[c]) for c in sorted(scale.labels)}
    missing = {str(c): label_value(scale.missing[c]) for c in sorted(scale.missing)}
    simple = all(isinstance(v, str) for v in [*labels.values(), *missing.values()])
    if not labels:
        w.raw(f'# labels = {{ {scale.lo} = "...", {scale.hi} = "..." }}  # charts show '
              "the codes until the end points are named")
    if simple:
        if labels:
            w.set("labels", labels)
        if missing:
            w.set("missing", missing)
        return
    for name, table in (("labels", labels), ("missing", missing)):
        if table:
            w.raw(f"[scales.{w.key(scale.key)}.{name}]")
            for code, value in table.items():
                w.set(code, value)


def _constructs(w: Writer, found: Found) -> None:
    for cons in dict.fromkeys(i.construct for i in found.kept()):
        role = found.roles.get(cons)
        w.raw("", f"[constructs.{w.key(cons)}]")
        if role:
            w.set("role", role)
            if role in DIMENSIONS:
                w.set("dimension", cons)
        elif cons in found.partial:
            waiting = next(r for r, dims in DIMENSIONS.items() if cons in dims)
            w.raw(f'# role = "{waiting}"  # {found.partial[cons]}: set it when they are',
                  f'# dimension = "{cons}"')
        elif cons == "recommend":
            w.raw("# a 0-10 recommend item: [index] nps_item reports it as NPS")
        else:
            w.raw('# role = "..."  # TODO: cx_quality, loyalty, bx_pillar, preference or '
                  "none")
        english = _ENGLISH.get(cons, cons.replace("_", " ").capitalize())
        w.set("label", {"en": english, "fr": _FRENCH[cons]} if cons in _FRENCH else english)
        default = ["customer"] if role in ("cx_quality", "loyalty") else [
            "customer", "non_customer"]
        pops = found.populations.get(cons, default)
        if sorted(pops) != sorted(default):
            w.set("populations", pops)


def _texts(item: ItemDraft, found: Found) -> tuple[object, object]:
    """The item's full text and short label, per language when files differ."""
    texts: dict[str, str] = {}
    labels: dict[str, str] = {}
    for _, q in sorted(item.members.items()):
        col = q.columns[0]
        full = col if q.text and col.startswith(q.text) and col != q.text and len(
            q.columns) == 1 else q.text
        lang = q.language if q.language in ("en", "fr") else found.language
        if full and lang not in texts:
            texts[lang] = full
            if q.label and loose(q.label) != loose(full):
                labels[lang] = q.label

    def one(d: dict[str, str]) -> object:
        return "" if not d else next(iter(d.values())) if len(d) == 1 else d

    return one(texts), one(labels)


def _items(w: Writer, found: Found) -> None:
    w.raw("", "[items]  # item = { construct, scale, reversed, label (short), text (full) }")
    written = {item.key: _texts(item, found) for item in found.kept()}
    shown = [str(label) for _, label in written.values() if label]
    for item in found.kept():
        body: dict[str, object] = {"construct": item.construct, "scale": item.scale}
        if item.reversed:
            body["reversed"] = True
        text, label = written[item.key]
        if isinstance(label, str) and shown.count(label) > 1:
            label = f"{label} ({item.key})"  # two questions, one short label: kept apart
        if label:
            body["label"] = label
        if text:
            body["text"] = text
        w.set(item.key, body, item.comment)
    for item in found.items.values():
        if item.dropped:
            w.raw("# " + _todo(found, f"item {item.key} left out: {item.dropped}"),
                  f"# {item.key} = {w.value({'construct': item.construct, 'scale': item.scale})}")


def _index_and_quality(w: Writer, found: Found, defaults: dict[str, str]) -> None:
    roles = set(found.roles.values())
    if found.nps_item or ("cx_quality" in roles and "loyalty" not in roles):
        w.raw("", "[index]")
        if found.nps_item:
            w.set("nps_item", found.nps_item, "a 0-10 item: adds the NPS index")
        if "cx_quality" in roles and "loyalty" not in roles:
            w.set("cx_method", "equal", "no loyalty items: CX weights the dimensions equally")
    w.raw("", "[quality]")
    w.set("duplicates", True)
    w.set("out_of_range", True)
    checks = {c: e for c, e in found.files[0].roles.attention.items()
              if all(c in f.roles.attention for f in found.files)}
    if checks:
        w.set("attention_checks", [{"column": c, "expected": e} for c, e in checks.items()],
              _todo(found, "attention checks: check the expected answers"))
    timed = all("duration" in f.roles.roles or {"start", "end"} <= set(f.roles.roles)
                for f in found.files)
    if timed:
        w.set("speeders", {"median_share": 0.33},
              _todo(found, "speeders: faster than a third of the median; or min_seconds"))
    else:
        w.raw("# speeders = { min_seconds = 60 }  # needs a duration (or start and end "
              "times) in every file")
    if any("finished" in f.roles.roles for f in found.files):
        w.raw("# incomplete = { min_share = 0.5 }  # also excludes rows the export marks "
              "not finished")
    if any(sum(i.scale == k for i in found.kept()) >= 5 for k in found.scales):
        w.raw("# straightliners = { min_items = 8 }  # to exclude the same answer on a "
              "whole grid")


def _ignored(w: Writer, found: Found) -> None:
    """A closing comment: the columns the spec does not use, and why (also printed)."""
    lines = []
    for f in found.files:
        skip = f.roles.used() | set(found.segments)
        items = {c for i in found.kept() for q in i.members.values() if q.file ==
                 found.files.index(f) for c in q.columns}
        rest = [(c, f.roles.metadata.get(c) or f.why.get(c, "")) for c in f.table.frame.columns
                if c not in items and (c not in skip or c in f.roles.metadata)]
        lines += [f"#   {f.name}: {c}: {why or 'left out'}" for c, why in rest[:40]]
        if len(rest) > 40:
            lines.append(f"#   {f.name}: ... and {len(rest) - 40} more")
    if lines:
        w.raw("", "# Columns not used, and why (txscore init prints them too):", *lines)
