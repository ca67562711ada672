"""`critparse diff` on crafted batch outputs."""
from __future__ import annotations

import json

from click.testing import CliRunner

from critparse.inspect.diff import compare_documents, diff_batches, load_batch, render_diff
from critparse.inspect.sample import sample_document
from critparse.models import Criterion


def _line(doc, nct=None, wrap=False):
    d = doc.model_dump(mode="json")
    if wrap:
        return json.dumps({"nct_id": nct, "document": d})
    if nct:
        d["fields"] = {"nct_id": nct}
    return json.dumps(d)


def _split_first(doc):
    """The first criterion split in two (same section)."""
    sec = doc.sections[0]
    c = sec.children[0]
    cut = c.text.index(" and ")
    a = Criterion(start=c.start, end=c.start + cut, text=c.text[:cut], marker=c.marker, thresholds=c.thresholds)
    b = Criterion(start=c.start + cut + 5, end=c.end, text=c.text[cut + 5:])
    sec.children[0:1] = [a, b]
    return doc


def test_diff_identical_outputs_have_no_changes():
    lines = [_line(sample_document(), "NCT1"), _line(sample_document(), "NCT2")]
    res = diff_batches(lines, lines)
    assert res["records"]["changed"] == 0 and res["records"]["unchanged"] == 2
    assert res["kinds"] == {}
    assert "no changes" in render_diff(res)


def test_diff_split_and_merge():
    old = sample_document()
    new = _split_first(sample_document())
    ch = compare_documents(old, new)
    assert list(ch) == ["criteria_split"]
    assert len(ch["criteria_split"][0]["old"]) == 1 and len(ch["criteria_split"][0]["new"]) == 2
    back = compare_documents(new, old)
    assert "criteria_merged" in back


def test_diff_thresholds_added_lost_changed():
    old = sample_document()
    new = sample_document()
    crits = new.criteria()
    crits[2].thresholds[0].value = 2.5          # bilirubin < 2 -> < 2.5: changed
    lost_subject = crits[4].thresholds[0].subject.name
    crits[4].thresholds = []                    # platelets lost
    extra = old.criteria()[0].thresholds[0].model_copy(deep=True)
    extra.subject.name = "weight"
    crits[0].thresholds.append(extra)           # a new subject: added
    ch = compare_documents(old, new)
    assert [c["subject"] for c in ch["thresholds_changed"]] == ["total bilirubin"]
    assert "2.5" in ch["thresholds_changed"][0]["new"] and "< 2 " in ch["thresholds_changed"][0]["old"] + " "
    assert [lost_subject in c["threshold"] for c in ch["thresholds_lost"]] == [True]
    assert ["weight" in c["threshold"] for c in ch["thresholds_added"]] == [True]
    assert "criteria_split" not in ch


def test_diff_batch_matches_by_nct_id_and_reports_records():
    old = [_line(sample_document(), "NCT1", wrap=True), _line(sample_document(), "NCT2", wrap=True),
           _line(sample_document(), "NCT3", wrap=True)]
    changed = sample_document()
    changed.criteria()[4].thresholds = []
    # new file in another order, NCT3 gone, NCT4 new, NCT2 changed
    new = [_line(changed, "NCT2", wrap=True), _line(sample_document(), "NCT1", wrap=True),
           _line(sample_document(), "NCT4", wrap=True), "not json"]
    res = diff_batches(old, new, examples=1)
    assert res["records"]["compared"] == 2
    assert res["records"]["unchanged"] == 1
    assert res["kinds"]["thresholds_lost"]["records"] == 1
    assert res["kinds"]["thresholds_lost"]["examples"][0]["record"] == "NCT2"
    assert res["kinds"]["record_missing"]["examples"][0]["record"] == "NCT3"
    assert res["kinds"]["record_added"]["records"] == 2  # NCT4 and the broken line 4
    assert set(res["changed"]) == {"NCT2", "NCT3", "NCT4", "line 4"}


def test_diff_matches_by_line_number_without_ids():
    docs, order = load_batch([_line(sample_document()), "", _line(sample_document())])
    assert order == ["line 1", "line 3"]


def test_diff_examples_limit_and_structure_change():
    old = sample_document()
    new = sample_document()
    new.sections[0].children[1].logic = "any"
    ch = compare_documents(old, new)
    assert list(ch) == ["structure_changed"]
    lines_old = [_line(old, f"N{i}") for i in range(5)]
    lines_new = [_line(new, f"N{i}") for i in range(5)]
    res = diff_batches(lines_old, lines_new, examples=2)
    assert res["kinds"]["structure_changed"]["records"] == 5
    assert len(res["kinds"]["structure_changed"]["examples"]) == 2


def test_diff_cli_text_and_json(tmp_path):
    from critparse.cli import main
    from critparse.inspect_cli import register

    register(main)
    old = tmp_path / "old.jsonl"
    new = tmp_path / "new.jsonl"
    old.write_text(_line(sample_document(), "NCT1") + "\n", encoding="utf-8")
    new.write_text(_line(_split_first(sample_document()), "NCT1") + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert r.exit_code == 0, r.output
    assert "criteria_split: 1 records" in r.output and "NCT1" in r.output
    r = CliRunner().invoke(main, ["diff", str(old), str(new), "--json", "--examples", "1"])
    data = json.loads(r.output)
    assert data["kinds"]["criteria_split"]["changes"] == 1
