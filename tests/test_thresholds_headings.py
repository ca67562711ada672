"""A value written alone under a sub-heading limits what the heading names (older registry text)."""
from __future__ import annotations

import pytest

import critparse

OLD_FORMAT = """        PATIENT CHARACTERISTICS:

        Age:

          -  18 and over

        Performance status

          -  GOG 0-2

        Life expectancy

          -  More than 6 months

        Hematopoietic

          -  At least 3,000/mm^3

        Other

          -  Fertile patients must use effective contraception for at least 3 months
"""


def _thresholds(doc):
    out = []

    def walk(children):
        for c in children:
            out.extend(getattr(c, "thresholds", []))
            walk(c.children)

    for s in doc.sections:
        walk(s.children)
    return out


@pytest.fixture(scope="module")
def found():
    return {t.text: t for t in _thresholds(critparse.parse(OLD_FORMAT))}


def test_thresholds_headings_name_the_value_below(found):
    age = found["18 and over"].subject
    assert (age.text, age.name) == ("Age", "age")
    assert OLD_FORMAT[age.start:age.end] == "Age"  # the colon is not part of it
    assert found["18 and over"].quantity == "duration"
    assert found["More than 6 months"].subject.name == "life expectancy"


def test_thresholds_headings_keep_a_subject_written_in_the_criterion(found):
    assert found["0-2"].subject.text == "GOG"


def test_thresholds_headings_that_name_no_measure_are_not_used(found):
    assert found["At least 3,000/mm^3"].subject is None  # an organ system
    assert all(t.subject is None or t.subject.text != "Other" for t in found.values())


def test_thresholds_headings_only_for_a_value_that_opens_its_criterion():
    opening = _thresholds(critparse.parse("Age\n\n  -  more than 6 months\n"))
    later = _thresholds(critparse.parse("Age\n\n  -  Not specified; more than 6 months\n"))
    assert [t.subject.text for t in opening] == ["Age"]
    assert [t.subject for t in later] == [None]


LEAD_IN = """Inclusion Criteria:

* Creatinine clearance ≥ 70 mL/min/1.73 m^2 OR a serum creatinine based on age/gender as follows:
    * 0.6 mg/dL (1 to < 2 years of age)
    * 0.8 mg/dL (2 to < 6 years of age)
* Have serum bicarbonate:
    * 20 mEq/L for patients with normal renal function
"""


def test_thresholds_headings_lead_in_criterion_names_the_measure():
    doc = critparse.parse(LEAD_IN)
    by_text = {t.text: t for c in doc.criteria() for t in c.thresholds}
    for value in ("0.6 mg/dL", "0.8 mg/dL"):
        subj = by_text[value].subject
        assert (subj.text, subj.name) == ("serum creatinine", "creatinine")
        assert doc.text[subj.start:subj.end] == "serum creatinine"
    # the lead-in's own value keeps its own subject; the age ranges stay ages
    assert by_text["≥ 70 mL/min/1.73 m^2"].subject.name == "creatinine clearance"
    assert by_text["1 to < 2 years"].subject.name == "age"
    # a lead-in naming no known measure gives no subject
    assert by_text["20 mEq/L"].subject is None


NAMED_ABOVE = """Inclusion Criteria:

* Have a BMI
    * ≥30.0 kg/m², or
    * ≥27.0 kg/m² and at least 1 weight-related comorbidity
* Adequate organ function
    * ≥ 50 mL/min
"""


def test_thresholds_headings_criterion_naming_a_measure_without_a_value_heads_its_children():
    doc = critparse.parse(NAMED_ABOVE)
    by_text = {t.text: t for c in doc.criteria() for t in c.thresholds}
    for value in ("≥30.0 kg/m²", "≥27.0 kg/m²"):
        assert by_text[value].subject.name == "body mass index"
    # a criterion naming no known measure heads nothing
    assert by_text["≥ 50 mL/min"].subject is None
