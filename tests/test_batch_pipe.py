"""Parser.pipe: documents in input order, in-process and on worker processes."""
from __future__ import annotations

import pytest

import critparse
from critparse.batch import CRASH_ENV
from critparse.errors import CritparseError, InputError


def _texts(n: int) -> list[str]:
    return [f"Inclusion Criteria:\n\n* Age >= {i} years\n* Item {i}\n" for i in range(n)]


def test_batch_pipe_order_kept_two_processes():
    parser = critparse.Parser()
    texts = _texts(40)
    docs = list(parser.pipe(iter(texts), n_process=2, batch_size=3))
    assert [d.text for d in docs] == texts
    assert docs == [parser.parse(t) for t in texts]


def test_batch_pipe_in_process_equals_parse():
    parser = critparse.Parser()
    texts = _texts(5)
    assert list(parser.pipe(texts)) == [parser.parse(t) for t in texts]


def test_batch_pipe_raises_at_the_failing_text():
    parser = critparse.Parser()
    texts = _texts(6)
    texts[4] = '{"protocolSection": {"identificationModule": {"nctId": "NCT1"}}}'
    got = []
    with pytest.raises(InputError) as e:
        for d in parser.pipe(texts, n_process=2, batch_size=2):
            got.append(d.text)
    assert got == texts[:4]
    assert e.value.code == "E201"


def test_batch_pipe_worker_crash_raises_e210(monkeypatch):
    monkeypatch.setenv(CRASH_ENV, "BOOM")
    parser = critparse.Parser()
    texts = _texts(8)
    texts[5] = "Age >= 18 BOOM"
    got = []
    with pytest.raises(CritparseError) as e:
        for d in parser.pipe(texts, n_process=2, batch_size=2):
            got.append(d.text)
    assert got == texts[:5] and e.value.code == "E210"


def test_batch_pipe_early_stop_and_all_cores():
    parser = critparse.Parser()
    gen = parser.pipe(_texts(100), n_process=-1, batch_size=4)
    first = next(gen)
    gen.close()
    assert first.text == _texts(1)[0]
