"""The wheel must carry the data folders so that a plain ``pip install .`` works."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_templates_questionnaires_profiles_and_static(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("frontline_fit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"hiring/_data/templates/base.html", "hiring/static/style.css"}
    expected |= {
        f"hiring/_data/questionnaires/{p.name}" for p in (ROOT / "questionnaires").glob("*.yaml")
    }
    expected |= {f"hiring/_data/profiles/{p.name}" for p in (ROOT / "profiles").glob("*.yaml")}
    assert expected <= names
    assert any(name.startswith("hiring/_data/questionnaires/") for name in names)
