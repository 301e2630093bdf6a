"""Time of the PowerPoint deck for the sample study (target: < 2 s).

Run from the repository root: ``python benchmarks/bench_deck.py``. The study is scored as
the README's command does (its own settings: 2,000 bootstrap resamples), once; the deck is
then built in memory (:func:`txscore.reporting.deck.deck_bytes`: every slide, 13 native
charts with their embedded workbooks, the zip normalised) in English and in French, best of
three after one untimed build (python-pptx's imports and templates), and written to a file
once. The first build, imports included, is printed too.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import best_with_result, row  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "sample" / "study.toml"
TARGET = 2.0


def main() -> None:
    import txscore as tx

    warnings.simplefilter("ignore")
    result = tx.score(tx.load(tx.read_study(SAMPLE)))
    start = time.perf_counter()
    from txscore.reporting.deck import deck_bytes, write_deck

    first = deck_bytes(result)
    cold = time.perf_counter() - start
    print(f"sample study: {len(result.scores):,} scores, "
          f"{result.study.report.bootstrap:,} bootstrap resamples")
    row("deck, first build (imports included)", cold, None)
    for language in ("en", "fr"):
        here = dataclasses.replace(result, study=result.study.with_settings(language=language))
        seconds, data = best_with_result(lambda r=here: deck_bytes(r), 3, warm=True)
        row(f"deck in memory, {language} ({len(data) / 1e3:,.0f} kB), best of 3", seconds,
            TARGET)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        path = write_deck(result, Path(tmp) / "sample.pptx")
        row("deck written to a file (atomic)", time.perf_counter() - start, TARGET)
        assert path.read_bytes() == first  # the same bytes


if __name__ == "__main__":
    main()
