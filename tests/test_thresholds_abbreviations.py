"""Abbreviations defined in the text (scispacy's detector on a blank pipeline)."""
from __future__ import annotations

from critparse import abbreviations
from critparse.abbreviations import find_abbreviations, has_candidate
from critparse.textmap import MappedText


def _crits(text):
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        s, e = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        mt = MappedText.build(text, [(s, e)])
        if mt.text:
            out.append((None, mt))
    return out


def test_abbreviations_found_with_original_offsets():
    text = "* bilirubin \\<2× upper limit of normal (ULN)\n* left ventricular ejection fraction (LVEF) ≥50%\n"
    found = find_abbreviations(text, _crits(text))
    assert [(a.short.text, a.long.text) for a in found] == [
        ("ULN", "upper limit of normal"), ("LVEF", "left ventricular ejection fraction")]
    for a in found:
        assert text[a.short.start:a.short.end] == a.short.text
        assert text[a.long.start:a.long.end] == a.long.text


def test_abbreviations_prefilter_skips_spacy(monkeypatch):
    calls = []
    monkeypatch.setattr(abbreviations, "_nlp", lambda: calls.append(1))
    text = "Age 18 years or older\nNo (prior) therapy\n"
    assert find_abbreviations(text, _crits(text)) == []
    assert calls == []
    assert has_candidate("ratio (INR)") and not has_candidate("therapy (prior)")


def test_abbreviations_later_uses_are_not_definitions():
    text = "upper limit of normal (ULN); ALT < 3 ULN and AST < 3 ULN"
    found = find_abbreviations(text, _crits(text))
    assert len(found) == 1
