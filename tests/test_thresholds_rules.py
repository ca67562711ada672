"""Every threshold-extractor rule's examples, run explicitly, plus kind-specific checks."""
from __future__ import annotations

import pytest

from critparse.patterns import check_examples

from _thresholds_helpers import rules

KINDS = ("threshold", "temporal", "unit", "subject_name", "variant_list")
OWN = sorted(r.id for r in rules().rules.values()
             if r.kind in KINDS or (r.kind == "macro" and r._source.startswith("patterns/thresholds/")))


@pytest.mark.parametrize("rule_id", OWN)
def test_rules_examples_pass(rule_id):
    assert check_examples(rules()[rule_id]) == []


@pytest.mark.parametrize("rule_id", sorted(r.id for r in rules().of_kind("threshold")))
def test_rules_threshold_examples_state_what_they_expect(rule_id):
    rule = rules()[rule_id]
    exs = rule.example_objects()
    assert rule.description
    assert any(e.expect for e in exs), "a threshold rule shows at least one expected reading"


@pytest.mark.parametrize("rule_id", sorted(r.id for r in rules().of_kind("temporal")))
def test_rules_temporal_examples_state_what_they_expect(rule_id):
    assert any(e.expect for e in rules()[rule_id].example_objects())


@pytest.mark.parametrize("rule_id", sorted(r.id for r in rules().of_kind("unit")))
def test_rules_unit_examples_are_full_matches(rule_id):
    rule = rules()[rule_id]
    for e in rule.example_objects():
        assert rule.regex.fullmatch(e.text), e.text
    assert rule.ucum


@pytest.mark.parametrize("rule_id", sorted(r.id for r in rules().of_kind("subject_name")))
def test_rules_subject_name_examples_are_found(rule_id):
    rule = rules()[rule_id]
    for e in rule.example_objects():
        assert rule.regex.search(e.text)


def test_rules_thresholds_compile_once():
    a, b = rules()["thr.op"].regex, rules()["thr.op"].regex
    assert a is b


def test_rules_no_unbounded_nested_quantifiers():
    import regex

    nested = regex.compile(r"\((?:[^()\\]|\\.)*[+*]\)[+*]")
    for r in rules().rules.values():
        if r._source.startswith("patterns/thresholds/"):
            assert not nested.search(r.pattern), r.id


@pytest.mark.parametrize("text", [
    "1-" * 3000, "< " * 3000 + "1", "at least " * 1500 + "2", "1, " * 2000 + "or 2", "(" * 2000 + "1 mg",
    "x10^9/L " * 1000, "ALT, " * 1500 + "AST < 3 x ULN", "grade II, " * 800, "1.5 x 10^9/L or " * 800,
])
def test_rules_pathological_inputs_finish_fast(text):
    import time

    from _thresholds_helpers import run

    t0 = time.perf_counter()
    run(text)
    assert time.perf_counter() - t0 < 5.0
