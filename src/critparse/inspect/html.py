"""``critparse html``: one self-contained HTML page to inspect parse output.

The page shows the ORIGINAL input text (``doc.text``) with every node highlighted from its
offsets, beside a collapsible tree.  No network: CSS and JS are inlined from the files
``page.css`` / ``page.js`` / ``page.html`` next to this module.

Highlights are built from a sorted list of boundaries (``highlight_markup``): spans that
nest become nested ``<span>`` elements; a span that crosses another is split into
fragments.  Every highlight element carries ``data-start``/``data-end`` (the original
offsets of the text it wraps, so ``textContent == doc.text[start:end]``), ``data-node-start``
/``data-node-end`` (the whole node's offsets), ``data-node`` (the node id, shared by its
fragments and by its tree entry), ``data-kind``, ``data-rule`` and ``data-tip`` (the
normalised values and rule id, shown in a tooltip on hover).

Comparator and value spans are not in the model: they are located by a text search inside
each threshold (see :mod:`critparse.inspect.locate`) and marked ``data-located="search"``.
"""
from __future__ import annotations

import html as _html
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Optional, Sequence

from ..models import Document
from .common import (COMPARATOR_SYMBOL, Record, children_of, describe_list, describe_temporal,
                     describe_threshold, fmt_num, fmt_range, unit_text)
from .locate import locate_parts

# nesting rank when two highlights have the same span: lower is outer
_RANK = {"section": 0, "heading": 1, "lead_in": 1, "group": 2, "criterion": 3, "threshold": 10,
         "temporal": 10, "variant_list": 10, "alternative": 11, "subject": 20, "comparator": 20,
         "value": 20, "unit": 20, "anchor": 20, "condition": 20}


@dataclass
class Highlight:
    start: int
    end: int
    kind: str                 # css class suffix: criterion, subject, comparator, ...
    node: str                 # node id (shared by fragments and the tree entry)
    rule: Optional[str] = None
    tip: str = ""
    depth: int = 0
    extra: dict = field(default_factory=dict)

    def sort_key(self):
        return (self.start, -self.end, _RANK.get(self.kind, 5), self.depth)


def esc(s: Any) -> str:
    return _html.escape("" if s is None else str(s), quote=True)


def _attrs(h: Highlight, fs: int, fe: int) -> str:
    a = [f'class="hl h-{h.kind}"', f'data-node="{esc(h.node)}"', f'data-kind="{esc(h.kind)}"',
         f'data-start="{fs}"', f'data-end="{fe}"', f'data-node-start="{h.start}"',
         f'data-node-end="{h.end}"', f'data-rule="{esc(h.rule or "")}"', f'data-tip="{esc(h.tip)}"']
    if h.kind == "criterion":
        a[0] = f'class="hl h-criterion depth{(h.depth + 1) % 2}"'
    for k, v in h.extra.items():
        a.append(f'data-{k}="{esc(v)}"')
    return " ".join(a)


def highlight_markup(text: str, highlights: Sequence[Highlight]) -> str:
    """HTML for ``text`` with ``highlights`` as (possibly nested) spans.

    Walks the sorted boundaries; at each one, the open elements that are no longer the
    canonical prefix of the active highlights are closed and the rest are (re)opened, so
    crossing spans become fragments.  Text is HTML-escaped.
    """
    n = len(text)
    hs = [h for h in highlights if 0 <= h.start < h.end <= n]
    hs.sort(key=Highlight.sort_key)
    points = sorted({0, n} | {h.start for h in hs} | {h.end for h in hs})
    out: list[str] = []
    stack: list[tuple[Highlight, int, int]] = []  # (highlight, index of its open tag in out, fragment start)
    by_start: dict[int, list[Highlight]] = {}
    for h in hs:
        by_start.setdefault(h.start, []).append(h)
    active: list[Highlight] = []

    def close(upto: int, pos: int) -> None:
        while len(stack) > upto:
            h, idx, fs = stack.pop()
            out[idx] = f"<span {_attrs(h, fs, pos)}>"
            out.append("</span>")

    for i, p in enumerate(points):
        if p >= n:
            break
        active = [h for h in active if h.end > p] + by_start.get(p, [])
        active.sort(key=Highlight.sort_key)
        k = 0
        while k < len(stack) and k < len(active) and stack[k][0] is active[k]:
            k += 1
        close(k, p)
        for h in active[k:]:
            stack.append((h, len(out), p))
            out.append("")  # filled in when the fragment closes
        nxt = points[i + 1] if i + 1 < len(points) else n
        out.append(esc(text[p:nxt]))
    close(0, n)
    return "".join(out)


