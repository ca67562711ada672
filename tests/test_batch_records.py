"""critparse.batch: sources, records, order, carried fields, bad records, crashed workers."""
from __future__ import annotations

import io
import json
import os
import sys

import pytest

from critparse import batch

from critparse.batch import (CRASH_ENV, BatchConfig, Item, ReadStats, expand_sources, iter_items, parse_items,
                             parse_records)
from critparse.errors import InputError
from critparse.models import Document


def _text(i: int) -> str:
    return f"Inclusion Criteria:\n\n* Age >= {i} years\n* Record number {i}\n\nExclusion Criteria:\n\n* Pregnancy\n"


def _line(i: int, **extra) -> str:
    return json.dumps({"nct_id": f"NCT{i:08d}", "criteria": _text(i), **extra})


def _study(nct: str, text: str) -> dict:
    return {"protocolSection": {"identificationModule": {"nctId": nct},
                                "eligibilityModule": {"eligibilityCriteria": text, "sex": "ALL"}}}


def _jsonl_items(lines: list[str]) -> list[Item]:
    return list(iter_items(["-"], BatchConfig(), stdin=io.BytesIO(("\n".join(lines) + "\n").encode())))


def test_batch_records_carry_fields_and_document():
    out = list(parse_items(_jsonl_items([_line(1, phase="2", extra={"a": 1})]), BatchConfig(), workers=1))
    assert len(out) == 1 and out[0].ok
    obj = json.loads(out[0].text)
    assert obj["nct_id"] == "NCT00000001" and obj["phase"] == "2" and obj["extra"] == {"a": 1}
    assert "criteria" not in obj
    doc = Document.model_validate(obj["document"])
    assert doc.text == _text(1)
    assert list(obj)[-1] == "document"


def test_batch_records_malformed_line_in_the_middle():
    lines = [_line(i) for i in range(5)]
    lines[2] = '{"nct_id": "NCT2", "criteria": "unterminated'
    out = list(parse_items(_jsonl_items(lines), BatchConfig(), workers=1))
    assert len(out) == 5
    assert [o.ok for o in out] == [True, True, False, True, True]
    err = json.loads(out[2].text)["error"]
    assert err["code"] == "E204" and err["line"] == 3 and "invalid JSON" in err["message"]
    assert [json.loads(o.text)["nct_id"] for i, o in enumerate(out) if i != 2] == [
        f"NCT{i:08d}" for i in (0, 1, 3, 4)]


def test_batch_records_missing_text_field_is_an_error_line():
    out = list(parse_items(_jsonl_items([_line(0), '{"nct_id": "NCTX", "title": "no text"}', "[1, 2]"]),
                           BatchConfig(), workers=1))
    second, third = json.loads(out[1].text), json.loads(out[2].text)
    assert second["nct_id"] == "NCTX" and second["title"] == "no text"
    assert second["error"]["code"] == "E207" and "'criteria'" in second["error"]["message"]
    assert third["error"]["code"] == "E211"
    assert out[0].ok and not out[1].ok and not out[2].ok


def test_batch_records_text_key_and_non_string_text():
    cfg = BatchConfig(text_key="body")
    out = list(parse_records([{"id": 1, "body": "Age >= 18 years"}, {"id": 2, "body": 42}], cfg, workers=1))
    assert json.loads(out[0].text)["document"]["text"] == "Age >= 18 years"
    assert json.loads(out[1].text)["error"]["code"] == "E207"


def test_batch_records_declared_format_is_used():
    legacy = "\n        Inclusion Criteria:\n\n          -  Age 18 or older\n\n          -  Consent\n      "
    out = list(parse_records([{"criteria": legacy, "format": "ctgov-legacy-text"},
                              {"criteria": "Age over 18", "format": "not-a-format"}], workers=1))
    assert json.loads(out[0].text)["document"]["source_format"] == "ctgov-legacy-text"
    assert json.loads(out[1].text)["document"]["source_format"] == "text"


def test_batch_records_blank_lines_skipped_and_bad_utf8_line():
    data = (_line(0) + "\n\n").encode() + b'{"nct_id": "bad", "criteria": "caf\xe9"}\n' + (_line(1) + "\n").encode()
    items = list(iter_items(["-"], BatchConfig(), stdin=io.BytesIO(data)))
    assert [it.kind for it in items] == ["line", "error", "line"]
    out = list(parse_items(items, BatchConfig(), workers=1))
    err = json.loads(out[1].text)["error"]
    assert err["code"] == "E206" and err["line"] == 3 and "byte offset" in err["message"]


