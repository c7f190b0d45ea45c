"""OAuth-mode helpers: the real app with a client id and secret and no bot token, against a sandbox that
accepts only the tokens it issued through its OAuth imitation; which workspace each call's token was."""

from __future__ import annotations

from tests.support.bot import BotProcess, bot_env


def oauth_env(sandbox, database_url: str, **extra: str) -> dict[str, str]:  # noqa: ANN001
    env = bot_env(
        sandbox,
        database_url,
        SLACK_CLIENT_ID=sandbox.state.oauth.client_id,
        SLACK_CLIENT_SECRET=sandbox.state.oauth.client_secret,
        SLACK_AUTHORIZE_URL=sandbox.authorize_url,
        **extra,
    )
    env.pop("SLACK_BOT_TOKEN")
    return env


def start_oauth_bot(sandbox, database_url: str, **extra: str) -> BotProcess:  # noqa: ANN001
    sandbox.state.single_token = False  # only tokens issued through OAuth are accepted from now on
    bot = BotProcess(oauth_env(sandbox, database_url, **extra)).start()
    sandbox.app_url = bot.url
    return bot


def token_team(sandbox, token: str | None) -> str | None:  # noqa: ANN001
    issued = sandbox.state.oauth.tokens.get(token or "")
    return issued.team_id if issued else None


def calls_by_team(sandbox, *, since: int = 0) -> dict[str | None, list]:  # noqa: ANN001
    """The Web API calls made since the ``since``-th, grouped by the workspace of their token."""
    out: dict[str | None, list] = {}
    with sandbox.state.lock:
        for c in sandbox.state.calls[since:]:
            out.setdefault(token_team(sandbox, c.token), []).append(c)
    return out
