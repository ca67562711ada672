"""Input text never raises, never hangs, never loses text (issue 6).

Also home of :func:`check_document`, the invariants every parse must keep; the property,
regression and fuzz checks import it from here.
"""
from __future__ import annotations

import time

import pytest

import critparse
from critparse.lines import markup_spans
from critparse.models import Document
from critparse.structure import MAX_DEPTH

# depth of the tree below a section: MAX_DEPTH stacked frames plus inline sub-conditions
# (three levels, each possibly a label group and a criterion)
DEPTH_LIMIT = MAX_DEPTH + 8


def iter_with_parent(doc: Document):
    """(node, parent, depth) for every section, group and criterion (iteratively)."""
    stack = [(s, None, 1) for s in reversed(doc.sections)]
    while stack:
        node, parent, depth = stack.pop()
        yield node, parent, depth
        stack.extend((c, node, depth + 1) for c in reversed(getattr(node, "children", [])))


def uncovered(doc: Document) -> list[int]:
    """Offsets of non-blank characters of ``doc.text`` outside every criterion span, group
    heading, section heading and lead-in (text the tree lost)."""
    n = len(doc.text)
    mark = bytearray(n + 1)
    diff = [0] * (n + 2)

    def cover(a, b):
        a, b = max(0, min(a, n)), max(0, min(b, n))
        if b > a:
            diff[a] += 1
            diff[b] -= 1

    for node, _, _ in iter_with_parent(doc):
        if node.kind == "criterion":
            cover(node.start, node.end)
        for sp in (getattr(node, "heading", None), getattr(node, "lead_in", None)):
            if sp is not None:
                cover(sp.start, sp.end)
    run = 0
    for i in range(n):
        run += diff[i]
        mark[i] = run > 0
    for a, b in markup_spans(doc.text):  # (HTML line breaks are markup, as line breaks are)
        for i in range(a, b):
            mark[i] = 1
    return [i for i, ch in enumerate(doc.text) if not mark[i] and not (ch.isspace() or ch in "\ufeff\u200b")]


def check_document(doc: Document, text: str, *, coverage: bool = True, roundtrip: bool = True) -> None:
    """The invariants of a parse of ``text`` (raises AssertionError with the first broken one)."""
    n = len(text)
    assert isinstance(doc, Document)
    assert len(doc.text) == n and doc.start == 0 and doc.end == n
    for i, (a, b) in enumerate(zip(doc.text, text)):
        if a != b:  # only lone surrogates may be replaced (by U+FFFD), one for one
            assert "\ud800" <= b <= "\udfff" and a == "\ufffd", (i, a, b)
    assert doc.sections, "a document always has a section"
    max_depth = 0
    for node, parent, depth in iter_with_parent(doc):
        max_depth = max(max_depth, depth)
        assert 0 <= node.start <= node.end <= n, (node.kind, node.start, node.end, n)
        if parent is not None:
            assert parent.start <= node.start and node.end <= parent.end, (
                f"{node.kind} [{node.start},{node.end}] outside its {parent.kind} [{parent.start},{parent.end}]")
        for sp in (getattr(node, "heading", None), getattr(node, "lead_in", None)):
            if sp is not None:
                assert 0 <= sp.start <= sp.end <= n
        for extra in (getattr(node, "thresholds", []), getattr(node, "temporals", []), getattr(node, "lists", [])):
            for x in extra:
                assert 0 <= x.start <= x.end <= n, (x.kind, x.start, x.end)
    assert max_depth <= DEPTH_LIMIT + 1, max_depth
    for d in doc.diagnostics:
        assert 0 <= d.start <= d.end <= n, d
    if coverage:
        lost = uncovered(doc)
        assert not lost, f"text not covered by any node: {[doc.text[i] for i in lost[:20]]} at {lost[:20]}"
    if roundtrip:
        js = doc.model_dump_json()
        assert Document.model_validate_json(js) == doc
        assert Document.model_validate(doc.model_dump(mode="json")) == doc


# --------------------------------------------------------------------------- small, odd inputs

