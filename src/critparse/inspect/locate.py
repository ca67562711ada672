"""Find the comparator and value(s) of a threshold inside its text.

The model gives a threshold's whole span, its subject span and its unit's span, but no
separate comparator or value spans.  For highlighting, ``locate_parts`` looks for them by
a simple search inside the threshold's ORIGINAL text (``doc.text[t.start:t.end]``):

* the comparator: the first match of the words/symbols for its normalised comparator
  (``<=``: "≤", "<=", "\\<=", "not more than", "at most", "up to", "or less", ...; ``range``:
  the connector between the low and the high number, "-", "to", "and", ...), outside the
  subject and unit spans;
* the value(s): the number written the way ``value``/``low``/``high`` reads ("3", "3.0",
  "1.5", "1,5", ".5", "100,000"), after the comparator when it was found.

What is not found is simply not highlighted.  These spans are guesses, marked
``data-located="search"`` in the HTML page; the tree's own offsets are never changed.
"""
from __future__ import annotations

from typing import Any, Optional

import regex

_W = r"(?<![A-Za-z])"
_E = r"(?![A-Za-z])"

_COMP = {
    "<=": r"≤|⩽|\\?<\s*/\s*\\?=|\\?<\s*\\?=|=\s*\\?<|" + _W + r"(?:(?:less|lower|fewer|smaller)\s+than\s+or\s+equal(?:\s+to)?)" + _E + r"|<\s*or\s*(?:equal(?:\s+to)?|=)|" + _W + r"(?:(?:not|no)\s+(?:more|greater|higher|exceeding|above|over)\s+than|not\s+(?:exceed(?:ing)?|above)|at\s+most|up\s+to|maximum(?:\s+of)?|or\s+(?:less|lower|below|fewer|younger)|and\s+below)" + _E,
    ">=": r"≥|⩾|\\?>\s*/\s*\\?=|\\?>\s*\\?=|=\s*\\?>|" + _W + r"(?:(?:greater|more|higher|larger|longer|older)\s+than\s+or\s+equal(?:\s+to)?)" + _E + r"|>\s*or\s*(?:equal(?:\s+to)?|=)|" + _W + r"(?:(?:not|no)\s+(?:less|lower|fewer|below)\s+than|at\s+least|minimum(?:\s+of)?|or\s+(?:more|greater|higher|above|older|over)|and\s+above|and\s+older)" + _E,
    "<": r"<|" + _W + r"(?:less\s+than|lower\s+than|fewer\s+than|shorter\s+than|smaller\s+than|below|under|younger\s+than|within)" + _E,
    ">": r">|" + _W + r"(?:greater\s+than|more\s+than|higher\s+than|longer\s+than|larger\s+than|above|over|older\s+than|exceed(?:s|ing)?|beyond)" + _E,
    "=": r"=|" + _W + r"(?:equal(?:s|\s+to)?|of|is)" + _E,
    "!=": r"≠|!=|" + _W + r"(?:not\s+equal\s+to|other\s+than)" + _E,
}
_RANGE_CONNECTOR = regex.compile(r"^\s*(?:-|–|—|~|to|and|through|up\s+to)\s*$", regex.I)


_ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve"]


def number_pattern(v: float) -> str:
    """A regex for the ways a number is commonly written (digits, small number words, roman I-X)."""
    alts: list[str] = []
    if float(v).is_integer():
        n = int(abs(v))
        s = str(n)
        alts.append(s + r"(?:[.,]0+)?(?![\d])")
        if n < len(_WORDS):
            alts.append(r"(?<![A-Za-z])" + _WORDS[n] + r"(?![A-Za-z])")
        if n == 2:
            alts.append(r"(?<![A-Za-z])(?:twice|double)(?![A-Za-z])")
        if 0 < n < len(_ROMAN):
            alts.append(r"(?<![A-Za-z])(?-i:" + _ROMAN[n] + r")(?![A-Za-z])")
        if n >= 1000:
            alts.append(f"{n:,}".replace(",", r"[, ]") + r"(?![\d])")
    else:
        s = f"{abs(v):g}"
        if "e" in s:
            s = f"{abs(v):f}".rstrip("0")
        alts.append(regex.escape(s).replace(r"\.", r"[.,·]") + r"0*(?![\d])")
        if abs(v) == 0.5:
            alts.append(r"(?<![A-Za-z])half(?![A-Za-z])")
        if s.startswith("0."):
            alts.append(r"(?<![\d])" + regex.escape(s[1:]) + r"0*(?![\d])")
    core = "|".join(alts)
    sign = r"[-−–]\s*" if v < 0 else ""
    return r"(?<![\d.,])" + sign + "(?:" + core + ")"


