"""Built-in rules run without the regex timeout; a user's rules (and, once a user macro is loaded,
every rule) keep it."""
from __future__ import annotations

import json

from critparse.patterns import is_builtin, load_rules

USER_MARKER = {"id": "user.marker.arrow", "kind": "list_marker", "family": "bullet",
               "pattern": "^(?P<marker>=>)\\s+", "flags": [], "examples": ["=> item"]}
USER_MACRO = {"id": "user_word", "kind": "macro", "pattern": "foo", "examples": ["foo"]}


def _dir(tmp_path, *rules):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "user.jsonl").write_text("\n".join(json.dumps(r) for r in rules) + "\n", encoding="utf-8")
    return d


def test_patterns_builtin_only_the_package_rules(tmp_path):
    rules = load_rules([_dir(tmp_path, USER_MARKER)])
    assert not is_builtin(rules["user.marker.arrow"])
    assert is_builtin(rules["thr.op"]) and is_builtin(rules["op_ge"])


def test_patterns_builtin_user_macro_gives_every_rule_the_timeout(tmp_path):
    rules = load_rules([_dir(tmp_path, USER_MACRO)])
    assert not any(is_builtin(r) for r in rules.rules.values())


def test_patterns_builtin_user_number_free_rule_runs_without_numbers(tmp_path):
    import critparse

    rule = {"id": "user.thr.above_normal", "kind": "threshold", "value": 1, "requires": ["normal values"],
            "pattern": "(?P<op>{{op}})\\s*(?P<mult>normal\\s+values)", "examples": ["above normal values"]}
    doc = critparse.Parser([_dir(tmp_path, rule)]).parse("Creatinine above normal values")
    found = [t for t in doc.sections[0].children[0].thresholds if t.rule == "user.thr.above_normal"]
    assert [(t.comparator, t.value, t.subject.text) for t in found] == [(">", 1.0, "Creatinine")]
