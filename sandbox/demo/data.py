"""The demo team (``dealbot demo-data``, the sandbox page's "Load demo data"): deals in every stage,
won and lost ones with reasons and competitors, a forced advance, a failed prospect kept open,
overdue follow-ups, quotas, payments and people — so App Home and the digest show something real.

Idempotent: a deal is identified by its account in the team; one that exists is left alone.
Everything is dated relative to the app clock, so "now" in the sandbox is the demo's "now".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import yaml
from sqlmodel import Session

from bot.deps import Deps
from bot.flows.followups import kinds
from bot.flows.funnel.weighting import current_period
from bot.flows.pipeline import ladder
from bot.flows.team.config import effective_pass_line, team_config
from sandbox.demo.answers import demo_answers
from sandbox.users import default_workspace
from storage.db import session_scope
from storage.models import Deal
from storage.repo import deals as deals_repo
from storage.repo import demo as repo
from storage.repo import users as users_repo

TEAM = "T0SANDBOX"
REP1, REP2, MGR, ADMIN = "U0REP1", "U0REP2", "U0MGR", "U0ADMIN"
MANAGERS_CHANNEL = "C0MANAGERS"
DEMO_FILE = Path(__file__).with_name("team.yaml")


@dataclass
class DemoDeal:
    account: str
    title: str
    owner: str
    amount: int
    stage: str
    days_in_stage: int
    age_days: int
    status: str = "open"
    grade: str | None = None
    score: int | None = None
    close_in_days: int | None = 90
    forced_into: str | None = None  # the stage it was forced into (a red flag)
    outcome: dict = field(default_factory=dict)  # reason / competitor / note for lost, dropped, on hold
    people: list[list] = field(default_factory=list)  # (name, title, role, attitude, influence, met)
    paid: list[list[int]] = field(default_factory=list)  # (amount, days ago)
    overdue_followup: bool = False
    committed: bool = False
    knocked_out: bool = False


def demo_deals() -> list[DemoDeal]:
    rows = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))["deals"]
    return [DemoDeal(**row) for row in rows]


def seed_sandbox_team(deps: Deps) -> None:
    """The sandbox workspace's roles and manager channel: Chen Jing manages both reps."""
    now = deps.clock.now()
    with session_scope(deps.engine) as s:
        for user in default_workspace(TEAM).users:
            if users_repo.get_user(s, team_id=TEAM, user_id=user.id) is None:
                data = user.as_slack()
                users_repo.upsert_user(
                    s,
                    team_id=TEAM,
                    user_id=user.id,
                    now=now,
                    name=data["name"],
                    real_name=data["real_name"],
                    tz=data["tz"],
                    locale=data["locale"],
                    is_admin=data["is_admin"],
                )
        repo.ensure_role(s, team_id=TEAM, user_id=MGR, role="manager", at=now)
        for rep in (REP1, REP2):
            repo.ensure_role(s, team_id=TEAM, user_id=rep, role="rep", at=now)
            repo.ensure_manager_rep(s, team_id=TEAM, manager_id=MGR, rep_id=rep)
        repo.ensure_manager_channel(s, team_id=TEAM, channel_id=MANAGERS_CHANNEL, at=now)


def load_demo_team(deps: Deps) -> str:
    seed_sandbox_team(deps)
    now = deps.clock.now()
    created = 0
    with session_scope(deps.engine) as s:
        cfg = team_config(s, deps.settings, TEAM)
        keys = [st.key for st in cfg.stages.stages]
        today = now.astimezone(cfg.zone).date()
        _quotas(s, today, cfg.base_currency, now)
        specs = demo_deals()
        for spec in specs:
            if repo.deal_by_account(s, team_id=TEAM, account=spec.account) is None:
                deal = _deal(s, spec, keys, now, today, cfg.base_currency, deps.process.questions)
                # the rung it earned on the 965531 ladder; a commitment is for this quota period
                ladder.refresh(s, deal, cfg.stages, effective_pass_line(cfg, deps.process.questions))
                deal.commit_period = current_period(cfg, now).key if deal.committed else None
                s.add(deal)
                created += 1
    return f"demo team {TEAM}: {created} deals added, {len(specs) - created} already there"


def _quotas(s: Session, today: date, currency: str, now: datetime) -> None:
    q = (today.month - 1) // 3
    start = date(today.year, 3 * q + 1, 1)
    end = date(today.year + (q == 3), (3 * q + 3) % 12 + 1, 1)
    for rep, amount in ((REP1, 12_000_000), (REP2, 8_000_000)):
        repo.ensure_quota(
            s,
            team_id=TEAM,
            rep_id=rep,
            period=f"{today.year}-Q{q + 1}",
            start=start,
            end=end,
            amount=Decimal(amount),
            currency=currency,
            at=now,
        )


