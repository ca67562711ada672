"""Assemble a Document: structure first, then the per-criterion extractors.

Input text never raises.  A rule that runs into the regex timeout (a catastrophic user
pattern) costs a diagnostic, not the document: the structure falls back to one criterion
per line, an extractor skips the criterion it was reading.
"""
from __future__ import annotations

from .gcpause import paused
from .inputs import InputText
from .models import Criterion, Diagnostic, Document
from .patterns import RuleSet
from .structure import line_structure, parse_structure


def _timeout(code: str, what: str, start: int, end: int) -> Diagnostic:
    return Diagnostic(code=code, message=f"a rule timed out (regex time limit) while {what}; {end - start} characters "
                      "were read without it", start=start, end=end, severity="error")


# what pydantic's __setattr__ does for a field of a model without assignment validation (store it, mark it
# set), done directly for the three extracted fields of every criterion (~1 us a field saved)
_EXTRACTED = ("thresholds", "temporals", "lists")
_PLAIN_SET = not Criterion.model_config.get("validate_assignment") and not Criterion.model_config.get("frozen")


def _set_extracted(crit: Criterion, found) -> None:
    if not _PLAIN_SET:
        crit.thresholds, crit.temporals, crit.lists = found.thresholds, found.temporals, found.lists
        return
    d = crit.__dict__
    d["thresholds"], d["temporals"], d["lists"] = found.thresholds, found.temporals, found.lists
    crit.__pydantic_fields_set__.update(_EXTRACTED)


def build_document(inp: InputText, rules: RuleSet, extractors: tuple[str, ...]) -> Document:
    with paused():  # no reference cycles are made: the cyclic GC would only slow big texts down
        return _build(inp, rules, extractors)


def _build(inp: InputText, rules: RuleSet, extractors: tuple[str, ...]) -> Document:
    text = inp.text
    diagnostics = list(getattr(inp, "diagnostics", []))
    try:
        result = parse_structure(text, inp.format, rules)
    except TimeoutError:
        result = line_structure(text)
        diagnostics.append(_timeout("E901", "reading the structure (one criterion per line instead)", 0, len(text)))
    diagnostics += result.diagnostics
    abbreviations = []
    if "abbreviations" in extractors:
        from .abbreviations import find_abbreviations

        abbreviations = find_abbreviations(text, result.criteria)
    if "thresholds" in extractors:
        from .thresholds import extract

        long_forms = {a.short.text: a.long.text for a in abbreviations}
        for crit, mt in result.criteria:
            try:
                found = extract(mt, rules, long_forms)
            except TimeoutError:
                diagnostics.append(_timeout("E902", "extracting thresholds", crit.start, crit.end))
                continue
            _set_extracted(crit, found)
            diagnostics.extend(found.diagnostics)
        from .thresholds.assemble import measure_in, subject_name
        from .thresholds.headings import subjects_from_headings

        subjects_from_headings(text, result.sections, lambda label: subject_name(label, rules, long_forms),
                               lambda lead_in: measure_in(lead_in, rules))
    diagnostics.sort(key=lambda d: (d.start, d.end, d.code))
    return Document(start=0, end=len(text), text=text, source_format=inp.format, fields=inp.fields,
                    sections=result.sections, abbreviations=abbreviations, diagnostics=diagnostics)
