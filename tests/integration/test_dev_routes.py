"""The dev clock (`/dev/clock`, `/dev/run-due`) exists only against the sandbox, with the credentials the
sandbox issued, and answers on loopback only — checked where the routes are mounted, so `uvicorn
--factory` cannot get around it; a duration or an instant out of bounds is a 400, not a 500."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest
from starlette.testclient import TestClient

from bot.config import Settings
from sandbox.server import SandboxServer
from sandbox.users import default_workspace
from tests.support.bot import ROOT, SIGNING_SECRET, bot_env, free_port

REAL_LOOKING = "xoxb-1111-2222-realistic0token"


def _factory(env: dict[str, str], port: int, log) -> subprocess.Popen:  # noqa: ANN001
    cmd = [sys.executable, "-m", "uvicorn", "bot.web:asgi_from_env", "--factory", "--host", "127.0.0.1",
           "--port", str(port)]  # fmt: skip
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def _up(url: str, proc: subprocess.Popen, log_path) -> None:  # noqa: ANN001
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, log_path.read_text()
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(log_path.read_text())


@pytest.mark.parametrize(
    ("token", "served"), [(REAL_LOOKING, False), ("xoxb-sandbox-0000-dealbot", True)], ids=["real", "sandbox"]
)
def test_under_uvicorn_factory_the_dev_routes_need_the_sandbox_credentials(dbs, tmp_path, token, served):
    fake = SandboxServer(
        workspace=default_workspace(), signing_secret=SIGNING_SECRET, bot_token=token
    ).start()
    port = free_port()
    log_path = tmp_path / "bot.log"
    with open(log_path, "wb") as log:
        proc = _factory(bot_env(fake, dbs.fresh(), SLACK_BOT_TOKEN=token), port, log)
    try:
        url = f"http://127.0.0.1:{port}"
        _up(url, proc, log_path)
        clock = httpx.get(f"{url}/dev/clock", timeout=10)
        due = httpx.post(f"{url}/dev/run-due", timeout=60)
        if served:
            assert clock.status_code == 200 and due.status_code == 200
        else:
            assert (clock.status_code, due.status_code) == (404, 404)
            assert "dev clock routes are not served" in log_path.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        fake.stop()


def _app(sandbox, db_url: str):  # noqa: ANN001, ANN202
    from bot.runtime import build
    from bot.web import create_asgi

    settings = Settings(
        _env_file=None,
        slack_bot_token=sandbox.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=sandbox.api_url,
        database_url=db_url,
        dealbot_dev_clock=True,
    )
    deps, app = build(settings)
    return create_asgi(deps, app, scheduler=False)


def test_the_dev_routes_refuse_a_request_from_a_non_loopback_address(sandbox, db_url):
    asgi = _app(sandbox, db_url)
    with TestClient(asgi, base_url="http://127.0.0.1", client=("192.0.2.10", 40000)) as outside:
        assert outside.get("/dev/clock").status_code == 403
        assert outside.post("/dev/clock", json={"advance": "P1D"}).status_code == 403
        assert outside.post("/dev/run-due").status_code == 403
    with TestClient(asgi, base_url="http://127.0.0.1", client=("127.0.0.1", 40000)) as local:
        assert local.get("/dev/clock").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"advance": "P999999999999D"},
        {"advance": "P3661D"},
        {"advance": "-P99999W"},
        {"set": "9999-12-31T23:59:59Z"},
        {"set": "1900-01-01T00:00:00Z"},
    ],
)
def test_a_clock_move_out_of_bounds_is_a_400_and_the_clock_stays(bot, body):
    before = bot.clock()
    r = httpx.post(f"{bot.url}/dev/clock", json=body)
    assert r.status_code == 400, r.text
    assert r.json()["ok"] is False and r.json()["error"]
    assert abs(_ts(bot.clock()) - _ts(before)) < 60


def _ts(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()
