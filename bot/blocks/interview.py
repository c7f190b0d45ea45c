"""Interview messages (UX.md "Interview question" / "Answered"): pure renderers, no I/O."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot import ids
from bot.blocks import clip, message
from bot.blocks.modals import modal
from bot.flows.qualification.interview import Answered, Ask, plain_value
from bot.i18n import t
from bot.i18n.format import format_date, format_money, join_list, paren
from bot.process.questions import Question, QuestionSet


def display_value(q: Question, value: Any, locale: str) -> str:
    """An answer as the rep reads it: option label, money, date, percentage, name."""
    if value is None:
        return "—"
    value = plain_value(value)
    if q.kind in ("choice", "yes_no") or (q.kind == "person" and isinstance(value, str)):
        o = q.option(value)
        if o is None:
            return str(value)
        return o.label.get(locale) + (paren(str(o.score), locale) if o.score is not None else "")
    if q.kind == "amount" and isinstance(value, dict):
        return format_money(Decimal(value["amount"]), value["currency"], locale)
    if q.kind == "date":
        return format_date(date.fromisoformat(value), locale)
    if q.kind == "percent":
        return f"{value}%"
    if q.kind == "person" and isinstance(value, dict):
        return value["name"] + (paren(value["title"], locale) if value.get("title") else "")
    return clip(str(value), 300)


def _answer_buttons(q: Question, iid: int, locale: str) -> list:
    out = []
    for o in q.options:
        label = o.label.get(locale) + (paren(str(o.score), locale) if o.score is not None else "")
        out.append(
            ButtonElement(
                text=clip(label, 75),
                action_id=f"{ids.Q_ANSWER_PREFIX}{o.value}",
                value=f"{iid}:{q.key}:{o.value}",
            )
        )
    if q.kind == "date":
        out.append(
            DatePickerElement(action_id=ids.ACT_Q_DATE, placeholder=t("qualification.buttons.date", locale))
        )
    return out


def _nav(q: Question, iid: int, locale: str) -> list:
    ref = f"{iid}:{q.key}"
    menu = [
        Option(value=f"stop:{ref}", text=t("qualification.buttons.stop", locale)),
        Option(value=f"change:{ref}", text=t("qualification.buttons.change", locale)),
    ]
    return [
        ButtonElement(text=t("qualification.buttons.skip", locale), action_id=ids.ACT_Q_SKIP, value=ref),
        ButtonElement(text=t("qualification.buttons.back", locale), action_id=ids.ACT_Q_BACK, value=ref),
        OverflowMenuElement(action_id=ids.ACT_Q_MENU, options=menu),
    ]


TRANSCRIPT_SHOWN = 3  # answers shown above the question; the earlier ones fold into a count


def answer_line(qset: QuestionSet, a: Answered, locale: str) -> str:
    """ "✓ *Budget*: ¥3,000,000", "↷ *Need*: skipped", with "— knock-out" where it knocks out."""
    q = qset.get(a.key)
    if q is None:
        return ""
    name = q.short.get(locale)
    if a.skipped:
        return t("qualification.skipped", locale, question=name)
    line = t("qualification.answered", locale, question=name, value=display_value(q, a.value, locale))
    return line + (f" — {t('qualification.knockout', locale)}" if knocks_out(q, a.value) else "")


def folded_transcript(qset: QuestionSet, answers: tuple[Answered, ...], locale: str) -> list:
    """The answers so far, folded: the last few in full, the earlier ones as a count."""
    if not answers:
        return []
    shown = [answer_line(qset, a, locale) for a in answers[-TRANSCRIPT_SHOWN:]]
    earlier = len(answers) - TRANSCRIPT_SHOWN
    if earlier > 0:
        shown.insert(0, t("qualification.transcript.earlier", locale, n=earlier))
    text = clip("\n".join(x for x in shown if x), 3000)
    return [ContextBlock(elements=[MarkdownTextObject(text=text)])]


def question_message(
    qset: QuestionSet,
    ask: Ask,
    iid: int,
    account: str,
    locale: str,
    *,
    transcript: tuple[Answered, ...] = (),
    notes: tuple[str, ...] = (),
) -> dict:
    """The interview's one message while it asks: where it is, the answers so far folded above the
    question, the question, then any note (e.g. "Changed your answer to Need.") in the small print."""
    q = qset.get(ask.key)
    text = q.text.get(locale)
    hint = t(
        "qualification.type_hint" if q.options or q.kind == "date" else "qualification.type_only", locale
    )
    small = [q.help.get(locale), hint]
    if ask.has_answer:
        small.insert(0, t("qualification.now", locale, value=display_value(q, ask.current, locale)))
    if ask.from_form:  # the counter skips them: say why
        numbers = t("qualification.from_form_sep", locale).join(str(n) for n in ask.from_form)
        small.append(t("qualification.from_form", locale, numbers=numbers))
    blocks = [
        HeaderBlock(
            text=clip(t("qualification.header", locale, deal=account, n=ask.number, total=ask.total), 150)
        ),
        *folded_transcript(qset, transcript, locale),
        *[SectionBlock(text=MarkdownTextObject(text=clip(n, 3000))) for n in notes],
        SectionBlock(text=MarkdownTextObject(text=clip(text, 3000))),
        ContextBlock(elements=[MarkdownTextObject(text=clip(" · ".join(small), 3000))]),
        ActionsBlock(
            block_id=f"q:{iid}:{q.key}", elements=[*_answer_buttons(q, iid, locale), *_nav(q, iid, locale)]
        ),
    ]
    return message(t("qualification.notify", locale, n=ask.number, total=ask.total, question=text), blocks)


def knocks_out(q: Question, value: Any) -> bool:
    value = plain_value(value)
    if value is None or not isinstance(value, str):
        return False
    option = q.option(value)
    return value in q.knockout_when or (q.knockout and option is not None and option.score == 0)


def transcript_modal(qset: QuestionSet, account: str, answers: tuple[Answered, ...], locale: str) -> dict:
    """The verdict's "Answers": every answer of the interview, in question order, in a modal."""
    order = {k: i for i, k in enumerate(qset.keys)}
    lines = [answer_line(qset, a, locale) for a in sorted(answers, key=lambda a: order.get(a.key, 999))]
    lines = [x for x in lines if x] or [t("qualification.transcript.none", locale)]
    blocks = [SectionBlock(text=MarkdownTextObject(text=clip(f"*{account}*", 3000)))] + [
        SectionBlock(text=MarkdownTextObject(text=clip("\n".join(lines[i : i + 10]), 3000)))
        for i in range(0, min(len(lines), 900), 10)
    ]
    return modal(None, t("qualification.transcript.title", locale), blocks[:99], submit=None,
                 close=t("common.close", locale))  # fmt: skip


