"""`critparse show`: snapshot of a hand-built tree, and structure of a real parse."""
from __future__ import annotations

import io
import os
from pathlib import Path

from rich.console import Console

import critparse
from critparse.inspect.sample import sample_document
from critparse.inspect.show import print_tree, render_tree

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _check_snapshot(name: str, got: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("CRITPARSE_UPDATE_SNAPSHOTS") == "1":
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"missing snapshot {path}; set CRITPARSE_UPDATE_SNAPSHOTS=1 to write it"
    want = path.read_text(encoding="utf-8")
    assert got == want, f"show output differs from {path}:\n{got}"


def test_show_snapshot_plain():
    _check_snapshot("show_sample.txt", render_tree(sample_document(), width=80))


def test_show_snapshot_spans():
    _check_snapshot("show_sample_spans.txt", render_tree(sample_document(), spans=True, width=80))


def test_show_fits_80_columns():
    for spans in (False, True):
        out = render_tree(sample_document(), spans=spans, width=80)
        assert max(len(line) for line in out.splitlines()) <= 80


def test_show_lists_every_criterion_and_threshold():
    doc = sample_document()
    out = " ".join(render_tree(doc, width=200, max_text=None).split())
    for c in doc.criteria():
        assert " ".join(c.text.split()) in out
    for t in doc.thresholds():
        assert t.rule in out
        assert (t.subject.name or t.subject.text) in out
    assert "[18–70]" in out and "× ULN" in out and "≥ 100000 /mm3" in out
    for w in doc.criteria()[6].temporals:
        assert w.rule in out


def test_show_range_brackets_follow_inclusivity():
    doc = sample_document()
    th = doc.thresholds()[0]
    th.low_inclusive, th.high_inclusive = False, True
    assert "(18–70]" in render_tree(doc, width=120)


def test_show_spans_adds_offsets():
    doc = sample_document()
    plain = render_tree(doc, width=120)
    spans = render_tree(doc, spans=True, width=120)
    c = doc.criteria()[0]
    assert f"[{c.start}:{c.end}]" in spans and f"[{c.start}:{c.end}]" not in plain


def test_show_print_tree_colours():
    buf = io.StringIO()
    print_tree(sample_document(), console=Console(file=buf, width=80, force_terminal=True, color_system="standard"))
    out = buf.getvalue()
    assert "\x1b[" in out
    assert "threshold.compare.uln" in out


def test_show_real_parse_structure():
    text = "Inclusion Criteria:\n\n* Age >= 18 years\n* ECOG 0-1\n\nExclusion Criteria:\n\n* Pregnancy\n"
    doc = critparse.parse(text)
    out = render_tree(doc, spans=True, width=80)
    lines = out.splitlines()
    assert lines[0].startswith("document")
    assert max(len(line) for line in lines) <= 80
    assert "\x1b[" not in out
    flat = " ".join(out.split())
    for c in doc.criteria():
        assert f"[{c.start}:{c.end}]" in flat
        assert " ".join(c.text.split())[:30] in flat
    for t in doc.thresholds():
        assert f"[{t.start}:{t.end}]" in flat
    assert "Pregnancy" in flat
