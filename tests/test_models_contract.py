"""The typed tree: JSON round-trip, schema, no text lost, public API."""
from __future__ import annotations

import json

import pytest

import critparse
from critparse.models import Document


def test_models_json_round_trip(seed_text):
    doc = critparse.parse(seed_text)
    assert Document.model_validate(doc.model_dump(mode="json")) == doc
    assert Document.model_validate_json(doc.model_dump_json()) == doc


def test_models_schema_is_exported():
    schema = critparse.json_schema()
    assert schema["title"] == "Document"
    assert {"Criterion", "Section", "Threshold", "Temporal"} <= set(schema["$defs"])
    json.dumps(schema)


def test_models_public_api_is_declared():
    for name in critparse.__all__:
        assert hasattr(critparse, name), name


def test_models_no_heading_gives_unspecified_section():
    doc = critparse.parse("Age 18 or older\nSigned consent")
    assert [s.type for s in doc.sections] == ["unspecified"]
    assert len(doc.criteria()) == 2


def test_models_empty_text_gives_a_document():
    doc = critparse.parse("")
    assert doc.sections and doc.sections[0].type == "unspecified" and doc.criteria() == []


def test_models_import_is_light():
    import subprocess
    import sys

    code = "import sys, critparse; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_models_lazy_names_load_on_first_use():
    """`import critparse` (and the batch CLI's parent process) builds no pydantic model; the public
    names still resolve, and `from critparse import X` works for every name in `__all__`."""
    import subprocess
    import sys

    code = ("import sys, critparse, critparse.batch, critparse.cli\n"
            "before = 'critparse.models' in sys.modules or 'pydantic' in sys.modules\n"
            "from critparse import *\n"
            "missing = [n for n in critparse.__all__ if n not in globals()]\n"
            "print(before, missing, 'critparse.models' in sys.modules, Document is critparse.models.Document)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False [] True True"


def test_models_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        critparse.nonesuch  # noqa: B018
