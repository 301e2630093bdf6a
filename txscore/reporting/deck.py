"""The PowerPoint deck the account team sends: native, editable charts, in English or
French, in the client's template.

:func:`deck_bytes` builds it, :func:`write_deck` writes it atomically;
:func:`txscore.reporting.report` writes it beside the workbook (``deck=True`` or ``[report]
deck = true``) in the same all-or-nothing publish. The slides:

1. the title (study, waves, bases of the latest wave, run date);
2. the headlines (:func:`txscore.reporting.headlines.headlines`; no slide when there is
   none), over several slides when long;
3. TX by brand (bars), the growth grid and CX against BX (XY scatters), one trend per
   index over the waves (lines; two waves or more), one scorecard per brand (a table), the
   key drivers per analysis (importance bars beside importance against performance), one
   what-if scenario per slide when the study has ``[[scenarios]]`` (a table:
   :mod:`~txscore.reporting.deck_scenarios`);
4. the appendix: reliability (a table) and the methodology (text).

The slides are built by :mod:`~txscore.reporting.deck_slides` (the brands side by side)
and :mod:`~txscore.reporting.deck_cards` (scorecards, drivers, reliability) from what
:mod:`~txscore.reporting.deck_data` reads. Every chart is a native chart
(:mod:`~txscore.reporting.deck_charts`); there is no picture but the study's ``[report]
logo`` on the title slide. Slides, layouts and theme
come from ``[report] deck_template`` (:mod:`~txscore.reporting.deck_frame`). Deterministic:
the document properties are fixed (author txscore, created and modified at the run date
of :func:`txscore.reporting.excel.run_date`, revision 1) and the zip normalised
(:func:`txscore.reporting.xlsx.normalise_zip`), so the same inputs give the same bytes.
Respondent text (brands, labels, waves) is only ever text.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pptx.util import Pt

from txscore._io import atomic_write
from txscore.errors import OutputError, ParameterError, Problem, TxscoreError
from txscore.reporting.deck_cards import driver_slides, reliability_slides, scorecard_slides
from txscore.reporting.deck_charts import clean
from txscore.reporting.deck_data import brand_name
from txscore.reporting.deck_frame import (
    Deck,
    add_slide,
    open_template,
    pick_layouts,
    text_slides,
)
from txscore.reporting.deck_scenarios import scenario_slides
from txscore.reporting.deck_slides import cxbx_slide, grid_slide, trend_slides, tx_slide
from txscore.reporting.excel import run_date
from txscore.reporting.headlines import headlines
from txscore.reporting.methodology import methodology_rows
from txscore.reporting.palette import brand_colours, focus_of
from txscore.reporting.text import words_for
from txscore.reporting.xlsx import normalise_zip

if TYPE_CHECKING:
    from txscore.result import Result

__all__ = ["METHOD_SECTIONS", "SETTING_SECTIONS", "deck_bytes", "no_deck", "write_deck"]

#: the Methodology's sections the appendix shows (their keys in ``words.methodology``)
METHOD_SECTIONS = ("s_scores", "s_uncertainty", "s_reliability", "s_drivers", "s_quality")
#: the sections whose settings (value and what it does) the appendix shows too (the data
#: quality checks' settings are in the workbook's Methodology sheet)
SETTING_SECTIONS = ("s_scores", "s_uncertainty")
LANG_TAGS = {"en": "en-GB", "fr": "fr-FR"}


def no_deck(result: Any) -> str | None:
    """Why a result gets no deck (it is cut by segments), or None."""
    if tuple(getattr(result, "by", ())):
        return (f"No deck: it shows whole-sample brand scores and this result is cut by "
                f"{list(result.by)}. Score without `by` to get it.")
    return None


def deck_bytes(result: Result, template: str | Path | None = None) -> bytes:
    """The deck as .pptx bytes: the same result, template and run date give the same bytes.

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`, without segment cuts; ``result.study.report.language``
        picks English or French.
    template : str or Path, optional
        A .pptx whose master, layouts, theme and slide size the deck uses (its own slides
        are left out); default ``[report] deck_template``, else a plain 16:9 deck.

    Raises
    ------
    ParameterError
        The result is cut by segments.
    OutputError
        The template cannot be read, or a slide cannot be built (a
        :class:`~txscore.errors.Problem` naming it).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> deck_bytes(tx.score(tx.load(study)))[:2]
    b'PK'
    """
    if (why := no_deck(result)) is not None:
        raise ParameterError(why)
    rep = result.study.report
    chosen = template if template is not None else rep.deck_template
    prs = open_template(None if chosen is None else Path(chosen))
    words = words_for(rep.language)
    when = run_date()
    waves = [w for w in result.study.waves if (result.scores["wave"] == w).any()]
    method = {str(r[0]): str(r[1]) for _, rows in methodology_rows(result, when, words)
              for r in rows}
    deck = Deck(prs=prs, result=result, words=words, when=when, layouts=pick_layouts(prs),
                colours=brand_colours(result), focus=focus_of(result),
                wave=waves[-1] if waves else str(result.study.waves[-1]), method=method)
    for name, build in (("title", _title_slide), ("headlines", _headline_slides),
                        ("tx_by_brand", tx_slide), ("growth_grid", grid_slide),
                        ("cx_vs_bx", cxbx_slide), ("trends", trend_slides),
                        ("scorecards", scorecard_slides), ("drivers", driver_slides),
                        ("scenarios", scenario_slides), ("appendix", _appendix_slide),
                        ("reliability", reliability_slides),
                        ("methodology", _methodology_slides)):
        _located(name, build, deck)
    _properties(deck)
    buf = io.BytesIO()
    prs.save(buf)
    return normalise_zip(buf.getvalue(), when)


def write_deck(result: Result, path: str | Path,
               template: str | Path | None = None) -> Path:
    """Write the deck to ``path`` atomically (a temporary file, then a rename).

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`, without segment cuts.
    path : str or Path
        The .pptx file to write (its folder is created).
    template : str or Path, optional
        As in :func:`deck_bytes`.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> out = write_deck(tx.score(tx.load(study)), Path(tempfile.mkdtemp()) / "s.pptx")
    >>> out.suffix
    '.pptx'
    """
    return atomic_write(Path(path), deck_bytes(result, template))


def _located(name: str, build: Any, deck: Deck) -> None:
    """Build one part of the deck; a failure (a defect: the tables are checked before) is
    an :class:`~txscore.errors.OutputError` naming it."""
    try:
        build(deck)
    except TxscoreError:
        raise
    except Exception as exc:
        raise OutputError("Cannot build the deck", [Problem(
            f"the deck cannot be built ({type(exc).__name__}: {exc}).",
            f"deck, slides '{name}'",
            "this is a defect of txscore: please report it with the study file.")]) from exc


def _properties(deck: Deck) -> None:
    """Fixed document properties: nothing of the machine, the user or the moment."""
    props = deck.prs.core_properties
    props.author = props.last_modified_by = "txscore"
    props.title = clean(deck.result.study.name)
    props.subject = props.keywords = props.comments = props.category = ""
    props.content_status = props.identifier = props.version = ""
    props.language = LANG_TAGS.get(deck.words.language, "en-GB")
    props.revision = 1
    props.created = props.modified = deck.when


# ---------------------------------------------------------------------- text slides
def _total_bases(deck: Deck) -> str:
    """The respondents scored in the latest wave, by population."""
    files = deck.result.files
    here = files[files["wave"] == deck.wave] if len(files) else files
    column = "respondents_scored" if "respondents_scored" in here else "scored"
    parts = []
    for pop, key in (("customer", "customers"), ("non_customer", "non_customers")):
        rows = here[here["population"] == pop] if len(here) else here
        if len(rows):
            parts.append(deck.t[key].format(n=deck.words.count(rows[column].sum())))
    return ", ".join(parts)


def _title_slide(deck: Deck) -> None:
    t, study = deck.t, deck.result.study
    bases = _total_bases(deck)
    waves = [clean(w) for w in study.waves]
    lines = [t["waves"].format(waves=", ".join(waves)) if len(waves) > 1
             else t["wave"].format(wave=waves[0]),
             t["respondents"].format(wave=clean(deck.wave), bases=bases),
             t["run_date"].format(date=deck.when.strftime("%Y-%m-%d"))]
    footer = t["bases_total"].format(bases=bases)
    notes = [t["notes_title"].format(disclaimer=t["disclaimer"]),
             t["notes_bases"].format(text=bases)]
    slide, rect, holder = add_slide(deck, clean(study.name), footer=footer, notes=notes,
                                    layout="title", body=True)
    if holder is None:
        holder = slide.shapes.add_textbox(rect.left, rect.top, rect.width, rect.height)
    holder.text_frame.word_wrap = True
    holder.text_frame.text = "\n".join(lines)
    for paragraph in holder.text_frame.paragraphs:  # three lines, whatever the template
        for run in paragraph.runs:
            run.font.size = Pt(24)
    logo = study.report.logo
    if logo is not None and Path(logo).is_file():
        height = deck.prs.slide_height // 9
        picture = slide.shapes.add_picture(str(logo), 0, deck.prs.slide_height // 30,
                                           height=height)
        picture.left = deck.prs.slide_width - picture.width - deck.prs.slide_width // 30


def _headline_slides(deck: Deck) -> None:
    found = headlines(deck.result, deck.words)
    if not found:
        return
    t, w = deck.t, deck.words
    cites = []
    for h in found:
        for c in h.cites:
            value = "" if c.value is None else w.num(float(c.value), 1)
            cites.append(t["cite"].format(measure=w.measures.get(c.measure, c.measure),
                                          brand=brand_name(deck, c.brand),
                                          wave=clean(c.wave), value=value))
    # the rule that chose the sentences goes to the notes: a bullet of its own, it took a
    # slide of its own
    rules = [h.text for h in found if h.kind == "rule"]
    notes = [*rules, t["notes_headlines"].format(cites="; ".join(cites) or t["none"]),
             t["notes_bases"].format(text=_total_bases(deck))]
    text_slides(deck, t["headlines"], [("", h.text) for h in found if h.kind != "rule"],
                footer=t["bases_total"].format(bases=_total_bases(deck)), notes=notes,
                size=20)


def _appendix_slide(deck: Deck) -> None:
    t = deck.t
    slide, _, holder = add_slide(deck, t["appendix"], footer=t["bases_total"].format(
        bases=_total_bases(deck)), notes=[t["notes_appendix"]], layout="section", body=True)
    if holder is not None:
        holder.text_frame.text = t["notes_appendix"]


def _methodology_slides(deck: Deck) -> None:
    m = deck.words.methodology
    titles = {m[k] for k in METHOD_SECTIONS if k in m}
    settings = {m[k] for k in SETTING_SECTIONS if k in m}
    paragraphs = [(f"{r[0]} – ", str(r[1]) if len(r) < 4 or not r[2] else f"{r[1]} – {r[2]}")
                  for title, rows in methodology_rows(deck.result, deck.when, deck.words)
                  if title in titles for r in rows if len(r) < 4 or title in settings]
    t = deck.t
    text_slides(deck, t["methodology"], paragraphs,
                footer=t["bases_total"].format(bases=_total_bases(deck)),
                notes=[t["disclaimer"], t["notes_bases"].format(text=_total_bases(deck))],
                size=14)
