"""Temporal windows: 'within 4 weeks before infusion', 'at least 28 days before leukapheresis'."""
from __future__ import annotations

from typing import Any, Optional

import regex

from ..models import Span, Temporal, Unit
from .lexicon import Lexicon
from .numbers import parse_number
from .scan import expr_start, run_rules
from .units import normalise
from .values import INCLUSIVE_OPS, in_time_unit

_BEFORE = regex.compile(r"before|prior|preceding|previous|ahead|ago|earlier|past|last|recent", regex.I)
_AFTER = regex.compile(r"after|following|post|next|later", regex.I)
_SINCE = regex.compile(r"since|from", regex.I)
_DURING = regex.compile(r"during|over|for", regex.I)


# 'at least 1 month before and after dosing': a window on both sides of its event has no one direction
_BOTH_SIDES = regex.compile(r"\b(?:before|prior\s+to|preceding)\s+(?:and|or|and/or)\s+(?:after|following)\b", regex.I)


def direction_of(dir_text: Optional[str], whole: str) -> Optional[str]:
    if _BOTH_SIDES.search(whole):
        return None
    for t in (dir_text, whole) if dir_text else (whole,):
        if not t:
            continue
        if _AFTER.search(t) and not (t is whole and _BEFORE.search(t)):
            return "after"
        if _BEFORE.search(t):
            return "before"
        if _SINCE.search(t):
            return "since"
    return None


def _group(m, name):
    try:
        return m.group(name)
    except (IndexError, regex.error):
        return None


def describe_temporal(rule, m, lex: Lexicon) -> Optional[dict[str, Any]]:
    if m is None:
        return None
    g = m.groupdict().get  # as _group, for all named groups at once
    value, _ = parse_number(g("num") or "")
    if value is None:
        return None
    op = g("op")
    cmp_ = (lex.comparator(op) if op else None) or rule.comparator or "="
    unit_text = g("unit") or ""
    out = {"comparator": cmp_, "value": value, "low": None, "high": None, "unit": normalise(unit_text, lex.units),
           "direction": rule.direction or direction_of(g("dir"), m.string[expr_start(m):m.end()]),
           "anchor": g("anchor")}
    low, _ = parse_number(g("low") or "")
    if low is not None:  # '6 to 144 months after transplantation': a window with both ends
        unit_low = g("unit_low")
        if unit_low and unit_text:
            # '≥ 1 week and ≤ 6 months prior to ...': the low end in the high end's unit
            low = in_time_unit(low, normalise(unit_low, lex.units), out["unit"])
        ol, oh = g("op_low"), g("op_high")
        lo_in = (lex.comparator(ol) in INCLUSIVE_OPS) if ol else True
        hi_in = (lex.comparator(oh) in INCLUSIVE_OPS) if oh else True
        if low > value:  # '90-50 days prior to entry': the window from 50 to 90 days before
            low, value, lo_in, hi_in = value, low, hi_in, lo_in
        out.update(comparator="range", value=None, low=low, high=value, low_inclusive=lo_in, high_inclusive=hi_in)
    return out


def find_temporals(text: str, lex: Lexicon, low: str, starts: list[int],
                   words: frozenset = frozenset()) -> list[tuple[int, int, Any, Any]]:
    """Non-overlapping temporal matches ``(start, end, rule, match)`` (priority, then length)."""
    cands = list(run_rules(lex.tmp_prep, text, low, starts, words))
    cands.sort(key=lambda c: (-c[2].priority, c[0] - c[1], c[0]))
    taken: list[tuple[int, int, Any, Any]] = []
    for c in cands:
        if all(c[1] <= t[0] or c[0] >= t[1] for t in taken):
            taken.append(c)
    taken.sort(key=lambda c: c[0])
    return taken


def build_temporal(mt, s: int, e: int, rule, m, lex: Lexicon) -> Optional[Temporal]:
    d = describe_temporal(rule, m, lex)
    if d is None:
        return None
    text = mt.text
    os_, oe = mt.span(s, e)
    unit = None
    if _group(m, "unit"):
        us, ue = m.span("unit")
        a, b = mt.span(us, ue)
        unit = Unit(text=text[us:ue], ucum=d["unit"], start=a, end=b)
    anchor = None
    if d["anchor"]:
        as_, ae = m.span("anchor")
        a, b = mt.span(as_, ae)
        anchor = Span(start=a, end=b, text=text[as_:ae])
    bounds = {"low": d["low"], "high": d["high"], "low_inclusive": d.get("low_inclusive", True),
              "high_inclusive": d.get("high_inclusive", True)} if d["comparator"] == "range" else {}
    return Temporal(start=os_, end=oe, text=text[s:e], rule=rule.id, comparator=d["comparator"], value=d["value"],
                    unit=unit, direction=d["direction"], anchor=anchor, **bounds)
