"""The weekly review of one rep's funnel (SPEC §5, §7.1; seeds 000, 003), as plain data: for every open
in-funnel deal, this week's check-ins in the rep's own words, milestones met or forced, grade moves,
open flags, the verdict of a new prospect to co-screen, the day-30 judgement made or still open, the
manager's notes and the rep's replies — deals that need the manager first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.flows.errors import NotAllowed
from bot.flows.funnel.periods import week_start
from bot.flows.team.access import visible_owner_ids
from bot.flows.team.users import Actor
from storage.models import CheckIn, Deal, DealEvent, ReviewNote
from storage.repo import plan as plan_repo
from storage.repo import review as repo

WEEK = timedelta(days=7)
QUIET = timedelta(days=14)  # "no news for two weeks"
GRADES = {"A": 0, "B": 1, "C": 2, "D": 3}
# why a deal needs the manager, most urgent first (the review's order)
NEEDS = ("verdict", "challenged", "judgement", "blocker", "quiet")
MOVES = ("stage", "milestone", "grade", "contact", "forced_advance")
REVIEW_EVENTS = ("review_comment", "review_answer", "review_agree", "review_challenge", "review_resolved",
                 "checkin_asked")  # fmt: skip


@dataclass(frozen=True)
class CheckinLine:
    at: datetime
    done: str
    progress: str | None
    blockers: str | None
    next_step: str | None
    next_date: date | None


@dataclass(frozen=True)
class Move:
    """A milestone met or forced, a stage or grade change, this week."""

    kind: str
    at: datetime
    from_value: str | None
    to_value: str | None
    forced: bool
    reason: str | None


@dataclass(frozen=True)
class Verdict:
    """A new prospect's verdict to co-screen: score, grade, knock-outs, items still to find out."""

    score: int | None
    grade: str | None
    knocked_out: bool
    recommendation: str | None
    incomplete: bool


@dataclass(frozen=True)
class Judgement:
    """Day 30: made this week (what the rep chose and what dealbot recommended) or still open."""

    open: bool
    decision: str | None = None
    recommended: str | None = None


@dataclass(frozen=True)
class NoteLine:
    id: int
    kind: str  # comment | agree | challenge | checkin_ask
    target: str
    author_id: str
    body: str
    reply: str | None
    at: datetime


@dataclass
class DealReview:
    deal_id: int
    version: int
    account: str
    title: str
    stage: str
    grade: str | None
    amount: str | None
    currency: str
    contact_level: str
    checkins: list[CheckinLine] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    verdict: Verdict | None = None
    judgement: Judgement | None = None
    notes: list[NoteLine] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # of NEEDS
    no_checkin: bool = False  # no check-in this week
    quiet_since: datetime | None = None  # no news for two weeks or more: the last news

    @property
    def has_news(self) -> bool:
        return bool(
            self.checkins or self.moves or self.verdict or (self.judgement and not self.judgement.open)
        )

    @property
    def rank(self) -> tuple:
        first = min((NEEDS.index(n) for n in self.needs), default=len(NEEDS))
        return first, GRADES.get(self.grade or "", 4), self.deal_id


@dataclass(frozen=True)
class LastWeek:
    """Reviewed, not just posted (SPEC §7.1): did the reader open this rep's review last week, and when."""

    opened_at: datetime | None  # None: the weekly DM went out and the review was not opened


@dataclass
class RepReview:
    team_id: str
    rep_id: str
    since: datetime
    until: datetime
    deals: list[DealReview]
    # the share of the rep's week spent selling (issue 16 fills it); rendered only when set
    selling_share: float | None = None
    # the reader's last week with this review (see LastWeek); None when there was none to open
    last_week: LastWeek | None = None

    @property
    def with_news(self) -> int:
        return sum(1 for d in self.deals if d.has_news)

    @property
    def without_news(self) -> int:
        return len(self.deals) - self.with_news

    @property
    def open_judgements(self) -> int:
        return sum(1 for d in self.deals if d.judgement and d.judgement.open)

    @property
    def answered(self) -> int:
        return sum(1 for d in self.deals for n in d.notes if n.reply and n.kind == "comment")

    @property
    def resolved(self) -> int:
        return sum(1 for d in self.deals for n in d.notes if n.reply and n.kind == "challenge")

    @property
    def quiet(self) -> int:
        return sum(1 for d in self.deals if d.quiet_since is not None)


