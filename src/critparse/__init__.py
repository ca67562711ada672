"""critparse: clinical-trial eligibility criteria -> a typed criteria tree.

    >>> import critparse
    >>> doc = critparse.parse("Inclusion Criteria:\\n* Age >= 18 years")
    >>> doc.sections[0].children[0].thresholds[0].comparator
    '>='

Heavy parts load on first use, so ``import critparse`` stays light: the error classes are imported
here; the output models (pydantic), the parser and its rules when one of their names is first read
(``critparse.parse``, ``from critparse import Document``); spaCy and scispacy at the first parse.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, CritparseError, InputError, PatternError

__version__ = "0.1.0"

# public name -> the module that defines it (imported on first access, PEP 562)
_LAZY = {
    **dict.fromkeys(("Abbreviation", "Criterion", "Diagnostic", "Document", "Group", "Section", "Span",
                     "StudyFields", "Subject", "Temporal", "Threshold", "Unit", "VariantList", "json_schema"),
                    ".models"),
    "example_text": ".inputs",
    **dict.fromkeys(("EXTRACTORS", "Parser", "parse"), ".parser"),
}

__all__ = [
    "parse", "Parser", "EXTRACTORS", "json_schema", "example_text",
    "Document", "Section", "Group", "Criterion", "Threshold", "Temporal", "VariantList", "Subject", "Unit",
    "Span", "Diagnostic", "Abbreviation", "StudyFields",
    "CritparseError", "PatternError", "InputError", "ConfigError", "__version__",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'critparse' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later reads skip this hook
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and IDEs: the names above, imported eagerly
    from .inputs import example_text
    from .models import (Abbreviation, Criterion, Diagnostic, Document, Group, Section, Span, StudyFields,
                         Subject, Temporal, Threshold, Unit, VariantList, json_schema)
    from .parser import EXTRACTORS, Parser, parse
