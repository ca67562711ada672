"""The strings a subject-name rule's matches can start with: a text holding none of them is not searched."""
from __future__ import annotations

import json

import pytest
import regex

from conftest import FIXTURES
from critparse.patterns import default_rules
from critparse.thresholds.prefixes import match_prefixes, text_prefixes


@pytest.mark.parametrize("pattern,flags,want", [
    (r"\b(?:ALT|SGPT)\b", regex.I, {"alt", "sgp"}),
    (r"\bK\b", regex.I, {"k"}),  # a whole match shorter than three letters is its own prefix
    (r"(?:total\s+)?bilirubin", regex.I, {"tot", "bil"}),
], ids=["alternation", "short_match", "optional_word"])
def test_prefixes_read_from_the_pattern(pattern, flags, want):
    assert match_prefixes(regex.compile(pattern, flags)) == frozenset(want)


@pytest.mark.parametrize("pattern", [r"x*", r"(?x) a b c", r"(a)\1", r"\p{L}+"],
                         ids=["may_be_empty", "verbose", "back_reference", "unicode_property"])
def test_prefixes_unknown_when_not_read_exactly(pattern):
    assert match_prefixes(regex.compile(pattern, regex.I)) is None


def test_prefixes_of_a_non_ascii_text_are_unknown():
    assert text_prefixes("créatinine") is None
    assert {"c", "cr", "cre"} <= text_prefixes("Creatinine")


def _subject_texts():
    cases = [json.loads(line) for line in (FIXTURES / "thresholds" / "subjects.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    texts = {t for c in cases for t in c.get("subjects", []) if t}
    texts |= {c["text"] for c in cases}
    return sorted(texts)


def test_prefixes_never_skip_a_rule_that_matches():
    rules = default_rules().of_kind("subject_name")
    texts = _subject_texts()
    assert len(texts) > 100
    for rule in rules:
        prefixes = match_prefixes(rule.regex)
        if prefixes is None:
            continue
        for t in texts:
            have = text_prefixes(t)
            if have is not None and have.isdisjoint(prefixes):
                assert rule.regex.search(t) is None, (rule.id, t)
