"""`dealbot` subcommands: run, sandbox, migrate, jobs run-due, demo-data, purge-team."""

from __future__ import annotations

import argparse
import sys

from pydantic import ValidationError

from bot.config import ConfigError, Mode, Settings
from bot.logs import configure_logging
from bot.process import ProcessFileError
from storage.migrate import DatabaseNotMigrated


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dealbot", description="A Slack bot for key-account sales.")
    sub = p.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="start the bot (Socket Mode, HTTP, or the sandbox without credentials)")
    run.add_argument("--http", action="store_true", help="HTTP mode: POST /slack/events, GET /healthz")
    run.add_argument("--port", type=int, default=3000)
    run.add_argument("--host", help="HTTP mode: address to listen on (0.0.0.0; 127.0.0.1 with the dev clock)")
    run.add_argument(
        "--allow-sandbox",
        action="store_true",
        help="with no Slack credentials, start the sandbox even when no terminal is attached (./dev run)",
    )
    sandbox = sub.add_parser(
        "sandbox", help="the bot and the local Slack imitation, even when credentials are set"
    )
    sandbox.add_argument(
        "--use-existing-database",
        action="store_true",
        help="run on a database the sandbox did not create (it is migrated and gets the sandbox workspace; "
        "other workspaces' nudges and digests are left alone)",
    )
    sub.add_parser("migrate", help="apply database migrations")
    jobs = sub.add_parser("jobs", help="scheduled work")
    jobs_sub = jobs.add_subparsers(dest="jobs_cmd", required=True)
    due = jobs_sub.add_parser("run-due", help="run every job due at that instant, once, and exit")
    due.add_argument("--at", help="ISO-8601 instant to use as now (default: the system clock)")
    sub.add_parser("demo-data", help="load a demo team (sandbox and trials)")
    purge = sub.add_parser(
        "purge-team", help="delete every row of one workspace (after it uninstalled dealbot)"
    )
    purge.add_argument("team_id", help="the workspace id, T…")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as e:
        return _fail(
            "; ".join(f"{'.'.join(map(str, err['loc'])).upper()}: {err['msg']}" for err in e.errors())
        )
    configure_logging(settings.dealbot_log_level, settings.secret_values)
    try:
        return _run(args, settings)
    except (ConfigError, DatabaseNotMigrated, ProcessFileError) as e:
        return _fail(str(e))


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot import runners

    if args.cmd == "migrate":
        return runners.migrate(settings)
    if args.cmd == "jobs":
        return runners.run_due_once(settings, args.at)
    if args.cmd == "demo-data":
        return runners.demo_data(settings)
    if args.cmd == "purge-team":
        return runners.purge_team(settings, args.team_id, yes=args.yes)
    mode = settings.resolve_mode(http=getattr(args, "http", False), force_sandbox=args.cmd == "sandbox")
    if mode is Mode.SANDBOX or _attended():
        _say_when_chart_font_missing()
    if mode is Mode.SANDBOX:
        if args.cmd == "run" and not args.allow_sandbox and not _attended():
            raise ConfigError(
                "no Slack credentials (SLACK_BOT_TOKEN with SLACK_APP_TOKEN, or with SLACK_SIGNING_SECRET "
                "and --http) and no terminal: refusing to start the sandbox unattended. Set the "
                "credentials to connect to Slack, or run `dealbot sandbox` to start the sandbox on purpose"
            )
        return runners.run_sandbox(settings, existing_database=getattr(args, "use_existing_database", False))
    if mode is Mode.SOCKET:
        return runners.run_socket(settings)
    return runners.run_http(settings, host=args.host, port=args.port)


def _say_when_chart_font_missing() -> None:
    """At start (``./dev run``, ``dealbot run`` at a terminal, the sandbox): say when Chinese charts
    would fall back to English for want of the CJK font, and how to add it. The check loads matplotlib
    (a second or so), so it runs beside the start-up; an admin's App Home says the same."""
    from bot import charts

    charts.check_font_in_background(lambda hint: print(f"dealbot: {hint}", file=sys.stderr, flush=True))


def _attended() -> bool:
    """A person is at a terminal (not a service manager, a container or a pipe)."""
    return sys.stdin.isatty() or sys.stdout.isatty()


def _fail(message: str) -> int:
    print(f"dealbot: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
