"""Browser tests: `python -m bot sandbox` (the bot and the local Slack imitation), driven in headless Chromium.

Chromium comes from Debian (`chromium`, installed by `./dev test`), Playwright for Python drives it
with executable_path=/usr/bin/chromium (never `playwright install`; see ENVIRONMENT-NOTES.md).
Screenshots go to artifacts/e2e/ (gitignored).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support import forkserver
from tests.support.bot import ROOT, free_port
from tests.support.pipeline import BotDb

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "artifacts" / "e2e"


@dataclass
class SandboxApp:
    url: str  # the page
    bot_url: str  # the bot's own port (the documented /dev/clock and /dev/run-due)
    db_url: str
    proc: forkserver.ForkedBot
    log: Path

    def set_clock(self, instant: str) -> str:
        r = httpx.post(f"{self.bot_url}/dev/clock", json={"set": instant}, timeout=10)
        r.raise_for_status()
        return r.json()["now"]


@pytest.fixture
def sandbox_app(dbs, tmp_path):
    """`python -m bot sandbox`: the bot and the sandbox in one process, on an empty database it creates."""
    db_url = dbs.fresh(migrated=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_"))}
    env.update(
        DATABASE_URL=db_url,
        DEALBOT_SANDBOX_PORT=str(free_port()),
        DEALBOT_TICK_SECONDS="3600",  # the walk moves time with the page's clock control only
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "sandbox.log"
    proc = forkserver.SERVER.spawn(["sandbox"], env, log)  # `python -m bot sandbox`
    pattern = re.compile(r"open (http://\S+/) in your browser \(bot on (127\.0\.0\.1:\d+)\)")
    deadline = time.monotonic() + 60
    while True:
        m = pattern.search(log.read_text(errors="replace"))
        if m:
            break
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the sandbox did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    app = SandboxApp(m.group(1), f"http://{m.group(2)}", db_url, proc, log)
    yield app
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def app_db(sandbox_app):
    """The sandbox app's database, opened from the test."""
    d = BotDb(sandbox_app.db_url)
    yield d
    d.close()


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.js_errors = errors  # type: ignore[attr-defined]
        page.set_default_timeout(20_000)
        yield page
        browser.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001, ANN201
    """A failed browser step leaves a screenshot of what the page showed (artifacts/e2e/FAILED-*.png)."""
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("browser_page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        with contextlib.suppress(Exception):  # the browser may be gone; the report has the assertion
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{item.name}.png"), full_page=True)
