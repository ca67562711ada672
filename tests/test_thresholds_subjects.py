"""Which words a threshold limits: golden cases from fixtures/thresholds/subjects.jsonl, one test id a case."""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES
from _thresholds_helpers import run

CASES = [json.loads(line) for line in (FIXTURES / "thresholds" / "subjects.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_thresholds_subjects_golden(case):
    found = run(case["text"]).thresholds
    assert [t.subject.text if t.subject else None for t in found] == case["subjects"]
    if "names" in case:
        assert [t.subject.name for t in found] == case["names"]
    if "values" in case:
        assert [t.value for t in found] == case["values"]
    if "units" in case:
        assert [t.unit.ucum if t.unit else None for t in found] == case["units"]


def test_thresholds_subjects_alternative_follows_the_limit_before_it():
    # 'or over 100 bpm' limits the heart rate written just before it, not the first subject of the list
    text = "diastolic blood pressure lower than 50 or over 90 mmHg, or heart rate less than 50 or over 100 bpm"
    root = run(text).thresholds[0]
    assert root.subject.text == "diastolic blood pressure"
    assert [(a.text, a.subject.text) for a in root.alternatives] == [
        ("over 90 mmHg", "diastolic blood pressure"), ("less than 50", "heart rate"), ("over 100 bpm", "heart rate")]


def test_thresholds_subjects_parenthesised_limit_is_an_alternative_only_when_qualified():
    # a condition named in the parenthesis keeps the limit an alternative of the one before it ...
    root = run("AST > 3×ULN (tumor liver metastasis ≥ 5×ULN); TBIL > 1.5 ×ULN").thresholds[0]
    assert [a.text for a in root.alternatives] == ["≥ 5×ULN"]
    # ... the same limit restated on another scale is a threshold of its own, not an alternative
    found = run("ECOG performance status ≤2 (Karnofsky ≥60%)").thresholds
    assert [t.alternatives for t in found] == [[], []]
