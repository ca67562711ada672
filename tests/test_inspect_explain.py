"""`critparse explain`: steps reported from the document and by re-running rules."""
from __future__ import annotations

from types import SimpleNamespace

import regex

import critparse
from critparse.inspect.explain import explain, explain_document, render_explain, steps_json
from critparse.inspect.sample import sample_document
from critparse.patterns import RuleSet


def _rule(rid, kind, pattern, **kw):
    return SimpleNamespace(id=rid, kind=kind, regex=regex.compile(pattern, regex.I), priority=0, **kw)


def _rules():
    rs = RuleSet()
    for r in [
        _rule("sec.inc", "section_heading", r"^inclusion criteria", section="inclusion"),
        _rule("sec.other", "section_heading", r"^exclusion criteria", section="exclusion"),
        _rule("mk.bullet", "list_marker", r"^(?P<marker>\*)\s+", family="bullet"),
        _rule("cue.all", "logic_cue", r"all of the following", logic="all", scope="lead_in"),
        _rule("threshold.compare.uln", "threshold", r"[<≤]\s*\d+\s*×\s*ULN"),
        _rule("thr.unused", "threshold", r"\d+\s*×"),
        _rule("unit.mm3", "unit", r"/mm3"),
    ]:
        rs.rules[r.id] = r
    return rs


def _steps():
    return {s.title.split(" (")[0].split(":")[0]: s.items for s in explain_document(sample_document(), _rules())}


def test_explain_normalisation_lists_unescapes_and_indentation():
    items = _steps()["normalisation"]
    assert any("unescaped markdown '\\\\<' -> '<'" in x for x in items)
    assert any("line 5: indentation of 2 dropped" in x for x in items)


def test_explain_lines_compare_rules_with_nodes():
    items = _steps()["lines"]
    line1 = [x for x in items if "sec.inc" in x]
    assert line1 and line1[0].endswith("-> same section type as the section made here")
    assert any(x.startswith("line 1 «Inclusion Criteria:»: section inclusion (rule section.inclusion.heading)")
               for x in items)
    assert any("mk.bullet matched «*» marker='*' -> used" in x for x in items)


def test_explain_logic_reports_decision_and_cue():
    items = _steps()["inline enumerators and logic"]
    assert any("3 children, logic all" in x for x in items)
    assert any("logic_cue cue.all (all)" in x for x in items)


def test_explain_extraction_rules_used_and_unused():
    items = _steps()["extraction rules per criterion"]
    assert any("threshold threshold.compare.uln matched «<2× ULN» -> made threshold" in x for x in items)
    assert any("thr.unused" in x and "no node from this match; it overlaps threshold" in x for x in items)
    assert not any("unit.mm3" in x for x in items)  # helper kinds only with all_rules
    steps = explain_document(sample_document(), _rules(), all_rules=True)
    assert any("unit.mm3" in x for s in steps for x in s.items)


def test_explain_reports_diagnostics():
    items = _steps()["diagnostics"]
    assert items == ["info W401 [302:305] «TKI»: number without a subject"]


def test_explain_real_text_structure():
    text = "Inclusion Criteria:\n\n* Age \\>= 18 years\n* Platelets \\>= 100,000/mm3\n"
    steps = explain(text)
    titles = [s.title for s in steps]
    assert titles[0] == "input" and titles[-1].startswith("diagnostics")
    assert any("unescaped markdown '\\\\>' -> '>'" in x for x in steps[1].items)
    out = render_explain(steps)
    assert out.startswith("1. input")
    doc = critparse.parse(text)
    for c in doc.criteria():
        assert f"[{c.start}:{c.end}]" in out or c.text[:20] in out
    assert steps_json(steps)[0]["title"] == "input"


def test_explain_names_a_subject_taken_from_the_heading_above():
    text = "PATIENT CHARACTERISTICS:\n\nAge\n\n  -  18 and over\n"
    doc = critparse.parse(text)
    items = [x for s in explain_document(doc, critparse.Parser().rules) for x in s.items]
    assert any("its subject «Age»" in x and "is the heading or lead-in above" in x for x in items)
