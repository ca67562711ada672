#!/usr/bin/env python
"""The structure parser's bar, measured over the whole registry corpus.

    .venv/bin/python scripts/structure_bar.py [--corpus PATH] [--show N] [--limit N]

Reads ``../shared/corpus/registry.jsonl`` (relative to the repository root; one JSON object
a line with ``nct_id``, ``format``, ``criteria``) and prints:

* **exceptions** (must be 0) and **empty trees** (no criterion at all; must be 0);
* **coverage**: % of non-blank characters inside a criterion span, a group heading, a
  section heading or a section lead-in (must be 100%), and the trials with a gap;
* **time** of the structure parse alone (structure rules only, no extractors) and trials/s;
* **markdown agreement** (``ctgov-v2-markdown`` texts): the list items a CommonMark parser
  (markdown-it-py) finds against the parser's list-item criteria, with the first disagreeing
  NCT ids and a reason class for each.  What is compared, per trial:

  - CommonMark side: every ``list_item`` token, keyed by its first line; depth = number of
    enclosing list items.  An item on a line the parser made a section heading, a section
    lead-in or a group heading ("* Inclusion Criteria:", "* Major Exclusion Criteria:") is
    left out and does not count as an ancestor; a second item opening on the same line
    ("* - text") is the same item.
  - parser side: every criterion made by a line ``list_marker`` rule whose marker, as
    written at the criterion's start, is a CommonMark list marker (``*`` ``-`` ``+`` ``1.``
    ``1)``); an escaped ``5\\.`` / ``\\-`` (CommonMark text), a bullet ``•``, a letter or
    roman marker and inline or run-on items are not list items to CommonMark and are left
    out.  Depth = number of ancestors that are themselves such criteria (groups and
    unmarked lead-in paragraphs do not count).
  - a trial agrees when both give the same set of lines with the same depths.
* **cross-format consistency**: each markdown text is rendered into the registry's legacy
  layout (``to_legacy``) and both parses must give the same criteria as
  (section type, depth, text).

The structure rules alone are loaded (``patterns/structure``) so the bar does not depend on
the threshold rules.  markdown-it-py is a test-time dependency only.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import textwrap
import time
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "registry.jsonl"

_MD_MARKER = regex.compile(r"^(?:[-+*]|\d{1,9}[.)])$")
_ESCAPE = regex.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_WS = regex.compile(r"\s+")
_NONBLANK = regex.compile(r"\S")


def structure_parser():
    """A Parser with the structure rules only and no extractors."""
    import critparse
    import critparse.patterns as P

    P._DEFAULT = P.load_rules([ROOT / "patterns" / "structure"], builtin=False)
    return critparse.Parser(extractors=())


# -- coverage ---------------------------------------------------------------------------
def covered_spans(doc) -> list[tuple[int, int]]:
    spans = []
    for n in doc.iter_nodes():
        if n.kind == "section":
            for sp in (n.heading, n.lead_in):
                if sp is not None:
                    spans.append((sp.start, sp.end))
        elif n.kind == "criterion":
            spans.append((n.start, n.end))
        elif n.kind == "group" and n.heading is not None:
            spans.append((n.heading.start, n.heading.end))
    return spans


def uncovered(text: str, spans: list[tuple[int, int]]) -> tuple[int, int, int]:
    """(non-blank chars, uncovered non-blank chars, first uncovered offset or -1)."""
    total = len(_NONBLANK.findall(text))
    miss = 0
    first = -1
    pos = 0
    for s, e in sorted(spans):
        if s > pos:
            gap = _NONBLANK.search(text, pos, s)
            if gap:
                miss += len(_NONBLANK.findall(text, pos, s))
                first = gap.start() if first < 0 else first
        pos = max(pos, e)
    if pos < len(text):
        gap = _NONBLANK.search(text, pos)
        if gap:
            miss += len(_NONBLANK.findall(text, pos))
            first = gap.start() if first < 0 else first
    return total, miss, first


# -- markdown agreement -----------------------------------------------------------------
_MD = None


def _markdown():
    global _MD
    if _MD is None:
        try:
            from markdown_it import MarkdownIt
        except ImportError:  # pragma: no cover
            sys.exit("markdown-it-py is missing: .venv/bin/pip install markdown-it-py")
        _MD = MarkdownIt("commonmark")
    return _MD


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for m in regex.finditer(r"\r\n|\r|\n", text):
        starts.append(m.end())
    return starts


def _line_of(starts: list[int], off: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, off) - 1


def heading_lines(doc, starts) -> set[int]:
    """Lines where the parser put a section heading, a lead-in or a group heading."""
    out = set()
    for n in doc.iter_nodes():
        if n.kind not in ("section", "group") or n.rule == "structure.inline_label":
            continue  # a label inside running text ("a) one of:") is not a line heading
        for sp in (n.heading, getattr(n, "lead_in", None)):
            if sp is not None and sp.end > sp.start:
                out.add(_line_of(starts, sp.start))
    return out


def markdown_items(text: str, skip_lines: set[int]) -> dict[int, int]:
    """CommonMark list items as {first line: depth}.

    Depth = number of enclosing list items, not counting items the parser made a heading
    of ("* Inclusion Criteria:" is a section heading there, not a list item).  Items on a
    heading line are left out.
    """
    # markdown-it counts "\r" alone as a line break too; normalise to "\n" (same line numbers)
    toks = _markdown().parse(text.replace("\r\n", "\n").replace("\r", "\n"))
    items: dict[int, int] = {}
    stack: list[bool] = []   # per open list item: does it count (not a heading line)?
    for t in toks:
        if t.type == "list_item_open":
            line = t.map[0]
            counts = line not in skip_lines and line not in items
            if counts:  # "* - text": a second marker on the same line is the same item
                items[line] = sum(stack)
            stack.append(counts)
        elif t.type == "list_item_close":
            stack.pop()
    return items


def is_md_list_criterion(c, text: str) -> bool:
    """A line list item whose marker, as written, is a CommonMark list marker (an escaped
    ``5\\.`` or ``\\-`` is not: CommonMark reads it as text, the parser as an item)."""
    if not (c.rule and c.rule.startswith("marker.") and c.marker and _MD_MARKER.match(c.marker)):
        return False
    return text.startswith(c.marker, c.start)


def parser_items(doc, starts, text: str) -> dict[int, int]:
    """The parser's line list items with a CommonMark marker (``*`` ``-`` ``+`` ``1.`` ``1)``)
    as {first line: depth}; depth = number of ancestors that are themselves such items."""
    items: dict[int, int] = {}
    stack = [(s, 0) for s in doc.sections]
    while stack:
        node, depth = stack.pop()
        for ch in getattr(node, "children", []):
            d = depth
            if ch.kind == "criterion" and is_md_list_criterion(ch, text):
                items[_line_of(starts, ch.start)] = depth
                d = depth + 1
            stack.append((ch, d))
    return items


def classify_md(text: str, md: dict[int, int], ours: dict[int, int]) -> tuple[str, int]:
    """A reason class for a disagreement, and the first line concerned."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    only_md = sorted(set(md) - set(ours))
    only_ours = sorted(set(ours) - set(md))
    if only_ours:
        ln = only_ours[0]
        raw = lines[ln] if ln < len(lines) else ""
        prev = lines[ln - 1] if ln > 0 else ""
        ind = len(raw) - len(raw.lstrip(" "))
        if regex.match(r"\s*\d{1,9}[.)]", raw) and prev.strip() and not regex.match(r"\s*\d+[.)]\s*1[.)]", raw):
            return "parser-only: ordered item interrupting a paragraph (CommonMark: only '1.' may)", ln
        if ind >= 4 and prev.strip():
            return "parser-only: indented marker after text (CommonMark: lazy continuation)", ln
        if ind >= 4:
            return "parser-only: indented >=4 (CommonMark: code block or continuation)", ln
        if regex.match(r"\s*[-*+]\s*$", raw) or regex.match(r"\s*(?:[-*_]\s*){3,}$", raw):
            return "parser-only: empty marker / thematic break / setext underline", ln
        if regex.match(r"\s*\d{1,9}[.)]\S", raw):
            return "parser-only: marker without a space", ln
        return "parser-only: other", ln
    if only_md:
        ln = only_md[0]
        return "markdown-only: item the parser joined or read otherwise", ln
    ln = next(k for k in sorted(md) if md[k] != ours[k])
    if ours[ln] > md[ln]:
        return "depth differs: the parser nests a list of another marker family under the item before it " \
               "(CommonMark starts a sibling list)", ln
    return "depth differs: CommonMark keeps nesting across a heading or paragraph the parser ends the list at", ln


