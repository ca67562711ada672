"""Every rule's examples match (and its counter-examples do not), one test per rule id."""
from __future__ import annotations

import pytest

from critparse.patterns import check_examples, load_rules

RULES = load_rules(check=False)


@pytest.mark.parametrize("rule_id", sorted(RULES.rules))
def test_patterns_examples_pass(rule_id):
    assert check_examples(RULES[rule_id]) == []


def test_patterns_every_rule_documents_itself():
    for rule in RULES.rules.values():
        assert rule.examples, rule.id


def test_patterns_user_file_overrides_builtin(tmp_path):
    import json

    (tmp_path / "mine.jsonl").write_text(json.dumps({
        "id": "subheading.short_colon", "kind": "subheading", "pattern": r"^(?P<label>Cohort \d+)\s*:\s*$",
        "examples": ["Cohort 1:"]}) + "\n", encoding="utf-8")
    rs = load_rules([tmp_path])
    assert rs["subheading.short_colon"].pattern.startswith("^(?P<label>Cohort")
    assert str(tmp_path) in rs.sources[-1]
