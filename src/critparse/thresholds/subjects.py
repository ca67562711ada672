"""Finding what a threshold limits: the words before the value (or after it: '18 years of
age', '2 prior regimens'), split when several subjects share one limit ('AST/ALT ≤ 2.5 × ULN')."""
from __future__ import annotations

from typing import Optional

import regex

_I = regex.IGNORECASE
_CLAUSE = (r"with|without|who|whose|which|that|having|has|have|had|is|are|was|were|be|been|being|if|when|"
           r"whereas|unless|except|as|by|must|should|shall|will|would|can|could|may|defined|according|showing|"
           r"shows?|demonstrat\w+|confirms?|confirmed|meets?|requires?|required|including|includes?|include|"
           r"e\.g\.|i\.e\.|patients?|subjects?|participants?|individuals?|persons?|people|men|women|adults?|"
           r"children|males?|females?|volunteers?|infants?|boys|girls|candidates|cases|documented|"
           r"receiv\w+|treated|using|use|taking|needs?|needing|while|within|during|after|before|prior|since|"
           r"via|per|such|where|than|equal|the\s+following|following|namely|or\s+more|at|on|following")
# the last of these in the window before a value ends the subject's search
_BOUNDARY = regex.compile(
    r"[;:\[\]{}=]|,(?!\d)|\.(?:\s|$)|\s[-–]\s|\((?=[^()]*\Z)|\b(?:" + _CLAUSE + r")\b", _I)
_LEAD = regex.compile(r"(?:\s|[,.)\-–/]|\b(?:and/or|and|or|both|either|the|a|an|all|any|each|of|also|plus|but|not|no|only)\b)+", _I)
_TRAIL = regex.compile(r"(?:\s|[,(:=\-–]|\b(?:of|is|are|was|were|be|been|the|a|an|both|all|each|either|must|should|than|"
                       r"at|in|on|to|for|by|as|from|between|within|ranging|range|measured|value|values|"
                       r"lower|higher|greater|less|more|not|no|and|or|equal|it|its|their|his|her)\b)+$", _I)
_HAS_LETTER = regex.compile(r"[A-Za-z]")
_WORD = regex.compile(r"\S+")
_PERSON = regex.compile(r"^(?:patients?|subjects?|participants?|individuals?|persons?|people|men|women|adults?|"
                        r"children|males?|females?|volunteers?|infants?|boys|girls)$", _I)
_AGE_RIGHT = regex.compile(r"\G\s*(?:(?:years?|yrs?)\s+)?(?P<s>of\s+age|old|of\s+age\s+or\s+older|in\s+age|(?:years?\s+)?aged?)\b", _I)
_RIGHT = regex.compile(
    r"\G\s*(?P<s>(?!(?:" + _CLAUSE + r"|and|or|of|in|for|to|from|x|times|the)\b)[A-Za-z][\w'’+-]*"
    r"(?:\s+(?!(?:" + _CLAUSE + r"|and|or|in|for|to|from|x|times)\b)[A-Za-z(][\w'’+)-]*){0,4})", _I)
_RIGHT_TAIL = regex.compile(r"(?:\s+(?:of|the|a|an|\())+$", _I)
_SPLIT = regex.compile(r"\s*(?:,|/|&|\band/or\b|\band\b|\bor\b)\s*", _I)
_LIST_ITEM = regex.compile(r"(?:^|[,;:(]|\band\b|\bor\b|\bwith\b)\s*([A-Za-z][\w'’ -]{0,30}?)\s*,\s*$", _I)
MAX_WORDS = 6
WINDOW = 90


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop conjunctions/articles before and function words after a subject."""
    m = _LEAD.match(text, s, e)
    if m:
        s = m.end()
    m = _TRAIL.search(text, s, e)
    if m:
        e = m.start()
    return s, max(s, e)


def _limit_words(text: str, s: int, e: int) -> int:
    words = list(_WORD.finditer(text, s, e))
    if len(words) > MAX_WORDS:
        return words[-MAX_WORDS].start()
    return s


def left_subject(text: str, lb: int, vs: int) -> Optional[tuple[int, int]]:
    """The subject written before a value starting at ``vs``; ``lb`` is where the search stops."""
    ws = max(lb, vs - WINDOW)
    cuts = [ws] + [m.end() for m in _BOUNDARY.finditer(text, ws, vs)]
    # hop over boundaries from the right until a segment with words is found (at most 2 hops)
    end = vs
    for hop, cut in enumerate(reversed(cuts)):
        if hop > 2:
            break
        s, e = _strip(text, cut, end)
        if e > s and _HAS_LETTER.search(text, s, e):
            return _limit_words(text, s, e), e
        end = cut
        # the text of a boundary itself is not a subject: step back over it
        bm = None
        for m in _BOUNDARY.finditer(text, ws, cut):
            bm = m
        if bm is None or bm.end() != cut:
            continue
        if text[bm.start():bm.end()].strip().lower() in ("(",) or bm.group(0) in ";:":
            break
        end = bm.start()
    return None


def extend_list(text: str, lb: int, s: int) -> int:
    """Extend a subject leftwards over a comma list of short items ('AST, ALT, GGT <2.5 x ULN')."""
    while s > lb:
        m = _LIST_ITEM.search(text, max(lb, s - 40), s)
        if not m or m.end() != s:
            break
        item = m.group(1)
        if len(item.split()) > 3 or _PERSON.match(item.strip()):
            break
        s = m.start(1)
    return s


def split_subjects(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Several subjects sharing one limit: 'ALT and AST', 'AST/ALT', 'AST, ALT'."""
    parts = []
    pos = s
    for m in _SPLIT.finditer(text, s, e):
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, e))
    parts = [_strip(text, a, b) for a, b in parts]
    parts = [(a, b) for a, b in parts if b > a and _HAS_LETTER.search(text, a, b)]
    if len(parts) < 2:
        return [(s, e)]
    if any(len(text[a:b].split()) > 4 or _PERSON.match(text[a:b]) for a, b in parts):
        return [(s, e)]
    return parts


def right_subject(text: str, ve: int, rb: int, want_age: bool) -> Optional[tuple[int, int, bool]]:
    """The subject written after a value: ('of age' -> age) or a short noun phrase for counts."""
    m = _AGE_RIGHT.match(text, ve, rb)
    if m:
        return m.start("s"), m.end("s"), True
    if want_age:
        return None
    m = _RIGHT.match(text, ve, rb)
    if m:
        s, e = m.span("s")
        t = _RIGHT_TAIL.search(text, s, e)
        if t:
            e = t.start()
        if e > s:
            return s, e, False
    return None
