"""The flow-test world (tests/flows/): use cases called directly with a real engine, no process, no Slack.

Everything a use case needs besides its session and its inputs — Settings, the company process (stage
set, question set), Deps, the deal-hook context, who is asking — is built HERE and nowhere else in
tests/flows. When that plumbing changes (a typed ``Deps.process``, an explicit hook context handed by
emitters, ...), this module is the one place to adapt.

The people are the sandbox's (sandbox/users.py): U0REP1 Wang Li (Asia/Shanghai, zh-CN), U0REP2 Sam
Carter (America/New_York, en-US), U0MGR, U0ADMIN; T0OTHER has the same people as U9….
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.blocks.deal_card import deal_title
from bot.blocks.deal_list import history_message
from bot.blocks.funnel import digest_title, funnel_message, on_demand_title
from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from bot.flows import followups, hooks
from bot.flows.errors import DomainError
from bot.flows.funnel import digest as funnel_digest
from bot.flows.funnel import quota
from bot.flows.funnel import view as funnel_view
from bot.flows.funnel.weighting import current_period
from bot.flows.pipeline import outcomes, people, status
from bot.flows.pipeline import stage as pipeline
from bot.flows.pipeline.edit import edit_deal
from bot.flows.pipeline.home import build_home
from bot.flows.team.config import TeamConfig, team_config
from bot.flows.team.users import Actor, refresh_profile, resolve_actor
from bot.i18n import t
from bot.process import Process
from bot.process.schema import StageSet
from sandbox.users import default_workspace
from storage.db import session_scope
from storage.models import Deal, DealEvent, Interview, Nudge
from tests.support.factories import make_deal

TEAM = "T0SANDBOX"
WORKSPACES = {w.team_id: w for w in (default_workspace(), default_workspace("T0OTHER"))}


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings as the app reads them, minus the developer's .env: defaults plus ``overrides``."""
    return Settings(_env_file=None, database_url=database_url, **overrides)


def load_process(settings: Settings) -> Process:
    """The company process the composition root loads at start (stages, questions), validated."""
    from bot.process import load_process as load

    return load(settings)


def said(error: DomainError, locale: str) -> str:
    """What the user is told for a refusal (the handlers say ``t(error.key, locale, **error.values)``)."""
    return t(error.key, locale, **error.values)


