"""Shared test fixtures.  Tests that need ../shared skip when it is absent."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the calling test when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present (../shared is only on development machines)")
    return p


@pytest.fixture(scope="session")
def parser():
    import critparse

    return critparse.Parser()


@pytest.fixture(scope="session")
def structure_parser():
    """A parser running the structure only (no extractors)."""
    import critparse

    return critparse.Parser(extractors=())


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (FIXTURES / "NCT06307600.md").read_text(encoding="utf-8")


def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))
