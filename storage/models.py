"""Every table of SPEC §12, in one module.

Conventions: ``team_id`` on every tenant row; timestamps are timezone-aware UTC (``UTCDateTime``
stores UTC on SQLite too and hands back aware datetimes); money is ``Numeric(18, 2)`` with an ISO
currency; constraint names follow ``NAMING_CONVENTION`` so Alembic batch mode can alter them.
The schema is released: a change here is a new migration appended to the head
(`python -m storage.migrate new "..."`; README "Schema changes").
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every dialect."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


MONEY = sa.Numeric(18, 2)


def ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


def money(**kw: Any) -> Any:
    return Field(sa_type=MONEY, **kw)


def json_field(**kw: Any) -> Any:
    return Field(sa_type=sa.JSON, **kw)


# --------------------------------------------------------------------------- workspace
class TeamSettings(SQLModel, table=True):
    """Per-workspace settings from App Home; each overrides the environment default when set."""

    __tablename__ = "team_settings"
    team_id: str = Field(primary_key=True, max_length=32)
    manager_channel: str | None = Field(default=None, max_length=32)
    digest_weekday: int | None = None  # 0 = Monday
    digest_time: str | None = Field(default=None, max_length=5)  # "09:00"
    timezone: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=8)
    pass_line: int | None = None
    stage_set: str | None = Field(default=None, max_length=64)
    base_currency: str | None = Field(default=None, max_length=3)
    work_hours: str | None = Field(default=None, max_length=16)
    work_days: str | None = Field(default=None, max_length=32)
    quota_period: str | None = Field(default=None, max_length=8)  # quarter | month | year
    lost_reasons: list[str] | None = json_field(default=None)
    low_contact_days: int | None = None  # days between light touches of a lower-contact deal
    # planning back from the quota (SPEC §13): the typical deal size when no signed history exists,
    # the rungs switched to the team's own odds ({rung key: percent}, the figure when switched),
    # and the end-of-day time-for-selling prompt (off by default)
    typical_deal_size: Decimal | None = money(default=None)
    team_odds: dict[str, int] | None = json_field(default=None)
    selling_prompt: bool | None = None
    updated_at: datetime | None = ts(default=None)
    updated_by: str | None = Field(default=None, max_length=32)


class SlackUser(SQLModel, table=True):
    """What we know of a Slack user: zone and locale (users.info, kept fresh by user_change)."""

    __tablename__ = "slack_user"
    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=255)
    real_name: str = Field(default="", max_length=255)
    tz: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=16)
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    fetched_at: datetime | None = ts(default=None)
    welcomed_at: datetime | None = ts(default=None)  # the first-run welcome was shown (once)


class Membership(SQLModel, table=True):
    """A role in dealbot (rep, manager, admin); a manager's reps are ``ManagerRep`` rows."""

    __tablename__ = "membership"
    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    role: str = Field(default="rep", max_length=16)
    assigned_by: str | None = Field(default=None, max_length=32)
    assigned_at: datetime | None = ts(default=None)


class ManagerRep(SQLModel, table=True):
    __tablename__ = "manager_rep"
    team_id: str = Field(primary_key=True, max_length=32)
    manager_id: str = Field(primary_key=True, max_length=32)
    rep_id: str = Field(primary_key=True, max_length=32)


class Vacation(SQLModel, table=True):
    __tablename__ = "vacation"
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    user_id: str = Field(max_length=32)
    starts_on: date
    ends_on: date


class SlackEvent(SQLModel, table=True):
    """Events API deliveries seen, keyed by event_id: dedupes retries across restarts and workers."""

    __tablename__ = "slack_event"
    __table_args__ = (sa.Index("ix_slack_event_received_at", "received_at"),)  # the daily prune
    event_id: str = Field(primary_key=True, max_length=64)
    team_id: str = Field(default="", max_length=32)
    status: str = Field(default="processing", max_length=16)  # processing | done | failed
    attempts: int = 1
    lease_until: datetime = ts()
    received_at: datetime = ts()
    finished_at: datetime | None = ts(default=None)
    told_at: datetime | None = ts(default=None)  # the user was told a delivery failed (once, not per retry)


