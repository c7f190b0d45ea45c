"""The advance/milestone dialog and the outcome dialogs (won, lost, drop, on hold, edit)."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import DividerBlock, SectionBlock

from bot import ids
from bot.blocks.deal_card import md
from bot.blocks.modals import checkbox_input, date_input, modal, select_input, text_input
from bot.flows.pipeline.stage import AdvancePlan
from bot.flows.pipeline.status import Card
from bot.i18n import has, t
from bot.i18n.format import format_period


def gate_lines(plan: AdvancePlan, locale: str) -> list[str]:
    """The stage's checklist, once: the gate's automatic checks (✅ / ❌) first, then the checklist items
    they do not already say (• — what the rep judges and records)."""
    checks = [(c.ok, t(f"pipeline.check.{c.key}", locale)) for c in plan.checks]
    said = {_same(text) for _, text in checks}
    items = [item.get(locale) for item in plan.stage.checklist]
    return [f"{'✅' if ok else '❌'} {text}" for ok, text in checks] + [
        f"• {text}" for text in items if _same(text) not in said
    ]


def _same(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".。")


def advance_modal(plan: AdvancePlan, locale: str, today: date, metadata: str) -> dict:
    stage, nxt = plan.stage, plan.next_stage
    head = t(
        "advance.head",
        locale,
        account=plan.account,
        n=plan.index + 1,
        total=plan.total,
        name=stage.name.get(locale),
        next=nxt.name.get(locale) if nxt else "—",
    )
    blocks = [
        SectionBlock(text=md(head)),
        SectionBlock(
            text=md(
                "\n".join(
                    [
                        t("advance.milestone", locale, milestone=stage.milestone.get(locale)),
                        *gate_lines(plan, locale),
                    ]
                )
            )
        ),
    ]
    blocks += [
        text_input(
            "what",
            t("advance.what", locale),
            optional=True,
            multiline=True,
            placeholder=stage.milestone.get(locale),
            hint=t("advance.what_hint", locale) if plan.needs_record else None,
        ),
        date_input("met_on", t("advance.met_on", locale), initial=today),
        text_input("evidence", t("advance.evidence", locale), optional=True, multiline=True),
        DividerBlock(),
        text_input(  # required when the gate's checks fail: then a reason is the only way on
            "force_reason",
            t("advance.force", locale),
            optional=plan.auto_met,
            multiline=True,
            hint=t("advance.force_hint", locale),
        ),
    ]
    return modal(
        ids.VIEW_ADVANCE,
        t("advance.title", locale),
        blocks,
        submit=t("advance.submit", locale),
        close=t("common.cancel", locale),
        metadata=metadata,
    )


def _head(card: Card, locale: str) -> SectionBlock:
    s = card.summary
    return SectionBlock(text=md(f"*{s.account}*" + (f" — {s.title}" if s.title else "")))


def won_modal(card: Card, locale: str, today: date, metadata: str) -> dict:
    amount = card.summary.amount
    blocks = [
        _head(card, locale),
        text_input(
            "amount",
            t("outcomes.won.amount", locale),
            initial=f"{amount:f}" if amount else None,
            max_length=40,
            hint=t("outcomes.amount_hint", locale),
        ),
        date_input("paid_on", t("outcomes.won.paid_on", locale), initial=today),
    ]
    if not card.is_last_stage:  # won before the last stage skips milestones: a forced advance
        blocks += [
            DividerBlock(),
            text_input(
                "force_reason",
                t("outcomes.won.force", locale),
                multiline=True,
                hint=t("outcomes.won.force_hint", locale, stage=card.summary.stage.name.get(locale)),
            ),
        ]
    return modal(
        ids.VIEW_WON,
        t("outcomes.won.title", locale),
        blocks,
        submit=t("outcomes.won.submit", locale),
        close=t("common.cancel", locale),
        metadata=metadata,
    )


def reason_label(reason: str, locale: str) -> str:
    key = f"outcomes.lost_reason.{reason}"
    return t(key, locale) if has(key) else reason


def lost_modal(card: Card, locale: str, reasons: tuple[str, ...], metadata: str) -> dict:
    blocks = [
        _head(card, locale),
        select_input(
            "reason", t("outcomes.lost.reason", locale), [(r, reason_label(r, locale)) for r in reasons]
        ),
        text_input(
            "competitor",
            t("outcomes.lost.competitor", locale),
            max_length=200,
            hint=t("outcomes.lost.competitor_hint", locale),
        ),
        text_input("note", t("outcomes.lost.note", locale), multiline=True),
    ]
    return modal(
        ids.VIEW_LOST,
        t("outcomes.lost.title", locale),
        blocks,
        submit=t("outcomes.lost.submit", locale),
        close=t("common.cancel", locale),
        metadata=metadata,
    )


def drop_modal(card: Card, locale: str, metadata: str) -> dict:
    blocks = [_head(card, locale), text_input("reason", t("outcomes.drop.reason", locale), multiline=True)]
    return modal(
        ids.VIEW_DROP,
        t("outcomes.drop.title", locale),
        blocks,
        submit=t("outcomes.drop.submit", locale),
        close=t("common.cancel", locale),
        metadata=metadata,
    )


def hold_modal(card: Card, locale: str, metadata: str) -> dict:
    blocks = [
        _head(card, locale),
        date_input("expected_close", t("outcomes.hold.date", locale), initial=None),
        text_input("note", t("outcomes.hold.note", locale), multiline=True, optional=True),
    ]
    return modal(
        ids.VIEW_HOLD,
        t("outcomes.hold.title", locale),
        blocks,
        submit=t("outcomes.hold.submit", locale),
        close=t("common.cancel", locale),
        metadata=metadata,
    )


def reopen_modal(card: Card, locale: str, metadata: str) -> dict:
    blocks = [
        _head(card, locale),
        text_input("note", t("outcomes.reopen.note", locale), multiline=True, optional=True),
    ]
    return modal(
        ids.VIEW_REOPEN,
        t("outcomes.reopen.title", locale),
        blocks,
        submit=t("outcomes.reopen.submit", locale),
        close=t("common.cancel", locale),
        metadata=metadata,
    )


def edit_modal(card: Card, locale: str, metadata: str) -> dict:
    p = card.probability_override
    blocks = [
        _head(card, locale),
        date_input(
            "expected_close", t("edit.expected_close", locale), initial=card.expected_close, optional=True
        ),
        date_input("tender_date", t("edit.tender_date", locale), initial=card.tender_date, optional=True),
        date_input("signing_date", t("edit.signing_date", locale), initial=card.signing_date, optional=True),
        checkbox_input(
            "committed",
            t("edit.commit", locale),
            t("edit.commit_period", locale, period=format_period(card.period, locale))
            if card.period
            else t("edit.commit_text", locale),
            checked=card.committed and (card.period is None or card.commit_period == card.period),
        ),
        text_input(
            "probability",
            t("edit.probability", locale),
            initial=None if p is None else str(p),
            optional=True,
            max_length=4,
            hint=t(
                "edit.probability_hint", locale, p=card.summary.rung.probability if card.summary.rung else 0
            ),
        ),
        text_input(
            "next_step", t("edit.next_step", locale), initial=card.next_step, optional=True, max_length=500
        ),
        date_input(
            "next_step_date", t("edit.next_step_date", locale), initial=card.next_step_date, optional=True
        ),
    ]
    return modal(
        ids.VIEW_DEAL_EDIT,
        t("edit.title", locale),
        blocks,
        submit=t("edit.submit", locale),
        close=t("common.cancel", locale),
        metadata=metadata,
    )
