"""Assemble a Document: structure first, then the per-criterion extractors."""
from __future__ import annotations

from .inputs import InputText
from .models import Document
from .patterns import RuleSet
from .structure import parse_structure


def build_document(inp: InputText, rules: RuleSet, extractors: tuple[str, ...]) -> Document:
    text = inp.text
    result = parse_structure(text, inp.format, rules)
    diagnostics = list(result.diagnostics)
    abbreviations = []
    if "abbreviations" in extractors:
        from .abbreviations import find_abbreviations

        abbreviations = find_abbreviations(text, result.criteria)
    if "thresholds" in extractors:
        from .thresholds import extract

        long_forms = {a.short.text: a.long.text for a in abbreviations}
        for crit, mt in result.criteria:
            found = extract(mt, rules, long_forms)
            crit.thresholds = found.thresholds
            crit.temporals = found.temporals
            crit.lists = found.lists
            diagnostics.extend(found.diagnostics)
    diagnostics.sort(key=lambda d: (d.start, d.end, d.code))
    return Document(start=0, end=len(text), text=text, source_format=inp.format, fields=inp.fields,
                    sections=result.sections, abbreviations=abbreviations, diagnostics=diagnostics)
