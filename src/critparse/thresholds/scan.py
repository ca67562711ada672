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
try:  # (only to read patterns: see match_prefixes)
    import re._parser as sre_parse  # Python >= 3.11
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse
import warnings
from typing import Iterable, Iterator, Optional

import regex

from ..patterns import guarded

# where numbers start: digits (with a sign), or number words (run on the lower-cased text)
# (also a multiple glued to its comparator, '> x3 ULN'; not in a code such as 'NK-104-301' or 'COVID-19': a capital
# letter a character or two before a hyphen)
_DIGIT = re.compile(r"(?=[-\d])(?:(?<![A-Za-z0-9.,/^])|(?i:(?<=\bage)|(?<=\baged)|(?<=\bto)|(?<=\bthan))|(?<=[<>≤≥=][xX×])|(?<=[<>≤≥=]\s[xX×]))(?<![A-Z]-)(?<![A-Z][A-Za-z]-)"
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


# -- which letters a match can start with -----------------------------------------------------------
# A subject name is looked up by searching each subject-name rule in turn (~150 searches for a text
# that names nothing known).  Most rules can only match where one of a few strings of three letters
# starts ('alt', 'sgp', 'gpt', 'ala' for ALT/SGPT/GPT/alanine ...): a text holding none of them is not
# searched.  The strings are read from the pattern's parse (the standard library's parser; the few
# constructs the two engines read differently, and anything not understood, give none: the rule is
# always searched).

_PREFIX = 3  # (a rule with too many three-letter starts gets its two-letter ones)
_MAX_STRINGS = 2000
_ASCII = [chr(i) for i in range(128)]
_CATEGORY_RX = {"DIGIT": r"\d", "SPACE": r"\s", "WORD": r"\w"}
_LIKE: dict = {}


class _Unknown(Exception):
    """A construct whose first characters are not read (or too many strings)."""


def _category(name: str) -> frozenset:
    """The ASCII characters an sre category (CATEGORY_DIGIT, CATEGORY_NOT_SPACE, ...) stands for, as
    the ``regex`` module reads it (no locale or line-break categories)."""
    neg = name.startswith("CATEGORY_NOT_")
    rx = _CATEGORY_RX.get(name[len("CATEGORY_NOT_"):] if neg else name[len("CATEGORY_"):])
    if rx is None:
        raise _Unknown
    return frozenset(c for c in _ASCII if (regex.match(rx, c) is None) == neg)


def _like(piece: str) -> frozenset:
    """The ASCII characters (lower-cased) a one-character pattern ``piece`` matches ignoring case, as
    the ``regex`` module reads it: a non-ASCII letter may equal an ASCII one ('K' Kelvin sign, 'ſ')."""
    got = _LIKE.get(piece)
    if got is None:
        rx = regex.compile(piece, regex.IGNORECASE)
        got = _LIKE[piece] = frozenset(c.lower() for c in _ASCII if rx.fullmatch(c))
    return got


def _chars(items) -> set:
    """The (lower-cased ASCII) characters a character class matches, or more."""
    out: set = set()
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            return {c.lower() for c in _ASCII}  # (more than it matches: still all it matches)
        if name == "LITERAL":
            out.update(_like(regex.escape(chr(av))) if av > 127 else chr(av))
        elif name == "RANGE":
            lo, hi = av
            out.update(chr(c) for c in range(lo, min(hi, 127) + 1))
            if hi > 127:
                out.update(_like(f"[{regex.escape(chr(max(lo, 128)))}-{regex.escape(chr(hi))}]"))
        elif name == "CATEGORY":
            out.update(_category(str(av)))
        else:
            raise _Unknown
    return {c.lower() for c in out}


def _then(a: set, b: set, k: int) -> set:
    """Strings of ``a`` followed by strings of ``b``, cut to their first ``k`` characters."""
    out = {x if len(x) >= k else (x + y)[:k] for x in a for y in (b if len(x) < k else ("",))}
    if len(out) > _MAX_STRINGS:
        raise _Unknown
    return out


def _starts(seq, k: int) -> set:
    """The first ``k`` characters (or all, if fewer) of the strings a parsed sequence matches."""
    cur = {""}
    for op, av in seq:
        if all(len(x) >= k for x in cur):
            break  # (what follows the first characters does not matter)
        name = str(op)
        if name == "LITERAL":
            step = set(_like(regex.escape(chr(av)))) if av > 127 else {chr(av).lower()}
        elif name == "IN":
            step = _chars(av)
        elif name in ("ANY", "NOT_LITERAL"):
            step = {c.lower() for c in _ASCII}
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero width (what a lookaround requires is not needed to find the prefixes)
        elif name == "SUBPATTERN":
            step = _starts(av[3], k)
        elif name == "ATOMIC_GROUP":
            step = _starts(av, k)
        elif name == "BRANCH":
            step = set().union(*(_starts(b, k) for b in av[1]))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, body = av
            one = _starts(body, k)
            step, power, n = set(), {""}, 0
            while True:  # the body n times, for n from lo to hi (the cut strings soon stop changing)
                if n >= lo:
                    step |= power
                if n == hi:
                    break
                nxt = _then(power, one, k)
                if nxt == power:  # (so is every further power, the lo-th too)
                    step |= power
                    break
                power, n = nxt, n + 1
                if n > 2 * k + 2:
                    raise _Unknown  # (not reached: cut strings stop changing by n == k + 1)
        else:
            raise _Unknown  # back references, conditionals, ...
        cur = _then(cur, step, k)
    return cur


def match_prefixes(rx) -> Optional[frozenset]:
    """The lower-cased strings of three characters (two, when there are too many) that every match
    of the compiled ``regex`` pattern ``rx`` starts with, or is when shorter, in a text of ASCII
    characters; None when they cannot be told (then any text may match)."""
    pattern = rx.pattern
    if rx.flags & regex.VERBOSE or _VERBOSE_GROUP.search(pattern) or _FUZZY.search(pattern):
        return None  # (verbose and fuzzy patterns: read differently by the two parsers)
    flags = sre_parse.SRE_FLAG_IGNORECASE if rx.flags & regex.IGNORECASE else 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # (a nested set, '[[:alpha:]]': read differently)
            parsed = sre_parse.parse(pattern, flags)
    except Exception:  # (what the standard parser cannot read: \p{..}, (?V1), ...)
        return None
    for k in range(_PREFIX, 1, -1):
        try:
            got = _starts(parsed, k)
        except _Unknown:
            continue
        if not got or "" in got:
            return None  # a match may be empty
        return frozenset(got)  # (a shorter string is a whole match: 'K' for potassium)
    return None


_FUZZY = re.compile(r"\{(?![\d,])")  # '{' that opens no repeat count: a fuzzy constraint ('{e<=1}')
_VERBOSE_GROUP = re.compile(r"\(\?[a-zA-Z-]*x")


def text_prefixes(text: str) -> Optional[set]:
    """The lower-cased strings of one to three characters in an ASCII ``text`` (None for any other
    text): a rule whose :func:`match_prefixes` are disjoint from them cannot match it."""
    if not text.isascii():
        return None
    low = text.lower()
    out = set(low)
    for k in range(2, _PREFIX + 1):
        out.update([low[i:i + k] for i in range(len(low) - k + 1)])
    return out