def _deal(
    s: Session, spec: DemoDeal, keys: list[str], now: datetime, today: date, currency: str, qset: object
) -> Deal:
    born = now - timedelta(days=spec.age_days)
    deal = deals_repo.create_deal(
        s,
        team_id=TEAM,
        owner_id=spec.owner,
        now=born,
        account=spec.account,
        title=spec.title,
        amount=Decimal(spec.amount),
        currency=currency,
    )
    close = today + timedelta(days=spec.close_in_days) if spec.close_in_days is not None else None
    target = keys.index(spec.stage) if spec.stage in keys else 0
    entered = now - timedelta(days=spec.days_in_stage)
    span = (entered - born) / max(target, 1)
    for i in range(1, target + 1):
        at = born + span * i if i < target else entered
        forced = keys[i] == spec.forced_into
        deals_repo.add_event(
            s,
            deal=deal,
            kind="stage",
            actor_id=spec.owner,
            at=at,
            from_value=keys[i - 1],
            to_value=keys[i],
            milestone_met=not forced,
            forced=forced,
            reason="Customer asked for a proposal before our site visit" if forced else None,
        )
        if forced:
            repo.raise_flag(
                s,
                deal=deal,
                kind="forced_advance",
                by=spec.owner,
                at=at,
                reason="Advanced without the milestone: criteria not yet influenced",
            )
        else:
            repo.add_milestone(
                s,
                deal=deal,
                stage=keys[i - 1],
                what=f"Milestone of {keys[i - 1]} met",
                evidence=None,
                met_on=at.date(),
                by=spec.owner,
                at=at,
            )
    if spec.grade:
        interview = repo.add_interview(
            s,
            deal=deal,
            at=born + timedelta(hours=4),
            status="done",
            score=spec.score,
            grade=spec.grade,
            knocked_out=spec.knocked_out,
            recommendation="drop" if spec.grade == "D" else "pursue",
        )
        if qset is not None:
            answers = demo_answers(
                qset,
                score=spec.score or 0,
                knocked_out=spec.knocked_out,
                amount=Decimal(spec.amount),
                close=close,
            )
            repo.add_answers(
                s, interview=interview, answers=answers, by=spec.owner, at=born + timedelta(hours=4)
            )
    if spec.knocked_out and spec.status == "open" and spec.grade != "D":  # lower contact: no red flag
        repo.raise_flag(
            s,
            deal=deal,
            kind="failed_prospect_kept",
            by=spec.owner,
            at=born + timedelta(hours=5),
            reason="Kept open although the scorecard failed (a knock-out item scored 0)",
        )
    for person in spec.people:
        name, title, role, attitude, influence, met = person
        repo.add_person(
            s,
            deal=deal,
            at=born,
            name=name,
            title=title,
            role=role,
            attitude=attitude,
            influence=influence,
            met=met,
        )
    for amount, days_ago in spec.paid:
        repo.add_payment(
            s,
            deal=deal,
            amount=Decimal(amount),
            paid_on=today - timedelta(days=days_ago),
            by=spec.owner,
            at=now - timedelta(days=days_ago),
        )
    _followups(s, deal, spec, now)
    closed = now - timedelta(days=spec.days_in_stage // 2) if spec.status != "open" else None
    if closed:
        deals_repo.add_event(
            s,
            deal=deal,
            kind=spec.status,
            actor_id=spec.owner,
            at=closed,
            from_value="open",
            to_value=spec.status,
            reason=spec.outcome.get("reason"),
            competitor=spec.outcome.get("competitor"),
            note=spec.outcome.get("note"),
        )
    deals_repo.save_if_version(
        s,
        deal=deal,
        expected_version=deal.version,
        now=closed or entered,
        stage=spec.stage,
        stage_entered_at=entered,
        status=spec.status,
        grade=spec.grade,
        score=spec.score,
        expected_close=close,
        committed=spec.committed,
        closed_at=closed,
        signing_date=close if spec.stage == "negotiate" else None,
        contact_level="lower" if spec.grade == "D" else "normal",
    )
    return deal


def _followups(s: Session, deal, spec: DemoDeal, now: datetime) -> None:  # noqa: ANN001
    """Day 1 answered on time with a check-in; an overdue day-15 when asked for: sent, reminded, unanswered."""
    if spec.status != "open" or spec.age_days < 2:
        return
    t0 = now - timedelta(days=spec.age_days)
    day1 = t0 + timedelta(days=1)
    n1 = repo.add_nudge(
        s,
        deal=deal,
        kind=kinds.FOLLOWUP_1.key,
        cycle=0,
        at=t0,
        due_at=day1,
        send_after=day1,
        status="answered",
        attempts=1,
        sent_at=day1,
        answered_at=day1 + timedelta(hours=3),
    )
    repo.add_checkin(
        s,
        deal=deal,
        nudge=n1,
        at=day1 + timedelta(hours=3),
        done_text="First call with the customer",
        progress=True,
        progress_text="They shared the project schedule",
        next_step="Site visit",
        next_step_date=(day1 + timedelta(days=7)).date(),
    )
    if spec.overdue_followup and spec.age_days > 20:
        day15 = now - timedelta(days=6)
        reminded = day15 + timedelta(days=1)
        repo.add_nudge(
            s,
            deal=deal,
            kind=kinds.FOLLOWUP_15.key,
            cycle=0,
            at=t0,
            due_at=day15,
            send_after=day15,
            status="sent",
            attempts=1,
            sent_at=day15,
            reminder_sent_at=reminded,
            overdue_at=reminded + timedelta(days=1),
            channel_id="D" + deal.owner_id[1:],
        )
