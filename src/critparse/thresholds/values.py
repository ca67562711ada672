"""Threshold values: rule matches -> threshold fields (comparator, numbers, unit, reference)."""
from __future__ import annotations

from typing import Any, Optional

import regex

from .lexicon import Lexicon
from .numbers import parse_number, roman_value
from .units import normalise

_DOT_THOUSANDS = regex.compile(r"\d{1,3}(?:\.\d{3})+")
_REF_LLN = regex.compile(r"\b(?:LLN|LNL|lower)\b", regex.I)
_REF_INST = regex.compile(r"\binstitutional\b(?!.*\bupper\b)", regex.I)
_REF_PRED = regex.compile(r"pred|expected", regex.I)  # ('65% of expected': of the predicted value)
INCLUSIVE_OPS = frozenset({">=", "<=", "="})
_RANGE_SEP = regex.compile(r"\s*(?:,|/|\bor\b|\band\b)\s*", regex.I)
_ROMAN_RANGE = regex.compile(r"\s*(?:-|–|\bto\b|\bthrough\b|\bthru\b)\s*", regex.I)
_AND_TO = regex.compile(r"\b(?:and|to)\b", regex.I)  # (the words between a descending range's ends)
# a multiplier that names its reference, or a bare 'x' (read as a multiple of the ULN: 'AST, ALT > 3x'); a bare
# 'times' names none ('eat fish < 2 times', '> 8 times a day'): such a limit takes the reference of the limit
# it is an alternative to, if any ('≤ 2.5 x ULN (≤ 5 times if liver metastases)')
_NAMES_REF = regex.compile(r"(?i:uln|lln|unl|lnl|normal|limit|reference|baseline|pred)|(?-i:N\b)|^\s*[x×X*]\s*$")
_BP = regex.compile(r"(\d{2,3})/(\d{2,3})")
_TIME_DAYS = {"min": 1 / 1440, "h": 1 / 24, "d": 1.0, "wk": 7.0, "mo": 30.4375, "a": 365.25}


def in_time_unit(v: float, code: Optional[str], to: Optional[str]) -> float:
    """``v`` given in the time unit ``code`` expressed in ``to`` ('6 months and 5 years': 0.5 years);
    ``v`` itself unless both are time units and differ."""
    if code != to and code in _TIME_DAYS and to in _TIME_DAYS:
        return round(v * _TIME_DAYS[code] / _TIME_DAYS[to], 4)
    return v


def reference_of(mult: str) -> Optional[str]:
    """Normalised reference of a multiplier text ("x ULN" -> "ULN")."""
    if not mult or not _NAMES_REF.search(mult):
        return None  # ('> 8 times', '(< 5 x if ...)': no reference named; see _bare_mult)
    if _REF_PRED.search(mult):
        return "predicted"
    if _REF_LLN.search(mult):
        return "LLN"
    if _REF_INST.search(mult):
        return "institutional normal"
    return "ULN"


def _num(text: Optional[str]) -> tuple[Optional[float], int]:
    if not text:
        return None, 0
    return parse_number(text)


def _span(m, name: str) -> Optional[tuple[int, int]]:
    try:
        s, e = m.span(name)
    except (IndexError, regex.error):
        return None
    return (s, e) if s >= 0 and e > s else None


_FRACTION = regex.compile(r"\s*(\d{1,3}(?:\.\d+)?)\s*/\s*(\d{1,4}(?:\.\d+)?)\s*")


def _fraction(text: Optional[str]) -> Optional[float]:
    """'20/40' -> 0.5 (a Snellen fraction as decimal acuity); None for a zero denominator or no fraction."""
    m = _FRACTION.fullmatch(text or "")
    if not m or float(m.group(2)) == 0:
        return None
    return round(float(m.group(1)) / float(m.group(2)), 4)


