"""Input kinds: plain text, ClinicalTrials.gov v2 markdown, legacy text, study JSON records.

``read_input(raw)`` decides what a string is and returns the eligibility text to parse
plus the structured fields of a study record.  For a JSON record the offsets of the tree
index the record's ``eligibilityCriteria`` string, which the document keeps as ``text``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

import regex

from .errors import InputError

if TYPE_CHECKING:
    from .models import StudyFields

# the pydantic models are imported where a value is built, not here: a batch run's parent process
# reads inputs and never builds a model, and importing them costs ~13 MB of memory

FORMATS = ("auto", "text", "ctgov-v2-markdown", "ctgov-legacy-text", "json")

_MD_HINT = regex.compile(r"^\s{0,3}[*+] \S|\\[<>\[\]^*_]|^#{1,6} ", regex.M)
_LEGACY_INDENT = regex.compile(r"^ {6,}\S", regex.M)


@dataclass
class InputText:
    text: str
    format: str
    fields: Optional["StudyFields"] = None
    record: Optional[dict] = None
    diagnostics: list = field(default_factory=list)  # Diagnostic s about the input itself


# Lone surrogates (U+D800-U+DFFF as single code points: "\ud800", or json.loads('"\\ud800"'))
# cannot be encoded as UTF-8, so a Document holding one could not be written as JSON.  Each is
# replaced by U+FFFD, one character for one, so every offset still indexes the caller's string.
_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub_surrogates(text: str) -> tuple[str, list]:
    """``text`` with lone surrogates replaced by U+FFFD, and a diagnostic for each run of them."""
    if _SURROGATE.search(text) is None:
        return text, []
    from .models import Diagnostic

    diags = []
    for m in _SURROGATE.finditer(text):
        if diags and diags[-1].end == m.start():
            diags[-1].end = m.end()
        elif len(diags) < 100:
            diags.append(Diagnostic(code="input.surrogate", severity="warning", start=m.start(), end=m.end(),
                                    message="lone UTF-16 surrogate code point(s) replaced by U+FFFD "
                                            "(the text cannot be encoded as UTF-8 otherwise)"))
    return _SURROGATE.sub("\ufffd", text), diags


def detect_text_format(text: str) -> str:
    """``ctgov-v2-markdown``, ``ctgov-legacy-text`` or ``text`` (plain)."""
    head = text[:20000]
    lines = [ln for ln in head.splitlines() if ln.strip()]
    if lines:
        indented = sum(1 for ln in lines if ln.startswith("      "))
        if indented >= max(2, 0.6 * len(lines)) and max(len(ln) for ln in lines) <= 100:
            return "ctgov-legacy-text"
    if _MD_HINT.search(head):
        return "ctgov-v2-markdown"
    return "text"


def _study_fields(study: dict) -> tuple[str, "StudyFields"]:
    from .models import StudyFields

    proto = study.get("protocolSection", study)
    elig = proto.get("eligibilityModule") or {}
    ident = proto.get("identificationModule") or {}
    text = elig.get("eligibilityCriteria")
    if text is None and "eligibilityCriteria" in study:
        text = study["eligibilityCriteria"]
    if not isinstance(text, str):
        raise InputError("the study record has no eligibilityModule.eligibilityCriteria text", code="E201")
    hv = elig.get("healthyVolunteers")
    if isinstance(hv, str):
        hv = hv.strip().lower() in ("yes", "true", "accepts healthy volunteers")
    std = elig.get("stdAges")
    fields = StudyFields(
        nct_id=ident.get("nctId") or study.get("nct_id"),
        sex=elig.get("sex"), minimum_age=elig.get("minimumAge"), maximum_age=elig.get("maximumAge"),
        healthy_volunteers=hv if isinstance(hv, bool) else None,
        std_ages=list(std) if isinstance(std, list) else None,
    )
    return text, fields


def studies_of(obj: Any) -> list[dict]:
    """The study records in a parsed JSON value: one record, a list, or ``{"studies": [...]}``."""
    if isinstance(obj, dict) and isinstance(obj.get("studies"), list):
        return [s for s in obj["studies"] if isinstance(s, dict)]
    if isinstance(obj, list):
        return [s for s in obj if isinstance(s, dict)]
    if isinstance(obj, dict):
        return [obj]
    raise InputError("JSON input must be a study record, a list of records or {\"studies\": [...]}", code="E202")


def input_from_study(study: dict) -> InputText:
    text, fields = _study_fields(study)
    text, diags = scrub_surrogates(text)
    return InputText(text=text, format=detect_text_format(text), fields=fields, record=study, diagnostics=diags)


def read_input(raw: str, input_format: str = "auto") -> InputText:
    """Decide what ``raw`` is.  Text never fails; a JSON input without criteria raises InputError."""
    if input_format not in FORMATS:
        raise InputError(f"unknown input format {input_format!r}; choose from {', '.join(FORMATS)}", code="E203")
    if input_format == "json" or (input_format == "auto" and raw.lstrip()[:1] in ("{", "[")):
        try:
            obj = json.loads(raw)
        except (json.JSONDecodeError, RecursionError) as exc:
            if input_format == "json":
                msg = getattr(exc, "msg", str(exc))
                line = getattr(exc, "lineno", None)
                raise InputError(f"invalid JSON: {msg}", line=line, code="E204") from None
            obj = None
        if isinstance(obj, (dict, list)) and _looks_like_study(obj):
            studies = studies_of(obj)
            if len(studies) != 1:
                raise InputError(f"the JSON holds {len(studies)} study records; parse them as a batch", code="E205")
            return input_from_study(studies[0])
        if input_format == "json":
            raise InputError("the JSON is not a study record (no eligibilityCriteria)", code="E201")
    raw, diags = scrub_surrogates(raw)
    fmt = detect_text_format(raw) if input_format == "auto" else input_format
    return InputText(text=raw, format=fmt, diagnostics=diags)


def _looks_like_study(obj: Any) -> bool:
    if isinstance(obj, dict):
        if "studies" in obj or "protocolSection" in obj or "eligibilityCriteria" in obj:
            return True
        return False
    return bool(obj) and all(isinstance(s, dict) and ("protocolSection" in s or "eligibilityCriteria" in s) for s in obj)


EXAMPLE_NCT = "NCT06307600"


def example_path():
    """Path of the bundled example file (the package is installed unzipped)."""
    from importlib import resources

    return resources.files("critparse") / "data" / f"{EXAMPLE_NCT}.md"


def example_text() -> str:
    """The bundled example: eligibility text of trial NCT06307600 as the registry's API v2 serves it."""
    return example_path().read_text(encoding="utf-8")
