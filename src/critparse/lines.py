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

import re

from dataclasses import dataclass, field
from typing import Optional

import regex

from .patterns import Rule, RuleSet, guarded
from .textmap import _SPECIAL_SEARCH, MappedText, join_segments, segment

_TERMINAL = ".:;!?"
_MAX_HEADING = 100
_DOUBLE_OK = ("bullet", "number", "number_paren")   # inner markers of "* - text", "* 1. text"
_DOUBLE_FIRST = frozenset("-*+\u2022\u00b70123456789")


@dataclass(slots=True)
class Line:
    start: int          # offset of the first non-blank character
    end: int            # offset after the last non-blank character
    indent: int         # columns of leading white space (tab = 4)
    blank_before: bool  # a blank line (or the start of the text) precedes it
    text: str = ""      # clean text of the line


@dataclass(slots=True)
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
    own_line: bool = False              # a lower-case paragraph line that ends no open sentence before it
    mt: Optional[MappedText] = None     # clean content (filled by finish())

    @property
    def end(self) -> int:
        return self.segments[-1][1] if self.segments else self.heading_end or self.start

    def finish(self, source: str) -> None:
        self.mt = MappedText.build(source, self.segments)


_WS_CHARS = " \t\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\ufeff"


_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


# HTML block tags that break a line in exported text ('Age &gt;= 18<br>ECOG 0-1', '<p>...</p>', '<li>');
# a paragraph or list boundary also counts as a blank line.  (Inline tags are cleaned by textmap.)
_BLOCK_TAG = re.compile(r"<(?:(?P<br>br)|/?(?:p|li|ul|ol|div|tr|td|table|h[1-6]))(?:\s+[a-z-]+\s*=[^<>]{0,200})?\s*/?>", re.I)


def markup_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the HTML block tags that break lines (``<br>``, ``<p>``, ``<li>``...): markup, not text
    -- no node covers them, as none covers a line break."""
    if "<" not in text:
        return []
    return [m.span() for m in _BLOCK_TAG.finditer(text)]


def line_spans(text: str) -> list[tuple[int, int, int, bool]]:
    """``(start, end, indent, blank_before)`` of each non-blank line (see :func:`split_lines`)."""
    spans = []
    pos = 0
    blank = True
    tags = "<" in text and _BLOCK_TAG.search(text) is not None
    for raw in text.splitlines(True):
        s = pos
        pos += len(raw)
        body = raw.rstrip(_BREAKS)
        parts = [(0, len(body), False)]
        if tags and "<" in body:
            parts, at, brk = [], 0, False
            for m in _BLOCK_TAG.finditer(body):
                parts.append((at, m.start(), brk))
                at, brk = m.end(), m.group("br") is None  # ('</p><p>': a paragraph break)
            parts.append((at, len(body), brk))
        for a, b, para in parts:
            piece = body[a:b]
            lead = piece.lstrip(_WS_CHARS)
            if not lead:
                blank = blank or para
                continue
            nws = len(piece) - len(lead)
            cs = s + a + nws
            spans.append((cs, cs + len(lead.rstrip(_WS_CHARS)), nws + 3 * piece.count("\t", 0, nws) if nws else 0,
                          blank or para))
            blank = False
        if not any(body[a:b].strip(_WS_CHARS) for a, b, _ in parts):
            blank = True
    return spans


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with their offsets and indentation; blank lines only set ``blank_before``.

    Line breaks are those of ``str.splitlines`` (CRLF, CR, LF, VT, FF, FS, GS, RS, NEL, LS, PS).
    """
    return [Line(s, e, indent, blank) for s, e, indent, blank in line_spans(text)]


def _looks_wrapped(lines: list[tuple[int, int, int, bool]], text: str) -> bool:
    """Hard-wrapped text (the registry's legacy block): long lines all near one width."""
    if len(lines) < 3:
        return False
    widths = [e - s + indent for s, e, indent, _ in lines]
    if max(widths) > 100:
        return False
    return sum(1 for w in widths if w >= 60) >= 0.25 * len(lines)


