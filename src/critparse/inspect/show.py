"""``critparse show``: the criteria tree as a coloured terminal tree (rich).

``render_tree(doc)`` gives the tree as plain text (no colour) -- what the snapshot tests
compare; ``print_tree(doc)`` prints it in colour to a terminal.
"""
from __future__ import annotations

import io
from typing import Any, Optional

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from ..models import Document
from .common import COMPARATOR_SYMBOL, children_of, fmt_num, fmt_range, unit_text

STYLE = {
    "section": "bold white on blue",
    "group": "bold cyan",
    "marker": "bold yellow",
    "logic": "bold magenta",
    "rule": "dim cyan",
    "span": "dim",
    "subject": "bold blue",
    "comparator": "bold red",
    "value": "bold green",
    "unit": "magenta",
    "reference": "yellow",
    "kind": "dim",
    "temporal": "bold dark_cyan",
    "list": "bold bright_magenta",
    "diag_warning": "yellow",
    "diag_error": "bold red",
    "diag_info": "dim",
}

DEFAULT_MAX_TEXT = 160


def _clip(s: str, max_text: Optional[int]) -> str:
    s = " ".join(s.split())
    if max_text and len(s) > max_text:
        return s[: max_text - 1].rstrip() + "…"
    return s


def _tail(t: Text, node: Any, spans: bool) -> Text:
    rule = getattr(node, "rule", None)
    if rule:
        t.append("  ‹", STYLE["rule"]).append(rule, STYLE["rule"]).append("›", STYLE["rule"])
    if spans and getattr(node, "start", None) is not None:
        t.append(f"  [{node.start}:{node.end}]", STYLE["span"])
    return t


def _logic(t: Text, node: Any) -> None:
    logic = getattr(node, "logic", None)
    if logic:
        t.append(f"  {logic.upper()}", STYLE["logic"])
        lr = getattr(node, "logic_rule", None)
        if lr:
            t.append(f" ‹{lr}›", STYLE["rule"])


def _value_text(t: Text, node: Any) -> None:
    """Comparator and value(s) of a threshold/temporal, coloured."""
    comp = node.comparator
    is_range = comp == "range" or (node.value is None and (node.low is not None or node.high is not None))
    if comp != "range":
        t.append(COMPARATOR_SYMBOL.get(comp, comp), STYLE["comparator"]).append(" ")
    if is_range:
        t.append(fmt_range(node.low, node.high, node.low_inclusive, node.high_inclusive), STYLE["value"])
    elif node.value is None and getattr(node, "values", None):
        t.append("{" + ", ".join(node.values) + "}", STYLE["value"])
    else:
        t.append(fmt_num(node.value), STYLE["value"])
    u = unit_text(node)
    if u:
        t.append(" ").append(u, STYLE["unit"])


def threshold_label(th: Any, spans: bool = False, prefix: str = "threshold") -> Text:
    t = Text()
    t.append(prefix + " ", STYLE["kind"])
    if th.subject is not None:
        name = th.subject.name or th.subject.text
        t.append(name, STYLE["subject"])
        if th.subject.name and th.subject.name.lower() != th.subject.text.lower():
            t.append(f" «{th.subject.text}»", STYLE["kind"])
        if spans:
            t.append(f" [{th.subject.start}:{th.subject.end}]", STYLE["span"])
    else:
        t.append("(no subject)", STYLE["kind"])
    t.append(" ")
    if th.comparator == "range":
        t.append("range ", STYLE["comparator"])
    _value_text(t, th)
    ref = getattr(th, "reference", None)
    if ref:
        t.append(f" × {ref}", STYLE["reference"])
    extras = []
    if th.negated:
        extras.append("negated")
    if th.quantity:
        extras.append(th.quantity)
    if extras:
        t.append(" (" + ", ".join(extras) + ")", STYLE["kind"])
    if th.condition is not None:
        t.append(f" if «{th.condition.text}»", STYLE["kind"])
    return _tail(t, th, spans)


def temporal_label(w: Any, spans: bool = False) -> Text:
    t = Text()
    t.append("window ", STYLE["kind"])
    if w.comparator == "range":
        t.append("range ", STYLE["comparator"])
    _value_text(t, w)
    if w.direction:
        t.append(" " + w.direction, STYLE["temporal"])
    if w.anchor is not None:
        t.append(f" «{w.anchor.text}»", STYLE["subject"])
    return _tail(t, w, spans)


def list_label(v: Any, spans: bool = False) -> Text:
    t = Text()
    t.append("list ", STYLE["kind"])
    t.append(v.text, STYLE["list"])
    t.append(" → " + ", ".join(v.items))
    return _tail(t, v, spans)