# -- collecting the highlights and the tree of one document ---------------------------

def _threshold_tip(th: Any) -> str:
    lines = [f"threshold: {describe_threshold(th)}", f"rule: {th.rule or '-'}"]
    return "\n".join(lines)


class _Collector:
    def __init__(self, doc: Document, prefix: str):
        self.doc = doc
        self.prefix = prefix
        self.n = 0
        self.highlights: list[Highlight] = []

    def nid(self) -> str:
        self.n += 1
        return f"{self.prefix}n{self.n}"

    def add(self, start: Optional[int], end: Optional[int], kind: str, node: str, rule: Optional[str],
            tip: str, depth: int = 0, **extra: Any) -> None:
        if start is None or end is None or end <= start:
            return
        self.highlights.append(Highlight(start, end, kind, node, rule, tip, depth, extra))

    # tree nodes are returned as html strings
    def threshold(self, th: Any, depth: int, kind: str = "threshold") -> str:
        nid = self.nid()
        tip = _threshold_tip(th)
        self.add(th.start, th.end, kind, nid, th.rule, tip, depth)
        if th.subject is not None:
            st = f"subject: {th.subject.text}"
            if th.subject.name:
                st += f" → {th.subject.name}"
            self.add(th.subject.start, th.subject.end, "subject", nid + "s", th.rule, st + f"\nrule: {th.rule or '-'}")
        if th.unit is not None and th.unit.start is not None:
            ut = f"unit: {th.unit.text}" + (f" (UCUM {th.unit.ucum})" if th.unit.ucum else "")
            self.add(th.unit.start, th.unit.end, "unit", nid + "u", th.rule, ut + f"\nrule: {th.rule or '-'}")
        if th.condition is not None:
            self.add(th.condition.start, th.condition.end, "condition", nid + "k", th.rule,
                     f"condition: {th.condition.text}\nrule: {th.rule or '-'}")
        parts = locate_parts(self.doc.text, th)
        sym = COMPARATOR_SYMBOL.get(th.comparator, th.comparator)
        if th.comparator == "range":
            sym = f"{fmt_range(th.low, th.high, th.low_inclusive, th.high_inclusive)}"
        for s, e in parts["comparator"]:
            self.add(s, e, "comparator", nid + "c", th.rule,
                     f"comparator: {th.comparator} ({sym})\nrule: {th.rule or '-'}\n(located by text search)",
                     located="search")
        vals = parts["value"]
        for j, (s, e) in enumerate(vals):
            if th.value is not None:
                what = f"value: {fmt_num(th.value)}"
            elif th.comparator == "range" or th.low is not None or th.high is not None:
                what = (f"low: {fmt_num(th.low)} ({'inclusive' if th.low_inclusive is not False else 'exclusive'})"
                        if j == 0 else
                        f"high: {fmt_num(th.high)} ({'inclusive' if th.high_inclusive is not False else 'exclusive'})")
            else:
                what = f"value: {self.doc.text[s:e]}"
            u = unit_text(th)
            if u:
                what += f" {u}"
            if th.reference:
                what += f" × {th.reference}"
            self.add(s, e, "value", nid + f"v{j}", th.rule,
                     f"{what}\nrule: {th.rule or '-'}\n(located by text search)", located="search")
        body = (f'<div class="leaf" data-target="{nid}">'
                f'<span class="tk tk-{kind}">{"or" if kind == "alternative" else "threshold"}</span> '
                f'{_threshold_html(th)}{_rule_html(th.rule)}</div>')
        alts = "".join(self.threshold(a, depth, "alternative") for a in th.alternatives)
        if alts:
            body = f'<div class="leafgroup">{body}<div class="alts">{alts}</div></div>'
        return body

    def temporal(self, w: Any, depth: int) -> str:
        nid = self.nid()
        tip = f"window: {describe_temporal(w)}\nrule: {w.rule or '-'}"
        self.add(w.start, w.end, "temporal", nid, w.rule, tip, depth)
        if w.anchor is not None:
            self.add(w.anchor.start, w.anchor.end, "anchor", nid + "a", w.rule,
                     f"anchor: {w.anchor.text}\nrule: {w.rule or '-'}")
        if w.unit is not None and w.unit.start is not None:
            self.add(w.unit.start, w.unit.end, "unit", nid + "u", w.rule, f"unit: {w.unit.text}\nrule: {w.rule or '-'}")
        return (f'<div class="leaf" data-target="{nid}"><span class="tk tk-temporal">window</span> '
                f'{esc(describe_temporal(w))}{_rule_html(w.rule)}</div>')

    def vlist(self, v: Any, depth: int) -> str:
        nid = self.nid()
        self.add(v.start, v.end, "variant_list", nid, v.rule,
                 f"list: {describe_list(v)}\nrule: {v.rule or '-'}", depth)
        return (f'<div class="leaf" data-target="{nid}"><span class="tk tk-variant_list">list</span> '
                f'{esc(describe_list(v))}{_rule_html(v.rule)}</div>')

    def node(self, node: Any, depth: int) -> str:
        nid = self.nid()
        k = node.kind
        rule = node.rule
        logic = getattr(node, "logic", None)
        lr = getattr(node, "logic_rule", None)
        tip_lines = []
        if k == "section":
            tip_lines.append(f"section: {node.type}" + (f" ({node.label})" if node.label else ""))
            self.add(node.start, node.end, "section", nid, rule, "", depth)
            if node.heading is not None:
                self.add(node.heading.start, node.heading.end, "heading", nid + "h", rule,
                         f"section heading: {node.type}\nrule: {rule or '-'}")
            if node.lead_in is not None:
                self.add(node.lead_in.start, node.lead_in.end, "lead_in", nid + "l", lr or rule,
                         f"lead-in (logic {logic or '-'})\nrule: {lr or rule or '-'}")
            title = (f'<span class="tk tk-section">{esc(node.type)}</span> '
                     f'{esc(node.heading.text if node.heading else "")}'
                     f'{" <b>" + esc(node.label) + "</b>" if node.label else ""}')
        elif k == "group":
            self.add(node.start, node.end, "group", nid, rule,
                     f"group: {node.label}\nlogic: {logic or '-'}\nrule: {rule or '-'}", depth)
            if node.heading is not None:
                self.add(node.heading.start, node.heading.end, "heading", nid + "h", rule,
                         f"group heading: {node.label}\nrule: {rule or '-'}")
            marker = getattr(node, "marker", None)
            title = (f'{_marker_html(marker)}<span class="tk tk-group">group</span> '
                     f'<b>{esc(node.label)}</b>')
        else:
            tip = [f"criterion{' ' + node.marker if node.marker else ''}"]
            if node.label:
                tip.append(f"label: {node.label}")
            if logic:
                tip.append(f"logic: {logic}" + (f" ({lr})" if lr else ""))
            tip.append(f"rule: {rule or '-'}")
            self.add(node.start, node.end, "criterion", nid, rule, "\n".join(tip), depth)
            text = " ".join(node.text.split())
            short = text if len(text) <= 140 else text[:139] + "…"
            title = (f'{_marker_html(node.marker)}'
                     f'{"<b>" + esc(node.label) + ":</b> " if node.label else ""}{esc(short)}')
        if logic:
            title += f' <span class="logic">{esc(logic.upper())}</span>'
        title += _rule_html(rule)
        inner = []
        for th in getattr(node, "thresholds", []) or []:
            inner.append(self.threshold(th, depth + 1))
        for w in getattr(node, "temporals", []) or []:
            inner.append(self.temporal(w, depth + 1))
        for v in getattr(node, "lists", []) or []:
            inner.append(self.vlist(v, depth + 1))
        for c in children_of(node):
            inner.append(self.node(c, depth + 1))
        if not inner:
            return f'<div class="leaf node-{k}" data-target="{nid}">{title}</div>'
        return (f'<details open class="node-{k}"><summary data-target="{nid}">{title}</summary>'
                f'<div class="kids">{"".join(inner)}</div></details>')


