"""Nudge DMs (UX.md "Nudge"): the question first, then the buttons; answered, snoozed or no longer
needed, the same message is updated in place without buttons (clean up after yourself)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot import ids
from bot.blocks import clip, message
from bot.i18n import t
from bot.i18n.format import format_date, join_list


@dataclass(frozen=True)
class NudgeView:
    nudge_id: int
    deal_id: int
    question_key: str  # the kind's catalog text (kinds.py)
    actions: tuple[str, ...]  # the kind's answer buttons, first the primary one (kinds.py)
    deal_name: str
    locale: str
    since: date | None = None
    stage_name: str | None = None
    expected_days: int | None = None
    key_date: date | None = None
    date_kind: str | None = None  # tender | signing
    recommendation: str | None = None  # day 30: drop | keep
    progress_since: date | None = None  # day 30: what the recommendation looked at, from when
    progress: tuple[tuple[str, int], ...] = ()  # day 30: (kind, how many) that counted as progress
    reminder: bool = False
    overdue_since: datetime | None = None


def deal_name(account: str, title: str | None) -> str:
    return clip(f"{account} — {title}" if title else account, 200)


def question(v: NudgeView) -> str:
    lc = v.locale
    return t(
        v.question_key,
        lc,
        deal=v.deal_name,
        since=format_date(v.since, lc),
        stage=v.stage_name or "",
        expected=v.expected_days or "",
        date=format_date(v.key_date, lc),
        date_kind=t(f"followups.date_kind.{v.date_kind or 'tender'}", lc),
    )


def _button(v: NudgeView, key: str, action_id: str, value: int, style: str | None = None,
            confirm: ConfirmObject | None = None) -> ButtonElement:  # fmt: skip
    return ButtonElement(
        text=t(f"followups.btn.{key}", v.locale), action_id=action_id, value=str(value), style=style,
        confirm=confirm,
    )  # fmt: skip


# Answers that open something for the deal (keep / downgrade / lower / resume decide on the nudge itself).
DEAL_ACTS = {
    "checkin": ids.ACT_CHECKIN_OPEN,
    "milestone": ids.ACT_MILESTONE_OPEN,
    "qualify": ids.ACT_QUALIFY_START,
    "still_on_hold": ids.ACT_HOLD_OPEN,
    "lost": ids.ACT_LOST_OPEN,
}
NUDGE_ACTS = {"lower": ids.ACT_NUDGE_LOWER, "resume": ids.ACT_NUDGE_RESUME}  # value: the nudge


# The light touch of a lower-contact deal (kinds.TOUCH), answered on the nudge (value = nudge id).
TOUCH_ACTS = {"requalify": ids.ACT_TOUCH_REQUALIFY, "still_low": ids.ACT_TOUCH_STILL_LOW}


def _answer_button(v: NudgeView, action: str, first: bool) -> ButtonElement:
    """One of the kind's own answers: a decision (keep / downgrade / drop) or an act on the deal."""
    lc = v.locale
    if action == "keep":
        style = "primary" if v.recommendation == "keep" else None
        return _button(v, "keep", ids.ACT_NUDGE_KEEP, v.nudge_id, style)
    if action == "downgrade":
        confirm = ConfirmObject(
            title=t("followups.confirm.downgrade_title", lc),
            text=t("followups.confirm.downgrade_text", lc),
            confirm=t("followups.confirm.yes", lc),
            deny=t("followups.confirm.no", lc),
        )
        return _button(v, "downgrade", ids.ACT_NUDGE_DOWNGRADE, v.nudge_id, confirm=confirm)
    if action == "drop":
        return _button(v, "drop", ids.ACT_DROP_OPEN, v.deal_id, "danger")
    if action in NUDGE_ACTS:
        return _button(v, action, NUDGE_ACTS[action], v.nudge_id, "primary" if first else None)
    if action in TOUCH_ACTS:  # a lower-contact deal's light touch: answered on the nudge itself
        return _button(v, action, TOUCH_ACTS[action], v.nudge_id, "primary" if first else None)
    return _button(v, action, DEAL_ACTS[action], v.deal_id, "primary" if first else None)


def _actions(v: NudgeView) -> list[ButtonElement]:
    return [
        *(_answer_button(v, a, i == 0) for i, a in enumerate(v.actions)),
        _button(v, "snooze_day", ids.ACT_NUDGE_SNOOZE_DAY, v.nudge_id),
        _button(v, "snooze_week", ids.ACT_NUDGE_SNOOZE_WEEK, v.nudge_id),
        _button(v, "open", ids.ACT_DEAL_OPEN, v.deal_id),
    ]


def nudge_message(v: NudgeView) -> dict:
    lc = v.locale
    blocks: list = [SectionBlock(block_id=f"nudge_{v.nudge_id}", text=MarkdownTextObject(text=question(v)))]
    if v.recommendation:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(recommendation_text(v), 3000))]))
    if v.overdue_since:
        note = t("followups.overdue", lc, date=format_date(v.overdue_since, lc))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    elif v.reminder:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t("followups.reminder", lc))]))
    blocks.append(ActionsBlock(block_id=f"nudge_actions_{v.nudge_id}", elements=_actions(v)))
    text = t("followups.notification", lc, deal=v.deal_name)
    if v.reminder and not v.overdue_since:
        text = f"{t('followups.reminder', lc)} {text}"
    return message(text, blocks)


def recommendation_text(v: NudgeView) -> str:
    """Day 30's advice and what it looked at: the progress found since the cycle began, or none."""
    lc = v.locale
    since = format_date(v.progress_since, lc)
    found = [t(f"followups.progress.{k}", lc, n=n) for k, n in v.progress if n]
    return t(f"followups.recommend.{v.recommendation}", lc, since=since, found=join_list(found, lc))


def settled_message(text: str, *, context: str | None = None) -> dict:
    """A nudge after its answer: one line, no buttons."""
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))]
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(context, 3000))]))
    return message(clip(text, 3000), blocks)


def slack_time(at: datetime, locale: str) -> str:
    """A time each reader sees in their own zone (Slack's date token), with a readable fallback."""
    fallback = at.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"
