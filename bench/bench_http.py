"""Benchmark: a signed `/deal help` at 32 concurrent connections, against `dealbot run --http`
(a real process on a migrated SQLite database, talking to a sandbox) and against a bare Bolt AsyncApp
that only acks (uvicorn), in one run. Prints p50 / p99 / throughput of both and the ratio.

Target (issue 2): dealbot >= 0.5x the bare app's throughput, and p99 < 100 ms.

The load generator is `wrk` (Debian package `wrk`; `./dev bench` installs it) replaying one pre-signed
request (a signature is valid for 5 minutes). Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS (32),
BENCH_WRK_THREADS (2), DEALBOT_WEB_WORKERS (2, used for both servers); DEALBOT_WEB_THREADS and
DEALBOT_ACTOR_CACHE_SECONDS are passed to dealbot.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox.server import SandboxServer  # noqa: E402
from sandbox.slack_side import SlackSide, sign  # noqa: E402
from sandbox.users import default_workspace  # noqa: E402

SECRET = "bench-signing-secret-0123456789ab"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
WORKERS = os.environ.get("DEALBOT_WEB_WORKERS", "2")


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    sys.exit(f"server at {url} did not come up:\n{log.read_text()[-3000:]}")


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wrk_script(body: str, tmp: Path) -> Path:
    ts = str(int(time.time()))
    lua = tmp / "signed_deal_help.lua"
    quoted = body.replace("\\", "\\\\").replace('"', '\\"')
    lua.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{quoted}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["X-Slack-Request-Timestamp"] = "{ts}"\n'
        f'wrk.headers["X-Slack-Signature"] = "{sign(SECRET, ts, body)}"\n'
    )
    return lua


def to_ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        raise ValueError(f"unexpected wrk latency {value!r}")
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60_000}[unit]


def run_wrk(name: str, url: str, script: Path) -> Result:
    out = subprocess.run(
        ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "5s",
         "-s", str(script), f"{url}/slack/events"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    pct = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", out, re.M))
    if set(pct) != {"50", "99"}:
        sys.exit(f"could not read wrk's latency distribution:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sock_errors.groups())) if sock_errors else 0)
    return Result(
        name=name,
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=to_ms(pct["50"]),
        p99_ms=to_ms(pct["99"]),
        requests=requests,
        errors=errors,
    )


def main() -> int:
    if shutil.which("wrk") is None:
        print(
            "bench_http: `wrk` is not installed (apt-get install -y wrk; `./dev bench` does it)",
            file=sys.stderr,
        )
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="dealbot-bench-"))
    sandbox = SandboxServer(workspace=default_workspace(), signing_secret=SECRET).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_", "DATABASE_URL"))}
    env.update(
        SLACK_BOT_TOKEN=sandbox.bot_token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=sandbox.api_url,
        DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}",
        DEALBOT_WEB_WORKERS=WORKERS,
        DEALBOT_TICK_SECONDS="3600",
        DEALBOT_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    for k in ("DEALBOT_WEB_THREADS", "DEALBOT_ACTOR_CACHE_SECONDS"):  # knobs worth comparing
        if k in os.environ:
            env[k] = os.environ[k]
    procs: list[subprocess.Popen] = []
    try:
        subprocess.run(
            [sys.executable, "-m", "bot", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        bot_port, bare_port = free_port(), free_port()
        procs.append(
            start([sys.executable, "-m", "bot", "run", "--http", "--host", "127.0.0.1", "--port", str(bot_port)],
                  env, tmp / "dealbot.log")
        )  # fmt: skip
        procs.append(
            start([sys.executable, "-m", "uvicorn", "bench._bare_app:create", "--factory", "--host", "127.0.0.1",
                   "--port", str(bare_port), "--workers", WORKERS, "--log-level", "warning", "--no-access-log"],
                  env, tmp / "bare.log")
        )  # fmt: skip
        bot_url, bare_url = f"http://127.0.0.1:{bot_port}", f"http://127.0.0.1:{bare_port}"
        wait_up(f"{bot_url}/healthz", procs[0], tmp / "dealbot.log")
        wait_up(f"{bare_url}/slack/events", procs[1], tmp / "bare.log")

        side = SlackSide(sandbox, app_url=bot_url, signing_secret=SECRET)
        check = side.command("U0REP2", "/deal", "help")  # also caches the user's profile, as in steady state
        if check.status != 200 or "/deal new" not in check.text:
            sys.exit(f"dealbot did not answer /deal help: {check.status} {check.text[:200]}")
        body, _ = side.command_body("U0REP2", "/deal", "help")
        script = wrk_script(body, tmp)
        results = []
        for name, url in (("bare Bolt AsyncApp (ack only)", bare_url), ("dealbot run --http", bot_url)):
            run_wrk(name, url, script) if SECONDS > 2 else None  # warm-up pass (imports, pools, caches)
            results.append(run_wrk(name, url, script))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        sandbox.stop()
    report(results)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def report(results: list[Result]) -> None:
    bare, bot = results
    print(
        f"signed /deal help, {CONNECTIONS} connections, {SECONDS}s each, {WORKERS} worker process(es) per server"
    )
    print(f"{'server':32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    for r in results:
        print(f"{r.name:32} {r.rps:9.0f} {r.p50_ms:8.1f} {r.p99_ms:8.1f} {r.requests:9d} {r.errors:7d}")
    ratio = bot.rps / bare.rps if bare.rps else 0.0
    ok = ratio >= 0.5 and bot.p99_ms < 100 and bot.errors == 0
    print(f"throughput ratio dealbot/bare = {ratio:.2f} (target >= 0.5); dealbot p99 = {bot.p99_ms:.1f} ms "
          f"(target < 100): {'target met' if ok else 'target MISSED'}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