def _rule_html(rule: Optional[str]) -> str:
    return f' <span class="rule">{esc(rule)}</span>' if rule else ""


def _marker_html(marker: Optional[str]) -> str:
    return f'<span class="marker">{esc(marker)}</span> ' if marker else ""


def _threshold_html(th: Any) -> str:
    subj = th.subject.name or th.subject.text if th.subject is not None else "(no subject)"
    parts = [f'<span class="c-subject">{esc(subj)}</span>']
    comp = th.comparator
    if comp == "range" or (th.value is None and (th.low is not None or th.high is not None)):
        lb = "(" if th.low_inclusive is False else "["
        rb = ")" if th.high_inclusive is False else "]"
        if comp != "range":
            parts.append(f'<span class="c-comparator">{esc(COMPARATOR_SYMBOL.get(comp, comp))}</span>')
        else:
            parts.append('<span class="c-comparator">range</span>')
        parts.append(f'<span class="c-value">{lb}{esc(fmt_num(th.low))}–{esc(fmt_num(th.high))}{rb}</span>')
    else:
        parts.append(f'<span class="c-comparator">{esc(COMPARATOR_SYMBOL.get(comp, comp))}</span>')
        if th.value is None and th.values:
            parts.append(f'<span class="c-value">{{{esc(", ".join(th.values))}}}</span>')
        else:
            parts.append(f'<span class="c-value">{esc(fmt_num(th.value))}</span>')
    if th.unit is not None:
        parts.append(f'<span class="c-unit">{esc(unit_text(th))}</span>')
    if th.reference:
        parts.append(f'<span class="c-ref">× {esc(th.reference)}</span>')
    if th.negated:
        parts.append('<span class="rule">negated</span>')
    if th.condition is not None:
        parts.append(f'<span class="rule">if «{esc(th.condition.text)}»</span>')
    return " ".join(parts)


