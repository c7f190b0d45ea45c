"""Issue 17 item 3: when the CJK chart font is missing, `dealbot sandbox` / `./dev run` say so at start and
an admin's App Home says it too, with how to add the font; nobody else is bothered with it. The font
lookup is pointed at a matplotlib config with no system fonts (MPL_IGNORE_SYSTEM_FONTS, an empty
MPLCONFIGDIR): matplotlib then knows its bundled Latin fonts only."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.test_sandbox_cli import base_env, start
from tests.support.bot import free_port

pytestmark = pytest.mark.slow
MISSING = "dealbot: the Chinese chart font (Noto Sans CJK SC) is missing"


def home_texts(url: str, user: str) -> list[str]:
    assert httpx.post(f"{url}sandbox/home", json={"user": user}, timeout=60).json()["status"] == 200
    home = httpx.get(f"{url}sandbox/ui", params={"user": user}, timeout=30).json()["home"]
    return [str(b.get("text", {}).get("text", "")) for b in home["blocks"]]


def wait_for_line(log: Path, text: str, proc) -> str:  # noqa: ANN001
    """The start message comes from a check beside the start-up: wait for the line (not for a time)."""
    deadline = time.monotonic() + 120
    while text not in (content := log.read_text(errors="replace")):
        assert proc.poll() is None and time.monotonic() < deadline, content
        time.sleep(0.1)
    return content


def test_without_the_cjk_font_the_start_and_an_admins_app_home_say_how_to_add_it(dbs, tmp_path):
    mpl = tmp_path / "mpl"
    mpl.mkdir()
    env = base_env(
        dbs.fresh(migrated=False),
        DEALBOT_SANDBOX_PORT=str(free_port()),
        MPL_IGNORE_SYSTEM_FONTS="1",
        MPLCONFIGDIR=str(mpl),
    )
    log = tmp_path / "log"
    with open(log, "wb") as out:
        proc, url = start(["sandbox"], env, out)
    try:
        said = wait_for_line(log, MISSING, proc)
        assert "apt-get install fonts-noto-cjk" in said and "Traceback" not in said
        admin = home_texts(url, "U0ADMIN")
        notice = [t for t in admin if "Noto Sans CJK SC" in t]
        assert notice == [
            "⚠ *Charts in Chinese show English labels:* the server lacks the Chinese font Noto Sans CJK SC. "
            "To add it, install `fonts-noto-cjk` on the server (`apt-get install fonts-noto-cjk`) and "
            "restart dealbot: it finds the font at start."
        ]
        assert re.search(r"Settings|设置", " ".join(admin))  # it sits in the admin's part of Home
        assert not [t for t in home_texts(url, "U0REP2") if "Noto Sans CJK SC" in t]  # a rep: not theirs
        assert not [t for t in home_texts(url, "U0MGR") if "Noto Sans CJK SC" in t]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_with_the_font_installed_nothing_is_said_and_home_has_no_notice(dbs, tmp_path):
    env = base_env(dbs.fresh(migrated=False), DEALBOT_SANDBOX_PORT=str(free_port()), DEALBOT_LOG_LEVEL="INFO")
    log = tmp_path / "log"
    with open(log, "wb") as out:
        proc, url = start(["sandbox"], env, out)
    try:
        said = wait_for_line(log, "the Chinese chart font (Noto Sans CJK SC) is there", proc)  # checked
        assert MISSING not in said
        assert not [t for t in home_texts(url, "U0ADMIN") if "Noto Sans CJK SC" in t]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
