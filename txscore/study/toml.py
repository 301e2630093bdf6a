"""Reading a study spec from TOML: :func:`read_study`.

The file is checked first (a folder, a pipe, an unreadable or too long path is a located
problem with its fix, never "file not found" for something that exists), then every
top-level table for its type.  Each table (``[study]``, ``[[sources]]``, ``[columns]``,
``[index]`` and ``[report]`` here; ``[scales]``, ``[constructs]``, ``[items]`` and
``[quality]`` by :mod:`txscore.study.parse_tables`; ``[weighting]`` by
:func:`txscore.study.weighting.parse_weighting`) is read by its own function into the frozen
values of :mod:`txscore.study.model`.  A wrong value is a located problem and its default
is kept, so that parsing goes on and one run lists every mistake;
:func:`txscore.study.validate.validate_study` then checks the whole.
"""

from __future__ import annotations

import codecs
import errno
import glob
import numbers
import re
import stat
import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from txscore.errors import Problem, StudySpecError, choice_problem
from txscore.study.banners import parse_banner_tables
from txscore.study.collector import Collector
from txscore.study.engine import parse_engine
from txscore.study.model import (
    BX_METHODS,
    CLUSTERS,
    CX_METHODS,
    LANGUAGES,
    MULTIPLE_TESTING,
    PAPERS,
    SOURCE_FORMATS,
    Columns,
    IndexSettings,
    ReportSettings,
    Source,
    Study,
    WeightingSettings,
)
from txscore.study.parse_tables import (
    KEYS,
    TOP_KEYS,
    parse_constructs,
    parse_items,
    parse_quality,
    parse_scales,
)
from txscore.study.planning import parse_planning
from txscore.study.scenarios import parse_scenarios
from txscore.study.sources import folder_sources
from txscore.study.validate import validate_study
from txscore.study.vocabulary import POPULATIONS
from txscore.study.weighting import parse_weighting

#: the logo's kinds of file
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
HEX_COLOUR = re.compile(r"^#?[0-9A-Fa-f]{6}$")

__all__ = ["KEYS", "TOP_KEYS", "read_study"]

#: a study spec larger than this is not one (a data file given by mistake)
MAX_SPEC_BYTES = 16 * 2**20

#: what each top-level table must be, as messages say it: (kind, example)
TABLE_FORMS = {
    "study": ("a table", '[study] with name = "..."'),
    "sources": ("an array of tables", "[[sources]] with path, population and wave"),
    "columns": ("a table of column roles", '[columns] with respondent_id = "resp_id"'),
    "scales": ("a table of scales", "[scales.agree5] with points = 5"),
    "constructs": ("a table of constructs", '[constructs.trust] with role = "bx_pillar"'),
    "items": ("a table of items", '[items] with eff_1 = { construct = "effectiveness", '
              'scale = "agree5" }'),
    "index": ("a table of settings", '[index] with cx_method = "equal"'),
    "quality": ("a table of checks", "[quality] with duplicates = true"),
    "report": ("a table of settings", "[report] with bootstrap = 2000"),
    "weighting": ("a table of settings", '[weighting] with method = "rake"'),
}

#: top-level tables whose parser checks their type itself (absent: None)
_OWN_PARSERS = ("tables", "scenarios", "planning", "engine")

#: problems that only follow from a top-level table of the wrong type (read as empty)
CONSEQUENCES = {
    "study": ("'name' is required.",),
    "sources": ("the study has no sources.",),
    "columns": ("'respondent_id' is required.", "no brand column", "no respondent id column"),
    "scales": ("no scales are defined.", "unknown scale '"),
    "constructs": ("unknown construct '",),
    "items": ("no items are defined.", "has no items."),
}


