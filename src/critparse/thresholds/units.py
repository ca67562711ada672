"""Units: written form -> UCUM code (from the ``unit`` rules), and conversions with pint."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

import regex

_SPACE = regex.compile(r"\s+")
# 'at least 30 consecutive days', '24 calendar months', '13 completed weeks': the word qualifies the count, not the unit
_QUALIFIER = regex.compile(r"^(?:consecutive|calendar|completed|full)\s+", regex.I)
# a spelled-out unit restated by its symbol: 'kilograms (kg)', 'millimeters of mercury [mm Hg]', 'percentage (%)'
_RESTATED = regex.compile(r"(?<=[a-z0-9^²]{3})\s*[(\[]\s*[^()\[\]]{1,20}?\s*[)\]]$", regex.I)
_INNER_RESTATED = regex.compile(r"(?<=[a-z]{3})\s*[(\[]\s*[^()\[\]]{1,12}?\s*[)\]](?=\s*(?:/|per\b))", regex.I)
_E_PREFIX = regex.compile(r"^(?:x|×)?\s*10\s*(?:\^|\*|e)?\s*(\d{1,2}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2})\s*", regex.I)

# UCUM codes -> pint expressions, for the codes pint reads differently
_UCUM_TO_PINT = {
    "10*9/L": "1e9/L", "10*12/L": "1e12/L", "10*3/uL": "1e3/uL", "/uL": "1/uL", "/L": "1/L",
    "[lb_av]": "pound", "[oz_av]": "ounce", "[in_i]": "inch", "[ft_i]": "foot", "[mi_i]": "mile", "mm[Hg]": "mmHg", "cm[H2O]": "cmH2O", "Cel": "degC", "[degF]": "degF",
    "a": "year", "mo": "month", "wk": "week", "d": "day", "[IU]": "IU", "mL/min/{1.73_m2}": "mL/min",
}


@lru_cache(maxsize=None)
def _registry():
    import pint

    ureg = pint.UnitRegistry()
    ureg.define("IU = [international_unit]")
    return ureg


def to_pint(ucum: str) -> str:
    return _UCUM_TO_PINT.get(ucum, ucum.replace("u", "micro") if ucum.startswith("u") else ucum)


def factor(from_unit: str, to_unit: str) -> float:
    """How many ``to_unit`` make one ``from_unit`` (pint expressions or UCUM codes)."""
    ureg = _registry()
    q = ureg.Quantity(1, to_pint(from_unit))
    return float(q.to(to_pint(to_unit)).magnitude)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a value between units pint knows (``convert(1, "mm**3", "uL") == 1``)."""
    return value * factor(from_unit, to_unit)


_CACHE: dict = {}
_PER = regex.compile(r"\s*/\s*|(?:^|\s+)(?:per|a|an|each|every)\s+", regex.I)  # numerator / denominator of a rate ('3 times a week')
_ADVERB = regex.compile(r"\s+(daily|weekly)$", regex.I)  # '1500 mg daily': a rate per day
_PERIOD = {"daily": "day", "weekly": "week"}


def normalise(text: str, unit_rules, exponent: int = 0) -> Optional[str]:
    """The UCUM code of a written unit (``None`` when no unit rule reads it).

    ``exponent`` is a power of ten written with the number ("1.5 x 10^9/L"); it joins the unit.
    Results are cached per (rule list, text, exponent).
    """
    key = (id(unit_rules), text, exponent)
    hit = _CACHE.get(key, _CACHE)
    if hit is not _CACHE:
        return hit
    if len(_CACHE) > 50000:
        _CACHE.clear()
    out = _CACHE[key] = _normalise(text, unit_rules, exponent)
    return out


def _normalise(text: str, unit_rules, exponent: int = 0) -> Optional[str]:
    t = _QUALIFIER.sub("", _SPACE.sub(" ", text.strip()).replace("\u2044", "/"))
    if not t:
        return None
    if exponent:
        t = f"x10^{exponent}{'' if t.startswith('/') else ' '}{t}"
    for rule in unit_rules:
        if rule.regex.fullmatch(t):
            return rule.ucum
    short = _RESTATED.search(t)
    if short:  # 'kilograms (kg)': the spelled-out unit restated by its symbol, which names it when the words do not
        return (_normalise(t[:short.start()], unit_rules, exponent)
                or _normalise(short.group().strip(" ([])"), unit_rules, exponent))
    inner = _INNER_RESTATED.sub("", t)
    if inner != t:  # 'milligram per kilogram [mg/kg] per day': the symbol restated inside a spelled-out rate
        return _normalise(inner, unit_rules, exponent)
    m = _E_PREFIX.match(t)
    if m:  # an unusual power of ten: keep it in the code
        rest = _normalise(t[m.end():], unit_rules)
        return f"10*{m.group(1)}{rest or ''}"
    adverb = _ADVERB.search(t)
    if adverb:
        t = t[:adverb.start()] + "/" + _PERIOD[adverb.group(1).lower()]
    parts = _PER.split(t)
    if len(parts) >= 2 and all(parts[1:]):
        # a rate no rule names ('140 g/week', 'U/kg/day', 'mg/24 hours', 'cells per mL'): the UCUM codes of
        # its parts; a count of cells per volume is per volume, and a numbered denominator stays a
        # product ('mg/(24.h)')
        num = "" if not parts[0] or _CELLS.fullmatch(parts[0]) else _normalise(parts[0], unit_rules)
        dens = [_denominator(p, unit_rules) for p in parts[1:]]
        if num is not None and all(dens):
            return num + "/" + "/".join(dens)
    if len(t) > 2 and t[-1] == "s" and t[-2].isalpha():  # 'msecs', 'kgs': a plural no rule spells out
        return _normalise(t[:-1], unit_rules, exponent)
    return None


_CELLS = regex.compile(r"cells?|platelets?", regex.I)
_NUMBERED = regex.compile(r"(\d+(?:\.\d+)?)\s*(\D.*)")


def _denominator(text: str, unit_rules) -> Optional[str]:
    """The UCUM code of one denominator of a rate: a plain unit ('kg', 'day') or a numbered one
    ('24 hours' -> '(24.h)', '1.73 m2' -> '{1.73_m2}'); never a rate, a percentage or a power of ten."""
    m = _NUMBERED.fullmatch(text)
    code = _normalise(m.group(2) if m else text, unit_rules)
    if not code or "/" in code or code.startswith("10*") or code == "%" or code.startswith("("):
        return None
    if m and code == "m2" and m.group(1) == "1.73":
        return "{1.73_m2}"  # per standard body-surface area, as eGFR is written
    if m and code == "mL" and float(m.group(1)) == 100:
        return "dL"  # 'mg/100 ml' is mg/dL
    return f"({m.group(1)}.{code})" if m else code