def answered_message(qset: QuestionSet, a: Answered, locale: str) -> dict:
    q = qset.get(a.key)
    knocked = not a.skipped and knocks_out(q, a.value)
    name = q.short.get(locale)
    if a.skipped:
        line = t("qualification.skipped", locale, question=name)
    else:
        line = t("qualification.answered", locale, question=name, value=display_value(q, a.value, locale))
        if knocked:
            line += f" — {t('qualification.knockout', locale)}"
    blocks = [SectionBlock(text=MarkdownTextObject(text=clip(line, 3000)))]
    if a.changed_from is not None:
        old, was_skipped = a.changed_from
        shown = t("qualification.was_skipped", locale) if was_skipped else display_value(q, old, locale)
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=clip(t("qualification.changed_from", locale, value=shown), 3000))
                ]
            )
        )
    return message(clip(line.replace("*", ""), 3000), blocks)


def marker_message(kind: str, locale: str) -> dict:
    text = t(f"qualification.marker.{kind}", locale)
    return message(text, [ContextBlock(elements=[MarkdownTextObject(text=text)])])


def reask_message(q: Question, reason: str, locale: str) -> dict:
    expect_values = {}
    if q.kind == "choice":
        expect_values["options"] = join_list((o.label.get(locale) for o in q.options), locale)
    text = t(
        "qualification.reask.line",
        locale,
        reason=t(f"qualification.reask.reason.{reason}", locale),
        expect=t(f"qualification.reask.expect.{q.kind}", locale, **expect_values),
    )
    return message(text, [SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))])


def note_message(key: str, values: dict, locale: str, *, resume_deal_id: int | None = None) -> dict:
    text = t(key, locale, **values)
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))]
    if resume_deal_id is not None:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=t("qualification.buttons.resume", locale),
                        action_id=ids.ACT_QUALIFY_START,
                        value=str(resume_deal_id),
                        style="primary",
                    )
                ]
            )
        )
    return message(clip(text.replace("*", ""), 3000), blocks)


def change_picker(qset: QuestionSet, iid: int, keys: list[str], locale: str) -> dict:
    text = t("qualification.notes.change_prompt", locale)
    options = [
        Option(value=f"{iid}:{k}", text=clip(f"{qset.index(k) + 1}. {qset.get(k).short.get(locale)}", 75))
        for k in keys[:100]
    ]
    select = StaticSelectElement(
        action_id=ids.ACT_Q_CHANGE,
        placeholder=PlainTextObject(text=t("qualification.buttons.change_placeholder", locale)),
        options=options,
    )
    return message(text, [SectionBlock(text=MarkdownTextObject(text=text), accessory=select)])


def pick_list(deals: list[tuple[int, str]], locale: str) -> dict:
    """Several deals match /deal qualify <text>: one button per deal."""
    text = t("qualification.pick.title", locale)
    rows = [
        SectionBlock(
            text=MarkdownTextObject(text=clip(label, 3000)),
            accessory=ButtonElement(
                text=t("qualification.buttons.resume", locale),
                action_id=ids.ACT_QUALIFY_START,
                value=str(deal_id),
            ),
        )
        for deal_id, label in deals[:20]
    ]
    return message(text, [SectionBlock(text=MarkdownTextObject(text=text)), *rows])
