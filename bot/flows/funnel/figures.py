"""The funnel figures (SPEC §7) for a team or a narrower scope, from SQL aggregates only.

Money rules (SPEC §12): totals add base-currency amounts only; other currencies are kept apart.
Achievement = contract value of deals that entered the last stage in the quota period; won = deals
marked won (full payment) in the period; cash = payments dated in the period. Why we lose covers the
trailing 90 days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from bot.flows.funnel.periods import Period, week_start, working_day_before
from bot.flows.funnel.weighting import current_period, weighting
from bot.flows.pipeline.customer import CustomerStep, ahead_of
from bot.flows.team.config import TeamConfig
from storage.repo.funnel import Scope
from storage.repo.funnel import figures as repo
from storage.repo.funnel import flags as funnel_flags
from storage.repo.funnel import losses as funnel_losses
from storage.repo.funnel import quota as quota_repo
from storage.repo.funnel import scores as funnel_scores
from storage.repo.funnel.figures import IN_FUNNEL

HEADLINE = ("quota", "forecast", "commitment", "achievement", "won", "cash")
MOVES = ("new", "advanced", "won", "lost", "dropped", "delayed")
FLAG_TOP = 3
LOSS_DAYS = 90
FOLLOWUP_DAYS = 28
ZERO = Decimal("0.00")


@dataclass
class Money:
    base: Decimal = ZERO
    others: dict[str, Decimal] = field(default_factory=dict)  # currency -> amount, never converted

    def add(self, currency: str, amount: Decimal, base: str) -> None:
        if currency == base:
            self.base += amount
        elif amount:
            self.others[currency] = self.others.get(currency, ZERO) + amount


@dataclass
class StageLine:
    key: str
    count: int = 0
    amount: Decimal = ZERO  # base currency
    weighted: Decimal = ZERO  # base currency


@dataclass
class RepLine:
    owner_id: str
    open_deals: int = 0
    weighted: Decimal = ZERO
    quota: Decimal = ZERO
    achieved: Decimal = ZERO
    on_time: int = 0
    due: int = 0
    plan_gap: Any = None  # the backward plan's one gap (bot.flows.plan.backward.Need), digest rows only

    @property
    def attainment(self) -> float | None:
        return float(self.achieved / self.quota * 100) if self.quota else None


@dataclass
class FlagGroup:
    kind: str
    count: int
    deals: list[funnel_flags.FlagRow]
    ahead: dict[int, CustomerStep] = field(default_factory=dict)  # customer_ahead: what we have not met


@dataclass
class Figures:
    team_id: str
    currency: str
    as_of: datetime
    week: datetime
    period: Period
    headline: dict[str, Money]
    stages: list[StageLine]
    other_stages: dict[str, tuple[int, Decimal, Decimal]]  # currency -> count, amount, weighted
    grades: dict[str, int]
    movement: dict[str, int]
    flags: list[FlagGroup]
    reps: list[RepLine]
    loss_reasons: list[tuple[str, int]]
    competitors: list[tuple[str, int]]
    weakest: list[tuple[str, float, float | None]]  # question key, lost avg, won avg
    deltas: dict[str, Decimal] = field(default_factory=dict)
    pipeline: Money = field(default_factory=Money)  # the whole weighted pipeline, any close date
    below: dict[str, int] = field(default_factory=dict)  # below the funnel: bucket -> open deals
    # why we lose (issue 15): the stage lost deals died in, and lost to a winner never recorded / to a winner
    loss_stages: list[tuple[str, int]] = field(default_factory=list)
    unseen_winners: tuple[int, int] = (0, 0)

    @property
    def expected(self) -> Money:
        """Achievement + forecast (signed deals are achievement, never forecast: nothing counts twice)."""
        out = Money(self.headline["achievement"].base + self.headline["forecast"].base)
        for m in (self.headline["achievement"], self.headline["forecast"]):
            for cur, amount in m.others.items():
                out.others[cur] = out.others.get(cur, ZERO) + amount
        return out

    def stored(self) -> dict[str, str]:
        """The base-currency headline, as stored on the digest run for next week's comparison."""
        return {k: str(m.base) for k, m in self.headline.items()}

    @property
    def flag_total(self) -> int:
        return sum(g.count for g in self.flags)


