"""Test bots start by fork from a process that has already imported the bot.

Each `dealbot run --http` the suite starts spends about three seconds of CPU importing slack_bolt,
SQLAlchemy, Alembic and the bot before it serves a request; the suite starts a few hundred of them. A
fork server imports that once per test worker and forks a child per bot. The child is a process of its
own, as before: its own environment (``Settings`` reads it at start, nothing reads it at import), its own
log file on stdout and stderr, stdin from /dev/null, and it runs the same entry point as ``python -m bot``
(``bot.cli.main``) with the same arguments. Signals go to it directly; its exit status comes back through
the server, its parent.

Protocol: one JSON line per request on the server's stdin, one JSON line back on its stdout.
  {"op": "spawn", "argv": [...], "env": {...}, "cwd": "...", "log": "path", "err": "path"?}  ->  {"pid": 123}
  {"op": "poll", "pid": 123}                                                  ->  {"returncode": null | int}
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRELOAD = (  # what `dealbot run --http` imports on its way to serving (nothing here reads the environment)
    "bot.cli",
    "bot.runners",
    "bot.runtime",
    "bot.web",
    "bot.app",
    "bot.jobs",
    "bot.scheduler",
    "slack_bolt.adapter.starlette",
    "uvicorn",
)


class ForkedBot:
    """The part of ``subprocess.Popen`` that BotProcess uses, for a child of the fork server."""

    def __init__(self, server: ForkServer, pid: int) -> None:
        self._server, self.pid, self.returncode = server, pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._server.poll(self.pid)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout)
            time.sleep(0.05)
        return self.returncode


class ForkServer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        atexit.register(self.close)

    def _ensure(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "tests.support.forkserver"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
        return self._proc

    def _ask(self, request: dict) -> dict:
        with self._lock:
            proc = self._ensure()
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the test fork server exited")
        return json.loads(line)

    def spawn(
        self, argv: list[str], env: dict[str, str], log_path: Path, err_path: Path | None = None
    ) -> ForkedBot:
        """`python -m bot <argv>` in ``env``, its stdout in ``log_path`` (stderr too, or in ``err_path``)."""
        request = {"op": "spawn", "argv": argv, "env": env, "cwd": str(ROOT), "log": str(log_path)}
        Path(log_path).touch()  # there before the child starts writing, for a test that reads it at once
        if err_path:
            request["err"] = str(err_path)
        return ForkedBot(self, self._ask(request)["pid"])

    def run(self, argv: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
        """Like ``subprocess.run(capture_output=True, text=True)`` for `python -m bot <argv>`."""
        with tempfile.TemporaryDirectory(prefix="dealbot-cli-") as tmp:
            out, err = Path(tmp) / "out", Path(tmp) / "err"
            child = self.spawn(argv, env, out, err)
            try:
                code = child.wait(timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
                raise
            return subprocess.CompletedProcess(
                ["dealbot", *argv], code, out.read_text(errors="replace"), err.read_text(errors="replace")
            )

    def poll(self, pid: int) -> int | None:
        return self._ask({"op": "poll", "pid": pid})["returncode"]

    def close(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.stdin.close()
            self._proc.wait(timeout=10)


SERVER = ForkServer()


# -- the server side ------------------------------------------------------------------------------------
def _child(request: dict) -> None:
    """In the forked child: become `python -m bot <argv>` with its own environment and log."""
    code = 1
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        err = os.open(request.get("err") or request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        for fd, target in ((null, 0), (out, 1), (err, 2)):
            os.dup2(fd, target)
            os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.argv = ["dealbot", *request["argv"]]
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        from bot.cli import main

        code = main(request["argv"])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:  # noqa: BLE001 — report it in the log, like an uncaught exception would
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code or 0)


def serve() -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    done: dict[int, int] = {}
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                _child(request)
            reply = {"pid": pid}
        else:
            pid = request["pid"]
            if pid not in done:
                waited, status = os.waitpid(pid, os.WNOHANG)
                if waited:
                    done[pid] = os.waitstatus_to_exitcode(status)
            reply = {"returncode": done.get(pid)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