def test_batch_records_study_download_and_single_study(tmp_path):
    dl = tmp_path / "download.json"
    dl.write_text(json.dumps({"studies": [_study("NCT1", _text(1)), _study("NCT2", _text(2)),
                                          {"protocolSection": {"identificationModule": {"nctId": "NCT3"}}}]}))
    one = tmp_path / "one.json"
    one.write_text(json.dumps(_study("NCT4", _text(4)), indent=2))
    items = list(iter_items([str(dl), str(one)], BatchConfig()))
    assert [it.kind for it in items] == ["study"] * 4
    out = [json.loads(o.text) for o in parse_items(items, BatchConfig(), workers=1)]
    assert [o["nct_id"] for o in out] == ["NCT1", "NCT2", "NCT3", "NCT4"]
    assert out[0]["document"]["fields"]["nct_id"] == "NCT1" and out[0]["source"] == str(dl)
    assert out[2]["error"]["code"] == "E201"


def test_batch_records_jsonl_of_study_records():
    out = list(parse_items(_jsonl_items([json.dumps(_study("NCT9", _text(9)))]), BatchConfig(), workers=1))
    obj = json.loads(out[0].text)
    assert obj["nct_id"] == "NCT9" and obj["document"]["text"] == _text(9)


def test_batch_records_text_files_and_directory(tmp_path):
    (tmp_path / "b.md").write_text(_text(2))
    (tmp_path / "a.txt").write_text(_text(1))
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.md").write_text(_text(3))
    paths = expand_sources([str(tmp_path)])
    assert [p.rsplit("/", 1)[-1] for p in paths] == ["a.txt", "b.md", "c.md"]
    out = [json.loads(o.text) for o in parse_items(iter_items(paths, BatchConfig()), BatchConfig(), workers=1)]
    assert [o["document"]["text"] for o in out] == [_text(1), _text(2), _text(3)]
    assert out[0]["source"] == paths[0]
    assert expand_sources([str(tmp_path / "*.md")]) == [str(tmp_path / "b.md")]


