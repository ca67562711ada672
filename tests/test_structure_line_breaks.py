"""Plain text with one criterion a line: a line break the author made ends a criterion, even before
a lower-case line; a hard wrap (the next word did not fit) or a sentence left open still joins."""
import pytest

WRAP = ("Patients who have received any prior systemic chemotherapy for metastatic disease within\n"
        "the last six months before the first dose of the study drug are excluded from this study\n"
        "whatever the regimen.\n")


@pytest.mark.parametrize("text,want", [
    ("preterm delivery (<37 weeks of gestation)\nbirth weight < 2500 g\nmultiple pregnancy\nfood allergy\n",
     ["preterm delivery (<37 weeks of gestation)", "birth weight < 2500 g", "multiple pregnancy", "food allergy"]),
    # a long line, then a lower-case line whose first word would have fitted on it: the author's break
    ("Infants who have already received postnatal vitamin D supplementation\n"
     "prematurity (<37 weeks)\n"
     "Mothers who took any vitamin D supplement of more than 400 IU a day during the third trimester\n",
     ["Infants who have already received postnatal vitamin D supplementation", "prematurity (<37 weeks)",
      "Mothers who took any vitamin D supplement of more than 400 IU a day during the third trimester"]),
    # the line before stops mid-sentence, or the line goes on with a word no criterion starts with
    ("patients with a history of\nheart failure\nfood allergy\n",
     ["patients with a history of heart failure", "food allergy"]),
    ("serum creatinine above 2 mg/dL\nor creatinine clearance below 30 mL/min\nfood allergy\n",
     ["serum creatinine above 2 mg/dL or creatinine clearance below 30 mL/min", "food allergy"]),
    # a greedy hard wrap: the first word of each next line would not have fitted
    (WRAP, [" ".join(WRAP.split())]),
])
def test_structure_line_breaks_end_criteria(structure_parser, text, want):
    doc = structure_parser.parse(text)
    assert [c.text for c in doc.sections[0].children] == want


def test_structure_line_breaks_hand_wrapped_paragraph_joins(structure_parser):
    text = ("Patients must have histologically confirmed\nadenocarcinoma of the pancreas that is\n"
            "measurable on computed tomography\nPregnant women\n")
    doc = structure_parser.parse(text)
    assert [c.text for c in doc.sections[0].children] == [
        "Patients must have histologically confirmed adenocarcinoma of the pancreas that is "
        "measurable on computed tomography", "Pregnant women"]
