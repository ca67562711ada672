"""The CHIA value scorer (../shared/eval/score_thresholds.py) over all 2,000 documents.

Skipped when ../shared is absent (a fresh clone).  Fails below the bar."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "score_thresholds.py"

pytestmark = pytest.mark.skipif(not SCORER.exists(), reason="../shared (gold corpora) not available")

F1_BAR = 0.85
PRECISION_BAR = 0.92


@pytest.fixture(scope="module")
def figures():
    out = subprocess.run([sys.executable, str(SCORER), "--json"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_scorer_no_crash(figures):
    assert figures["crashed"] == 0
    assert figures["documents"] == 2000


def test_scorer_precision_bar(figures):
    assert figures["precision"] >= PRECISION_BAR, figures


def test_scorer_f1_bar(figures):
    assert figures["f1"] >= F1_BAR, figures
