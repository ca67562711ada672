"""Reading numbers as written in criteria: digits, thousands separators, decimal commas,
number words ("three (3)"), powers of ten ("1.5 x 10^9") and Roman numerals."""
from __future__ import annotations

import math
from typing import Optional

import regex

WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "twice": 2,
    "thrice": 3, "half": 0.5, "single": 1, "once": 1,
}
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

_THOUSANDS = regex.compile(r"\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+")
_DEC_COMMA = regex.compile(r"\d+,\d{1,2}")
_GESTATION = regex.compile(r"(\d{2})(?:\+([0-6])|\s([0-6])/7)")
_PAREN_DIGITS = regex.compile(r"\(\s*(\d+(?:\.\d+)?)\s*\)")
_WORD = regex.compile(r"[a-z]+", regex.I)
_POW10 = regex.compile(r"^10(?:\s*\^\s*([0-9]{1,2})|([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}))$")
# a power-of-ten factor: mantissa, then x 10 ^ exponent (the exponent may have lost its superscript)
_SCI = regex.compile(r"^\s*(-?[\d.,  ]+?)\s*(?:(?:[x×X*·]|\s)\s*10\s*(?:\^\s*|\*\s*|[eE]\s*|\s|\((?=\s*[0-9]{1,2}\s*\)))?|[eE]\s*\+?)([0-9⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2})\s*\)?\s*$")


def _digits(s: str) -> Optional[float]:
    s = s.strip().replace("\u00a0", " ")
    g = _GESTATION.fullmatch(s)
    if g:  # gestational age in weeks and days: '27 0/7', '37+2'
        return round(int(g.group(1)) + int(g.group(2) or g.group(3)) / 7, 4)
    if "/" in s:  # a blood pressure '140/90': the first figure
        s = s.split("/", 1)[0]
    neg = s.startswith("-")
    if neg:
        s = s[1:].strip()
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "").replace(" ", "")
    elif _DEC_COMMA.fullmatch(s):
        s = s.replace(",", ".")
    try:
        v = float(s)
    except ValueError:
        return None
    if not math.isfinite(v):
        return None  # a 400-digit 'number' is no value (and JSON cannot hold inf)
    return -v if neg else v


def parse_number(text: str) -> tuple[Optional[float], int]:
    """``(value, exponent)`` of a written number; ``exponent`` is the power of ten written
    after it ("1.5 x 10^9" -> (1.5, 9)); (None, 0) when it is not a number."""
    t = text.strip()
    if not t:
        return None, 0
    if t.isascii() and t.replace(".", "", 1).isdigit():
        # plain digits with at most one point (most numbers): no power of ten, thousands separator,
        # decimal comma, sign or gestational age to read -- what _digits would give
        v = float(t)
        return (v if math.isfinite(v) else None), 0
    if t[0].isalpha():
        m = _PAREN_DIGITS.search(t)
        if m:
            return float(m.group(1)), 0
        total = 0.0
        for w in _WORD.findall(t.lower()):
            v = WORDS.get(w)
            if v is None:
                return None, 0
            total = total * v if w == "hundred" and total else total + v
        return total, 0
    m = _POW10.match(t)
    if m:  # a bare power of ten: '10^4 IU/mL' is 10,000
        return float(10 ** int((m.group(1) or m.group(2)).translate(_SUP))), 0
    m = _SCI.match(t)
    if m and m.group(1).strip():
        return _digits(m.group(1)), int(m.group(2).translate(_SUP))
    return _digits(t), 0


def roman_value(text: str) -> Optional[int]:
    """The value of a Roman numeral I-VI with an optional sub-stage letter ("IIIB" -> 3)."""
    core = text.strip().rstrip("ABCabc")
    return ROMAN.get(core)
