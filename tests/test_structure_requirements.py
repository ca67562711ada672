"""The structure requirements of the issue, one behaviour a test, on small synthetic texts."""
from __future__ import annotations

import pytest


def _parse(parser, text, fmt="auto"):
    return parser.parse(text, input_format=fmt)


def _crits(sec):
    return [c for c in sec.children if c.kind == "criterion"]


@pytest.mark.parametrize("heading, kind", [
    ("Inclusion Criteria:", "inclusion"),
    ("INCLUSION CRITERIA", "inclusion"),
    ("Key Inclusion Criteria", "inclusion"),
    ("Inclusion criteria include:", "inclusion"),
    ("Patients must meet all of the following:", "inclusion"),
    ("Exclusion Criteria for Cohort B", "exclusion"),
    ("Donor exclusion criteria", "exclusion"),
    ("## Inclusion", "inclusion"),
    ("**Exclusion Criteria:**", "exclusion"),
])
def test_structure_requirements_heading_variants(structure_parser, heading, kind):
    doc = _parse(structure_parser, f"{heading}\n\n* Age 18 or older\n* Signed consent\n")
    assert [s.type for s in doc.sections] == [kind]
    assert len(doc.sections[0].children) == 2


def test_structure_requirements_repeated_blocks_keep_labels(structure_parser):
    text = ("Inclusion Criteria for Cohort A:\n\n* a1\n\nExclusion Criteria for Cohort A:\n\n* x1\n\n"
            "Inclusion Criteria for Cohort B:\n\n* b1\n\nExclusion Criteria for Cohort B:\n\n* y1\n")
    doc = _parse(structure_parser, text)
    assert [(s.type, s.label) for s in doc.sections] == [
        ("inclusion", "for Cohort A"), ("exclusion", "for Cohort A"),
        ("inclusion", "for Cohort B"), ("exclusion", "for Cohort B")]


def test_structure_requirements_block_label_line_before_heading(structure_parser):
    text = ("Cohort 1:\n\nInclusion Criteria:\n\n* a\n\nExclusion Criteria:\n\n* b\n\n"
            "Cohort 2:\n\nInclusion Criteria:\n\n* c\n")
    doc = _parse(structure_parser, text)
    assert [(s.type, s.label) for s in doc.sections] == [
        ("inclusion", "Cohort 1"), ("exclusion", "Cohort 1"), ("inclusion", "Cohort 2")]


def test_structure_requirements_text_before_first_heading(structure_parser):
    doc = _parse(structure_parser, "All patients are adults.\n\nInclusion Criteria:\n\n* a\n")
    assert [s.type for s in doc.sections] == ["unspecified", "inclusion"]
    assert doc.sections[0].children[0].text == "All patients are adults."


def test_structure_requirements_no_heading_is_one_unspecified_section(structure_parser):
    doc = _parse(structure_parser, "Age 18 or older. Able to consent.")
    assert [s.type for s in doc.sections] == ["unspecified"]
    assert doc.criteria()


def test_structure_requirements_empty_text_gives_a_section(structure_parser):
    doc = _parse(structure_parser, "   \n\n")
    assert [s.type for s in doc.sections] == ["unspecified"]


@pytest.mark.parametrize("label", ["General:", "Related to laboratory findings:", "Cohort 1:"])
def test_structure_requirements_subheadings_own_criteria(structure_parser, label):
    text = f"Inclusion Criteria:\n\n{label}\n\n* a\n* b\n\nOther:\n\n* c\n"
    sec = _parse(structure_parser, text).sections[0]
    groups = [g for g in sec.children if g.kind == "group"]
    assert [g.label for g in groups] == [label.rstrip(":"), "Other"]
    assert [len(g.children) for g in groups] == [2, 1]


@pytest.mark.parametrize("marker", ["*", "-", "+", "•", "·", "o", "▪", "1.", "1)", "(1)", "a.", "a)", "(a)",
                                    "i.", "ii)", "(iv)", "A.", "①", "❶"])
def test_structure_requirements_markers(structure_parser, marker):
    doc = _parse(structure_parser, f"Inclusion Criteria:\n\n{marker} Age 18 or older\n")
    (crit,) = doc.criteria()
    assert crit.marker == marker and crit.text == "Age 18 or older"


def test_structure_requirements_nesting_by_indent(structure_parser):
    text = "Inclusion Criteria:\n\n* a:\n  * a1\n    * a1x\n  * a2\n* b\n"
    sec = _parse(structure_parser, text).sections[0]
    a, b = sec.children
    assert [c.text for c in a.children] == ["a1", "a2"]
    assert a.children[0].children[0].text == "a1x"
    assert b.text == "b" and not b.children


def test_structure_requirements_nesting_by_marker_family(structure_parser):
    text = "Inclusion Criteria:\n\n1. Adequate organ function:\na. ANC >= 1.5\nb. Platelets >= 100\n2. Consent\n"
    sec = _parse(structure_parser, text).sections[0]
    one, two = sec.children
    assert [c.marker for c in one.children] == ["a.", "b."]
    assert one.logic == "all" and two.text == "Consent"


def test_structure_requirements_roman_after_h_is_a_letter(structure_parser):
    letters = "abcdefghi"
    text = "Exclusion Criteria:\n\n" + "".join(f"{c}. item {c}\n" for c in letters)
    sec = _parse(structure_parser, text).sections[0]
    assert len(sec.children) == 9


