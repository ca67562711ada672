import gc
import threading

from critparse.gcpause import paused


def test_gcpause_restores_enabled_state():
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_gcpause_keeps_a_disabled_collector_disabled():
    gc.disable()
    try:
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_gcpause_restores_after_an_exception():
    try:
        with paused():
            raise ValueError("x")
    except ValueError:
        pass
    assert gc.isenabled()


def test_gcpause_overlapping_threads_leave_it_enabled(parser):
    errors = []

    def work():
        try:
            for _ in range(20):
                parser.parse("Inclusion Criteria:\n* Age >= 18 years\n* ALT <= 3 x ULN\n")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert gc.isenabled()
