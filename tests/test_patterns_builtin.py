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
