"""The weekly review's renderers (pure): the manager's weekly DM, a rep's review in pages (a deal is
one block, never cut in half; every page within Slack's 50 blocks), the note modals and the DMs a note
sends to the rep and back."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from bot import ids
from bot.blocks import clip, message
from bot.blocks.deal_card import md
from bot.blocks.modals import modal, text_input
from bot.flows.review.view import DealReview, LastWeek, RepReview, TeamLine
from bot.i18n import t
from bot.i18n.format import format_date, format_money, join_list, paren
from bot.process.schema import StageSet

PAGE_DEALS = 15  # deals per page: one section each, plus head and navigation, far below 50 blocks
SECTION_MAX = 3000
LINE_MAX = 400
TEXT_FIELD = "text"


def _stage(stages: StageSet, key: str | None, locale: str) -> str:
    stage = next((s for s in stages.stages if s.key == key), None)
    return stage.name.get(locale) if stage else (key or "—")


def last_week_text(last: LastWeek | None, locale: str) -> str | None:
    """ "Last week: opened Tue 3 Nov" / "not opened" (reviewed, not just posted); None: nothing to say."""
    if last is None:
        return None
    if last.opened_at is None:
        return t("review.last_week.not_opened", locale)
    return t("review.last_week.opened", locale, when=format_date(last.opened_at, locale))


def rep_lines(lines: list[TeamLine], locale: str, *, limit: int) -> list:
    """A section per rep (the weekly DM's and App Home's): the week in a line, and the button opening
    that rep's review; more than ``limit`` reps end with a pointer to `/funnel review @rep`."""
    blocks: list = []
    for line in lines[:limit]:
        text = t("review.week.line", locale, rep=f"<@{line.rep_id}>", news=line.with_news, quiet=line.without_news,
                 judgements=line.open_judgements, needs=line.needs_you)  # fmt: skip
        last = last_week_text(line.last_week, locale)
        if last:
            text += " · " + last
        button = ButtonElement(text=t("review.open", locale), action_id=ids.ACT_REVIEW_OPEN,
                               value=f"{line.rep_id}:0")  # fmt: skip
        blocks.append(SectionBlock(text=md(clip(text, SECTION_MAX)), accessory=button))
    if len(lines) > limit:
        blocks.append(ContextBlock(elements=[md(t("review.week.more", locale, n=len(lines) - limit))]))
    return blocks


def team_week_message(lines: list[TeamLine], locale: str, *, week_of: str) -> dict:
    """The manager's weekly DM: a line per rep and a button that opens the rep's review."""
    title = t("review.week.title", locale, week=week_of)
    blocks: list = [HeaderBlock(text=clip(title, 150))]
    if not lines:
        blocks.append(SectionBlock(text=md(t("review.week.no_reps", locale))))
    return message(title, blocks + rep_lines(lines, locale, limit=45))