def reviewable_reps(session: Session, actor: Actor) -> list[str]:
    """The reps whose review the actor may read: a manager's reps, every owner for an admin."""
    if actor.is_admin:
        reps = set(repo.owners_with_open_deals(session, team_id=actor.team_id))
        for rs in repo.managers(session, team_id=actor.team_id).values():
            reps.update(rs)
        return sorted(reps)
    if actor.role == "manager":
        return [u for u in (visible_owner_ids(session, actor) or []) if u != actor.user_id]
    return []


def require_reader(session: Session, actor: Actor, rep_id: str) -> None:
    """A rep's notes reach only that rep's managers and admins."""
    if rep_id not in reviewable_reps(session, actor):
        raise NotAllowed()


def build_review(session: Session, actor: Actor, rep_id: str, *, now: datetime) -> RepReview:
    require_reader(session, actor, rep_id)
    return rep_review(session, actor.team_id, rep_id, now=now)


def open_review(session: Session, actor: Actor, rep_id: str, *, now: datetime, zone: ZoneInfo) -> RepReview:
    """The reader opens a rep's review (the weekly DM's or App Home's button, `/funnel review`): it is
    recorded for this week, and the review says whether the reader opened it last week."""
    review = build_review(session, actor, rep_id, now=now)
    week = week_start(now, zone)
    repo.record_open(
        session, team_id=actor.team_id, reader_id=actor.user_id, rep_id=rep_id, week=week, now=now
    )
    review.last_week = last_weeks(session, actor.team_id, actor.user_id, [rep_id], week=week, zone=zone).get(
        rep_id
    )
    return review


def last_weeks(session: Session, team_id: str, reader_id: str, rep_ids: list[str], *, week: datetime,
               zone: ZoneInfo) -> dict[str, LastWeek]:  # fmt: skip
    """Per rep, the reader's week before ``week``: opened (when), or not opened although the weekly DM
    went out; a rep is left out when there was neither (nothing to say)."""
    before = week_start(week - timedelta(days=1), zone)
    opened = repo.opened(session, team_id=team_id, reader_id=reader_id, week=before)
    sent = repo.run_sent(session, team_id=team_id, manager_id=reader_id, week=before)
    return {r: LastWeek(opened.get(r)) for r in rep_ids if r in opened or sent}


def rep_review(session: Session, team_id: str, rep_id: str, *, now: datetime) -> RepReview:
    """The review of the week before ``now`` (no access check: callers check)."""
    return reviews(session, team_id, [rep_id], now=now)[rep_id]


def reviews(session: Session, team_id: str, rep_ids: list[str], *, now: datetime) -> dict[str, RepReview]:
    """Several reps' reviews from one set of queries (no query per deal)."""
    since = now - WEEK
    deals = [d for d in repo.open_deals(session, team_id=team_id, rep_ids=rep_ids) if _in_funnel(d)]
    ids = [d.id for d in deals]
    checkins = repo.checkins_since(session, team_id=team_id, rep_ids=rep_ids, since=since)
    last_checkin = repo.last_checkin_at(session, team_id=team_id, rep_ids=rep_ids)
    events = repo.events_since(session, team_id=team_id, deal_ids=ids, since=now - QUIET)
    flags = repo.open_flags(session, team_id=team_id, deal_ids=ids)
    verdicts = repo.verdicts_since(session, team_id=team_id, deal_ids=ids, since=since)
    open_j = repo.open_judgements(session, team_id=team_id, deal_ids=ids)
    notes = repo.notes(session, team_id=team_id, deal_ids=ids, since=since)
    out = {r: RepReview(team_id, r, since, now, []) for r in rep_ids}
    for d in deals:
        out[d.owner_id].deals.append(
            _deal(d, since, now, checkins.get(d.id, []), last_checkin.get(d.id), events.get(d.id, []),
                  [f.kind for f in flags.get(d.id, [])], verdicts.get(d.id), d.id in open_j, notes.get(d.id, []))
        )  # fmt: skip
    for r in out.values():
        r.deals = sorted(visible(r), key=lambda x: x.rank)
        # the share of the week spent selling (issue 16's end-of-day prompt); None when never answered
        r.selling_share = plan_repo.selling_share(session, team_id, r.rep_id, since, now)
    return out


