"""Labels that fit and never overlap: names wrapped and shortened to their room (with keys
where shortening makes two names alike), names next to scatter points, quadrant names in
the corners, line-end labels spread apart.

Text widths come from the fonts' advance widths (:func:`text_width`, no renderer needed),
so placement is deterministic: the same chart gets the same labels, hence the same bytes.
Names may hold anything a survey export does: newlines, right-to-left or CJK text, emoji,
only spaces or only punctuation. Characters no installed font has are drawn as boxes;
:func:`missing_glyphs` finds them so that a report warns once (matplotlib's warning per
glyph and per draw is silenced by :func:`quiet_glyphs`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font, LoadFlags

from txscore.reporting.palette import FONTS, GREY, darker

__all__ = ["BLANK", "ELLIPSIS", "GRID_CORNERS", "IP_CORNERS", "corner_names", "differences",
           "fit", "fit_names", "label_points", "missing_glyphs", "one_line", "place_labels",
           "quiet_glyphs", "spread", "text_width", "wrap"]

#: growth-grid quadrant names in the corners: x, y in axes fraction, then alignment
GRID_CORNERS = {"Leading": (0.98, 0.97, "right", "top"),
                "Plateauing": (0.02, 0.97, "left", "top"),
                "Churning": (0.98, 0.03, "right", "bottom"),
                "Lagging": (0.02, 0.03, "left", "bottom")}
#: importance-performance quadrants in the corners
IP_CORNERS = {"keep": (0.98, 0.97, "right", "top"), "overkill": (0.02, 0.97, "left", "top"),
              "concentrate": (0.98, 0.03, "right", "bottom"),
              "low": (0.02, 0.03, "left", "bottom")}


def place_labels(ax: Any, pts: np.ndarray, names: list[str], lims: np.ndarray, *,
                  lines: tuple[float, float] = (np.nan, np.nan),
                  corners: tuple[tuple[str, tuple], ...] = (),
                  whiskers: np.ndarray | None = None) -> list[tuple]:
    """Per point, the first label offset (points) that overlaps nothing placed so far.

    Obstacles: the points, the crosshairs at ``lines`` (x, y), the corner texts
    ``(text, (fx, fy, ha, va))`` (11 pt bold) and the whiskers, ``(x_lo, x_hi, y_lo,
    y_hi)`` per point. Offsets are tried near first, then on two farther rings (drawn with
    a leader line). Text extents come from the font's advance widths (:func:`text_width`):
    deterministic, and no renderer needed. Falls back to the least overlapping offset.
    Returns ``(dx, dy, ha, va)`` per point, in the order given.
    """
    size = np.array([ax.bbox.width, ax.bbox.height]) * 72 / ax.figure.dpi  # points
    span = lims[:, 1] - lims[:, 0]
    p = (pts - lims[:, 0]) / span * size
    taken = [(x - 5, y - 5, x + 5, y + 5) for x, y in p]  # the points
    for i, v in enumerate(lines):  # the crosshairs
        c = (v - lims[i, 0]) / span[i] * size[i]
        if np.isfinite(c):
            taken.append((c - 1, 0, c + 1, size[1]) if i == 0 else (0, c - 1, size[0], c + 1))
    for text, (fx, fy, ha, va) in corners:
        w = text_width(text, 11, bold=True)
        x0, y0 = fx * size[0] - w * (ha == "right"), fy * size[1] - 15 * (va == "top")
        taken.append((x0, y0, x0 + w, y0 + 15))
    if whiskers is not None:
        wk = (whiskers - lims[[0, 0, 1, 1], 0]) / span[[0, 0, 1, 1]] * size[[0, 0, 1, 1]]
        for (x, y), (x0, x1, y0, y1) in zip(p, wk, strict=True):
            if np.isfinite(x0 + x1):
                taken.append((x0, y - 1.5, x1, y + 1.5))
            if np.isfinite(y0 + y1):
                taken.append((x - 1.5, y0, x + 1.5, y1))
    ring = [(8, 0, "left", "center"), (-8, 0, "right", "center"), (0, 8, "center", "bottom"),
            (0, -8, "center", "top"), (6, 6, "left", "bottom"), (6, -6, "left", "top"),
            (-6, 6, "right", "bottom"), (-6, -6, "right", "top")]
    offsets = [(dx * r, dy * r, ha, va) for r in (1, 2.5, 4) for dx, dy, ha, va in ring]
    shift = {"left": 0, "bottom": 0, "center": 0.5, "right": 1, "top": 1}
    out: list[tuple] = [offsets[0]] * len(names)
    for i in sorted(range(len(names)), key=lambda j: (-p[j, 1], p[j, 0])):  # top to bottom
        rows = names[i].split("\n")  # a name may be wrapped on several lines
        (x, y), w, h = p[i], max(text_width(r) for r in rows) + 2, 12.0 * len(rows)
        best = (np.inf, offsets[0], None)
        for dx, dy, ha, va in offsets:
            x0, y0 = x + dx - w * shift[ha], y + dy - h * shift[va]
            box = (x0, y0, x0 + w, y0 + h)
            cost = sum(max(0, min(box[2], b[2]) - max(box[0], b[0]))
                       * max(0, min(box[3], b[3]) - max(box[1], b[1])) for b in taken)
            cost += w * h * (x0 < 0 or y0 < 0 or box[2] > size[0] or box[3] > size[1])
            if cost < best[0]:
                best = (cost, (dx, dy, ha, va), box)
            if cost == 0:
                break
        taken.append(best[2])
        out[i] = best[1]
    return out


def label_points(ax: Any, pts: np.ndarray, names: list[str], lims: np.ndarray, *,
                 gids: Sequence[str] | None = None, **obstacles: Any) -> None:
    """Draw the names next to their points (gid ``label:<gid>``, by default the name),
    leader lines when far."""
    leader = {"arrowstyle": "-", "color": GREY, "lw": 0.6, "shrinkA": 1, "shrinkB": 5}
    for name, gid, xy, (dx, dy, ha, va) in zip(names, gids or names, pts, place_labels(
            ax, pts, names, lims, **obstacles), strict=True):
        ax.annotate(name, tuple(xy), xytext=(dx, dy), ha=ha, va=va, textcoords="offset points",
                    arrowprops=leader if abs(dx) + abs(dy) > 12 else None, gid=f"label:{gid}",
                    multialignment="left" if ha == "left" else "right" if ha == "right"
                    else "center")


def corner_names(ax: Any, corners: Mapping[str, tuple], colours: Mapping[str, str],
                 names: Mapping[str, str]) -> tuple[tuple[str, tuple], ...]:
    """Quadrant names in the corners of the axes (``corners``: code -> x, y in axes
    fraction, alignment); returns them as label obstacles for :func:`place_labels`."""
    for q, (fx, fy, ha, va) in corners.items():
        ax.text(fx, fy, names[q], transform=ax.transAxes, ha=ha, va=va, fontsize=11,
                fontweight="bold", color=darker(colours[q], 0.8), gid=f"quadrant:{q}")
    return tuple((names[q], pos) for q, pos in corners.items())


def spread(y: np.ndarray, gap: float, lo: float, hi: float) -> np.ndarray:
    """Positions as close to ``y`` as possible, at least ``gap`` apart, within [lo, hi].

    >>> spread(np.array([5.0, 0.0, 6.0]), 12, 0, 100).tolist()
    [12.0, 0.0, 24.0]
    """
    order = np.argsort(y, kind="stable")
    out = np.asarray(y, float)[order].copy()
    for i in range(1, len(out)):  # push up, then pull back down from the top
        out[i] = max(out[i], out[i - 1] + gap)
    if len(out) and out[-1] > hi:
        out[-1] = hi
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - gap)
    out = np.maximum(out, lo) if len(out) and out[0] < lo else out
    res = np.empty_like(out)
    res[order] = out
    return res


# ---------------------------------------------------------------------- names that fit
#: how a name of spaces only (or of nothing) is shown
BLANK = "\u2423"
#: the mark of a shortened name
ELLIPSIS = "\u2026"
_JOINERS = {"\u200c", "\u200d"}  # zero-width (non-)joiners: parts of emoji and Indic text
#: first-strong isolate and its end: a right-to-left name keeps its own direction and the
#: numbers after it stay after it
_FSI, _PDI = "\u2068", "\u2069"
_LOCK = threading.Lock()
_EM: dict[tuple[str, bool], float] = {}


def one_line(text: object) -> str:
    """A name on one line: each run of white space (newlines, tabs) becomes one space,
    control and invisible format characters (bidi controls, soft hyphens) are dropped, a
    lone surrogate becomes U+FFFD; a name of spaces only (or empty) shows as ``␣``.

    >>> one_line("  Line one\\nline\\ttwo "), one_line("   "), one_line("a\\u200fb")
    ('Line one line two', '␣', 'ab')
    """
    kept = "".join("\ufffd" if unicodedata.category(c) == "Cs" else c for c in str(text)
                   if c.isspace() or c in _JOINERS
                   or unicodedata.category(c) not in ("Cc", "Cf"))
    return _squash(kept) or BLANK


_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u202f]+")


def _squash(text: str) -> str:
    r"""Runs of breaking white space as one space; the no-break spaces (French numbers and
    punctuation: ``12\u202f439``, ``NPS\u00a0+5,4``) are kept, so no line breaks there.

    >>> _squash(" a \n b\u00a0c ")
    'a b\xa0c'
    """
    return " ".join(_BREAKING_SPACE.split(text.strip()))


@functools.cache
def _fonts(bold: bool) -> tuple[tuple[FT2Font, frozenset[int]], ...]:
    """The chart fonts (:data:`~txscore.reporting.palette.FONTS`) with their characters:
    private instances, so that measuring never disturbs a renderer in another thread (and
    opened again in a forked process)."""
    weight = "bold" if bold else "normal"
    paths = dict.fromkeys(findfont(FontProperties(family=f, weight=weight)) for f in FONTS)
    fonts = []
    for path in paths:
        font = FT2Font(path)
        font.set_size(100, 72)
        fonts.append((font, frozenset(font.get_charmap())))
    return tuple(fonts)


# a forked worker opens the fonts again: parent and child would share the files' offsets
os.register_at_fork(after_in_child=_fonts.cache_clear)


def _em(c: str, bold: bool) -> float:
    """The advance of one character in em: from the first font that has it; 1 for a
    character no font has (a box: 1.16), 0 for combining marks and joiners."""
    key = (c, bold)
    if key not in _EM:
        with _LOCK:
            width = 1.16  # the box of the Last Resort font
            if unicodedata.combining(c) or unicodedata.category(c) == "Cf":
                width = 0.0  # marks, joiners, bidi isolates
            else:
                for font, chars in _fonts(bold):
                    if ord(c) in chars:
                        glyph = font.load_char(ord(c), flags=LoadFlags.NO_HINTING)
                        width = glyph.linearHoriAdvance / 65536 / 100
                        break
            _EM[key] = width
    return _EM[key]


#: drawn text is up to 4% wider than its advance widths (hinting at 200 dpi): room for it
_HINTING = 1.04


def text_width(text: str, size: float = 10, bold: bool = False) -> float:
    """The width in points of one line of text at ``size`` points (no kerning), with 4% to
    spare for hinting.

    >>> round(text_width("Hello", 10), 1), text_width("AB", 20) == 2 * text_width("AB", 10)
    (26.4, True)
    """
    return _HINTING * size * sum(_em(c, bold) for c in text)


def missing_glyphs(texts: Iterable[object]) -> list[str]:
    """The characters of ``texts`` that no chart font has (drawn as boxes), sorted.

    >>> missing_glyphs(["Nestlé", "Ωmega – 100 %"])
    []
    """
    chars = set().union(*(set(one_line(t)) for t in texts))
    _em("a", False)  # the fonts are loaded
    have = _fonts(False)
    return sorted(c for c in chars if not (c.isspace() or unicodedata.category(c) == "Cf"
                                           or unicodedata.combining(c))
                  and not any(ord(c) in cs for _, cs in have))


@contextlib.contextmanager
def quiet_glyphs() -> Iterator[None]:
    """Silence matplotlib's "Glyph ... missing from font" warning (one per glyph and per
    draw): a report says it once (:func:`missing_glyphs`)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Glyph \d+ .*missing from font", UserWarning)
        yield


