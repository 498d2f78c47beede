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
    expected = {"hiring/_data/templates/base.html", "hiring/web/static/style.css"}
    expected |= {"hiring/accounts/common-passwords.txt.gz"}
    expected |= {
        f"hiring/_data/questionnaires/{p.name}" for p in (ROOT / "questionnaires").glob("*.yaml")
    }
    expected |= {f"hiring/_data/profiles/{p.name}" for p in (ROOT / "profiles").glob("*.yaml")}
    expected |= {
        "hiring/_data/docs/fairness.md",
        "hiring/candidates/self_identification_us_eeo.yaml",
    }
    assert expected <= names
    assert any(name.startswith("hiring/_data/questionnaires/") for name in names)


@pytest.mark.slow
def test_the_unpacked_wheel_builds_a_demo_without_the_checkout(tmp_path):
    """What ``pip install .`` gives: the package alone, found before the editable checkout."""
    built = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(built), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = built.glob("frontline_fit-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = "import hiring, hiring.store.paths as p; print(hiring.__file__); print(p.data_dir('templates'))"
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    where = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert where.returncode == 0, where.stderr
    assert all(line.startswith(str(site)) for line in where.stdout.split()), where.stdout
    demo = subprocess.run(
        [sys.executable, "-m", "hiring", "demo", "--no-serve", "--folder", str(tmp_path / "demo")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "Demo accounts" in demo.stdout and (tmp_path / "demo" / "hiring.sqlite3").exists()
