"""``critparse parse``: sources, formats, order under --workers 2, bad records, exit statuses."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from critparse.cli import main
from critparse.models import Document

TEXT = "Inclusion Criteria:\n\n* Age >= 18 years\n* ECOG 0-1\n\nExclusion Criteria:\n\n* Pregnancy\n"


def _text(i: int) -> str:
    return f"Inclusion Criteria:\n\n* Age >= {i} years\n\nExclusion Criteria:\n\n* Item {i}\n"


def _jsonl(n: int, **extra) -> str:
    return "".join(json.dumps({"nct_id": f"NCT{i:08d}", "criteria": _text(i), **extra}) + "\n" for i in range(n))


def run(*args, input=None):
    return CliRunner().invoke(main, ["parse", *args], input=input, catch_exceptions=False)


def test_cli_parse_single_text_file_pretty_document(tmp_path):
    f = tmp_path / "trial.md"
    f.write_text(TEXT, encoding="utf-8")
    r = run(str(f))
    assert r.exit_code == 0, r.output
    doc = Document.model_validate_json(r.stdout)
    assert doc.text == TEXT and r.stdout.startswith("{\n")
    assert r.stderr == ""


def test_cli_parse_stdin_text_and_jsonl_format():
    r = run("-", "--format", "jsonl", input=TEXT)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["document"]["text"] == TEXT


def test_cli_parse_jsonl_stream_carries_fields(tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text(_jsonl(3, phase="3"), encoding="utf-8")
    r = run(str(f), "--workers", "1")
    assert r.exit_code == 0
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["nct_id"] for o in out] == ["NCT00000000", "NCT00000001", "NCT00000002"]
    assert all(o["phase"] == "3" and "criteria" not in o for o in out)
    assert "3 records, 0 failed" in r.stderr


def test_cli_parse_workers_two_order_and_count(tmp_path):
    n = 60
    f = tmp_path / "in.jsonl"
    f.write_text(_jsonl(n), encoding="utf-8")
    r = run(str(f), "--workers", "2", "--chunk-size", "4", "--quiet")
    assert r.exit_code == 0 and r.stderr == ""
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == n
    assert [o["nct_id"] for o in out] == [f"NCT{i:08d}" for i in range(n)]
    assert [o["document"]["text"] for o in out] == [_text(i) for i in range(n)]


def test_cli_parse_malformed_line_and_missing_text_field(tmp_path):
    lines = _jsonl(5).splitlines()
    lines[2] = '{"nct_id": "NCT-broken", "criteria": '
    lines[3] = '{"nct_id": "NCT-notext"}'
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run(str(f), "--workers", "2", "--chunk-size", "1")
    assert r.exit_code == 1
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 5
    assert out[2]["error"]["code"] == "E204" and out[2]["error"]["line"] == 3
    assert out[3] == {"nct_id": "NCT-notext", "error": {"code": "E207", "message": "the record has no 'criteria' field",
                                                        "source": str(f), "line": 4}}
    assert [o["document"]["text"] for i, o in enumerate(out) if i in (0, 1, 4)] == [_text(0), _text(1), _text(4)]
    assert "5 records, 2 failed" in r.stderr


def test_cli_parse_text_key_option():
    r = run("--text-key", "body", "--format", "jsonl", input='{"id": 7, "body": "Age >= 18 years"}\n')
    assert r.exit_code == 0
    assert json.loads(r.stdout) ["id"] == 7


def test_cli_parse_directory_json_array_and_tree(tmp_path):
    (tmp_path / "a.md").write_text(_text(1), encoding="utf-8")
    (tmp_path / "b.txt").write_text(_text(2), encoding="utf-8")
    r = run(str(tmp_path), "--format", "json", "--quiet")
    assert r.exit_code == 0
    arr = json.loads(r.stdout)
    assert [o["source"] for o in arr] == [str(tmp_path / "a.md"), str(tmp_path / "b.txt")]
    r = run(str(tmp_path), "--format", "tree", "--quiet")
    assert r.exit_code == 0
    assert r.stdout.count("== ") == 2 and "criterion" in r.stdout and "Age >= 1 years" in r.stdout


def test_cli_parse_study_download(tmp_path):
    studies = [{"protocolSection": {"identificationModule": {"nctId": f"NCT{i}"},
                                    "eligibilityModule": {"eligibilityCriteria": _text(i)}}} for i in range(3)]
    f = tmp_path / "download.json"
    f.write_text(json.dumps({"studies": studies}), encoding="utf-8")
    r = run(str(f), "--quiet")
    assert r.exit_code == 0
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["nct_id"] for o in out] == ["NCT0", "NCT1", "NCT2"]
    assert out[1]["document"]["fields"]["nct_id"] == "NCT1"


def test_cli_parse_input_errors_exit_2_without_traceback(tmp_path):
    r = run(str(tmp_path / "nope.md"))
    assert r.exit_code == 2 and "nope.md" in r.stderr and "E208" in r.stderr and "Traceback" not in r.output
    (tmp_path / "empty").mkdir()
    r = run(str(tmp_path / "empty"))
    assert r.exit_code == 2 and "E209" in r.stderr
    bad = tmp_path / "latin1.md"
    bad.write_bytes(b"Inclusion Criteria:\n* Caf\xe9\n")
    r = run(str(bad))
    assert r.exit_code == 2 and r.stdout == ""
    assert f"{bad}:2" in r.stderr and "byte offset 25" in r.stderr


def test_cli_parse_unreadable_file_among_many_keeps_count(tmp_path):
    (tmp_path / "a.md").write_text(_text(1), encoding="utf-8")
    (tmp_path / "b.md").write_bytes(b"* caf\xe9\n")
    (tmp_path / "c.md").write_text(_text(3), encoding="utf-8")
    r = run(str(tmp_path), "--format", "jsonl", "--quiet")
    assert r.exit_code == 2
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 3 and out[1]["error"]["code"] == "E206" and "document" in out[2]
    assert "b.md" in r.stderr


def test_cli_parse_bad_patterns_exit_3(tmp_path):
    bad = tmp_path / "rules.jsonl"
    bad.write_text('{"id": "x", "kind": "no-such-kind"}\n', encoding="utf-8")
    r = run("--patterns", str(bad), input=TEXT)
    assert r.exit_code == 3 and "rules.jsonl" in r.stderr and "Traceback" not in r.output


def test_cli_parse_subprocess_worker_crash_keeps_count(tmp_path):
    """Real processes end to end: a record kills its worker (testing hook); count and order hold."""
    n = 24
    lines = _jsonl(n).splitlines()
    lines[9] = json.dumps({"nct_id": "NCT-poison", "criteria": "Age >= 18 CRASH-HERE"})
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "CRITPARSE_TEST_CRASH_ON": "CRASH-HERE"}
    p = subprocess.run([sys.executable, "-m", "critparse", "parse", str(f), "--workers", "2", "--chunk-size", "2"],
                       capture_output=True, env=env, timeout=120)
    assert p.returncode == 1, p.stderr.decode()
    out = [json.loads(x) for x in p.stdout.decode().splitlines()]
    assert len(out) == n
    assert out[9]["error"]["code"] == "E210" and out[9]["nct_id"] == "NCT-poison"
    assert [o["nct_id"] for i, o in enumerate(out) if i != 9] == [f"NCT{i:08d}" for i in range(n) if i != 9]
    assert f"{n} records, 1 failed" in p.stderr.decode()


def test_cli_parse_tree_shows_alternative_condition_once(tmp_path):
    f = tmp_path / "c.txt"
    f.write_text("ALT ≤3× ULN (≤5× ULN if liver metastases)\n", encoding="utf-8")
    r = run(str(f), "--format", "tree", "--quiet")
    assert r.exit_code == 0
    assert "or ALT <= 5 x ULN [if liver metastases]" in r.stdout and "if if" not in r.stdout
