"""The `dealbot` CLI as an operator meets it: credentials checked at start with the variable named,
no credentials -> the sandbox, `dealbot migrate`, and `run` refusing an unmigrated database."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys

import httpx
import pytest

from storage.db import make_engine
from storage.migrate import current_revision, heads
from tests.support.bot import ROOT, free_port, read_printed_url, run_cli

BOT = "xoxb-1111-2222-realistic0token"
SECRET = "0123456789abcdef0123456789abcdef"
APP = "xapp-1-A0DEALBOT-3333-realistic0app0token"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def refused(args: tuple[str, ...], env: dict[str, str]) -> str:
    result = run_cli(*args, env=env, timeout=60)
    assert result.returncode != 0, f"started instead of refusing:\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize(
    ("args", "creds", "named"),
    [
        (
            ("run", "--http"),
            {"SLACK_BOT_TOKEN": "xoxb-your-token", "SLACK_SIGNING_SECRET": SECRET},
            "SLACK_BOT_TOKEN",
        ),
        (
            ("run", "--http"),
            {"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": "changeme"},
            "SLACK_SIGNING_SECRET",
        ),
        (("run",), {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": "xapp-your-app-token"}, "SLACK_APP_TOKEN"),
        (("run", "--http"), {"SLACK_BOT_TOKEN": BOT}, "SLACK_SIGNING_SECRET"),
        (("run",), {"SLACK_BOT_TOKEN": BOT}, "SLACK_APP_TOKEN"),
        (("run",), {"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": SECRET}, "SLACK_APP_TOKEN"),
        (("run",), {"SLACK_APP_TOKEN": APP}, "SLACK_BOT_TOKEN"),
        (("run", "--http"), {"SLACK_SIGNING_SECRET": SECRET}, "SLACK_BOT_TOKEN"),
        (
            ("run", "--http"),
            {"SLACK_BOT_TOKEN": "xoxp-1-user-token", "SLACK_SIGNING_SECRET": SECRET},
            "SLACK_BOT_TOKEN",
        ),
    ],
    ids=[
        "placeholder-bot-token",
        "placeholder-signing-secret",
        "placeholder-app-token",
        "http-without-signing-secret",
        "socket-without-app-token",
        "signing-secret-but-no-app-token",
        "app-token-without-bot-token",
        "signing-secret-only",
        "user-token-as-bot-token",
    ],
)
def test_placeholder_or_partial_credentials_are_refused_naming_the_variable(dbs, args, creds, named):
    message = refused(args, clean_env(DATABASE_URL=dbs.fresh(), **creds))
    assert named in message


def test_the_dev_clock_is_refused_with_real_slack(dbs):
    env = clean_env(
        DATABASE_URL=dbs.fresh(), SLACK_BOT_TOKEN=BOT, SLACK_SIGNING_SECRET=SECRET, DEALBOT_DEV_CLOCK="1"
    )
    assert "DEALBOT_DEV_CLOCK" in refused(("run", "--http"), env)
    env["SLACK_API_URL"] = "https://slack.example.com/api/"
    assert "DEALBOT_DEV_CLOCK" in refused(("run", "--http"), env)
    env["SLACK_API_URL"] = "http://127.0.0.1:9/api/"  # loopback, but a token the sandbox never issued
    assert "DEALBOT_DEV_CLOCK" in refused(("run", "--http"), env)


def test_the_dev_clock_is_refused_on_a_public_address(dbs):
    env = clean_env(
        DATABASE_URL=dbs.fresh(),
        SLACK_BOT_TOKEN="xoxb-sandbox-0000-dealbot",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL="http://127.0.0.1:9/api/",
        DEALBOT_DEV_CLOCK="1",
    )
    message = refused(("run", "--http", "--host", "0.0.0.0", "--port", "0"), env)
    assert "DEALBOT_DEV_CLOCK" in message and "--host 127.0.0.1" in message


def test_an_invalid_setting_is_refused_naming_the_variable(dbs):
    message = refused(("run",), clean_env(DATABASE_URL=dbs.fresh(), DEALBOT_TIMEZONE="Mars/Olympus"))
    assert "DEALBOT_TIMEZONE" in message


def test_migrate_an_empty_database_through_the_cli(dbs):
    url = dbs.fresh(migrated=False)
    result = run_cli("migrate", env=clean_env(DATABASE_URL=url))
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    engine = make_engine(url)
    try:
        assert current_revision(engine) == heads()[0]
    finally:
        engine.dispose()
    again = run_cli("migrate", env=clean_env(DATABASE_URL=url))
    assert again.returncode == 0, again.stderr


def test_run_refuses_an_unmigrated_database_with_the_hint(dbs):
    env = clean_env(DATABASE_URL=dbs.fresh(migrated=False), SLACK_BOT_TOKEN=BOT, SLACK_SIGNING_SECRET=SECRET)
    message = refused(("run", "--http", "--port", "0"), env)
    assert "dealbot migrate" in message
    refused_jobs = run_cli("jobs", "run-due", env=env)
    assert refused_jobs.returncode != 0 and "dealbot migrate" in refused_jobs.stderr


def test_run_without_credentials_and_without_a_terminal_is_refused_not_a_sandbox(tmp_path):
    """A service started with its credentials missing must fail loudly, not serve a fake Slack."""
    db = tmp_path / "prod.db"
    result = run_cli(
        "run", env=clean_env(DATABASE_URL=f"sqlite:///{db}", DEALBOT_SANDBOX_PORT=str(free_port()))
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "no Slack credentials" in result.stderr and "dealbot sandbox" in result.stderr
    assert "Traceback" not in result.stderr
    assert "open http" not in result.stdout
    assert not db.exists(), "the refused run touched the database"


def test_no_credentials_at_a_terminal_starts_the_sandbox_and_deal_help_works_through_it(tmp_path):
    port = free_port()
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'try.db'}", DEALBOT_SANDBOX_PORT=str(port))
    env["PYTHONUNBUFFERED"] = "1"
    primary, terminal = pty.openpty()  # a person at a terminal: stdin is a TTY
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=ROOT,
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    os.close(terminal)
    try:
        url, seen = read_printed_url(proc, r"(http://127\.0\.0\.1:\d+)/")
        assert url == f"http://127.0.0.1:{port}", seen
        r = httpx.post(f"{url}/sandbox/command", json={"user": "U0REP2", "command": "/deal", "text": "help"})
        assert r.status_code == 200 and r.json()["status"] == 200, r.text
        state = httpx.get(f"{url}/sandbox/state").json()
        replies = [m for m in state["messages"] if m["ephemeral_to"] == "U0REP2" and m["source"] == "ack"]
        assert replies and "/deal new" in json.dumps(replies[-1]["blocks"])
        assert (tmp_path / "try.db").exists()  # migrated on first start, SQLite
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(primary)
    assert proc.returncode == -signal.SIGTERM  # the SIGTERM itself ended it: no SIGKILL was needed
