"""A capitalised label followed by a value ('ECOG PS: 0,1') is a criterion, not a subheading that
would swallow the lines after it."""
import pytest


@pytest.mark.parametrize("text,subject", [
    ("ECOG PS: 0,1\nPregnant or breastfeeding", "ECOG PS"),
    ("AGE: 18 to 65 years\nPregnant or breastfeeding", "AGE"),
    ("WBC: >= 3,000/mm3\nPregnant or breastfeeding", "WBC"),
])
def test_structure_caps_label_with_value_is_a_criterion(parser, text, subject):
    doc = parser.parse(text)
    top = doc.sections[0].children
    assert [c.kind for c in top] == ["criterion", "criterion"]
    assert top[0].thresholds and top[0].thresholds[0].subject.text == subject


def test_structure_caps_label_with_words_stays_a_subheading(parser):
    doc = parser.parse("PRIOR CONCURRENT THERAPY: At least 30 days since therapy\nNo chemotherapy")
    top = doc.sections[0].children
    assert top[0].kind == "group" and top[0].label == "PRIOR CONCURRENT THERAPY"
