"""Draft a study spec from survey files: what ``txscore init`` writes.

The draft is a starting point the user edits, never a silent decision: every guess that
needs a human is marked ``# TODO:`` and listed in :attr:`Draft.todos`, and every column
of every file is accounted for in :attr:`Draft.uses` (an item, a role, a segment, personal
data, an attention check, or ignored with the reason), printed by ``txscore init`` as
:attr:`Draft.summary_lines`.  From the files (any layout txscore reads) it finds

* per file, the respondent id, brand, weight, duration, start and end times, finished
  flag and status (:mod:`txscore.ingest.draft_roles`: platform metadata, then names in
  English, French and German confirmed by the content, then content alone), personal
  data and attention checks; a role named alike in every file goes to ``[columns]``, else
  to the source's own ``columns = {...}``;
* brand loops (``confiance_Alpha, confiance_Bêta, ...``) and writes ``brand_pattern``;
* rating questions and their scales (:mod:`txscore.ingest.guess`), stray answers listed
  with their counts and proposed as synonyms;
* one item per question across files, with each file's own column as an alias, its
  construct and CX / BX role from the question words, a short label from the question
  text, reverse-worded items with the evidence (:mod:`txscore.ingest.draft_items`,
  :mod:`txscore.ingest.draft_labels`);
* population and wave from the file names; segments (columns in every file with a few
  values).

The text is deterministic (same files, same draft) and valid TOML
(:mod:`txscore.ingest.draft_toml` writes it); ``txscore validate`` on it passes once the
TODO lines that name something missing are done.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from txscore._io import atomic_write
from txscore.errors import Problem, StudySpecError
from txscore.ingest.draft_items import (
    ItemDraft,
    Question,
    build_items,
    choose_populations,
    find_brand_loop,
    propose_reversed,
)
from txscore.ingest.draft_labels import ROLE_OF, construct_of, question_of, short_label
from txscore.ingest.draft_model import FileDraft, Found
from txscore.ingest.draft_roles import ROLE_NAMES, file_roles, words
from txscore.ingest.draft_scales import add_guess
from txscore.ingest.draft_toml import write_spec
from txscore.ingest.guess import (
    FAMILIES,
    ColumnProfile,
    guess_population,
    guess_scale,
    guess_wave,
    profile_column,
    quoted,
)
from txscore.ingest.readers import read_table
from txscore.study import DIMENSIONS, normalise_label

__all__ = ["USES", "ColumnUse", "Draft", "draft_study", "summary_table", "write_draft"]

_DEMOGRAPHIC = {"age", "gender", "sex", "region", "income", "education", "country", "city",
                "segment", "sexe", "genre", "revenu", "pays", "ville", "tranche", "csp",
                "alter", "geschlecht", "einkommen", "bildung", "land", "stadt", "bundesland",
                "departement", "agegroup", "zone", "household", "foyer", "haushalt"}
USES = ("role", "item", "segment", "personal", "attention check", "ignored")
_GRID_ROW = re.compile(r"^(.+?) \[([^\[\]]+)\]$", re.DOTALL)  # "Question [Row]"


@dataclass(frozen=True)
class ColumnUse:
    """What the draft does with one column of one file.

    ``use`` is one of :data:`USES`; ``detail`` says which role, item or segment, or why
    the column is ignored; ``answered`` counts its non-blank cells.
    """

    file: str
    column: str
    use: str
    detail: str
    answered: int = 0


@dataclass(frozen=True)
class Draft:
    """A drafted spec: the TOML text, the decisions left to the user, what each column
    became, and the terminal summary (``summary_lines``: a table that fits 80 columns)."""

    text: str
    todos: list[str]
    summary: str
    uses: tuple[ColumnUse, ...] = ()
    summary_lines: tuple[str, ...] = ()


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
        The TOML text, the decisions left (each also a ``# TODO:`` comment in the text),
        a one-line summary, every column's use and the terminal table.

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
    found = Found([_read(Path(p)) for p in paths])
    _rating_columns(found)
    _loops_and_brands(found)
    _items(found)
    _constructs(found)
    found.todos += propose_reversed(found.items, found.scales,
                                    [f.table.frame for f in found.files],
                                    [f.name for f in found.files])
    _segments(found)
    text = write_spec(found, Path(out))
    uses = tuple(_uses(found))
    kept = found.kept()
    n_cons = len({i.construct for i in kept})
    n_scales = len({i.scale for i in kept})
    summary = (f"{len(paths)} file{'s' if len(paths) != 1 else ''}, {len(kept)} items on "
               f"{n_scales} scale{'s' if n_scales != 1 else ''}, {n_cons} "
               f"construct{'s' if n_cons != 1 else ''}")
    return Draft(text, found.todos, summary, uses, tuple(summary_table(uses, found)))


def _read(path: Path) -> FileDraft:
    table = read_table(path)
    pop, sure_pop = guess_population(path.name)
    wave, sure_wave = guess_wave(path.name)
    roles = file_roles(table)
    stamp = roles.roles.get("end")
    if "respondent_id" not in roles.roles and table.layout == "google-forms" and stamp:
        roles.roles["respondent_id"] = stamp  # Google Forms exports have no respondent id
        del roles.roles["end"]
        roles.how["respondent_id"] = "content"
        roles.todo["respondent_id"] = (f"no id column: the submission time '{stamp}' "
                                       "identifies a response")
    return FileDraft(path, table, pop, sure_pop, wave, sure_wave, roles)


def _rating_columns(found: Found) -> None:
    """Each free column's profile, and its scale or why it has none."""
    for f in found.files:
        used = f.roles.used()
        for col in f.table.frame.columns:
            if col in used:
                continue
            prof = ColumnProfile(text=f.table.question_text.get(col, ""),
                                 value_labels=dict(f.table.value_labels.get(col, {})),
                                 user_missing=tuple(f.table.user_missing.get(col, ())))
            profile_column(f.table.frame[col], prof)
            f.profiles[col] = prof
            demographic = bool(set(words(col)) & _DEMOGRAPHIC) or "".join(
                words(col)) in _DEMOGRAPHIC
            if prof.answered == 0:
                f.why[col] = "no answers in the file"
            elif prof.distinct == 1:
                value = next(iter({**prof.labels, **{k: f"{k:g}" for k in prof.numbers}}
                                  .values()))
                f.why[col] = (f"the same answer in every answered row ({quoted(value)}): "
                              "a multiple-choice option, a constant or a comment")
            elif demographic and not prof.labels and not prof.value_labels:
                f.why[col] = "numbers of a demographic question, not a rating"
            elif prof.distinct > 400 or (prof.labels and len(prof.labels) > 30) or (
                    prof.labels and sum(map(len, prof.labels)) > 30 * len(prof.labels)) or (
                    col.endswith("_TEXT") and f.table.layout.startswith("qualtrics")):
                f.why[col] = f"free text ({prof.distinct} distinct answers)"
            else:
                guess, why = guess_scale(prof)
                if guess is None:
                    f.why[col] = why
                else:
                    f.guesses[col] = guess
    votes = Counter(fam for f in found.files for g in f.guesses.values()
                    for fam in (g.family, *g.also))
    for f in found.files:  # one label set for columns that fit several: the commonest
        for col, g in [(c, g) for c, g in f.guesses.items() if g.also]:
            best = max((g.family, *g.also), key=lambda fam: (
                votes[fam], -len(next(iter(FAMILIES[fam].values()))), fam == g.family))
            if best != g.family:
                f.guesses[col] = guess_scale(f.profiles[col], best)[0] or g


