"""The deck's frame: the template (its master, layouts and theme) and what every slide
has: a title, a content area, a footer with the bases, the slide number and speaker notes;
text and table slides that run over several pages when they must.

The template is the study's ``[report] deck_template`` (a .pptx): its slides are dropped,
its master, layouts, theme (fonts, colours) and slide size kept. Layouts are found by name
("Title Slide", "Title and Content", "Section Header"), else by their placeholders (a
centred title and a subtitle; a title and one content area), else by position. Without a
template the deck is python-pptx's plain default, made 16:9 with left-aligned titles.

No typeface is set anywhere: text takes the theme's fonts. Sizes are set where the deck
paginates (text and tables), so that a page holds what it was planned to hold.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER as PH
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from txscore.errors import OutputError, Problem
from txscore.reporting.deck_charts import Rect, clean
from txscore.reporting.text import Words

__all__ = ["FOOTER_BAND", "LAYOUT_NAMES", "Deck", "add_slide", "add_table", "content_rect",
           "open_template", "page_titles", "paginate", "pick_layouts", "text_slides"]

#: the layouts by their names in PowerPoint's default (English) template
LAYOUT_NAMES = {"title": "Title Slide", "content": "Title and Content",
                "section": "Section Header"}
WIDE = 16 / 9
#: the bottom of a slide kept for the footer (bases) and the slide number
FOOTER_BAND = 0.09
_TITLES = (PH.TITLE, PH.CENTER_TITLE)
_BODIES = (PH.OBJECT, PH.BODY)
_EMU_PT = 12700
#: a stable id for the slide-number field (PowerPoint wants one; any GUID will do)
_FIELD_ID = "{9C1D2E6A-5B7F-4C2D-8E1A-3F6B2D4C5A71}"
T = TypeVar("T")


@dataclass
class Deck:
    """The deck being built: the presentation, the result and its words, the layouts,
    the brand colours and focus, the wave the slides show, the method texts by their
    Methodology keys, and the run date."""

    prs: Any
    result: Any
    words: Words
    when: dt.datetime
    layouts: dict[str, Any]
    colours: dict[str, str]
    focus: str | None
    wave: str
    method: Mapping[str, str]
    #: what is looked up often (rows by key, the layouts' geometry), filled on first use
    cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def t(self) -> Mapping[str, str]:
        """The deck's own words (``words.table["deck"]``)."""
        return self.words.table["deck"]


# ---------------------------------------------------------------------- the template
def open_template(template: Path | None) -> Any:
    """The presentation to fill: the template without its slides, or the plain default.

    Raises
    ------
    OutputError
        The template cannot be read as a presentation, or has no slide layout.
    """
    if template is None:
        prs = Presentation()
        _plain(prs)
        return prs
    fix = ("save it from PowerPoint or LibreOffice Impress as a .pptx presentation, or "
           "remove deck_template from [report].")
    try:
        prs = Presentation(str(template))
    except Exception as exc:
        raise OutputError("Cannot read the deck template", [Problem(
            f"the deck template cannot be read as a PowerPoint presentation "
            f"({type(exc).__name__}: {exc}).", str(template), fix)]) from exc
    if not len(prs.slide_layouts):
        raise OutputError("Cannot use the deck template", [Problem(
            "the deck template has no slide layout.", str(template), fix)])
    slides = prs.element.find(qn("p:sldIdLst"))
    for entry in list(slides if slides is not None else ()):  # its own slides go
        prs.part.drop_rel(entry.get(qn("r:id")))
        slides.remove(entry)
    return prs


def _plain(prs: Any) -> None:
    """python-pptx's default template made 16:9 (every shape of its master and layouts
    widened) with titles left-aligned at 30 pt."""
    factor = WIDE * prs.slide_height / prs.slide_width
    prs.slide_width = round(prs.slide_height * WIDE)
    shapes = [s for m in prs.slide_masters for s in m.shapes]
    shapes += [s for m in prs.slide_masters for lay in m.slide_layouts for s in lay.shapes]
    own = [(s, s.left, s.width) for s in shapes
           if s.element.find(f"{qn('p:spPr')}/{qn('a:xfrm')}") is not None]
    for shape, left, width in own:
        shape.left, shape.width = round(left * factor), round(width * factor)
    for master in prs.slide_masters:
        level = master.element.find(f".//{qn('p:titleStyle')}/{qn('a:lvl1pPr')}")
        if level is not None:
            level.set("algn", "l")
            level.find(qn("a:defRPr")).set("sz", "3000")
        for layout in master.slide_layouts:  # the title slide's title stays centred, large
            for ph in layout.placeholders:
                if ph.placeholder_format.type == PH.CENTER_TITLE:
                    styles = ph.element.find(f"{qn('p:txBody')}/{qn('a:lstStyle')}")
                    if styles is not None:
                        _sub_level = etree.SubElement(styles, qn("a:lvl1pPr"), algn="ctr")
                        etree.SubElement(_sub_level, qn("a:defRPr"), sz="4000")


