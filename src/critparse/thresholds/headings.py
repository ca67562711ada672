"""Subjects named by a sub-heading: the registry's older text writes a measure as a heading and its
limit alone on the line under it::

    Age
      -  18 and over
    Life expectancy
      -  More than 6 months

A threshold with no subject that opens such a criterion limits what the heading names.  A criterion
ending with a colon heads the criteria under it the same way when it names a known measure::

    Serum creatinine based on age/gender as follows:
      -  0.6 mg/dL (1 to < 2 years of age)

Headings that name a part of the criteria or an organ system ('Inclusion criteria', 'Cohort B',
'Hepatic') name no measure and are not used.
"""
from __future__ import annotations

from typing import Callable, Iterator, Optional, Union

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


def _criteria_under_headings(children: list, heading: Union[Group, Criterion, None] = None
                             ) -> Iterator[tuple[Union[Group, Criterion], Criterion]]:
    for child in children:
        if isinstance(child, Group):
            yield from _criteria_under_headings(child.children, child)
        elif isinstance(child, Criterion):
            if heading is not None:
                yield heading, child
            # 'Serum creatinine based on age/gender as follows:' heads the criteria under it, as does a
            # criterion that names a measure and states no value of its own ('Have a BMI' over '≥30.0 kg/m²')
            lead_in = child if child.children and (child.text.rstrip().endswith(":") or not child.thresholds) else None
            yield from _criteria_under_headings(child.children, lead_in)


def _lead_in_subject(text: str, crit: Criterion, name_of: Callable[[str], Optional[str]],
                     measure_in: Callable[[str], Optional[tuple[int, int]]]) -> Optional[Subject]:
    """The measure a lead-in criterion names ('Serum creatinine based on age/gender as follows:')."""
    end = crit.children[0].start if crit.children else crit.end
    # (after any value the lead-in states itself: 'Creatinine clearance ≥ 70 mL/min OR a serum
    # creatinine based on age as follows:')
    start = max([crit.start] + [t.end for t in crit.thresholds if t.end <= end])
    found = measure_in(text[start:end])
    if found is None:
        return None
    s, e = start + found[0], start + found[1]
    return Subject(start=s, end=e, text=text[s:e], name=name_of(text[s:e]))


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


def subjects_from_headings(text: str, sections: list, name_of: Callable[[str], Optional[str]],
                           measure_in: Optional[Callable[[str], Optional[tuple[int, int]]]] = None) -> None:
    """Give the heading's subject to each subject-less threshold that opens a criterion under it (in place).

    A heading is a sub-heading (a Group) or, when ``measure_in`` is given, a criterion ending with a colon
    whose text names a known measure (``measure_in(text)`` -> its span in ``text``, or None)."""
    read: dict[int, Optional[Subject]] = {}  # each heading is read once, however many criteria it heads
    for section in sections:
        for group, crit in _criteria_under_headings(section.children):
            for t in crit.thresholds:
                if t.subject is not None or not _OPENING.fullmatch(text, crit.start, t.start):
                    continue
                if id(group) not in read:
                    if isinstance(group, Group):
                        read[id(group)] = _heading_subject(text, group, name_of)
                    else:
                        read[id(group)] = _lead_in_subject(text, group, name_of, measure_in) if measure_in else None
                subject = read[id(group)]
                if subject is None:
                    break
                t.subject = subject
                if subject.name == "age" and t.quantity is None:
                    t.quantity = "duration"
