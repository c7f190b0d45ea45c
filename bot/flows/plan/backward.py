"""The backward plan (SPEC §13, seed 004 倒推): from the quota, the achievement so far, the average deal
size and the ladder's odds, how many deals must have met each milestone now, against how many have,
and the last date a new prospect can enter and still sign in the period.

W = ⌈(quota − achievement) ÷ average deal size⌉; need(k) = ⌈W ÷ p(k)⌉ for each rung below signing.
The average deal size, in order: the rep's own signed deals over the trailing 12 months (≥ 5), the
team's (≥ 5), the team's "typical deal size" setting, the rep's open in-funnel deals' average.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from sqlmodel import Session

from bot.flows.funnel.periods import Period, period_of
from bot.flows.funnel.weighting import current_period, rung_probabilities, weighting
from bot.flows.pipeline import ladder
from bot.flows.team.config import TeamConfig
from storage.repo import plan as repo
from storage.repo.funnel import figures as figures_repo
from storage.repo.funnel import quota as quota_repo
from storage.repo.funnel.figures import Scope

MIN_SIGNED = 5  # signed deals a trailing average must rest on
TRAILING_DAYS = 365


@dataclass(frozen=True)
class Need:
    rung: ladder.Rung
    probability: int  # percent used (the default, or the team's own when switched)
    team_odds: bool  # the probability is the team's own (App Home switch)
    need: int
    have: int

    @property
    def short(self) -> int:
        return max(0, self.need - self.have)

    @property
    def shortfall(self) -> float:
        return self.short / self.need if self.need else 0.0


@dataclass(frozen=True)
class Plan:
    rep_id: str | None  # None: the team
    period: Period
    currency: str
    quota: Decimal | None
    achievement: Decimal
    deal_size: Decimal | None
    size_source: str | None  # own | team | setting | open | None (no figure at all)
    size_count: int  # the deals the average rests on (0 for the setting)
    wins_needed: int | None  # W; None without a quota or a deal size
    needs: tuple[Need, ...]
    entry_by: date  # the last day a new prospect can enter and still sign this period
    entry_passed: bool
    next_entry_by: date  # the same for the next period
    next_period: Period

    @property
    def gap(self) -> Need | None:
        """The milestone with the largest shortfall relative to its need; None when nothing is short."""
        short = [n for n in self.needs if n.short > 0]
        return max(short, key=lambda n: (n.shortfall, -self.needs.index(n))) if short else None


def below_signing(cfg: TeamConfig) -> tuple[ladder.Rung, ...]:
    """The rungs before the signed contract (qualified 10 … negotiation under way 80 by default)."""
    gate = next((s for s in cfg.stages.stages if s.gate == "signed"), cfg.stages.stages[-2])
    out = []
    for r in ladder.rungs(cfg.stages):
        if r.key == gate.key:
            break
        out.append(r)
    return tuple(out)


def lead_days(cfg: TeamConfig) -> int:
    """Summed expected durations of the stages up to signing (stages 1–5 by default: 119 days)."""
    total = 0
    for s in cfg.stages.stages:
        total += s.duration_days
        if s.gate == "signed":
            break
    return total


def signing_stage(cfg: TeamConfig) -> str:
    signed = ladder.signed_stages(cfg.stages)
    return signed[0] if signed else cfg.stages.stages[-1].key


def ceil_div(a: Decimal | int, b: Decimal | int) -> int:
    return int((Decimal(a) / Decimal(b)).to_integral_value(rounding=ROUND_CEILING))


def needs_for(w: int, probability: int) -> int:
    """⌈W ÷ p⌉ with p in percent, exactly (5 at 45% → 12)."""
    return ceil_div(Decimal(w) * 100, probability) if probability > 0 else 0


def entry_dates(cfg: TeamConfig, period: Period, today: date) -> tuple[date, bool, date, Period]:
    last_day = period.end - timedelta(days=1)
    entry_by = last_day - timedelta(days=lead_days(cfg))
    nxt = period_of(period.end, cfg.quota_period)
    return entry_by, today > entry_by, (nxt.end - timedelta(days=1)) - timedelta(days=lead_days(cfg)), nxt


def deal_size(
    session: Session, cfg: TeamConfig, rep_id: str | None, now: datetime
) -> tuple[Decimal | None, str | None, int]:
    start = now - timedelta(days=TRAILING_DAYS)
    stage, base = signing_stage(cfg), cfg.base_currency
    tiers = ([("own", [rep_id])] if rep_id is not None else []) + [("team", None)]
    for source, owners in tiers:
        n, avg = repo.signed_size(
            session,
            team_id=cfg.team_id,
            owner_ids=owners,
            signed_stage=stage,
            start=start,
            end=now,
            currency=base,
        )
        if n >= MIN_SIGNED and avg:
            return avg, source, n
    if cfg.typical_deal_size:
        return Decimal(cfg.typical_deal_size), "setting", 0
    owners = [rep_id] if rep_id is not None else None
    n, avg = repo.open_size(
        session, team_id=cfg.team_id, owner_ids=owners, w=weighting(cfg, now), currency=base
    )
    if n and avg:
        return avg, "open", n
    return None, None, 0


def backward_plan(
    session: Session, cfg: TeamConfig, *, rep_id: str | None, owner_ids: list[str] | None, now: datetime
) -> Plan:
    """The plan of one rep (``rep_id``) or of the team (``rep_id`` None; ``owner_ids`` narrows it to
    a manager's reps, None = everyone)."""
    period = current_period(cfg, now)
    owners = [rep_id] if rep_id is not None else owner_ids
    base = cfg.base_currency
    quotas = quota_repo.quotas(session, team_id=cfg.team_id, period=period.key, rep_ids=owners)
    quota = sum((a for (_, c), a in quotas.items() if c == base), Decimal(0)) if quotas else None
    p_start, p_end = period.instants(cfg.zone)
    scope = Scope(cfg.team_id, tuple(owners) if owners is not None else None)
    achieved = figures_repo.achieved_by_owner(
        session, scope=scope, start=p_start, end=p_end, last_stage=signing_stage(cfg)
    )
    achievement = sum((a for (_, c), a in achieved.items() if c == base), Decimal(0))
    size, source, size_n = deal_size(session, cfg, rep_id, now)
    wins = None
    if quota is not None and size:
        wins = max(0, ceil_div(quota - achievement, size)) if quota > achievement else 0
    w = weighting(cfg, now)
    by_rung = repo.open_by_rung(session, team_id=cfg.team_id, owner_ids=owners, w=w)
    order = {r.key: i for i, r in enumerate(ladder.rungs(cfg.stages))}
    probs = rung_probabilities(cfg)
    needs = []
    for r in below_signing(cfg):
        have = sum(n for k, n in by_rung.items() if k in order and order[k] >= order[r.key])
        p = probs[r.key]
        needs.append(Need(r, p, r.key in cfg.team_odds, needs_for(wins, p) if wins else 0, have))
    today = now.astimezone(cfg.zone).date()
    entry_by, passed, next_by, nxt = entry_dates(cfg, period, today)
    return Plan(
        rep_id=rep_id,
        period=period,
        currency=base,
        quota=quota,
        achievement=achievement,
        deal_size=size,
        size_source=source,
        size_count=size_n,
        wins_needed=wins,
        needs=tuple(needs),
        entry_by=entry_by,
        entry_passed=passed,
        next_entry_by=next_by,
        next_period=nxt,
    )


def plan_request(session: Session, cfg: TeamConfig, actor, text: str, now: datetime) -> Plan:  # noqa: ANN001
    """``/funnel plan [@rep]``: a rep their own plan; a manager their team's (or one of their reps');
    an admin the team's (or anyone's)."""
    from bot.flows.errors import BadInput, NotAllowed
    from bot.flows.team.access import visible_owner_ids
    from bot.flows.team.mentions import take_mention

    mention, rest = take_mention(text)
    if rest:
        raise BadInput("plan.errors.bad_filter")
    owners = visible_owner_ids(session, actor)
    if mention is not None:
        if owners is not None and mention.user_id not in owners:
            raise NotAllowed("funnel.rep_not_visible")
        return backward_plan(session, cfg, rep_id=mention.user_id, owner_ids=None, now=now)
    if not actor.is_manager:
        return backward_plan(session, cfg, rep_id=actor.user_id, owner_ids=None, now=now)
    return backward_plan(session, cfg, rep_id=None, owner_ids=owners, now=now)
