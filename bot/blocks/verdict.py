"""The verdict card (UX.md "Verdict"): score vs pass line, items, knock-outs, grade and its rule, the four
framing questions, the weakest items, and a recommendation with buttons that do it.

An incomplete assessment (SPEC §3.3, "unknown is not bad") shows "assessment incomplete" with its
provisional grade, the score on the answered items and scaled, every item to find out with who could
tell, and only *find out and continue later* and *drop* — never "lower contact"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot import ids
from bot.blocks import clip, message
from bot.flows.qualification.framing import Frame
from bot.flows.qualification.grading import Assessment
from bot.flows.qualification.interview import DealInfo
from bot.flows.qualification.scoring import NextGrade
from bot.i18n import t
from bot.i18n.format import format_date, join_list, paren
from bot.process.questions import QuestionSet


def _names(qset: QuestionSet, keys, locale: str) -> str:  # noqa: ANN001
    return join_list((qset.get(k).short.get(locale) for k in keys if qset.get(k)), locale)


def rule_text(a: Assessment, locale: str) -> str:
    text = _rule(a, locale)
    if a.grade.provisional and a.grade.grade is not None:
        return f"{t('qualification.verdict.provisional', locale)} {text}"
    if a.next_grade is not None:
        return f"{text} {next_grade_text(a.next_grade, locale)}"
    return text


def next_grade_text(nxt: NextGrade, locale: str) -> str:
    """ "Next grade up: A needs a close within 3 months (by 2 Mar 2027)." (any one way is enough)."""
    n = "qualification.verdict.next"
    ways = []
    for need in nxt.needs:
        parts = [t(f"{n}.score", locale, score=need.score)] if need.score is not None else []
        if need.within_months is not None:
            by = format_date(need.by, locale) if need.by else ""
            parts.append(t(f"{n}.close", locale, months=need.within_months, by=by))
        ways.append(t(f"{n}.and", locale).join(parts))
    return t(f"{n}.sentence", locale, grade=nxt.grade, needs=t(f"{n}.or", locale).join(ways))


def _rule(a: Assessment, locale: str) -> str:
    g, card = a.grade, a.card
    if g.why == "unknown":
        return t("qualification.verdict.rule.unknown", locale)
    if g.why in ("knockout", "below_pass"):
        return t(f"qualification.verdict.rule.{g.why}", locale, total=card.scaled, pass_line=card.pass_line)
    close = format_date(a.close, locale) if a.close else t("qualification.verdict.no_close", locale)
    values = dict(
        grade=g.grade, total=card.scaled, threshold=card.pass_line + g.rule.min_above_pass, close=close
    )
    if g.rule.within_months is not None:
        return t("qualification.verdict.rule.within", locale, months=g.rule.within_months, **values)
    return t("qualification.verdict.rule.any", locale, **values)


def score_text(a: Assessment, account: str, locale: str) -> str:
    """ "Score 19 / 20", or with items to find out "8 on 5 answered items; 16 of 20 if the rest are like them"."""
    v, card = "qualification.verdict", a.card
    common = dict(deal=account, max=card.max_score, pass_line=card.pass_line)
    if card.scaled is None:
        return t(f"{v}.score_none", locale, **common)
    if card.unknown:
        return t(f"{v}.score_partial", locale, total=card.total, n=len(card.answered), scaled=card.scaled,
                 **common)  # fmt: skip
    return t(f"{v}.score", locale, total=card.total, **common)


FIND_OUT_MAX = 12


def find_out_text(qset: QuestionSet, a: Assessment, locale: str) -> str:
    """Every item to find out, in the rep's words, and who in the buying organisation could tell."""
    v = "qualification.verdict"
    lines = [t(f"{v}.find_out_title", locale)]
    for key in a.to_find_out[:FIND_OUT_MAX]:
        q = qset.get(key)
        if q is None:
            continue
        who = join_list((t(f"{v}.who.{r}", locale) for r in q.who_can_tell), locale)
        lines.append(t(f"{v}.find_out_item", locale, name=q.short.get(locale), question=q.text.get(locale),
                       who=who))  # fmt: skip
    if len(a.to_find_out) > FIND_OUT_MAX:
        lines.append(t(f"{v}.find_out_more", locale, n=len(a.to_find_out) - FIND_OUT_MAX))
    if not a.frames[1].detail.get("coach"):
        lines.append(t(f"{v}.find_out_no_coach", locale))
    return "\n".join(lines)


