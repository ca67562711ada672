"""Shared helpers for the inspection tools: loading documents and describing nodes.

Everything here reads the typed tree only (``critparse.models``); optional fields that a
newer or older model may lack are read with ``getattr`` so the tools keep working while
the model grows.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional, Union

from ..models import Criterion, Document, Group, Section, Temporal, Threshold, VariantList

COMPARATOR_SYMBOL = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "=": "=", "!=": "≠", "range": "range"}


@dataclass
class Record:
    """One document of an input, with the id it is known by (nct_id or ``line N``)."""

    key: str
    doc: Document
    line: Optional[int] = None


# -- numbers and node summaries ------------------------------------------------------

def fmt_num(v: Optional[float]) -> str:
    if v is None:
        return "?"
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:g}"


def fmt_range(low: Optional[float], high: Optional[float], low_inc: Optional[bool],
              high_inc: Optional[bool]) -> str:
    """``[3–70]`` (inclusive), ``(3–70)`` (exclusive); an unknown inclusivity shows ``[``/``]``."""
    lb = "(" if low_inc is False else "["
    rb = ")" if high_inc is False else "]"
    return f"{lb}{fmt_num(low)}–{fmt_num(high)}{rb}"


def fmt_value(node: Union[Threshold, Temporal]) -> str:
    """The comparator and value(s) of a threshold or temporal window, normalised."""
    if node.comparator == "range" or (node.low is not None or node.high is not None) and node.value is None:
        val = fmt_range(node.low, node.high, node.low_inclusive, node.high_inclusive)
        return val if node.comparator == "range" else f"{COMPARATOR_SYMBOL.get(node.comparator, node.comparator)} {val}"
    sym = COMPARATOR_SYMBOL.get(node.comparator, node.comparator)
    values = getattr(node, "values", None)
    if node.value is None and values:
        return f"{sym} {{{', '.join(values)}}}"
    return f"{sym} {fmt_num(node.value)}"


def unit_text(node: Union[Threshold, Temporal]) -> str:
    if node.unit is None:
        return ""
    u = node.unit.text.strip()
    if node.unit.ucum and node.unit.ucum != u:
        u += f" ({node.unit.ucum})"
    return u


def subject_text(t: Threshold) -> str:
    if t.subject is None:
        return "?"
    if t.subject.name and t.subject.name.lower() != t.subject.text.lower():
        return f"{t.subject.name} «{t.subject.text}»"
    return t.subject.name or t.subject.text


def reference_text(t: Threshold) -> str:
    ref = getattr(t, "reference", None)
    return f"× {ref}" if ref else ""


def describe_threshold(t: Threshold) -> str:
    """One-line normalised summary: ``ALT ≤ 3 × ULN``, ``age [3–70] years``."""
    parts = [subject_text(t), fmt_value(t)]
    u = unit_text(t)
    if u:
        parts.append(u)
    r = reference_text(t)
    if r:
        parts.append(r)
    extra = []
    if t.negated:
        extra.append("negated")
    if t.quantity:
        extra.append(t.quantity)
    if t.condition is not None:
        extra.append(f"if «{t.condition.text}»")
    s = " ".join(p for p in parts if p)
    if extra:
        s += " (" + ", ".join(extra) + ")"
    return s


def describe_temporal(w: Temporal) -> str:
    parts = [fmt_value(w)]
    u = unit_text(w)
    if u:
        parts.append(u)
    if w.direction:
        parts.append(w.direction)
    if w.anchor is not None:
        parts.append(f"«{w.anchor.text}»")
    return " ".join(parts)


def describe_list(v: VariantList) -> str:
    return f"{v.text} → {', '.join(v.items)}"


def describe_node(node: Any) -> str:
    k = getattr(node, "kind", "")
    if k == "threshold":
        return describe_threshold(node)
    if k == "temporal":
        return describe_temporal(node)
    if k == "variant_list":
        return describe_list(node)
    if k == "section":
        s = node.type
        if node.label:
            s += f" ({node.label})"
        return s
    if k == "group":
        return node.label
    return node.text


def logic_of(node: Any) -> Optional[str]:
    return getattr(node, "logic", None)


def children_of(node: Any) -> list:
    return list(getattr(node, "children", []) or [])


def walk(doc: Document) -> Iterator[tuple[int, Any]]:
    """(depth, node) for sections, groups and criteria, depth first, in tree order."""
    def rec(node: Any, depth: int):
        yield depth, node
        for c in children_of(node):
            yield from rec(c, depth + 1)

    for s in doc.sections:
        yield from rec(s, 0)


# -- loading -------------------------------------------------------------------------

def _doc_from_obj(obj: Any) -> Optional[Document]:
    """A Document from a JSON object that is one (has "sections") or holds one ("document")."""
    if not isinstance(obj, dict):
        return None
    if "sections" in obj and "text" in obj:
        return Document.model_validate(obj)
    inner = obj.get("document")
    if isinstance(inner, dict) and "sections" in inner:
        return Document.model_validate(inner)
    return None


def _raw_text_of(obj: dict) -> Optional[tuple[str, str]]:
    """(text, input_format) of a raw record: ``{"criteria"|"text"|"eligibilityCriteria": ...}``
    or a ClinicalTrials.gov study record (given back as JSON for the parser to read)."""
    from ..inputs import FORMATS

    fmt = obj.get("format") if obj.get("format") in FORMATS else "auto"
    for k in ("criteria", "text", "eligibility_criteria"):
        if isinstance(obj.get(k), str):
            return obj[k], fmt
    if "protocolSection" in obj or "eligibilityCriteria" in obj:
        return json.dumps(obj), "json"
    return None


def key_of(obj: Any, doc: Optional[Document], line: int) -> str:
    if isinstance(obj, dict):
        for k in ("nct_id", "nctId", "id", "doc_id"):
            if isinstance(obj.get(k), (str, int)):
                return str(obj[k])
    if doc is not None and doc.fields is not None and doc.fields.nct_id:
        return doc.fields.nct_id
    return f"line {line}"


def record_from_obj(obj: Any, line: int, parse_raw: bool = True) -> Optional[Record]:
    doc = _doc_from_obj(obj)
    if doc is None and parse_raw and isinstance(obj, dict):
        raw = _raw_text_of(obj)
        if raw is not None:
            from ..parser import parse

            doc = parse(raw[0], raw[1])
    if doc is None:
        return None
    return Record(key=key_of(obj, doc, line), doc=doc, line=line)


def _jsonl_objects(raw: str) -> Optional[list[tuple[int, Any]]]:
    out = []
    for n, line in enumerate(raw.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        try:
            out.append((n, json.loads(s)))
        except json.JSONDecodeError:
            return None
    return out if out and all(isinstance(o, dict) for _, o in out) else None


def load_records(raw: str, input_format: str = "auto") -> list[Record]:
    """Documents in ``raw``: eligibility text or a study record (parsed), a Document JSON, a
    JSON list, or JSON Lines of output documents / ``{"document": ...}`` / raw records
    (``{"nct_id", "format", "criteria"}`` or study records, parsed here)."""
    from ..parser import parse

    stripped = raw.lstrip()
    if input_format == "auto" and stripped[:1] in ("{", "["):
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError:
            obj = None
        if isinstance(obj, dict):
            doc = _doc_from_obj(obj)
            if doc is not None:
                return [Record(key=key_of(obj, doc, 1), doc=doc, line=1)]
        elif isinstance(obj, list) and obj and all(isinstance(o, dict) for o in obj):
            if any(_doc_from_obj(o) is not None or "criteria" in o or "text" in o for o in obj):
                recs = [record_from_obj(o, i) for i, o in enumerate(obj, 1)]
                return [r for r in recs if r is not None]
        if obj is None:
            objs = _jsonl_objects(raw)
            if objs is not None:
                recs = [record_from_obj(o, n) for n, o in objs]
                return [r for r in recs if r is not None]
    doc = parse(raw, input_format)
    key = doc.fields.nct_id if doc.fields is not None and doc.fields.nct_id else "document"
    return [Record(key=key, doc=doc, line=1)]


def name_single(records: list[Record], source: str) -> list[Record]:
    """A lone parsed text is called by its file's name rather than "document"."""
    import os

    if len(records) == 1 and records[0].key == "document" and source != "-":
        records[0].key = os.path.basename(source)
    return records


def read_source(source: str) -> str:
    import sys

    if source == "-":
        return sys.stdin.read()
    with open(source, encoding="utf-8") as f:
        return f.read()


def iter_jsonl_records(path: str) -> Iterable[tuple[int, Any]]:
    """(line number, object) for each non-blank line of a JSON Lines file."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            s = line.strip()
            if s:
                yield n, json.loads(s)


__all__ = ["Record", "load_records", "read_source", "describe_node", "describe_threshold",
           "describe_temporal", "describe_list", "fmt_value", "fmt_range", "fmt_num", "walk",
           "COMPARATOR_SYMBOL", "Criterion", "Group", "Section"]
