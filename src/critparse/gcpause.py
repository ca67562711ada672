"""Pause Python's cyclic garbage collector while a document is built.

A parse allocates many small objects (nodes, match objects, offset maps) that are freed by
reference counting; none of them forms a reference cycle, so the cyclic collector finds
nothing to free.  Left on, it still walks the growing set of live objects again and again, which
makes parse time grow faster than the input on very large texts (a 40,000-item list took twice
as long).  ``paused()`` turns it off for the duration of a parse and back on afterwards -- only if
it was on, and only when the last of several concurrent parses (threads) is done.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_LOCK = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _LOCK:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            if _was_enabled:
                gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
