"""The wheel ships the rule files and the example; it parses the example installed elsewhere."""
from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(ROOT)], check=True)
    (whl,) = out.glob("critparse-*.whl")
    return whl


def test_packaging_wheel_contains_patterns_and_example(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    pattern_files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "patterns").rglob("*.jsonl"))
    assert pattern_files, "no rule files in patterns/"
    for p in pattern_files:
        assert f"critparse/{p}" in names
    assert "critparse/data/NCT06307600.md" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_packaging_wheel_parses_example_in_fresh_venv(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    # the runtime dependencies come from this environment (no network needed): add its
    # site-packages after the fresh venv's own, so critparse itself is the installed wheel
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "zz_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    code = (
        "import critparse, critparse.patterns as P, json\n"
        "assert 'site-packages' in critparse.__file__, critparse.__file__\n"
        "assert str(P.builtin_dir()).startswith(str(__import__('pathlib').Path(critparse.__file__).parent))\n"
        "doc = critparse.parse(critparse.example_text())\n"
        "print(json.dumps([len(s.children) for s in doc.sections]))\n"
    )
    res = subprocess.run([str(py), "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[7, 10]"