def _count(word: str, width: float, size: float, bold: bool) -> int:
    """How many first characters of ``word`` fit in ``width`` (at least one)."""
    total, n = 0.0, 0
    for c in word:
        total += _HINTING * size * _em(c, bold)
        if total > width:
            break
        n += 1
    return max(1, n)


def _lines(text: str, width: float, size: float, bold: bool) -> list[str]:
    """Greedy word wrap at ``width`` points; a word wider than a line is cut."""
    lines: list[str] = []
    cur, cur_w = "", 0.0
    space = text_width(" ", size, bold)
    for word in text.split(" "):
        ww = text_width(word, size, bold)
        if cur and cur_w + space + ww <= width:
            cur, cur_w = f"{cur} {word}", cur_w + space + ww
            continue
        if cur:
            lines.append(cur)
        while ww > width and len(word) > 1:  # a word longer than a line: cut it
            n = _count(word, width, size, bold)
            lines.append(word[:n])
            word = word[n:]
            ww = text_width(word, size, bold)
        cur, cur_w = word, ww
    lines.append(cur)
    return lines


def wrap(text: object, width: float, *, size: float = 10, bold: bool = False) -> str:
    """Text wrapped at ``width`` points (as many lines as it takes); words wider than a
    line are cut. Line breaks in the text are kept.

    >>> wrap("one two three", 50)
    'one two\\nthree'
    """
    return "\n".join("\n".join(_lines(_squash(part), width, size, bold))
                     for part in str(text).split("\n"))