# -- cross-format -----------------------------------------------------------------------
def _unescape(s: str) -> str:
    return _ESCAPE.sub(r"\1", s)


def _wrap(text: str, first: str, rest: str, width: int = 80) -> list[str]:
    out = []
    for i, line in enumerate(text.split("\n")):
        line = line.strip()
        if not line:
            continue
        w = textwrap.wrap(line, width=width, initial_indent=first if (i == 0 and not out) else rest,
                          subsequent_indent=rest, break_long_words=False, break_on_hyphens=False)
        out.extend(w)
    return out


def to_legacy(md_text: str, width: int = 80) -> str:
    """Render a v2-markdown text the way the registry's legacy text looks.

    Headings and paragraphs outside lists at 8 spaces; a list item at depth d (0-based)
    starts at column 10 + 5*d with ``-  `` (bullets) or ``N. `` (ordered, right-aligned in
    3 columns); its text and continuation lines line up under the text; a blank line
    between blocks; hard-wrapped at ``width`` columns; markdown escapes removed.  Soft line
    breaks inside a paragraph stay line breaks (the text's own lines are kept).
    """
    toks = _markdown().parse(md_text.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = [""]
    lists: list[dict] = []        # open lists: ordered?, next number
    items: list[dict] = []        # open items: text column, first-block pending marker
    pending: str = ""
    for t in toks:
        if t.type in ("bullet_list_open", "ordered_list_open"):
            lists.append({"ordered": t.type == "ordered_list_open"})
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t.type == "list_item_open":
            mk = f"{t.info}." if lists[-1]["ordered"] else "-"
            if items and not items[-1]["used"] and t.map[0] == items[-1]["line"]:
                # "* - text": an item opening on its parent's line stays on that line
                first = items[-1]["first"] + mk + " " * max(1, 3 - len(mk))
                items[-1]["used"] = True
            else:
                col = 10 + 5 * len(items)
                # bullets at column 10, numbers right-aligned so their text starts at 13 too
                pad = col if mk == "-" else max(0, col + 2 - len(mk))
                first = " " * pad + mk + " " * max(1, 3 - len(mk))
            items.append({"col": len(first), "first": first, "used": False, "line": t.map[0]})
        elif t.type == "list_item_close":
            it = items.pop()
            if not it["used"]:
                out += [it["first"].rstrip(), ""]
        elif t.type in ("inline", "code_block", "fence", "html_block"):
            content = _unescape(t.content) if t.type == "inline" else t.content
            if not content.strip():
                continue
            if items:
                it = items[-1]
                rest = " " * it["col"]
                first = rest
                if not it["used"]:
                    first, it["used"] = it["first"], True
            else:
                first = rest = " " * 8
            out += _wrap(content, first, rest, width) + [""]
    return "\n".join(out).rstrip("\n") + "\n      "


def criteria_triples(doc) -> list[tuple[str, int, str]]:
    """(section type, depth, text) of every criterion in document order; depth counts the
    criterion and group ancestors below the section."""
    out = []
    for sec in doc.sections:
        stack = [(c, 0) for c in reversed(sec.children)]
        while stack:
            node, d = stack.pop()
            if node.kind == "criterion":
                out.append((sec.type, d, _WS.sub(" ", _unescape(node.text)).strip()))
            stack.extend((c, d + 1) for c in reversed(node.children))
    return out


# -- main -------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--show", type=int, default=15, help="disagreeing NCT ids to list")
    ap.add_argument("--limit", type=int, default=0, help="only the first N texts")
    args = ap.parse_args(argv)
    path = Path(args.corpus)
    if not path.exists():
        print(f"corpus not found: {path} (../shared is only on development machines)", file=sys.stderr)
        return 2
    recs = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    if args.limit:
        recs = recs[: args.limit]
    parser = structure_parser()

    # 1. the parse alone, timed
    docs = []
    exceptions = []
    t0 = time.perf_counter()
    c0 = time.process_time()
    for r in recs:
        try:
            docs.append(parser.parse(r["criteria"], input_format=r["format"]))
        except Exception as exc:  # noqa: BLE001 - counted and reported
            docs.append(None)
            exceptions.append((r["nct_id"], repr(exc)[:120]))
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0

    # 2. empty trees and coverage
    empty, gaps = [], []
    total_chars = miss_chars = 0
    for r, d in zip(recs, docs):
        if d is None:
            continue
        if not d.criteria():
            empty.append(r["nct_id"])
        tot, miss, first = uncovered(r["criteria"], covered_spans(d))
        total_chars += tot
        miss_chars += miss
        if miss:
            gaps.append((r["nct_id"], r["criteria"][max(0, first - 30):first + 40]))

    n = len(recs)
    print(f"texts                 {n}  ({collections.Counter(r['format'] for r in recs)})")
    print(f"exceptions            {len(exceptions)}")
    for nid, msg in exceptions[: args.show]:
        print(f"    {nid}: {msg}")
    print(f"empty trees           {len(empty)}  {empty[: args.show]}")
    cov = 100.0 * (total_chars - miss_chars) / max(1, total_chars)
    print(f"coverage              {cov:.4f}% of non-blank characters ({miss_chars} uncovered in {len(gaps)} trials)")
    for nid, ctx in gaps[: args.show]:
        print(f"    {nid}: {ctx!r}")
    print(f"time (structure only) {elapsed:.2f} s wall, {cpu:.2f} s CPU   {n / elapsed:.0f} trials/s wall, "
          f"{n / cpu:.0f} trials/s CPU (one core)")

    # 3. markdown agreement
    md_recs = [(r, d) for r, d in zip(recs, docs) if r["format"] == "ctgov-v2-markdown" and d is not None]
    agree = 0
    reasons: collections.Counter = collections.Counter()
    bad = []
    for r, d in md_recs:
        text = r["criteria"]
        starts = _line_starts(text)
        md = markdown_items(text, heading_lines(d, starts))
        ours = parser_items(d, starts, text)
        if md == ours:
            agree += 1
            continue
        reason, ln = classify_md(text, md, ours)
        reasons[reason] += 1
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        bad.append((r["nct_id"], reason, ln, lines[ln][:90] if ln < len(lines) else ""))
    pct = 100.0 * agree / max(1, len(md_recs))
    print(f"markdown agreement    {pct:.2f}% of {len(md_recs)} v2-markdown trials (same list items, same depth)")
    for reason, k in reasons.most_common():
        print(f"    {k:5d}  {reason}")
    for nid, reason, ln, line in bad[: args.show]:
        print(f"    {nid}  line {ln + 1}: {reason}: {line!r}")

    # 4. cross-format consistency
    same = 0
    diffs = []
    classes: collections.Counter = collections.Counter()
    for r, d in md_recs:
        legacy = to_legacy(r["criteria"])
        try:
            d2 = parser.parse(legacy, input_format="ctgov-legacy-text")
        except Exception as exc:  # noqa: BLE001
            diffs.append((r["nct_id"], f"exception on the legacy rendering: {exc!r}"[:120]))
            continue
        a, b = criteria_triples(d), criteria_triples(d2)
        if a == b:
            same += 1
            continue
        k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        x = a[k] if k < len(a) else None
        y = b[k] if k < len(b) else None
        cls = ("count" if x is None or y is None else "section type" if x[0] != y[0]
               else "depth" if x[1] != y[1] else "text")
        classes[cls] += 1
        diffs.append((r["nct_id"], f"{cls} at criterion #{k}: markdown {str(x)[:70]} | legacy {str(y)[:70]}"))
    pct2 = 100.0 * same / max(1, len(md_recs))
    print(f"cross-format          {pct2:.2f}% of {len(md_recs)} markdown trials give the same (section, depth, text) "
          f"criteria when rendered as legacy text")
    for cls, k in classes.most_common():
        print(f"    {k:5d}  first difference in {cls}")
    for nid, why in diffs[: args.show]:
        print(f"    {nid}  {why}")
    ok = not exceptions and not empty and miss_chars == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
