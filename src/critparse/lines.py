"""From raw text to *blocks*: lines classified (blank, heading, sub-heading, list item,
paragraph) and wrapped lines joined.

A block is the unit the tree builder nests: one heading, one sub-heading, one list item
(marker plus its wrapped continuation lines) or one unmarked paragraph.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import regex

from .patterns import Rule, RuleSet
from .textmap import MappedText

_BREAK = regex.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c|\x1c|\x1d|\x1e|\x85")
_LEAD_WS = regex.compile(r"[ \t\u00a0\u3000\u2000-\u200b\u202f\ufeff]*")
_TRAIL_WS = regex.compile(r"[ \t\u00a0\u3000\u2000-\u200b\u202f\ufeff]+$")
_TERMINAL = ".!?:;"
_MAX_HEADING = 100


@dataclass
class Line:
    start: int          # offset of the first non-blank character
    end: int            # offset after the last non-blank character
    indent: int         # columns of leading white space (tab = 4)
    blank_before: bool  # a blank line (or the start of the text) precedes it
    text: str = ""      # clean text of the line


@dataclass
class Block:
    kind: str                   # heading | subheading | item | para
    start: int                  # original offset of the block (marker included)
    indent: int
    segments: list[tuple[int, int]] = field(default_factory=list)  # original content stretches
    blank_before: bool = False
    marker: Optional[str] = None
    family: Optional[str] = None
    ordinal: Optional[str] = None
    rule: Optional[str] = None
    section: Optional[str] = None       # headings: inclusion | exclusion | unspecified
    label: Optional[str] = None         # headings and sub-headings
    lead_in: bool = False               # heading rule that reads as a lead-in sentence
    heading_end: int = 0                # headings/sub-headings: end of the heading; items: end of the marker line
    mt: Optional[MappedText] = None     # clean content (filled by finish())

    @property
    def end(self) -> int:
        return self.segments[-1][1] if self.segments else self.heading_end or self.start

    def finish(self, source: str) -> None:
        self.mt = MappedText.build(source, self.segments)


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with their offsets and indentation; blank lines only set ``blank_before``."""
    lines: list[Line] = []
    pos = 0
    blank = True
    n = len(text)
    breaks = [m.span() for m in _BREAK.finditer(text)]
    breaks.append((n, n))
    for b0, b1 in breaks:
        s, e = pos, b0
        pos = b1
        lead = _LEAD_WS.match(text, s, e)
        cs = lead.end() if lead else s
        if cs >= e:
            blank = True
            continue
        tail = _TRAIL_WS.search(text, cs, e)
        ce = tail.start() if tail else e
        ws = text[s:cs]
        indent = len(ws) + 3 * ws.count("\t")
        lines.append(Line(cs, ce, indent, blank))
        blank = False
    return lines


def _looks_wrapped(lines: list[Line], text: str) -> bool:
    """Hard-wrapped text (the registry's legacy block): long lines all near one width."""
    if len(lines) < 3:
        return False
    widths = [ln.end - ln.start + ln.indent for ln in lines]
    if max(widths) > 100:
        return False
    return sum(1 for w in widths if w >= 60) >= 0.25 * len(lines)


