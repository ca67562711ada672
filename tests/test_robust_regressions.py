"""Every recorded finding in ``fixtures/regressions/`` (written by ``scripts/fuzz.py`` or by
hand) parses without raising, with valid spans, no lost text and a JSON round trip.

A file is JSON: ``{"kind": "crash" | "slow" | "lost" | "span", "error", "seed", "index",
"ms_per_kb", "text"}`` (ASCII escapes, so lone surrogates survive).  An optional ``"xfail"``
string marks a finding whose fix is pending in another module; remove it once fixed.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from test_robust_inputs import check_document

REGRESSIONS = Path(__file__).resolve().parents[1] / "fixtures" / "regressions"
FILES = sorted(REGRESSIONS.glob("*.json")) if REGRESSIONS.is_dir() else []
SLOW_MS_PER_KB = 50.0


def _params():
    out = []
    for p in FILES:
        body = json.loads(p.read_text(encoding="utf-8"))
        marks = [pytest.mark.xfail(strict=False, reason=body["xfail"])] if body.get("xfail") else []
        out.append(pytest.param(p, id=p.stem, marks=marks))
    return out


def test_robust_regressions_files_are_well_formed():
    for p in FILES:
        body = json.loads(p.read_text(encoding="utf-8"))
        assert isinstance(body.get("text"), str), p
        assert body.get("kind") in ("crash", "slow", "lost", "span"), p


@pytest.mark.parametrize("path", _params())
def test_robust_regressions_parse(parser, path):
    body = json.loads(path.read_text(encoding="utf-8"))
    text = body["text"]
    t0 = time.perf_counter()
    doc = parser.parse(text)
    dt = time.perf_counter() - t0
    check_document(doc, text)
    if body["kind"] == "slow":
        kb = max(len(text.encode("utf-8", "surrogatepass")) / 1024, 1.0)
        # generous (x4) on a shared machine: the recorded cases were 10-100x over
        assert dt * 1000 / kb < 4 * SLOW_MS_PER_KB, f"{dt * 1000 / kb:.0f} ms/KB"
