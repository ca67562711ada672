"""Malformed user rule files: a PatternError naming file, line and field, raised when the
Parser is built -- never while parsing.  One test per error path."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import critparse
from critparse.errors import PatternError

GOOD = {"id": "user.marker.arrow", "kind": "list_marker", "family": "bullet",
        "pattern": "^(?P<marker>=>)\\s+", "flags": [], "examples": ["=> item"], "counter_examples": ["==> x"]}


def _line(**over) -> str:
    rule = dict(GOOD)
    for k, v in over.items():
        if v is None:
            rule.pop(k, None)
        else:
            rule[k] = v
    return json.dumps(rule, ensure_ascii=False)


def _write(tmp_path: Path, *lines: str, name: str = "user.jsonl") -> Path:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return d


def _error(directory: Path) -> PatternError:
    with pytest.raises(PatternError) as info:
        critparse.Parser(pattern_dirs=[directory], extractors=())
    return info.value


def _check(err: PatternError, file: Path, line, field, code: str) -> None:
    msg = str(err)
    assert err.code == code, msg
    assert msg.startswith(f"[{code}] ")
    assert str(file) in msg and err.file == str(file)
    if line is not None:
        assert err.line == line and f"{file}:{line}:" in msg
    if field is not None:
        assert err.field == field and f"(field '{field}')" in msg


def test_patterns_errors_valid_user_file_loads_and_is_used(tmp_path):
    d = _write(tmp_path, "# a comment", "", _line())
    p = critparse.Parser(pattern_dirs=[d], extractors=())
    assert "user.marker.arrow" in p.rules.rules
    doc = p.parse("Inclusion Criteria:\n=> first\n=> second\n")
    assert [c.marker for c in doc.criteria()] == ["=>", "=>"]


def test_patterns_errors_bad_json_line(tmp_path):
    d = _write(tmp_path, _line(), '{"id": "x", "kind": ', _line(id="other"))
    err = _error(d)
    _check(err, d / "user.jsonl", 2, None, "E103")
    assert "invalid JSON" in str(err) and "column" in str(err)


def test_patterns_errors_line_not_an_object(tmp_path):
    d = _write(tmp_path, _line(), "[1, 2]")
    _check(_error(d), d / "user.jsonl", 2, None, "E103")


def test_patterns_errors_unknown_field(tmp_path):
    d = _write(tmp_path, _line(), _line(id="two", colour="red"))
    err = _error(d)
    _check(err, d / "user.jsonl", 2, "colour", "E105")


def test_patterns_errors_unknown_kind(tmp_path):
    d = _write(tmp_path, _line(kind="bogus"))
    err = _error(d)
    _check(err, d / "user.jsonl", 1, "kind", "E104")
    assert "bogus" in str(err) and "list_marker" in str(err)  # lists the known kinds


def test_patterns_errors_missing_kind(tmp_path):
    d = _write(tmp_path, _line(kind=None))
    _check(_error(d), d / "user.jsonl", 1, "kind", "E104")


def test_patterns_errors_kind_not_a_string(tmp_path):
    d = _write(tmp_path, _line(kind=["list_marker"]))
    _check(_error(d), d / "user.jsonl", 1, "kind", "E104")


def test_patterns_errors_wrong_field_type(tmp_path):
    d = _write(tmp_path, _line(priority="high"))
    _check(_error(d), d / "user.jsonl", 1, "priority", "E105")


def test_patterns_errors_bad_enum_value(tmp_path):
    d = _write(tmp_path, _line(family="hexagon"))
    _check(_error(d), d / "user.jsonl", 1, "family", "E105")


def test_patterns_errors_bad_flag(tmp_path):
    d = _write(tmp_path, _line(flags=["q"]))
    err = _error(d)
    _check(err, d / "user.jsonl", 1, None, "E105")
    assert err.field.startswith("flags")


def test_patterns_errors_no_examples(tmp_path):
    d = _write(tmp_path, _line(examples=[]))
    _check(_error(d), d / "user.jsonl", 1, "examples", "E105")


def test_patterns_errors_missing_pattern(tmp_path):
    d = _write(tmp_path, _line(pattern=None))
    _check(_error(d), d / "user.jsonl", 1, "pattern", "E105")


def test_patterns_errors_bad_rule_id(tmp_path):
    d = _write(tmp_path, _line(id="has space"))
    _check(_error(d), d / "user.jsonl", 1, "id", "E105")


def test_patterns_errors_invalid_regex(tmp_path):
    d = _write(tmp_path, _line(), _line(id="two", pattern="^(?P<marker>[=>"))
    err = _error(d)
    _check(err, d / "user.jsonl", 2, "pattern", "E106")
    assert "invalid regular expression" in str(err)


def test_patterns_errors_unknown_macro(tmp_path):
    d = _write(tmp_path, _line(pattern="^(?P<marker>{{no_such_macro}})\\s+"))
    err = _error(d)
    _check(err, d / "user.jsonl", 1, "pattern", err.code)
    assert "no_such_macro" in str(err)


def test_patterns_errors_example_does_not_match(tmp_path):
    d = _write(tmp_path, _line(examples=["=> item", "-> nope"]))
    err = _error(d)
    _check(err, d / "user.jsonl", 1, "examples[1]", "E108")
    assert "user.marker.arrow" in str(err) and "-> nope" in str(err)


def test_patterns_errors_example_expectation_fails(tmp_path):
    d = _write(tmp_path, _line(examples=[{"text": "=> item", "expect": {"marker": "->"}}]))
    _check(_error(d), d / "user.jsonl", 1, "examples[0]", "E108")


def test_patterns_errors_example_hidden_by_its_requires_words(tmp_path):
    rule = json.dumps({"id": "user.thr.tops", "kind": "threshold", "anchor": "number", "requires": ["tops"],
                       "pattern": "(?P<num>\\d+)\\s+at\\s+most", "comparator": "<=",
                       "examples": ["3 at most"]})
    d = _write(tmp_path, rule)
    err = _error(d)
    _check(err, d / "user.jsonl", 1, "examples[0]", "E108")
    assert "requires" in str(err)


def test_patterns_errors_counter_example_matches(tmp_path):
    d = _write(tmp_path, _line(counter_examples=["fine", "=> oops"]))
    err = _error(d)
    _check(err, d / "user.jsonl", 1, "counter_examples[1]", "E108")
    assert "=> oops" in str(err)


def test_patterns_errors_catastrophic_pattern_times_out_at_load(tmp_path):
    # (?:a|aa|aaa)+$ backtracks exponentially on a run of a's that does not end the string
    d = _write(tmp_path, _line(pattern="^(?P<marker>(?:a|aa|aaa)+)$", examples=["aaa"],
                               counter_examples=["a" * 40 + "!"]))
    err = _error(d)
    _check(err, d / "user.jsonl", 1, "counter_examples[0]", "E108")
    assert "timed out" in str(err)


def test_patterns_errors_duplicate_id_in_one_file(tmp_path):
    d = _write(tmp_path, _line(), _line())
    err = _error(d)
    _check(err, d / "user.jsonl", 2, "id", "E107")
    assert "user.marker.arrow" in str(err)


def test_patterns_errors_duplicate_id_across_user_files(tmp_path):
    d = _write(tmp_path, _line(), name="a.jsonl")
    _write(tmp_path, _line(), name="b.jsonl")
    err = _error(d)
    _check(err, d / "b.jsonl", 1, "id", "E107")
    assert f"{d / 'a.jsonl'}:1" in str(err)  # names the other definition too


def test_patterns_errors_user_rule_may_override_builtin(tmp_path):
    from critparse.patterns import builtin_dir, rule_files, _read_source

    ids = [obj.get("id") for p in rule_files(builtin_dir()) for _, obj in _read_source(p, str(p))
           if obj.get("kind") == "list_marker"]
    if not ids:
        pytest.skip("no built-in list_marker rule")
    d = _write(tmp_path, _line(id=ids[0]))
    p = critparse.Parser(pattern_dirs=[d], extractors=())
    assert p.rules[ids[0]].pattern == GOOD["pattern"]


def test_patterns_errors_not_utf8(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    data = (_line() + "\n" + _line(id="two")).encode("utf-8")
    bad = data.replace(b"=> item", b"=> it\xe9m", 2)  # latin-1 byte in line 1 and 2
    (d / "user.jsonl").write_bytes(bad)
    err = _error(d)
    _check(err, d / "user.jsonl", 1, None, "E102")
    offset = bad.index(b"\xe9")
    assert "not UTF-8" in str(err) and f"byte offset {offset}" in str(err)


def test_patterns_errors_line_numbers_count_newlines_only(tmp_path):
    # U+2028 and \x0c are legal raw characters inside a JSON string; they do not start a line
    d = _write(tmp_path, _line(description="two\u2028lines\x0c here"), _line(id="two"), '{"broken"')
    err = _error(d)
    _check(err, d / "user.jsonl", 3, None, "E103")


def test_patterns_errors_utf8_bom_accepted(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "user.jsonl").write_bytes(b"\xef\xbb\xbf" + _line().encode("utf-8") + b"\n")
    p = critparse.Parser(pattern_dirs=[d], extractors=())
    assert "user.marker.arrow" in p.rules.rules


def test_patterns_errors_backreference_breaks_union_at_load(tmp_path):
    # alone the pattern compiles; combined with the other list markers its \\1 would refer
    # to another group -- the error must come when the Parser is built, not at parse time
    d = _write(tmp_path, _line(pattern="^(?P<marker>(=)\\2>)\\s+", examples=["==> item"], counter_examples=[]))
    err = _error(d)
    _check(err, d / "user.jsonl", 1, "pattern", "E109")


def test_patterns_errors_missing_directory(tmp_path):
    err = _error(tmp_path / "nope")
    assert err.code == "E101" and str(tmp_path / "nope") in str(err)


def test_patterns_errors_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not a rule file")
    err = _error(tmp_path / "empty")
    assert err.code == "E101" and str(tmp_path / "empty") in str(err) and ".jsonl" in str(err)


def test_patterns_errors_unreadable_file(tmp_path):
    import os

    d = _write(tmp_path, _line())
    f = d / "user.jsonl"
    f.chmod(0)
    try:
        if os.access(f, os.R_OK):  # running as root
            pytest.skip("file permissions are not enforced for this user")
        err = _error(d)
        assert err.code == "E101" and str(f) in str(err)
    finally:
        f.chmod(0o644)


def test_patterns_errors_is_a_critparse_error_with_context(tmp_path):
    d = _write(tmp_path, _line(colour="red"))
    err = _error(d)
    assert isinstance(err, critparse.CritparseError)
    assert err.context == {"file": str(d / "user.jsonl"), "line": 1, "field": "colour"}


def test_patterns_errors_never_mid_batch(tmp_path):
    """Once built, a Parser with user rules never raises PatternError while parsing."""
    d = _write(tmp_path, _line())
    p = critparse.Parser(pattern_dirs=[d], extractors=())
    texts = ["", "=> a", "Inclusion Criteria:\n=> a\n  * b\n=> c", "①②③ (1) (2) a) b)", "\ud800 => x"] * 5
    for doc in p.pipe(texts):
        assert doc.end == len(doc.text)
