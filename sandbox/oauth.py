"""Slack's side of OAuth v2 and of workspace tokens, imitated: the authorize page, ``oauth.v2.access``
(code exchange and refresh), per-workspace bot tokens, revocation.

- ``GET /oauth/v2/authorize?client_id&scope&state[&redirect_uri][&team]``: a page where a person of a
  sandbox workspace approves (a button; tests may send ``approve=<user id>`` directly); the browser is
  redirected to the app's redirect URL with ``code`` and ``state`` (or ``error=access_denied``).
- ``oauth.v2.access`` checks the client id and secret (HTTP Basic, as slack_sdk sends them, or form
  fields) and exchanges a code once for a bot token of that workspace. With ``token_expires_in`` set
  the token expires and comes with a refresh token; ``grant_type=refresh_token`` spends a refresh
  token once (a second use answers ``invalid_refresh_token``) for a new token and refresh token.
- A token is valid only for its own workspace's users, channels and views (``invalid_auth``
  otherwise); a revoked one answers ``token_revoked``, an expired one ``token_expired``.
- ``revoke_team`` is the uninstall: every token of the workspace is revoked (``SlackSide.uninstall``
  then sends the ``app_uninstalled`` and ``tokens_revoked`` events).
"""

from __future__ import annotations

import base64
import html
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sandbox.errors import SlackError
from sandbox.state import APP_ID, BOT_USER_ID

if TYPE_CHECKING:
    from sandbox.server import SandboxServer
    from sandbox.state import SandboxState

CLIENT_ID = "1000000001.2000000002"
CLIENT_SECRET = "sandbox-client-secret-0123456789"
CODE_SECONDS = 600


@dataclass
class Issued:
    team_id: str
    expires_at: float | None = None
    revoked: bool = False


@dataclass
class OAuthRegistry:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    token_expires_in: int | None = None  # seconds; None: tokens do not expire (rotation off)
    refreshed_expires_in: int = 12 * 3600  # tokens issued by a refresh
    tokens: dict[str, Issued] = field(default_factory=dict)
    codes: dict[str, dict] = field(default_factory=dict)  # code -> team_id, user_id, redirect_uri, at
    refresh_tokens: dict[str, dict] = field(default_factory=dict)  # refresh token -> team_id, used
    installed: dict[str, str] = field(default_factory=dict)  # team_id -> installing user
    refreshes: int = 0  # refresh grants answered (the rotation tests count them)

    def issue_code(self, team_id: str, user_id: str, redirect_uri: str | None) -> str:
        code = f"{int(time.time())}.{secrets.token_hex(12)}"
        self.codes[code] = {
            "team_id": team_id,
            "user_id": user_id,
            "redirect_uri": redirect_uri,
            "at": time.time(),
        }
        return code

    def _new_token(self, team_id: str, expires_in: int | None) -> dict:
        rotating = expires_in is not None
        token = f"{'xoxe.' if rotating else ''}xoxb-{team_id}-{secrets.token_hex(10)}"
        self.tokens[token] = Issued(team_id, time.time() + expires_in if rotating else None)
        out: dict = {"access_token": token, "token_type": "bot"}
        if rotating:
            refresh = f"xoxe-1-{team_id}-{secrets.token_hex(12)}"
            self.refresh_tokens[refresh] = {"team_id": team_id, "used": False}
            out.update(refresh_token=refresh, expires_in=expires_in)
        return out

    def revoke_team(self, team_id: str) -> None:
        for issued in self.tokens.values():
            if issued.team_id == team_id:
                issued.revoked = True
        for entry in self.refresh_tokens.values():
            if entry["team_id"] == team_id:
                entry["used"] = True
        self.installed.pop(team_id, None)

    def team_tokens(self, team_id: str) -> list[str]:
        return [t for t, i in self.tokens.items() if i.team_id == team_id]