def compute(
    session: Session,
    cfg: TeamConfig,
    *,
    now: datetime,
    scope: Scope,
    previous: dict | None = None,
    scoring: tuple[dict | None, set | None] = (None, None),
) -> Figures:
    """Every figure of the digest for ``scope``; ``scoring`` = the question set's option scores and
    scored keys (``bot.flows.funnel.digest.question_scoring``), for why we lose."""
    zone, base = cfg.zone, cfg.base_currency
    period = current_period(cfg, now)
    p_start, p_end = period.instants(zone)
    order = [s.key for s in cfg.stages.stages]
    headline = {k: Money() for k in HEADLINE}
    reps: dict[str, RepLine] = defaultdict(lambda: RepLine(""))
    groups = repo.open_groups(session, scope=scope, w=weighting(cfg, now))
    pipeline, below = Money(), {}
    stages, other_stages, grades = _open(groups, order, base, headline, reps, pipeline, below)

    def fold(key: str, rows: dict, rep_attr: str | None = None) -> None:
        for (owner, cur), amount in rows.items():
            headline[key].add(cur, amount, base)
            if rep_attr and cur == base:
                setattr(reps[owner], rep_attr, getattr(reps[owner], rep_attr) + amount)

    quotas = quota_repo.quotas(session, team_id=scope.team_id, period=period.key, rep_ids=scope.owner_ids)
    fold("quota", quotas, "quota")
    last = cfg.stages.stages[-1].key
    fold(
        "achievement",
        repo.achieved_by_owner(session, scope=scope, start=p_start, end=p_end, last_stage=last),
        "achieved",
    )
    fold("won", repo.won_by_owner(session, scope=scope, start=p_start, end=p_end))
    for cur, amount in repo.cash(session, scope=scope, start=period.start, end=period.end).items():
        headline["cash"].add(cur, amount, base)
    fu_start = now - timedelta(days=FOLLOWUP_DAYS)
    for owner, (on_time, due) in repo.followup_compliance(
        session, scope=scope, start=fu_start, end=now
    ).items():
        reps[owner].on_time, reps[owner].due = on_time, due
    for owner, line in reps.items():
        line.owner_id = owner
    loss_start = now - timedelta(days=LOSS_DAYS)
    reasons, competitors = funnel_losses.losses(session, scope=scope, start=loss_start, end=now, limit=5)
    loss_stages, unseen, named = funnel_losses.died_and_unseen(
        session, scope=scope, start=loss_start, end=now
    )
    figures = Figures(
        team_id=scope.team_id,
        currency=base,
        as_of=now,
        week=week_start(now, zone),
        period=period,
        headline=headline,
        stages=stages,
        other_stages=other_stages,
        grades=grades,
        movement=repo.movement(
            session,
            scope=scope,
            start=now - timedelta(days=7),
            end=now,
            order={k: i + 1 for i, k in enumerate(order)},
        ),
        flags=_flags(session, cfg, scope, now),
        reps=sorted(reps.values(), key=lambda r: (-r.weighted, -r.open_deals, r.owner_id)),
        loss_reasons=reasons,
        competitors=competitors,
        loss_stages=loss_stages,
        unseen_winners=(unseen, named),
        weakest=_weakest(
            funnel_scores.item_scores(
                session,
                scope=scope,
                start=loss_start,
                end=now,
                option_scores=scoring[0],
                scored_keys=scoring[1],
            )
        ),
    )
    figures.pipeline, figures.below = pipeline, below
    if previous:
        figures.deltas = {
            k: figures.headline[k].base - Decimal(previous[k])
            for k in HEADLINE
            if previous.get(k) is not None
        }
    return figures


def _open(groups: list, order: list[str], base: str, headline: dict[str, Money], reps: dict,  # noqa: ANN202
          pipeline: Money, below: dict[str, int]):  # fmt: skip
    """Fold the open-deal groups: stage lines, other currencies, grade mix, forecast (the period's),
    commitment (the period's), the whole pipeline, the reps' pipelines, and below the funnel."""
    lines = {k: StageLine(k) for k in order}
    others: dict[str, tuple[int, Decimal, Decimal]] = {}
    grades: dict[str, int] = defaultdict(int)
    for g in groups:
        if g.bucket != "low_contact":  # a lower-contact deal is out of the grade mix (SPEC §3.3)
            grades[g.grade or "-"] += g.count
        if g.bucket != IN_FUNNEL:
            below[g.bucket] = below.get(g.bucket, 0) + g.count
            continue
        line = lines.setdefault(g.stage, StageLine(g.stage))
        line.count += g.count
        reps[g.owner].open_deals += g.count
        if g.in_forecast:
            headline["forecast"].add(g.currency, g.weighted, base)
        if g.in_pipeline:
            pipeline.add(g.currency, g.weighted, base)
        if g.committed:
            headline["commitment"].add(g.currency, g.amount, base)
        if g.currency == base:
            line.amount += g.amount
            line.weighted += g.weighted
            if g.in_pipeline:
                reps[g.owner].weighted += g.weighted
        else:
            c, a, w = others.get(g.currency, (0, ZERO, ZERO))
            others[g.currency] = (c + g.count, a + g.amount, w + g.weighted)
    return list(lines.values()), others, dict(grades)


def _flags(session: Session, cfg: TeamConfig, scope: Scope, now: datetime) -> list[FlagGroup]:
    keys = [s.key for s in cfg.stages.stages]
    bid_at = keys.index("bid") if "bid" in keys else min(3, len(keys) - 1)
    found = funnel_flags.flags(
        session,
        scope=scope,
        limit=FLAG_TOP,
        stall_cutoffs={s.key: now - timedelta(days=s.duration_days) for s in cfg.stages.stages},
        past_stage2=keys[2:],
        bid_or_later=keys[bid_at:],
        overdue_before=working_day_before(now, cfg.zone, cfg.work_days),
        today=now.astimezone(cfg.zone).date(),
        stage_order=keys,
    )
    groups = [FlagGroup(k, n, rows) for k, (n, rows) in found.items() if n]
    for g in groups:
        if g.kind == "customer_ahead":
            g.ahead = ahead_of(session, scope.team_id, cfg.stages, [r[0] for r in g.deals])
    return sorted(groups, key=lambda g: -g.count)


def _weakest(scores: dict[str, dict[str, tuple[float, int]]], limit: int = 3) -> list:
    """Items that scored lowest in lost deals relative to won ones (or lowest outright without wins)."""
    rows = []
    for key, by in scores.items():
        if "lost" not in by:
            continue
        lost = by["lost"][0]
        won = by["won"][0] if "won" in by else None
        rows.append((lost - (won if won is not None else 0.0), lost, key, won))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return [(key, lost, won) for _, lost, key, won in rows[:limit]]