ODD = {
    "empty": "",
    "space": " ",
    "whitespace_only": " \t\n\r\n \u3000\u00a0\n\x0b\x0c",
    "one_char": "x",
    "one_newline": "\n",
    "one_star": "*",
    "one_digit": "1",
    "one_circled": "①",
    "one_colon": ":",
    "one_backslash": "\\",
    "control_chars": "".join(chr(i) for i in range(32)) + "\x7f\x80\x85\x9f",
    "controls_in_list": "Inclusion Criteria:\n* a\x00b\x01\n* \x1bc\x7f\n\x1c* d\x1d\n",
    "nul_only": "\x00" * 10,
    "rtl_marks": "\u200fInclusion Criteria\u200e:\n* \u202eage > 18\u202c\n* \u2067x\u2069",
    "arabic_hebrew": "معايير الاشتمال:\n* العمر ≥ 18 سنة\nשלום: א. ב.\n",
    "emoji": "Inclusion Criteria:\n* 👍🏽 age ≥ 18 👨‍👩‍👧 🏳️‍🌈\n* 🇫🇷\n",
    "combining": "Inclusion Criteria:\n* e\u0301\u0301\u0301 a\u0308ge > 18\n\u0301* x",
    "bom_zwsp": "\ufeffInclusion Criteria:\u200b\n\ufeff* a\u200b\n",
    "line_separators": "Inclusion Criteria:\u2028* a\u2029* b\x85* c\r* d\r\n",
    "fullwidth": "入选标准：\n１．年龄≥18岁；\n２．ＡＬＴ＜３×ＵＬＮ（肝转移者＜５×ＵＬＮ）\n",
    "escapes": "Inclusion Criteria:\n\\* not a bullet \\< 5 \\\\ \\_x\\_\n* a \\> b\\",
    "only_markers": "*\n-\n1.\na)\n(1)\n①\n•\n",
    "only_headings": "Inclusion Criteria:\nExclusion Criteria:\nInclusion Criteria:\n",
    "heading_no_newline": "Exclusion Criteria:",
    "markdown_noise": "# \n## Inclusion\n**\n***\n---\n> quote\n`code`\n[link](x)\n",
    "tabs": "\tInclusion Criteria:\n\t*\tage\t>\t18\n\t\t-\tsub\n",
    "crlf": "Inclusion Criteria:\r\n\r\n* a\r\n  * b\r\n* c\r\n",
    "cr_only": "Inclusion Criteria:\r* a\r* b\r",
    "comparators": "<\n<=\n≤≥≤≥\n>=<\n* < > = ≠ ≤ ≥ ± ~\n",
    "open_parens": "* ((((((((((a\n* )))))\n* (1) (2 (3\n",
    "json_like": "{not json",
    "json_array_text": "[1, 2, 3]",
    "circled_only": "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳❶➊",
    "roman_confusion": "Inclusion Criteria:\nh. a\ni. b\nii. c\niii. d\nv. e\nI. f\n",
    "private_use": "\ue000\uf8ff\U000f0000 * \U0010fffd",
    "noncharacters": "\ufffe\uffff\U0001fffe",
    "lone_surrogate": "\ud800",
    "surrogates_in_list": "Inclusion Criteria:\n* a \udfff b\n* \ud83d\ude00 pair as two code points\n",
    "big_numbers": "* age > " + "9" * 30 + " years\n* 1e99999 mg\n* 0x1F\n* 1,000,000,000,000,000 /L",
}


@pytest.mark.parametrize("name", sorted(ODD))
def test_robust_inputs_odd_text_gives_document(parser, name):
    text = ODD[name]
    doc = parser.parse(text)
    check_document(doc, text)


@pytest.mark.parametrize("name", sorted(ODD))
def test_robust_inputs_odd_text_every_input_format(structure_parser, name):
    text = ODD[name]
    for fmt in ("text", "ctgov-v2-markdown", "ctgov-legacy-text"):
        check_document(structure_parser.parse(text, fmt), text)


def test_robust_inputs_huge_number_roundtrips(parser):
    text = "* age > " + "9" * 400 + " years\n"
    check_document(parser.parse(text), text)


def test_robust_inputs_lone_surrogate_replaced_one_for_one(parser):
    text = "Inclusion Criteria:\n* age \ud800> 18\n"
    doc = parser.parse(text)
    assert doc.text == text.replace("\ud800", "\ufffd")
    assert "\ufffd" in doc.model_dump_json() or "\\ufffd" in doc.model_dump_json()
    crit = doc.criteria()[0]
    assert doc.text[crit.start:crit.end].startswith("* age")


def test_robust_inputs_lone_surrogate_has_diagnostic(parser):
    text = "Inclusion Criteria:\n* age \ud800\udbff> 18\n"
    doc = parser.parse(text)
    codes = [(d.code, d.start, d.end) for d in doc.diagnostics]
    assert ("input.surrogate", 26, 28) in codes


def test_robust_inputs_json_record_with_empty_text(parser):
    doc = parser.parse('{"eligibilityCriteria": ""}')
    check_document(doc, "")


def test_robust_inputs_lone_surrogate_in_json_record(parser):
    raw = '{"eligibilityCriteria": "Inclusion Criteria:\\n* a \\ud800 b"}'
    doc = parser.parse(raw)
    check_document(doc, doc.text)
    assert "\ufffd" in doc.text