class OAuthMethods:
    """Mixed into WebApi: ``oauth.v2.access`` and the token check for issued tokens."""

    s: SandboxState

    def oauth_v2_access(self, args: dict) -> dict:
        reg = self.s.oauth
        client_id, secret = args.get("__basic__") or (args.get("client_id"), args.get("client_secret"))
        if client_id != reg.client_id:
            raise SlackError("invalid_client_id")
        if secret != reg.client_secret:
            raise SlackError("bad_client_secret")
        if args.get("grant_type") == "refresh_token":
            return self._refresh(args.get("refresh_token"))
        entry = reg.codes.pop(str(args.get("code") or ""), None)
        if entry is None or time.time() - entry["at"] > CODE_SECONDS:
            raise SlackError("invalid_code")
        if (
            args.get("redirect_uri")
            and entry["redirect_uri"]
            and args["redirect_uri"] != entry["redirect_uri"]
        ):
            raise SlackError("bad_redirect_uri")
        team = self.s.workspaces[entry["team_id"]]
        reg.installed[team.team_id] = entry["user_id"]
        return {
            **reg._new_token(team.team_id, reg.token_expires_in),
            "scope": ",".join(sorted(self.s.manifest.bot_scopes)),
            "bot_user_id": BOT_USER_ID,
            "app_id": APP_ID,
            "team": {"id": team.team_id, "name": team.domain.title()},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": entry["user_id"]},
        }

    def _refresh(self, refresh_token: str | None) -> dict:
        reg = self.s.oauth
        entry = reg.refresh_tokens.get(refresh_token or "")
        if entry is None or entry["used"]:
            raise SlackError("invalid_refresh_token")
        entry["used"] = True  # single-use
        reg.refreshes += 1
        out = reg._new_token(entry["team_id"], reg.refreshed_expires_in)
        return {**out, "team": {"id": entry["team_id"]}, "enterprise": None, "app_id": APP_ID}

    def _check_issued(self, method: str, args: dict, token: str) -> str:
        """The workspace of an issued token, after Slack's checks; raises the error Slack answers."""
        issued = self.s.oauth.tokens.get(token)
        if issued is None:
            raise SlackError("invalid_auth")
        if issued.revoked:
            raise SlackError("token_revoked")
        if issued.expires_at is not None and time.time() > issued.expires_at:
            raise SlackError("token_expired")
        target = self._team_of_call(args)
        if target is not None and target != issued.team_id:
            raise SlackError("invalid_auth")  # not a token this sandbox issued for that workspace
        return issued.team_id

    def _team_of_call(self, args: dict) -> str | None:
        for key in ("user", "users", "channel", "channel_id", "channels"):
            value = str(args.get(key) or "").split(",")[0].strip()
            if value and (team := self._team_of_id(value)) is not None:
                return team
        view = self.s.views.get(str(args.get("view_id") or ""))
        if view is not None and view.get("team_id"):
            return view["team_id"]
        trigger = self.s.triggers.get(str(args.get("trigger_id") or ""))
        if trigger is not None:
            return self._team_of_id(trigger[0])
        return None

    def _team_of_id(self, some_id: str) -> str | None:
        users = self.s.all_users()
        if some_id in users:
            return users[some_id].team_id
        owner = self.s.user_of_dm(some_id)
        if owner is not None:
            return users[owner].team_id
        return next((w.team_id for w in self.s.workspaces.values() if some_id in w.channels), None)


def basic_auth(header: str) -> tuple[str, str] | None:
    if not header.startswith("Basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return client_id, secret


def authorize_endpoint(server: SandboxServer):  # noqa: ANN201
    """``GET /oauth/v2/authorize``: the page a person approves the installation on."""

    async def authorize(request: Request) -> Response:
        q = request.query_params
        reg = server.state.oauth
        redirect = q.get("redirect_uri") or f"{(server.app_url or '').rstrip('/')}/slack/oauth_redirect"
        if q.get("client_id") != reg.client_id:
            return HTMLResponse(_page("invalid_client_id", "<p>Unknown client_id.</p>"), status_code=400)
        state = q.get("state", "")
        if "deny" in q:
            return RedirectResponse(
                f"{redirect}?{urlencode({'error': 'access_denied', 'state': state})}", 302
            )
        users = server.state.all_users()
        approver = q.get("approve")
        if approver:
            if approver not in users or (q.get("team") and users[approver].team_id != q.get("team")):
                return HTMLResponse(_page("unknown user", "<p>No such person.</p>"), status_code=400)
            with server.state.lock:
                code = reg.issue_code(users[approver].team_id, approver, q.get("redirect_uri"))
            return RedirectResponse(f"{redirect}?{urlencode({'code': code, 'state': state})}", 302)
        return HTMLResponse(_approve_page(server, dict(q)))

    return authorize


def _approve_page(server: SandboxServer, q: dict) -> str:
    team = q.get("team")
    people = [
        u
        for w in server.state.workspaces.values()
        if team in (None, "", w.team_id)
        for u in w.users
        if not u.deleted
    ]
    options = "".join(
        f'<option value="{html.escape(u.id)}">{html.escape(u.real_name)} · {html.escape(u.team_id)}</option>'
        for u in people
    )
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in q.items()
        if k not in ("approve", "deny")
    )
    scopes = "".join(
        f"<li><code>{html.escape(s)}</code></li>" for s in (q.get("scope") or "").split(",") if s
    )
    body = (
        "<p>dealbot is requesting permission to access a sandbox workspace. It will be able to:</p>"
        f"<ul>{scopes}</ul>"
        f'<form method="get"><label>Install as <select name="approve" id="approver">{options}</select></label>'
        f'{hidden}<p><button type="submit" id="allow">Allow</button> '
        '<button type="submit" name="deny" value="1" id="cancel">Cancel</button></p></form>'
    )
    return _page("Install dealbot", body)


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        "<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