def node_label(node: Any, spans: bool = False, max_text: Optional[int] = DEFAULT_MAX_TEXT) -> Text:
    t = Text()
    k = node.kind
    if k == "section":
        t.append(f" {node.type.upper()} ", STYLE["section"])
        if node.heading is not None:
            t.append(f" {_clip(node.heading.text, max_text)}")
        if node.label:
            t.append(f"  label: {node.label}", STYLE["group"])
        _logic(t, node)
        _tail(t, node, spans)
        if node.lead_in is not None:
            t.append("\n")
            t.append("lead-in: ", STYLE["kind"]).append(_clip(node.lead_in.text, max_text))
        return t
    if k == "group":
        marker = getattr(node, "marker", None)
        if marker:
            t.append(marker + " ", STYLE["marker"])
        t.append("group ", STYLE["kind"]).append(node.label, STYLE["group"])
        _logic(t, node)
        _tail(t, node, spans)
        body = node.text.strip()
        if body and body != node.label and not (node.heading is not None and body == node.heading.text):
            t.append("\n").append(_clip(body, max_text))
        return t
    # criterion
    if node.marker:
        t.append(node.marker + " ", STYLE["marker"])
    if node.label:
        t.append(node.label + ": ", STYLE["group"])
    t.append(_clip(node.text, max_text))
    _logic(t, node)
    return _tail(t, node, spans)


def _add(branch: Tree, node: Any, spans: bool, max_text: Optional[int]) -> None:
    sub = branch.add(node_label(node, spans, max_text))
    for th in getattr(node, "thresholds", []) or []:
        tb = sub.add(threshold_label(th, spans))
        for alt in th.alternatives:
            tb.add(threshold_label(alt, spans, prefix="or"))
    for w in getattr(node, "temporals", []) or []:
        sub.add(temporal_label(w, spans))
    for v in getattr(node, "lists", []) or []:
        sub.add(list_label(v, spans))
    for c in children_of(node):
        _add(sub, c, spans, max_text)


def build_tree(doc: Document, spans: bool = False, max_text: Optional[int] = DEFAULT_MAX_TEXT,
               title: Optional[str] = None) -> Tree:
    n_crit = len(doc.criteria())
    n_thr = len(doc.thresholds())
    head = Text()
    head.append("document", "bold")
    ident = title or (doc.fields.nct_id if doc.fields and doc.fields.nct_id else None)
    if ident:
        head.append(f" {ident}", "bold green")
    head.append(f"  {doc.source_format} · {len(doc.sections)} sections · {n_crit} criteria · "
                f"{n_thr} thresholds", STYLE["kind"])
    if spans:
        head.append(f"  [{doc.start}:{doc.end}]", STYLE["span"])
    tree = Tree(head, guide_style="dim")
    for s in doc.sections:
        _add(tree, s, spans, max_text)
    if doc.abbreviations:
        ab = tree.add(Text("abbreviations", "bold"))
        for a in doc.abbreviations:
            t = Text().append(a.short.text, STYLE["subject"]).append(" = ").append(a.long.text)
            if spans:
                t.append(f"  [{a.short.start}:{a.short.end}]", STYLE["span"])
            ab.add(t)
    if doc.diagnostics:
        db = tree.add(Text("diagnostics", "bold"))
        for d in doc.diagnostics:
            t = Text().append(f"{d.severity} {d.code}", STYLE.get(f"diag_{d.severity}", "")).append(f" {d.message}")
            if spans:
                t.append(f"  [{d.start}:{d.end}]", STYLE["span"])
            db.add(t)
    return tree


def render_tree(doc: Document, spans: bool = False, width: Optional[int] = None,
                max_text: Optional[int] = DEFAULT_MAX_TEXT, title: Optional[str] = None) -> str:
    """The tree as plain text (no colour), wrapped at ``width`` columns (default 80)."""
    buf = io.StringIO()
    console = Console(file=buf, width=width or 80, color_system=None, force_terminal=False,
                      no_color=True, highlight=False, emoji=False, legacy_windows=False)
    console.print(build_tree(doc, spans, max_text, title))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def print_tree(doc: Document, spans: bool = False, width: Optional[int] = None,
               max_text: Optional[int] = DEFAULT_MAX_TEXT, console: Optional[Console] = None,
               title: Optional[str] = None) -> None:
    """Print the coloured tree to ``console`` (default: standard output)."""
    console = console or Console(width=width, highlight=False, emoji=False)
    console.print(build_tree(doc, spans, max_text, title))