# --------------------------------------------------------------------------- big inputs


def _timed(fn, *a):
    """(result, process CPU seconds): the machine may be shared, wall time would be noisy."""
    t0 = time.process_time()
    out = fn(*a)
    return out, time.process_time() - t0


def test_robust_inputs_ten_thousand_bullets(structure_parser):
    text = "Inclusion Criteria:\n" + "".join(f"* item {i} with ALT <= {i} x ULN\n" for i in range(10_000))
    doc, dt = _timed(structure_parser.parse, text)
    assert len(doc.sections[0].children) == 10_000
    check_document(doc, text)
    assert dt < 30


def test_robust_inputs_ten_thousand_bullets_full_parser(parser):
    text = "Inclusion Criteria:\n" + "* ALT <= 3 x ULN\n" * 10_000
    doc, dt = _timed(parser.parse, text)
    assert len(doc.criteria()) == 10_000
    check_document(doc, text, roundtrip=False)
    assert dt < 60


def test_robust_inputs_thousand_nesting_levels_capped(structure_parser):
    text = "Inclusion Criteria:\n" + "".join(" " * i + f"* level {i}\n" for i in range(1000))
    doc = structure_parser.parse(text)
    check_document(doc, text)  # includes the JSON round-trips
    depth = max(d for _, _, d in iter_with_parent(doc))
    assert depth <= MAX_DEPTH + 2
    assert len(doc.criteria()) == 1000  # flattened, not dropped
    assert any(d.code == "structure.too_deep" for d in doc.diagnostics)


def test_robust_inputs_thousand_nesting_mixed_markers(structure_parser):
    markers = ["*", "-", "1.", "a)", "(i)", "①", "A.", "•"]
    text = "".join(" " * i + f"{markers[i % len(markers)]} x{i}\n" for i in range(1000))
    doc = structure_parser.parse(text)
    check_document(doc, text)


def test_robust_inputs_deep_tree_serializes_without_recursion_limit(structure_parser):
    import sys

    text = "".join(" " * i + f"{'-*'[i % 2]} level {i}\n" for i in range(3000))
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # far below the default: nothing may recurse per level
    try:
        doc = structure_parser.parse(text)
    finally:
        sys.setrecursionlimit(old)
    check_document(doc, text)


def test_robust_inputs_two_megabyte_line(structure_parser):
    text = "age > 18 and ALT < 3 x ULN; " * 75_000  # 2.1 MB, no newline
    doc, dt = _timed(structure_parser.parse, text)
    check_document(doc, text, coverage=True, roundtrip=False)
    assert dt < 30


def test_robust_inputs_two_megabyte_single_token(parser):
    text = "x" * 2_000_000
    doc = parser.parse(text)
    check_document(doc, text, roundtrip=False)


def test_robust_inputs_five_megabyte_text(structure_parser, seed_text):
    reps = 5 * 1024 * 1024 // len(seed_text) + 1
    text = (seed_text + "\n\n") * reps
    doc, dt = _timed(structure_parser.parse, text)
    assert len(text) >= 5 * 1024 * 1024
    check_document(doc, text, coverage=False, roundtrip=False)
    assert dt < 120  # ~ 10 ms/KB at most on a loaded machine


# --------------------------------------------------------------------------- linear time

def _budget(parse, text: str, seconds: float) -> float:
    _, dt = _timed(parse, text)
    assert dt < seconds, f"{len(text)} chars took {dt:.1f} CPU s (budget {seconds} s): superlinear?"
    return dt


def test_robust_inputs_escaped_semicolons_linear(structure_parser):
    # many escapes -> many textmap pieces; every semicolon piece slices the text
    text = "Inclusion Criteria:\n* Any of the following:\n\n" + "a \\< 1\u3000\u3000b; " * 8000 + "end\n"
    _budget(structure_parser.parse, text, 5.0)


def test_robust_inputs_whitespace_run_linear(structure_parser):
    text = "Inclusion Criteria:\n* a" + " \t\u3000\u00a0" * 20_000 + "b\n"  # 80 K chars
    _budget(structure_parser.parse, text, 3.0)


def test_robust_inputs_separator_run_in_item_linear(structure_parser):
    text = "Inclusion Criteria:\n* one of: (a) x" + " or and" * 8000 + " y; (b) z\n"  # 56 K chars
    _budget(structure_parser.parse, text, 3.0)  # linear: ~50 ms; quadratic (the old _TAIL regex): ~90 s


def test_robust_inputs_continued_paragraphs_linear(structure_parser):
    text = "Inclusion Criteria:\n* Item owning nothing\n\n" + "lower case paragraph\n\n" * 4000  # 88 K chars
    _budget(structure_parser.parse, text, 3.0)  # linear: ~0.2 s; quadratic (old _continue): ~17 s