def document_parts(doc: Document, prefix: str = "d0") -> tuple[str, str, list[Highlight]]:
    """(text pane html, tree pane html, highlights) for one document."""
    col = _Collector(doc, prefix)
    tree = "".join(col.node(s, 0) for s in doc.sections)
    diags = ""
    if doc.diagnostics:
        items = "".join(
            f'<div class="leaf diag diag-{esc(d.severity)}" data-target="{prefix}g{i}">'
            f'<b>{esc(d.code)}</b> {esc(d.message)} <span class="rule">[{d.start}:{d.end}]</span></div>'
            for i, d in enumerate(doc.diagnostics))
        for i, d in enumerate(doc.diagnostics):
            col.add(d.start, d.end, "diagnostic", f"{prefix}g{i}", d.code, f"{d.severity} {d.code}: {d.message}")
        diags = f'<details class="node-diags"><summary>diagnostics ({len(doc.diagnostics)})</summary>{items}</details>'
    return highlight_markup(doc.text, col.highlights), tree + diags, col.highlights


def _asset(name: str) -> str:
    return (resources.files(__package__) / name).read_text(encoding="utf-8")


def render_html(records: Sequence[Record], title: str = "critparse inspect") -> str:
    """One self-contained page for one document or a batch (with a trial list)."""
    if isinstance(records, Document):
        records = [Record(key=records.fields.nct_id if records.fields and records.fields.nct_id else "document",
                          doc=records)]
    docs_html = []
    items = []
    for i, rec in enumerate(records):
        text_html, tree_html, _ = document_parts(rec.doc, f"d{i}")
        n_c, n_t = len(rec.doc.criteria()), len(rec.doc.thresholds())
        stats = f"{len(rec.doc.sections)} sections · {n_c} criteria · {n_t} thresholds · {rec.doc.source_format}"
        docs_html.append(
            f'<section class="doc{" active" if i == 0 else ""}" id="doc-{i}" data-doc="{i}" data-key="{esc(rec.key)}">'
            f'<div class="pane textpane"><h2>{esc(rec.key)} <small>{esc(stats)}</small></h2>'
            f'<pre class="source">{text_html}</pre></div>'
            f'<div class="pane treepane"><div class="treebar"><button type="button" data-act="expand">expand all</button>'
            f'<button type="button" data-act="collapse">collapse all</button></div>'
            f'<div class="tree">{tree_html}</div></div></section>')
        items.append(f'<li><button type="button" data-doc="{i}" class="{"active" if i == 0 else ""}">'
                     f'{esc(rec.key)}<small>{n_c} crit · {n_t} thr</small></button></li>')
    batch = len(records) > 1
    trials = (f'<nav class="trials"><input type="search" placeholder="filter trials" id="trialfilter">'
              f'<ol>{"".join(items)}</ol></nav>') if batch else ""
    body = f'<main class="{"batch" if batch else "single"}">{trials}<div class="docs">{"".join(docs_html)}</div></main>'
    page = _asset("page.html")
    return (page.replace("{{TITLE}}", esc(title)).replace("{{CSS}}", _asset("page.css"))
            .replace("{{JS}}", _asset("page.js")).replace("{{BODY}}", body))


def write_html(records: Sequence[Record], path: str, title: str = "critparse inspect") -> str:
    with open(path, "w", encoding="utf-8") as f:
        f.write(render_html(records, title))
    return path