def _cut(name: str, n: int, middle: bool | int) -> str:
    """``n`` characters of ``name`` with an ellipsis: the first ones (back to the end of a
    word if that is in their second half); ``middle=True``: the
    first two thirds and the last third, the ellipsis between; ``middle=d`` (a position):
    a few first characters, then those from ``d`` on (where the name differs from others)."""
    if middle is False:
        head = name[:n]
        if 0 < n < len(name) and name[n] != " " and " " in head[n // 2:]:
            head = head[:head.rindex(" ")]  # at the end of a word, when not too far back
        return head.rstrip() + ELLIPSIS
    if middle is True:
        end = n // 3
        return (name[:n - end].rstrip() + ELLIPSIS
                + (name[len(name) - end:].lstrip() if end else ""))
    head = min(n // 4, middle)
    if head == middle:  # the difference is near the start
        return _cut(name, n, False)
    rest = name[middle:middle + n - head].strip()
    more = ELLIPSIS if middle + n - head < len(name) else ""
    return name[:head].rstrip() + ELLIPSIS + rest + more


def fit(text: object, width: float, *, lines: int = 2, size: float = 10, bold: bool = False,
        tail: str = "", middle: bool | int = False) -> str:
    """A name on at most ``lines`` lines of ``width`` points: wrapped, then shortened with
    an ellipsis when it does not fit: at the end; in the middle (``middle=True``); or, with
    ``middle`` a position, keeping a few first characters and those from there on. ``tail``
    (a base, a mark) is appended and never cut. A name holding right-to-left letters
    (Arabic, Hebrew) is wrapped in a bidi isolate, line by line, so that the tail stays
    after it. See :func:`one_line` for what a name may hold.

    >>> fit("A very long brand name indeed", 60, lines=2)
    'A very long\\nbrand…'
    >>> fit("Line one\\nline two", 200, lines=1, tail=" (n=5)")
    'Line one line two (n=5)'
    >>> fit("Tracking wave 2026 Q1", 72, lines=1, middle=True)
    'Tracking…Q1'
    >>> fit("Tracking study of 2026, wave one, final", 120, lines=1, middle=24)
    'Track…wave one, final'
    """
    name = one_line(text)
    rtl = any(unicodedata.bidirectional(c) in ("R", "AL") for c in name)

    def laid(shown: str) -> list[str]:  # right to left: isolated, line by line
        if not rtl:
            return _lines(shown + tail, width, size, bold)
        out, carry = [], False
        for line in _lines(f"{_FSI}{shown}{_PDI}{tail}", width, size, bold):
            line = _FSI + line if carry else line
            carry = line.count(_FSI) > line.count(_PDI)
            out.append(line)
        return out

    wrapped = laid(name)
    if len(wrapped) <= lines:
        return "\n".join(wrapped)
    lo, hi = 0, len(name)
    while lo < hi:  # the most characters that fit, with the ellipsis and the tail
        mid = (lo + hi + 1) // 2
        if len(laid(_cut(name, mid, middle))) <= lines:
            lo = mid
        else:
            hi = mid - 1
    return "\n".join(laid(_cut(name, lo, middle)))


def differences(names: Sequence[str]) -> list[int]:
    """Per name, where it starts to differ from the other names (the longest common start
    with any of them), moved back to the start of its word; 0 when it is unique from the
    first character.

    >>> differences(["Tracking wave one", "Tracking wave two", "Other"])
    [14, 14, 0]
    """
    out = []
    for i, a in enumerate(names):
        common = max((len(os.path.commonprefix([a, b])) for j, b in enumerate(names)
                      if j != i and b != a), default=0)
        start = a.rfind(" ", 0, common) + 1 if common < len(a) else common
        out.append(start if common - start <= 12 else common)
    return out


def _visible(label: str, tail: str) -> str:
    """What a label looks like, for telling names apart: one line, without its tail,
    characters no font has as one box."""
    core = _squash(label)
    t = _squash(tail)
    core = core[: len(core) - len(t)] if t and core.endswith(t) else core
    missing = set(missing_glyphs([core]))
    return "".join("\ufffd" if c in missing else c for c in core)


def _clashes(labels: list[str], tails: list[str], full: list[str]) -> list[int]:
    """The labels that look alike while their names differ."""
    groups: dict[str, list[int]] = {}
    for i, (label, tail) in enumerate(zip(labels, tails, strict=True)):
        groups.setdefault(_visible(label, tail), []).append(i)
    return sorted(i for g in groups.values() if len({full[j] for j in g}) > 1 for i in g)


def fit_names(names: Sequence[object], width: float, *, lines: int = 2, size: float = 10,
              bold: bool = False,
              tails: Sequence[str] | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """Names that fit (:func:`fit`) and stay distinct: names that look alike once
    shortened are shortened in the middle instead (their ends differ), then around where
    they differ; those still alike (characters no font has are all one box) get a short
    key ``[1]``, ``[2]`` ... in front. Returns the labels and the keys with the full names
    (one line each), for a footnote.

    Examples
    --------
    >>> labels, keys = fit_names(["Product line A " * 9 + "one", "Product line A " * 9 + "two",
    ...                           "Other"], 80, lines=1)
    >>> labels
    ['Product li…one', 'Product li…two', 'Other']
    >>> fit_names(["Same start " * 9 + "x" + " same end" * 9,
    ...            "Same start " * 9 + "y" + " same end" * 9], 100, lines=1)[0]
    ['Sam…x same en…', 'Sam…y same en…']
    """
    tails = list(tails) if tails is not None else [""] * len(names)
    full = [one_line(n) for n in names]
    opts = {"lines": lines, "size": size, "bold": bold}
    out = [fit(f, width, tail=t, **opts) for f, t in zip(full, tails, strict=True)]
    for i in _clashes(out, tails, full):  # their ends may differ
        out[i] = fit(full[i], width, tail=tails[i], middle=True, **opts)
    clash = _clashes(out, tails, full)  # show where they differ
    for i, d in zip(clash, differences([full[i] for i in clash]), strict=True):
        out[i] = fit(full[i], width, tail=tails[i], middle=d, **opts)
    keys = []
    for k, i in enumerate(_clashes(out, tails, full), 1):
        keys.append((f"[{k}]", full[i]))
        out[i] = fit(f"[{k}] {full[i]}", width, tail=tails[i], **opts)
    return out, keys