def _free(a: int, b: int, taken: list[tuple[int, int]]) -> bool:
    return all(b <= s or a >= e for s, e in taken)


def _search(pattern: str, text: str, lo: int, hi: int, taken: list[tuple[int, int]]) -> Optional[tuple[int, int]]:
    try:
        rx = regex.compile(pattern, regex.I)
    except regex.error:
        return None
    for m in rx.finditer(text, lo, hi, timeout=1.0):
        if m.end() > m.start() and _free(m.start(), m.end(), taken):
            return m.start(), m.end()
    return None


def locate_parts(text: str, th: Any) -> dict[str, list[tuple[int, int]]]:
    """``{"comparator": [(s, e)], "value": [(s, e), ...]}`` in original offsets (maybe empty)."""
    out: dict[str, list[tuple[int, int]]] = {"comparator": [], "value": []}
    lo, hi = max(0, th.start), min(len(text), th.end)
    if hi <= lo:
        return out
    taken: list[tuple[int, int]] = []
    if th.subject is not None and not (th.subject.start <= lo and th.subject.end >= hi):
        taken.append((th.subject.start, th.subject.end))  # (a subject covering the whole threshold is ignored)
    if th.unit is not None and th.unit.start is not None and th.unit.end is not None:
        taken.append((th.unit.start, th.unit.end))
    cond = getattr(th, "condition", None)
    if cond is not None:
        taken.append((cond.start, cond.end))
    after = lo
    if th.comparator == "range" or (th.value is None and (th.low is not None or th.high is not None)):
        low_span = _search(number_pattern(th.low), text, lo, hi, taken) if th.low is not None else None
        if low_span:
            out["value"].append(low_span)
            taken.append(low_span)
        start_high = low_span[1] if low_span else lo
        high_span = _search(number_pattern(th.high), text, start_high, hi, taken) if th.high is not None else None
        if high_span:
            out["value"].append(high_span)
            taken.append(high_span)
        if th.comparator != "range":
            comp = _search(_COMP.get(th.comparator, regex.escape(th.comparator)), text, lo, hi, taken)
            if comp:
                out["comparator"].append(comp)
        elif low_span and high_span:
            between = text[low_span[1]:high_span[0]]
            if _RANGE_CONNECTOR.match(between):
                a = low_span[1] + (len(between) - len(between.lstrip()))
                b = high_span[0] - (len(between) - len(between.rstrip()))
                if b > a:
                    out["comparator"].append((a, b))
            else:  # "≥3 and ≤70": the bound symbols written before each number
                bound = "|".join([_COMP["<="], _COMP[">="], _COMP["<"], _COMP[">"],
                                  _W + r"(?:between|from)" + _E])
                for a, b in ((lo, low_span[0]), (low_span[1], high_span[0])):
                    found = [m.span() for m in regex.finditer(bound, text[:b], pos=a, flags=regex.I)
                             if _free(m.start(), m.end(), taken)]
                    if found:
                        out["comparator"].append(found[-1])
        return out
    comp = _search(_COMP.get(th.comparator, regex.escape(th.comparator)), text, lo, hi, taken)
    if comp:
        out["comparator"].append(comp)
        taken.append(comp)
    if th.value is not None:
        pat = number_pattern(th.value)
        v = None
        if comp and comp[0] < hi:
            v = _search(pat, text, comp[1], hi, taken)   # the value after the comparator
        if v is None:
            v = _search(pat, text, after, hi, taken)
        if v:
            out["value"].append(v)
    elif getattr(th, "values", None):
        for item in th.values:
            v = _search(r"(?<!\w)" + regex.escape(item) + r"(?!\w)", text, lo, hi, taken)
            if v:
                out["value"].append(v)
                taken.append(v)
    return out