class LineClassifier:
    """Applies the structure rules to one line's clean text (one alternation per kind)."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        # (rule, match): a built-in rule's match runs without the regex timeout (line rules are
        # anchored and bounded; a timeout costs microseconds a call), a user's with it
        self.headings = rules.runners("section_heading", "match")
        self.heading_any, heading_rules = rules.union("section_heading")
        self.heading_any_match = guarded(heading_rules, self.heading_any, "match")
        self.heading_groups = [self.heading_any.groupindex[f"_r{i}"] for i in range(len(heading_rules))]
        self.heading_pre = rules.prefilter("section_heading")
        self.heading_test = rules.prefilter_test("section_heading")
        self.bare_labels = [(r, m) for r, m in rules.runners("subheading", "match") if r.scope == "parent"]
        self.line_subheadings = [(r, m) for r, m in rules.runners("subheading", "match") if r.scope == "line"]
        self.marker_any, self.marker_rules = rules.union("list_marker")
        self.marker_any_match = guarded(self.marker_rules, self.marker_any, "match")
        self.marker_groups = [self.marker_any.groupindex[f"_r{i}"] for i in range(len(self.marker_rules))]
        self.marker_has_n = "n" in self.marker_any.groupindex
        self.marker_test = rules.prefilter_test("list_marker")

    def heading(self, text: str, item: bool = False) -> Optional[tuple[Rule, "regex.Match[str]", int]]:
        """(rule, match, end of heading in clean text) when the line opens a section.

        Without a colon, a heading with a long label ("Patient's eligibility of NPWT in the
        opinion of ...") is a sentence, and so is one with any label on a list item."""
        if not text:
            return None
        if len(text) > _MAX_HEADING and ":" not in text[:_MAX_HEADING]:
            return None  # a heading ends the line or its ':' comes early
        text = text[:_MAX_HEADING + 20]  # a heading is short; what follows its ':' is not read here
        if self.heading_test is not None and not self.heading_test(text):
            return None
        first = self.heading_any_match(text)
        if first is None:
            return None
        # the rules before the first one the alternation matched do not match: start there, with
        # the alternation's match as that rule's own (same end, same named groups)
        k = 0
        for k, g in enumerate(self.heading_groups):
            if first.start(g) >= 0:
                break
        for j, (rule, match) in enumerate(self.headings[k:]):
            m = match(text) if j else first
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
        """``rules.match_first("list_marker", text)``."""
        if self.marker_test is not None and not self.marker_test(text):
            return None
        return self.marker_rule(text)

    def marker_rule(self, text: str) -> Optional[tuple[Rule, "regex.Match[str]"]]:
        """:meth:`marker` once the prefilter found something in ``text``."""
        m = self.marker_any_match(text)
        if m is None:
            return None
        start = m.start
        for i, g in enumerate(self.marker_groups):
            if start(g) >= 0:
                return self.marker_rules[i], m
        return None  # pragma: no cover

    def subheading(self, text: str) -> Optional[tuple[Rule, "regex.Match[str]"]]:
        if ":" not in text[:80]:  # every sub-heading ends its (short) label with a colon
            return None
        for rule, match in self.line_subheadings:
            m = match(text)
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


def _classifier(rules: RuleSet) -> LineClassifier:
    """The rule set's line classifier (built once per rule set: rule sets do not change)."""
    key = ("line_classifier",)
    cls = rules._union.get(key)
    if cls is None:
        cls = rules._union[key] = LineClassifier(rules)
    return cls


def scan_blocks(text: str, fmt: str, rules: RuleSet) -> list[Block]:
    """Classify the lines of ``text`` and join wrapped lines into blocks."""
    lines = line_spans(text)
    cls = _classifier(rules)
    marker, heading, has_n = cls.marker, cls.heading, cls.marker_has_n
    marker_test, heading_test, marker_rule = cls.marker_test, cls.heading_test, cls.marker_rule
    special, build = _SPECIAL_SEARCH, MappedText.build
    wrapped = fmt == "ctgov-legacy-text" or (fmt != "ctgov-v2-markdown" and _looks_wrapped(lines, text))
    legacy = fmt == "ctgov-legacy-text"
    base_col = min((ln[2] for ln in lines), default=0)
    widths = [e - s + indent for s, e, indent, _ in lines]
    fit_width = max(widths, default=0)  # the text's widest line
    # wrapped by hand: most lines about as wide as the widest (a list of criteria varies in width)
    hand_wrapped = fit_width >= 40 and sum(w >= fit_width - 15 for w in widths) >= 0.5 * len(widths)
    blocks: list[Block] = []
    cur: Optional[Block] = None
    last_item_by_indent: dict[int, Block] = {}
    prev_width = 0
    prev_text_col = prev_start_col = prev_end_col = -1
    skip = -1
    n_lines = len(lines)
    known: dict[tuple[int, int], tuple[str, Optional[list]]] = {}  # clean text of the lines, for joining them
    for idx, (s, e, raw_indent, blank_before) in enumerate(lines):
        if idx == skip:
            continue
        clean = text[s:e]
        sp = special(text, s, e)
        run_end = -1
        if sp is None and clean[0] != " " and clean[-1] != " ":
            # nothing to clean (most lines): the clean text is the line; its map is made on demand
            lmt = pieces = None
        elif (sp is not None and sp.end() - sp.start() >= 2 and text[sp.start()].isspace() and s < sp.start()
              and sp.end() < e and clean[0] != " " and clean[-1] != " " and special(text, sp.end(), e) is None):
            # one run of white space inside the line, nothing else to clean (the legacy layout's
            # "-  text"): what segment() gives, made directly -- the run is the first special, so
            # the character before it is no space and the run stays one space
            ms, run_end = sp.span()
            q = ms - s
            clean = raw = text[s:ms] + " " + text[run_end:e]
            pieces = [(0, s, ms, True), (q, ms, run_end, False), (q + 1, run_end, e, True)]
            lmt = MappedText(clean, pieces, [0, q, q + 1])
            run_end = q + 1  # the clean offset where the text after the run starts
        else:
            # as MappedText.build(text, [(s, e)]), keeping the untrimmed segment for joining
            clean, pieces = segment(text, s, e)
            lmt = MappedText(clean, pieces)
            if clean[:1] == " " or clean[-1:] == " ":
                lmt = lmt.slice(len(clean) - len(clean.lstrip(" ")), len(clean.rstrip(" ")))
            raw, clean = clean, lmt.text
        n = len(clean)
        # (the prefilter first: most lines that are not list items stop there)
        mk = marker_rule(clean) if marker_test is None or marker_test(clean) else None
        if (mk is not None and legacy and not blank_before and cur is not None and cur.kind in ("item", "para")
                and (raw_indent == prev_text_col or (raw_indent == prev_start_col and prev_end_col >= 65))):
            # legacy hard wrap: "...stage II -\n IV) or ..." -- a line aligned under the text
            # of the line before (no blank line between), or under its start when that line
            # was full, continues it, whatever it starts with
            mk = None
        if mk is not None:
            mk_end = mk[1].end()
            if mk_end < n:
                inner = marker(clean[mk_end:]) if clean[mk_end] in _DOUBLE_FIRST else None
                if inner is not None and inner[0].family in _DOUBLE_OK and mk[0].family == "bullet":
                    # "* - text", "* 1. text": a bullet with a second marker -- one item, one marker
                    mk_end += inner[1].end()
            body_clean = clean[mk_end:]
            if mk_end < n:
                if lmt is None:
                    body_start = s + mk_end
                elif mk_end == run_end:
                    body_start = pieces[2][1]  # where the text after the run starts
                else:
                    body_start = lmt.orig_start(mk_end)
            else:
                body_start = e
            prev_text_col = raw_indent + (body_start - s if body_start < e else 0)
        else:
            mk_end = 0
            body_clean = clean
            body_start = s
            prev_text_col = raw_indent
        prev_start_col, prev_end_col = raw_indent, raw_indent + e - s
        hd = None
        may_head = not (cur is not None and not blank_before and mk is None and cur.kind in ("item", "para") and (
            body_clean[:1].islower() or (wrapped and cur.segments and text[cur.segments[-1][1] - 1] not in _TERMINAL)))
        # "...prior to study\n inclusion in the study": a wrapped line that reads as a heading
        # word is a heading only when it starts with a capital and the line before ended its sentence
        if may_head:
            # (heading() would dismiss the many lines its prefilter rejects: skip the call)
            if heading_test is None or heading_test(body_clean[:_MAX_HEADING + 20]):
                hd = heading(body_clean, item=mk is not None)
            if wrapped and mk is None and idx + 1 < n_lines:
                nxt_start, nxt_end, nxt_indent, nxt_blank = lines[idx + 1]
                if (not nxt_blank and nxt_indent == raw_indent and raw_indent + e - s >= 60
                        and not body_clean.endswith(":") and (hd is None or hd[2] >= len(body_clean))):
                    # a hard-wrapped line that the next one continues: a heading may run over both
                    # ("...the following inclusion / criteria:"), and a line-long heading match that
                    # the sentence goes on from ("...will be excluded from / study entry:") is none
                    two = build(text, [(s, e), (nxt_start, nxt_end)])
                    hd2 = heading(two.text) if len(two.text) <= _MAX_HEADING + 20 else None
                    if hd2 is not None and hd2[2] > len(body_clean) + 1 and marker(two.text[len(body_clean) + 1:]) is None:
                        lmt, clean, body_clean, hd, skip = two, two.text, two.text, hd2, idx + 1
                        e = nxt_end
                    else:
                        hd = None
        if hd is not None:
            if lmt is None:
                lmt = MappedText(clean, [(0, s, e, True)], [0])
            rule, m, hend = hd
            off = mk_end
            b = Block("heading", s, raw_indent, blank_before=blank_before, rule=rule.id,
                      section=rule.section, label=heading_label(m), lead_in=rule.lead_in,
                      heading_end=lmt.orig_end(off + hend))
            b.mt = lmt.slice(off, off + hend)
            blocks.append(b)
            cur = None
            rest = lmt.slice(off + hend, len(clean))
            if rest.text.strip():
                a, z = rest.orig_bounds
                cur = Block("para", a, raw_indent + 2, [(a, z)], blank_before=False, rule="structure.inline_after_heading")
                blocks.append(cur)
            prev_width = e - s + raw_indent
            continue
        indent = raw_indent
        if legacy:
            # the registry's legacy layout puts text at column 8 and list markers right-aligned
            # so that their text starts 3 columns further than the marker's usual column 10
            # ("  -  x", " 1. x", "10. x"); read items by their text column and paragraphs as
            # if at that level, so a paragraph at 8 and the items at 10 after it are siblings.
            if mk is not None:
                off = (body_start - s if body_start < e else 3) - 3
                # an author's own "- x" at the paragraph column is at the paragraphs' level
                indent = max(indent + off, indent + 2 if indent <= base_col else 0)
            else:
                indent += 2
        if mk is not None:
            rule, m = mk
            ordinal = (m.group("n") if has_n else None) or ""
            fam = rule.family
            if fam.startswith("roman"):
                fam, ordinal = _roman_or_letter(fam, ordinal, last_item_by_indent.get(indent))
            cur = Block("item", s, indent, [(body_start, e)] if body_start < e else [],
                        blank_before=blank_before, marker=m.group("marker"), family=fam, ordinal=ordinal,
                        rule=rule.id, heading_end=e)
            # (rebuilt by finish() if lines are joined to it)
            if mk_end == run_end and mk_end < n:
                # the item's text is all that follows the run ("-  text"): one verbatim piece
                cur.mt = MappedText(body_clean, [(0, body_start, e, True)], [0])
                known[(body_start, e)] = (body_clean, None)
            elif lmt is not None:
                cur.mt = lmt.slice(mk_end, n)
            elif mk_end < n:
                cur.mt = MappedText(body_clean, [(0, body_start, e, True)], [0])
                known[(body_start, e)] = (body_clean, None)
            else:
                cur.mt = MappedText("", [], [])
            blocks.append(cur)
            last_item_by_indent[indent] = cur
            prev_width = e - s + raw_indent
            continue
        cont = cur is not None and not blank_before and _continues(cur, clean, wrapped, fmt, prev_width, text, fit_width, hand_wrapped)
        prev_width = e - s + raw_indent
        if cont:
            cur.segments.append((s, e))
            cur.mt = None
            known[(s, e)] = (clean, None) if pieces is None else (raw, pieces)
            continue
        if lmt is None:
            lmt = MappedText(clean, [(0, s, e, True)], [0])
        sh = cls.subheading(clean)
        if sh is not None:
            rule, m = sh
            lab_end = m.end("label")
            colon = clean.find(":", lab_end)
            hend = colon + 1 if colon >= 0 else m.end()
            label = m.group("label").strip()
            b = Block("subheading", s, indent, blank_before=blank_before, rule=rule.id,
                      label=label, heading_end=lmt.orig_end(hend),
                      rank=0 if sum(c.isalpha() for c in label) >= 2 and label.isupper() else 1)
            b.mt = lmt.slice(0, hend)
            blocks.append(b)
            cur = None
            rest = lmt.slice(hend, len(clean))
            if rest.text.strip():
                a, z = rest.orig_bounds
                cur = Block("para", a, indent + 2, [(a, z)], blank_before=False, rule="structure.inline_after_subheading")
                blocks.append(cur)
            continue
        # (read before cur is replaced: the line before was a finished paragraph line of its own)
        own = cur is not None and cur.kind == "para" and not blank_before and clean[:1].islower()
        cur = Block("para", s, indent, [(s, e)], blank_before=blank_before, rule="structure.paragraph", own_line=own)
        cur.mt = lmt
        known[(s, e)] = (clean, None) if pieces is None else (raw, pieces)
        blocks.append(cur)
    for b in blocks:
        if b.mt is None:
            b.mt = join_segments(text, b.segments, known)
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
        for rule, match in rules:
            m = match(b.mt.text)
            if m:
                b.kind, b.rule, b.label, b.rank = "subheading", rule.id, m.group("label").strip(), 1
                b.heading_end = b.end
                break


_OPEN_END = regex.compile(
    r"(?:[,(\[/&+:-]|\b(?:and|or|of|with|without|the|a|an|to|in|for|than|by|from|on|at|as|including|such|who|which|"
    r"that|whose|nor|not|but|if|when|is|are|be|been|has|have|had|was|were|their|his|her|its|any|all|per|within|"
    r"during|after|before|prior|since|under|over|between|e\.g\.|i\.e\.))\s*\Z", regex.I)
_CONT_START = regex.compile(r"(?:and|or|of|with|without|than|to|in|which|who|that|whose|for|nor|but|if|when|unless|"
                         r"except|as|by|from|on|at|including|such|e\.g\.|i\.e\.)\b")


_FIRST_WORD = regex.compile(r"\S+")


def _would_fit(clean: str, prev_width: int, fit_width: int) -> bool:
    """Would this line's first word have fitted on the line before (the text's widest line sets the
    width)?  A hard wrap moves a word down only when it does not fit, so a break before a word that
    fits was the author's own line break ('... supplementation' / 'prematurity (<37 weeks)')."""
    m = _FIRST_WORD.match(clean)
    return m is not None and prev_width + 1 + len(m.group()) <= fit_width - 2


def _wrapped_here(clean: str, prev_width: int, fit_width: int) -> bool:
    """In a hand-wrapped text: the line before is about as wide as the widest line and this line's
    first word would not have fitted on it."""
    return prev_width >= fit_width - 15 and not _would_fit(clean, prev_width, fit_width)


def _continues(cur: Block, clean: str, wrapped: bool, fmt: str, prev_width: int, text: str, fit_width: int,
               hand_wrapped: bool) -> bool:
    """Does a non-blank, unmarked line continue the block before it (no blank line between)?"""
    if cur.kind not in ("item", "para"):
        return False
    if wrapped and (prev_width >= 45 or cur.kind == "item"):
        if cur.kind == "para" and fmt != "ctgov-legacy-text" and _would_fit(clean, prev_width, fit_width):
            return bool(_CONT_START.match(clean)) or _open_end(cur, text)
        return True
    if cur.kind == "item" and fmt == "ctgov-v2-markdown":
        return True  # CommonMark lazy continuation
    first = clean[:1]
    if not first:
        return False
    if first in ",;)":
        return True
    if not first.islower():
        return False
    # a lower-case line continues a long line, a line left open ('... and', '... of the', '... (') or
    # goes on with a word that cannot start a criterion ('or ...', 'than ...'); after a short finished
    # line it is a criterion of its own ('birth weight < 2500 g' / 'multiple pregnancy')
    if cur.kind == "item" or _CONT_START.match(clean) or (hand_wrapped and _wrapped_here(clean, prev_width, fit_width)):
        return True
    return _open_end(cur, text)


def _open_end(cur: Block, text: str) -> bool:
    """Does the block's last line stop mid-sentence ('... and', '... of the', '... (')?"""
    a, b = cur.segments[-1]
    return _OPEN_END.search(text, max(a, b - 20), b) is not None
