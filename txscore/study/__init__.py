"""The study spec: what the survey files contain and how to score them.

A :class:`Study` is the whole codebook as frozen dataclasses (:mod:`txscore.study.model`):
sources (file, sheet, population, wave), column roles, scales (codes, text labels, missing
codes, top and bottom boxes), items (column -> construct, scale, reversed), constructs with
roles, index settings, quality rules, report settings and weighting, every method name a
``Literal`` type.  It is loaded from TOML with :func:`read_study`
(:mod:`txscore.study.toml`, ``[weighting]`` by :mod:`txscore.study.weighting`) or built in
Python, and :func:`validate_study` (:mod:`txscore.study.validate`) lists *every* problem
with where it is, rather than stopping at the first.  The words every layer shares (the
all-brands total, the populations, the measures) are :mod:`txscore.study.vocabulary`.
"""

from __future__ import annotations

from txscore.study.model import (
    BX_METHODS,
    CX_METHODS,
    DIMENSIONS,
    LANGUAGES,
    MULTIPLE_TESTING,
    ROLES,
    SOURCE_FORMATS,
    SOURCE_ROLES,
    TARGET_SCOPES,
    WEIGHT_SCALES,
    WEIGHTING_METHODS,
    AttentionCheck,
    BxMethod,
    Columns,
    Construct,
    CxMethod,
    IndexSettings,
    Item,
    Language,
    MultipleTesting,
    Population,
    QualitySettings,
    ReportSettings,
    Role,
    Scale,
    Source,
    SourceFormat,
    Study,
    Targets,
    TargetScope,
    WeightingMethod,
    WeightingSettings,
    WeightScale,
    default_boxes,
    normalise_label,
)
from txscore.study.toml import read_study
from txscore.study.validate import validate_study
from txscore.study.vocabulary import (
    INDEX_MEASURES,
    MEASURE_LABELS,
    NPS_DETRACTORS,
    NPS_PROMOTERS,
    POPULATIONS,
    TOTAL,
)
from txscore.study.weighting import parse_weighting

__all__ = [
    "BX_METHODS", "CX_METHODS", "DIMENSIONS", "INDEX_MEASURES", "LANGUAGES", "MEASURE_LABELS",
    "MULTIPLE_TESTING", "NPS_DETRACTORS", "NPS_PROMOTERS", "POPULATIONS", "ROLES",
    "SOURCE_FORMATS", "SOURCE_ROLES", "TARGET_SCOPES", "TOTAL", "WEIGHTING_METHODS",
    "WEIGHT_SCALES",
    "AttentionCheck", "BxMethod", "Columns", "Construct", "CxMethod", "IndexSettings", "Item",
    "Language", "MultipleTesting", "Population", "QualitySettings", "ReportSettings", "Role",
    "Scale", "Source", "SourceFormat", "Study", "TargetScope", "Targets", "WeightScale",
    "WeightingMethod", "WeightingSettings", "default_boxes", "normalise_label",
    "parse_weighting", "read_study", "validate_study",
]
