"""Input kinds: plain, v2 markdown, legacy text, study JSON records."""
from __future__ import annotations

import json

import pytest

import critparse
from critparse.errors import InputError
from critparse.inputs import detect_text_format, read_input


def test_inputs_detects_markdown(seed_text):
    assert detect_text_format(seed_text) == "ctgov-v2-markdown"


def test_inputs_detects_legacy():
    text = "\n        Inclusion Criteria:\n\n          -  Age 18 or older, with a long line that wraps at about\n             eighty columns as the registry did\n\n          -  Consent\n      "
    assert detect_text_format(text) == "ctgov-legacy-text"


def test_inputs_plain_text():
    assert detect_text_format("Age over 18\nNo pregnancy") == "text"


def test_inputs_study_record_fields():
    study = {"protocolSection": {"identificationModule": {"nctId": "NCT0001"}, "eligibilityModule": {
        "eligibilityCriteria": "Inclusion Criteria:\n\n* Age >= 18 years\n\nExclusion Criteria:\n\n* Pregnancy",
        "sex": "ALL", "minimumAge": "18 Years", "maximumAge": "75 Years", "healthyVolunteers": False,
        "stdAges": ["ADULT", "OLDER_ADULT"]}}}
    doc = critparse.parse(json.dumps(study))
    assert doc.fields.nct_id == "NCT0001" and doc.fields.minimum_age == "18 Years"
    assert doc.fields.healthy_volunteers is False and doc.fields.std_ages == ["ADULT", "OLDER_ADULT"]
    assert [s.type for s in doc.sections] == ["inclusion", "exclusion"]
    assert doc.text.startswith("Inclusion Criteria:")


def test_inputs_studies_download_with_one_record():
    raw = json.dumps({"studies": [{"protocolSection": {"eligibilityModule": {"eligibilityCriteria": "* Age > 18"}}}]})
    assert read_input(raw).text == "* Age > 18"


def test_inputs_json_without_criteria_raises_coded_error():
    with pytest.raises(InputError) as err:
        read_input(json.dumps({"protocolSection": {"eligibilityModule": {"sex": "ALL"}}}))
    assert err.value.code == "E201" and "eligibilityCriteria" in str(err.value)


def test_inputs_text_that_looks_like_json_is_still_text():
    doc = critparse.parse("{not json} Age > 18")
    assert doc.source_format == "text" and doc.criteria()


def test_inputs_example_text_is_the_seed(seed_text):
    assert critparse.example_text() == seed_text
