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
           r"via|per|such|where|than|equal|the\s+following|following|namely|or\s+more|at|on")
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
                        r"children|males?|females?|volunteers?|infants?|boys|girls|adolescents?|elderly|youths?|"
                        r"teenagers?|pediatric|paediatric|neonates?|newborns?|recipients?|donors?|healthy)$", _I)
_AGE_RIGHT = regex.compile(r"\G\s*(?:(?:years?|yrs?)\s+)?(?P<s>of\s+age|old|of\s+age\s+or\s+older|in\s+age|(?:years?\s+)?aged?)\b", _I)
_RSTOP = (r"with|without|who|whose|which|that|having|has|have|had|is|are|was|were|be|been|if|when|unless|except|as|by|"
          r"must|should|will|would|can|may|within|during|after|before|since|via|per|such|where|than|at|on|and|or|in|"
          r"for|to|from|x|times|daily|each|every|a|an|the|this|these|those|e\.g|i\.e|including|defined|over|under|"
          r"between|weekly|monthly|yearly|ago|old|apart|respectively|total|maximum|minimum")
_RIGHT = regex.compile(
    r"\G\s*(?P<s>(?!(?:" + _RSTOP + r"|of)\b)[A-Za-z][\w'’+-]*"
    r"(?:\s+(?!(?:" + _RSTOP + r")\b)[A-Za-z(][\w'’+)-]*){0,4})", _I)
# 'more than 10% of bone': the share is of what follows
_PCT_OF = regex.compile(r"\G\s*of\s+(?:the\s+|all\s+|their\s+)?(?P<s>[A-Za-z][\w'’-]*(?:\s+(?!(?:" + _RSTOP + r")\b)[A-Za-z][\w'’-]*){0,3})", _I)
# 'Score ≤ 10 on the Short Physical Performance Battery'
_ON_SCALE = regex.compile(r"\G\s*(?:\S+\s+){0,3}?(?:on|in|of)\s+(?:the\s+)?(?P<s>[A-Z][\w'’-]*(?:\s+[A-Za-z(][\w'’()-]*){0,5})", 0)
_GENERIC = regex.compile(r"^(?:(?:total|baseline|mean|average|a|the)\s+)*(?:scores?|values?|levels?|results?|points?)$", _I)
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


_PAREN_GROUP = regex.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _mask(text: str, s: int, e: int) -> str:
    """``text[s:e]`` with balanced (...) and [...] groups blanked out (same length)."""
    return _PAREN_GROUP.sub(lambda m: "_" * len(m.group(0)), text[s:e])


def _limit_words(masked: str, base: int, s: int, e: int) -> int:
    words = list(_WORD.finditer(masked, s - base, e - base))
    if len(words) > MAX_WORDS:
        return base + words[-MAX_WORDS].start()
    return s


_ADVERBIAL = regex.compile(r"(?:during|within|after|before|prior(?:\s+to)?|at|since|following|via|per|using|taking|"
                           r"receiv\w+|treated|on|while)\s*\Z", _I)


def left_subject(text: str, lb: int, vs: int) -> Optional[tuple[int, int, bool]]:
    """The subject written before a value starting at ``vs``; ``lb`` is where the search stops.

    Returns ``(start, end, direct)``; ``direct`` is False when the words right before the value
    were not a subject and the search stepped back over a boundary to find one.  Boundaries
    inside a closed parenthesis ("QTc (or evidence of such at screening) on ECG") do not count.
    """
    ws = max(lb, vs - WINDOW)
    masked = _mask(text, ws, vs)
    bounds = [(ws + m.start(), ws + m.end(), m.group(0)) for m in _BOUNDARY.finditer(masked)]
    end = vs
    fallback = None
    hops = 0
    for k in range(len(bounds), -1, -1):
        cut = bounds[k - 1][1] if k else ws
        s, e = _strip(text, cut, end)
        if e > s and _HAS_LETTER.search(text, s, e):
            # a time/means phrase ('during the screening period') is not the subject: look further back
            if k and _ADVERBIAL.search(text, bounds[k - 1][0], cut) and hops < 3:
                fallback = fallback or (s, e)
            else:
                return _limit_words(masked, ws, s, e), e, hops == 0
        if not k:
            break
        b = bounds[k - 1]
        if hops >= 3 or b[2] in ";[" or (b[2] in ":(" and e > s):
            break
        hops += 1
        end = b[0]
    if fallback:
        return _limit_words(masked, ws, *fallback), fallback[1], False
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


def percent_of(text: str, ve: int, rb: int) -> Optional[tuple[int, int]]:
    m = _PCT_OF.match(text, ve, rb)
    return m.span("s") if m else None


def scale_after(text: str, s: int, e: int, ve: int, rb: int) -> Optional[tuple[int, int]]:
    """For a generic subject ('score'), the named scale after the value ('on the MADRS')."""
    if not _GENERIC.match(text[s:e].strip()):
        return None
    m = _ON_SCALE.match(text, ve, rb)
    return m.span("s") if m else None


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
