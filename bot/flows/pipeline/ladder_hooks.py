"""Keep each deal's rung on the 965531 ladder current, in the same transaction as the change that
moves it: a stage change (a milestone met or forced), a finished or redone interview, people added
(coach, decision-maker met), a milestone or checkpoint recorded later, a reopen."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.flows import hooks
from bot.flows.pipeline import contact, ladder
from bot.flows.team.config import effective_pass_line, team_config
from storage.models import Deal


def refresh_rung(session: Session, deal: Deal, ctx: hooks.HookContext, **info: Any) -> None:
    cfg = team_config(session, ctx.settings, deal.team_id)
    ladder.refresh(session, deal, cfg.stages, effective_pass_line(cfg, ctx.process.questions))


for _kind in ("created", "stage_changed", "status_changed", "interview_finished", "people_changed",
              "milestone_recorded", "regraded"):  # fmt: skip
    hooks.on(_kind)(refresh_rung)


@hooks.on("interview_finished")
def requalified(session: Session, deal: Deal, ctx: hooks.HookContext, **info: Any) -> None:
    """A lower-contact deal re-qualified: a pass (it earned the first rung) returns it to the funnel."""
    if deal.contact_level == "lower" and deal.earned_rung is not None and not deal.qualification_failed:
        contact.return_to_funnel(session, deal, ctx, cause="re-qualified: the interview passed")
