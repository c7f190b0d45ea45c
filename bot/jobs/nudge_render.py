"""What the sweep sends for a claimed row: its phase, its metadata key, the rendered DM (or why it is
skipped). Runs inside the sweep's short per-row transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.blocks.nudges import NudgeView, deal_name, nudge_message, settled_message
from bot.config import Settings
from bot.flows.followups import planning as plan
from bot.flows.followups.answers import recommendation
from bot.flows.followups.kinds import KINDS
from bot.flows.followups.worktime import WorkTime
from bot.flows.team.config import team_config
from bot.i18n import normalize_locale, t
from storage.models import Deal, Nudge
from storage.repo import nudges as repo
from storage.repo import users as users_repo


@dataclass
class Prepared:
    id: int
    phase: str  # send | remind | overdue
    key: str
    owner_id: str
    attempts: int
    worktime: WorkTime
    locale: str
    deal_name: str
    channel_id: str | None = None
    slack_ts: str | None = None
    reminder_ts: str | None = None
    payload: dict | None = None
    skip: str | None = None
    last_error: str | None = None

    @property
    def retry_status(self) -> str:
        """The status a row returns to when its send must be tried again later."""
        return "pending" if self.phase == "send" else "sent"


def phase_of(n: Nudge) -> str:
    if n.sent_at is None:
        return "send"
    return "remind" if n.reminder_sent_at is None else "overdue"


def nudge_key(n: Nudge, phase: str) -> str:
    anchor = n.send_after if phase == "send" else n.sent_at
    return f"{n.team_id}:{n.id}:{phase}:{int(anchor.timestamp())}"


def _memo(cache: dict, key: tuple, make):  # noqa: ANN001, ANN202
    if key not in cache:
        cache[key] = make()
    return cache[key]


def prepare(
    session: Session, settings: Settings, nudge_id: int, me: str, cache: dict | None = None
) -> Prepared | None:
    """``cache``: per sweep run, so a batch to one team and rep reads their settings once."""
    cache = {} if cache is None else cache
    n = repo.get_any(session, nudge_id)
    if n is None or n.status != "claimed" or n.lease_owner != me:
        return None
    deal = session.get(Deal, n.deal_id)
    phase = phase_of(n)
    cfg = _memo(cache, ("cfg", n.team_id), lambda: team_config(session, settings, n.team_id))
    rep = (n.team_id, n.owner_id)

    def rep_locale() -> str:
        user = users_repo.get_user(session, team_id=n.team_id, user_id=n.owner_id)
        return normalize_locale(user.locale if user else None, cfg.locale)

    locale = _memo(cache, ("locale", *rep), rep_locale)
    p = Prepared(
        id=n.id,
        phase=phase,
        key=nudge_key(n, phase),
        owner_id=n.owner_id,
        attempts=n.attempts,
        worktime=_memo(cache, ("wt", *rep), lambda: plan.worktime(session, settings, n.team_id, n.owner_id)),
        locale=locale,
        deal_name=deal_name(deal.account, deal.title) if deal else "",
        channel_id=n.channel_id,
        slack_ts=n.slack_ts,
        reminder_ts=n.reminder_ts,
        last_error=n.reason,
    )
    p.skip = plan.stale_reason(session, settings, n, deal)
    if p.skip is None:
        p.payload = nudge_message(view_of(session, cfg, n, deal, p))
    return p


def view_of(session: Session, cfg, n: Nudge, deal: Deal, p: Prepared) -> NudgeView:  # noqa: ANN001
    wt, lc = p.worktime, p.locale
    kind = KINDS.get(n.kind)
    stages = cfg.stages
    keys = [s.key for s in stages.stages]
    stage = stages.get(deal.stage) if deal.stage in keys else None
    shown = kind.shows(n, deal, wt)
    advice = recommendation(session, deal) if kind.decides else None
    return NudgeView(
        nudge_id=n.id,
        deal_id=deal.id,
        question_key=kind.question_key,
        actions=kind.actions,
        deal_name=p.deal_name,
        locale=lc,
        since=shown.since,
        stage_name=stage.name.get(lc) if stage else deal.stage,
        expected_days=stage.duration_days if stage else None,
        key_date=shown.key_date,
        date_kind=shown.date_kind,
        recommendation=advice.what if advice else None,
        progress_since=wt.local(advice.since).date() if advice else None,
        progress=tuple(advice.found.items()) if advice else (),
        reminder=p.phase != "send",
        overdue_since=n.sent_at if p.phase == "overdue" else None,
    )


def tidy_text(p: Prepared) -> dict:
    why = t(f"followups.why.{p.skip}", p.locale)
    return settled_message(t("followups.done.closed", p.locale, deal=p.deal_name, why=why))
