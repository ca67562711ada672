"""Running rules over one criterion's text, fast.

A rule with ``anchor: number`` starts where a number starts (its comparator, if any, is read by
a lookbehind), so it is tried with an anchored ``match`` at each number instead of being searched
at every position; ``requires`` skips a rule when none of its words occur, and ``prefilter`` when
its regex (searched once per criterion) finds nothing -- one search instead of a failing match at
every number.  The expression a
match states starts at its first participating group (the op in a lookbehind).
"""
from __future__ import annotations

import re  # the standard engine is faster for these two plain scans
from typing import Iterable, Iterator

from ..patterns import guarded

# where numbers start: digits (with a sign), or number words (run on the lower-cased text)
# (also a multiple glued to its comparator, '> x3 ULN'; not in a code such as 'NK-104-301' or 'COVID-19': a capital
# letter a character or two before a hyphen)
_DIGIT = re.compile(r"(?=[-\d])(?:(?<![A-Za-z0-9.,/^])|(?i:(?<=\bage)|(?<=\baged)|(?<=\bto)|(?<=\bthan)|(?<=\bbelow)|(?<=\babove))|(?<=[<>≤≥=][xX×])|(?<=[<>≤≥=]\s[xX×]))(?<![A-Z]-)(?<![A-Z][A-Za-z]-)"
                    r"(?:-(?=\d))?\d")
_ANY_DIGIT = re.compile(r"\d")  # (a first-character scan: fast)
_WORDNUM = re.compile(
    r"\b(?:t(?:wo|hree|en|welve|hirteen|wenty|hirty|wice|hrice)|f(?:our|ive|ourteen|ifteen|orty|ifty)|"
    r"s(?:ix|even|ixteen|eventeen|ixty|eventy|ingle)|e(?:ight|leven|ighteen|ighty)|n(?:ine|ineteen|inety)|one|zero|"
    r"hundred|half)\b")

# A value expression is read within this many characters of its number: a bounded window keeps
# each anchored match independent of the criterion's length (no quadratic time on long texts).
MATCH_WINDOW = 300


def number_starts(text: str, low: str) -> list[int]:
    """Start offsets of the numbers in ``text`` (a signed number gives both the sign and the digit)."""
    out = []
    # every match of _DIGIT holds a digit: a text with none (half the criteria) skips the slower scan
    for m in _DIGIT.finditer(text) if _ANY_DIGIT.search(text) else ():
        s = m.start()
        out.append(s)
        if text[s] == "-":
            out.append(s + 1)
    words = [m.start() for m in _WORDNUM.finditer(low)] if len(low) == len(text) else \
        [m.start() for m in re.finditer(_WORDNUM.pattern, text, re.I)]
    if words:
        out.extend(words)
        out.sort()
    return out


_EXPR_GROUPS: dict = {}  # compiled pattern -> indices of the groups that belong to the expression


def expr_start(m) -> int:
    """The start of the expression: the earliest participating group (lookbehind groups included).

    A group named ``ctx_*`` is context read by a lookbehind (the comparator an earlier limit states,
    for a limit that shares it), not part of the expression."""
    idx = _EXPR_GROUPS.get(m.re)
    if idx is None:
        ctx = {i for name, i in m.re.groupindex.items() if name.startswith("ctx_")}
        idx = _EXPR_GROUPS[m.re] = tuple(i for i in range(1, m.re.groups + 1) if i not in ctx)
    s = m.start()
    regs = m.regs
    for i in idx:
        gs = regs[i][0]
        if 0 <= gs < s:
            s = gs
    return s


def prepared(rules: Iterable) -> list[tuple]:
    """``(rule, finditer, by_number, requires, match, prefilter)`` for each rule, computed once per
    rule set; ``prefilter`` is the bound ``search`` of the rule's prefilter, or None."""
    out = []
    for r in rules:
        req = frozenset(w.lower() for w in (getattr(r, "requires", None) or ()))
        pre = r.__pydantic_private__["_prefilter"]
        # built-in patterns are bounded and tested on pathological input: no timeout (it costs ~2-4 us
        # a call); a user's rule gets the regex timeout, so a runaway pattern becomes a diagnostic
        out.append((r, guarded(r, r.regex, "finditer"), getattr(r, "anchor", "scan") == "number", req or None,
                    guarded(r, r.regex, "match"), guarded(r, pre, "search") if pre is not None else None))
    return out


def keyword_finder(*preps: list[tuple]) -> tuple[tuple[frozenset, ...], tuple[str, ...], tuple[str, ...]]:
    """The distinct ``requires`` sets of the rules, with the words to test for them: ``(sets,
    ascii_words, other_words)`` (searched once per criterion by :func:`present`).

    A word is tested only if, in some set, no other word of that set is part of it ('up to' needs
    no test in a set that also holds 'to': where it occurs, 'to' occurs too)."""
    sets = sorted({p[3] for prep in preps for p in prep if p[3]}, key=sorted)
    words = sorted({w for req in sets for w in req
                    if not any(x != w and x in w for x in req)})
    return (tuple(sets), tuple(w for w in words if w.isascii()), tuple(w for w in words if not w.isascii()))


def present(gates, low: str) -> frozenset:
    """The ``requires`` sets with at least one member in a criterion's lower-cased text (substring tests).

    (Plain ``in`` tests of each word beat one literal alternation searched per set; an ASCII text
    cannot hold the non-ASCII words, such as '≤'.)"""
    sets, ascii_words, other_words = gates
    found = {w for w in ascii_words if w in low}
    if other_words and not low.isascii():
        found.update([w for w in other_words if w in low])
    return frozenset([req for req in sets if not req.isdisjoint(found)])


def run_rules(prep: list[tuple], text: str, low: str, starts: list[int],
              found_words: frozenset = frozenset()) -> Iterator[tuple[int, int, object, object]]:
    """``(start, end, rule, match)`` for every match of every rule (matches may overlap).

    ``found_words``: the ``requires`` sets satisfied in the criterion (see :func:`present`)."""
    for rule, finditer, by_number, req, match, pre in prep:
        if req is not None and req not in found_words:
            continue
        if pre is not None and (by_number and not starts or pre(text) is None):
            continue  # (a number rule with no number to start at needs no prefilter search)
        if by_number:
            for p in starts:
                m = match(text, p, min(len(text), p + MATCH_WINDOW))
                if m is not None and m.end() > p:
                    yield expr_start(m), m.end(), rule, m
        else:
            for m in finditer(text):
                if m.end() > m.start():
                    yield expr_start(m), m.end(), rule, m