def test_batch_records_whole_file_errors(tmp_path):
    with pytest.raises(InputError) as e:
        expand_sources([str(tmp_path / "missing.md")])
    assert e.value.code == "E208" and "missing.md" in str(e.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as e:
        expand_sources([str(tmp_path / "empty")])
    assert e.value.code == "E209"
    with pytest.raises(InputError):
        expand_sources([str(tmp_path / "*.nothing")])
    bad = tmp_path / "latin1.md"
    bad.write_bytes(b"Inclusion Criteria:\n* Caf\xe9 au lait\n")
    stats = ReadStats()
    items = list(iter_items([str(bad)], BatchConfig(), stats))
    assert items[0].kind == "error" and len(stats.file_errors) == 1
    err = stats.file_errors[0]
    assert err.code == "E206" and err.line == 2 and "byte offset 25" in err.message and str(bad) in str(err)


def test_batch_records_order_kept_with_two_workers():
    n = 50
    out = list(parse_items(_jsonl_items([_line(i) for i in range(n)]), BatchConfig(), workers=2, chunk_size=3))
    assert len(out) == n and all(o.ok for o in out)
    docs = [json.loads(o.text) for o in out]
    assert [d["nct_id"] for d in docs] == [f"NCT{i:08d}" for i in range(n)]
    assert [d["document"]["text"] for d in docs] == [_text(i) for i in range(n)]


_START = [pytest.param(True, id="forked-from-parent",
                       marks=pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")),
          pytest.param(False, id="fork-server")]


@pytest.mark.parametrize("fork", _START)
def test_batch_records_worker_killed_mid_run(monkeypatch, fork):
    """A record that kills its worker (testing hook CRITPARSE_TEST_CRASH_ON) gets an error line;
    every other record is parsed, in order -- whether workers are forked from this process or
    come from the fork server."""
    monkeypatch.setattr(batch, "_can_fork", lambda: fork)
    monkeypatch.setenv(CRASH_ENV, "KILL-THE-WORKER")
    n = 30
    lines = [_line(i) for i in range(n)]
    lines[13] = json.dumps({"nct_id": "NCT-poison", "criteria": "Age >= 18 KILL-THE-WORKER"})
    out = list(parse_items(_jsonl_items(lines), BatchConfig(), workers=2, chunk_size=4))
    assert len(out) == n
    assert [o.ok for o in out] == [i != 13 for i in range(n)]
    poison = json.loads(out[13].text)
    assert poison["nct_id"] == "NCT-poison" and poison["error"]["code"] == "E210"
    assert [json.loads(o.text)["nct_id"] for i, o in enumerate(out) if i != 13] == [
        f"NCT{i:08d}" for i in range(n) if i != 13]


def test_batch_records_crash_hook_ignored_in_process(monkeypatch):
    monkeypatch.setenv(CRASH_ENV, "KILL-THE-WORKER")
    out = list(parse_records([{"criteria": "KILL-THE-WORKER"}], workers=1))
    assert out[0].ok


def test_batch_records_tree_and_pretty_formats():
    rec = [{"nct_id": "NCT5", "criteria": _text(5)}]
    tree = list(parse_records(rec, BatchConfig(out_format="tree"), workers=1))[0].text
    assert tree.startswith("== NCT5 ==\ndocument (")
    assert "criterion" in tree and "Age >= 5 years" in tree
    pretty = list(parse_records(rec, BatchConfig(out_format="json"), workers=1))[0].text
    assert "\n  " in pretty and json.loads(pretty)["nct_id"] == "NCT5"
    doc = list(parse_records(rec, BatchConfig(out_format="document"), workers=1))[0].text
    assert Document.model_validate_json(doc).text == _text(5)


def test_batch_records_internal_error_keeps_carried_fields(monkeypatch):
    from critparse.parser import Parser

    original = Parser.parse

    def parse(self, text, input_format="auto"):
        if "EXPLODE" in text:
            raise RuntimeError("kaboom")
        return original(self, text, input_format)

    monkeypatch.setattr(Parser, "parse", parse)
    out = list(parse_records([{"id": 1, "criteria": "EXPLODE"}, {"id": 2, "criteria": "Age >= 18 years"}], workers=1))
    err = json.loads(out[0].text)
    assert err["id"] == 1 and err["error"]["code"] == "E500" and "kaboom" in err["error"]["message"]
    assert out[1].ok and json.loads(out[1].text)["id"] == 2


def test_batch_records_pool_recycling_keeps_order():
    from critparse.batch import ordered_pool_map, _init_record_worker, _run_record_chunk, crash_output

    cfg = BatchConfig()
    items = _jsonl_items([_line(i) for i in range(20)])
    chunks = [items[i:i + 2] for i in range(0, 20, 2)]
    out = [o for res in ordered_pool_map(chunks, _run_record_chunk, workers=2, initializer=_init_record_worker,
                                         initargs=(cfg, None), on_crash=lambda it: crash_output(cfg, it),
                                         recycle_after=3)
           for o in res]
    assert [json.loads(o.text)["nct_id"] for o in out] == [f"NCT{i:08d}" for i in range(20)]


def test_batch_records_invalid_json_column_points_into_the_line():
    out = list(parse_items(_jsonl_items([_line(0), '{"nct_id": "NCT2", "criteria": "trunc']), BatchConfig(), workers=1))
    err = json.loads(out[1].text)["error"]
    assert err["line"] == 2 and "column 32" in err["message"], err


def _report_inherited(chunk: list) -> list:
    return [(x, os.getpid(), batch._INHERITED) for x in chunk]


def _no_init() -> None:
    pass


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked from the parent on Linux only")
def test_batch_records_forked_workers_take_over_the_parents_build(monkeypatch):
    """Workers forked from this process find what ``inherit`` built here (built once, for every
    pool of the run, recycled ones included); it is released when the run ends."""
    monkeypatch.setattr(batch, "_can_fork", lambda: True)
    built = []

    def inherit():
        built.append(1)
        return "warm parser"

    chunks = [[i, i + 1] for i in range(0, 12, 2)]
    out = [r for res in batch.ordered_pool_map(chunks, _report_inherited, workers=2, initializer=_no_init,
                                               initargs=(), on_crash=lambda x: None, recycle_after=2,
                                               inherit=inherit)
           for r in res]
    assert [x for x, _, _ in out] == list(range(12))
    assert {w for _, _, w in out} == {"warm parser"} and built == [1]
    assert os.getpid() not in {pid for _, pid, _ in out}
    assert batch._INHERITED is None


def test_batch_records_no_fork_from_a_threaded_parent():
    """A parent running other threads must not fork (a lock held by another thread would stay held
    in the child): it uses the fork server instead."""
    import threading

    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert batch._can_fork() is False
    finally:
        stop.set()
        t.join()