def _loops_and_brands(found: Found) -> None:
    """Brand loops among the rating columns, then brand columns recognised by their
    answers (the brands of a loop in another file)."""
    named: set[str] = set()
    for f in found.files:
        col = f.roles.roles.get("brand")
        if col:
            named |= set(f.table.frame[col].dropna().astype(str).map(normalise_label))
    for f in found.files:
        if "brand" not in f.roles.roles:
            f.loop = find_brand_loop(list(f.guesses), named)
        if f.loop and len({f.table.question_text.get(c, "").replace(b, "")
                           for c in f.loop.item_of for b in f.loop.brands
                           if b in c}) > len(set(f.loop.item_of.values())):
            f.loop = None  # each brand asked another question: the rows of a grid
    looped = {normalise_label(b) for f in found.files if f.loop for b in f.loop.brands}
    for f in found.files:
        if "brand" in f.roles.roles or f.loop or not looped:
            continue
        again = file_roles(f.table, looped)
        col = again.roles.get("brand")
        if col and col in f.why:
            f.roles.roles["brand"], f.roles.how["brand"] = col, again.how["brand"]
            del f.why[col]
    for f in found.files:
        if f.loop:
            for col in [c for c in f.guesses if c not in f.loop.item_of]:
                f.why[col] = "a rating question outside the brand loop of this file"
                del f.guesses[col]


