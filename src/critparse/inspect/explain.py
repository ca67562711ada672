"""``critparse explain``: the steps the parser took on one text.

Nothing here guesses the parser's reasons.  ``explain`` reports

* what the input was read as (``critparse.inputs.read_input``);
* the normalisation the clean-text builder (``critparse.textmap.MappedText``, the same
  code the parser uses) applies to each line: unescaped markdown, folded characters,
  collapsed white space; and which criteria were joined from several input lines;
* for every non-blank line, the structure rules whose ``regex`` matches the line's clean
  text (section headings, list markers, sub-headings), next to what the parser actually
  made there (which node starts on that line, with its ``rule`` id) -- a rule that matched
  where no node with that rule was made is listed as *not used*;
* inline enumerators and logic cues found by re-running those rules over each node's
  text, next to the logic the parser decided (``logic``/``logic_rule``);
* the extraction rules (every other rule kind) that match each criterion's clean text,
  and whether a threshold / window / list node of that criterion carries the rule's id;
* the parser's own diagnostics (its rejections and doubts, with codes).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from ..models import Document
from ..patterns import REGEX_TIMEOUT, RuleSet, default_rules
from ..textmap import MappedText

STRUCTURE_KINDS = ("section_heading", "list_marker", "subheading")
SKIP_KINDS = ("macro",)


@dataclass
class Step:
    title: str
    items: list[str] = field(default_factory=list)


def _short(s: str, n: int = 70) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(line number, start, end) of every line, end without the line break."""
    out, pos = [], 0
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        out.append((n, pos, pos + len(line.rstrip("\r\n"))))
        pos += len(line)
    return out


def _line_of(lines: list[tuple[int, int, int]], offset: int) -> int:
    for n, s, e in lines:
        if s <= offset <= e:
            return n
    return lines[-1][0] if lines else 1


def _replacement(orig: str, clean: str) -> str:
    if orig.startswith("\\") and len(orig) == 2:
        return f"unescaped markdown {orig!r} -> {clean!r}"
    if orig.strip() == "" or clean == " " or clean == "":
        what = "line break" if ("\n" in orig or "\r" in orig) else "white space"
        return f"{what} {orig!r} -> {clean!r}"
    return f"folded {orig!r} -> {clean!r}"


def _search(rule: Any, s: str):
    try:
        return rule.regex.search(s, timeout=REGEX_TIMEOUT)
    except TimeoutError:
        return None


def _finditer(rule: Any, s: str):
    try:
        return list(rule.regex.finditer(s, timeout=REGEX_TIMEOUT))
    except TimeoutError:
        return []


NODE_KINDS = ("threshold", "temporal", "variant_list")