class LineClassifier:
    """Applies the structure rules to one line's clean text (one alternation per kind)."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.headings = rules.compiled("section_heading")
        self.heading_any = rules.union("section_heading")[0]

    def heading(self, text: str) -> Optional[tuple[Rule, "regex.Match[str]", int]]:
        """(rule, match, end of heading in clean text) when the line opens a section."""
        if not text or len(text) > 400 or self.heading_any.match(text, timeout=1.0) is None:
            return None
        for rule, rx in self.headings:
            m = rx.match(text, timeout=1.0)
            if not m:
                continue
            rest = text[m.end():]
            stripped = rest.lstrip()
            if not stripped:
                return rule, m, m.end()
            if stripped.startswith(":"):
                colon = m.end() + (len(rest) - len(stripped)) + 1
                if colon <= _MAX_HEADING:
                    return rule, m, colon
        return None

    def marker(self, text: str) -> Optional[tuple[Rule, "regex.Match[str]"]]:
        return self.rules.match_first("list_marker", text)

    def subheading(self, text: str) -> Optional[tuple[Rule, "regex.Match[str]"]]:
        if len(text) > 80 or ":" not in text:  # every sub-heading ends its label with a colon
            return None
        found = self.rules.match_first("subheading", text)
        return found if found is not None and found[0].scope == "line" else None


def heading_label(m: "regex.Match[str]") -> Optional[str]:
    parts = [m.groupdict().get("pre_label"), m.groupdict().get("label")]
    label = " ".join(p.strip(" _-–:()") for p in parts if p and p.strip(" _-–:()"))
    return label or None


def _roman_or_letter(family: str, ordinal: str, prev: Optional[Block]) -> tuple[str, str]:
    """'i.' after 'h.' is a letter; 'v.' after 'iv.' is roman: decide by the previous item."""
    if family.startswith("roman") and prev is not None and prev.family and prev.family.startswith("letter"):
        if prev.ordinal and len(ordinal) == 1 and ord(ordinal) == ord(prev.ordinal) + 1:
            return "letter" + family[len("roman"):], ordinal
    return family, ordinal


def scan_blocks(text: str, fmt: str, rules: RuleSet) -> list[Block]:
    """Classify the lines of ``text`` and join wrapped lines into blocks."""
    lines = split_lines(text)
    cls = LineClassifier(rules)
    wrapped = fmt == "ctgov-legacy-text" or (fmt != "ctgov-v2-markdown" and _looks_wrapped(lines, text))
    blocks: list[Block] = []
    cur: Optional[Block] = None
    last_item_by_indent: dict[int, Block] = {}
    prev_width = 0
    for ln in lines:
        lmt = MappedText.build(text, [(ln.start, ln.end)])
        clean = lmt.text
        mk = cls.marker(clean)
        body_clean = clean[mk[1].end():] if mk else clean
        body_start = lmt.orig_start(mk[1].end()) if mk and mk[1].end() < len(clean) else ln.end if mk else ln.start
        hd = cls.heading(body_clean)
        if hd is not None:
            rule, m, hend = hd
            off = mk[1].end() if mk else 0
            b = Block("heading", ln.start, ln.indent, blank_before=ln.blank_before, rule=rule.id,
                      section=rule.section, label=heading_label(m), lead_in=rule.lead_in,
                      heading_end=lmt.orig_end(off + hend))
            b.mt = lmt.slice(off, off + hend)
            blocks.append(b)
            cur = None
            rest = lmt.slice(off + hend, len(clean))
            if rest.text.strip():
                a, z = rest.orig_bounds
                cur = Block("para", a, ln.indent + 2, [(a, z)], blank_before=False, rule="structure.inline_after_heading")
                blocks.append(cur)
            prev_width = ln.end - ln.start + ln.indent
            continue
        if mk is not None:
            rule, m = mk
            fam, ordinal = rule.family, (m.groupdict().get("n") or "")
            prev = last_item_by_indent.get(ln.indent)
            fam, ordinal = _roman_or_letter(fam, ordinal, prev)
            cur = Block("item", ln.start, ln.indent, [(body_start, ln.end)] if body_start < ln.end else [],
                        blank_before=ln.blank_before, marker=m.group("marker"), family=fam, ordinal=ordinal,
                        rule=rule.id, heading_end=ln.end)
            blocks.append(cur)
            last_item_by_indent[ln.indent] = cur
            prev_width = ln.end - ln.start + ln.indent
            continue
        cont = cur is not None and not ln.blank_before and _continues(cur, ln, clean, wrapped, fmt, prev_width)
        prev_width = ln.end - ln.start + ln.indent
        sh = None if cont else cls.subheading(clean)
        if sh is not None:
            rule, m = sh
            lab_end = m.end("label")
            colon = clean.find(":", lab_end)
            hend = colon + 1 if colon >= 0 else m.end()
            b = Block("subheading", ln.start, ln.indent, blank_before=ln.blank_before, rule=rule.id,
                      label=m.group("label").strip(), heading_end=lmt.orig_end(hend))
            b.mt = lmt.slice(0, hend)
            blocks.append(b)
            cur = None
            rest = lmt.slice(hend, len(clean))
            if rest.text.strip():
                a, z = rest.orig_bounds
                cur = Block("para", a, ln.indent + 2, [(a, z)], blank_before=False, rule="structure.inline_after_subheading")
                blocks.append(cur)
            continue
        if cont:
            cur.segments.append((ln.start, ln.end))
            continue
        cur = Block("para", ln.start, ln.indent, [(ln.start, ln.end)], blank_before=ln.blank_before,
                    rule="structure.paragraph")
        blocks.append(cur)
    for b in blocks:
        if b.mt is None:
            b.finish(text)
    return blocks


def _continues(cur: Block, ln: Line, clean: str, wrapped: bool, fmt: str, prev_width: int) -> bool:
    """Does a non-blank, unmarked line continue the block before it (no blank line between)?"""
    if cur.kind not in ("item", "para"):
        return False
    if wrapped and (prev_width >= 45 or cur.kind == "item"):
        return True
    if cur.kind == "item" and fmt == "ctgov-v2-markdown":
        return True  # CommonMark lazy continuation
    first = clean[:1]
    return bool(first) and (first.islower() or first in ",;)")