def _word(word: str, locale: str) -> str:
    return t(f"qualification.verdict.word.{word}", locale)


def _frame_texts(frames: tuple[Frame, Frame, Frame, Frame], locale: str) -> list[str]:
    real, win, comp, worth = frames
    v = "qualification.verdict"
    real_s = _word(real.verdict, locale)
    need = real.detail.get("need")
    if need:
        real_s += paren(t(f"{v}.need.{need}", locale), locale)
    if win.detail.get("coach"):
        win_s = _word(win.verdict, locale) + paren(t(f"{v}.coach_yes", locale), locale)
    else:  # the answer and its caveat agree: "Yes, once we find a coach — none yet"
        win_s = t(f"{v}.win_no_coach.{win.verdict}", locale)
    comp_s = _word(comp.verdict, locale)
    if comp.detail.get("count") is not None:
        comp_s += paren(t(f"{v}.competitors", locale, count=comp.detail["count"]), locale)
    worth_s = _word(worth.verdict, locale)
    if worth.detail.get("margin") is not None and worth.detail.get("average"):
        margin = t(
            f"{v}.margin", locale, margin=worth.detail["margin"], average=_num(worth.detail["average"])
        )
        worth_s += paren(margin, locale)
    titles = [t(f"{v}.frame.{k}", locale) for k in ("real", "win", "competition", "worth")]
    return [
        f"*{title}*\n{clip(text, 1500)}"
        for title, text in zip(titles, (real_s, win_s, comp_s, worth_s), strict=True)
    ]


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _scorecard(qset: QuestionSet, a: Assessment, locale: str) -> str:
    lines = [t("qualification.verdict.scorecard", locale)]
    for item in a.card.items:
        name = qset.get(item.key).short.get(locale)
        score = t("qualification.verdict.unanswered", locale) if item.score is None else str(item.score)
        key = "item" if item.weight == 1 else "item_weighted"
        mark = " ⛔" if item.key in a.card.knockouts else ""
        lines.append(
            "• "
            + t(f"qualification.verdict.{key}", locale, name=name, score=score, weight=item.weight)
            + mark
        )
    return "\n".join(lines)


def _buttons(
    deal: DealInfo, a: Assessment, iid: int, qset: QuestionSet, locale: str, offer_redo: bool
) -> list:
    b = "qualification.buttons"
    did = str(deal.id)
    drop = ButtonElement(text=t(f"{b}.drop", locale), action_id=ids.ACT_DROP_OPEN, value=did, style="danger")
    if a.recommendation == "find_out":  # unknown is not failed: never "lower contact" or "advance anyway"
        find_out = ButtonElement(
            text=t(f"{b}.find_out", locale), action_id=ids.ACT_VERDICT_FIND_OUT, value=did, style="primary"
        )
        return [find_out, drop, _change_select(qset, iid, locale)]
    pursue = ButtonElement(text=t(f"{b}.pursue", locale), action_id=ids.ACT_VERDICT_PURSUE, value=did)
    lower = ButtonElement(text=t(f"{b}.lower", locale), action_id=ids.ACT_VERDICT_LOWER, value=did)
    advance = ButtonElement(text=t(f"{b}.advance", locale), action_id=ids.ACT_ADVANCE_OPEN, value=did)
    if a.recommendation == "pursue":
        pursue.style = "primary"
        row = [pursue, lower, drop]
    elif a.recommendation == "lower":
        lower.style = "primary"
        row = [lower, drop, advance]
    else:
        row = [drop, lower, advance]
    if offer_redo:
        row.append(ButtonElement(text=t(f"{b}.redo", locale), action_id=ids.ACT_QUALIFY_REDO, value=did))
    row.append(_change_select(qset, iid, locale))
    return row


def _change_select(qset: QuestionSet, iid: int, locale: str) -> StaticSelectElement:
    b = "qualification.buttons"
    options = [
        Option(value=f"{iid}:{q.key}", text=clip(f"{i + 1}. {q.short.get(locale)}", 75))
        for i, q in enumerate(qset.questions[:100])
    ]
    return StaticSelectElement(
        action_id=ids.ACT_Q_CHANGE,
        placeholder=PlainTextObject(text=t(f"{b}.change_placeholder", locale)),
        options=options,
    )


@dataclass(frozen=True)
class Chosen:
    """What was done with a verdict, by whom and when: it replaces the verdict's buttons."""

    what: str  # pursue | lower | find_out | advanced
    user_id: str
    at: datetime
    stage: str = ""  # advanced: the stage it went to
    tz: str = "UTC"  # the chooser's zone, for the text shown where Slack's date token is not rendered
    detail: str = ""  # what happens next, in a sentence (e.g. where the items to find out are)


