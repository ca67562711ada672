"""From raw text to *blocks*: lines classified (blank, heading, sub-heading, list item,
paragraph) and wrapped lines joined.

A block is the unit the tree builder nests: one heading, one sub-heading, one list item
(marker plus its wrapped continuation lines) or one unmarked paragraph.

The registry's legacy layout (``ctgov-legacy-text``) is read for what it is: text at column
8, list markers right-aligned so their text starts at 13, continuation lines under the text,
a blank line between items.  There an item's indentation is its text column minus 3 and a
paragraph's is its column plus 2 (a paragraph and the items after it are siblings unless it
leads in to them); a line without a blank line before it that is aligned under the line
above continues it even when it starts like a marker ("II -\n IV) or") or a heading word
("prior to study\n inclusion"); a heading may run over two wrapped lines.  Also: a bullet
with a second marker ("* - text") is one item; a lettered / roman / parenthesised item whose
text goes on with the next marker of its run ("a) ... b) ...") is split; a one-line label
with list items right under it ("Hepatic") becomes a sub-heading.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import regex

from .patterns import Rule, RuleSet
from .textmap import MappedText

_TERMINAL = ".:;!?"
_MAX_HEADING = 100
_DOUBLE_OK = ("bullet", "number", "number_paren")   # inner markers of "* - text", "* 1. text"
_DOUBLE_FIRST = frozenset("-*+\u2022\u00b70123456789")


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
    rank: int = 1                       # sub-headings: 0 ALL-CAPS heading, 1 "Label:" or bare label (nests under rank 0)
    heading_end: int = 0                # headings/sub-headings: end of the heading; items: end of the marker line
    mt: Optional[MappedText] = None     # clean content (filled by finish())

    @property
    def end(self) -> int:
        return self.segments[-1][1] if self.segments else self.heading_end or self.start

    def finish(self, source: str) -> None:
        self.mt = MappedText.build(source, self.segments)


_WS_CHARS = " \t\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\ufeff"


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with their offsets and indentation; blank lines only set ``blank_before``.

    Line breaks are those of ``str.splitlines`` (CRLF, CR, LF, VT, FF, FS, GS, RS, NEL, LS, PS).
    """
    lines: list[Line] = []
    pos = 0
    blank = True
    for raw in text.splitlines(True):
        s = pos
        pos += len(raw)
        body = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        lead = body.lstrip(_WS_CHARS)
        if not lead:
            blank = True
            continue
        ws = body[: len(body) - len(lead)]
        cs = s + len(ws)
        ce = cs + len(lead.rstrip(_WS_CHARS))
        lines.append(Line(cs, ce, len(ws) + 3 * ws.count("\t"), blank))
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
        self.heading_pre = rules.prefilter("section_heading")
        self.bare_labels = [(r, rx) for r, rx in rules.compiled("subheading") if r.scope == "parent"]
        self.line_subheadings = [(r, rx) for r, rx in rules.compiled("subheading") if r.scope == "line"]
        self.marker_has_n = "n" in rules.union("list_marker")[0].groupindex

    def heading(self, text: str, item: bool = False) -> Optional[tuple[Rule, "regex.Match[str]", int]]:
        """(rule, match, end of heading in clean text) when the line opens a section.

        Without a colon, a heading with a long label ("Patient's eligibility of NPWT in the
        opinion of ...") is a sentence, and so is one with any label on a list item."""
        if not text:
            return None
        if len(text) > _MAX_HEADING and ":" not in text[:_MAX_HEADING]:
            return None  # a heading ends the line or its ':' comes early
        text = text[:_MAX_HEADING + 20]  # a heading is short; what follows its ':' is not read here
        if self.heading_pre is not None and self.heading_pre.search(text) is None:
            return None
        if self.heading_any.match(text, timeout=1.0) is None:
            return None
        for rule, rx in self.headings:
            m = rx.match(text, timeout=1.0)
            if not m:
                continue
            rest = text[m.end():]
            stripped = rest.lstrip(" *_")  # "**Inclusion Criteria**:" -- emphasis closes the heading
            if not stripped:
                label = m.groupdict().get("label") or ""
                if len(label) > 30 or (item and label):
                    continue
                return rule, m, len(text)
            if stripped.startswith(":"):
                colon = m.end() + (len(rest) - len(stripped)) + 1
                after = text[colon:]
                colon += len(after) - len(after.lstrip("*_"))  # "**Exclusion Criteria:**"
                if colon <= _MAX_HEADING + 4:
                    return rule, m, colon
        return None

    def marker(self, text: str) -> Optional[tuple[Rule, "regex.Match[str]"]]:
        return self.rules.match_first("list_marker", text)

    def subheading(self, text: str) -> Optional[tuple[Rule, "regex.Match[str]"]]:
        if ":" not in text[:80]:  # every sub-heading ends its (short) label with a colon
            return None
        for rule, rx in self.line_subheadings:
            m = rx.match(text, timeout=1.0)
            if m:
                return rule, m
        return None


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
    legacy = fmt == "ctgov-legacy-text"
    base_col = min((ln.indent for ln in lines), default=0)
    blocks: list[Block] = []
    cur: Optional[Block] = None
    last_item_by_indent: dict[int, Block] = {}
    prev_width = 0
    prev_text_col = prev_start_col = prev_end_col = -1
    skip = -1
    for idx, ln in enumerate(lines):
        if idx == skip:
            continue
        lmt = MappedText.build(text, [(ln.start, ln.end)])
        clean = lmt.text
        mk = cls.marker(clean)
        raw_indent = ln.indent
        if (mk is not None and legacy and not ln.blank_before and cur is not None and cur.kind in ("item", "para")
                and (raw_indent == prev_text_col or (raw_indent == prev_start_col and prev_end_col >= 65))):
            # legacy hard wrap: "...stage II -\n IV) or ..." -- a line aligned under the text
            # of the line before (no blank line between), or under its start when that line
            # was full, continues it, whatever it starts with
            mk = None
        if mk is not None and mk[1].end() < len(clean):
            inner = cls.marker(clean[mk[1].end():]) if clean[mk[1].end()] in _DOUBLE_FIRST else None
            if inner is not None and inner[0].family in _DOUBLE_OK and mk[0].family == "bullet":
                # "* - text", "* 1. text": a bullet with a second marker -- one item, one marker
                mk = (mk[0], mk[1], mk[1].end() + inner[1].end())
        mk_end = (mk[2] if len(mk) > 2 else mk[1].end()) if mk else 0
        body_clean = clean[mk_end:] if mk else clean
        body_start = lmt.orig_start(mk_end) if mk and mk_end < len(clean) else ln.end if mk else ln.start
        prev_text_col = raw_indent + (body_start - ln.start if mk is not None and body_start < ln.end else 0)
        prev_start_col, prev_end_col = raw_indent, raw_indent + ln.end - ln.start
        hd = None
        may_head = not (cur is not None and not ln.blank_before and mk is None and cur.kind in ("item", "para") and (
            body_clean[:1].islower() or (wrapped and cur.segments and text[cur.segments[-1][1] - 1] not in _TERMINAL)))
        # "...prior to study\n inclusion in the study": a wrapped line that reads as a heading
        # word is a heading only when it starts with a capital and the line before ended its sentence
        if may_head:
            hd = cls.heading(body_clean, item=mk is not None)
        nxt = lines[idx + 1] if may_head and wrapped and mk is None and idx + 1 < len(lines) else None
        if (nxt is not None and not nxt.blank_before and nxt.indent == ln.indent and raw_indent + ln.end - ln.start >= 60
                and not body_clean.endswith(":") and (hd is None or hd[2] >= len(body_clean))):
            # a hard-wrapped line that the next one continues: a heading may run over both
            # ("...the following inclusion / criteria:"), and a line-long heading match that
            # the sentence goes on from ("...will be excluded from / study entry:") is none
            two = MappedText.build(text, [(ln.start, ln.end), (nxt.start, nxt.end)])
            hd2 = cls.heading(two.text) if len(two.text) <= _MAX_HEADING + 20 else None
            if hd2 is not None and hd2[2] > len(body_clean) + 1 and cls.marker(two.text[len(body_clean) + 1:]) is None:
                lmt, clean, body_clean, hd, skip = two, two.text, two.text, hd2, idx + 1
                ln = Line(ln.start, nxt.end, ln.indent, ln.blank_before)
            else:
                hd = None
        if hd is not None:
            rule, m, hend = hd
            off = mk_end
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
        if legacy:
            # the registry's legacy layout puts text at column 8 and list markers right-aligned
            # so that their text starts 3 columns further than the marker's usual column 10
            # ("  -  x", " 1. x", "10. x"); read items by their text column and paragraphs as
            # if at that level, so a paragraph at 8 and the items at 10 after it are siblings.
            if mk is not None:
                off = (body_start - ln.start if body_start < ln.end else 3) - 3
                # an author's own "- x" at the paragraph column is at the paragraphs' level
                ln.indent = max(ln.indent + off, ln.indent + 2 if ln.indent <= base_col else 0)
            else:
                ln.indent += 2
        if mk is not None:
            rule, m = mk[0], mk[1]
            fam, ordinal = rule.family, ((m.group("n") if cls.marker_has_n else None) or "")
            prev = last_item_by_indent.get(ln.indent)
            fam, ordinal = _roman_or_letter(fam, ordinal, prev)
            cur = Block("item", ln.start, ln.indent, [(body_start, ln.end)] if body_start < ln.end else [],
                        blank_before=ln.blank_before, marker=m.group("marker"), family=fam, ordinal=ordinal,
                        rule=rule.id, heading_end=ln.end)
            cur.mt = lmt.slice(mk_end, len(clean))  # rebuilt by finish() if lines are joined to it
            blocks.append(cur)
            last_item_by_indent[ln.indent] = cur
            prev_width = ln.end - ln.start + raw_indent
            continue
        cont = cur is not None and not ln.blank_before and _continues(cur, ln, clean, wrapped, fmt, prev_width)
        prev_width = ln.end - ln.start + raw_indent
        sh = None if cont else cls.subheading(clean)
        if sh is not None:
            rule, m = sh
            lab_end = m.end("label")
            colon = clean.find(":", lab_end)
            hend = colon + 1 if colon >= 0 else m.end()
            label = m.group("label").strip()
            b = Block("subheading", ln.start, ln.indent, blank_before=ln.blank_before, rule=rule.id,
                      label=label, heading_end=lmt.orig_end(hend),
                      rank=0 if sum(c.isalpha() for c in label) >= 2 and label.isupper() else 1)
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
            cur.mt = None
            continue
        cur = Block("para", ln.start, ln.indent, [(ln.start, ln.end)], blank_before=ln.blank_before,
                    rule="structure.paragraph")
        cur.mt = lmt
        blocks.append(cur)
    for b in blocks:
        if b.mt is None:
            b.finish(text)
    _bare_label_headings(blocks, cls)
    if any(b.kind == "item" and b.family in _SPLIT_FAMILIES for b in blocks):
        blocks = _split_run_on_items(blocks, text)
    return blocks


