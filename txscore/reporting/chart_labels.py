"""Labels that never overlap: names next to scatter points, quadrant names in the
corners, line-end labels spread apart.

Text extents are estimated from the character count, so placement is deterministic and
needs no renderer: the same chart gets the same labels, hence the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from txscore.reporting.palette import GREY, darker

__all__ = ["GRID_CORNERS", "IP_CORNERS", "corner_names", "label_points", "place_labels",
           "spread"]

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
    a leader line). Text extents are estimated from the character count (0.6 em each):
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
        w = 7.5 * len(text)
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
        (x, y), w, h = p[i], 6.0 * len(names[i]), 12.0
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


def label_points(ax: Any, pts: np.ndarray, names: list[str], lims: np.ndarray,
                 **obstacles: Any) -> None:
    """Draw the names next to their points (gid ``label:<name>``), leader lines when far."""
    leader = {"arrowstyle": "-", "color": GREY, "lw": 0.6, "shrinkA": 1, "shrinkB": 5}
    for name, xy, (dx, dy, ha, va) in zip(names, pts, place_labels(
            ax, pts, names, lims, **obstacles), strict=True):
        ax.annotate(name, tuple(xy), xytext=(dx, dy), ha=ha, va=va, textcoords="offset points",
                    arrowprops=leader if abs(dx) + abs(dy) > 12 else None, gid=f"label:{name}")


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
