"""Helpers for the threshold tests (kept out of conftest.py, which the lead owns)."""
from __future__ import annotations

from critparse.patterns import load_rules
from critparse.textmap import MappedText
from critparse.thresholds import extract

_RULES = None


def rules():
    global _RULES
    if _RULES is None:
        _RULES = load_rules()
    return _RULES


def run(text: str, long_forms=None):
    """Extract from one criterion's text (the whole string is the criterion)."""
    mt = MappedText.build(text, [(0, len(text))])
    return extract(mt, rules(), long_forms or {})


def one(text: str, **want):
    """The single threshold of ``text`` that has every ``want`` field (assert there is one)."""
    found = run(text).thresholds
    hits = [t for t in found if matches(t, want)]
    assert hits, f"no threshold with {want} in {text!r}: {[t.model_dump(exclude_none=True) for t in found]}"
    return hits[0]


def matches(node, want: dict) -> bool:
    for k, v in want.items():
        if k == "subject_name":
            got = node.subject.name if node.subject else None
        elif k == "subject_has":
            got = v.lower() in (node.subject.text.lower() if node.subject else "")
            v = True
        elif k == "unit":
            got = node.unit.ucum if node.unit else None
        elif k == "anchor":
            got = node.anchor.text if node.anchor else None
        elif k == "anchor_has":
            got = bool(node.anchor) and v in node.anchor.text
            v = True
        elif k in ("id", "alternative", "items_start"):
            continue
        else:
            got = getattr(node, k)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and isinstance(got, (int, float)):
            if abs(got - v) > 1e-9:
                return False
        elif got != v:
            return False
    return True