def _kinds(layout: Any) -> list[Any]:
    return [ph.placeholder_format.type for ph in layout.placeholders]


def pick_layouts(prs: Any) -> dict[str, Any]:
    """The template's layouts for the title slide, the content slides and the section
    header: by name (:data:`LAYOUT_NAMES`), else by placeholders, else by position."""
    layouts = list(prs.slide_layouts)
    named: dict[str, Any] = {}
    for layout in layouts:
        named.setdefault(layout.name, layout)

    def fewest(fits: list[Any]) -> Any:
        return min(fits, key=lambda lay: len(lay.placeholders)) if fits else None

    title = named.get(LAYOUT_NAMES["title"]) or fewest(
        [lay for lay in layouts if PH.CENTER_TITLE in _kinds(lay)
         and PH.SUBTITLE in _kinds(lay)]) or layouts[0]
    content = named.get(LAYOUT_NAMES["content"]) or fewest(
        [lay for lay in layouts if set(_kinds(lay)) & set(_TITLES)
         and sum(k in _BODIES for k in _kinds(lay)) == 1]) or layouts[min(1, len(layouts) - 1)]
    section = named.get(LAYOUT_NAMES["section"]) or content
    return {"title": title, "content": content, "section": section}


def content_rect(prs: Any, layout: Any) -> Rect:
    """The layout's content area (its body placeholder), else the middle of the slide;
    never lower than the footer's band (the bottom 9 % of the slide)."""
    w, h = prs.slide_width, prs.slide_height
    bottom = int(h * (1 - FOOTER_BAND))
    for ph in layout.placeholders:  # python-pptx walks the inheritance: cache it
        if ph.placeholder_format.type in _BODIES and None not in (
                ph.left, ph.top, ph.width, ph.height):
            top = min(int(ph.top), int(h * 0.5))
            return Rect(int(ph.left), top, int(ph.width), min(int(ph.height), bottom - top))
    return Rect(int(w * 0.05), int(h * 0.2), int(w * 0.9), bottom - int(h * 0.2))


# ---------------------------------------------------------------------- a slide
def add_slide(deck: Deck, title: str, *, footer: str, notes: Sequence[str],
              layout: str = "content", body: bool = False) -> tuple[Any, Rect, Any]:
    """A new slide of the layout: its title, its footer (the bases), its number and its
    speaker notes. Returns the slide, its content area and its body placeholder (None,
    and the empty placeholder removed, unless ``body``)."""
    lay = deck.layouts[layout]
    slide = deck.prs.slides.add_slide(lay)
    if slide.shapes.title is not None:
        slide.shapes.title.text_frame.text = clean(title)
    else:  # a layout without a title: a text box at the top
        w = deck.prs.slide_width
        box = slide.shapes.add_textbox(int(w * 0.05), int(w * 0.02), int(w * 0.9), Pt(60))
        box.text_frame.text = clean(title)
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(28)
    holder = next((ph for ph in slide.placeholders
                   if ph.placeholder_format.type in (*_BODIES, PH.SUBTITLE)), None)
    if holder is not None and not body:
        holder.element.getparent().remove(holder.element)
        holder = None
    _footer(deck, slide, lay, footer)
    slide.notes_slide.notes_text_frame.text = "\n".join(clean(n) for n in notes if n)
    return slide, _area(deck, layout), holder


def _area(deck: Deck, layout: str) -> Rect:
    """The content area of one of the deck's layouts (cached)."""
    key = ("area", layout)
    if key not in deck.cache:
        deck.cache[key] = content_rect(deck.prs, deck.layouts[layout])
    return deck.cache[key]