def read_study(path: str | Path) -> Study:
    """Read and validate a study spec from a TOML file.

    Parameters
    ----------
    path : str or Path
        The study.toml file. Source paths in it are relative to its folder.

    Returns
    -------
    Study

    Raises
    ------
    StudySpecError
        With every problem found (the file itself, TOML syntax, tables and keys of the
        wrong type, unknown keys, values out of range, inconsistencies).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> len(study.sources), study.index.cx_method
    (4, 'loyalty_weighted')
    """
    path = Path(path)
    text = _spec_text(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StudySpecError(f"{path.name} is not valid TOML",
                             [Problem(_syntax_message(exc, text), path.name,
                                      "fix the TOML syntax at that line.")]) from None
    study, collector = _parse(doc, path.name, path.resolve().parent)
    study = replace(study, spec_path=path.resolve())
    problems = [p for p in collector.problems + validate_study(study, path.name)
                if not _follows(p, collector)]
    if problems:
        n = len(problems)
        raise StudySpecError(f"{path.name}: {n} problem{'s' if n > 1 else ''} in the study spec",
                             problems)
    return study


def _follows(problem: Problem, c: Collector) -> bool:
    """A problem that only follows from another one: items on a scale or construct that is
    defined but invalid, what a table of the wrong type (read as empty) lacks."""
    m = problem.message
    if m.startswith("names no ") and any(p.where == problem.where for p in c.problems):
        return True  # the key is missing or of the wrong type: said already
    return (any(m == f"unknown scale '{name}'." for name in c.invalid_scales)
            or any(m == f"unknown construct '{name}'." for name in c.invalid_constructs)
            or bool(c.invalid_constructs) and " role needs the dimensions " in m
            or any(m.startswith(start) for table in c.broken
                   for start in CONSEQUENCES.get(table, ())))


def _spec_text(path: Path) -> str:
    """The text of the spec file; anything but a readable UTF-8 file of reasonable size is
    a :class:`StudySpecError` naming the path and the fix."""
    def fail(message: str, fix: str, title: str = "") -> NoReturn:
        raise StudySpecError(title or f"{path}: {message}", [Problem(message, str(path), fix)])

    draft = "or run `txscore init DATAFILE` to draft one."
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        fail("file not found.", f"check the path, {draft}", f"Study file not found: {path}")
    except PermissionError:
        fail("permission denied: a folder on the way cannot be opened.",
             "check the folders' permissions, or copy the study somewhere you can read.")
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            fail("the path is too long for this system.",
                 "use shorter folder or file names (at most 255 characters each).")
        fail(f"cannot be opened ({exc.strerror or exc}).", f"check the path, {draft}")
    except ValueError as exc:  # e.g. a NUL character in the path
        fail(f"is not a usable path ({exc}).", "type the path again, without control "
             "characters.")
    if stat.S_ISDIR(info.st_mode):
        inside = path / "study.toml"
        fail("is a folder, not a study file.",
             f"give the study file inside it: {inside}" if inside.is_file() else
             f"give the path of the study's .toml file, {draft}")
    if not stat.S_ISREG(info.st_mode):
        fail("is not a regular file (a pipe, device or socket): a study spec is a .toml "
             "text file.", f"give the path of the study's .toml file, {draft}")
    if info.st_size > MAX_SPEC_BYTES:
        fail(f"is {info.st_size / 2**20:,.0f} MB: too large for a study spec (a data file?).",
             f"give the study's .toml file; {draft[3:]}")
    try:
        return path.read_bytes().decode("utf-8")
    except PermissionError:
        fail("permission denied: the file cannot be read.",
             f"make it readable (chmod u+r '{path}'), or copy it somewhere you can read.")
    except OSError as exc:
        fail(f"cannot be read ({exc.strerror or exc}).", "check the file and the disk.")
    except UnicodeDecodeError as exc:
        fail(f"is not UTF-8 text ({exc.reason} at byte {exc.start}).",
             "save the file as UTF-8 (a study spec is a text file; to draft one from a data "
             "file run `txscore init DATAFILE`).", f"{path.name} is not UTF-8 text")


def _syntax_message(exc: tomllib.TOMLDecodeError, text: str) -> str:
    """The TOML error with the part of the line it points at, quoted.

    >>> try:
    ...     tomllib.loads("a = 1\\nb = equal\\n")
    ... except tomllib.TOMLDecodeError as exc:
    ...     print(_syntax_message(exc, "a = 1\\nb = equal\\n"))
    Invalid value (at line 2, column 5). Line 2: 'b = equal'.
    """
    message = str(exc) + "."
    found = re.search(r"at line (\d+), column (\d+)", str(exc))
    lines = text.splitlines()
    if found and 0 < int(found.group(1)) <= len(lines):
        line = lines[int(found.group(1)) - 1]
        start = max(0, min(int(found.group(2)) - 40, len(line) - 80))
        part = ("..." if start else "") + line[start:start + 80].strip() + (
            "..." if start + 80 < len(line) else "")
        message += f" Line {found.group(1)}: {part!r}."
    return message


def _table(c: Collector, doc: Mapping[str, Any], key: str) -> Any:
    """A top-level table (``sources``: a list) as TOML gave it; empty, with a located
    problem, when it is of the wrong type."""
    empty: Any = [] if key == "sources" else {}
    value = doc.get(key, empty)
    if isinstance(value, list if key == "sources" else Mapping):
        return value
    kind, example = TABLE_FORMS[key]
    header = "[[sources]]" if key == "sources" else f"[{key}]"
    c.add(key, f"{header} must be {kind}, like {example}. Got {value!r}.",
          f"write a {example.split(' with ')[0]} header with its keys on the lines below "
          f"(or remove the line {key} = ...).")
    c.broken.add(key)
    return empty


def _parse(doc: Mapping[str, Any], spec: str, root: Path) -> tuple[Study, Collector]:
    """The study of a parsed TOML document, and the problems found on the way."""
    c = Collector(spec)
    c.unknown_keys("top level", doc, TOP_KEYS)
    t = {key: _table(c, doc, key) for key in TOP_KEYS if key not in _OWN_PARSERS}
    st = t["study"]
    c.unknown_keys("study", st, KEYS["study"])
    name = c.typed("study", st, "name", str, "Untitled study", required=True)
    # labels and texts given in several languages show the study's own first
    lang = t["report"].get("language", st.get("language"))
    lang = lang if isinstance(lang, str) and lang in LANGUAGES else "en"
    sources = _sources(c, t["sources"], root)
    columns = _columns(c, t["columns"], sources)
    scales = parse_scales(c, t["scales"], lang)
    constructs = parse_constructs(c, t["constructs"], lang)
    items = parse_items(c, t["items"], lang)
    index = _index(c, t["index"])
    quality = parse_quality(c, t["quality"])
    report = _report(c, t["report"], st.get("language"), root)
    weighting = None
    if "weighting" in doc and "weighting" not in c.broken:
        weighting = _weighting(c, t["weighting"], columns, sources)
    study = Study(name or "Untitled study", tuple(sources), columns, scales, constructs, items,
                  index, quality, report, None, weighting,
                  parse_banner_tables(c, doc.get("tables"), lang),
                  parse_scenarios(c, doc.get("scenarios"), lang),
                  parse_planning(c, doc.get("planning")), parse_engine(c, doc.get("engine")))
    return study, c


# ---------------------------------------------------------------------- sources
def _sources(c: Collector, raw: list[Any], root: Path) -> list[Source]:
    if not raw:
        c.add("sources", "the study has no sources.",
              'add [[sources]] tables with path, population and wave.')
        return []
    return _named([s for i, t in enumerate(raw, 1) for s in _source(c, i, t, root)], root)


def _named(sources: list[Source], root: Path) -> list[Source]:
    """Files of one name in several folders (the part files of a dataset) named by their
    path below the study's folder, so that every table and message tells them apart.

    >>> a = Source(Path("/s/w1/part-0.parquet"), "customer", "W1")
    >>> b = Source(Path("/s/w2/part-0.parquet"), "customer", "W2")
    >>> [s.name for s in _named([a, b], Path("/s"))]
    ['w1/part-0.parquet', 'w2/part-0.parquet']
    """
    count = Counter(s.path.name for s in sources)
    out = []
    for s in sources:
        if count[s.path.name] > 1 and not s.label:
            try:
                label = s.path.relative_to(root).as_posix()
            except ValueError:  # a file outside the study's folder: its whole path
                label = s.path.as_posix()
            s = replace(s, label=label)
        out.append(s)
    return out


def _path_and_wave(c: Collector, where: str, s: Mapping[str, Any],
                   root: Path) -> tuple[Any, Any, bool]:
    """A source's ``path`` (text naming a file or a folder, no control characters), its
    ``wave`` (a label: text, not a number), each None with a problem when wrong, and
    whether the path is a folder (its files may take their wave from their folders)."""
    path = c.typed(where, s, "path", str, required=True)
    if path is not None and (not path.strip() or any(ord(ch) < 32 for ch in path)):
        c.add(where, f"The 'path' setting of [{where}] must name a file. Got {path!r}.",
              'e.g. path = "customers.csv" (relative to the study file\'s folder).')
        path = None
    folder = path is not None and not _is_glob(path) and _is_folder(root / path)
    wave = s.get("wave")
    if wave is None and not folder:
        c.add(where, "'wave' is required.", 'add wave = "2026 Q1" (any label); a source '
              "whose path is a folder may instead take it from wave=<label> folders.")
    elif wave is not None and (not isinstance(wave, str) or not wave.strip()):
        c.add(where, f"The 'wave' setting of [{where}] must be a label (text). Got {wave!r}.",
              f'write it in quotes, e.g. wave = "{wave if isinstance(wave, int) else "2026 Q1"}"'
              " (waves are labels, sorted in the order of the sources).")
        wave = None
    return path, wave, folder


def _is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; False when it cannot be looked at (a name too long for
    the file system, no rights): the file checks then say what is wrong with it."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _is_glob(path: str) -> bool:
    """Whether a source path has wildcards (one source per matching file)."""
    return any(ch in path for ch in "*?[")


def _source(c: Collector, index: int, s: Any, root: Path) -> list[Source]:
    """One ``[[sources]]`` table; a path with wildcards gives one source per matching file,
    a folder one per data file under it (:func:`txscore.study.sources.folder_sources`)."""
    where = f"sources #{index}"
    if not isinstance(s, Mapping):
        c.add(where, f"must be a table with path, population and wave. Got {s!r}.",
              'write [[sources]], then path = "...", population = "customer" and wave = '
              '"..." on the lines below.')
        return []
    c.unknown_keys(where, s, KEYS["sources"])
    path, wave, folder = _path_and_wave(c, where, s, root)
    pop = c.choice(where, s, "population", POPULATIONS, None)
    if "population" not in s and not folder:
        c.add(where, "'population' is required.", 'add population = "customer" or '
              '"non_customer"; a source whose path is a folder may instead take it from '
              "population=<name> folders.")
    fmt = c.choice(where, s, "format", SOURCE_FORMATS, "auto")
    header_row = c.typed(where, s, "header_row", int)
    if not c.scalar(where, "header_row", header_row, numbers.Integral, min_val=1,
                    fix="give the row holding the column names as numbered in Excel or a "
                    "text editor (rows are numbered from 1)."):
        header_row = None
    encoding = c.typed(where, s, "encoding", str)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            c.add(where, f"unknown encoding '{encoding}'.",
                  'use e.g. "utf-8", "utf-8-sig", "cp1252", "latin-1" or "utf-16".')
            encoding = None
    delimiter = c.typed(where, s, "delimiter", str)
    if delimiter is not None and len(delimiter) != 1:
        c.add(where, f"The 'delimiter' setting of [{where}] must be one character. Got "
              f"{delimiter!r}.", 'use ",", ";", "\\t" (tab) or "|".')
        delimiter = None
    brand, sheet = c.name(where, s, "brand"), c.name(where, s, "sheet")
    pattern, brands = _brand_loop(c, where, s, brand)
    roles, aliases = c.source_roles(where, s), c.aliases(where, s)
    if "brand" in roles and (brand is not None or pattern is not None):
        c.add(where, "columns.brand cannot be set with brand or brand_pattern.",
              "keep columns.brand for a brand column, brand for a one-brand file, "
              "brand_pattern for a brand loop.")
    if not path or ("wave" in s and not wave) or ("population" in s and not pop):
        return []  # the problem is said already
    return [Source(p, p_pop, p_wave, sheet, brand, fmt, header_row, encoding, delimiter,
                   pattern, brands, roles, aliases, index)
            for p, p_pop, p_wave in _files(c, where, path, root, pop, wave, folder)]


def _files(c: Collector, where: str, path: str, root: Path, pop: str | None,
           wave: str | None, folder: bool) -> list[tuple[Path, str, str]]:
    """``(file, population, wave)`` of each file of a source: the file named, those a
    pattern matches (sorted), those under a folder (population and wave maybe from their
    folders); a pattern matching no file or a folder without data files is a problem."""
    if folder:
        return folder_sources(c, where, root / path, path, {"population": pop, "wave": wave})
    if not (pop and wave):
        return []
    paths = [root / path]
    if _is_glob(path):
        paths = sorted(Path(p) for p in glob.glob(str(root / path)))
        if not paths:
            c.add(where, f"no file matches '{path}'.",
                  "check the pattern (relative to the study file's folder).")
    return [(p, pop, wave) for p in paths]


def _brand_loop(c: Collector, where: str, s: Mapping[str, Any],
                brand: str | None) -> tuple[str | None, dict[str, str]]:
    """``brand_pattern`` and ``brands`` of a source (a brand loop)."""
    pattern = c.typed(where, s, "brand_pattern", str)
    if pattern is not None:
        if pattern.count("{item}") != 1 or pattern.count("{brand}") != 1:
            c.add(where, f"brand_pattern must contain {{item}} and {{brand}} once each. Got "
                  f"{pattern!r}.", 'e.g. brand_pattern = "{item}_{brand}" for columns such '
                  "as trust_1_Acme.")
            pattern = None
        elif brand is not None:
            c.add(where, "brand and brand_pattern cannot both be set.",
                  "keep brand for a one-brand file, brand_pattern for a brand loop.")
    raw_brands = s.get("brands", [])
    brands: dict[str, str] = {}
    if isinstance(raw_brands, list) and all(isinstance(b, str) for b in raw_brands):
        brands = {b: b for b in raw_brands}
    elif isinstance(raw_brands, Mapping) and all(isinstance(b, str)
                                                  for b in raw_brands.values()):
        brands = dict(raw_brands)
    else:
        c.add(where, f"'brands' must be a list of names or a table column part = \"name\". "
              f"Got {raw_brands!r}.", 'e.g. brands = ["Acme", "Globex"] or brands = { b1 = '
              '"Acme", b2 = "Globex" }.')
    if brands and pattern is None:
        c.add(where, "'brands' is only used with brand_pattern.",
              "add brand_pattern, or remove brands.")
    return pattern, brands


# ---------------------------------------------------------------------- columns, scales
def _columns(c: Collector, cols: Mapping[str, Any], sources: list[Source]) -> Columns:
    """``[columns]``: the study-wide roles; the id and the brand column are required here
    unless every source that needs one sets its own."""
    c.unknown_keys("columns", cols, KEYS["columns"])
    own_id = {s.spec_index for s in sources if "respondent_id" in s.columns}
    rid = c.typed("columns", cols, "respondent_id", str, "",
                  required=not own_id and "respondent_id" not in cols)
    if "respondent_id" in cols and isinstance(rid, str) and not rid.strip():
        c.add("columns", "'respondent_id' names no column.",
              'set respondent_id = "<the column that identifies each respondent>".')
    if "respondent_id" not in cols:
        rid = "respondent_id"
        _lacking(c, own_id and [s for s in sources if "respondent_id" not in s.columns],
                 "respondent_id", "no respondent id column")
    brand = c.name("columns", cols, "brand")
    need = [s for s in sources if s.brand is None and s.brand_pattern is None]
    if "brand" in cols:  # given: a name, or a problem said already
        pass
    elif need and not any("brand" in s.columns for s in sources):
        c.add("columns", "no brand column, and some sources do not fix a brand.",
              'add brand = "<column>" to [columns] or brand = "<name>" to each source.')
    else:
        _lacking(c, [s for s in need if "brand" not in s.columns], "brand", "no brand column")
    roles = {k: c.role_value("columns", k, cols[k]) for k in
             ("weight", "duration", "start", "end", "finished", "status") if k in cols}
    return Columns(rid or "", brand, segments=_names(c, cols, "segments"),
                   personal=_names(c, cols, "personal"), **roles)


def _names(c: Collector, cols: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """``segments`` or ``personal`` of ``[columns]``: a list of column names, each once."""
    names = c.typed("columns", cols, key, list, [])
    if not all(isinstance(n, str) and n.strip() for n in names):
        c.add("columns", f"The '{key}' setting of [columns] must be a list of column names. "
              f"Got {names!r}.", f'e.g. {key} = ["region", "age_group"].')
        return ()
    for name in sorted({n for n in names if names.count(n) > 1}):
        c.add("columns", f"{key} lists '{name}' {names.count(name)} times.",
              "list each column once.")
    return tuple(dict.fromkeys(names))


def _lacking(c: Collector, sources: Any, key: str, what: str) -> None:
    """A problem per ``[[sources]]`` table that needs the role ``key`` but has none."""
    for index in dict.fromkeys(s.spec_index for s in sources or ()):
        c.add(f"sources #{index}", f"{what}: neither [columns] nor this source sets {key}.",
              f'add columns = {{ {key} = "<column>" }} to this source, or {key} = "<column>" '
              "to [columns] (the default of every file).")


# ---------------------------------------------------------------------- settings
def _index(c: Collector, ix: Mapping[str, Any]) -> IndexSettings:
    """``[index]``; ranges are checked by validation (a study built in Python too)."""
    c.unknown_keys("index", ix, KEYS["index"])
    d = IndexSettings()
    return IndexSettings(
        cx_method=c.choice("index", ix, "cx_method", CX_METHODS, d.cx_method),
        bx_method=c.choice("index", ix, "bx_method", BX_METHODS, d.bx_method),
        lam=c.typed("index", ix, "lambda", float, d.lam),
        share_non_customer=c.typed("index", ix, "share_non_customer", float,
                                   d.share_non_customer),
        min_customers_for_weights=c.typed("index", ix, "min_customers_for_weights", int,
                                          d.min_customers_for_weights),
        nps_item=c.typed("index", ix, "nps_item", str, None),
    )


def _report(c: Collector, r: Mapping[str, Any], study_language: Any,
            root: Path) -> ReportSettings:
    """``[report]``; the language may also be given in ``[study]``; files against ``root``."""
    c.unknown_keys("report", r, KEYS["report"])
    if study_language is not None and c.problem("study", choice_problem(
            study_language, "language", LANGUAGES, where="[study]",
            fix='set language = "en" or "fr".')):
        study_language = None
    d = ReportSettings()
    numbers_ = {key: c.typed("report", r, key, float, getattr(d, key))
                for key in ("confidence", "suppress_below", "low_base_below", "caution_below",
                            "peer_min_base")}
    counts = {key: c.typed("report", r, key, int, getattr(d, key))
              for key in ("bootstrap", "seed", "bootstrap_exact_max")}
    return ReportSettings(
        **numbers_, **counts,
        language=c.choice("report", r, "language", LANGUAGES, study_language or d.language),
        multiple_testing=c.choice("report", r, "multiple_testing", MULTIPLE_TESTING,
                                  d.multiple_testing),
        paper=c.choice("report", r, "paper", PAPERS, None),
        logo=_report_file(c, r, "logo", root, LOGO_SUFFIXES),
        brand_colors=_brand_colors(c, r),
        focus_brand=c.name("report", r, "focus_brand"),
        deck=c.typed("report", r, "deck", bool, False),
        deck_template=_report_file(c, r, "deck_template", root, (".pptx",)),
        clusters=c.choice("report", r, "clusters", CLUSTERS, d.clusters))


def _report_file(c: Collector, r: Mapping[str, Any], key: str, root: Path,
                 suffixes: tuple[str, ...]) -> Path | None:
    """A file named in ``[report]``: resolved against the study's folder, of one of
    ``suffixes``, existing."""
    name = c.name("report", r, key)
    if name is None:
        return None
    path = (root / name).resolve()
    if path.suffix.lower() not in suffixes:
        c.add("report", f"The '{key}' setting of [report] must name a "
              f"{' or '.join(suffixes)} file. Got {name!r}.",
              f"give a {suffixes[0]} file, or remove {key}.")
        return None
    if not path.is_file():
        c.add("report", f"The file of '{key}' in [report] does not exist: {path}.",
              "put the file there, or correct the path (relative to the study file).")
        return None
    return path


def _brand_colors(c: Collector, r: Mapping[str, Any]) -> dict[str, str]:
    """``brand_colors = { Brand = "#RRGGBB", ... }``, colours as "#RRGGBB"."""
    table = c.typed("report", r, "brand_colors", dict, {})
    colours = {}
    for brand, colour in table.items():
        if not isinstance(colour, str) or not HEX_COLOUR.match(colour):
            c.add("report", f"The colour of brand {brand!r} in [report] brand_colors must be "
                  f"\"#RRGGBB\". Got {colour!r}.", f'give e.g. {brand} = "#0072B2".')
            continue
        colours[str(brand)] = colour.upper() if colour.startswith("#") else f"#{colour.upper()}"
    return colours


def _weighting(c: Collector, raw: Any, columns: Columns,
               sources: list[Source]) -> WeightingSettings:
    weighted = columns.weight is not None or any("weight" in s.columns for s in sources)
    settings, problems = parse_weighting(
        raw, where=f"{c.spec} [weighting]", segments=columns.segments,
        weight_column=(columns.weight if isinstance(columns.weight, str) else "weight")
        if weighted else None, waves=list(dict.fromkeys(s.wave for s in sources)))
    c.problems.extend(problems)
    return settings
