"""/deal list, the pick list for an ambiguous name, a deal's history, and short confirmations."""

from __future__ import annotations

from slack_sdk.models.blocks import ButtonElement, ContextBlock, HeaderBlock, SectionBlock

from bot import ids
from bot.blocks import clip, message
from bot.blocks.deal_card import deal_title, md
from bot.flows.pipeline.status import HistoryLine, Summary
from bot.i18n import t
from bot.i18n.format import format_date, format_money
from bot.process.schema import StageSet

LIST_MAX = 20


def grade_label(s: Summary, locale: str) -> str:
    """A failed prospect shows as failed, whatever letter it carries; an incomplete one as provisional."""
    if s.provisional and s.grade:
        return t("list.provisional", locale, grade=s.grade)
    if s.failed:
        return t("list.failed", locale)
    return s.grade or "—"


def summary_line(s: Summary, locale: str) -> str:
    money = format_money(s.amount, s.currency, locale) if s.amount is not None else "—"
    marks = "".join(f" · ⚠ {t(f'card.attention.{a}', locale)}" for a in s.attention)
    status = "" if s.status == "open" else f" · {t(f'status.{s.status}', locale)}"
    return (
        t(
            "list.line",
            locale,
            title=clip(deal_title(s), 120),
            n=s.stage_index + 1,
            stage=s.stage.name.get(locale),
            days=s.days_in_stage,
            expected=s.stage.duration_days,
            money=money,
            grade=grade_label(s, locale),
        )
        + status
        + marks
    )


def deal_list_message(summaries: list[Summary], locale: str, *, low: bool = False) -> dict:
    """My deals; those kept at lower contact are listed apart (``/deal list low``, ``low=True``)."""
    kept = [s for s in summaries if s.below == "low_contact"]
    if low:
        summaries, kept = kept, []
    else:
        summaries = [s for s in summaries if s.below != "low_contact"]
    title = t("list.title_low" if low else "list.title", locale, n=len(summaries))
    blocks: list = [HeaderBlock(text=clip(title, 150))]
    if not summaries:
        blocks.append(SectionBlock(text=md(t("list.empty", locale))))
    for s in summaries[:LIST_MAX]:
        button = ButtonElement(text=t("list.open", locale), action_id=ids.ACT_DEAL_OPEN, value=str(s.id))
        blocks.append(SectionBlock(text=md(summary_line(s, locale)), accessory=button))
    if len(summaries) > LIST_MAX:
        blocks.append(ContextBlock(elements=[md(t("common.and_more", locale, n=len(summaries) - LIST_MAX))]))
    if kept:
        blocks.append(ContextBlock(elements=[md(t("list.low_contact", locale, n=len(kept)))]))
    return message(title, blocks)


def pick_list_message(summaries: list[Summary], locale: str, action_id: str, query: str) -> dict:
    """Several deals match: one button each; the button opens the act the user asked for."""
    title = t("list.pick", locale, query=clip(query, 100))
    blocks: list = [SectionBlock(text=md(title))]
    for s in summaries[:LIST_MAX]:
        button = ButtonElement(text=t("list.choose", locale), action_id=action_id, value=str(s.id))
        blocks.append(SectionBlock(text=md(summary_line(s, locale)), accessory=button))
    if len(summaries) > LIST_MAX:
        blocks.append(ContextBlock(elements=[md(t("list.refine", locale))]))
    return message(title, blocks)


def history_text(line: HistoryLine, stages: StageSet, locale: str) -> str:
    def name(key: str | None) -> str:
        stage = next((s for s in stages.stages if s.key == key), None)
        return stage.name.get(locale) if stage else (key or "—")

    when = format_date(line.at, locale)
    who = f"<@{line.actor_id}>"
    if line.kind == "stage":
        key = "history.forced" if line.forced else "history.stage"
        return t(
            key,
            locale,
            when=when,
            who=who,
            frm=name(line.from_value),
            to=name(line.to_value),
            reason=clip(line.reason or line.note or "", 300),
        )
    if line.kind == "created":
        return t("history.created", locale, when=when, who=who, to=name(line.to_value))
    detail = " · ".join(clip(x, 200) for x in (line.reason, line.competitor, line.note) if x)
    label = t(f"history.kind.{line.kind}", locale) if line.kind in KNOWN else line.kind
    return t("history.other", locale, when=when, who=who, what=label, detail=detail)


KNOWN = (
    "won",
    "lost",
    "dropped",
    "on_hold",
    "reopened",
    "grade",
    "close_date",
    "edit",
    "contact",
    "milestone",
    "checkin",
    "day30",
    "review_comment",
    "review_answer",
    "review_agree",
    "review_challenge",
    "review_resolved",
    "checkin_asked",
)


def history_message(title: str, lines: list[HistoryLine], stages: StageSet, locale: str) -> dict:
    head = t("history.title", locale, title=clip(title, 100))
    texts = [history_text(x, stages, locale) for x in lines]
    chunks = ["\n".join(texts[i : i + 10]) for i in range(0, len(texts), 10)][-40:]
    blocks = [HeaderBlock(text=clip(head, 150)), *(SectionBlock(text=md(c)) for c in chunks if c)]
    return message(head, blocks)


def notice_message(text: str) -> dict:
    return message(text, [SectionBlock(text=md(text))])
