"""How the bot runs: HTTP (uvicorn), Socket Mode, the sandbox; plus the one-shot commands."""

from __future__ import annotations

import logging
import secrets
import signal
import socket
import threading
import time
from datetime import timedelta

import uvicorn

from bot.clock import FixedClock, parse_instant
from bot.config import LOOPBACK_HOSTS, ConfigError, Settings
from storage.db import make_engine
from storage.migrate import upgrade
from storage.repo.sandbox import Origin, database_origin, mark_sandbox_database

log = logging.getLogger(__name__)
SECOND_WORKSPACE = "T0OTHER"  # the sandbox's second workspace, where the page can add dealbot too


def migrate(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    print(f"dealbot: database at {engine.url.render_as_string(hide_password=True)} is up to date")
    engine.dispose()
    return 0


def run_due_once(settings: Settings, at: str | None) -> int:
    from bot import jobs
    from bot.app import make_client
    from bot.runtime import build_deps

    clock = FixedClock(parse_instant(at)) if at else None
    deps = build_deps(settings, clock)
    results = jobs.run_due(deps, make_client(settings), deps.clock.now())
    for name, result in sorted(results.items()):
        print(f"{name}: {result}")
    return 1 if "error" in results.values() else 0


def demo_data(settings: Settings) -> int:
    from bot.runtime import build_deps

    deps = build_deps(settings)
    try:
        from sandbox.demo.data import load_demo_team
    except ImportError:
        print("dealbot: demo data is not available in this build")
        return 2
    print(load_demo_team(deps))
    return 0


def http_host(settings: Settings, host: str | None) -> str:
    """Where HTTP mode listens: every interface by default, loopback only with the dev clock."""
    if not settings.dealbot_dev_clock:
        return host or "0.0.0.0"
    if host and host not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"DEALBOT_DEV_CLOCK serves the dev routes on loopback only: drop --host {host} "
            "or give --host 127.0.0.1"
        )
    return host or "127.0.0.1"


def purge_team(settings: Settings, team_id: str, *, yes: bool = False, ask=input) -> int:  # noqa: ANN001
    """Delete one workspace's data. Refused while it is installed (its data is still in use); asks the
    operator to type the workspace id unless ``--yes``."""
    import re

    from storage.db import session_scope
    from storage.migrate import require_current
    from storage.repo import purge

    if not re.fullmatch(r"[TE][A-Z0-9]{2,31}", team_id):
        raise ConfigError(f"{team_id!r} is not a workspace id (T…)")
    engine = make_engine(settings.database_url)
    require_current(engine)
    with session_scope(engine) as s:
        if purge.is_installed(s, team_id):
            print(f"dealbot: workspace {team_id} still has dealbot installed; uninstall it in Slack first")
            return 2
        deals = purge.count_deals(s, team_id)
    if not yes:
        print(f"This deletes every row of workspace {team_id} ({deals} deals, with their people, nudges,")
        print("interviews, settings and roles) from the database. It cannot be undone.")
        if ask(f"Type {team_id} to confirm: ").strip() != team_id:
            print("dealbot: nothing deleted")
            return 1
    with session_scope(engine) as s:
        deleted = purge.purge_team(s, team_id)
    engine.dispose()
    summary = ", ".join(f"{name} {n}" for name, n in sorted(deleted.items())) or "no rows"
    print(f"dealbot: workspace {team_id} purged ({summary})")
    return 0


def run_http(settings: Settings, *, host: str | None, port: int) -> int:
    host = http_host(settings, host)
    workers = 1 if settings.dealbot_dev_clock else settings.dealbot_web_workers
    if workers == 1:
        from bot.runtime import build
        from bot.web import create_asgi

        deps, app = build(settings)
        uvicorn.run(
            create_asgi(deps, app),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            log_config=None,
        )
    else:
        from uvicorn.supervisors import Multiprocess

        from bot.runtime import build_deps

        build_deps(settings).engine.dispose()  # refuse a stale database before forking workers
        config = uvicorn.Config(
            "bot.web:asgi_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
            log_config=None,  # keep our (redacting) logging setup
        )
        Multiprocess(config, sockets=[tcp_listener(host, port)]).run()
    return 0