def pages(review: RepReview) -> int:
    return max(1, -(-len(review.deals) // PAGE_DEALS))


def review_message(review: RepReview, stages: StageSet, locale: str, *, page: int = 0) -> dict:
    """One page of a rep's review: a header, the week in a line, then one section per deal."""
    total = pages(review)
    page = min(max(page, 0), total - 1)
    title = t("review.title", locale, rep=f"<@{review.rep_id}>", since=format_date(review.since, locale),
              page=page + 1, pages=total)  # fmt: skip
    blocks: list = [SectionBlock(text=md(clip(title, SECTION_MAX)))]
    summary = t("review.summary", locale, news=review.with_news, quiet=review.without_news,
                judgements=review.open_judgements, answered=review.answered, resolved=review.resolved,
                quiet_long=review.quiet)  # fmt: skip
    if review.selling_share is not None:
        summary += " · " + t("review.selling_share", locale, pct=f"{review.selling_share:.0%}")
    last = last_week_text(review.last_week, locale)
    if last:
        summary += " · " + last
    blocks.append(ContextBlock(elements=[md(clip(summary, 2000))]))
    if not review.deals:
        blocks.append(SectionBlock(text=md(t("review.empty", locale))))
    for d in review.deals[page * PAGE_DEALS : (page + 1) * PAGE_DEALS]:
        blocks.append(SectionBlock(block_id=f"review_deal_{d.deal_id}", text=md(deal_text(d, stages, locale)),
                                   accessory=deal_menu(d, locale)))  # fmt: skip
    nav = []
    if page > 0:
        nav.append(ButtonElement(text=t("review.prev", locale), action_id=ids.ACT_REVIEW_OPEN,
                                 value=f"{review.rep_id}:{page - 1}"))  # fmt: skip
    if page + 1 < total:
        nav.append(ButtonElement(text=t("review.next", locale), action_id=ids.ACT_REVIEW_OPEN,
                                 value=f"{review.rep_id}:{page + 1}"))  # fmt: skip
    if nav:
        blocks.append(ActionsBlock(elements=nav))
    return message(title, blocks)


def deal_text(d: DealReview, stages: StageSet, locale: str) -> str:
    """Everything about one deal's week, in one section's text (lines clipped, the deal never split)."""
    head = f"*{clip(d.account, 80)}* · {clip(d.title, 80)} · {_stage(stages, d.stage, locale)}"
    head += f" · {d.grade or '—'}"
    if d.amount is not None:
        head += f" · {format_money(d.amount, d.currency, locale)}"
    lines = [head]
    if d.needs:
        lines.append("⚑ " + join_list((t(f"review.needs.{n}", locale) for n in d.needs), locale))
    for c in d.checkins:
        lines.append(t("review.checkin", locale, when=format_date(c.at, locale), done=clip(c.done, LINE_MAX)))
        if c.progress:
            lines.append("  " + t("review.progress", locale, text=clip(c.progress, LINE_MAX)))
        if c.blockers:
            lines.append("  " + t("review.blockers", locale, text=clip(c.blockers, LINE_MAX)))
        if c.next_step:
            nxt = clip(c.next_step, LINE_MAX) + (
                paren(format_date(c.next_date, locale), locale) if c.next_date else ""
            )
            lines.append("  " + t("review.next_step", locale, text=nxt))
    if d.no_checkin:
        lines.append(t("review.no_checkin", locale))
    if d.quiet_since is not None:
        lines.append(t("review.quiet", locale, since=format_date(d.quiet_since, locale)))
    for m in d.moves:
        if m.kind in ("stage", "forced_advance"):
            key = "review.move.forced" if m.forced or m.kind == "forced_advance" else "review.move.met"
            lines.append(t(key, locale, frm=_stage(stages, m.from_value, locale), to=_stage(stages, m.to_value, locale),
                           reason=clip(m.reason or "", 200)))  # fmt: skip
        elif m.kind == "grade":
            lines.append(t("review.move.grade", locale, frm=m.from_value or "—", to=m.to_value or "—",
                           reason=clip(m.reason or "", 200)))  # fmt: skip
        else:
            lines.append(t("review.move.other", locale, what=t(f"history.kind.{m.kind}", locale),
                           detail=clip(m.reason or m.to_value or "", 200)))  # fmt: skip
    if d.flags:
        lines.append(t("review.flags", locale, flags=join_list(d.flags, locale)))
    if d.verdict:
        v = d.verdict
        key = "review.verdict_incomplete" if v.incomplete else "review.verdict"
        lines.append(t(key, locale, score=v.score if v.score is not None else "—", grade=v.grade or "—",
                       ko=t("review.knocked_out", locale) if v.knocked_out else "",
                       rec=v.recommendation or "—"))  # fmt: skip
    if d.judgement:
        j = d.judgement
        lines.append(t("review.judgement_open", locale) if j.open else
                     t("review.judgement", locale, decision=j.decision or "—", rec=j.recommended or "—"))  # fmt: skip
    for n in d.notes:
        lines.append(t(f"review.note.{n.kind}", locale, who=f"<@{n.author_id}>", target=t(f"review.target.{n.target}", locale),
                       text=clip(n.body, LINE_MAX)))  # fmt: skip
        if n.reply:
            lines.append("  " + t("review.note.reply", locale, text=clip(n.reply, LINE_MAX)))
        elif n.kind in ("comment", "challenge"):
            lines.append("  " + t("review.note.waiting", locale))
    out, size = [], 0
    for line in lines:
        if size + len(line) + 1 > SECTION_MAX - 2:
            out.append("…")
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


def deal_menu(d: DealReview, locale: str) -> OverflowMenuElement:
    acts = ["comment", "checkin"]
    if d.verdict:
        acts += ["agree_verdict", "challenge_verdict"]
    if d.judgement and not d.judgement.open:
        acts += ["agree_judgement", "challenge_judgement"]
    options = [Option(value=f"{a}:{d.deal_id}", text=clip(t(f"review.act.{a}", locale), 75)) for a in acts]
    return OverflowMenuElement(action_id=ids.ACT_REVIEW_MENU, options=options)


def note_modal(deal_id: int, kind: str, target: str, account: str, locale: str) -> dict:
    meta = json.dumps({"d": deal_id, "k": kind, "t": target})
    title = t(f"review.modal.{kind}", locale)
    blocks = [
        SectionBlock(text=md(clip(account, 2000))),
        text_input(TEXT_FIELD, t(f"review.modal.{kind}_label", locale), multiline=True, max_length=3000),
    ]
    return modal(ids.VIEW_REVIEW_NOTE, title, blocks, submit=t("review.modal.send", locale),
                 close=t("common.close", locale), metadata=meta)  # fmt: skip


def reply_modal(note_id: int, kind: str, body: str, locale: str) -> dict:
    blocks = [
        SectionBlock(text=md(clip(body, 2900))),
        text_input(TEXT_FIELD, t(f"review.modal.reply_{kind}", locale), multiline=True, max_length=3000),
    ]
    return modal(ids.VIEW_REVIEW_REPLY, t("review.modal.reply", locale), blocks, submit=t("review.modal.send", locale),
                 close=t("common.close", locale), metadata=json.dumps({"n": note_id}))  # fmt: skip


def note_to_rep(kind: str, target: str, note_id: int, deal_id: int, deal_name: str, author: str, body: str,
                locale: str) -> dict:  # fmt: skip
    """The manager's note in the rep's DM: the deal named, a button to answer, one to open the card."""
    text = t(f"review.dm.{kind}", locale, who=f"<@{author}>", deal=clip(deal_name, 200),
             target=t(f"review.target.{target}", locale), text=clip(body, 2500))  # fmt: skip
    buttons = []
    if kind in ("comment", "challenge"):
        buttons.append(ButtonElement(text=t(f"review.dm.reply_{kind}", locale), action_id=ids.ACT_REVIEW_REPLY,
                                     value=str(note_id), style="primary"))  # fmt: skip
    buttons.append(
        ButtonElement(text=t("review.dm.open", locale), action_id=ids.ACT_DEAL_OPEN, value=str(deal_id))
    )
    return message(
        clip(text, 3000), [SectionBlock(text=md(clip(text, SECTION_MAX))), ActionsBlock(elements=buttons)]
    )


def reply_to_manager(
    kind: str, rep: str, deal_name: str, body: str, reply: str, deal_id: int, locale: str
) -> dict:
    text = t(f"review.dm.replied_{kind}", locale, who=f"<@{rep}>", deal=clip(deal_name, 200),
             note=clip(body, 1000), text=clip(reply, 1500))  # fmt: skip
    open_button = ButtonElement(
        text=t("review.dm.open", locale), action_id=ids.ACT_DEAL_OPEN, value=str(deal_id)
    )
    return message(
        clip(text, 3000),
        [SectionBlock(text=md(clip(text, SECTION_MAX))), ActionsBlock(elements=[open_button])],
    )


def loss_review_message(r, stages: StageSet, locale: str) -> dict:  # noqa: ANN001 — a LossReview
    """The loss review in the manager's DM: a few sections, each clipped (the timeline keeps its latest)."""
    title = t("review.loss.title", locale, deal=clip(f"{r.account} — {r.title}" if r.title else r.account, 150),
              rep=f"<@{r.rep_id}>")  # fmt: skip
    head = t("review.loss.died", locale, stage=_stage(stages, r.died_in, locale),
             when=format_date(r.lost_at, locale) if r.lost_at else "—", reason=clip(r.reason or "—", 300),
             winner=clip(r.winner or "—", 200), note=clip(r.note or "", 500))  # fmt: skip
    blocks: list = [SectionBlock(text=md(clip(f"{title}\n{head}", SECTION_MAX)))]
    if r.alarm:
        blocks.append(SectionBlock(text=md(t("review.loss.alarm", locale, winner=clip(r.winner, 200)))))
    people = [
        t("review.loss.coach", locale, when=format_date(r.coach_at, locale) if r.coach_at else t("review.loss.never", locale)),
        t("review.loss.decision_maker", locale,
          when=format_date(r.decision_maker_at, locale) if r.decision_maker_at else t("review.loss.never", locale)),
    ]  # fmt: skip
    blocks.append(SectionBlock(text=md("\n".join(people))))
    timeline = []
    for m in r.moves:
        key = "review.move.forced" if m.forced or m.kind == "forced_advance" else "review.move.met"
        line = t(key, locale, frm=_stage(stages, m.from_value, locale), to=_stage(stages, m.to_value, locale),
                 reason=clip(m.reason or "", 150))  # fmt: skip
        timeline.append(f"{format_date(m.at, locale)} {line}")
    for c in r.checkins:
        timeline.append(t("review.checkin", locale, when=format_date(c.at, locale), done=clip(c.done, 200))
                        + (" — " + t("review.blockers", locale, text=clip(c.blockers, 200)) if c.blockers else ""))  # fmt: skip
    text = "\n".join(timeline) or t("review.loss.nothing", locale)
    if len(text) > SECTION_MAX - 10:
        text = "…\n" + text[-(SECTION_MAX - 20) :]
    blocks.append(SectionBlock(text=md(t("review.loss.timeline", locale) + "\n" + text)))
    return message(clip(title, 3000), blocks)
