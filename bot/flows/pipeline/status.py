"""Where a deal stands: the deal card, the history, and "my deals" ordered by what needs attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from bot.flows.followups.kinds import KINDS
from bot.flows.funnel.weighting import stage_weighting
from bot.flows.pipeline import ladder
from bot.flows.pipeline.customer import CustomerStep, customer_step
from bot.flows.pipeline.ladder import Rung
from bot.flows.pipeline.people import Coverage, coverage
from bot.flows.pipeline.stage import stage_position
from bot.flows.qualification.grade_hold import is_held
from bot.flows.qualification.scoring import NextGrade, next_grade_from
from bot.flows.team.access import load_deal, visible_owner_ids
from bot.flows.team.users import Actor
from bot.process.questions import QuestionSet
from bot.process.schema import StageDef, StageSet, Text
from storage.models import Deal, Nudge
from storage.repo import deals as deals_repo
from storage.repo import interviews as interviews_repo
from storage.repo import people as people_repo
from storage.repo import pipeline as repo
from storage.repo import users as users_repo
from storage.repo.funnel import figures as funnel_repo
from storage.repo.funnel.figures import IN_FUNNEL

OVERDUE_AFTER = timedelta(days=1)
OVERDUE_WEIGHT = 8  # a sent nudge gone unanswered past its reminder; the kinds weigh their own flags
URGENCY = ("overdue", "today", "week")  # "needs you today", most urgent group first
LATE = {"overdue", "stalled", "close_passed"}  # attention flags that make a deal overdue
GRADE_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}  # then provisional (4), not graded (5), failed (6)


@dataclass(frozen=True)
class Summary:
    """One deal in a list: enough to rank it and show one line."""

    id: int
    version: int
    owner_id: str
    account: str
    title: str
    status: str
    stage_index: int
    stage: StageDef
    days_in_stage: int
    amount: Decimal | None
    currency: str
    probability: int
    grade: str | None
    attention: tuple[str, ...]  # overdue, then the flags of the nudge kinds whose reason holds (kinds.py)
    failed: bool = False  # below the pass line or knocked out, whatever letter it carries (SPEC §3.4)
    provisional: bool = False  # the assessment is incomplete: the grade is provisional
    urgency: str | None = None  # overdue | today | week (URGENCY), None when nothing is due this week
    # the 965531 ladder, computed by the same SQL as every other weighted figure (funnel/weighting.py)
    weighted_amount: Decimal | None = None
    below: str | None = None  # open and below the funnel: qualification | low_contact | failed
    in_pipeline: bool = False  # in the funnel and not yet signed: counts in the weighted pipeline
    rung: Rung | None = None  # why the probability is what it is (the last milestone met in order)
    override: bool = False  # the probability is the rep's manual override

    @property
    def weighted(self) -> Decimal | None:
        return self.weighted_amount

    @property
    def rank(self) -> tuple:
        weights = {"overdue": OVERDUE_WEIGHT, **{a.flag: a.weight for a in KINDS.attention()}}
        return (
            -sum(weights[a] for a in self.attention),
            -self.days_in_stage / self.stage.duration_days,
            self.id,
        )

    @property
    def grade_rank(self) -> int:
        """A first (the method ranks in-funnel prospects A–D); provisional, ungraded, failed last."""
        if self.failed:
            return 6
        if self.provisional:
            return 4
        return GRADE_ORDER.get(self.grade or "", 5)


@dataclass(frozen=True)
class Card:
    summary: Summary
    stage_total: int
    score: int | None
    expected_close: date | None
    tender_date: date | None
    signing_date: date | None
    committed: bool
    probability_override: int | None
    next_step: str | None
    next_step_date: date | None
    coverage: Coverage
    flags: tuple[tuple[str, str], ...]  # (kind, reason)
    nudges: tuple[tuple[str, str, datetime], ...]  # (kind, status, due_at)
    qualified: bool
    is_last_stage: bool = False
    warnings: tuple[str, ...] = ()  # derived from people: no_coach | dm_not_met (past the relationship gate)
    to_find_out: tuple[tuple[str, Text], ...] = ()  # (question key, its name): the checklist (SPEC §3.3)
    interview_id: int | None = None  # the latest finished interview (answers the checklist)
    customer: CustomerStep | None = None  # the customer's buying step; ahead of ours: what we have not met
    todo: tuple[Text, ...] = ()  # the stage's work items (its to-do list)
    grade_held_since: datetime | None = None  # a rep's day-30 downgrade that still holds
    steps: tuple[StageDef, ...] = ()  # the stage set, whose buying steps the customer's step is one of

    period: str | None = None  # the current quota period (the commit control names it)
    commit_period: str | None = None  # the period the rep committed for (lapsed when not ``period``)
    checkpoint: tuple[str, str] | None = None  # (stage key, checkpoint key) the rep may record now
    skipped: tuple[str, ...] = ()  # earlier stages whose milestone is unmet: record it to earn the rung
    skipped_names: tuple[Text, ...] = ()  # their stages' names
    # issue 15: the latest check-ins and the manager's notes and the rep's replies, in order:
    # (kind: checkin | comment | agree | challenge | checkin_ask | reply, at, who, text)
    said: tuple[tuple[str, datetime, str, str], ...] = ()
    # issue 17: due nudges held for the owner's working hours: (kind, when it goes out), and their zone
    waiting: tuple[tuple[str, datetime], ...] = ()
    owner_tz: str | None = None
    next_grade: NextGrade | None = None  # what the next grade up needs (issue 17): the card's grade reason


def urgency_of(deal: Deal, attention: list[str], nudges: list[Nudge], now: datetime) -> str | None:
    """How soon the deal needs its rep: overdue (an unanswered nudge past its reminder, a stalled stage, a
    passed close date or next step), today (a nudge out or due, a date today), this week (a milestone or
    a date within seven days); None otherwise."""
    today = now.date()
    if LATE & set(attention) or (
        deal.status == "open" and deal.next_step_date and deal.next_step_date < today
    ):
        return "overdue"
    if deal.status != "open":
        return None
    dates = [d for d in (deal.next_step_date, deal.tender_date, deal.signing_date) if d]
    due_now = any(n.status == "sent" or (n.status == "pending" and n.due_at <= now) for n in nudges)
    if due_now or today in dates:
        return "today"
    if "milestone_due" in attention or any(today < d <= today + timedelta(days=7) for d in dates):
        return "week"
    return None


Weight = tuple[int, Decimal | None, str | None, bool]  # storage.repo.funnel.figures.deal_weights


def weights_of(session: Session, deals: list[Deal], stages: StageSet) -> dict[int, Weight]:
    """Probability, weighted amount, bucket and pipeline membership of these deals, in one query."""
    if not deals:
        return {}
    settings = users_repo.get_team_settings(session, team_id=deals[0].team_id)
    w = stage_weighting(stages, (settings.team_odds if settings is not None else None) or {})  # SPEC §13
    return funnel_repo.deal_weights(session, team_id=deals[0].team_id, deal_ids=[d.id for d in deals], w=w)


def summarize(
    deal: Deal,
    stages: StageSet,
    now: datetime,
    nudges: list[Nudge],
    weight: Weight | None = None,
    *,
    failed: bool = False,
) -> Summary:
    i, stage = stage_position(stages, deal.stage)
    days = max(0, (now - deal.stage_entered_at).days)
    attention = []
    if any(
        n.status == "sent" and n.reminder_sent_at and now - n.reminder_sent_at > OVERDUE_AFTER for n in nudges
    ):
        attention.append("overdue")
    if deal.status == "open" and deal.contact_level != "lower":  # no stall checks at lower contact
        today = now.date()
        attention += [a.flag for a in KINDS.attention() if a.holds(deal, stage, days, today)]
    prob, weighted, below, in_pipeline = weight or (0, None, None, False)
    below = below if below != IN_FUNNEL else None
    return Summary(
        deal.id,
        deal.version,
        deal.owner_id,
        deal.account,
        deal.title,
        deal.status,
        i,
        stage,
        days,
        deal.amount,
        deal.currency,
        prob,
        deal.grade,
        tuple(attention),
        failed=failed and not deal.assessment_incomplete,
        provisional=deal.assessment_incomplete,
        urgency=urgency_of(deal, attention, nudges, now),
        weighted_amount=weighted,
        below=below,
        in_pipeline=in_pipeline,
        rung=ladder.rung(stages, deal.earned_rung) if below is None else None,
        override=below is None and deal.status == "open" and deal.probability_override is not None,
    )


def deal_card(
    session: Session,
    actor: Actor,
    stages: StageSet,
    deal_id: object,
    *,
    now: datetime,
    questions: QuestionSet | None = None,
    period: str | None = None,
    today: date | None = None,
    pass_line: int | None = None,
) -> Card:
    deal = load_deal(session, actor, deal_id)
    return card_of(session, deal, stages, now, questions=questions, period=period, today=today,
                   pass_line=pass_line)  # fmt: skip


SAID_ON_CARD = 6


def said_about(session: Session, deal: Deal) -> tuple[tuple[str, datetime, str, str], ...]:
    """The latest check-ins (the rep's own words) and review notes of a deal, oldest first."""
    from storage.repo import review as review_repo

    out = []
    for c in review_repo.deal_checkins(session, team_id=deal.team_id, deal_id=deal.id)[-SAID_ON_CARD:]:
        text = " · ".join(x for x in (c.done_text, c.progress_text if c.progress else None, c.blockers) if x)
        out.append(("checkin", c.created_at, c.rep_id, text))
    for n in review_repo.deal_notes(session, team_id=deal.team_id, deal_id=deal.id)[-SAID_ON_CARD:]:
        out.append((n.kind, n.created_at, n.author_id, n.body))
        if n.reply:
            out.append(("reply", n.replied_at or n.created_at, n.rep_id, n.reply))
    return tuple(sorted(out, key=lambda x: x[1])[-SAID_ON_CARD:])


def card_of(
    session: Session,
    deal: Deal,
    stages: StageSet,
    now: datetime,
    *,
    questions: QuestionSet | None = None,
    period: str | None = None,
    today: date | None = None,
    pass_line: int | None = None,
) -> Card:
    """The deal card; with ``questions``, its items still to find out as a checklist; ``period``: the
    team's current quota period key (bot.flows.funnel.weighting.current_period); with ``today`` (the
    team's) and ``pass_line`` (the effective one) too, what the next grade up needs."""
    nudges = repo.open_nudges(session, team_id=deal.team_id, deal_ids=[deal.id])[deal.id]
    failed = bool(repo.failed_deal_ids(session, team_id=deal.team_id, deal_ids=[deal.id]))
    s = summarize(deal, stages, now, nudges, weights_of(session, [deal], stages).get(deal.id), failed=failed)
    iv = repo.latest_done_interview(session, team_id=deal.team_id, deal_id=deal.id)
    people = people_repo.people_of(session, team_id=deal.team_id, deal_id=deal.id)
    flags = repo.open_flags(session, team_id=deal.team_id, deal_ids=[deal.id])[deal.id]
    return Card(
        summary=s,
        stage_total=len(stages.stages),
        score=deal.score,
        expected_close=deal.expected_close,
        tender_date=deal.tender_date,
        signing_date=deal.signing_date,
        committed=deal.committed,
        probability_override=deal.probability_override,
        next_step=deal.next_step,
        next_step_date=deal.next_step_date,
        coverage=coverage(people),
        flags=tuple((f.kind, f.reason) for f in flags),
        nudges=tuple((n.kind, n.status, n.due_at) for n in nudges),
        qualified=iv is not None,
        is_last_stage=s.stage_index == len(stages.stages) - 1,
        warnings=people_warnings(stages, s.stage_index, people),
        to_find_out=to_find_out(session, iv.id, questions) if iv is not None and questions else (),
        interview_id=iv.id if iv is not None else None,
        customer=customer_step(session, deal, stages),
        todo=tuple(s.stage.work_items),
        grade_held_since=deal.downgraded_at if is_held(deal, deal.score) else None,
        steps=tuple(stages.stages),
        period=period,
        said=said_about(session, deal),
        commit_period=deal.commit_period if deal.committed else None,
        checkpoint=open_checkpoint(session, deal, stages, s.stage),
        skipped=(skipped := skipped_milestones(session, deal, stages, s.stage_index)),
        skipped_names=tuple(stages.get(k).name for k in skipped),
        waiting=waiting_for_hours(nudges, now),
        owner_tz=owner_zone(session, deal),
        next_grade=_next_grade(deal, iv, questions, today, pass_line),
    )


def waiting_for_hours(nudges: list[Nudge], now: datetime) -> tuple[tuple[str, datetime], ...]:
    """Due nudges the sweep holds until the owner's working time: (kind, when it goes out)."""
    return tuple(
        (n.kind, n.send_after) for n in nudges if n.status == "pending" and n.due_at <= now < n.send_after
    )


def owner_zone(session: Session, deal: Deal) -> str | None:
    user = users_repo.get_user(session, team_id=deal.team_id, user_id=deal.owner_id)
    if user is not None and user.tz:
        return user.tz
    team = users_repo.get_team_settings(session, team_id=deal.team_id)
    return team.timezone if team is not None else None


def _next_grade(deal: Deal, iv, questions: QuestionSet | None, today: date | None, pass_line: int | None):  # noqa: ANN001, ANN202
    """The next grade up and what it needs, for a final grade on an open deal that nothing holds (a held
    downgrade, a knock-out, an incomplete assessment say their own reason)."""
    if questions is None or today is None or pass_line is None or deal.score is None or iv is None:
        return None
    if deal.status not in ("open", "on_hold") or deal.assessment_incomplete or iv.knocked_out:
        return None
    if is_held(deal, deal.score):
        return None
    return next_grade_from(deal.grade, deal.score, pass_line, questions.grades, deal.expected_close, today)


def to_find_out(session: Session, interview_id: int, questions: QuestionSet) -> tuple[tuple[str, Text], ...]:
    """The interview's items still to find out (skipped), in question order, with their names."""
    answers = interviews_repo.current_answers(session, interview_id=interview_id)
    return tuple((q.key, q.short) for q in questions.questions if q.key in answers and answers[q.key].skipped)


def open_checkpoint(
    session: Session, deal: Deal, stages: StageSet, stage: StageDef
) -> tuple[str, str] | None:
    """The current stage's checkpoint, while the open deal has not recorded it (SPEC §2: stage 5's
    "negotiation under way")."""
    if deal.status != "open" or stage.checkpoint is None:
        return None
    done = any(
        m.stage == stage.key and m.checkpoint == stage.checkpoint.key
        for m in repo.milestones_of(session, team_id=deal.team_id, deal_id=deal.id)
    )
    return None if done else (stage.key, stage.checkpoint.key)


def skipped_milestones(session: Session, deal: Deal, stages: StageSet, index: int) -> tuple[str, ...]:
    """Earlier stages whose milestone the deal has not met (forced past): recording one raises the
    probability once every earlier one is met. Automatic gates are met by their facts instead."""
    if deal.status != "open" or index == 0:
        return ()
    met = {
        m.stage
        for m in repo.milestones_of(session, team_id=deal.team_id, deal_id=deal.id)
        if not m.checkpoint
    }
    return tuple(s.key for s in stages.stages[:index] if s.key not in met and s.gate not in ladder.AUTO_GATES)


def people_warnings(stages: StageSet, index: int, people: list) -> tuple[str, ...]:
    """Past the stage whose gate needs a coach and a met decision-maker, their absence is a red flag."""
    gate = next((i for i, st in enumerate(stages.stages) if st.gate == "coach_and_decision_maker"), None)
    if gate is None or index <= gate:
        return ()
    out = []
    if not any(p.role == "coach" for p in people):
        out.append("no_coach")
    if not any(p.role == "decision_maker" and p.met for p in people):
        out.append("dm_not_met")
    return tuple(out)


@dataclass(frozen=True)
class HistoryLine:
    kind: str
    at: datetime
    actor_id: str
    from_value: str | None
    to_value: str | None
    forced: bool
    reason: str | None
    competitor: str | None
    note: str | None


def deal_history(session: Session, actor: Actor, deal_id: object) -> tuple[Deal, list[HistoryLine]]:
    deal = load_deal(session, actor, deal_id)
    events = deals_repo.deal_history(session, team_id=deal.team_id, deal_id=deal.id)
    lines = [
        HistoryLine(
            e.kind, e.at, e.actor_id, e.from_value, e.to_value, e.forced, e.reason, e.competitor, e.note
        )
        for e in events
    ]
    # the check-ins in the rep's own words, in order with the rest (the weekly review's material)
    from storage.repo.review import deal_checkins

    for c in deal_checkins(session, team_id=deal.team_id, deal_id=deal.id):
        said = " · ".join(x for x in (c.done_text, c.progress_text if c.progress else None, c.blockers,
                                      c.next_step) if x)  # fmt: skip
        lines.append(HistoryLine("checkin", c.created_at, c.rep_id, None, None, False, None, None, said))
    return deal, sorted(lines, key=lambda x: x.at)


def visible_summaries(
    session: Session, actor: Actor, stages: StageSet, *, now: datetime, mine_only: bool = False
) -> list[Summary]:
    """Open and on-hold deals the actor may see (only their own with ``mine_only``), most urgent first."""
    owners = [actor.user_id] if mine_only else visible_owner_ids(session, actor)
    deals = repo.deals_of_owners(session, team_id=actor.team_id, owner_ids=owners)
    ids = [d.id for d in deals]
    nudges = repo.open_nudges(session, team_id=actor.team_id, deal_ids=ids)
    failed = repo.failed_deal_ids(session, team_id=actor.team_id, deal_ids=ids)
    weights = weights_of(session, deals, stages)
    return sorted(
        (
            summarize(d, stages, now, nudges.get(d.id, []), weights.get(d.id), failed=d.id in failed)
            for d in deals
        ),
        key=lambda s: s.rank,
    )