def _footer(deck: Deck, slide: Any, layout: Any, text: str) -> None:
    """The footer (the bases) across the bottom of the content area, left of the slide
    number, which follows when the layout has one."""
    content = _area(deck, "content")
    key = ("footer", layout.name, id(layout))
    if key not in deck.cache:  # (placeholders by kind, slide number's left)
        by_kind = {ph.placeholder_format.type: ph for ph in layout.placeholders}
        number = by_kind.get(PH.SLIDE_NUMBER)
        deck.cache[key] = by_kind, None if number is None else number.left
    by_kind, number_left = deck.cache[key]
    number = by_kind.get(PH.SLIDE_NUMBER)
    right = content.left + content.width
    if number is not None and number_left is not None and number_left > content.left:
        slide.shapes.clone_placeholder(number)
        shape = slide.placeholders[number.placeholder_format.idx]
        shape.text_frame.text = ""
        paragraph = shape.element.find(f".//{qn('a:p')}")
        field = etree.SubElement(paragraph, qn("a:fld"), id=_FIELD_ID, type="slidenum")
        etree.SubElement(field, qn("a:t")).text = str(len(deck.prs.slides))
        right = min(right, int(number_left) - Pt(6))
    h = deck.prs.slide_height
    top = max(content.top + content.height, h - int(h * FOOTER_BAND))
    footer = by_kind.get(PH.FOOTER)
    if footer is not None:
        slide.shapes.clone_placeholder(footer)
        shape = slide.placeholders[footer.placeholder_format.idx]
    else:
        shape = slide.shapes.add_textbox(content.left, top, right - content.left, Pt(30))
    shape.left, shape.top = content.left, top
    shape.width, shape.height = right - content.left, max(h - top - int(h * 0.01), Pt(20))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.text = clean(text)
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(10)


# ---------------------------------------------------------------------- text and tables
def paginate(items: Sequence[T], capacity: float,
             weight: Callable[[T], float] = lambda _: 1.0) -> list[list[T]]:
    """``items`` in pages holding at most ``capacity`` (each item its ``weight``; an item
    heavier than a page gets a page of its own).

    >>> paginate([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    pages: list[list[T]] = [[]]
    used = 0.0
    for item in items:
        w = weight(item)
        if pages[-1] and used + w > capacity:
            pages.append([])
            used = 0.0
        pages[-1].append(item)
        used += w
    return pages if pages[0] else []


def page_titles(deck: Deck, title: str, n: int) -> list[str]:
    """``title`` for one page, ``title (k/n)`` for several."""
    if n == 1:
        return [title]
    return [deck.t["page"].format(title=title, k=k, n=n) for k in range(1, n + 1)]


def text_slides(deck: Deck, title: str, paragraphs: Sequence[tuple[str, str]], *,
                footer: str, notes: Sequence[str], size: int = 16) -> None:
    """Paragraphs ``(lead, text)`` (the lead in bold, may be "") in the layout's content
    area, over as many slides as they need at ``size`` points."""
    area = _area(deck, "content")
    per_line = max(20.0, area.width / _EMU_PT / (size * 0.5))
    lines = area.height / _EMU_PT / (size * 1.2)

    def weight(p: tuple[str, str]) -> float:
        return math.ceil((len(p[0]) + len(p[1]) + 4) / per_line) + 0.4

    pages = paginate(list(paragraphs), lines - 0.5, weight)
    for page, name in zip(pages, page_titles(deck, title, len(pages)), strict=True):
        slide, rect, holder = add_slide(deck, name, footer=footer, notes=notes, body=True)
        if holder is None:
            holder = slide.shapes.add_textbox(rect.left, rect.top, rect.width, rect.height)
        frame = holder.text_frame
        frame.word_wrap = True
        for i, (lead, text) in enumerate(page):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.space_after = Pt(size * 0.4)
            for part, bold in ((lead, True), (text, False)):
                if part:
                    run = paragraph.add_run()
                    run.text = clean(part)
                    run.font.size, run.font.bold = Pt(size), bold


def add_table(slide: Any, rect: Rect, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float], *, size: int = 12, right: Sequence[int] = (),
              bold: Sequence[Sequence[bool]] = ()) -> Any:
    """A table in the theme's table style: the header row, then ``rows``; columns in
    proportion to ``widths``, those of ``right`` aligned right (numbers), the cells
    ``bold[row][column]`` (of ``rows``) in bold, like the header."""
    row_h = Pt(size * 2.1)
    height = min(rect.height, row_h * (len(rows) + 1))
    shape = slide.shapes.add_table(len(rows) + 1, len(header), rect.left, rect.top,
                                   rect.width, Emu(height))
    table = shape.table
    total = sum(widths)
    for c, w in enumerate(widths):
        table.columns[c].width = Emu(int(rect.width * w / total))
    for r, texts in enumerate([header, *rows]):
        table.rows[r].height = Emu(row_h)
        for c, text in enumerate(texts):
            cell = table.cell(r, c)
            cell.text = clean(text)
            cell.margin_top = cell.margin_bottom = Pt(3)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.alignment = PP_ALIGN.RIGHT if c in right else PP_ALIGN.LEFT
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0 or (r - 1 < len(bold) and c < len(bold[r - 1])
                                               and bool(bold[r - 1][c]))
    return table
