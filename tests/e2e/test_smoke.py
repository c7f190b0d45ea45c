"""The README's first command on a fresh checkout: `./dev run` starts the sandbox and the page loads.

The checkout is a `git clone` of this repository's HEAD. So the test does not spend minutes on pip,
its venv (DEALBOT_VENV) is prepared the way `pip install -e .` would leave it: a .pth that puts the
clone first on the path, the shared dependencies behind it, the `dealbot` console script, and the
install stamp `./dev` looks for. Everything after that is the clone's own `./dev run`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from tests.support.bot import ROOT, free_port, read_printed_url

pytestmark = pytest.mark.slow


def prepared_venv(venv: Path, checkout: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    site.mkdir(parents=True, exist_ok=True)
    (site / "__editable__dealbot.pth").write_text(f"{checkout}\n{sysconfig.get_paths()['purelib']}\n")
    script = venv / "bin" / "dealbot"
    script.write_text(f"#!{venv}/bin/python\nimport sys\nfrom bot.cli import main\nsys.exit(main())\n")
    script.chmod(0o755)
    (venv / ".dealbot-installed").touch()
    past = time.time() - 3600
    os.utime(checkout / "pyproject.toml", (past, past))  # the stamp is newer: ./dev skips pip


def test_dev_run_on_a_fresh_clone_serves_the_sandbox_page(tmp_path):
    checkout = tmp_path / "dealbot"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True, timeout=60)
    assert not (checkout / "dealbot.db").exists()
    venv = tmp_path / "venv"
    prepared_venv(venv, checkout)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_", "DATABASE_"))}
    env.pop("PYTHONPATH", None)
    env.update(DEALBOT_VENV=str(venv), DEALBOT_SANDBOX_PORT=str(port), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        ["./dev", "run"], cwd=checkout, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        url, seen = read_printed_url(proc, r"open (http://\S+/) in your browser")
        assert url == f"http://127.0.0.1:{port}/", seen
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200
        assert "<title>dealbot sandbox</title>" in page.text
        ui = httpx.get(f"{url}sandbox/ui", params={"user": "U0REP1"}, timeout=10).json()
        assert {c["name"] for c in ui["channels"]} >= {"sales-managers"}
        assert (checkout / "dealbot.db").exists()  # SQLite by default, in the checkout
        clock = httpx.get(f"{url}sandbox/clock", timeout=10).json()
        assert clock["ok"] is True  # the movable clock is on
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
