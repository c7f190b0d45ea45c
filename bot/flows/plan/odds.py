"""The team's own odds (SPEC §13): from deals closed (won, lost, dropped) in the trailing 12 months,
for each milestone below signing the share of the deals that met it which were won, with the count
and a 90% Wilson interval, beside the configured figure; the real stage durations and cycle length.

An admin may switch a rung to the team's figure once it rests on at least 20 closed deals; the figure
is kept in the team's settings (``TeamSettings.team_odds``) and every weighted figure reads it through
``bot.flows.funnel.weighting`` (the forecast) and the plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.flows.errors import BadInput
from bot.flows.pipeline import ladder
from bot.flows.plan.backward import TRAILING_DAYS, below_signing
from bot.flows.team.config import TeamConfig
from bot.flows.team.roles import require_admin
from bot.flows.team.users import Actor
from storage.models import TeamSettings
from storage.repo import plan as repo

MIN_CLOSED = 20  # closed deals a switch to the team's own figure needs
Z90 = 1.6448536269514722  # two-sided 90%


def wilson(won: int, n: int, z: float = Z90) -> tuple[float, float]:
    """The Wilson score interval of won / n (0..1)."""
    if n == 0:
        return 0.0, 0.0
    p = won / n
    denom = 1 + z * z / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - half) / denom), min(1.0, (centre + half) / denom)


@dataclass(frozen=True)
class RungOdds:
    rung: ladder.Rung
    default: int  # the stage file's percent
    met: int  # closed deals that met the rung
    won: int  # ... and were won
    low: float
    high: float
    switched: bool

    @property
    def share(self) -> float | None:
        return self.won / self.met if self.met else None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)

    @property
    def switchable(self) -> bool:
        return self.met >= MIN_CLOSED


@dataclass(frozen=True)
class TeamOdds:
    rungs: tuple[RungOdds, ...]
    closed: int
    durations: dict[str, tuple[float | None, int, int]]  # stage -> (median days, stays, configured days)
    cycle: tuple[float, int] | None  # median days from creation to a won close, and how many
    configured_cycle_days: int


def team_odds(session: Session, cfg: TeamConfig, now: datetime) -> TeamOdds:
    start = now - timedelta(days=TRAILING_DAYS)
    rows = repo.closed_by_rung(session, team_id=cfg.team_id, start=start, end=now)
    order = {r.key: i for i, r in enumerate(ladder.rungs(cfg.stages))}
    out = []
    for r in below_signing(cfg):
        at_or_above = [(k, won, n) for (k, won), n in rows.items() if k in order and order[k] >= order[r.key]]
        met = sum(n for _, _, n in at_or_above)
        won = sum(n for _, w, n in at_or_above if w)
        lo, hi = wilson(won, met)
        out.append(RungOdds(r, r.probability, met, won, lo, hi, r.key in cfg.team_odds))
    first = cfg.stages.stages[0].key
    raw = repo.stage_durations(session, team_id=cfg.team_id, start=start, end=now, first_stage=first)
    durations = {}
    for s in cfg.stages.stages:
        got = raw.get(s.key)
        durations[s.key] = (got[0] if got else None, got[1] if got else 0, s.duration_days)
    cycle = repo.cycle_length(session, team_id=cfg.team_id, start=start, end=now)
    return TeamOdds(
        rungs=tuple(out),
        closed=sum(rows.values()),
        durations=durations,
        cycle=cycle,
        configured_cycle_days=sum(s.duration_days for s in cfg.stages.stages),
    )


def switch_rung(
    session: Session, cfg: TeamConfig, actor: Actor, rung_key: str, on: bool, now: datetime
) -> dict:
    """Use (or stop using) the team's own figure for a rung; only with ≥ 20 closed deals behind it."""
    require_admin(actor)
    odds = {o.rung.key: o for o in team_odds(session, cfg, now).rungs}
    if rung_key not in odds:
        raise BadInput("plan.errors.unknown_rung")
    row = session.get(TeamSettings, cfg.team_id) or TeamSettings(team_id=cfg.team_id)
    current = dict(row.team_odds or {})
    if on:
        o = odds[rung_key]
        if not o.switchable or o.percent is None:
            raise BadInput("plan.errors.too_few", n=o.met, min=MIN_CLOSED)
        current[rung_key] = o.percent
    else:
        current.pop(rung_key, None)
    row.team_odds = current or None
    row.updated_at, row.updated_by = now, actor.user_id
    session.add(row)
    session.flush()
    return current