@dataclass
class World:
    """One team's world on a fresh, migrated database (SQLite, or PostgreSQL per DATABASE_URL)."""

    engine: Engine
    settings: Settings
    clock: FixedClock
    process: Process | None = None
    dms: DmRecorder = field(default_factory=lambda: DmRecorder(), repr=False)  # what the sweep sent

    # -- plumbing ------------------------------------------------------------------------------
    @property
    def deps(self) -> Deps:
        return Deps(settings=self.settings, engine=self.engine, clock=self.clock, process=self.process)

    def __post_init__(self) -> None:
        if self.process is None:
            self.process = load_process(self.settings)

    def hook_context(self, now: datetime, actor_id: str | None = None) -> hooks.HookContext:
        """What an emitter hands the deal-hook subscribers: settings, process, now, who acted."""
        return hooks.HookContext(self.settings, self.process, now, actor_id)

    def emit(self, session: Session, kind: str, deal: Deal, *, now: datetime, actor_id: str | None = None,
             **info: Any) -> None:  # fmt: skip
        """A deal hook as another feature emits it, in the caller's transaction."""
        hooks.emit(session, kind, deal, self.hook_context(now, actor_id), **info)

    def session(self):  # noqa: ANN201
        return session_scope(self.engine)

    def config(self, session: Session, team_id: str = TEAM) -> TeamConfig:
        return team_config(session, self.settings, team_id)

    def stages(self, session: Session, team_id: str = TEAM) -> StageSet:
        return self.config(session, team_id).stages

    def pass_line(self, session: Session, team_id: str = TEAM) -> int:
        """The team's pass line, else the question set's (as the pipeline's handlers read it)."""
        from bot.handlers._deal_ui import pass_line

        return pass_line(self.deps, self.config(session, team_id))

    # -- people --------------------------------------------------------------------------------
    def profile(self, user_id: str, team_id: str = TEAM) -> dict:
        """The user as Slack's users.info returns it (the sandbox's people)."""
        return WORKSPACES[team_id].user(user_id).as_slack()

    def actor(
        self, session: Session, user_id: str, team_id: str = TEAM, *, now: datetime | None = None
    ) -> Actor:
        """Who is asking, resolved the way the app does on a request (profile fetched and stored once)."""
        return resolve_actor(
            session,
            team_id=team_id,
            user_id=user_id,
            now=now or self.clock.now(),
            fetch_user=lambda uid: self.profile(uid, team_id),
            default_locale=self.settings.dealbot_locale,
            default_tz=self.settings.dealbot_timezone,
            admins=self.settings.admins,
            settings=self.settings,
        )

    def meet(self, *user_ids: str, team_id: str = TEAM, now: datetime | None = None) -> None:
        """The app has seen these users once: their Slack zone and locale are stored."""
        with self.session() as s:
            for u in user_ids:
                self.actor(s, u, team_id, now=now)

    # -- deals ---------------------------------------------------------------------------------
    def new_deal(self, *, owner_id: str, now: datetime, interviewed: bool = True, **fields: Any) -> int:
        """A deal registered at ``now`` (its hooks in the same transaction), optionally already qualified."""
        with self.session() as s:
            deal = make_deal(s, owner_id=owner_id, now=now, **fields)
            if interviewed:
                s.add(Interview(team_id=deal.team_id, deal_id=deal.id, rep_id=owner_id, status="done",
                                started_at=now, finished_at=now))  # fmt: skip
            self.emit(s, "created", deal, now=now, actor_id=owner_id)
            return deal.id

    def deal(self, deal_id: int) -> Deal:
        with self.session() as s:
            return s.get(Deal, deal_id)

    def events(self, deal_id: int, kind: str | None = None) -> list[DealEvent]:
        with self.session() as s:
            q = select(DealEvent).where(DealEvent.deal_id == deal_id).order_by(DealEvent.id)
            return [e for e in s.exec(q) if kind is None or e.kind == kind]

    def rows(self, model, **where: Any) -> list:  # noqa: ANN001
        with self.session() as s:  # objects stay readable after the commit
            q = select(model)
            for k, v in where.items():
                q = q.where(getattr(model, k) == v)
            return list(s.exec(q.order_by(*model.__table__.primary_key.columns)))

    def nudges(self, **where: Any) -> list[Nudge]:
        return self.rows(Nudge, **where)

    # -- the use cases, with what each needs from the plumbing supplied here ---------------------
    # Tests call the flows through these, so a flow gaining a parameter (a hook context, a typed
    # process) is adapted here once.
    def today(self, session: Session, now: datetime, team_id: str = TEAM) -> date:
        return now.astimezone(self.config(session, team_id).zone).date()

    def plan_advance(self, session: Session, actor: Actor, deal_id: object, *, version: int | None = None):  # noqa: ANN201
        return pipeline.plan_advance(
            session, actor, self.stages(session, actor.team_id), deal_id,
            pass_line=self.pass_line(session, actor.team_id), version=version,
        )  # fmt: skip

    def advance(self, session: Session, actor: Actor, deal_id: object, *, now: datetime,
                version: int | None = None, what: str | None = None, met_on: date | None = None,
                evidence: str | None = None, force_reason: str | None = None):  # noqa: ANN201  # fmt: skip
        return pipeline.advance(
            session, actor, self.stages(session, actor.team_id), deal_id, version=version, now=now,
            pass_line=self.pass_line(session, actor.team_id), what=what,
            met_on=met_on or self.today(session, now, actor.team_id), evidence=evidence,
            force_reason=force_reason, settings=self.settings, process=self.process,
        )  # fmt: skip

    def won(self, session: Session, actor: Actor, deal_id: object, *, now: datetime, amount: str | None,
            paid_on: date | None, version: int | None = None):  # noqa: ANN201  # fmt: skip
        return outcomes.mark_won(
            session, actor, self.stages(session, actor.team_id), deal_id, version=version, now=now,
            today=self.today(session, now, actor.team_id), amount=amount, paid_on=paid_on,
            settings=self.settings, process=self.process,
        )  # fmt: skip

    def lost(self, session: Session, actor: Actor, deal_id: object, *, now: datetime, reason: str | None,
             competitor: str | None, note: str | None, version: int | None = None):  # noqa: ANN201  # fmt: skip
        return outcomes.mark_lost(
            session, actor, deal_id, version=version, now=now,
            reasons=self.config(session, actor.team_id).lost_reasons, reason=reason,
            competitor=competitor, note=note, settings=self.settings, process=self.process,
        )  # fmt: skip

    def drop(self, session: Session, actor: Actor, deal_id: object, *, now: datetime, reason: str | None,
             version: int | None = None):  # noqa: ANN201  # fmt: skip
        return outcomes.mark_dropped(session, actor, deal_id, version=version, now=now, reason=reason,
                                     settings=self.settings, process=self.process)  # fmt: skip

    def hold(self, session: Session, actor: Actor, deal_id: object, *, now: datetime, new_close: date | None,
             note: str | None = None, version: int | None = None):  # noqa: ANN201  # fmt: skip
        return outcomes.put_on_hold(
            session, actor, deal_id, version=version, now=now, today=self.today(session, now, actor.team_id),
            new_close=new_close, note=note, settings=self.settings, process=self.process,
        )  # fmt: skip

    def reopen(self, session: Session, actor: Actor, deal_id: object, *, now: datetime, note: str | None = None,
               version: int | None = None):  # noqa: ANN201  # fmt: skip
        return outcomes.reopen(session, actor, deal_id, version=version, now=now, note=note,
                               settings=self.settings, process=self.process)  # fmt: skip

    def edit(self, session: Session, actor: Actor, deal_id: object, *, now: datetime, version: int | None = None,
             expected_close: date | None = None, tender_date: date | None = None,
             signing_date: date | None = None, committed: bool = False, probability: str | None = None,
             next_step: str | None = None, next_step_date: date | None = None):  # noqa: ANN201  # fmt: skip
        return edit_deal(
            session, actor, deal_id, version=version, now=now, today=self.today(session, now, actor.team_id),
            expected_close=expected_close, tender_date=tender_date, signing_date=signing_date,
            committed=committed, probability=probability, next_step=next_step, next_step_date=next_step_date,
            settings=self.settings, process=self.process,
        )  # fmt: skip

    def save_person(self, session: Session, actor: Actor, deal_id: object, *, now: datetime, met: bool = False,
                    person_id: object | None = None, **raw: Any):  # noqa: ANN201  # fmt: skip
        return people.save_person(session, actor, deal_id, now=now, person_id=person_id, met=met, **raw)

    def card(self, session: Session, actor: Actor, deal_id: object, *, now: datetime):  # noqa: ANN201
        """The card as the handlers build it: with the question set and the team's quota period."""
        cfg = self.config(session, actor.team_id)
        return status.deal_card(session, actor, cfg.stages, deal_id, now=now, questions=self.process.questions,
                                period=current_period(cfg, now).key)  # fmt: skip

    def my_deals(self, session: Session, actor: Actor, *, now: datetime):  # noqa: ANN201
        """What /deal list shows: the actor's own open deals, most urgent first."""
        return status.visible_summaries(session, actor, self.stages(session, actor.team_id), now=now,
                                        mine_only=True)  # fmt: skip

    def history(self, session: Session, actor: Actor, deal_id: object, *, now: datetime) -> dict:
        """What /deal history shows, rendered (bot/handlers/deal_status.history_payload)."""
        stages = self.stages(session, actor.team_id)
        deal, lines = status.deal_history(session, actor, deal_id)
        return history_message(
            deal_title(status.summarize(deal, stages, now, [])), lines, stages, actor.locale
        )

    def home(self, session: Session, actor: Actor, *, now: datetime):  # noqa: ANN201
        return build_home(session, self.settings, actor, now=now)

    def checkin(self, session: Session, actor: Actor, deal_id: object, form, *, now: datetime):  # noqa: ANN001, ANN201
        return followups.record_checkin(
            session, self.settings, actor, deal_id, form, now, process=self.process
        )

    def keep(self, session: Session, actor: Actor, nudge_id: object, *, now: datetime):  # noqa: ANN201
        return followups.keep(session, self.settings, actor, nudge_id, now)

    def downgrade(self, session: Session, actor: Actor, nudge_id: object, *, now: datetime):  # noqa: ANN201
        return followups.downgrade(session, self.settings, actor, nudge_id, now, process=self.process)

    def set_away(self, session: Session, actor: Actor, start: date, end: date, *, now: datetime):  # noqa: ANN201
        return followups.set_away(session, self.settings, actor, start, end, now)

    def list_away(self, session: Session, actor: Actor, *, now: datetime):  # noqa: ANN201
        return followups.list_away(session, actor, now)

    def user_changed(self, session: Session, user: dict, *, now: datetime, team_id: str = TEAM) -> None:
        """What the user_change event does with the new profile."""
        refresh_profile(session, self.settings, team_id=team_id, user=user, now=now)

    def funnel(self, session: Session, actor: Actor, text: str, *, now: datetime) -> Shown:
        """/funnel on demand: the figures for what the actor may see, and the message the handler renders."""
        view = funnel_view.on_demand(session, self.settings, self.process, actor, text, now)
        title = on_demand_title(view, actor.locale)
        message = funnel_message(view.figures, view.cfg.stages, actor.locale, title=title, labels=view.labels)
        return Shown(view.figures, message, title)

    def digest(self, session: Session, *, channel_id: str, week: datetime, now: datetime,
               team_id: str = TEAM) -> Shown:  # fmt: skip
        """The weekly digest for the team: its figures, compared with the channel's last one, and message."""
        d = funnel_digest.build_digest(
            session, self.settings, self.process, team_id=team_id, channel_id=channel_id, week=week, now=now
        )
        title = digest_title(d)  # rendered as the digest job renders it
        return Shown(d.figures, funnel_message(d.figures, d.cfg.stages, d.cfg.locale, title=title, labels=d.labels),
                     title)  # fmt: skip

    def set_quota(self, session: Session, actor: Actor, args: str, *, now: datetime):  # noqa: ANN201
        return quota.set_quota(session, self.settings, actor, args, now)

    # -- the nudge sweep, Slack replaced by a recorder -----------------------------------------
    def run_sweep(self, at: datetime) -> dict:
        """The production nudge sweep (bot/jobs/nudges.py) at ``at``: claims, staleness, quiet time,
        reminders and overdue all as in production; the DMs go to ``self.dms`` instead of Slack."""
        from bot.jobs import nudge_slack, nudges

        self.clock.set(at)
        with mock.patch.object(nudge_slack, "sweep_client", lambda client, lease: client):
            return nudges.sweep(self.deps, self.dms, at)


