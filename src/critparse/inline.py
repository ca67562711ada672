"""Sub-conditions inside one stretch of text, and the logic that joins them.

* Enumerations: "① ...; or ② ...", "(1) ... (2) ...", "a) ... b) ...", with labels before a
  restarted run ("Relapsed B-ALL: ① ...; ② ...; Refractory B-ALL: ① ...").
* Semicolon lists under a lead-in ending in ":".
* Logic cues: words in the lead-in ("one of the following") or between siblings ("; or").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import regex

from .patterns import RuleSet
from .textmap import MappedText

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
          "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}
_TAIL = regex.compile(r"(?:[\s;,.]|\b(?:and/or|or|and)\b)*$", regex.I)
_MAYBE = regex.compile(r"[)\uff09\u2460-\u2473\u2776-\u277f\u278a-\u2793]|(?:^|[\s:;,])ii\.\s")
_CIRCLED = regex.compile(r"[\u2460-\u2473\u2776-\u277f\u278a-\u2793]")
_LABEL_TAIL = regex.compile(r"(?:^|[;.:]\s*)(?P<label>[^;.:]{1,60}):\s*$")


def ordinal_value(family: str, n: str) -> Optional[int]:
    """1-based position of an enumerator: ① -> 1, (b) -> 2, iv -> 4."""
    if not n:
        return None
    c = n[0]
    if "\u2460" <= c <= "\u2473":
        return ord(c) - 0x2460 + 1
    if "\u2776" <= c <= "\u277f":
        return ord(c) - 0x2776 + 1
    if "\u278a" <= c <= "\u2793":
        return ord(c) - 0x278A + 1
    if n.isdigit():
        return int(n)
    if family.startswith("roman") or family == "ROMAN":
        return _ROMAN.get(n.lower())
    if len(n) == 1 and n.isalpha():
        return ord(n.lower()) - ord("a") + 1
    return None


@dataclass
class InlineItem:
    marker: str
    rule: str
    start: int            # clean offset of the marker
    body: MappedText      # the item's clean text (separators trimmed)
    tail: str             # separator text after the item ("; or")


@dataclass
class InlineRun:
    label: Optional[MappedText]
    label_start: int      # clean offset where the label starts (or the first marker)
    items: list[InlineItem] = field(default_factory=list)


@dataclass
class Enumeration:
    lead: MappedText      # the text before the first run (may be empty)
    runs: list[InlineRun]
    rule: str


def _runs(matches: list[tuple[int, int, int, str]]) -> list[list[tuple[int, int, int, str]]]:
    """Consecutive ordinal runs (1, 2, 3...) of at least two markers; a 1 restarts a run."""
    runs: list[list] = []
    cur: list = []
    for m in matches:
        v = m[2]
        if v == 1:
            if len(cur) >= 2:
                runs.append(cur)
            cur = [m]
        elif cur and v == cur[-1][2] + 1:
            cur.append(m)
    if len(cur) >= 2:
        runs.append(cur)
    return runs


def _maybe(text: str) -> bool:
    """``_MAYBE.search(text)``, answered without the regex when a substring test decides."""
    if ")" in text:
        return True
    if "ii." in text and _MAYBE.search(text) is not None:
        return True
    return not text.isascii() and _MAYBE.search(text) is not None


def may_enumerate(text: str) -> bool:
    """False when :func:`find_enumeration` surely finds nothing in ``text`` (too short, or no
    character an enumerator needs)."""
    return len(text) >= 6 and _maybe(text)


def find_enumeration(mt: MappedText, rules: RuleSet) -> Optional[Enumeration]:
    """The best inline enumeration in ``mt`` (most items), or None."""
    text = mt.text
    if len(text) < 6 or not _maybe(text):
        return None
    pre = rules.prefilter("inline_marker")
    if pre is not None and pre.search(text) is None:
        return None  # no rule's prefilter is found: no rule is tried
    best = None
    has_paren = ")" in text
    has_circled = not text.isascii() and _CIRCLED.search(text) is not None
    for rule, finditer in rules.runners("inline_marker", "finditer"):
        fam = rule.family
        # a family whose markers cannot occur in the text is not tried
        if ("paren" in fam and not has_paren) or (fam.startswith("circled") and not has_circled):
            continue
        # nor a rule whose prefilter is not found (built-in rules: their first marker, "(1)" ...
        # "①", since a run starts at ordinal 1)
        rpre = rule.__pydantic_private__["_prefilter"]
        if rpre is not None and rpre.search(text) is None:
            continue
        found = []
        for m in finditer(text):
            v = ordinal_value(rule.family, m.group("n"))
            if v is not None:
                found.append((m.start("marker"), m.end("marker"), v, m.group("marker")))
        if len(found) < 2:
            continue
        runs = _runs(found)
        n = sum(len(r) for r in runs)
        if runs and (best is None or n > best[0]):
            best = (n, rule, runs)
    if best is None:
        return None
    _, rule, runs = best
    return _split(mt, rule.id, runs)


_SEPARATORS = frozenset(";,.")
_CONNECTORS = ("and/or", "and", "or")


def _tail_start(seg: str) -> int:
    """Where the trailing separators of ``seg`` begin: white space, ``; , .`` and the words
    "and", "or", "and/or" (what ``_TAIL`` matches), found by walking back from the end --
    linear, where a regex search would retry from every position of a long separator run."""
    j = len(seg)
    while j > 0:
        c = seg[j - 1]
        if c.isspace() or c in _SEPARATORS:
            j -= 1
            continue
        for w in _CONNECTORS:
            n = len(w)
            if j >= n and seg[j - n:j].lower() == w and (j == n or not (seg[j - n - 1].isalnum() or seg[j - n - 1] == "_")):
                j -= n
                break
        else:
            return j
    return j


def _trim(mt: MappedText, cs: int, ce: int) -> tuple[MappedText, str]:
    """The item text in [cs, ce) without trailing separators, and the separators."""
    seg = mt.text[cs:ce]
    cut = _tail_start(seg)
    body = seg[:cut]
    lead = len(body) - len(body.lstrip())
    return mt.slice(cs + lead, cs + len(body.rstrip())), seg[cut:]


def _split(mt: MappedText, rule_id: str, runs: list[list]) -> Enumeration:
    text = mt.text
    out_runs: list[InlineRun] = []
    first = runs[0][0][0]
    lead_end = first
    label = None
    label_start = first
    # a label right before the first marker ("Relapsed B-ALL: ①")
    lm = _LABEL_TAIL.search(text[:first])
    if lm and len(runs) > 1:
        label_start = lm.start("label")
        label = mt.slice(label_start, lm.end("label"))
        lead_end = label_start
    ends = []
    for ri, run in enumerate(runs):
        nxt_run = runs[ri + 1][0][0] if ri + 1 < len(runs) else len(text)
        ends.append(nxt_run)
    for ri, run in enumerate(runs):
        r = InlineRun(label=label, label_start=label_start)
        limit = ends[ri]
        next_label = None
        if ri + 1 < len(runs):
            lm2 = _LABEL_TAIL.search(text[run[-1][1]:limit])
            if lm2:
                base = run[-1][1]
                next_label = (base + lm2.start("label"), base + lm2.end("label"))
                limit = base + lm2.start("label")
        for k, (ms, me, _v, marker) in enumerate(run):
            ce = run[k + 1][0] if k + 1 < len(run) else limit
            body, tail = _trim(mt, me, ce)
            r.items.append(InlineItem(marker, rule_id, ms, body, tail))
        out_runs.append(r)
        if next_label:
            label = mt.slice(*next_label)
            label_start = next_label[0]
        else:
            label, label_start = None, ends[ri]
    lead, _ = _trim(mt, 0, lead_end)
    return Enumeration(lead=lead, runs=out_runs, rule=rule_id)


def split_semicolons(mt: MappedText) -> list[tuple[MappedText, str]]:
    """Pieces of ``mt`` separated by ';' outside brackets (with their separator tails)."""
    text = mt.text
    if ";" not in text:
        return []
    cuts = []
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            cuts.append(i)
    pieces = []
    s = 0
    for c in cuts + [len(text)]:
        body, tail = _trim(mt, s, c)
        if body.text:
            pieces.append((body, tail + text[c:c + 1]))
        s = c + 1
    return pieces if len(pieces) >= 2 else []


def lead_logic(text: str, rules: RuleSet) -> Optional[tuple[str, str]]:
    """(logic, rule id) stated in a lead-in text, if any."""
    for rule, search in rules.runners("logic_cue", "search"):
        if rule.scope == "lead_in" and search(text):
            return rule.logic, rule.id
    return None


def between_logic(tails: list[str], rules: RuleSet) -> Optional[tuple[str, str]]:
    """(logic, rule id) from the words joining siblings ("; or"), when they agree."""
    seen = {}
    for tail in tails:
        for rule, search in rules.runners("logic_cue", "search"):
            if rule.scope == "between" and search(tail):
                seen.setdefault(rule.logic, rule.id)
                break
    if len(seen) == 1:
        (logic, rid), = seen.items()
        return logic, rid
    return None
