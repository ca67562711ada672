"""Abbreviations defined in the text: 'upper limit of normal (ULN)' -> ULN = upper limit of normal.

Uses scispacy's abbreviation detector (Schwartz & Hearst) on a blank English pipeline -- no
trained model.  spaCy loads on first use only, and only criteria whose text holds a
parenthesised short-form candidate ``(SHORT)`` are run through it.
"""
from __future__ import annotations

import warnings
from typing import Iterable, Optional

import regex

from .models import Abbreviation, Criterion, Span
from .textmap import MappedText

# a parenthesised token of up to 12 characters with at least one capital: (ULN), (LVEF), (TKIs)
_CANDIDATE = regex.compile(r"\(\s*[\w\-/.]{0,11}[A-Z][\w\-/.]{0,11}\s*\)")

_NLP = None
WINDOW = 160  # characters before a '(SHORT)' searched for its long form


def _nlp():
    """The blank English pipeline with the abbreviation detector, built once."""
    global _NLP
    if _NLP is None:
        import spacy
        from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers the factory)

        nlp = spacy.blank("en")
        nlp.add_pipe("abbreviation_detector")
        _NLP = nlp
    return _NLP


def has_candidate(text: str) -> bool:
    return _CANDIDATE.search(text) is not None


def find_abbreviations(text: str, criteria: Iterable[tuple[Criterion, MappedText]]) -> list[Abbreviation]:
    """Short forms defined in parentheses after their long form, one per definition, in text order.

    ``criteria`` are (Criterion, MappedText) pairs; offsets returned are ORIGINAL offsets.
    """
    # run the detector on short windows: the words before each '(SHORT)' (a long form is never
    # far from its short form), not on whole criteria
    windows: list[tuple[MappedText, int, str]] = []
    for _, mt in criteria:
        t = mt.text
        spans: list[list[int]] = []
        for m in _CANDIDATE.finditer(t):
            a, b = max(0, m.start() - WINDOW), m.end()
            if spans and a <= spans[-1][1]:
                spans[-1][1] = b
            else:
                spans.append([a, b])
        windows.extend((mt, a, t[a:b]) for a, b in spans)
    if not windows:
        return []
    nlp = _nlp()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*W036.*")  # the detector's unused global matcher
        docs = list(nlp.pipe(w for _, _, w in windows))
    found: dict[int, Abbreviation] = {}
    for (mt, base, _), doc in zip(windows, docs):
        for short in doc._.abbreviations:
            long = short._.long_form
            if long is None:
                continue
            a = _definition(mt, base + short.start_char, base + short.end_char,
                            base + long.start_char, base + long.end_char)
            if a is not None and a.short.start not in found:
                found[a.short.start] = a
    return [found[k] for k in sorted(found)]


def _definition(mt: MappedText, ss: int, se: int, ls: int, le: int) -> Optional[Abbreviation]:
    t = mt.text
    # keep the defining occurrence only: the short form in parentheses right after its long form
    if not (t[:ss].rstrip().endswith("(") and ls < ss):
        return None
    s0, s1 = mt.span(ss, se)
    l0, l1 = mt.span(ls, le)
    return Abbreviation(short=Span(start=s0, end=s1, text=t[ss:se]), long=Span(start=l0, end=l1, text=t[ls:le]))


def long_forms(abbreviations: Iterable[Abbreviation]) -> dict[str, str]:
    """{short: long} for the extractors."""
    return {a.short.text: a.long.text for a in abbreviations}