def describe_match(rule, m, lex: Lexicon, text: str) -> Optional[dict[str, Any]]:
    """The threshold fields a rule's match states (no subject).  Private keys start with ``_``."""
    if m is None:
        return None
    # every named group at once (reading them one by one costs a raised error for each group
    # the rule lacks); a group the rule lacks, or that took no part, is None
    g = m.groupdict().get
    out: dict[str, Any] = {"comparator": None}
    exponent = 0
    vals = g("vals")
    op = g("op") or g("ctx_op")  # (ctx_op: the comparator of the limit before, which this one shares)
    post = g("post")
    op_c = lex.comparator(op) if op else None
    post_c = lex.post_comparator(post) if post else None
    if g("low") is not None and g("high") is not None:
        low, e1 = _num(g("low"))
        if low is None and getattr(rule, "value", None) is not None:
            low = float(rule.value)  # an end written as a word the rule gives the value of ('from birth to 21 years')
        high, e2 = _num(g("high"))
        ul, uh = g("unit_low"), g("unit")
        if low is not None and ul and uh:
            # '6 months and 5 years': the low end is given in the high end's unit (0.5 years)
            low = in_time_unit(low, normalise(ul, lex.units, 0), normalise(uh, lex.units, 0))
        descending = (low is not None and high is not None and low > high and g("lead") is not None and not ul
                      and _AND_TO.search(m.string, m.end("low"), m.start("high")) is not None)
        if descending:  # 'between 78 and 23 letters': a range written high end first (not 'between 2019-01')
            low, high = high, low
        elif low is None or high is None or low > high:
            return None  # '2019-03' or '5-1' is no range
        exponent = e2 or e1
        out.update(comparator="range", low=low, high=high)
        ol, oh = g("op_low"), g("op_high")
        incl = bool(g("incl"))
        out["low_inclusive"] = (lex.comparator(ol) in INCLUSIVE_OPS) if ol else True
        out["high_inclusive"] = (lex.comparator(oh) in INCLUSIVE_OPS) if oh else True
        if incl:
            out["low_inclusive"] = out["high_inclusive"] = True
        for key, end in (("low_inclusive", g("end_low")), ("high_inclusive", g("end_high"))):
            if end:  # 'between 55 kg (inclusive) and 90 kg (exclusive)': each end says it
                out[key] = end.lower() in ("inclusive", "included")
        if descending:
            out["low_inclusive"], out["high_inclusive"] = out["high_inclusive"], out["low_inclusive"]
    elif vals is not None:
        parts_r = _ROMAN_RANGE.split(vals)
        if len(parts_r) == 2 and roman_value(parts_r[0]) and roman_value(parts_r[1]):
            out.update(comparator="range", low=float(roman_value(parts_r[0])), high=float(roman_value(parts_r[1])),
                       low_inclusive=True, high_inclusive=True)
        else:
            items = [p for p in _RANGE_SEP.split(vals) if p]
            if op_c or post_c:
                v = roman_value(items[0])
                if v is None:
                    v, _ = parse_number(items[0])
                out.update(comparator=op_c or post_c, value=None if v is None else float(v))
            else:
                out.update(comparator="=", values=items)
                nums = [roman_value(i) if roman_value(i) else parse_number(i)[0] for i in items]
                if len(items) == 1 and nums[0] is not None:
                    out["value"] = float(nums[0])
                elif nums and all(n is not None for n in nums):
                    out["low"], out["high"] = float(min(nums)), float(max(nums))
    elif g("frac") is not None:
        # a Snellen fraction ('20/40 or better'): the value is the decimal acuity (20/40 -> 0.5)
        v, low = _fraction(g("frac")), _fraction(g("frac_low")) if g("frac_low") else None
        if v is None:
            return None
        if low is not None:
            out.update(comparator="range", low=min(low, v), high=max(low, v), low_inclusive=True, high_inclusive=True)
        else:
            out.update(comparator=op_c or post_c or getattr(rule, "comparator", None) or "=", value=v)
    else:
        num_text = g("num") or g("num2")
        v, exponent = _num(num_text)
        if v is None and num_text is None and getattr(rule, "value", None) is not None:
            v, num_text = float(rule.value), ""  # '> ULN': the rule states the value
        if v is None:
            return None
        out["value"] = v
        bp = _BP.fullmatch(num_text.strip()) if num_text else None
        if bp:  # a blood pressure '140/90 mmHg': the value is the systolic figure, the diastolic is kept aside
            out["_diastolic"] = float(bp.group(2))
        out["comparator"] = op_c or post_c or getattr(rule, "comparator", None) or "="
        if g("pm") is not None:  # '(± 5%)', '25 +/- 3 kg/m2': a tolerance either side of zero or of a value
            c, _ = _num(g("center")) if g("center") else (0.0, 0)
            cu = g("cunit")
            if cu and normalise(cu, lex.units, 0) != normalise(g("unit") or "", lex.units, 0):
                return None  # ('2 weeks ± 3 days': no one unit)
            del out["value"]
            out.update(comparator="range", low=round(c - v, 10), high=round(c + v, 10), low_inclusive=True,
                       high_inclusive=True)
    mult = g("mult") or g("mult2")
    ref = getattr(rule, "reference", None) or reference_of(mult or "")
    unit_text = g("unit") or g("unit_low") or g("ctx_unit")
    if ref == "predicted" and unit_text is None:
        unit_text = "%"
    if unit_text:
        if _REF_PRED.search(unit_text):
            ref = "predicted"
        ucum = normalise(unit_text, lex.units, exponent)
        out["unit"] = ucum
        if ucum and ucum[0] == "/" and not exponent:
            # cells per volume are whole counts: '< 100.000/mm3', '≥ 3.000 cells/mm³' group thousands with dots
            for key, written in (("value", g("num") or g("num2")), ("low", g("low")), ("high", g("high"))):
                if written and out.get(key) is not None and _DOT_THOUSANDS.fullmatch(written.strip()):
                    out[key] = float(written.strip().replace(".", ""))
        out["_unit"] = (unit_text, ucum, _span(m, "unit") or _span(m, "unit_low") or _span(m, "ctx_unit"))
    elif exponent:
        out["unit"] = f"10*{exponent}"
        out["_unit"] = (f"x10^{exponent}", out["unit"], None)
    if ref:
        out["reference"] = ref
    elif mult:
        out["_bare_mult"] = True  # '(< 5 x if ...)': a multiple of the reference of the limit before
    if getattr(rule, "quantity", None):
        out["quantity"] = rule.quantity
    elif unit_text:
        # the quantity of the first unit rule with this code (a dict, not a walk over the rules)
        out["quantity"] = lex.unit_quantity.get(out.get("unit"), "measurement")
    out["_op"] = op or post or g("op_low") or ""
    return out
