"""The one place every weighted figure starts from (SPEC §7): card, App Home, digest, /funnel and CSV
build their ``Weighting`` here and compute with the SQL expressions of ``storage.repo.funnel.figures``.

Probability is earned on the 965531 ladder (``bot.flows.pipeline.ladder``); the forecast and the
commitment are for the current quota period of the team.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.flows.funnel.periods import Period, period_of
from bot.flows.team.config import TeamConfig
from bot.process.schema import StageSet
from storage.repo.funnel.figures import Weighting


def current_period(cfg: TeamConfig, now: datetime) -> Period:
    return period_of(now.astimezone(cfg.zone).date(), cfg.quota_period)


def _ladder():  # noqa: ANN202 — bot.flows.pipeline imports this module (edit, status)
    from bot.flows.pipeline import ladder

    return ladder


def weighting(cfg: TeamConfig, now: datetime) -> Weighting:
    ladder = _ladder()
    period = current_period(cfg, now)
    return Weighting(
        rungs=rung_probabilities(cfg),
        signed_stages=ladder.signed_stages(cfg.stages),
        period_start=period.start,
        period_end=period.end,
        period_key=period.key,
    )


def rung_probabilities(cfg: TeamConfig) -> dict[str, int]:
    """The ladder's probabilities, with the rungs an admin switched to the team's own odds (SPEC §13)."""
    rungs = _ladder().probabilities(cfg.stages)
    return {k: int(cfg.team_odds.get(k, p)) if k in cfg.team_odds else p for k, p in rungs.items()}


def stage_weighting(stages: StageSet, team_odds: Mapping[str, int] | None = None) -> Weighting:
    """Probability and weighted amount only (no period): what a deal's own figures need; ``team_odds``:
    the rungs an admin switched to the team's own figure (SPEC §13)."""
    ladder = _ladder()
    rungs = {k: int((team_odds or {}).get(k, p)) for k, p in ladder.probabilities(stages).items()}
    return Weighting(rungs=rungs, signed_stages=ladder.signed_stages(stages))
