"""Clean text (what the rules read) and its map back to the original input."""
from __future__ import annotations

import pytest

import critparse
from critparse.textmap import MappedText, clean


@pytest.mark.parametrize("raw,want", [
    ("HbA1c \\&gt; 6.5% and \\&lt;= 9.0%.", "HbA1c > 6.5% and <= 9.0%."),
    ("ALT &le; 3 x ULN &amp; AST&nbsp;&ge; 2", "ALT ≤ 3 x ULN & AST ≥ 2"),
    ("&#8805;18 years, &#x2264;65", "≥18 years, ≤65"),
    ("AT&T; R&D; &#0; &lt", "AT&T; R&D; &#0; &lt"),
], ids=["markdown_escaped_entities", "named_entities", "numeric_references", "not_references"])
def test_textmap_html_character_references_are_one_character(raw, want):
    assert clean(raw) == want


def test_textmap_reference_maps_back_to_its_whole_text():
    raw = "x \\&gt;= 5"
    mt = MappedText.build(raw, [(0, len(raw))])
    i = mt.text.index(">")
    assert raw[slice(*mt.span(i, i + 1))] == "\\&gt;"


def test_textmap_threshold_read_through_references():
    doc = critparse.parse("* HbA1c \\&gt; 6.5% and \\&lt;= 9.0%.")
    (t,) = doc.criteria()[0].thresholds
    assert (t.comparator, t.low, t.high, t.low_inclusive, t.high_inclusive) == ("range", 6.5, 9.0, False, True)
    assert doc.text[t.start:t.end] == "\\&gt; 6.5% and \\&lt;= 9.0%"


@pytest.mark.parametrize("raw,want", [
    ("ALT &lt; 3 x ULN", "ALT < 3 x ULN"),
    ("* Age &ge; 18 years", "Age ≥ 18 years"),
    ("Inclusion Criteria:\n\n- creatinine &le; 1.5 mg/dL", "creatinine ≤ 1.5 mg/dL"),
])
def test_textmap_single_reference_in_a_line_is_its_character(raw, want):
    """A line whose only special is one character reference: the reference is its character, not
    the single space a run of white space becomes (the line scanner's shortcut for that case)."""
    doc = critparse.parse(raw)
    (crit,) = doc.criteria()
    assert crit.text == want
    assert crit.thresholds and crit.thresholds[0].comparator in ("<", ">=", "<=")
