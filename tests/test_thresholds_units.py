"""Numbers and units: parsing, UCUM codes, conversions with pint."""
from __future__ import annotations

import pytest

from critparse.thresholds.numbers import parse_number, roman_value
from critparse.thresholds.units import convert, normalise

from _thresholds_helpers import rules


@pytest.mark.parametrize("text,value,exp", [
    ("100,000", 100000, 0), ("100 000", 100000, 0), ("1,5", 1.5, 0), ("0.5", 0.5, 0), ("three (3)", 3, 0),
    ("two", 2, 0), ("twenty-five", 25, 0), ("1.5 x 10^9", 1.5, 9), ("1.5x10⁹", 1.5, 9), ("1.5×109", 1.5, 9),
    ("1.5 10E9", 1.5, 9), ("-2.5", -2.5, 0), ("140/90", 140, 0), ("10^4", 10000, 0), ("10⁵", 100000, 0),
    ("10 4", None, 0),
])
def test_units_parse_number(text, value, exp):
    assert parse_number(text) == (value, exp)


def test_units_roman_values():
    assert [roman_value(r) for r in ("I", "II", "III", "IV", "IIIB")] == [1, 2, 3, 4, 3]


@pytest.mark.parametrize("text,exp,ucum", [
    ("mg/dL", 0, "mg/dL"), ("µmol/L", 0, "umol/L"), ("/mm3", 0, "/uL"), ("/L", 9, "10*9/L"), ("%", 0, "%"),
    ("years", 0, "a"), ("months", 0, "mo"), ("weeks", 0, "wk"), ("days", 0, "d"), ("ml/min/1.73m²", 0, "mL/min/{1.73_m2}"),
    ("GI/L", 0, "10*9/L"), ("mm Hg", 0, "mm[Hg]"), ("G/L", 0, "10*9/L"), ("g/L", 0, "g/L"), ("g/l", 0, "g/L"),
    ("gm/dL", 0, "g/dL"), ("milligrams per deciliter", 0, "mg/dL"), ("copies per milliliter", 0, "{copies}/mL"),
    ("g/week", 0, "g/wk"), ("mg per week", 0, "mg/wk"), ("cigarettes/day", 0, "{cigarettes}/d"), ("drinks per week", 0, "{drinks}/wk"),
    ("tablets/day", 0, None), ("Wood units", 0, "mm[Hg].min/L"), ("cigarettes per week", 0, "{cigarettes}/wk"),
    ("drinks/day", 0, "{drinks}/d"), ("packs/day", 0, "{packs}/d"), ("cups per day", 0, "{cups}/d"), ("mL/min/kg", 0, "mL/kg/min"),
    ("milliliters per minute per 1.73 square meters", 0, "mL/min/{1.73_m2}"), ("mmol/mol", 0, "mmol/mol"),
    ("ng/dL", 0, "ng/dL"), ("pmol/L", 0, "pmol/L"), ("nmol/L", 0, "nmol/L"), ("mIU/L", 0, "m[IU]/L"),
    ("°F", 0, "[degF]"), ("ºC", 0, "Cel"), ("℃", 0, "Cel"), ("°", 0, None), ("degrees", 0, None), ("F", 0, None),
    ("mg/m2", 0, "mg/m2"), ("m²", 0, "m2"), ("/mm³", 0, "/uL"),
    # rates no rule names, read part by part: several denominators, numbered ones, cells per volume
    ("mg/24 hours", 0, "mg/(24.h)"), ("g/24hr", 0, "g/(24.h)"), ("U/kg/day", 0, "[IU]/kg/d"),
    ("units/kilogram/day", 0, "[IU]/kg/d"), ("mg/m^2/day", 0, "mg/m2/d"), ("gm/m2/d", 0, "g/m2/d"),
    ("L/min/1.73 m^2", 0, "L/min/{1.73_m2}"), ("cells per cubic millimeter", 0, "/uL"), ("cell/mm3", 0, "/uL"),
    ("cells/mL", 0, "/mL"), ("/ml", 0, "/mL"), ("/dl", 0, "/dL"), ("kU/L", 0, "k[IU]/L"), ("mU/L", 0, "m[IU]/L"),
    ("pack-years", 0, "{pack_years}"), ("pack year", 0, "{pack_years}"), ("points", 0, "{points}"),
    ("copies", 0, "{copies}"), ("beats", 0, "{beats}"), ("cans per day", 0, "{cans}/d"), ("glasses/week", 0, "{glasses}/wk"),
    ("feet", 0, "[ft_i]"), ("mg/%", 0, None), ("mg/10^9", 0, None), ("mg/kg/24 hours", 0, "mg/kg/(24.h)"),
])
def test_units_normalise_to_ucum(text, exp, ucum):
    units = rules().of_kind("unit")
    assert normalise(text, units, exp) == ucum


def test_units_convert_with_pint():
    assert convert(1, "mm**3", "uL") == pytest.approx(1)
    assert convert(1, "mg/dL", "g/L") == pytest.approx(0.01)
    assert convert(2, "a", "mo") == pytest.approx(24)


@pytest.mark.parametrize("rule_id", sorted(r.id for r in rules().of_kind("unit") if r.pint))
def test_units_lexicon_agrees_with_pint(rule_id):
    from critparse.thresholds.rules import check_pint

    assert check_pint(rules()[rule_id]) is None
