"""The criteria tree: sections, groups, criteria and their nesting.

Blocks (from :mod:`critparse.lines`) are split into sections at headings and nested with a
stack: a deeper indent nests, a change of marker family at the same indent nests, a
family seen on an ancestor at that indent closes back to it.  A criterion ending in ":"
(or an unmarked paragraph stopping mid-sentence: "patients must have") owns the unmarked
paragraph or the list after it; an unmarked paragraph at the owner's column ends that list.
Inline enumerations and semicolon lists become sub-conditions; the logic of children comes
from the words that state it ("at least 2 of" gives none, with a diagnostic).

Sections: a short sentence introducing the list right after a heading ("Patients must meet
all of the following criteria.") is the section's lead-in, and so is a second heading of the
same type with no label; a sub-heading or a "Label -" line right before a heading labels the
repeated block it opens, and the block's later sections keep that label.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

import regex

from .inline import between_logic, find_enumeration, lead_logic, may_enumerate, split_semicolons
from .lines import Block, scan_blocks
from .models import Criterion, Diagnostic, Group, Section, Span
from .patterns import RuleSet
from .textmap import MappedText

MAX_DEPTH = 40
_FOLLOWING = regex.compile(r"\b(?:the\s+following|below)\b", regex.I)
# an unmarked paragraph that stops mid-sentence ("For Phase 2, patients must have") leads in
# to what follows, like one ending in ':'
_INCOMPLETE = regex.compile(r"\b(?:have|has|be|are|is|include|includes|including|following|either|must|should|"
                            r"with|of|if\s+they|who|by)$", regex.I)
_SUBJECTS = regex.compile(r"(?:(?:all|eligible|potential|the|study|trial)\s+){0,2}(?:patients|subjects|participants|"
                          r"individuals|volunteers|persons|people|women|men|children|candidates|they)\b", regex.I)
Node = Union[Criterion, Group, Section]


@dataclass
class StructureResult:
    sections: list[Section]
    criteria: list[tuple[Criterion, MappedText]]   # each criterion with its own clean text
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(slots=True)
class _Frame:
    node: Node
    indent: float
    family: Optional[str]
    block: Optional[Block] = None
    owner: bool = False      # ends in ':' -> owns what follows


# A criterion made here from values this module computed (int offsets, str texts, rule ids) is
# built without pydantic's validation: the same object (fields, defaults, fields set) that
# ``Criterion(start=..., end=..., text=..., rule=..., marker=...)`` gives, at half the cost --
# unless the model has grown validators or a post-init hook, which only validation runs.
_CRIT_DEFAULTS = Criterion(start=0, end=0, text="").__dict__
_CRIT_LISTS = tuple(k for k, v in _CRIT_DEFAULTS.items() if isinstance(v, list))
_CRIT_SET = frozenset(("start", "end", "text", "rule", "marker"))
_CRIT_PLAIN = (Criterion.__pydantic_post_init__ is None
               and not any(getattr(Criterion.__pydantic_decorators__, k) for k in
                           ("validators", "field_validators", "root_validators", "model_validators")))
_new_object = object.__new__
_set_attr = object.__setattr__


def _new_criterion(start: int, end: int, text: str, rule: Optional[str], marker: Optional[str]) -> Criterion:
    if not _CRIT_PLAIN:
        return Criterion(start=start, end=end, text=text, rule=rule, marker=marker)
    d = _CRIT_DEFAULTS.copy()
    d["start"], d["end"], d["text"], d["rule"], d["marker"] = start, end, text, rule, marker
    for k in _CRIT_LISTS:
        d[k] = []
    c = _new_object(Criterion)
    _set_attr(c, "__dict__", d)
    _set_attr(c, "__pydantic_fields_set__", set(_CRIT_SET))
    _set_attr(c, "__pydantic_extra__", None)
    _set_attr(c, "__pydantic_private__", None)
    return c


def _span(mt: MappedText) -> Span:
    a, b = mt.orig_bounds
    return Span(start=a, end=b, text=mt.text)


class _Builder:
    def __init__(self, text: str, rules: RuleSet):
        self.text = text
        self.rules = rules
        self.sections: list[Section] = []
        self.criteria: list[tuple[Criterion, MappedText]] = []
        self.diagnostics: list[Diagnostic] = []
        self.stack: list[_Frame] = []
        self.block_label: Optional[str] = None   # label of the repeated block ("Cohort 2") the sections are in
        self.joined: dict = {}                     # criteria with paragraphs joined to them, rebuilt in finish()

    # -- sections ---------------------------------------------------------------
    def open_section(self, block: Optional[Block]) -> None:
        if block is None:
            sec = Section(start=0, end=0, text="", type="unspecified", rule="structure.no_heading")
        else:
            label_node = self._take_block_label()
            start, text = block.start, block.mt.text
            if label_node is not None:
                # "Cohort 2:" / "Healthy controls -" right above the heading: the block's label
                self.block_label = label_node.text.strip(" -:\u2013") or None
                start, text = label_node.start, label_node.text + " " + block.mt.text
            label = block.label or self.block_label
            sec = Section(start=start, end=block.heading_end, text=text.rstrip(": "),
                          type=block.section, rule=block.rule, label=label,
                          heading=Span(start=start, end=block.heading_end, text=text))
        self.sections.append(sec)
        self.stack = [_Frame(sec, -1, None)]

    def _take_block_label(self) -> Optional[Union[Criterion, Group]]:
        """The node right before a heading when it labels the block the heading opens: an empty
        sub-heading group ("Cohort 2:"), a short unmarked line ending in ':' or '-', or one a
        ``block`` sub-heading rule matches ("For Secondary Hypertension"); it is removed from
        the tree and returned."""
        if not self.sections:
            return None
        sec = self.section
        if not sec.children:
            return None
        self._rebuild_joined()
        last = sec.children[-1]
        if isinstance(last, Group):
            ok = not last.children and last.rule != "structure.inline_label"
        elif isinstance(last, Criterion):
            t = last.text
            ok = (last.marker is None and not last.children and 0 < len(t) <= 80 and last.rule == "structure.paragraph"
                  and (t.endswith(("-", ":", "\u2013"))
                       or any(rx.match(t) for r, rx in self.rules.compiled("subheading") if r.scope == "block")))
        else:
            ok = False
        if not ok:
            return None
        sec.children.pop()
        if isinstance(last, Criterion):
            self.criteria = [p for p in self.criteria if p[0] is not last]
        if not sec.children and sec.heading is None and sec.lead_in is None:
            self.sections.pop()
        return last

    @property
    def section(self) -> Section:
        return self.sections[-1]

    # -- nesting ----------------------------------------------------------------
    def _pop_for(self, indent: float, family: Optional[str]) -> None:
        while len(self.stack) > 1:
            top = self.stack[-1]
            if top.indent > indent:
                self.stack.pop()
                continue
            if top.indent == indent:
                if top.family == family or top.family is None or family is None:
                    self.stack.pop()
                    continue
                if any(f.indent == indent and f.family == family for f in self.stack[1:-1]):
                    self.stack.pop()
                    continue
            break

    def _close_owned_lists(self, indent: float) -> None:
        """An unmarked block at (or left of) the column of a paragraph that owns a list
        ("Any of the following:" then its items) ends that list: it is the owner's sibling."""
        for i in range(len(self.stack) - 1, 0, -1):
            f = self.stack[i]
            if f.owner and f.family is None and f.node.children and f.indent + 0.5 >= indent:
                del self.stack[i:]
                return

    def _attach(self, node: Union[Criterion, Group]) -> None:
        parent = self.stack[-1].node
        parent.children.append(node)

    def _push(self, frame: _Frame) -> None:
        if len(self.stack) > MAX_DEPTH:
            self.diag("structure.too_deep", f"nesting deeper than {MAX_DEPTH} levels is flattened",
                      frame.node.start, frame.node.end, "info")
            return
        self.stack.append(frame)

    def diag(self, code: str, message: str, start: int, end: int, severity: str = "warning") -> None:
        self.diagnostics.append(Diagnostic(code=code, message=message, start=start, end=end, severity=severity))

    # -- blocks ---------------------------------------------------------------------
    def add_block(self, b: Block) -> None:
        if b.kind == "heading":
            sec = self.section if self.sections else None
            if sec is not None and not sec.children and sec.lead_in is None and sec.heading and (
                    b.lead_in or (b.section == sec.type and b.label is None and b.section != "unspecified")):
                # "Patients must meet all of the following:" right after "Inclusion Criteria:", or a
                # second heading of the same kind with no label ("* Major Inclusion Criteria:")
                sec.lead_in = Span(start=b.start, end=b.heading_end, text=b.mt.text)
                self._section_logic(sec, b.mt.text)
                return
            self.open_section(b)
            if b.lead_in:
                self.section.lead_in = self.section.heading
                self._section_logic(self.section, b.mt.text)
            return
        if not self.sections:
            self.open_section(None)
        if b.kind == "subheading":
            self._close_owned_lists(b.indent)
            while len(self.stack) > 1:
                top = self.stack[-1]
                if isinstance(top.node, Group) and top.block is not None and top.block.kind == "subheading":
                    # a group closes at a sub-heading of the same or a higher rank at its column
                    if top.indent + 0.5 >= b.indent and top.block.rank >= b.rank:
                        self.stack.pop()
                        continue
                    if top.indent + 0.5 > b.indent:
                        self.stack.pop()
                        continue
                    break
                if top.indent >= b.indent or isinstance(top.node, Group) and top.indent + 0.5 >= b.indent:
                    self.stack.pop()
                    continue
                break
            g = Group(start=b.start, end=b.heading_end, text=b.mt.text, label=b.label or b.mt.text.rstrip(":"),
                      rule=b.rule, heading=Span(start=b.start, end=b.heading_end, text=b.mt.text))
            self._attach(g)
            self._push(_Frame(g, b.indent - 0.5, "group", b))
            return
        mt = b.mt
        if b.kind == "para":
            top = self.stack[-1]
            # a lead-in sentence right after the heading: "Patients may be eligible if they:"
            sec = self.section
            if (len(self.stack) == 1 and not sec.children and sec.lead_in is None and sec.heading is not None
                    and self._reads_as_lead_in(mt.text) and lead_logic(mt.text, self.rules) is not None
                    and b.rule in ("structure.paragraph", "structure.inline_after_heading")):
                sec.lead_in = _span(mt)
                self._section_logic(sec, mt.text)
                return
            if top.owner and not top.node.children and b.indent >= top.indent:
                self._own_paragraph(top, b)
                return
            if top.owner and not top.node.children and isinstance(top.node, Criterion):
                self._own_paragraph(top, b)
                return
            if (isinstance(top.node, Criterion) and mt.text[:1].islower() and top.node.children == []
                    and b.indent >= top.indent and not b.own_line):
                self._continue(top, b)
                return
        family = b.family
        if family is None:
            self._close_owned_lists(b.indent)
        self._pop_for(b.indent, family)
        crit, cmt = self._criterion(b)
        stack = self.stack
        stack[-1].node.children.append(crit)  # (_attach)
        owner = mt.text.endswith(":") or (family is None and _INCOMPLETE.search(mt.text) is not None)
        frame_indent = b.indent - 0.5 if (family is None and owner) else b.indent
        frame = _Frame(crit, frame_indent, family, b, owner)
        if len(stack) > MAX_DEPTH:
            self._push(frame)
        else:
            stack.append(frame)  # (_push)

    @staticmethod
    def _reads_as_lead_in(text: str) -> bool:
        """A short sentence introducing the section's list: "Patients may be eligible if they:",
        "Patients must meet all of the following criteria to be eligible."."""
        if len(text) > 120 or not (_FOLLOWING.search(text) or _SUBJECTS.match(text)):
            return False
        if text.endswith(":"):
            return True
        return text.endswith(".") and text.count(". ") == 0 and _FOLLOWING.search(text) is not None

    def _section_logic(self, sec: Section, text: str) -> None:
        lg = lead_logic(text, self.rules)
        if lg and lg[0] != "count":
            sec.logic, sec.logic_rule = lg

    # -- criteria ---------------------------------------------------------------------
    def _criterion(self, b: Block) -> tuple[Criterion, MappedText]:
        mt = b.mt
        start = b.start
        end = b.end
        crit = _new_criterion(start, end if end > start else start, mt.text, b.rule, b.marker)
        if not mt.text:
            self.diag("criterion.empty", "a list marker with no text", start, crit.end, "info")
        # (most texts cannot hold an enumeration: no call for them)
        own = self._expand_inline(crit, mt) if may_enumerate(mt.text) else mt
        self.criteria.append((crit, own))
        return crit, own

    def _expand_inline(self, crit: Criterion, mt: MappedText, depth: int = 0) -> MappedText:
        """Split inline sub-conditions into children; returns the criterion's own text."""
        en = find_enumeration(mt, self.rules) if depth < 3 else None
        if en is None:
            return mt
        crit.text = en.lead.text
        tails = []
        for run in en.runs:
            parent: Union[Criterion, Group] = crit
            if run.label is not None and len(en.runs) > 1:
                ls = _span(run.label)
                g = Group(start=ls.start, end=ls.end, text=run.label.text, label=run.label.text,
                          rule="structure.inline_label", heading=ls)
                crit.children.append(g)
                parent = g
            run_tails = []
            for it in run.items:
                cs = mt.orig_start(it.start)
                ce = it.body.orig_bounds[1] if it.body.text else mt.orig_end(it.start + len(it.marker))
                child = _new_criterion(cs, ce if ce > cs else cs, it.body.text, it.rule, it.marker)
                own = self._expand_inline(child, it.body, depth + 1)
                self.criteria.append((child, own))
                parent.children.append(child)
                run_tails.append(it.tail)
            tails += run_tails
            if parent is not crit:
                self._set_logic(parent, parent.text, run_tails[:-1])
        if crit.children and all(isinstance(c, Group) for c in crit.children):
            self._set_logic(crit, crit.text, [], groups=True)
        else:
            self._set_logic(crit, crit.text, tails[:-1])
        return en.lead

    def _set_logic(self, node: Union[Criterion, Group], lead_text: str, tails: list[str], groups: bool = False) -> None:
        lg = lead_logic(lead_text, self.rules) if lead_text else None
        if lg is None and not groups:
            lg = between_logic([t for t in tails if t.strip(" ;,.")], self.rules)
        if lg is None and (lead_text.rstrip().endswith(":") or _INCOMPLETE.search(lead_text)):
            lg = ("all", "logic.default.lead_in_list")
        if lg is None and groups:
            lg = None
        if lg is None:
            self.diag("logic.unstated", "the text does not say how these sub-conditions combine",
                      node.start, node.end, "info")
            return
        if lg[0] == "count":
            self.diag("logic.count", "the text asks for a number of the sub-conditions (\"at least 2 of\"), "
                      "which all/any/except cannot state", node.start, node.end, "info")
            node.logic_rule = lg[1]
            return
        node.logic, node.logic_rule = lg

    def _continue(self, top: _Frame, b: Block) -> None:
        """A paragraph that continues the sentence of the criterion before it (no children yet).

        The joined text is rebuilt once, in :meth:`_rebuild_joined` (rebuilding it at every
        joined paragraph would be quadratic in their number)."""
        crit = top.node
        top.block.segments.extend(b.segments)
        crit.end = max(crit.end, b.end)
        self.joined[id(crit)] = (crit, top.block)
        self.diag("structure.joined_paragraph", "a paragraph continuing the sentence before it was joined to it",
                  b.start, b.end, "info")

    def _rebuild_joined(self) -> None:
        if not self.joined:
            return
        index = {id(c): i for i, (c, _) in enumerate(self.criteria)}
        for key, (crit, block) in self.joined.items():
            mt = MappedText.build(self.text, block.segments)
            block.mt = mt
            crit.text = mt.text
            i = index.get(key)
            if i is not None:
                self.criteria[i] = (crit, mt)
        self.joined = {}

    def _own_paragraph(self, top: _Frame, b: Block) -> None:
        """The paragraph after a criterion ending in ':' becomes its children."""
        owner = top.node
        owner.end = max(owner.end, b.end)
        mt = b.mt
        en = find_enumeration(mt, self.rules)
        if en is not None and not en.lead.text:
            holder = Criterion(start=b.start, end=b.end, text="", rule="structure.owned_paragraph")
            n_diag = len(self.diagnostics)
            self._expand_inline(holder, mt)
            del self.diagnostics[n_diag:]  # the holder is not a node: its logic is the owner's
            for ch in holder.children:
                owner.children.append(ch)
            self._set_owner_logic(owner, holder)
            return
        pieces = split_semicolons(mt) if en is None else []
        if pieces:
            tails = []
            for body, tail in pieces:
                a, z = body.orig_bounds
                child = Criterion(start=a, end=z, text=body.text, rule="structure.semicolon_item")
                own = self._expand_inline(child, body)
                self.criteria.append((child, own))
                owner.children.append(child)
                tails.append(tail)
            self._set_logic(owner, owner.text, tails[:-1])
            return
        crit, _ = self._criterion(b)
        owner.children.append(crit)
        self._set_logic(owner, owner.text, [])

    def _set_owner_logic(self, owner: Union[Criterion, Group], holder: Criterion) -> None:
        lg = lead_logic(owner.text, self.rules)
        if lg is not None and lg[0] == "count":
            self._set_logic(owner, owner.text, [])
            return
        if lg is None and holder.logic is not None:
            lg = (holder.logic, holder.logic_rule)
        if lg is None:
            lg = ("all", "logic.default.lead_in_list")
        owner.logic, owner.logic_rule = lg

    # -- finishing --------------------------------------------------------------------
    def finish(self) -> None:
        self._rebuild_joined()
        for sec in self.sections:
            _close_spans(sec)
        for sec in self.sections:
            if sec.start == 0 and sec.end == 0 and sec.children:
                sec.start = sec.children[0].start
        # nodes that own children without saying how they combine
        for crit, _ in self.criteria:
            if crit.children and crit.logic is None:
                # "...in the longest dimension or" ending the items: the words between siblings
                tails = [c.text[-12:] for c in crit.children[:-1] if isinstance(c, Criterion)]
                self._set_logic(crit, crit.text, tails)
        self._bare_labels()

    def _bare_labels(self) -> None:
        """An unmarked one-line label with a list under it ("Hepatic") is a group heading."""
        rules = _scoped_subheadings(self.rules, "parent")
        if not rules:
            return
        converted = set()
        own_text = None
        stack: list = list(self.sections)
        while stack:
            node = stack.pop()
            kids = node.children
            for i, ch in enumerate(kids):
                if (isinstance(ch, Criterion) and ch.marker is None and ch.children and not ch.thresholds
                        and ch.rule == "structure.paragraph" and not any(_split_inside(k) for k in ch.children)):
                    for r, rx in rules:
                        m = rx.match(ch.text)
                        if m:
                            # the label's own stretch of the input (it may have been joined from lines)
                            if own_text is None:
                                own_text = {id(c): mt for c, mt in self.criteria}
                            mt = own_text.get(id(ch))
                            hs, he = mt.orig_bounds if mt is not None and mt.text else (ch.start, ch.start)
                            g = Group(start=ch.start, end=ch.end, text=ch.text, label=m.group("label"), rule=r.id,
                                      heading=Span(start=hs, end=max(he, hs), text=ch.text), logic=ch.logic,
                                      logic_rule=ch.logic_rule, children=ch.children)
                            kids[i] = g
                            converted.add(id(ch))
                            break
                stack.append(kids[i])
        if converted:
            self.criteria = [p for p in self.criteria if id(p[0]) not in converted]