def tcp_listener(host: str, port: int) -> socket.socket:
    """A listening TCP socket whose connections get TCP_NODELAY.

    asyncio turns Nagle off only on sockets whose proto is IPPROTO_TCP; uvicorn's own multi-worker
    socket has proto 0, which leaves Nagle on and costs every response a ~40 ms delayed-ACK stall.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run_socket(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.runtime import build
    from bot.scheduler import start_scheduler

    deps, app = build(settings)
    handler = SocketModeHandler(app, app_token=settings.slack_app_token)
    handler.connect()
    start_scheduler(deps, app.client)  # after the Slack connection is up
    log.info("dealbot connected in Socket Mode")
    threading.Event().wait()
    return 0


def run_sandbox(settings: Settings, *, existing_database: bool = False) -> int:
    """The bot and the sandbox in one process, SQLite by default, movable clock on.

    The bot runs in OAuth mode, installed the way Slack apps are: at start the sandbox workspace's admin
    adds it through the sandbox's OAuth imitation; the page's "Add dealbot to a workspace" installs it
    into the second sandbox workspace the same way (each then has its own token).

    The sandbox works on a database it created (or an empty one, which it then creates); any other is
    refused unless ``existing_database``, and even then its jobs touch the sandbox workspaces only."""
    from sandbox.page import PageActions, page_routes
    from sandbox.server import SandboxServer
    from sandbox.slack_side import SlackSide
    from sandbox.users import default_workspace

    origin = sandbox_database_origin(settings, existing_database)
    bot_sock = tcp_listener("127.0.0.1", 0)
    bot_port = bot_sock.getsockname()[1]
    secret = secrets.token_hex(16)
    workspace, second = default_workspace(), default_workspace(SECOND_WORKSPACE)
    try:
        sandbox = SandboxServer(
            port=settings.dealbot_sandbox_port,
            workspace=[workspace, second],
            signing_secret=secret,
            app_url=f"http://127.0.0.1:{bot_port}",
        )
    except OSError as e:
        raise ConfigError(
            f"DEALBOT_SANDBOX_PORT {settings.dealbot_sandbox_port} cannot be used ({e.strerror}): "
            "set DEALBOT_SANDBOX_PORT to a free port"
        ) from e
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the page's every click is not news
    built: dict = {}
    sandbox.extra_routes = page_routes(
        PageActions(sandbox, team_tz=settings.dealbot_timezone, demo_loader=lambda: _load_demo(built["deps"]))
    )
    from sandbox.persist import state_path

    # the page's conversations live beside the sandbox's database (never in it); a new database starts afresh
    sandbox.keep_state(state_path(settings.database_url), fresh=origin is Origin.EMPTY)
    sandbox.start()
    bot_settings = settings.model_copy(
        update={
            "slack_bot_token": None,
            "slack_signing_secret": secret,
            "slack_app_token": None,
            "slack_client_id": sandbox.state.oauth.client_id,
            "slack_client_secret": sandbox.state.oauth.client_secret,
            "slack_api_url": sandbox.api_url,
            "slack_authorize_url": sandbox.authorize_url,
            "dealbot_dev_clock": True,
            # each workspace's manager channel is its own setting (the sandbox team's is seeded)
            "dealbot_manager_channel": None,
        }
    )
    engine = make_engine(bot_settings.database_url)
    upgrade(engine)  # "try it" works on a fresh checkout
    from bot.runtime import build
    from bot.web import create_asgi
    from sandbox.demo.data import seed_sandbox_team

    deps, app = build(bot_settings)
    # its jobs never touch another workspace's rows (both sandbox workspaces are its own)
    deps.teams = frozenset({workspace.team_id, second.team_id})
    if origin is Origin.EMPTY:
        mark_sandbox_database(engine, deps.clock.now())
    engine.dispose()
    built["deps"] = deps
    if sandbox.state_file is not None:  # the clock stays where the page moved it, across restarts
        from bot.clock import SystemClock

        wall = SystemClock()
        sandbox.state_file.follow_clock(
            lambda: (deps.clock.now() - wall.now()).total_seconds(),
            lambda seconds: deps.clock.advance(timedelta(seconds=seconds)),
        )
    seed_sandbox_team(deps)
    server = uvicorn.Server(
        uvicorn.Config(create_asgi(deps, app), log_level="warning", access_log=False, log_config=None)
    )

    def install_then_announce() -> None:
        while not server.started:
            time.sleep(0.02)
        admin = next(u.id for u in workspace.users if u.is_admin)
        page = SlackSide(sandbox).install(admin)  # the sandbox admin adds dealbot, as in Slack
        if page.status_code != 200:
            log.error("the sandbox could not install dealbot: %s", page.status_code)
        print(
            f"dealbot sandbox: open {sandbox.base_url}/ in your browser (bot on 127.0.0.1:{bot_port})",
            flush=True,
        )

    threading.Thread(target=install_then_announce, name="sandbox-install", daemon=True).start()
    # uvicorn re-raises the SIGTERM it shut down on once it is done: hold it until the sandbox has
    # saved its conversations, then let it end the process as it would have
    terminated: list[int] = []
    if threading.current_thread() is threading.main_thread():

        def on_term(sig: int, _frame) -> None:  # noqa: ANN001 — also before uvicorn took over its signals
            terminated.append(sig)
            server.should_exit = True

        signal.signal(signal.SIGTERM, on_term)
    try:
        server.run(sockets=[bot_sock])
    finally:
        sandbox.stop()
    if terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)
    return 0


def sandbox_database_origin(settings: Settings, existing_database: bool) -> Origin:
    """Refuse a database the sandbox did not create, unless told to use it anyway."""
    engine = make_engine(settings.database_url)
    try:
        origin = database_origin(engine)
    finally:
        engine.dispose()
    if origin is Origin.OTHER and not existing_database:
        raise ConfigError(
            f"DATABASE_URL ({engine.url.render_as_string(hide_password=True)}) is a database the sandbox "
            "did not create: it may hold a real workspace's deals and nudges. Point DATABASE_URL at an "
            "empty database (or unset it), or run `dealbot sandbox --use-existing-database` to use this "
            "one anyway (the sandbox then migrates it, adds its own workspace and leaves every other "
            "workspace's nudges and digests alone)"
        )
    if origin is Origin.OTHER:
        log.warning("the sandbox runs on a database it did not create (--use-existing-database)")
    return origin


def _load_demo(deps) -> str:  # noqa: ANN001
    from sandbox.demo.data import load_demo_team

    return load_demo_team(deps)