def test_structure_requirements_inline_circled_with_labels(structure_parser):
    text = ("Inclusion Criteria:\n\n* Relapsed or refractory: Relapsed B-ALL: ① relapse within 12 months; or "
            "② relapse after transplant; Refractory B-ALL: ① no remission; or ② failed 2 lines\n")
    crit = _parse(structure_parser, text).sections[0].children[0]
    assert [g.label for g in crit.children] == ["Relapsed B-ALL", "Refractory B-ALL"]
    assert all(g.logic == "any" for g in crit.children)


@pytest.mark.parametrize("body, logic", [
    ("Either (1) relapse or (2) refractory disease", "any"),
    ("One of the following: a) relapse; b) refractory disease", "any"),
    ("All of the following: (a) ANC >= 1.5; (b) platelets >= 100", "all"),
])
def test_structure_requirements_inline_enumerations(structure_parser, body, logic):
    crit = _parse(structure_parser, f"Inclusion Criteria:\n\n* {body}\n").sections[0].children[0]
    assert len(crit.children) == 2 and crit.logic == logic


def test_structure_requirements_colon_owns_next_paragraph(structure_parser):
    text = "Inclusion Criteria:\n\nAdequate organ function defined as:\n\nANC >= 1.5; platelets >= 100; Hb >= 9\n"
    crit = _parse(structure_parser, text).sections[0].children[0]
    assert crit.text == "Adequate organ function defined as:"
    assert [c.text for c in crit.children] == ["ANC >= 1.5", "platelets >= 100", "Hb >= 9"]
    assert crit.logic == "all"


def test_structure_requirements_colon_owns_indented_list(structure_parser):
    text = "Exclusion Criteria:\n\nAny of the following:\n\n  * a\n  * b\n\nPregnancy\n"
    sec = _parse(structure_parser, text).sections[0]
    assert sec.lead_in is not None or sec.children[0].logic == "any"


@pytest.mark.parametrize("lead, logic", [
    ("Meets one of the following:", "any"),
    ("Any of the following:", "any"),
    ("Either:", "any"),
    ("All of the following:", "all"),
    ("History of cancer, excluding the following:", "except"),
    ("Prior malignancy, with the exception of:", "except"),
])
def test_structure_requirements_logic_from_lead_in(structure_parser, lead, logic):
    text = f"Exclusion Criteria:\n\n* Pregnancy\n* {lead}\n  * a\n  * b\n"
    crit = _parse(structure_parser, text).sections[0].children[1]
    assert crit.logic == logic


def test_structure_requirements_logic_or_between_siblings(structure_parser):
    text = "Inclusion Criteria:\n\n* Tumour mass:\n  * larger than 2 cm, or\n  * smaller with nodes\n"
    crit = _parse(structure_parser, text).sections[0].children[0]
    assert crit.logic == "any"


def test_structure_requirements_logic_unstated_is_null_with_diagnostic(structure_parser):
    text = "Inclusion Criteria:\n\n* Disease\n  * relapsed\n  * refractory\n"
    doc = _parse(structure_parser, text)
    crit = doc.sections[0].children[0]
    assert crit.logic is None
    assert any(d.code == "logic.unstated" for d in doc.diagnostics)


def test_structure_requirements_paragraph_after_bullet_is_its_own_criterion(structure_parser):
    text = "Inclusion Criteria:\n\n* Age 18 or older\n\nPatients must give consent.\n"
    sec = _parse(structure_parser, text).sections[0]
    assert [c.text for c in sec.children] == ["Age 18 or older", "Patients must give consent."]


def test_structure_requirements_wrapped_lines_join(structure_parser):
    text = ("\n        Inclusion Criteria:\n\n          -  Histologically confirmed adenocarcinoma of the"
            " pancreas with\n             measurable disease\n      ")
    crit = _parse(structure_parser, text).criteria()[0]
    assert crit.text == "Histologically confirmed adenocarcinoma of the pancreas with measurable disease"


def test_structure_requirements_offsets_index_the_original(structure_parser):
    text = "Inclusion Criteria:\r\n\r\n*\tAge \\>= 18\u00a0years\r\n* Hb \\< 9 g/dL（fasting）\r\n"
    doc = _parse(structure_parser, text)
    a, b = doc.criteria()
    assert a.text == "Age >= 18 years" and text[a.start:a.end] == "*\tAge \\>= 18\u00a0years"
    assert b.text == "Hb < 9 g/dL(fasting)" and text[b.start:b.end] == "* Hb \\< 9 g/dL（fasting）"


def test_structure_requirements_legacy_wrap_does_not_make_headings_or_items(structure_parser):
    text = ("\n        Exclusion Criteria:\n\n          -  Participation in another study within three months"
            " prior to study\n             inclusion\n\n          -  Heart failure (NYHA class II -\n"
            "             IV) or other disease\n      ")
    doc = _parse(structure_parser, text, "ctgov-legacy-text")
    assert [s.type for s in doc.sections] == ["exclusion"]
    assert [c.text for c in doc.criteria()] == [
        "Participation in another study within three months prior to study inclusion",
        "Heart failure (NYHA class II - IV) or other disease"]


def test_structure_requirements_run_on_lettered_items_split(structure_parser):
    text = "Inclusion Criteria:\n\n* One of:\n\n  a) relapse after therapy b) refractory to therapy\n"
    crit = _parse(structure_parser, text).sections[0].children[0]
    assert [c.text for c in crit.children] == ["relapse after therapy", "refractory to therapy"]
