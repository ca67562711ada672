"""Threshold extraction: numeric limits, temporal windows and variant lists in one criterion.

``extract(mt, rules, long_forms)`` runs on a criterion's clean text (a MappedText) and returns
an :class:`Extraction`; offsets in the nodes are ORIGINAL offsets (``mt.span``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Diagnostic, Temporal, Threshold, VariantList


@dataclass
class Extraction:
    thresholds: list[Threshold] = field(default_factory=list)
    temporals: list[Temporal] = field(default_factory=list)
    lists: list[VariantList] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def extract(mt, rules, long_forms=None) -> Extraction:
    """Thresholds, temporal windows and variant lists of one criterion's clean text."""
    return run(mt, rules, long_forms or {})


# at the end, as assemble imports Extraction from here; once, not in extract() (an import
# statement costs ~1 us a call, and extract runs once per criterion)
from .assemble import run  # noqa: E402


__all__ = ["Extraction", "extract"]