def _items(found: Found) -> None:
    """Questions of every file -> items across files, their scales and populations."""
    questions = []
    for i, f in enumerate(found.files):
        by_item: dict[str, list[str]] = {}
        for col in f.guesses:
            by_item.setdefault(f.loop.item_of[col] if f.loop else col, []).append(col)
        for name, cols in by_item.items():
            scale = ""
            for col in cols:
                key = add_guess(found.scales, f.guesses[col], col)
                scale = scale or key
            text = f.table.question_text.get(cols[0], "")
            eleven = f.guesses[cols[0]].points == 11
            cons = construct_of(name, text, f.population == "non_customer")
            if cons == "advocacy" and eleven:
                cons = "recommend"
            label = short_label(cols[0] if not f.loop else name, text)
            questions.append(Question(i, name, tuple(cols), scale, text, label, cons,
                                      f.guesses[cols[0]].language,
                                      question_of(cols[0], text)))
    pops = [f.population for f in found.files]
    found.items = build_items(questions, pops)
    found.populations = choose_populations(found.items, pops, [f.name for f in found.files])
    langs = [q.language for q in questions if q.language in ("en", "fr")]
    found.language = "fr" if langs.count("fr") > langs.count("en") else "en"


def _constructs(found: Found) -> None:
    """Each construct's role; a CX or BX role missing some of its dimensions waits (the
    spec validates without it), with the reason."""
    kept = found.kept()
    names = list(dict.fromkeys(i.construct for i in kept))
    for cons in names:
        found.roles[cons] = ROLE_OF.get(cons)
    for role, dims in DIMENSIONS.items():
        present = [c for c in names if found.roles[c] == role]
        lacking = [d for d in dims if d not in present]
        if present and lacking and role != "loyalty":
            for c in present:
                found.roles[c] = None
                found.partial[c] = (f"the {role} role needs {', '.join(dims)}; no items of "
                                    f"{', '.join(lacking)} were found")
            found.todos.append(f"{role}: no items of {', '.join(lacking)} found; the role "
                               "is left out until they are mapped")
    for cons in names:
        if found.roles[cons] is None and cons not in found.partial and cons != "recommend":
            found.todos.append(f"construct '{cons}': no CX/BX role recognised; set role (or "
                               "leave none for a plain score)")
    nps = [i.key for i in kept if i.construct == "recommend"
           and found.scales[i.scale].points == 11]
    found.nps_item = nps[0] if nps else None
    if len(nps) > 1:
        found.todos.append(f"nps_item: {len(nps)} 0-10 recommend items; '{nps[0]}' chosen")


def _segments(found: Found) -> None:
    """Columns in every file (same name) with 2 to 12 values, filled in most rows, that
    are text or name a demographic."""
    first = found.files[0]
    for col in [c for c, why in first.why.items() if not why.startswith(("free text",
                                                                           "the same answer"))]:
        profiles = [f.profiles.get(col) for f in found.files if col in f.why]
        if len(profiles) != len(found.files) or any(p is None for p in profiles):
            continue
        demographic = bool(set(words(col)) & _DEMOGRAPHIC)
        if all(2 <= p.distinct <= 12 and p.filled > 0.8 and (p.labels or demographic)
               for p in profiles if p is not None):
            found.segments.append(col)
    for f in found.files:
        for col in found.segments:
            f.why.pop(col, None)
        for col, why in list(f.why.items()):
            prof = f.profiles.get(col)
            if (len(found.files) > 1 and prof is not None and 2 <= prof.distinct <= 12
                    and prof.labels and why.startswith(str(len(prof.labels)))):
                others = [g.name for g in found.files if col not in g.table.frame.columns]
                if others:
                    f.why[col] = (f"a possible segment, but not in {', '.join(others)} "
                                  "(a segment must be in every file)")


def _uses(found: Found) -> list[ColumnUse]:
    """Every column of every file, with what the draft does with it."""
    out = []
    of_column: dict[tuple[int, str], ItemDraft] = {}
    for item in found.items.values():
        for i, q in item.members.items():
            for col in q.columns:
                of_column[(i, col)] = item
    for i, f in enumerate(found.files):
        r = f.roles
        role_of = {col: role for role, col in r.roles.items()}
        for col in f.table.frame.columns:
            n = int(f.table.frame[col].notna().sum())
            item = of_column.get((i, col))
            if col in role_of:
                how = r.how.get(role_of[col], "")
                use, detail = "role", f"{ROLE_NAMES[role_of[col]]}" + (
                    f" (by {how})" if how in ("name", "content") else "")
            elif col in r.personal:
                use, detail = "personal", r.personal[col]
            elif col in r.attention:
                use, detail = "attention check", "expects " + ", ".join(r.attention[col])
            elif col in found.segments:
                use, detail = "segment", f"{f.profiles[col].distinct} values"
            elif item is not None and not item.dropped:
                use, detail = "item", f"{item.key} ({item.scale}, {item.construct})"
            elif item is not None:
                use, detail = "ignored", f"item {item.key}: {item.dropped}"
            else:
                use = "ignored"
                detail = r.metadata.get(col) or f.why.get(col, "not recognised")
            out.append(ColumnUse(f.name, col, use, detail, n))
    return out


