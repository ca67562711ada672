"""Golden trees of real registry texts (fixtures/structure/<NCT>.txt), each checked by hand.

The expected outline is ``fixtures/structure/<NCT>.outline.json`` (``critparse.outline.outline``).
Accepted imperfections are listed in ``fixtures/structure/NOTES.md``.  To regenerate a file
after a deliberate change, re-check the tree by hand first.
"""
from __future__ import annotations

import pytest
from conftest import FIXTURES, load_json

from critparse.outline import outline

GOLDEN = FIXTURES / "structure"
CASES = sorted(p.stem for p in GOLDEN.glob("NCT*.txt"))


def _text(nct: str) -> str:
    with open(GOLDEN / f"{nct}.txt", encoding="utf-8", newline="") as f:
        return f.read()


def test_structure_golden_has_enough_fixtures():
    assert len(CASES) >= 30
    for nct in CASES:
        assert (GOLDEN / f"{nct}.outline.json").exists(), nct


@pytest.mark.parametrize("nct", CASES)
def test_structure_golden_tree(structure_parser, nct):
    doc = structure_parser.parse(_text(nct))
    assert outline(doc) == load_json(GOLDEN / f"{nct}.outline.json")


@pytest.mark.parametrize("nct", CASES)
def test_structure_golden_covers_every_character(structure_parser, nct):
    text = _text(nct)
    doc = structure_parser.parse(text)
    covered = bytearray(len(text))
    for n in doc.iter_nodes():
        spans = []
        if n.kind == "criterion":
            spans.append((n.start, n.end))
        for sp in (getattr(n, "heading", None), getattr(n, "lead_in", None)):
            if sp is not None and n.kind in ("section", "group"):
                spans.append((sp.start, sp.end))
        for a, b in spans:
            assert 0 <= a <= b <= len(text)
            covered[a:b] = b"\x01" * (b - a)
    missing = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not missing, repr(text[missing[0]:missing[0] + 40])
    assert doc.criteria(), "never an empty tree"
