"""The inspection verbs on the command line."""
from __future__ import annotations

import json

import click
from click.testing import CliRunner

from critparse.inspect.sample import SAMPLE_TEXT, sample_document
from critparse.inspect_cli import register


def _main():
    from critparse.cli import main

    register(main)
    return main


def test_cli_register_adds_verbs_once():
    grp = click.Group("g")
    register(grp)
    register(grp)
    assert {"show", "html", "explain", "diff"} <= set(grp.commands)


def test_cli_show_document_json(tmp_path):
    p = tmp_path / "doc.json"
    p.write_text(sample_document().model_dump_json(), encoding="utf-8")
    r = CliRunner().invoke(_main(), ["show", str(p), "--no-color", "--width", "80", "--spans"])
    assert r.exit_code == 0, r.output
    assert "threshold.compare.uln" in r.output and "[23:46]" in r.output
    assert max(len(x) for x in r.output.splitlines()) <= 80


def test_cli_show_text_from_stdin():
    r = CliRunner().invoke(_main(), ["show", "-", "--no-color"], input=SAMPLE_TEXT)
    assert r.exit_code == 0, r.output
    assert r.output.startswith("document")
    assert "Platelets" in r.output


def test_cli_show_batch_jsonl(tmp_path):
    p = tmp_path / "batch.jsonl"
    d = sample_document().model_dump(mode="json")
    p.write_text("\n".join(json.dumps({"nct_id": f"NCT{i}", "document": d}) for i in range(2)) + "\n")
    r = CliRunner().invoke(_main(), ["show", str(p), "--no-color"])
    assert r.exit_code == 0, r.output
    assert "document NCT0" in r.output and "document NCT1" in r.output


def test_cli_html_writes_page(tmp_path):
    src = tmp_path / "doc.json"
    src.write_text(sample_document().model_dump_json(), encoding="utf-8")
    out = tmp_path / "page.html"
    r = CliRunner().invoke(_main(), ["html", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "data-start" in page and "<details" in page


def test_cli_html_raw_records_batch(tmp_path):
    src = tmp_path / "records.jsonl"
    src.write_text("\n".join(json.dumps({"nct_id": f"NCT{i}", "format": "ctgov-v2-markdown", "criteria": SAMPLE_TEXT})
                             for i in range(2)) + "\n", encoding="utf-8")
    out = tmp_path / "batch.html"
    r = CliRunner().invoke(_main(), ["html", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert 'nav class="trials"' in page and "NCT1" in page


def test_cli_explain_text_and_json():
    r = CliRunner().invoke(_main(), ["explain", "Inclusion Criteria:\n* Age \\>= 18 years"])
    assert r.exit_code == 0, r.output
    assert "1. input" in r.output and "unescaped markdown" in r.output
    r = CliRunner().invoke(_main(), ["explain", "--json", "* Age >= 18 years"])
    assert json.loads(r.output)[0]["title"] == "input"


def test_cli_main_group_has_inspect_verbs():
    from critparse.cli import main

    assert {"show", "html", "explain", "diff"} <= set(main.commands)


def test_cli_html_from_parse_jsonl_output(tmp_path):
    """The batch output of `critparse parse --format jsonl` ({..., "document": {...}} lines)."""
    main = _main()
    src = tmp_path / "records.jsonl"
    src.write_text("\n".join(json.dumps({"nct_id": f"NCT{i}", "criteria": SAMPLE_TEXT}) for i in range(2)) + "\n")
    r = CliRunner().invoke(main, ["parse", str(src), "--format", "jsonl", "-q", "-j", "1"])
    assert r.exit_code == 0, r.output
    out = tmp_path / "out.jsonl"
    out.write_text(r.output)
    r = CliRunner().invoke(main, ["diff", str(out), str(out), "--json"])
    assert json.loads(r.output)["records"] == {"old": 2, "new": 2, "compared": 2, "changed": 0, "unchanged": 2}
    r = CliRunner().invoke(main, ["html", str(out), "-o", str(tmp_path / "p.html")])
    assert r.exit_code == 0, r.output
    assert "NCT1" in (tmp_path / "p.html").read_text(encoding="utf-8")