def _grouped(uses: list[ColumnUse], found: Found) -> list[ColumnUse]:
    """The columns of a brand loop shown once per item (``confiance_{brand}``)."""
    loops = {f.name: f.loop for f in found.files if f.loop}
    out: list[ColumnUse] = []
    seen: dict[tuple[str, str], int] = {}
    for u in uses:
        loop = loops.get(u.file)
        if loop is None or u.column not in loop.item_of:
            out.append(u)
            continue
        shown = loop.pattern.replace("{item}", loop.item_of[u.column])
        if (u.file, shown) in seen:
            k = seen[(u.file, shown)]
            out[k] = ColumnUse(u.file, shown, out[k].use, out[k].detail,
                               out[k].answered + u.answered)
        else:
            seen[(u.file, shown)] = len(out)
            out.append(ColumnUse(u.file, shown, u.use, u.detail, u.answered))
    return out


def summary_table(uses: tuple[ColumnUse, ...], found: Found, width: int = 80) -> list[str]:
    """The terminal summary: per file, every column and its use (items read under their
    own name listed together), then the ignored ones with why and how many answers they
    hold; wrapped, never cut, to ``width``."""
    lines: list[str] = []
    name_w = 34
    rest = width - name_w - 4

    def row(name: str, detail: str, indent: int = 0) -> None:
        left = [" " * indent + x for x in textwrap.wrap(name, name_w - indent)] or [""]
        right = textwrap.wrap(detail, rest) or [""]
        for k in range(max(len(left), len(right))):
            a = left[k] if k < len(left) else ""
            b = right[k] if k < len(right) else ""
            lines.append(f"  {a:<{name_w}}  {b}".rstrip())

    plural = {"personal": "personal", "ignored": "ignored", "attention check":
              "attention checks"}
    for f in found.files:
        mine = [u for u in _grouped(list(uses), found) if u.file == f.name]
        counts = {u: sum(x.use == u for x in mine) for u in USES}
        said = ", ".join(f"{n} {u if n == 1 else plural.get(u, u + 's')}"
                         for u, n in counts.items() if n)
        lines += textwrap.wrap(f"{f.name} ({f.table.layout}, {len(f.table.frame):,} rows, "
                               f"{len(f.table.frame.columns)} columns): {said}", width,
                               subsequent_indent="  ")
        same = [u.column for u in mine if u.use == "item" and u.detail.split(" ")[0] ==
                u.column]
        if same:
            lines += textwrap.wrap("items read under their own name: " + ", ".join(same),
                                   width, initial_indent="  ", subsequent_indent="    ")
        grid = [m.group(1) for u in mine if (m := _GRID_ROW.match(u.column))]
        asked = ""
        for u in mine:
            if u.use == "ignored" or u.column in same:
                continue
            detail = f"item {u.detail}" if u.use == "item" else f"{u.use}: {u.detail}"
            m = _GRID_ROW.match(u.column)
            if m and grid.count(m.group(1)) > 1:  # a grid: its question once, then rows
                if m.group(1) != asked:
                    lines.extend(textwrap.wrap(m.group(1), width - 2, initial_indent="  ",
                                               subsequent_indent="  "))
                    asked = m.group(1)
                row(f"[{m.group(2)}]", detail, indent=2)
            else:
                row(u.column, detail)
        ignored = [u for u in mine if u.use == "ignored"]
        if ignored:
            lines.append("  Ignored, and why:")
            for u in ignored:
                row(u.column, f"{u.detail} [{u.answered:,} answers]")
    return lines


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
        When ``out`` exists and ``force`` is False, or is one of ``paths`` (after
        resolving links): an input is never overwritten.
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
    inputs = [p for p in paths if Path(p).resolve() == out.resolve()]
    if inputs:
        raise StudySpecError(f"{out} is one of the data files", [Problem(
            "the spec would be written over the data file it is drafted from; it was not "
            "changed (with --force or not).", str(out),
            "choose another name with --out, e.g. study.toml.")])
    if out.exists() and not force:
        raise StudySpecError(f"{out} already exists", [Problem(
            "the file exists and was not changed.", str(out),
            "choose another name with --out, or overwrite it with --force.")])
    draft = draft_study([Path(p) for p in paths], out)
    atomic_write(out, draft.text.encode("utf-8"))
    return draft

