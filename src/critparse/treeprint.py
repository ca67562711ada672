"""A plain, indented text rendering of a Document (``critparse parse --format tree``).

One line a node: sections, groups and criteria with their marker, label and logic, then the
criterion's thresholds, temporal windows and variant lists, indented under it.  No colour, no
terminal codes: safe to pipe, diff and grep.
"""
from __future__ import annotations

from typing import Optional

INDENT = "  "


def _clip(text: str, width: Optional[int]) -> str:
    text = " ".join(text.split())
    if width and len(text) > width:
        return text[: width - 1] + "…"
    return text


def _num(x) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _quantity(t) -> str:
    """``>= 18 years``, ``3-5 mg``, ``in [A, B]`` for a Threshold or Temporal."""
    unit = f" {t.unit.text}" if getattr(t, "unit", None) else ""
    if t.comparator == "range":
        lo = "[" if getattr(t, "low_inclusive", None) is not False else "("
        hi = "]" if getattr(t, "high_inclusive", None) is not False else ")"
        return f"in {lo}{_num(t.low)}, {_num(t.high)}{hi}{unit}"
    values = getattr(t, "values", None)
    if values:
        return f"{t.comparator} {{{', '.join(values)}}}{unit}"
    return f"{t.comparator} {_num(t.value)}{unit}"


def format_threshold(t) -> str:
    subject = t.subject.text if t.subject else "?"
    parts = [f"{'NOT ' if t.negated else ''}{subject} {_quantity(t)}"]
    if t.reference:
        parts.append(f"x {t.reference}")
    if t.condition:  # the condition is kept as written, with its own word ('if ...', 'for patients with ...')
        parts.append(f"[{_clip(t.condition.text, 60)}]")
    line = " ".join(parts)
    for alt in t.alternatives:
        line += f" | or {format_threshold(alt)}"
    return line


def format_temporal(t) -> str:
    line = _quantity(t)
    if t.direction:
        line += f" {t.direction}"
    if t.anchor:
        line += f" {_clip(t.anchor.text, 60)}"
    return line


def _node_lines(node, depth: int, width: Optional[int], out: list) -> None:
    pad = INDENT * depth
    kind = node.kind
    bits = [kind]
    if kind == "section":
        bits.append(node.type)
    marker = getattr(node, "marker", None)
    if marker:
        bits.append(marker)
    label = getattr(node, "label", None)
    if label and kind != "section":
        bits.append(f"[{label}]")
    if node.logic:
        bits.append(f"({node.logic})")
    heading = getattr(node, "heading", None)
    text = heading.text if heading is not None and kind != "criterion" else node.text
    if kind == "section" and not text:
        text = node.label or ""
    head = " ".join(bits)
    out.append(f"{pad}{head}: {_clip(text, width)}" if text else f"{pad}{head}")
    if kind == "criterion":
        sub = pad + INDENT
        for t in node.thresholds:
            out.append(f"{sub}threshold: {format_threshold(t)}")
        for t in node.temporals:
            out.append(f"{sub}temporal: {format_temporal(t)}")
        for v in node.lists:
            out.append(f"{sub}list: {v.text} -> {', '.join(v.items)}")
    for child in getattr(node, "children", []):
        _node_lines(child, depth + 1, width, out)


def format_tree(doc, width: Optional[int] = 100) -> str:
    """The document as an indented text tree; ``width`` clips each node's text (None: no clip)."""
    out = [f"document ({doc.source_format}, {doc.end - doc.start} chars)"]
    if doc.fields is not None and doc.fields.nct_id:
        out[0] += f" {doc.fields.nct_id}"
    for sec in doc.sections:
        _node_lines(sec, 1, width, out)
    for d in doc.diagnostics:
        out.append(f"{INDENT}diagnostic {d.severity} {d.code} @{d.start}-{d.end}: {d.message}")
    return "\n".join(out)


__all__ = ["format_tree", "format_threshold", "format_temporal"]
