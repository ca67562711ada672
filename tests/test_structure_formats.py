"""Cross-format consistency: a markdown text rendered in the registry's legacy layout gives
the same criteria (section, depth, text), and normalisation keeps offsets into the original."""
from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import FIXTURES, ROOT

pytest.importorskip("markdown_it")

_spec = importlib.util.spec_from_file_location("structure_bar", ROOT / "scripts" / "structure_bar.py")
bar = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bar)

MARKDOWN_FIXTURES = ["NCT05598008", "NCT05021835", "NCT04209114", "NCT04262661", "NCT05813925",
                     "NCT05754957", "NCT03809221", "NCT05688631"]


def _text(name: str) -> str:
    with open(FIXTURES / "structure" / f"{name}.txt", encoding="utf-8", newline="") as f:
        return f.read()


def test_formats_legacy_rendering_looks_like_the_registry():
    legacy = bar.to_legacy("Inclusion Criteria:\n\n* Age \\>= 18\n* Either:\n\n  * a\n  * b\n\n1. one\n")
    lines = legacy.split("\n")
    assert lines[1] == "        Inclusion Criteria:"
    assert "          -  Age >= 18" in lines
    assert "               -  a" in lines
    assert "          1. one" in lines
    assert "\\" not in legacy


@pytest.mark.parametrize("nct", MARKDOWN_FIXTURES)
def test_formats_markdown_and_legacy_give_the_same_criteria(structure_parser, nct):
    md = _text(nct)
    a = bar.criteria_triples(structure_parser.parse(md, input_format="ctgov-v2-markdown"))
    b = bar.criteria_triples(structure_parser.parse(bar.to_legacy(md), input_format="ctgov-legacy-text"))
    assert a == b


def test_formats_seed_markdown_and_legacy_agree(structure_parser, seed_text):
    a = bar.criteria_triples(structure_parser.parse(seed_text, input_format="ctgov-v2-markdown"))
    b = bar.criteria_triples(structure_parser.parse(bar.to_legacy(seed_text), input_format="ctgov-legacy-text"))
    assert a == b


@pytest.mark.parametrize("nct", ["NCT05598008", "NCT00417482", "NCT01926496"])
def test_formats_crlf_tabs_nbsp_keep_tree_and_offsets(structure_parser, nct):
    text = _text(nct)
    base = structure_parser.parse(text)
    variants = [
        text.replace("\n", "\r\n"),
        text.replace("\n", "\r"),
        text.replace("    ", "\t"),
        text.replace("with ", "with\u00a0").replace("of ", "of\u3000"),
    ]
    want = [(c.text.replace("\u00a0", " "), len(c.children)) for c in base.criteria()]
    for v in variants:
        doc = structure_parser.parse(v)
        got = [(c.text, len(c.children)) for c in doc.criteria()]
        assert [g[1] for g in got] == [w[1] for w in want]
        assert [g[0] for g in got] == [w[0] for w in want]
        for c in doc.criteria():
            raw = v[c.start:c.end]
            # the span is the original stretch: its words are the clean text's words
            assert raw.split() == c.text.split() or c.children or c.marker, (raw, c.text)


def test_formats_fullwidth_punctuation_and_escapes_map_to_the_original(structure_parser):
    text = "Inclusion Criteria：\n\n* Age \\>= 18 years（inclusive）；\n* Hb \\< 9 g/dL\n\nExclusion Criteria:\n\n* Pregnancy\n"
    doc = structure_parser.parse(text, input_format="ctgov-v2-markdown")
    inc, exc = doc.sections
    assert (inc.type, exc.type) == ("inclusion", "exclusion")
    first, second = inc.children
    assert first.text == "Age >= 18 years(inclusive);"
    # a criterion's span starts at its marker; its text is clean
    assert text[first.start:first.end] == "* Age \\>= 18 years（inclusive）；"
    assert second.text == "Hb < 9 g/dL"
    assert text[second.start:second.end] == "* Hb \\< 9 g/dL"