def when_text(at: datetime, tz: str, locale: str) -> str:
    """A moment as Slack's date token (each reader sees it in their own zone), its fallback text in
    ``tz`` and the locale's date format."""
    try:
        local = at.astimezone(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        local = at.astimezone(UTC)
    fallback = f"{format_date(local.date(), locale)} {local:%H:%M}"
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def chosen_line(c: Chosen, locale: str) -> str:
    line = t(f"qualification.verdict.chosen.{c.what}", locale, who=f"<@{c.user_id}>",
             when=when_text(c.at, c.tz, locale), stage=c.stage)  # fmt: skip
    return f"{line}\n{c.detail}" if c.detail else line


def answers_button(iid: int, n: int, locale: str) -> ButtonElement:
    return ButtonElement(
        text=t("qualification.buttons.answers", locale, n=n), action_id=ids.ACT_Q_TRANSCRIPT, value=str(iid)
    )


def verdict_message(
    qset: QuestionSet,
    deal: DealInfo,
    a: Assessment,
    iid: int,
    locale: str,
    *,
    offer_redo: bool = False,
    answers: int = 0,
    chosen: Chosen | None = None,
) -> dict:
    """The verdict; ``answers`` > 0 adds the button that shows the interview's answers (the verdict is
    the interview's own message); ``chosen`` replaces the buttons with what was done, by whom, when."""
    v = "qualification.verdict"
    card = a.card
    incomplete = a.recommendation == "find_out"
    score = score_text(a, deal.account, locale)
    ko = (
        t(f"{v}.knockouts", locale, items=_names(qset, card.knockouts, locale))
        if card.knocked_out
        else t(f"{v}.no_knockout", locale)
    )
    weak = card.weakest()
    small = [
        t(
            f"{v}.weakest",
            locale,
            items=join_list((f"{qset.get(i.key).short.get(locale)} {i.score}" for i in weak), locale),
        )
        if weak
        else t(f"{v}.none_weak", locale)
    ]
    if a.skipped and not incomplete:
        small.append(t(f"{v}.skipped", locale, items=_names(qset, a.skipped, locale)))
    blocks = [
        HeaderBlock(text=clip(_header(a, locale), 150)),
        SectionBlock(text=MarkdownTextObject(text=clip(f"{score} · {ko}", 3000))),
        ContextBlock(elements=[MarkdownTextObject(text=clip(rule_text(a, locale), 3000))]),
        SectionBlock(fields=[MarkdownTextObject(text=f) for f in _frame_texts(a.frames, locale)]),
        SectionBlock(text=MarkdownTextObject(text=clip(_scorecard(qset, a, locale), 3000))),
        ContextBlock(elements=[MarkdownTextObject(text=clip(" · ".join(small), 3000))]),
    ]
    if incomplete:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(find_out_text(qset, a, locale), 3000))))
    recommendation = t(f"{v}.recommend.{a.recommendation}", locale, deal=deal.account)
    blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(recommendation, 3000))))
    if chosen is not None:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=clip(chosen_line(chosen, locale), 3000))])
        )
        if answers:
            blocks.append(
                ActionsBlock(block_id=f"answers:{iid}", elements=[answers_button(iid, answers, locale)])
            )
    else:
        if offer_redo:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(f"{v}.redo_offer", locale))]))
        row = _buttons(deal, a, iid, qset, locale, offer_redo)
        if answers:
            row.insert(-1, answers_button(iid, answers, locale))
        blocks.append(ActionsBlock(block_id=f"verdict:{deal.id}", elements=row))
    if incomplete:
        notify = t(f"{v}.notify_incomplete", locale, deal=deal.account, n=len(a.to_find_out))
    else:
        notify = t(
            f"{v}.notify",
            locale,
            deal=deal.account,
            grade=a.grade.grade,
            total=card.scaled,
            max=card.max_score,
        )
    return message(notify, blocks)


def _header(a: Assessment, locale: str) -> str:
    v = "qualification.verdict"
    if a.recommendation == "find_out":
        if a.grade.grade is None:
            return t(f"{v}.header_ungraded", locale)
        return t(f"{v}.header_incomplete", locale, grade=a.grade.grade)
    headline = t(f"{v}.headline.{a.recommendation}", locale)
    return t(f"{v}.header", locale, grade=a.grade.grade, headline=headline)
