"""Which strings of letters a rule's matches can start with, to skip searching texts that hold none.

A subject name is looked up by searching each subject-name rule in turn (~150 searches for a text
that names nothing known).  Most rules can only match where one of a few strings of three letters
starts ('alt', 'sgp', 'gpt', 'ala' for ALT/SGPT/GPT/alanine ...): a text holding none of them is not
searched (see ``Lexicon.name_by_prefix`` and ``assemble._first_name``).  The strings are read from
the pattern's parse (the standard library's parser; the few constructs the two engines read
differently, and anything not understood, give none: the rule is always searched).
"""
from __future__ import annotations

import re
try:
    import re._parser as sre_parse  # Python >= 3.11
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse
import warnings
from typing import Optional

import regex

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
