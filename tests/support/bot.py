"""The real app as a process: `python -m bot run --http` pointed at a sandbox, with a movable clock."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support import forkserver

ROOT = Path(__file__).resolve().parents[2]
SIGNING_SECRET = "sandbox-signing-secret-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_env(sandbox, database_url: str, **extra: str) -> dict[str, str]:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_"))}
    env.update(
        SLACK_BOT_TOKEN=sandbox.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=sandbox.api_url,
        DATABASE_URL=database_url,
        DEALBOT_DEV_CLOCK="1",
        DEALBOT_TICK_SECONDS="3600",
        DEALBOT_LOG_LEVEL="INFO",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.update(extra)
    return env


@dataclass
class BotProcess:
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    proc: forkserver.ForkedBot | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> BotProcess:  # generous: a loaded CI box imports slowly
        if (
            self.log_path is None
        ):  # one file per bot: a port, reused by a later bot or run, must not share its log
            fd, name = tempfile.mkstemp(prefix=f"dealbot-{self.port}-", suffix=".log")
            os.close(fd)
            self.log_path = Path(name)
        argv = ["run", "--http", "--port", str(self.port), "--host", "127.0.0.1"]
        self.proc = forkserver.SERVER.spawn(argv, self.env, self.log_path)  # `python -m bot <argv>`, forked
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"bot exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"bot did not become healthy:\n{self.log()}")

    def stop(self, *, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def restart(self) -> BotProcess:
        self.stop()
        return self.start()

    def log(self) -> str:
        return (
            self.log_path.read_text(errors="replace")[-8000:]
            if self.log_path and self.log_path.exists()
            else ""
        )

    # -- the documented dev endpoints ----------------------------------------------------------
    def clock(self) -> str:
        return httpx.get(f"{self.url}/dev/clock").json()["now"]

    def advance(self, duration: str) -> str:
        r = httpx.post(f"{self.url}/dev/clock", json={"advance": duration})
        r.raise_for_status()
        return r.json()["now"]

    def set_clock(self, instant: str) -> str:
        r = httpx.post(f"{self.url}/dev/clock", json={"set": instant})
        r.raise_for_status()
        return r.json()["now"]

    def run_due(self) -> dict:
        r = httpx.post(f"{self.url}/dev/run-due", timeout=120)
        r.raise_for_status()
        return r.json()


def run_cli(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m bot <args>` to its end, output captured (forked from the test fork server)."""
    return forkserver.SERVER.run(list(args), env, timeout)


def read_printed_url(proc: subprocess.Popen, pattern: str, *, timeout: float = 60) -> tuple[str | None, str]:
    """Read a started process's output until a line matches ``pattern`` (group 1 is the URL).

    Returns the URL (None when the process ended or the time ran out) and what it printed so far.
    """
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        m = re.search(pattern, line)
        if m:
            return m.group(1), "".join(seen)
    return None, "".join(seen)


@contextmanager
def page_and_bot(database_url: str, *, timeout: float = 30) -> Iterator[httpx.Client]:
    """The sandbox serving its page (team in Shanghai) and the real bot as a process pointed at it: an
    HTTP client of the page, with ``.sandbox`` and ``.bot`` attached; everything stopped afterwards."""
    from sandbox.page import PageActions, page_routes
    from sandbox.server import SandboxServer
    from sandbox.users import default_workspace

    sandbox = SandboxServer(workspace=default_workspace(), signing_secret=SIGNING_SECRET)
    sandbox.extra_routes = page_routes(PageActions(sandbox, team_tz="Asia/Shanghai"))
    sandbox.start()
    bot = BotProcess(bot_env(sandbox, database_url)).start()
    sandbox.app_url = bot.url
    http = httpx.Client(base_url=sandbox.base_url, timeout=timeout)
    http.sandbox, http.bot = sandbox, bot  # type: ignore[attr-defined]
    try:
        yield http
    finally:
        http.close()
        bot.stop()
        sandbox.stop()
