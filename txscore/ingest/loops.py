"""Brand loops: one row per respondent, one column per item and brand.

A tracker often asks the same battery about several brands and exports it wide:
``trust_1_Acme, trust_1_Globex, fit_1_Acme, ...``.  The source declares the column
pattern (``brand_pattern = "{item}_{brand}"``) and optionally the brands; :func:`find_loop`
resolves, for every brand, which column holds each item.  :mod:`txscore.ingest.rows` then maps
each of those columns to codes and stacks them into one row per respondent x brand, so
every problem still points at the real column and row of the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from txscore.errors import Problem

__all__ = ["find_loop"]


def _regex(pattern: str, item: str) -> re.Pattern[str]:
    head, tail = pattern.split("{brand}")
    parts = [re.escape(p.replace("{item}", "\0")).replace("\0", re.escape(item))
             for p in (head, tail)]
    return re.compile(f"^{parts[0]}(?P<brand>.+?){parts[1]}$")


def find_loop(columns: list[str], pattern: str, items: list[str], brands: Mapping[str, str],
              where: str, aliases: Mapping[str, str] | None = None,
              ) -> tuple[dict[str, dict[str, str | None]], list[Problem]]:
    """Which column holds each item for each brand.

    Parameters
    ----------
    columns : list of str
        The file's columns.
    pattern : str
        Column names with ``{item}`` and ``{brand}``, e.g. ``"{item}_{brand}"``.
    items : list of str
        The spec's item columns asked of this population.
    brands : mapping
        Brand part of the column name -> brand name; empty: every brand part found for at
        least half as many items as the most complete brand (stray matches such as
        ``trust_11_A`` read as item ``trust_1``, brand ``1_A`` are left out).
    where : str
        The file, for messages.
    aliases : mapping, optional
        Item -> the item part of its columns in this file (the source's ``items``), e.g.
        ``{"trust_1": "confiance"}`` for ``confiance_Alpha``.

    Returns
    -------
    loop : dict
        Brand name -> {item: column or None (not asked for that brand)}, in column order.
    problems : list of Problem
        Errors (an item with no column at all) and warnings (an item missing for some
        brands).

    Examples
    --------
    >>> cols = ["id", "trust_1_Acme", "trust_1_Globex", "fit_1_Acme", "fit_1_Globex"]
    >>> loop, _ = find_loop(cols, "{item}_{brand}", ["trust_1", "fit_1"], {}, "f.csv")
    >>> loop["Globex"]
    {'trust_1': 'trust_1_Globex', 'fit_1': 'fit_1_Globex'}
    >>> find_loop(["confiance_Bêta"], "{item}_{brand}", ["trust_1"], {}, "f.csv",
    ...           {"trust_1": "confiance"})[0]
    {'Bêta': {'trust_1': 'confiance_Bêta'}}
    """
    problems: list[Problem] = []
    stems = {item: (aliases or {}).get(item, item) for item in items}
    if brands:
        found, order = _named_brands(columns, pattern, stems, brands), list(brands)
    else:
        found = _found_brands(columns, pattern, stems, where, problems)
        first_col = {b: min(columns.index(c) for c in v.values()) for b, v in found.items()}
        order = sorted(found, key=first_col.__getitem__)
        brands = {b: b for b in order}
    loop: dict[str, dict[str, str | None]] = {}
    for part in order:
        if part not in found:
            example = pattern.replace("{item}", stems[items[0]] if items else "item").replace(
                "{brand}", part)
            problems.append(Problem(
                f"brand '{brands[part]}' has no column in the file (expected e.g. "
                f"'{example}').", where, "check brands and brand_pattern in the source.",
                "warning"))
            continue
        loop[brands[part]] = {item: found[part].get(item) for item in items}
    if not loop:
        example = pattern.replace("{item}", stems[items[0]] if items else "item").replace(
            "{brand}", next(iter(brands), "Acme"))
        problems.append(Problem(
            f"no column matches brand_pattern '{pattern}' (e.g. '{example}').", where,
            "correct brand_pattern (and brands) in the source, or the column names."))
        return loop, problems
    _missing_items(loop, pattern, stems, brands, where, problems)
    return loop, problems


def _named_brands(columns: list[str], pattern: str, stems: Mapping[str, str],
                  brands: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Brand part -> item -> column, for the brands the source names."""
    found: dict[str, dict[str, str]] = {}
    # the file's names are NFC (readers): compare the spec's in the same form
    present = {unicodedata.normalize("NFC", c): c for c in columns}
    for part in brands:
        for item, stem in stems.items():
            key = unicodedata.normalize("NFC", pattern.replace("{item}", stem).replace(
                "{brand}", part))
            if key in present:
                found.setdefault(part, {})[item] = present[key]
    return found


def _found_brands(columns: list[str], pattern: str, stems: Mapping[str, str], where: str,
                  problems: list[Problem]) -> dict[str, dict[str, str]]:
    """Brand part -> item -> column, for every brand part the columns show (strays that
    cover few items are left out with a warning)."""
    found: dict[str, dict[str, str]] = {}
    claimed: set[str] = set()
    for item in sorted(stems, key=lambda i: len(stems[i]), reverse=True):  # trust_11 first
        rx = _regex(pattern, unicodedata.normalize("NFC", stems[item]))
        for col in columns:
            m = rx.match(col) if col not in claimed else None
            if m:
                found.setdefault(m.group("brand"), {})[item] = col
                claimed.add(col)
    most = max((len(v) for v in found.values()), default=0)
    strays = [b for b, v in found.items() if len(v) * 2 < most]
    for b in strays:
        problems.append(Problem(
            f"columns {', '.join(repr(c) for c in found[b].values())} match "
            f"brand_pattern '{pattern}' with brand '{b}' but cover few items; they are "
            "not read as a brand.", where, "list the brands in the source (brands = "
            "[...]) if this is a brand.", "warning"))
        del found[b]
    return found


def _missing_items(loop: dict[str, dict[str, str | None]], pattern: str,
                   stems: Mapping[str, str], brands: Mapping[str, str], where: str,
                   problems: list[Problem]) -> None:
    """An error for an item with no column for any brand, a warning for some brands."""
    for item, stem in stems.items():
        missing = [b for b, cols in loop.items() if cols[item] is None]
        example = pattern.replace("{item}", stem).replace("{brand}", next(iter(brands)))
        if len(missing) == len(loop):
            named = f" (named '{stem}' by the source's items)" if stem != item else ""
            problems.append(Problem(
                f"no column matches brand_pattern '{pattern}' for item '{item}'{named} (e.g. "
                f"'{example}').", where, "rename the columns, or correct brand_pattern, the "
                "item name in the spec or its alias (items = { item = \"<column part>\" } "
                "in the source)."))
        elif missing:
            problems.append(Problem(
                f"item '{item}' has no column for brand{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}: read as not asked.", where,
                "nothing to do if the question was not asked about those brands.", "warning"))
