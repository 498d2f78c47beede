"""Browser fixtures: the real app under waitress on loopback, Debian's Chromium via Playwright.

Chromium is never downloaded (no ``playwright install``): the system ``chromium`` is used.
Without it, or without npm for axe-core, the tests are skipped with the reason printed,
unless ``HIRING_REQUIRE_BROWSER=1`` (as in CI), which turns the skip into a failure.
"""

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from hiring import create_app
from hiring.store.db import close_all, get_db
from tests.candidate_support import invite, make_role
from tests.queue_support import Worker

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason: str):
    """Skip, or fail when the environment says browser tests must run."""
    message = f"browser tests not run: {reason}"
    print(message)
    if os.environ.get("HIRING_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        unavailable("no `chromium` on PATH (sudo apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core from the npm registry, installed once into tests/browser/node_modules."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if not npm:
            unavailable("npm is needed to fetch axe-core")
        done = subprocess.run(
            [
                npm,
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(HERE),
                "axe-core@4",
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode != 0 or not AXE.exists():
            unavailable(f"npm could not install axe-core: {done.stderr.strip()[-300:]}")
    return AXE


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:  # not importorskip: that would skip even when HIRING_REQUIRE_BROWSER=1
        from playwright import sync_api
    except ImportError as error:
        unavailable(f"Playwright cannot be imported ({error}); pip install playwright")
    with sync_api.sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        except Exception as error:  # noqa: BLE001 - any launch failure means "no browser here"
            unavailable(f"Chromium did not start: {error}")
        yield launched
        launched.close()


class LiveServer:
    """The app served by waitress in a thread, plus helpers to make candidates."""

    def __init__(self, folder: Path):
        from waitress.server import create_server

        self.app = create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(folder),
                "DATABASE": str(folder / "browser.sqlite3"),
                "SECRET_KEY": "browser-test-key",
            }
        )
        self.server = create_server(self.app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.role = make_role(self.db, title="Customer Service Representative", location="")
        self.count = 0
        self.worker = Worker(folder, self.app.config["DATABASE"])  # the task queue's worker

    @property
    def db(self):
        return get_db(self.app.config["DATABASE"])

    def new_candidate(self, name="Robin Browser"):
        """Invite a candidate; return (link, invite)."""
        self.count += 1
        made = invite(self.db, self.role, name=name, email=f"robin{self.count}@example.test")
        return made.link(self.url), made

    def close(self):
        self.worker.stop()
        self.server.close()
        self.thread.join(timeout=5)
        close_all()


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    server = LiveServer(tmp_path_factory.mktemp("live"))
    yield server
    server.close()


@pytest.fixture
def page(browser):
    """A tab in a fresh browser profile; the app's CSP applies and violations are collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.csp_errors = []
    tab.on(
        "console",
        lambda m: tab.csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield tab
    context.close()


@pytest.fixture
def axe_page(browser, axe_script):
    """A tab that may inject axe-core (its inline script needs the page CSP bypassed)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()
