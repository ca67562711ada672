"""`critparse html`: highlight markup from offsets and the self-contained page (no browser)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from critparse.inspect.common import Record, load_records
from critparse.inspect.html import Highlight, document_parts, highlight_markup, render_html
from critparse.inspect.sample import sample_document


class _Elements(HTMLParser):
    """Every element with data-start, with its attributes and textContent."""

    VOID = {"meta", "input", "br", "hr", "img", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict, list[str]]] = []
        self.done: list[tuple[dict, str]] = []
        self.top: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.stack.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        t, attrs, parts = self.stack.pop()
        assert t == tag, f"</{tag}> closes <{t}>"
        text = "".join(parts)
        if self.stack:
            self.stack[-1][2].append(text)
        else:
            self.top.append(text)
        if "data-start" in attrs:
            self.done.append((attrs, text))

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2].append(data)
        else:
            self.top.append(data)


def _elements(markup: str) -> list[tuple[dict, str]]:
    p = _Elements()
    p.feed(markup)
    p.close()
    assert not p.stack
    return p.done


def _text_of(markup: str) -> str:
    p = _Elements()
    p.feed(markup)
    p.close()
    return "".join(p.top)


def test_html_markup_nested_and_escaped():
    text = "a <b> & c"
    hs = [Highlight(0, 9, "criterion", "n1"), Highlight(2, 5, "subject", "n2", rule="r1", tip="t")]
    m = highlight_markup(text, hs)
    assert "&lt;b&gt;</span> &amp; c" in m
    els = _elements(m)
    assert {(a["data-kind"], a["data-start"], a["data-end"]) for a, _ in els} == {
        ("criterion", "0", "9"), ("subject", "2", "5")}
    for attrs, content in els:
        assert content == text[int(attrs["data-start"]):int(attrs["data-end"])]


def test_html_markup_crossing_spans_are_fragmented():
    text = "0123456789abcdef"
    hs = [Highlight(0, 10, "criterion", "a"), Highlight(2, 8, "threshold", "b"), Highlight(5, 15, "temporal", "c")]
    els = _elements(highlight_markup(text, hs))
    for attrs, content in els:
        assert content == text[int(attrs["data-start"]):int(attrs["data-end"])]
    frags = sorted((int(a["data-start"]), int(a["data-end"])) for a, _ in els if a["data-node"] == "c")
    assert frags[0][0] == 5 and frags[-1][1] == 15
    assert all(a["data-node-start"] == "5" and a["data-node-end"] == "15" for a, _ in els if a["data-node"] == "c")
    # fragments tile the node's span without gaps
    assert all(x[1] == y[0] for x, y in zip(frags, frags[1:]))


def test_html_markup_same_span_nests_by_rank_and_skips_bad_spans():
    text = "ALT"
    hs = [Highlight(0, 3, "subject", "s"), Highlight(0, 3, "criterion", "c"), Highlight(2, 2, "value", "e"),
          Highlight(1, 99, "unit", "bad")]
    m = highlight_markup(text, hs)
    assert m.index('data-kind="criterion"') < m.index('data-kind="subject"')
    assert 'data-node="e"' not in m and 'data-node="bad"' not in m
    assert _text_of(m) == text


def test_html_markup_preserves_text_exactly():
    doc = sample_document()
    text_html, _, _ = document_parts(doc)
    assert _text_of(text_html) == doc.text


def test_html_page_highlights_match_offsets():
    doc = sample_document()
    page = render_html([Record("sample", doc)])
    els = _elements(page)
    assert els
    for attrs, content in els:
        s, e = int(attrs["data-start"]), int(attrs["data-end"])
        assert content == doc.text[s:e]
        assert "data-rule" in attrs and "data-node-start" in attrs
    kinds = {}
    for attrs, content in els:
        kinds.setdefault(attrs["data-kind"], set()).add((int(attrs["data-node-start"]), int(attrs["data-node-end"])))
    for c in doc.criteria():
        assert (c.start, c.end) in kinds["criterion"]
    for t in doc.thresholds():
        assert (t.start, t.end) in kinds["threshold"]
        assert (t.subject.start, t.subject.end) in kinds["subject"]
    assert {"comparator", "value", "unit", "temporal", "variant_list", "heading"} <= set(kinds)


def test_html_page_comparator_and_value_located():
    doc = sample_document()
    els = _elements(render_html([Record("sample", doc)]))
    comps = [c for a, c in els if a["data-kind"] == "comparator"]
    vals = [c for a, c in els if a["data-kind"] == "value"]
    assert "<" in comps and "≤" in comps and "≥" in comps and "-" in comps
    assert {"18", "70", "2", "3", "5", "100,000", "0"} <= set(vals)
    assert all(a.get("data-located") == "search" for a, _ in els if a["data-kind"] in ("comparator", "value"))


def test_html_page_tips_carry_values_and_rule():
    doc = sample_document()
    els = _elements(render_html([Record("sample", doc)]))
    thr = [a for a, _ in els if a["data-kind"] == "threshold" and a["data-rule"] == "threshold.compare.uln"]
    assert thr and "× ULN" in thr[0]["data-tip"] and "threshold.compare.uln" in thr[0]["data-tip"]


def test_html_page_is_self_contained():
    page = render_html([Record("sample", sample_document())])
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    assert "<details open" in page and "data-target=" in page


def test_html_page_tree_targets_exist_in_text():
    page = render_html([Record("sample", sample_document())])
    targets = set(re.findall(r'data-target="([^"]+)"', page))
    nodes = set(re.findall(r'data-node="([^"]+)"', page))
    assert targets and targets <= nodes


def test_html_batch_page_has_trial_list():
    a, b = sample_document(), sample_document()
    lines = "\n".join([json.dumps({"nct_id": "NCT1", "document": a.model_dump(mode="json")}),
                       b.model_dump_json()])
    recs = load_records(lines)
    assert [r.key for r in recs] == ["NCT1", "line 2"]
    page = render_html(recs)
    assert 'nav class="trials"' in page and page.count('<section class="doc') == 2
    assert 'data-node="d1n1"' in page
