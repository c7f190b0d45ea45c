"""Benchmark: a signed `/deal help` at 2, 8, 32 and 64 concurrent connections, against `dealbot run --http`
(a real process on a migrated SQLite database, talking to a sandbox) in each mode, and against a bare
Bolt AsyncApp that only acks (uvicorn), in one run: for each connection count the servers are measured
one after the other, so they share the machine's load. Prints req/s, p50 / p99 and the requests shed
with 503 (dealbot's admission control, ``bot/admission.py``), the load average, and the targets.

Modes (``BENCH_MODES``, comma-separated; default both): ``single-workspace`` (one bot token) and ``oauth``
(a client id and secret, no bot token: dealbot installed into the sandbox workspace through the
sandbox's OAuth imitation, each request's token looked up in the installation store). A mode is an
entry of ``MODES`` below; the oauth mode gets a sandbox of its own that accepts only OAuth-issued tokens.

Targets (issue "hard to break", point 7): throughput plateaus (64 connections >= 0.8 x the best) instead
of collapsing, and p99 < 100 ms at 32 connections.

The load generator is `wrk` (Debian package `wrk`; `./dev bench` installs it) replaying one pre-signed
request (a signature is valid for 5 minutes; each run signs anew). Settings: BENCH_SECONDS (10),
BENCH_CONNECTIONS (2,8,32,64), BENCH_WRK_THREADS (2), BENCH_MODES (single-workspace,oauth),
DEALBOT_WEB_WORKERS (2, used for both servers); DEALBOT_WEB_THREADS, DEALBOT_WEB_QUEUE,
DEALBOT_WEB_QUEUE_SECONDS and DEALBOT_ACTOR_CACHE_SECONDS are passed to dealbot.
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
from collections.abc import Callable
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
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "2,8,32,64").split(",")]
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
WORKERS = os.environ.get("DEALBOT_WEB_WORKERS", "2")
PASSED = (
    "DEALBOT_WEB_THREADS",
    "DEALBOT_WEB_QUEUE",
    "DEALBOT_WEB_QUEUE_SECONDS",
    "DEALBOT_ACTOR_CACHE_SECONDS",
)
BARE = "bare Bolt (ack only)"


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    shed: int  # 503 answers (admission control)
    errors: int  # other non-2xx answers and socket errors


@dataclass
class Mode:
    """How one dealbot server of the benchmark is configured: extra environment (a None value unsets a
    variable), who sends the request, and what happens once it is up (e.g. installing it)."""

    env: Callable[[SandboxServer, Path], dict[str, str | None]]
    user: str = "U0REP2"
    own_sandbox: bool = False  # a sandbox of its own (its token rules differ from the shared one's)
    after_start: Callable[[SlackSide], None] | None = None


def single_workspace(sandbox: SandboxServer, tmp: Path) -> dict[str, str | None]:
    return {"SLACK_BOT_TOKEN": sandbox.bot_token, "DATABASE_URL": f"sqlite:///{tmp / 'single.db'}"}


def oauth(sandbox: SandboxServer, tmp: Path) -> dict[str, str | None]:
    sandbox.state.single_token = False  # only tokens issued through OAuth are accepted, as in Slack
    return {
        "SLACK_BOT_TOKEN": None,
        "SLACK_API_URL": sandbox.api_url,
        "SLACK_CLIENT_ID": sandbox.state.oauth.client_id,
        "SLACK_CLIENT_SECRET": sandbox.state.oauth.client_secret,
        "SLACK_AUTHORIZE_URL": sandbox.authorize_url,
        "DATABASE_URL": f"sqlite:///{tmp / 'oauth.db'}",
    }


def install(side: SlackSide) -> None:
    """The sandbox's admin adds dealbot to the workspace (Add to Slack → approve → the app's callback)."""
    page = side.install("U0ADMIN")
    if page.status_code != 200:
        sys.exit(f"installing dealbot (oauth) failed: {page.status_code} {page.text[:300]}")


MODES: dict[str, Mode] = {
    "single-workspace": Mode(single_workspace),
    "oauth": Mode(oauth, own_sandbox=True, after_start=install),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
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
        "local threads = {}\n"
        "function setup(thread) table.insert(threads, thread) end\n"
        "function init(args) shed = 0; other = 0 end\n"
        "function response(status, headers, body)\n"
        "  if status == 503 then shed = shed + 1 elseif status >= 300 then other = other + 1; last = status end\n"
        "end\n"
        "function done(summary, latency, requests)\n"
        "  local s, o, l = 0, 0, 0\n"
        "  for _, t in ipairs(threads) do s = s + t:get('shed'); o = o + t:get('other'); l = t:get('last') or l end\n"
        "  io.write(string.format('shed %d other %d last %d\\n', s, o, l))\n"
        "end\n"
    )
    return lua


def to_ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        raise ValueError(f"unexpected wrk latency {value!r}")
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60_000}[unit]


def run_wrk(url: str, script: Path, connections: int, seconds: int) -> Result:
    out = subprocess.run(
        ["wrk", f"-t{min(WRK_THREADS, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "--timeout", "5s", "-s", str(script), f"{url}/slack/events"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    pct = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", out, re.M))
    if set(pct) != {"50", "99"}:
        sys.exit(f"could not read wrk's latency distribution:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    shed = int(re.search(r"^shed (\d+)", out, re.M).group(1))
    non2xx = int(bad.group(1)) if bad else 0
    return Result(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=to_ms(pct["50"]),
        p99_ms=to_ms(pct["99"]),
        requests=requests,
        shed=shed,
        errors=non2xx - shed + (sum(map(int, sock.groups())) if sock else 0),
    )


def main() -> int:
    if shutil.which("wrk") is None:
        print(
            "bench_http: `wrk` is not installed (apt-get install -y wrk; `./dev bench` does it)",
            file=sys.stderr,
        )
        return 2
    modes = [
        m.strip() for m in os.environ.get("BENCH_MODES", "single-workspace,oauth").split(",") if m.strip()
    ]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        print(f"bench_http: unknown mode(s) {unknown}; known: {sorted(MODES)}", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="dealbot-bench-"))
    sandbox = SandboxServer(workspace=default_workspace(), signing_secret=SECRET).start()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_", "DATABASE_URL"))}
    base.update(
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN=sandbox.bot_token,
        SLACK_API_URL=sandbox.api_url,
        DEALBOT_WEB_WORKERS=WORKERS,
        DEALBOT_TICK_SECONDS="3600",
        DEALBOT_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    base.update({k: os.environ[k] for k in PASSED if k in os.environ})
    procs: list = []  # server processes, and the sandboxes of modes that have their own
    results: dict[str, dict[int, Result]] = {}
    load_before = os.getloadavg()
    try:
        servers = {BARE: _start_bare(base, sandbox, tmp, procs)}
        for mode in modes:
            servers[mode] = _start_dealbot(mode, base, sandbox, tmp, procs)
        for c in CONNECTIONS:
            for name, (url, body) in servers.items():
                script = wrk_script(body, tmp)  # signed now: valid for this run
                run_wrk(url, script, c, 2)  # warm-up (imports, pools, caches, connections)
                time.sleep(1)  # what the warm-up left queued drains before the measured run
                results.setdefault(name, {})[c] = run_wrk(url, script, c, SECONDS)
    finally:
        servers_ = [p for p in procs if isinstance(p, subprocess.Popen)]
        for p in servers_:
            p.terminate()
        for p in servers_:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        for own in [p for p in procs if isinstance(p, SandboxServer)]:
            own.stop()
        sandbox.stop()
    report(results, modes, load_before, os.getloadavg())
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _start_bare(base: dict[str, str], sandbox: SandboxServer, tmp: Path, procs: list) -> tuple[str, str]:
    port = free_port()
    procs.append(
        start([sys.executable, "-m", "uvicorn", "bench._bare_app:create", "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--workers", WORKERS, "--log-level", "warning", "--no-access-log"],
              base, tmp / "bare.log")
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_up(f"{url}/slack/events", procs[-1], tmp / "bare.log")
    body, _ = SlackSide(sandbox, app_url=url, signing_secret=SECRET).command_body("U0REP2", "/deal", "help")
    return url, body


def _start_dealbot(
    mode: str, base: dict[str, str], sandbox: SandboxServer, tmp: Path, procs: list
) -> tuple[str, str]:
    spec = MODES[mode]
    if spec.own_sandbox:
        sandbox = SandboxServer(workspace=default_workspace(), signing_secret=SECRET).start()
        procs.append(sandbox)
    env = {**base, **spec.env(sandbox, tmp)}
    env = {k: v for k, v in env.items() if v is not None}
    subprocess.run(
        [sys.executable, "-m", "bot", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    port = free_port()
    log = tmp / f"dealbot-{mode}.log"
    procs.append(
        start(
            [sys.executable, "-m", "bot", "run", "--http", "--host", "127.0.0.1", "--port", str(port)],
            env,
            log,
        )
    )
    url = f"http://127.0.0.1:{port}"
    wait_up(f"{url}/healthz", procs[-1], log)
    side = SlackSide(sandbox, app_url=url, signing_secret=SECRET)
    sandbox.app_url = url
    if spec.after_start is not None:
        spec.after_start(side)
    user = spec.user
    check = side.command(user, "/deal", "help")  # also caches the user's profile, as in steady state
    if check.status != 200 or "/deal new" not in check.text:
        sys.exit(f"dealbot ({mode}) did not answer /deal help: {check.status} {check.text[:200]}")
    body, _ = side.command_body(user, "/deal", "help")
    return url, body


def report(results: dict[str, dict[int, Result]], modes: list[str], before: tuple, after: tuple) -> None:
    print(
        f"signed /deal help, {SECONDS}s per point, {WORKERS} worker process(es) per server, "
        f"load average {before[0]:.2f} before / {after[0]:.2f} after ({os.cpu_count()} cores)"
    )
    names = [BARE, *[f"dealbot {m}" for m in modes]]
    keys = [BARE, *modes]
    print(f"{'conns':>5}  " + "  ".join(f"{n:>36}" for n in names))
    print(
        f"{'':>5}  " + "  ".join(f"{'req/s':>8} {'p50':>6} {'p99':>7} {'shed':>6} {'err':>5}" for _ in names)
    )
    for c in CONNECTIONS:
        cells = []
        for k in keys:
            r = results[k][c]
            cells.append(f"{r.rps:8.0f} {r.p50_ms:6.1f} {r.p99_ms:7.1f} {r.shed:6d} {r.errors:5d}")
        print(f"{c:>5}  " + "  ".join(cells))
    print("(latencies in ms; shed = answered 503 + Retry-After by admission control)")
    for m in modes:
        series = results[m]
        best = max(r.rps for r in series.values())
        top = max(CONNECTIONS)
        plateau = series[top].rps >= 0.8 * best
        p99 = series[32].p99_ms if 32 in series else float("nan")
        errors = sum(r.errors for r in series.values())
        ratio = series[32].rps / results[BARE][32].rps if 32 in series and results[BARE][32].rps else 0.0
        ok = plateau and p99 < 100 and errors == 0
        print(
            f"dealbot {m}: {top} connections at {series[top].rps / best:.2f} x its best throughput "
            f"(target >= 0.8: {'plateau' if plateau else 'COLLAPSE'}); p99 at 32 = {p99:.1f} ms (target < 100); "
            f"{ratio:.2f} x the bare app at 32; errors {errors}: {'target met' if ok else 'target MISSED'}"
        )


if __name__ == "__main__":
    sys.exit(main())
