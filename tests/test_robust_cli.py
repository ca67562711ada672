"""CLI input errors: a clear message naming file and line, a distinct exit status, no
traceback unless --debug.  Through click's CliRunner and through ``python -m critparse``.

Documented statuses (``critparse parse --help``): 0 all parsed; 1 some records failed (their
"error" lines); 2 usage error or an input file that cannot be read (missing, not UTF-8, empty
directory); 3 bad --patterns rule file.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

cli = pytest.importorskip("critparse.cli")

EXIT_OK, EXIT_RECORDS, EXIT_INPUT, EXIT_CONFIG = 0, 1, 2, 3


def run(*args: str):
    res = CliRunner().invoke(cli.main, ["parse", "-j", "1", *args])
    return res


def _stderr(res) -> str:
    try:
        return res.stderr
    except (ValueError, AttributeError):  # older click mixes the streams
        return res.output


def _no_traceback(res) -> None:
    assert "Traceback" not in _stderr(res) and "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception


def _records(res) -> list[dict]:
    return [json.loads(ln) for ln in res.stdout.splitlines() if ln.strip()]


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    (tmp_path / "latin1.txt").write_bytes("Inclusion Criteria:\n* café > 1\n".encode("latin-1"))
    (tmp_path / "good.txt").write_text("Inclusion Criteria:\n* Age >= 18 years\n", encoding="utf-8")
    lines = [
        json.dumps({"nct_id": "N1", "criteria": "* a"}),
        '{"nct_id": "N2", "criteria": ',
        json.dumps({"nct_id": "N3"}),
        json.dumps({"nct_id": "N4", "criteria": 5}),
        json.dumps({"nct_id": "N5", "criteria": "* b \ud800 c\n* \x00\x1b"}),
        "",
        "[1, 2]",
    ]
    (tmp_path / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = (json.dumps({"nct_id": "N1", "criteria": "* a"}) + "\n").encode() * 2
    (tmp_path / "latin1.jsonl").write_bytes(raw + b'{"nct_id": "N3", "criteria": "caf\xe9"}\n' + raw)
    (tmp_path / "empty").mkdir()
    (tmp_path / "hidden").mkdir()
    (tmp_path / "hidden" / ".secret.txt").write_text("* a")
    (tmp_path / "study.json").write_text(json.dumps({"protocolSection": {"identificationModule": {"nctId": "N9"}}}))
    (tmp_path / "broken.json").write_text('{"studies": [\n  {"a": 1},\n  }\n')
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.jsonl").write_text(
        json.dumps({"id": "user.x", "kind": "list_marker", "family": "bullet", "pattern": "^(?P<marker>=>)\\s+",
                    "examples": ["=> a"]}) + "\n"
        + json.dumps({"id": "user.y", "kind": "list_marker", "family": "bullet", "pattern": "^(?P<marker>->)\\s+",
                      "examples": ["-> a"], "colour": "red"}) + "\n", encoding="utf-8")
    return tmp_path


def test_robust_cli_good_file_exit_ok(files):
    res = run(str(files / "good.txt"))
    assert res.exit_code == EXIT_OK, _stderr(res)
    assert json.loads(res.stdout)["kind"] == "document"


def test_robust_cli_not_utf8_text_file(files):
    res = run(str(files / "latin1.txt"))
    assert res.exit_code == EXIT_INPUT
    err = _stderr(res)
    assert f"{files / 'latin1.txt'}:2" in err            # file and line
    assert "byte offset 25" in err and "UTF-8" in err    # which byte
    _no_traceback(res)


def test_robust_cli_not_utf8_jsonl_line(files):
    res = run(str(files / "latin1.jsonl"), "--format", "jsonl")
    assert res.exit_code == EXIT_RECORDS
    recs = _records(res)
    assert len(recs) == 5  # one output per input line, in order
    bad = recs[2]["error"]
    assert bad["code"] == "E206" and bad["line"] == 3 and bad["source"] == str(files / "latin1.jsonl")
    offset = (files / "latin1.jsonl").read_bytes().index(b"\xe9")
    assert f"byte offset {offset}" in bad["message"]
    assert all("document" in r for i, r in enumerate(recs) if i != 2)
    _no_traceback(res)


def test_robust_cli_invalid_json_line_names_line(files):
    res = run(str(files / "mixed.jsonl"), "--format", "jsonl")
    assert res.exit_code == EXIT_RECORDS
    recs = _records(res)
    assert len(recs) == 6  # the blank line is skipped
    by_line = {r["error"]["line"]: r["error"] for r in recs if "error" in r}
    assert by_line[2]["code"] == "E204" and "invalid JSON" in by_line[2]["message"]
    assert by_line[2]["source"] == str(files / "mixed.jsonl")
    assert by_line[3]["code"] == "E207" and "'criteria'" in by_line[3]["message"]   # no eligibility text
    assert by_line[4]["code"] == "E207" and "int" in by_line[4]["message"]
    assert by_line[7]["code"] in ("E211", "E204")  # not a JSON object
    ok = [r for r in recs if "document" in r]
    assert [r["nct_id"] for r in ok] == ["N1", "N5"]
    assert "\ufffd" in ok[1]["document"]["text"]  # the lone surrogate survived as U+FFFD
    assert "failed" in _stderr(res)  # the summary counts failures
    _no_traceback(res)


def test_robust_cli_invalid_json_line_reports_real_column(files):
    res = run(str(files / "mixed.jsonl"), "--format", "jsonl")
    err = [r["error"] for r in _records(res) if "error" in r and r["error"]["line"] == 2][0]
    assert "column 30" in err["message"], err["message"]


def test_robust_cli_study_without_eligibility_text(files):
    res = run(str(files / "study.json"))
    assert res.exit_code == EXIT_RECORDS
    out = json.loads(res.stdout)
    assert out["error"]["code"] == "E201" and out["nct_id"] == "N9"
    assert out["error"]["source"] == str(files / "study.json")
    _no_traceback(res)


def test_robust_cli_invalid_json_document(files):
    res = run(str(files / "broken.json"))
    assert res.exit_code == EXIT_INPUT
    assert f"{files / 'broken.json'}:3" in _stderr(res) and "invalid JSON" in _stderr(res)
    _no_traceback(res)


def test_robust_cli_missing_file(files):
    res = run(str(files / "nope.txt"))
    assert res.exit_code == EXIT_INPUT
    assert str(files / "nope.txt") in _stderr(res) and "no such file" in _stderr(res)
    assert res.stdout == ""
    _no_traceback(res)


def test_robust_cli_missing_file_among_good_ones(files):
    res = run(str(files / "good.txt"), str(files / "nope.txt"))
    assert res.exit_code == EXIT_INPUT
    assert str(files / "nope.txt") in _stderr(res)
    _no_traceback(res)


def test_robust_cli_empty_directory(files):
    res = run(str(files / "empty"))
    assert res.exit_code == EXIT_INPUT
    assert str(files / "empty") in _stderr(res) and "no readable files" in _stderr(res)
    _no_traceback(res)


def test_robust_cli_directory_with_only_hidden_files(files):
    res = run(str(files / "hidden"))
    assert res.exit_code == EXIT_INPUT
    assert str(files / "hidden") in _stderr(res)
    _no_traceback(res)


def test_robust_cli_glob_matching_nothing(files):
    res = run(str(files / "*.nothing"))
    assert res.exit_code == EXIT_INPUT
    assert "matches no file" in _stderr(res)
    _no_traceback(res)


def test_robust_cli_bad_pattern_file(files):
    res = run("--patterns", str(files / "rules"), str(files / "good.txt"))
    assert res.exit_code == EXIT_CONFIG
    err = _stderr(res)
    assert f"{files / 'rules' / 'bad.jsonl'}:2" in err and "(field 'colour')" in err and "E105" in err
    assert res.stdout == ""  # nothing parsed: the error comes before any record
    _no_traceback(res)


def test_robust_cli_empty_pattern_directory(files):
    res = run("--patterns", str(files / "empty"), str(files / "good.txt"))
    assert res.exit_code == EXIT_CONFIG
    assert str(files / "empty") in _stderr(res)
    _no_traceback(res)


def test_robust_cli_exit_statuses_are_distinct(files):
    codes = {
        "ok": run(str(files / "good.txt")).exit_code,
        "records": run(str(files / "mixed.jsonl")).exit_code,
        "input": run(str(files / "nope.txt")).exit_code,
        "config": run("--patterns", str(files / "rules"), str(files / "good.txt")).exit_code,
    }
    assert codes == {"ok": 0, "records": 1, "input": 2, "config": 3}


def test_robust_cli_odd_text_file_parses(files, tmp_path):
    p = tmp_path / "odd.txt"
    p.write_text("\x00\x1b*\n\u202e① ②\r\n" + "  " * 300 + "* deep\n" + "≤≥" * 500, encoding="utf-8")
    res = run(str(p))
    assert res.exit_code == EXIT_OK, _stderr(res)
    assert json.loads(res.stdout)["end"] == len(p.read_bytes().decode("utf-8"))


# --------------------------------------------------------------------------- subprocess


def _sub(*args: str, cwd: Path):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "critparse", "parse", "-j", "1", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_robust_cli_subprocess_not_utf8(files):
    r = _sub("latin1.txt", cwd=files)
    assert r.returncode == EXIT_INPUT
    assert "latin1.txt:2" in r.stderr and "byte offset 25" in r.stderr
    assert "Traceback" not in r.stderr


def test_robust_cli_subprocess_missing_file_and_bad_patterns(files):
    r = _sub("nope.txt", cwd=files)
    assert r.returncode == EXIT_INPUT and "nope.txt" in r.stderr and "Traceback" not in r.stderr
    r = _sub("--patterns", "rules", "good.txt", cwd=files)
    assert r.returncode == EXIT_CONFIG and "rules/bad.jsonl:2" in r.stderr and "Traceback" not in r.stderr


def test_robust_cli_subprocess_debug_shows_traceback(files):
    r = _sub("--debug", "latin1.txt", cwd=files)
    assert r.returncode != EXIT_OK
    assert "Traceback" in r.stderr and "InputError" in r.stderr and "byte offset 25" in r.stderr
