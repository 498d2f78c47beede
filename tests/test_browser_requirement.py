"""With HIRING_REQUIRE_BROWSER=1 a missing browser stack fails the browser tests, never skips."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run_browser_tests(tmp_path: Path, require: bool) -> str:
    """Run one browser test file with an unimportable Playwright; return pytest's summary."""
    fake = tmp_path / "fake"
    (fake / "playwright").mkdir(parents=True)
    (fake / "playwright" / "__init__.py").write_text("raise ImportError('planted by the test')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake), str(ROOT)])}
    env.pop("HIRING_REQUIRE_BROWSER", None)
    if require:
        env["HIRING_REQUIRE_BROWSER"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/browser/test_admin_browser.py", "-q",
         "-n", "0", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_a_missing_playwright_fails_when_browsers_are_required(tmp_path):
    summary = _run_browser_tests(tmp_path, require=True)
    assert "error" in summary and "skipped" not in summary, summary


@pytest.mark.slow
def test_a_missing_playwright_skips_with_its_reason_otherwise(tmp_path):
    summary = _run_browser_tests(tmp_path, require=False)
    assert "skipped" in summary and "error" not in summary, summary