_SPLIT_FAMILIES = ("letter", "roman", "number_paren", "number_parens", "letter_parens", "roman_parens", "ROMAN",
                   "LETTER")
_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"]


def _next_marker(b: Block) -> Optional[str]:
    """The marker the item after ``b`` would have: "a)" -> "b)", "(ii)" -> "(iii)", "1)" -> "2)"."""
    mk, n = b.marker or "", b.ordinal or ""
    if not n or n not in mk:
        return None
    if n.isdigit():
        nxt = str(int(n) + 1)
    elif b.family.lower().startswith("roman"):
        low = n.lower()
        if low not in _ROMANS or low == _ROMANS[-1]:
            return None
        nxt = _ROMANS[_ROMANS.index(low) + 1]
        nxt = nxt.upper() if n.isupper() else nxt
    elif len(n) == 1 and n.isalpha() and n.lower() != "z":
        nxt = chr(ord(n) + 1)
    else:
        return None
    i = mk.index(n)
    return mk[:i] + nxt + mk[i + len(n):]


def _split_run_on_items(blocks: list[Block], text: str) -> list[Block]:
    """"a) Coronary disease ... b) Cerebrovascular disease ...": a lettered, roman or
    parenthesised item whose text goes on with the next marker of its own run holds two
    items; split it (the next marker must follow a space and precede a word)."""
    out: list[Block] = []
    for b in blocks:
        out.append(b)
        guard = 0
        while b.kind == "item" and b.family in _SPLIT_FAMILIES and b.mt is not None and guard < 50:
            guard += 1
            nm = _next_marker(b)
            if nm is None:
                break
            t = b.mt.text
            p = t.find(" " + nm + " ")
            if p < 0 or not t[p + len(nm) + 2:p + len(nm) + 3].isalpha():
                break
            cut = len(t[:p].rstrip())
            body = p + 1 + len(nm) + 1
            o_mark = b.mt.orig_start(p + 1)
            o_end = b.mt.orig_end(cut)
            o_body = b.mt.orig_start(body)
            segs1 = [(s, min(e, o_end)) for s, e in b.segments if s < o_end]
            segs2 = [(max(s, o_body), e) for s, e in b.segments if e > o_body]
            nb = Block("item", o_mark, b.indent, segs2, blank_before=False, marker=nm, family=b.family,
                       ordinal=nm.strip("().\uff08\uff09"), rule="structure.run_on_item", heading_end=b.heading_end)
            b.segments = segs1
            b.finish(text)
            nb.finish(text)
            out.append(nb)
            b = nb
    return out



def _bare_label_headings(blocks: list[Block], cls: "LineClassifier") -> None:
    """A one-line unmarked label with list items right under it ("Hepatic" then its bullets,
    the PDQ layout) heads a group: it becomes a sub-heading that nests under an ALL-CAPS
    heading above it ("PATIENT CHARACTERISTICS:") and stands beside a "Label:" one."""
    rules = cls.bare_labels
    if not rules:
        return
    for i in range(len(blocks) - 1):
        b, nxt = blocks[i], blocks[i + 1]
        if (b.kind != "para" or nxt.kind != "item" or len(b.segments) != 1 or nxt.indent < b.indent
                or b.rule != "structure.paragraph" or len(b.mt.text) > 60):
            continue
        for rule, rx in rules:
            m = rx.match(b.mt.text, timeout=1.0)
            if m:
                b.kind, b.rule, b.label, b.rank = "subheading", rule.id, m.group("label").strip(), 1
                b.heading_end = b.end
                break


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