def _scoped_subheadings(rules: RuleSet, scope: str) -> list:
    """(rule, compiled) of the sub-heading rules of one scope (cached on the rule set)."""
    key = ("subheading_scope", scope)
    got = rules._union.get(key)
    if got is None:
        got = rules._union[key] = [(r, rx) for r, rx in rules.compiled("subheading") if r.scope == scope]
    return got


def _split_inside(node: Union[Criterion, Group]) -> bool:
    """Was this child cut out of its parent's own line (inline enumeration, semicolon list)?
    Such a parent keeps the separators between its children, so it stays a criterion."""
    rule = node.rule or ""
    return rule.startswith("inline.") or rule in ("structure.semicolon_item", "structure.inline_label")


def _close_spans(node: Node) -> None:
    """Extend every node's end to cover its children (iteratively: no recursion limit)."""
    parents = []   # the nodes with children, each before its descendants
    stack = [node]
    while stack:
        n = stack.pop()
        kids = n.children
        if kids:
            parents.append(n)
            stack.extend(kids)
    for n in reversed(parents):
        start, end = n.start, n.end
        for k in n.children:
            if k.end > end:
                end = k.end
            if k.start < start:
                start = k.start
        if end != n.end:
            n.end = end
        if start != n.start:
            n.start = start
    lead = getattr(node, "lead_in", None)   # only a section has a lead-in
    if lead is not None and lead.end > node.end:
        node.end = lead.end


def parse_structure(text: str, fmt: str, rules: RuleSet) -> StructureResult:
    """Sections, groups and criteria of ``text`` (offsets into ``text``)."""
    blocks = scan_blocks(text, fmt, rules)
    b = _Builder(text, rules)
    for block in blocks:
        b.add_block(block)
    if not b.sections:
        b.open_section(None)
        sec = b.section
        sec.start = sec.end = len(text)
    b.finish()
    b.criteria.sort(key=lambda p: (p[0].start, p[0].end))
    return StructureResult(b.sections, b.criteria, b.diagnostics)


def line_structure(text: str) -> StructureResult:
    """The fallback structure: one unspecified section, one criterion per non-blank line.

    Used when the structure rules cannot finish (a rule hit the regex time limit)."""
    from .lines import split_lines

    sec = Section(start=0, end=len(text), text="", type="unspecified", rule="structure.fallback_lines")
    criteria = []
    for ln in split_lines(text):
        mt = MappedText.build(text, [(ln.start, ln.end)])
        crit = Criterion(start=ln.start, end=ln.end, text=mt.text, rule="structure.fallback_line")
        sec.children.append(crit)
        criteria.append((crit, mt))
    return StructureResult([sec], criteria, [])