@dataclass(frozen=True)
class Shown:
    """Figures from a funnel flow and the message its job or handler renders from them."""

    figures: Any  # bot.flows.funnel.figures.Figures
    message: dict
    title: str


@dataclass
class Dm:
    user: str
    ts: str
    text: str
    blocks: list
    key: str | None
    edits: int = 0

    @property
    def nudge_id(self) -> int | None:
        return int(self.key.split(":")[1]) if self.key else None


class DmRecorder:
    """The few Web API methods the nudge sweep calls, answering as Slack would and recording the DMs."""

    def __init__(self) -> None:
        self.messages: list[Dm] = []
        self._ts = itertools.count(1)

    def chat_postMessage(self, *, channel: str, text: str, blocks: list, metadata: dict | None = None,  # noqa: N802
                         **_: Any) -> dict:  # fmt: skip
        key = ((metadata or {}).get("event_payload") or {}).get("nudge_key")
        dm = Dm(channel, f"{1700000000 + next(self._ts)}.000100", text, list(blocks), key)
        self.messages.append(dm)
        return {"ok": True, "channel": f"D{channel}", "ts": dm.ts}

    def chat_update(self, *, channel: str, ts: str, text: str, blocks: list, **_: Any) -> dict:
        dm = next(m for m in self.messages if m.ts == ts)
        dm.text, dm.blocks, dm.edits = text, list(blocks), dm.edits + 1
        return {"ok": True, "channel": channel, "ts": ts}

    def conversations_open(self, *, users: str, **_: Any) -> dict:
        return {"ok": True, "channel": {"id": f"D{users}"}}

    def conversations_history(self, *, channel: str, **_: Any) -> dict:
        user = channel.removeprefix("D")
        msgs = [{"ts": m.ts, "metadata": {"event_type": "deal_nudge", "event_payload": {"nudge_key": m.key}}}
                for m in reversed(self.messages) if m.user == user]  # fmt: skip
        return {"ok": True, "messages": msgs}

    def to(self, user: str) -> list[Dm]:
        return [m for m in self.messages if m.user == user]


def sent(world: World, user: str, kind: str | None = None) -> list[tuple[Nudge, Dm]]:
    """(row, DM) for every nudge DM the user got (first sends and reminders), oldest first."""
    by_id = {n.id: n for n in world.nudges(owner_id=user)}
    return [(by_id[m.nudge_id], m) for m in world.dms.to(user)
            if m.nudge_id and (kind is None or by_id[m.nudge_id].kind == kind)]  # fmt: skip


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
