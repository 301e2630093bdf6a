"""What ``txscore init`` found, file by file and for the study (:class:`Found`).

:mod:`txscore.ingest.draft` fills it step by step (roles, rating columns, brand loops,
items, constructs, reversal, segments) and :mod:`txscore.ingest.draft_toml` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from txscore.ingest.draft_items import ItemDraft, Loop
from txscore.ingest.draft_roles import FileRoles
from txscore.ingest.draft_scales import ScaleDraft
from txscore.ingest.guess import ColumnProfile, ScaleGuess
from txscore.ingest.table import RawTable

__all__ = ["FileDraft", "Found"]


@dataclass
class FileDraft:
    """One file: what was read and what each column was found to be."""

    path: Path
    table: RawTable
    population: str
    sure_population: bool
    wave: str
    sure_wave: bool
    roles: FileRoles
    profiles: dict[str, ColumnProfile] = field(default_factory=dict)
    guesses: dict[str, ScaleGuess] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)  # column -> why it is not an item
    loop: Loop | None = None

    @property
    def name(self) -> str:
        """The file name."""
        return self.path.name


@dataclass
class Found:
    """Everything the draft found, file by file and for the study."""

    files: list[FileDraft]
    scales: dict[str, ScaleDraft] = field(default_factory=dict)
    items: dict[str, ItemDraft] = field(default_factory=dict)
    populations: dict[str, list[str]] = field(default_factory=dict)
    roles: dict[str, str | None] = field(default_factory=dict)  # construct -> role
    partial: dict[str, str] = field(default_factory=dict)  # construct -> why its role waits
    segments: list[str] = field(default_factory=list)
    todos: list[str] = field(default_factory=list)
    nps_item: str | None = None
    language: str = "en"

    def kept(self) -> list[ItemDraft]:
        """The items written in the spec."""
        return [i for i in self.items.values() if not i.dropped]
