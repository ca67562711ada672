"""The spaCy component: ``nlp.add_pipe("critparse")`` sets ``doc._.criteria``; critparse stays spaCy-free."""
from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

TEXT = "Inclusion Criteria:\n\n* Age >= 18 years\n\nExclusion Criteria:\n\n* Pregnancy\n"


def test_spacy_component_sets_criteria_and_round_trips():
    spacy = pytest.importorskip("spacy")
    import critparse
    import critparse.spacy_component  # noqa: F401  (registers the factory)
    from critparse.models import Document

    nlp = spacy.blank("en")
    nlp.add_pipe("critparse")
    doc = nlp(TEXT)
    crit = doc._.criteria
    assert isinstance(crit, Document)
    assert crit == critparse.parse(TEXT)
    assert Document.model_validate(crit.model_dump(mode="json")) == crit
    assert spacy.blank("en")("x")._.criteria is None


def test_spacy_component_pipe_and_config():
    spacy = pytest.importorskip("spacy")
    import critparse.spacy_component  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("critparse", config={"extractors": [], "input_format": "text"})
    docs = list(nlp.pipe([TEXT, "Age over 18"]))
    assert [d._.criteria.text for d in docs] == [TEXT, "Age over 18"]
    assert docs[0]._.criteria.source_format == "text"


def test_spacy_component_import_twice_is_safe():
    pytest.importorskip("spacy")
    import critparse.spacy_component as comp

    again = importlib.reload(comp)
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("critparse")
    assert nlp("Age >= 18 years")._.criteria is not None
    assert again.EXTENSION == "criteria"


def test_spacy_component_critparse_import_does_not_load_spacy():
    code = ("import sys, critparse, critparse.batch, critparse.cli, critparse.treeprint; "
            
            "print(sorted(m for m in sys.modules if m == 'spacy' or m.startswith('spacy.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