def explain_document(doc: Document, rules: Optional[RuleSet] = None, input_note: Optional[str] = None,
                     max_items: int = 400, all_rules: bool = False) -> list[Step]:
    """The steps for a parsed ``doc``.  ``all_rules`` also lists helper rule kinds (units,
    subject names, ...) that match on their own; by default only rule kinds that make nodes
    (threshold, temporal, variant_list) are run over the criteria."""
    rules = rules or default_rules()
    text = doc.text
    lines = _lines(text)
    nodes = list(doc.iter_nodes())
    steps: list[Step] = []

    # 1. input
    st = Step("input")
    if input_note:
        st.items.append(input_note)
    st.items.append(f"format {doc.source_format}; {len(text)} characters, {len(lines)} lines")
    if doc.fields is not None and doc.fields.nct_id:
        st.items.append(f"study record {doc.fields.nct_id}")
    steps.append(st)

    # 2. normalisation
    st = Step("normalisation (clean text of each line, as textmap.MappedText builds it)")
    for n, s, e in lines:
        if s == e:
            continue
        mt = MappedText.build(text, [(s, e)])
        pieces = getattr(mt, "_pieces", [])
        nxt = [p[0] for p in pieces[1:]] + [len(mt.text)]
        for (cs, os_, oe, verb), ce in zip(pieces, nxt):
            if not verb:
                st.items.append(f"line {n} [{os_}:{oe}]: {_replacement(text[os_:oe], mt.text[cs:ce])}")
        lead = len(text[s:e]) - len(text[s:e].lstrip())
        if lead:
            st.items.append(f"line {n}: indentation of {lead} dropped")
    for node in nodes:
        if node.kind != "criterion" or node.children:
            continue
        a, b = _line_of(lines, node.start), _line_of(lines, max(node.start, node.end - 1))
        if b > a:
            st.items.append(f"lines {a}-{b} joined into one criterion «{_short(node.text, 50)}» [{node.start}:{node.end}]")
    if not st.items:
        st.items.append("nothing to change: the clean text equals the input")
    steps.append(st)

    # 3. lines: structure rules against what the parser made
    st = Step("lines: structure rules that match, and what the parser made")
    starts: dict[int, list[Any]] = {}
    for node in nodes:
        at = node.heading.start if getattr(node, "heading", None) is not None else node.start
        starts.setdefault(_line_of(lines, at), []).append(node)
    kinds = {k: [r for r in rules.of_kind(k)] for k in STRUCTURE_KINDS}
    for n, s, e in lines:
        clean = MappedText.build(text, [(s, e)]).text
        if not clean:
            continue
        head = f"line {n} «{_short(clean, 60)}»"
        made = starts.get(n, [])
        desc = []
        for node in made:
            d = node.kind
            if node.kind == "section":
                d += f" {node.type}"
            if getattr(node, "marker", None):
                d += f" marker {node.marker!r}"
            if getattr(node, "label", None) and node.kind != "section":
                d += f" label {node.label!r}"
            d += f" (rule {node.rule or '-'})"
            desc.append(d)
        st.items.append(head + ": " + ("; ".join(desc) if desc else "no node starts here"))
        made_here = {getattr(x, "rule", None) for x in made}
        for kind, rs in kinds.items():
            for rule in rs:
                m = _search(rule, clean)
                if m is None:
                    continue
                gd = {k: v for k, v in m.groupdict().items() if v is not None and k in ("marker", "label")}
                extra = "".join(f" {k}={v!r}" for k, v in gd.items())
                if rule.id in made_here:
                    used = "used"
                elif kind == "list_marker" and gd.get("marker") and any(
                        getattr(x, "marker", None) == gd["marker"] for x in made):
                    used = f"used (a node here has marker {gd['marker']!r})"
                elif kind == "section_heading" and any(
                        x.kind == "section" and getattr(x, "type", None) == getattr(rule, "section", None)
                        for x in made):
                    used = "same section type as the section made here"
                elif kind == "subheading" and any(x.kind == "group" for x in made):
                    used = "a group starts here"
                else:
                    used = "not used here" if made else "not used (no node starts here)"
                st.items.append(f"    {kind} {rule.id} matched «{_short(m.group(0), 40)}»{extra} -> {used}")
    steps.append(st)

    # 4. inline enumerators and logic cues
    st = Step("inline enumerators and logic")
    inline = rules.of_kind("inline_marker")
    cues = rules.of_kind("logic_cue")
    for node in nodes:
        kids = getattr(node, "children", [])
        own = node.text if node.kind == "criterion" else (
            node.lead_in.text if getattr(node, "lead_in", None) is not None else
            (node.heading.text if getattr(node, "heading", None) is not None else ""))
        name = f"{node.kind} [{node.start}:{node.end}] «{_short(node.text or getattr(node, 'label', '') or '', 40)}»"
        found = []
        whole = MappedText.build(text, [(node.start, node.end)]).text if node.kind != "section" else ""
        for rule in inline:
            ms = _finditer(rule, whole)
            if ms:
                marks = [m.groupdict().get("marker") or m.group(0) for m in ms]
                if not kids and set(marks) <= {getattr(node, "marker", None)}:
                    continue  # only the criterion's own marker
                child_marks = {getattr(c, "marker", None) for c in kids}
                desc_marks: set = set()
                stack = list(kids)
                while stack:
                    x = stack.pop()
                    desc_marks.add(getattr(x, "marker", None))
                    stack.extend(getattr(x, "children", []))
                if any(x in child_marks for x in marks):
                    used = "used (children carry them)"
                elif any(x in desc_marks for x in marks):
                    used = "used deeper (descendants carry them)"
                else:
                    used = "not used"
                found.append(f"    inline_marker {rule.id}: {', '.join(repr(x) for x in marks[:8])} -> {used}")
        gaps = [MappedText.build(text, [(x.end, y.start)]).text for x, y in zip(kids, kids[1:]) if y.start > x.end]
        for rule in cues:
            if getattr(rule, "scope", "lead_in") == "between":
                hits = [g for g in gaps if _search(rule, g)]
                if hits:
                    lr = getattr(node, "logic_rule", None)
                    used = "used" if lr == rule.id else f"not used (logic {node.logic or '-'})"
                    found.append(f"    logic_cue {rule.id} ({rule.logic}, between children) matched in "
                                 f"{len(hits)} of {len(gaps)} gaps, e.g. «{_short(hits[0], 30)}» -> {used}")
                continue
            if not own:
                continue
            m = _search(rule, own)
            if m:
                lr = getattr(node, "logic_rule", None)
                used = "used" if lr == rule.id else f"not used (logic {node.logic or '-'}" + (
                    f" from {lr})" if lr else ")")
                found.append(f"    logic_cue {rule.id} ({rule.logic}) matched «{_short(m.group(0), 40)}» -> {used}")
        logic = getattr(node, "logic", None)
        if found or logic or kids:
            head = f"{name}: {len(kids)} children"
            if logic:
                head += f", logic {logic}"
                if getattr(node, "logic_rule", None):
                    head += f" (rule {node.logic_rule})"
            if found or logic:
                st.items.append(head)
                st.items.extend(found)
    if not st.items:
        st.items.append("no enumerators or logic cues")
    steps.append(st)

    # 5. extraction rules per criterion
    st = Step("extraction rules per criterion" + ("" if all_rules else " (node-making kinds; --all-rules for helpers)"))
    ex_rules = [r for r in rules.rules.values()
                if r.kind not in SKIP_KINDS + STRUCTURE_KINDS + ("inline_marker", "logic_cue")
                and (all_rules or r.kind in NODE_KINDS)]
    for node in nodes:
        if node.kind != "criterion":
            continue
        made = list(node.thresholds) + list(node.temporals) + list(node.lists)
        made += [a for t in node.thresholds for a in t.alternatives]
        made_ids = {m.rule for m in made}
        items = []
        for m in made:
            items.append(f"    made {m.kind} «{_short(m.text, 40)}» [{m.start}:{m.end}] (rule {m.rule or '-'})")
            subj = getattr(m, "subject", None)
            if subj is not None and not (node.start <= subj.start and subj.end <= node.end):
                items.append(f"      its subject «{_short(subj.text, 40)}» [{subj.start}:{subj.end}] is the heading or lead-in above")
        # where each made node sits in the criterion's clean text
        cmt = MappedText.build(text, [(node.start, node.end)])
        mapped = cmt.text == node.text
        placed = []
        for m in made:
            if mapped:
                placed.append((m.start, m.end, m))
            else:  # the clean text differs from the node's: place by text
                i = node.text.find(m.text)
                if i >= 0:
                    placed.append((i, i + len(m.text), m))
        for rule in ex_rules:
            ms = _finditer(rule, node.text)
            for m in ms[:3]:
                a, b = cmt.span(*m.span()) if mapped else m.span()
                same = [x for s0, e0, x in placed if s0 < b and a < e0 and x.rule == rule.id]
                other = [x for s0, e0, x in placed if s0 < b and a < e0 and x.rule != rule.id]
                if same:
                    used = f"made {same[0].kind} «{_short(same[0].text, 30)}»"
                elif other:
                    used = (f"no node from this match; it overlaps {other[0].kind} «{_short(other[0].text, 30)}» "
                            f"made by {other[0].rule}")
                elif rule.id in made_ids:
                    used = "no node from this match (a node elsewhere in the criterion carries this rule)"
                else:
                    used = "no node from this match"
                items.append(f"    {rule.kind} {rule.id} matched «{_short(m.group(0), 40)}» -> {used}")
        if items:
            st.items.append(f"criterion [{node.start}:{node.end}] «{_short(node.text, 50)}»")
            st.items.extend(items)
    if not st.items:
        st.items.append("no extraction rule matched and no node was made")
    steps.append(st)

    # 6. diagnostics
    st = Step("diagnostics (the parser's own rejections and doubts)")
    for d in doc.diagnostics:
        st.items.append(f"{d.severity} {d.code} [{d.start}:{d.end}] «{_short(text[d.start:d.end], 40)}»: {d.message}")
    if not st.items:
        st.items.append("none")
    steps.append(st)

    for s in steps:
        if len(s.items) > max_items:
            extra = len(s.items) - max_items
            s.items = s.items[:max_items] + [f"... {extra} more"]
    return steps


def explain(text: str, input_format: str = "auto", parser: Any = None, all_rules: bool = False) -> list[Step]:
    """Parse ``text`` and explain the steps the parser took."""
    from ..inputs import read_input
    from ..parser import parse

    inp = read_input(text, input_format)
    if parser is None:
        doc = parse(text, input_format)
        rules = default_rules()
    else:
        doc = parser.parse_input(inp)
        rules = parser.rules
    note = f"read as {inp.format}" + (" (from a study JSON record)" if inp.record is not None else "")
    return explain_document(doc, rules, note, all_rules=all_rules)


def render_explain(steps: list[Step]) -> str:
    out = []
    for i, s in enumerate(steps, 1):
        out.append(f"{i}. {s.title}")
        out.extend(f"   {x}" for x in s.items)
        out.append("")
    return "\n".join(out)


def steps_json(steps: list[Step]) -> list[dict]:
    return [asdict(s) for s in steps]
