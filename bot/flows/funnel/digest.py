"""The weekly digest, transport-free: which channels are due, and the figures for one run; the job
renders them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.config import Settings
from bot.flows.funnel.figures import Figures, compute
from bot.flows.funnel.periods import latest_due
from bot.flows.team.config import TeamConfig, team_config
from bot.process import Process
from storage.repo import users as users_repo
from storage.repo.funnel import Scope
from storage.repo.funnel import digest as repo


@dataclass(frozen=True)
class DueDigest:
    team_id: str
    channel_id: str
    week: datetime  # Monday 00:00 team time (UTC)
    due: datetime


@dataclass(frozen=True)
class Digest:
    """One run's figures and what its message needs besides them."""

    cfg: TeamConfig
    figures: Figures
    week_of: date  # the digest's week (its Monday), in the team's time zone
    labels: dict[str, str]  # question key -> short label, in the team's locale


def due_digests(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    home_team: str | None = None,
    only: Collection[str] | None = None,
) -> list[DueDigest]:
    """Per workspace with a manager channel: the latest due week at or before ``now``.

    Only the latest week is ever considered, so after downtime the missed weeks collapse into one, and
    never a week older than one already posted to the channel (an instance that starts mid-week after
    a later week went out stays quiet). No digest before the workspace has a deal, unless an admin
    chose the channel in App Home: a brand-new install does not post an all-zero digest.
    DEALBOT_MANAGER_CHANNEL is a channel of the workspace the bot token belongs to (``home_team``;
    when unknown, of the only workspace): other workspaces post only to a channel set in their settings,
    so one workspace's figures never land in another's channel. ``only``: these workspaces alone.
    """
    out = []
    teams = repo.team_ids(session)
    for team_id in teams:
        if only is not None and team_id not in only:
            continue
        cfg = team_config(session, settings, team_id)
        row = users_repo.get_team_settings(session, team_id=team_id)
        channel = row.manager_channel if row is not None and row.manager_channel else None
        if channel is None and (team_id == home_team or (home_team is None and len(teams) == 1)):
            channel = settings.dealbot_manager_channel
        if not channel:
            continue
        if not repo.has_deal(session, team_id=team_id) and not repo.channel_chosen_by_admin(
            session, team_id=team_id
        ):
            continue
        due, week = latest_due(now, cfg.zone, cfg.digest_weekday, cfg.digest_time)
        newest = repo.latest_posted_week(session, channel_id=channel)
        if newest is not None and newest > week:
            continue
        out.append(DueDigest(team_id, channel, week, due))
    return out


def question_labels(process: Process, locale: str) -> dict[str, str]:
    """Short labels of the question set's items, read generically (the qualification feature owns it)."""
    labels = {}
    for q in process.questions.questions:
        key = getattr(q, "key", None)
        text = next(
            (getattr(q, a) for a in ("short", "label", "title", "text") if getattr(q, a, None) is not None),
            None,
        )
        if key and text is not None:
            labels[key] = text.get(locale) if hasattr(text, "get") else str(text)
    return labels


def question_scoring(process: Process) -> tuple[dict[tuple[str, str], int] | None, set[str] | None]:
    """(question key, option value) → score, and the scored question keys, from the question set."""
    questions = process.questions.questions
    if not questions:
        return None, None
    scored = [q for q in questions if getattr(q, "item", None) is not None]
    options = {
        (q.key, o.value): o.score for q in scored for o in getattr(q, "options", []) if o.score is not None
    }
    return options, {q.key for q in scored}


def build_digest(
    session: Session,
    settings: Settings,
    process: Process,
    *,
    team_id: str,
    channel_id: str,
    week: datetime,
    now: datetime,
) -> Digest:
    """Figures for the whole team, compared with the last digest posted to the channel."""
    cfg = team_config(session, settings, team_id)
    previous = repo.previous_figures(session, team_id=team_id, channel_id=channel_id, before=week)
    figures = compute(
        session, cfg, now=now, scope=Scope(team_id), previous=previous, scoring=question_scoring(process)
    )
    _plan_gaps(session, cfg, figures, now)
    return Digest(cfg, figures, week.astimezone(cfg.zone).date(), question_labels(process, cfg.locale))


PLAN_ROWS = 10  # the digest shows this many rep rows (bot.blocks.funnel.REPS_TOP)


def _plan_gaps(session: Session, cfg, figures, now: datetime) -> None:  # noqa: ANN001
    """Each shown rep row with a quota carries its backward plan's one gap (SPEC §13)."""
    from bot.flows.plan.backward import backward_plan  # plan reads funnel modules

    for r in figures.reps[:PLAN_ROWS]:
        if r.quota:
            r.plan_gap = backward_plan(session, cfg, rep_id=r.owner_id, owner_ids=None, now=now).gap
