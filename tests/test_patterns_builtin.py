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


def _user_thresholds(tmp_path, rule, *texts):
    import critparse

    parser = critparse.Parser([_dir(tmp_path, rule)])
    return [[(t.comparator, t.value) for t in parser.parse(text).sections[0].children[0].thresholds
             if t.rule == rule["id"]] for text in texts]


_POINTS = {"id": "user.thr.points", "kind": "threshold", "anchor": "number", "priority": 100, "comparator": "=",
           "prefilter": "points", "pattern": "(?P<num>\\d+)\\s*(?:points|pts)\\b", "examples": ["5 points"]}


def test_patterns_builtin_number_rule_prefilter_gates_the_criterion(tmp_path):
    # a threshold rule is not tried in a criterion where its prefilter finds nothing, even where its
    # pattern would match ('pts'); where the prefilter is found, it is tried at every number as before
    assert _user_thresholds(tmp_path, _POINTS, "Score of 5 points", "Score of 5 pts") == [[("=", 5.0)], []]


def test_patterns_builtin_scan_rule_prefilter_gates_the_criterion(tmp_path):
    rule = dict(_POINTS, id="user.thr.points_scan", anchor="scan")
    assert _user_thresholds(tmp_path, rule, "Score of 5 points", "Score of 5 pts") == [[("=", 5.0)], []]


def test_patterns_builtin_prefilters_are_found_in_their_rules_examples():
    # (the loader checks it: a prefilter every example contains cannot hide the rule's own examples)
    rules = load_rules()
    gated = [r for k in ("threshold", "temporal") for r in rules.of_kind(k) if r.prefilter]
    assert gated, "some built-in threshold rules have a prefilter"
    for r in gated:
        for ex in r.example_objects():
            assert r.__pydantic_private__["_prefilter"].search(ex.text), (r.id, ex.text)
