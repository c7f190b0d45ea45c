"""Fake workspaces and users: id, name, time zone, Slack locale, admin flag; channels, public or private
(every person is in every channel; whether the bot is in one is the sandbox state's to track)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FakeUser:
    id: str
    name: str
    real_name: str
    tz: str = "Asia/Shanghai"
    locale: str = "en-US"
    is_admin: bool = False
    is_owner: bool = False
    team_id: str = "T0SANDBOX"
    deleted: bool = False
    title: str = ""

    def as_slack(self) -> dict:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "tz": self.tz,
            "tz_label": self.tz,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_bot": False,
            "locale": self.locale,
            "profile": {"real_name": self.real_name, "display_name": self.name, "title": self.title},
        }


@dataclass
class Workspace:
    team_id: str = "T0SANDBOX"
    domain: str = "sandbox"
    users: list[FakeUser] = field(default_factory=list)
    channels: dict[str, str] = field(default_factory=dict)  # id -> name
    private: set[str] = field(default_factory=set)  # ids of the private channels among them

    def user(self, user_id: str) -> FakeUser:
        for u in self.users:
            if u.id == user_id:
                return u
        raise KeyError(user_id)


def default_workspace(team_id: str = "T0SANDBOX") -> Workspace:
    """Two reps, a manager and an admin, in two zones and both languages; #sales-managers and #general
    (public) and #deal-desk (private).

    A second workspace gets the same people under other ids (U9… instead of U0…).
    """
    u = "U0" if team_id == "T0SANDBOX" else "U9"
    return Workspace(
        team_id=team_id,
        domain="sandbox" if team_id == "T0SANDBOX" else team_id.lower(),
        users=[
            FakeUser(
                f"{u}REP1", "wang.li", "Wang Li", "Asia/Shanghai", "zh-CN", team_id=team_id, title="销售"
            ),
            FakeUser(
                f"{u}REP2",
                "sam.carter",
                "Sam Carter",
                "America/New_York",
                "en-US",
                team_id=team_id,
                title="Sales",
            ),
            FakeUser(
                f"{u}MGR",
                "chen.jing",
                "Chen Jing",
                "Asia/Shanghai",
                "en-US",
                team_id=team_id,
                title="Manager",
            ),
            FakeUser(
                f"{u}ADMIN",
                "alex.admin",
                "Alex Admin",
                "Europe/London",
                "en-GB",
                is_admin=True,
                team_id=team_id,
            ),
        ],
        channels={
            f"C{u[1]}MANAGERS": "sales-managers",
            f"C{u[1]}GENERAL": "general",
            f"C{u[1]}DEALDESK": "deal-desk",
        },
        private={f"C{u[1]}DEALDESK"},  # private channels get C… ids too; the bot is in none of them
    )
