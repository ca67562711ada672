"""critparse: clinical-trial eligibility criteria -> a typed criteria tree.

    >>> import critparse
    >>> doc = critparse.parse("Inclusion Criteria:\\n* Age >= 18 years")
    >>> doc.sections[0].children[0].thresholds[0].comparator
    '>='

Heavy parts (spaCy, scispacy) load on first use, so ``import critparse`` stays light.
"""
from __future__ import annotations

from .errors import ConfigError, CritparseError, InputError, PatternError
from .models import (Abbreviation, Criterion, Diagnostic, Document, Group, Section, Span, StudyFields,
                     Subject, Temporal, Threshold, Unit, VariantList, json_schema)
from .inputs import example_text
from .parser import EXTRACTORS, Parser, parse

__version__ = "0.1.0"

__all__ = [
    "parse", "Parser", "EXTRACTORS", "json_schema", "example_text",
    "Document", "Section", "Group", "Criterion", "Threshold", "Temporal", "VariantList", "Subject", "Unit",
    "Span", "Diagnostic", "Abbreviation", "StudyFields",
    "CritparseError", "PatternError", "InputError", "ConfigError", "__version__",
]
