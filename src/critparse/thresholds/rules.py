"""Rule kinds for the threshold extractor (registered with the rule loader).

``threshold``      a value phrasing; named groups op, num, post, low, high, op_low, op_high,
                   unit, unit_low, mult, mult2, vals, incl
``temporal``       a time window; named groups op, num, unit, dir, anchor
``unit``           a written unit (full match) and its UCUM code
``subject_name``   words in a subject that give its normalised name
``variant_list``   an abbreviated list of protein variants ("F317L/V/I")
See ``patterns/thresholds/README.md``.
"""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field

from ..models import Comparator
from ..patterns import Example, Rule, register_kind

Quantity = Literal["measurement", "count", "duration", "score", "grade", "class"]


Anchor = Literal["number", "scan"]


class ThresholdRule(Rule):
    kind: Literal["threshold"]
    anchor: Anchor = "scan"                     # "number": tried only where a number starts
    requires: list[str] = Field(default_factory=list)  # run only if one of these (lower-case) occurs
    comparator: Optional[Comparator] = None     # used when the match has no op/post group
    quantity: Optional[Quantity] = None         # forced quantity (else from the unit)
    subject_name: Optional[str] = None          # a fixed subject name ("Child-Pugh class")
    reference: Optional[str] = None             # a fixed reference ("ULN")
    value: Optional[float] = None               # the value when the match has no number ('> ULN' is 1 x ULN)


class TemporalRule(Rule):
    kind: Literal["temporal"]
    anchor: Anchor = "scan"
    requires: list[str] = Field(default_factory=list)
    comparator: Optional[Comparator] = None
    direction: Optional[Literal["before", "after", "during", "since", "until"]] = None


class UnitRule(Rule):
    kind: Literal["unit"]
    ucum: str
    quantity: Quantity = "measurement"
    pint: Optional[str] = None  # the written form for pint; checked to equal ``ucum`` (factor 1)


class SubjectNameRule(Rule):
    kind: Literal["subject_name"]
    name: str


class VariantListRule(Rule):
    kind: Literal["variant_list"]


def _compare(got: dict[str, Any], want: dict[str, Any]) -> Optional[str]:
    for k, v in want.items():
        g = got.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and isinstance(g, (int, float)):
            if abs(float(g) - float(v)) > 1e-9:
                return f"{k} {g!r}, expected {v!r}"
        elif g != v:
            return f"{k} {g!r}, expected {v!r}"
    return None


def _check_threshold(rule: Rule, ex: Example) -> Optional[str]:
    if not ex.expect:
        return None
    from .values import describe_match
    from .lexicon import Lexicon

    m = rule.regex.search(ex.text)
    got = describe_match(rule, m, Lexicon.for_checks(), ex.text)
    if got is None:
        return "no threshold built from the match"
    return _compare(got, ex.expect)


def _check_temporal(rule: Rule, ex: Example) -> Optional[str]:
    if not ex.expect:
        return None
    from .lexicon import Lexicon
    from .temporal import describe_temporal

    m = rule.regex.search(ex.text)
    got = describe_temporal(rule, m, Lexicon.for_checks())
    return _compare(got, ex.expect) if got else "no temporal built from the match"


def _check_unit(rule: Rule, ex: Example) -> Optional[str]:
    text = ex.text
    if not rule.regex.fullmatch(text):
        return f"{text!r} is not a full match"
    return None


def check_pint(rule: "UnitRule") -> Optional[str]:
    """That the written unit (``rule.pint``) is exactly one ``rule.ucum`` by pint's reckoning.

    Not run at load (building pint's registry costs most of a second): the tests run it.
    """
    if not rule.pint:
        return None
    from .units import factor

    try:
        f = factor(rule.pint, rule.ucum)
    except Exception as exc:  # pint cannot read it
        return f"pint cannot compare {rule.pint!r} with {rule.ucum!r}: {exc}"
    if abs(f - 1) > 1e-9:
        return f"{rule.pint!r} is {f} {rule.ucum}, not 1"
    return None


def _check_variants(rule: Rule, ex: Example) -> Optional[str]:
    want = (ex.expect or {}).get("items")
    if want is None:
        return None
    from .variants import expand

    m = rule.regex.search(ex.text)
    got = expand(m.group(0))
    return None if got == want else f"items {got!r}, expected {want!r}"


register_kind("threshold", ThresholdRule, _check_threshold)
register_kind("temporal", TemporalRule, _check_temporal)
register_kind("unit", UnitRule, _check_unit)
register_kind("subject_name", SubjectNameRule)
register_kind("variant_list", VariantListRule, _check_variants)
