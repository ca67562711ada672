"""Golden tests: the seed trial NCT06307600 parsed end to end (one case per expected node)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import critparse

from _thresholds_helpers import matches

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "thresholds"
GOLDEN = json.loads((FIXTURES / "NCT06307600.golden.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def doc():
    return critparse.parse((FIXTURES / "NCT06307600.md").read_text(encoding="utf-8"))


def _all(doc, attr):
    return [n for c in doc.criteria() for n in getattr(c, attr)]


@pytest.mark.parametrize("want", GOLDEN["thresholds"], ids=[w["id"] for w in GOLDEN["thresholds"]])
def test_golden_seed_threshold(doc, want):
    found = _all(doc, "thresholds")
    hits = [t for t in found if matches(t, want)]
    assert hits, f"{want['id']}: no threshold like {want}"
    alt = want.get("alternative")
    if alt:
        assert any(matches(a, alt) for t in hits for a in t.alternatives), f"{want['id']}: no alternative like {alt}"


@pytest.mark.parametrize("want", GOLDEN["temporals"], ids=[w["id"] for w in GOLDEN["temporals"]])
def test_golden_seed_temporal(doc, want):
    found = _all(doc, "temporals")
    assert any(matches(t, want) for t in found), f"{want['id']}: no temporal like {want}"


@pytest.mark.parametrize("want", GOLDEN["lists"], ids=[w["id"] for w in GOLDEN["lists"]])
def test_golden_seed_variant_list(doc, want):
    lists = _all(doc, "lists")
    assert any(v.items[: len(want["items_start"])] == want["items_start"] for v in lists)


def test_golden_seed_offsets_point_into_the_original(doc):
    text = (FIXTURES / "NCT06307600.md").read_text(encoding="utf-8")
    for t in _all(doc, "thresholds"):
        # original text may hold a markdown escape ('\\<') where the clean text has '<'
        assert text[t.start:t.end].replace("\\", "") == t.text
        if t.subject:
            assert text[t.subject.start:t.subject.end].replace("\\", "") == t.subject.text


def test_golden_seed_abbreviations(doc):
    pairs = {(a.short.text, a.long.text) for a in doc.abbreviations}
    assert ("ULN", "upper limit of normal") in pairs
    assert ("LVEF", "left ventricular ejection fraction") in pairs


def test_golden_seed_round_trips(doc):
    assert critparse.Document.model_validate(doc.model_dump(mode="json")) == doc
