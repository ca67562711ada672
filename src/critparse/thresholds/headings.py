"""Subjects named by a sub-heading: the registry's older text writes a measure as a heading and its
limit alone on the line under it::

    Age
      -  18 and over
    Life expectancy
      -  More than 6 months

A threshold with no subject that opens such a criterion limits what the heading names.  Headings
that name a part of the criteria or an organ system ('Inclusion criteria', 'Cohort B', 'Hepatic')
name no measure and are not used.
"""
from __future__ import annotations

from typing import Callable, Iterator, Optional

import regex

from ..models import Criterion, Group, Subject
from .subjects import PERSON_WORDS

MAX_WORDS = 4
_NO_MEASURE = regex.compile(
    r"\b(?:criteri(?:on|a)|inclusion|exclusion|characteristics|cohorts?|parts?|arms?|phases?|groups?|stages?|"
    r"prior|concurrent|concomitant|other|notes?|general|key|specific|"
    r"disease|therapy|therapies|treatments?|hematopoietic|haematopoietic|hepatic|renal|cardiovascular|"
    r"cardiac|pulmonary|neurologic(?:al)?|immunologic|laboratory|labs?|history|required|allowed|permitted|"
    r"definitions?|see|or|and|" + PERSON_WORDS + r")\b", regex.I)
# what may stand before the value in its criterion: a bullet or a list marker
_OPENING = regex.compile(r"\s*(?:[-–—•*·▪●○]|\(?[0-9A-Za-z]{1,3}[.)])?\s*")


def _criteria_under_headings(children: list, heading: Optional[Group] = None) -> Iterator[tuple[Group, Criterion]]:
    for child in children:
        if isinstance(child, Group):
            yield from _criteria_under_headings(child.children, child)
        elif isinstance(child, Criterion):
            if heading is not None:
                yield heading, child
            yield from _criteria_under_headings(child.children, None)


def _heading_subject(text: str, group: Group, name_of: Callable[[str], Optional[str]]) -> Optional[Subject]:
    h = group.heading
    if h is None:
        return None
    s, e = h.start, h.end
    while e > s and text[e - 1] in " :\t-–":
        e -= 1
    label = text[s:e]
    words = label.split()
    if not words or len(words) > MAX_WORDS or any(c.isdigit() for c in label) or _NO_MEASURE.search(label):
        return None
    return Subject(start=s, end=e, text=label, name=name_of(label))


def subjects_from_headings(text: str, sections: list, name_of: Callable[[str], Optional[str]]) -> None:
    """Give the heading's subject to each subject-less threshold that opens a criterion under it (in place)."""
    read: dict[int, Optional[Subject]] = {}  # each heading is read once, however many criteria it heads
    for section in sections:
        for group, crit in _criteria_under_headings(section.children):
            for t in crit.thresholds:
                if t.subject is not None or not _OPENING.fullmatch(text, crit.start, t.start):
                    continue
                if id(group) not in read:
                    read[id(group)] = _heading_subject(text, group, name_of)
                subject = read[id(group)]
                if subject is None:
                    break
                t.subject = subject
                if subject.name == "age" and t.quantity is None:
                    t.quantity = "duration"
