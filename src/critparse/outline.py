"""A compact, stable view of a tree's structure (no thresholds), for golden files and diffs."""
from __future__ import annotations

from typing import Any

from .models import Document


def outline(doc: Document, spans: bool = True) -> list[dict[str, Any]]:
    """Sections -> groups/criteria as plain dicts: kind, type/label, marker, text, logic, children."""

    def node(n) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": n.kind}
        if n.kind == "section":
            d["type"] = n.type
            if n.label:
                d["label"] = n.label
            if n.heading:
                d["heading"] = n.heading.text
            if n.lead_in:
                d["lead_in"] = n.lead_in.text
        elif n.kind == "group":
            d["label"] = n.label
        else:
            if n.marker:
                d["marker"] = n.marker
            d["text"] = n.text
        if getattr(n, "logic", None):
            d["logic"] = n.logic
        if spans:
            d["span"] = [n.start, n.end]
        kids = [node(c) for c in getattr(n, "children", [])]
        if kids:
            d["children"] = kids
        return d

    return [node(s) for s in doc.sections]