def _in_funnel(d: Deal) -> bool:
    """Open deals in the funnel; lower-contact deals only when their touch brought news (see _deal)."""
    return d.status == "open"


def _deal(d: Deal, since: datetime, now: datetime, checkins: list[CheckIn], last_checkin: datetime | None,
          events: list[DealEvent], flags: list[str], interview, judgement_open: bool,
          notes: list[ReviewNote]) -> DealReview:  # noqa: ANN001  # fmt: skip
    week_events = [e for e in events if e.at >= since]
    r = DealReview(
        deal_id=d.id, version=d.version, account=d.account, title=d.title, stage=d.stage, grade=d.grade,
        amount=None if d.amount is None else str(d.amount), currency=d.currency, contact_level=d.contact_level,
        flags=flags,
        checkins=[CheckinLine(c.created_at, c.done_text, c.progress_text if c.progress else None, c.blockers,
                              c.next_step, c.next_step_date) for c in checkins],
        moves=[Move(e.kind, e.at, e.from_value, e.to_value, e.forced, e.reason) for e in week_events
               if e.kind in MOVES],
        notes=[NoteLine(n.id, n.kind, n.target, n.author_id, n.body, n.reply, n.created_at) for n in notes],
    )  # fmt: skip
    if interview is not None:
        r.verdict = Verdict(interview.score, interview.grade, interview.knocked_out, interview.recommendation,
                            d.assessment_incomplete)  # fmt: skip
    made = [e for e in week_events if e.kind == "day30"]
    if judgement_open:
        r.judgement = Judgement(open=True)
    elif made:
        r.judgement = Judgement(open=False, decision=made[-1].to_value, recommended=made[-1].note)
    r.no_checkin = not checkins
    news = [e.at for e in events if e.kind not in REVIEW_EVENTS] + ([last_checkin] if last_checkin else [])
    latest = max(news, default=d.created_at)
    if now - latest >= QUIET:
        r.quiet_since = latest
    screened = {n.target for n in r.notes if n.kind in ("agree", "challenge")}
    if r.verdict and "verdict" not in screened:
        r.needs.append("verdict")
    if any(n.kind == "challenge" and not n.reply for n in r.notes):
        r.needs.append("challenged")
    if r.judgement and (r.judgement.open or "judgement" not in screened):
        r.needs.append("judgement")
    if any(c.blockers for c in r.checkins):
        r.needs.append("blocker")
    if r.quiet_since is not None:
        r.needs.append("quiet")
    if d.contact_level == "lower" and not r.has_news:
        r.needs = []  # a lower-contact deal shows only when its light touch brought news
    return r


@dataclass(frozen=True)
class TeamLine:
    rep_id: str
    with_news: int
    without_news: int
    open_judgements: int
    needs_you: int
    last_week: LastWeek | None = None  # the reader's last week with this rep's review


def team_week(session: Session, team_id: str, rep_ids: list[str], *, now: datetime, reader_id: str | None = None,
              zone: ZoneInfo | None = None) -> list[TeamLine]:  # fmt: skip
    """The weekly DM's line per rep: deals with news, without, open judgements, deals that need you — and,
    for a reader, whether they opened that rep's review last week."""
    out = reviews(session, team_id, rep_ids, now=now)
    last = {}
    if reader_id is not None and zone is not None:
        last = last_weeks(session, team_id, reader_id, rep_ids, week=week_start(now, zone), zone=zone)
    return [
        TeamLine(r, out[r].with_news, out[r].without_news, out[r].open_judgements,
                 sum(1 for d in out[r].deals if d.needs), last.get(r))
        for r in rep_ids
    ]  # fmt: skip


def visible(review: RepReview) -> list[DealReview]:
    """What the review lists: every open normal-contact deal, and lower-contact ones with news."""
    return [d for d in review.deals if d.contact_level != "lower" or d.has_news]


def user_locale(session: Session, settings, team_id: str, user_id: str) -> str:  # noqa: ANN001
    """The language a DM to ``user_id`` is written in: theirs when Slack told us, else the team's."""
    from bot.flows.team.config import team_config
    from bot.i18n import normalize_locale
    from storage.repo import users as users_repo

    user = users_repo.get_user(session, team_id=team_id, user_id=user_id)
    return normalize_locale(user.locale if user else None, team_config(session, settings, team_id).locale)
