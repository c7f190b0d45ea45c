"""A workspace's effective configuration: App Home settings stored per team over the env defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.config import Settings, parse_work_days, parse_work_hours
from bot.process.questions import QuestionSet
from bot.process.schema import StageSet
from bot.process.stages import SHIPPED, load_stage_set
from storage.repo import users as repo

DEFAULT_LOST_REASONS = ("price", "technology", "relationship", "timing", "no_decision", "other")


@dataclass(frozen=True)
class TeamConfig:
    team_id: str
    manager_channel: str | None
    digest_weekday: int  # 0 = Monday
    digest_time: time
    timezone: str
    locale: str
    pass_line: int | None  # None: the question set's own pass line
    stage_set_name: str
    stages: StageSet
    base_currency: str
    work_hours: tuple[time, time]
    work_days: frozenset[int]
    quota_period: str  # quarter | month | year
    lost_reasons: tuple[str, ...]
    low_contact_days: int = 90  # between light touches of a lower-contact deal (SPEC §3.3)
    # planning back from the quota (SPEC §13): App Home settings
    typical_deal_size: Decimal | None = None
    team_odds: Mapping[str, int] = field(default_factory=dict)  # rung key -> the team's own percent
    selling_prompt: bool = False

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@cache
def _stage_set(name_or_path: str) -> StageSet:
    return load_stage_set(SHIPPED.get(name_or_path, Path(name_or_path)))


def team_config(session: Session, settings: Settings, team_id: str) -> TeamConfig:
    row = repo.get_team_settings(session, team_id=team_id)

    def pick(attr: str, default):  # noqa: ANN001, ANN202
        value = getattr(row, attr, None) if row is not None else None
        return default if value in (None, "") else value

    stage_name = pick("stage_set", settings.dealbot_stages_file or "six-stage")
    hh, mm = (int(p) for p in pick("digest_time", "09:00").split(":"))
    return TeamConfig(
        team_id=team_id,
        manager_channel=pick("manager_channel", settings.dealbot_manager_channel),
        digest_weekday=pick("digest_weekday", 0),
        digest_time=time(hh, mm),
        timezone=pick("timezone", settings.dealbot_timezone),
        locale=pick("locale", settings.dealbot_locale),
        pass_line=pick("pass_line", None),
        stage_set_name=stage_name,
        stages=_stage_set(stage_name),
        base_currency=pick("base_currency", "CNY"),
        work_hours=parse_work_hours(pick("work_hours", settings.dealbot_work_hours)),
        work_days=parse_work_days(pick("work_days", settings.dealbot_work_days)),
        quota_period=pick("quota_period", "quarter"),
        lost_reasons=tuple(pick("lost_reasons", list(DEFAULT_LOST_REASONS))),
        low_contact_days=pick("low_contact_days", settings.dealbot_low_contact_days),
        typical_deal_size=pick("typical_deal_size", None),
        team_odds=dict(pick("team_odds", {})),
        selling_prompt=bool(pick("selling_prompt", False)),
    )


def effective_pass_line(team: TeamConfig, questions: QuestionSet) -> int:
    """The pass line a prospect's score is held to: the team's (App Home) when set, else the question
    set's own. Both the interview's grading and the pipeline's qualification gate read it here."""
    return questions.pass_line if team.pass_line is None else team.pass_line