# --------------------------------------------------------------------------- deals
class Deal(SQLModel, table=True):
    __tablename__ = "deal"
    __table_args__ = (
        sa.Index("ix_deal_team_status_stage_amount", "team_id", "status", "stage", "amount"),
        sa.Index("ix_deal_team_owner_stage", "team_id", "owner_id", "stage"),
        sa.Index("ix_deal_team_stage_entered", "team_id", "stage", "stage_entered_at"),
        sa.CheckConstraint("status in ('open','won','lost','dropped','on_hold')", name="status"),
        sa.CheckConstraint("contact_level in ('normal','lower')", name="contact_level"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    owner_id: str = Field(max_length=32)
    account: str = Field(max_length=200)
    title: str = Field(default="", max_length=200)
    amount: Decimal | None = money(default=None)
    currency: str = Field(default="CNY", max_length=3)
    stage: str = Field(default="qualify", max_length=32)
    stage_entered_at: datetime = ts()
    status: str = Field(default="open", max_length=16)
    grade: str | None = Field(default=None, max_length=1)
    score: int | None = None
    expected_close: date | None = None
    tender_date: date | None = None
    signing_date: date | None = None
    contact_level: str = Field(default="normal", max_length=8)
    committed: bool = False  # the rep commits to close it this period
    # the latest interview left items to find out (SPEC §3.3): the grade is provisional
    assessment_incomplete: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    probability_override: int | None = None  # percent, 0..100
    next_step: str | None = Field(default=None, max_length=500)
    next_step_date: date | None = None
    followup_t0: datetime | None = ts(default=None)  # start of the current 1/15/30 cycle
    followup_cycle: int = 0
    # where the customer is in its own buying steps: the key of the stage whose buying_step it is at
    customer_step: str | None = Field(default=None, max_length=32)
    # a rep's day-30 downgrade, held until the score or the expected close differs from these
    downgraded_at: datetime | None = ts(default=None)
    downgrade_score: int | None = None
    downgrade_close: date | None = None
    version: int = 1
    created_at: datetime = ts()
    updated_at: datetime = ts()
    closed_at: datetime | None = ts(default=None)
    # the 965531 ladder (bot/flows/pipeline/ladder.py keeps these): the last rung met with every earlier
    # one met (None: below the funnel, in qualification), and a failed qualification (below the funnel)
    earned_rung: str | None = Field(default=None, max_length=80)
    qualification_failed: bool = False
    commit_period: str | None = Field(default=None, max_length=16)  # the quota period committed for
    contact_touch: int = 0  # lower contact: the number of the next light touch
    contact_touch_t0: datetime | None = ts(default=None)  # lower contact: the wait for it began


class DealEvent(SQLModel, table=True):
    """A deal's history: stage changes (met or forced, with reason), outcomes, reopen, regrades.

    ``kind``: created | stage | won | lost | dropped | on_hold | reopened | grade | close_date | edit.
    A stage change has ``from_value``/``to_value`` = stage keys and ``forced``; a grade change carries
    its ``reason`` (the cause); lost carries ``reason`` (from the list), ``competitor`` and ``note``.
    """

    __tablename__ = "deal_event"
    __table_args__ = (
        sa.Index("ix_deal_event_team_kind_at", "team_id", "kind", "at"),
        # deals that entered a stage (signing) in a window: achievement, the plan's average deal size
        sa.Index("ix_deal_event_team_kind_to_at", "team_id", "kind", "to_value", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    from_value: str | None = Field(default=None, max_length=64)
    to_value: str | None = Field(default=None, max_length=64)
    milestone_met: bool | None = None
    forced: bool = False
    reason: str | None = Field(default=None, max_length=2000)
    competitor: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000)
    actor_id: str = Field(max_length=32)
    at: datetime = ts()


class Milestone(SQLModel, table=True):
    __tablename__ = "milestone"
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", index=True, ondelete="CASCADE")
    stage: str = Field(max_length=32)
    what: str = Field(max_length=2000)
    checkpoint: str | None = Field(default=None, max_length=64)  # a checkpoint inside the stage
    evidence: str | None = Field(default=None, max_length=2000)
    met_on: date
    recorded_by: str = Field(max_length=32)
    recorded_at: datetime = ts()


class RedFlag(SQLModel, table=True):
    """Flags raised by an act (forced advance, failed prospect kept open); derived flags are queries."""

    __tablename__ = "red_flag"
    __table_args__ = (sa.Index("ix_red_flag_team_open", "team_id", "cleared_at"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32)  # forced_advance | failed_prospect_kept | ...
    reason: str = Field(default="", max_length=2000)
    raised_by: str = Field(max_length=32)
    raised_at: datetime = ts()
    cleared_at: datetime | None = ts(default=None)
    cleared_by: str | None = Field(default=None, max_length=32)


class Person(SQLModel, table=True):
    """A buying influence (SPEC §4)."""

    __tablename__ = "person"
    __table_args__ = (
        sa.CheckConstraint("influence between 1 and 5", name="influence"),
        sa.CheckConstraint("role in ('decision_maker','gatekeeper','user','coach','other')", name="role"),
        sa.CheckConstraint("attitude in ('supporter','neutral','opponent')", name="attitude"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    title: str | None = Field(default=None, max_length=200)
    role: str = Field(default="other", max_length=16)
    attitude: str = Field(default="neutral", max_length=16)
    influence: int = 3
    met: bool = False
    created_at: datetime = ts()
    updated_at: datetime = ts()


class Payment(SQLModel, table=True):
    __tablename__ = "payment"
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    deal_id: int = Field(foreign_key="deal.id", index=True, ondelete="CASCADE")
    amount: Decimal = money()
    currency: str = Field(default="CNY", max_length=3)
    paid_on: date
    recorded_by: str = Field(max_length=32)
    recorded_at: datetime = ts()


class Quota(SQLModel, table=True):
    __tablename__ = "quota"
    __table_args__ = (sa.UniqueConstraint("team_id", "rep_id", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    rep_id: str = Field(max_length=32)
    period: str = Field(max_length=16)  # 2027-Q1 | 2027-03 | 2027
    period_start: date
    period_end: date  # exclusive
    amount: Decimal = money()
    currency: str = Field(default="CNY", max_length=3)
    set_by: str = Field(max_length=32)
    set_at: datetime = ts()


# --------------------------------------------------------------------------- qualification
class Interview(SQLModel, table=True):
    """One qualification interview of a deal; a redo starts a new one and keeps the old.

    Per rep at most one is active in the DM (partial unique index): typed DM text goes to it.
    """

    __tablename__ = "interview"
    __table_args__ = (
        sa.Index(
            "uq_interview_dm_active",
            "team_id",
            "rep_id",
            unique=True,
            sqlite_where=sa.text("dm_active"),
            postgresql_where=sa.text("dm_active"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", index=True, ondelete="CASCADE")
    rep_id: str = Field(max_length=32)
    status: str = Field(default="active", max_length=16)  # active | paused | done | replaced
    dm_active: bool = False
    question_set: str = Field(default="default", max_length=64)
    current_key: str | None = Field(default=None, max_length=64)
    channel_id: str | None = Field(default=None, max_length=32)
    question_ts: str | None = Field(default=None, max_length=32)  # the DM message asking current_key
    score: int | None = None
    grade: str | None = Field(default=None, max_length=1)
    knocked_out: bool = False
    recommendation: str | None = Field(default=None, max_length=16)
    started_at: datetime = ts()
    finished_at: datetime | None = ts(default=None)
    version: int = 1


class InterviewAnswer(SQLModel, table=True):
    """Every answer with who and when; a change supersedes, never overwrites."""

    __tablename__ = "interview_answer"
    __table_args__ = (
        sa.Index("ix_interview_answer_current", "interview_id", "question_key", "superseded_by"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    interview_id: int = Field(foreign_key="interview.id", ondelete="CASCADE")
    question_key: str = Field(max_length=64)
    value: Any = json_field(default=None)  # parsed value; None = skipped
    skipped: bool = False
    raw_text: str | None = Field(default=None, max_length=4000)
    answered_by: str = Field(max_length=32)
    answered_at: datetime = ts()
    message_ts: str | None = Field(default=None, max_length=32)
    superseded_by: int | None = Field(default=None, foreign_key="interview_answer.id")


# --------------------------------------------------------------------------- follow-ups
class Nudge(SQLModel, table=True):
    """A planned DM to the deal's owner, claimed with a lease by any replica's sweep.

    kind: a key of the nudge kind registry (``bot/flows/followups/kinds.py``); storage keeps it a plain
    string. status: pending -> claimed -> sent -> answered, or skipped / failed.
    ``available_at`` is the one visibility column the sweep scans: send_after while pending, the
    lease expiry while claimed, the reminder time while sent and not yet reminded.
    """

    __tablename__ = "nudge"
    __table_args__ = (
        sa.UniqueConstraint("deal_id", "kind", "cycle"),
        sa.Index(
            "ix_nudge_ready",
            "available_at",
            sqlite_where=sa.text("status in ('pending','claimed','sent')"),
            postgresql_where=sa.text("status in ('pending','claimed','sent')"),
        ),
        sa.Index("ix_nudge_team_owner_status", "team_id", "owner_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", ondelete="CASCADE")
    owner_id: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    cycle: int = 0
    due_at: datetime = ts()
    send_after: datetime = ts()
    available_at: datetime | None = ts(default=None)
    status: str = Field(default="pending", max_length=16)
    reason: str | None = Field(default=None, max_length=500)
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = ts(default=None)
    claimed_at: datetime | None = ts(default=None)
    channel_id: str | None = Field(default=None, max_length=32)
    slack_ts: str | None = Field(default=None, max_length=32)
    sent_at: datetime | None = ts(default=None)
    answered_at: datetime | None = ts(default=None)
    reminder_sent_at: datetime | None = ts(default=None)
    reminder_ts: str | None = Field(default=None, max_length=32)
    overdue_at: datetime | None = ts(default=None)  # set with the reminder: one working day after it
    snoozed_until: datetime | None = ts(default=None)
    created_at: datetime = ts()


class CheckIn(SQLModel, table=True):
    __tablename__ = "checkin"
    __table_args__ = (sa.Index("ix_checkin_team_deal_at", "team_id", "deal_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", ondelete="CASCADE")
    nudge_id: int | None = Field(default=None, foreign_key="nudge.id", ondelete="SET NULL")
    rep_id: str = Field(max_length=32)
    done_text: str = Field(default="", max_length=3000)
    progress: bool = False
    progress_text: str | None = Field(default=None, max_length=3000)
    blockers: str | None = Field(default=None, max_length=3000)
    next_step: str | None = Field(default=None, max_length=500)
    next_step_date: date | None = None
    created_at: datetime = ts()


# --------------------------------------------------------------------------- time for selling
class SellingDay(SQLModel, table=True):
    """The end-of-day "time for selling" prompt (SPEC §13, seed 003): one row per rep per working day,
    created with ``INSERT … ON CONFLICT DO NOTHING`` and claimed with a lease (sent exactly once).

    status: pending -> claimed -> sent -> answered; answer: selling | half | other."""

    __tablename__ = "selling_day"
    __table_args__ = (
        sa.UniqueConstraint("team_id", "rep_id", "day"),
        sa.Index("ix_selling_day_team_day", "team_id", "day"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    rep_id: str = Field(max_length=32)
    day: date  # the rep's working day, in their zone
    due_at: datetime = ts()
    status: str = Field(default="pending", max_length=16)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = ts(default=None)
    channel_id: str | None = Field(default=None, max_length=32)
    slack_ts: str | None = Field(default=None, max_length=32)
    sent_at: datetime | None = ts(default=None)
    answer: str | None = Field(default=None, max_length=8)
    note: str | None = Field(default=None, max_length=500)
    answered_at: datetime | None = ts(default=None)
    created_at: datetime = ts()


# --------------------------------------------------------------------------- digest
class DigestRun(SQLModel, table=True):
    """One weekly digest per workspace, channel and period; the unique key makes it once across replicas."""

    __tablename__ = "digest_run"
    __table_args__ = (sa.UniqueConstraint("team_id", "channel_id", "period_start"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    period_start: datetime = ts()  # Monday 00:00 team time, stored as UTC
    status: str = Field(default="pending", max_length=16)  # pending | claimed | posted | failed
    available_at: datetime | None = ts(default=None)
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=64)
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=500)
    figures: Any = json_field(default=None)  # the four numbers, for "change since last week"
    created_at: datetime = ts()
    posted_at: datetime | None = ts(default=None)


# --------------------------------------------------------------------------- Slack installations (OAuth)
# slack_sdk's SQLAlchemy stores own these tables' shape: they are built here by the stores' own
# builders, on this metadata, so migration 0005 creates them with dealbot's other tables and the
# models-vs-migrations test holds them too (tests/storage/test_oauth_stores.py compares each with the
# store's own definition). Rows are written and read only through the stores (bot/oauth.py).
SLACK_INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, SQLAlchemyInstallationStore.default_installations_table_name
)
SLACK_BOTS = SQLAlchemyInstallationStore.build_bots_table(
    SQLModel.metadata, SQLAlchemyInstallationStore.default_bots_table_name
)
SLACK_OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    SQLModel.metadata, SQLAlchemyOAuthStateStore.default_table_name
)


# --------------------------------------------------------------------------- weekly review
class ReviewNote(SQLModel, table=True):
    """A manager's word on a deal in the weekly review (SPEC §7.1), and the rep's reply.

    kind: comment | agree | challenge | checkin_ask; target: deal | verdict | judgement. A comment is
    answered (``reply``); a challenge is resolved by the rep looking again (``reply`` is the outcome).
    Only the deal's owner, that owner's managers and admins ever see a note.
    """

    __tablename__ = "review_note"
    __table_args__ = (sa.Index("ix_review_note_team_rep_at", "team_id", "rep_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", index=True, ondelete="CASCADE")
    rep_id: str = Field(max_length=32)
    author_id: str = Field(max_length=32)
    kind: str = Field(max_length=16)
    target: str = Field(default="deal", max_length=16)
    body: str = Field(default="", max_length=3000)
    reply: str | None = Field(default=None, max_length=3000)
    replied_at: datetime | None = ts(default=None)
    created_at: datetime = ts()


class ReviewRun(SQLModel, table=True):
    """The weekly review DM: one per (manager, week) — and a lost deal's loss review, one per (manager,
    deal) — the unique key makes each once across replicas."""

    __tablename__ = "review_run"
    __table_args__ = (sa.UniqueConstraint("team_id", "manager_id", "week", "deal_id"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    manager_id: str = Field(max_length=32)
    week: datetime = ts()  # Monday 00:00 team time, stored as UTC; a loss review: when the deal was lost
    deal_id: int = 0  # 0: the weekly review; else the lost deal of a loss review
    status: str = Field(default="pending", max_length=16)  # pending | claimed | sent | failed
    available_at: datetime | None = ts(default=None)
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=64)
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = ts()
    sent_at: datetime | None = ts(default=None)


class ReviewOpen(SQLModel, table=True):
    """A manager (or admin) opened a rep's weekly review in a week (SPEC §7.1: reviewed, not just
    posted): one row per (reader, rep, week), the first and the latest opening and how often."""

    __tablename__ = "review_open"
    __table_args__ = (sa.UniqueConstraint("team_id", "reader_id", "rep_id", "week"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    reader_id: str = Field(max_length=32)
    rep_id: str = Field(max_length=32)
    week: datetime = ts()  # Monday 00:00 team time, stored as UTC
    first_at: datetime = ts()
    last_at: datetime = ts()
    times: int = 1


# --------------------------------------------------------------------------- sandbox
class SandboxDatabase(SQLModel, table=True):
    """Present (one row) only in a database the sandbox created: `dealbot sandbox` refuses any other
    unless forced, so a sandbox never sends, fails or pulls in a real workspace's nudges."""

    __tablename__ = "sandbox_database"
    id: int = Field(default=1, primary_key=True)
    created_at: datetime = ts()
