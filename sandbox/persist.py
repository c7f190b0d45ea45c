"""The sandbox keeps its conversations across a restart: its state (sandbox/state.py ``to_saved``) and how
far the bot's clock was moved are written to a JSON file beside the sandbox's own database, loaded at
start, saved when they change and when the sandbox stops. It is a file of its own: the database is
never touched."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from sandbox.state import SandboxState

log = logging.getLogger(__name__)
SAVE_EVERY = 1.0  # seconds between checks for a change (a crash loses at most this much)


def state_path(database_url: str) -> Path:
    """Beside a SQLite file (``dealbot.db`` -> ``dealbot.db.sandbox.json``); for any other database
    (PostgreSQL, in-memory SQLite) a file in the temp directory named after the database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().with_name(Path(url.database).name + ".sandbox.json")
    key = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"dealbot-sandbox-{key}.json"


class StateFile:
    """Loads ``path`` into the state, then saves the state there whenever it changed."""

    def __init__(self, state: SandboxState, path: Path) -> None:
        self.state, self.path = state, path
        self._last: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._clock: tuple[Callable[[], float], Callable[[float], None]] | None = None
        self.saved_clock_offset: float = 0.0  # how far the bot's clock was moved when last saved

    def follow_clock(self, offset: Callable[[], float], move: Callable[[float], None]) -> None:
        """Keep the bot's movable clock too: put it back where it was moved to (``move(seconds)``), and
        save how far it is moved (``offset()``, seconds) with the conversations."""
        self._clock = (offset, move)
        if self.saved_clock_offset:
            move(self.saved_clock_offset)

    def load(self) -> bool:
        """Restore a saved state; False (and a fresh start) when there is none or it cannot be read."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        except OSError as e:
            log.warning(
                "the sandbox's saved conversations at %s cannot be read (%s): starting afresh", self.path, e
            )
            return False
        try:
            saved = json.loads(text)
            self.state.restore(saved)
            self.saved_clock_offset = float(saved.get("clock_offset") or 0)
        except ValueError as e:
            log.warning(
                "the sandbox's saved conversations at %s are not usable (%s): starting afresh", self.path, e
            )
            return False
        self._last = text
        return True

    def forget(self) -> None:
        """A new sandbox database: the conversations of an older one do not belong to it."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def save(self) -> bool:
        doc = self.state.to_saved()
        if self._clock is not None:
            doc["clock_offset"] = round(self._clock[0]())  # whole seconds: no re-save for a tick
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        if text == self._last:
            return False
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)  # a reader never sees half a file
        except OSError as e:
            log.warning("the sandbox's conversations could not be saved to %s: %s", self.path, e)
            return False
        self._last = text
        return True

    def start(self) -> StateFile:
        self._thread = threading.Thread(target=self._run, name="sandbox-state", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.save()

    def _run(self) -> None:
        while not self._stop.wait(SAVE_EVERY):
            try:
                self.save()
            except Exception:  # a state that fails to serialise must not end the sandbox
                log.exception("saving the sandbox's conversations failed")
