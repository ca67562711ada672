"""The seed trial NCT06307600: its whole expected tree (structure), checked by hand."""
from __future__ import annotations

from conftest import FIXTURES, load_json

from critparse.outline import outline


def test_structure_seed_whole_tree(structure_parser, seed_text):
    doc = structure_parser.parse(seed_text)
    assert outline(doc) == load_json(FIXTURES / "NCT06307600.outline.json")


def test_structure_seed_inclusion_has_seven_criteria(structure_parser, seed_text):
    inc, exc = structure_parser.parse(seed_text).sections
    assert (inc.type, exc.type) == ("inclusion", "exclusion")
    assert len(inc.children) == 7
    assert len(exc.children) == 10


def test_structure_seed_relapsed_refractory_groups(structure_parser, seed_text):
    crit = structure_parser.parse(seed_text).sections[0].children[1]
    assert crit.logic == "any"
    assert [g.label for g in crit.children] == ["Relapsed B-ALL", "Refractory B-ALL"]
    assert [len(g.children) for g in crit.children] == [3, 2]
    assert all(g.logic == "any" for g in crit.children)
    assert crit.children[0].children[0].text == "Relapse within 12 months after the first remission"


def test_structure_seed_organ_function_owns_semicolon_items(structure_parser, seed_text):
    crit = structure_parser.parse(seed_text).sections[0].children[4]
    assert crit.text.startswith("Organ function") and crit.logic == "all"
    assert len(crit.children) == 5
    assert crit.children[1].text.startswith("Coagulation function: International normalized ratio (INR)")


def test_structure_seed_exclusion_paragraph_and_except(structure_parser, seed_text):
    exc = structure_parser.parse(seed_text).sections[1]
    para = exc.children[6]
    assert para.marker is None and para.text.startswith("Presence or suspicion of uncontrollable active infection")
    cancers = exc.children[7]
    assert cancers.logic == "except" and len(cancers.children) == 2


def test_structure_seed_offsets_slice_back(structure_parser, seed_text):
    doc = structure_parser.parse(seed_text)
    for crit in doc.criteria():
        raw = seed_text[crit.start:crit.end]
        # the clean text is made of the raw characters (escapes removed, wraps joined)
        assert crit.text.replace("<", "").split()[0] in raw.replace("\\<", "<").replace("<", "") or not crit.text