# --------------------------------------------------------------------------- regex timeouts


def test_robust_inputs_regex_timeout_becomes_diagnostic(tmp_path):
    import json

    rule = {"id": "user.slow_marker", "kind": "list_marker", "family": "bullet", "priority": 100,
            "pattern": "^(?P<marker>(?:a|aa|aaa)+)[.](?:\\s+|$)", "flags": [], "examples": ["aaa. x"]}
    (tmp_path / "slow.jsonl").write_text(json.dumps(rule) + "\n", encoding="utf-8")
    p = critparse.Parser(pattern_dirs=[tmp_path], extractors=())
    text = "Inclusion Criteria:\n* fine\n" + "a" * 60 + "!\n* fine too\n"
    doc, dt = _timed(p.parse, text)
    assert dt < 10
    assert any("timeout" in d.code or "timed out" in d.message for d in doc.diagnostics)
    check_document(doc, text, coverage=False)


def test_robust_inputs_parse_is_deterministic(parser, seed_text):
    a = parser.parse(seed_text).model_dump_json()
    b = parser.parse(seed_text).model_dump_json()
    assert a == b


_SLOW_THRESHOLD_RULE = {"id": "user.thr.slow", "kind": "threshold", "anchor": "number", "priority": 1000,
                        "comparator": ">", "pattern": "(?P<num>(?:1|11|111)+)x", "flags": [],
                        "examples": [{"text": "11x", "expect": {}}]}


def test_robust_inputs_catastrophic_threshold_rule_does_not_hang(tmp_path):
    import json
    import subprocess
    import sys

    (tmp_path / "slow.jsonl").write_text(json.dumps(_SLOW_THRESHOLD_RULE) + "\n", encoding="utf-8")
    code = ("import critparse, sys\n"
            f"p = critparse.Parser(pattern_dirs=[{str(tmp_path)!r}], extractors=('thresholds',))\n"
            "d = p.parse('Inclusion Criteria:\\n* value ' + '1' * 40 + '!\\n')\n"
            "print(sorted({x.code for x in d.diagnostics}))\n")
    try:
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("parse hung (> 30 s) on a catastrophic user threshold rule")
    assert r.returncode == 0, r.stderr[-2000:]


def test_robust_inputs_many_numbers_in_one_criterion_linear(parser):
    def cpu(n):
        text = "Inclusion Criteria:\n* " + "1. a. " * n + "\n"
        return min(_timed(parser.parse, text)[1] for _ in range(3))

    # (linear time doubles, quadratic quadruples: 3x tells them apart on a shared machine, where a
    # 0.1 s measurement can be off by a quarter)
    small, big = cpu(6000), cpu(12000)
    assert big / small < 3.0, f"{small:.2f} s -> {big:.2f} s when the size doubles"


@pytest.mark.parametrize("text,criteria", [
    ("Inclusion criteria:<br/>- Age 18-65<br/>- BMI < 30 kg/m2", ["Age 18-65", "BMI < 30 kg/m2"]),
    ("<p>Age &gt;= 18</p><p>ECOG 0-1</p>", ["Age >= 18", "ECOG 0-1"]),
    ("Inclusion:<ul><li>Age 18-65</li><li>ECOG 0-1</li></ul>Exclusion:<ul><li>Pregnancy</li></ul>",
     ["Age 18-65", "ECOG 0-1", "Pregnancy"]),
], ids=["br", "paragraphs", "list_items"])
def test_robust_inputs_html_line_breaks_split_lines(text, criteria):
    """Exported text with HTML line breaks: each tag breaks a line (no '<br' read as a comparator),
    and the tags are markup no node has to cover."""
    doc = critparse.parse(text)
    assert [c.text for c in doc.criteria()] == criteria
    assert not [t for c in doc.criteria() for t in c.thresholds if "br" in t.text or "<p" in t.text]
    check_document(doc, text)


def test_robust_inputs_inline_html_tags_are_dropped_and_sup_is_a_power():
    doc = critparse.parse("ANC &ge; 1.5 x 10<sup>9</sup>/L and <b>platelets</b> &ge; 100 x 10<SUP>9</SUP>/L")
    (crit,) = doc.criteria()
    assert crit.text == "ANC ≥ 1.5 x 10^9/L and platelets ≥ 100 x 10^9/L"
    assert [(t.value, t.unit.ucum, t.subject.name) for t in crit.thresholds] == [
        (1.5, "10*9/L", "absolute neutrophil count"), (100, "10*9/L", "platelet count")]
    check_document(doc, doc.text)
