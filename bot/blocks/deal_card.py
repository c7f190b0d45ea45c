"""The deal card (UX.md): stage and days, grade and score, amount × probability, people coverage,
red flags, open nudges, next step — and buttons for the next acts (value ``"<id>:<version>"``)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
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
from bot.flows.followups.kinds import KINDS
from bot.flows.followups.worktime import zone_or_utc
from bot.flows.pipeline.customer import CustomerStep
from bot.flows.pipeline.people import KEY_ROLES
from bot.flows.pipeline.status import Card, Summary
from bot.i18n import t
from bot.i18n.format import format_date, format_money, format_period, join_clauses, join_list, labelled, paren


def md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text, 3000))


def deal_title(s: Summary) -> str:
    return f"{s.account} — {s.title}" if s.title else s.account


def stage_line(s: Summary, total: int, locale: str) -> str:
    return t(
        "card.stage",
        locale,
        n=s.stage_index + 1,
        total=total,
        name=s.stage.name.get(locale),
        days=s.days_in_stage,
        expected=s.stage.duration_days,
    )


def why_probability(s: Summary, locale: str) -> str:
    """Why the probability is what it is: the override, else the last milestone met in order."""
    if s.override:
        return t("card.why.override", locale)
    if s.rung is None:
        return t("card.why.none", locale)
    return t("card.why.rung", locale, what=clip(s.rung.label.get(locale), 80))


def money_line(s: Summary, locale: str) -> str:
    """ "amount × p% = weighted (why)"; below the funnel, 0% and why it is below (SPEC §2)."""
    if s.below:
        below = t(f"card.below.{s.below}", locale)
        return below if s.amount is None else f"{format_money(s.amount, s.currency, locale)} · {below}"
    if s.amount is None:
        return t("card.no_amount", locale, p=s.probability) + " " + why_probability(s, locale)
    return (
        t(
            "card.money",
            locale,
            amount=format_money(s.amount, s.currency, locale),
            p=s.probability,
            weighted=format_money(s.weighted, s.currency, locale),
        )
        + " "
        + why_probability(s, locale)
    )


def grade_line(card: Card, locale: str) -> str:
    s, score = card.summary, "—" if card.score is None else card.score
    if s.provisional:  # unknown is not bad: items to find out, no final grade yet
        if s.grade is None:
            return t("card.grade_incomplete", locale)
        return t("card.grade_provisional", locale, grade=s.grade, score=score)
    if s.grade is None:
        return t("card.not_graded", locale)
    if s.failed:  # below the pass line or knocked out, whatever letter it carries
        line = t("card.grade_failed", locale, grade=s.grade, score=score)
    else:
        line = t("card.grade", locale, grade=s.grade, score=score)
    return f"{line}\n{grade_why(card, locale)}"


def find_out_text(card: Card, locale: str) -> str:
    """The checklist of items still to find out (SPEC §3.3)."""
    items = "\n".join(f"☐ {name.get(locale)}" for _, name in card.to_find_out[:20])
    return t("card.find_out", locale, n=len(card.to_find_out), items=items)


def find_out_select(card: Card, locale: str) -> StaticSelectElement:
    """Answer one item from the card: the question is asked in the DM, and the verdict follows."""
    options = [
        Option(text=clip(name.get(locale), 75), value=f"{card.interview_id}:{key}")
        for key, name in card.to_find_out[:100]
    ]
    return StaticSelectElement(
        action_id=ids.ACT_CARD_FIND_OUT,
        placeholder=PlainTextObject(text=t("card.find_out_pick", locale)),
        options=options,
    )


def grade_why(card: Card, locale: str) -> str:
    """Why the grade is what it is: the rep's held downgrade, or the rule (risk score and close date)."""
    if card.grade_held_since:
        return t("card.grade_why.held", locale, date=format_date(card.grade_held_since, locale))
    why = t("card.grade_why.rule", locale, close=format_date(card.expected_close, locale))
    if card.next_grade is None:
        return why
    from bot.blocks.verdict import next_grade_text  # the verdict's words: one way to say it

    return f"{why}\n_{next_grade_text(card.next_grade, locale)}_"


def customer_blocks(card: Card, locale: str) -> list[Block]:
    """The customer's buying step (a select on open and held deals), and when it is ahead of our stage,
    the milestones we have not met."""
    c, s = card.customer, card.summary
    if c is None or s.status not in ("open", "on_hold"):
        return []
    if c.step is None:
        text = t("card.customer.unknown", locale)
    else:
        text = t("card.customer.at", locale, n=c.index + 1, step=c.step.buying_step.get(locale))
    if c.ahead:
        text += "\n" + customer_ahead_line(card, locale)
    ref = f"{s.id}:{s.version}"
    options = [
        Option(text=clip(f"{i + 1}. {st.buying_step.get(locale)}", 75), value=f"{st.key}:{ref}")
        for i, st in enumerate(card.steps)
    ]
    chosen = next((o for o in options if c.step and o.value.startswith(f"{c.step.key}:")), None)
    select = StaticSelectElement(
        action_id=ids.ACT_CUSTOMER_STEP,
        placeholder=t("card.customer.pick", locale),
        options=options,
        initial_option=chosen,
    )
    return [SectionBlock(block_id=f"customer_{s.id}", text=md(text), accessory=select if options else None)]


def customer_ahead_line(card: Card, locale: str) -> str:
    return ahead_text(card.customer, card.summary.stage_index, locale)


def ahead_text(c: CustomerStep, our_index: int, locale: str) -> str:
    """ "⚠ The customer is already at <step> (we are at stage n); not met: <gaps>" """
    return "⚠ " + t(
        "card.customer.ahead",
        locale,
        step=c.step.buying_step.get(locale),
        ours=our_index + 1,
        missing=gaps_text(c.gaps, locale),
    )


def gaps_text(gaps, locale: str) -> str:  # noqa: ANN001
    """The milestones we have not met, in the user's words ("no coach; the decision-maker not met")."""
    if not gaps:
        return t("card.gap.none", locale)
    return join_clauses(
        (
            g.stage.milestone.get(locale) if g.key == "milestone" else t(f"card.gap.{g.key}", locale)
            for g in gaps
        ),
        locale,
    )


def todo_block(card: Card, locale: str) -> list[Block]:
    """The stage's work items from the stage file: its to-do list."""
    if not card.todo or card.summary.status != "open":
        return []
    items = "\n".join(f"☐ {clip(item.get(locale), 300)}" for item in card.todo)
    return [
        SectionBlock(
            text=md(t("card.todo", locale, stage=card.summary.stage.name.get(locale)) + "\n" + items)
        )
    ]


def dates_line(card: Card, locale: str) -> str:
    parts = [t("card.close", locale, date=format_date(card.expected_close, locale))]
    if card.tender_date:
        parts.append(t("card.tender", locale, date=format_date(card.tender_date, locale)))
    if card.signing_date:
        parts.append(t("card.signing", locale, date=format_date(card.signing_date, locale)))
    if card.committed:
        parts.append(commit_text(card, locale))
    return " · ".join(parts)


def commit_text(card: Card, locale: str) -> str:
    """A commitment names its quota period; one for a past period has lapsed, and the card asks again."""
    if card.period is None:
        return t("card.committed", locale)
    if card.commit_period == card.period:
        return t("card.committed_for", locale, period=format_period(card.period, locale))
    return t(
        "card.commit_lapsed",
        locale,
        old=format_period(card.commit_period, locale),
        period=format_period(card.period, locale),
    )


def people_line(card: Card, locale: str) -> str:
    parts = []
    for role in KEY_ROLES:
        present, met, name = card.coverage.roles[role]
        mark = "✓" if present else "✗"
        extra = f" {t('card.met', locale)}" if met else ""
        who = paren(name, locale) if name else ""
        parts.append(f"{t(f'people.role.{role}', locale)} {mark}{extra}{who}")
    line = t("card.people", locale, roles=" · ".join(parts))
    if card.coverage.missing:
        missing = join_list((t(f"people.role.{r}", locale) for r in card.coverage.missing), locale)
        line += "\n" + t("card.missing_roles", locale, roles=missing)
    return line


def small_print(card: Card, locale: str) -> list[str]:
    lines = [f"⚠ {labelled(t(f'card.flag.{k}', locale), clip(r, 300), locale)}" for k, r in card.flags[:5]]
    lines += [f"⚠ {t(f'card.attention.{a}', locale)}" for a in card.summary.attention]
    lines += [f"⚠ {t(f'card.warning.{w}', locale)}" for w in card.warnings]
    if card.nudges:
        items = join_list(
            (
                t("card.nudge", locale, kind=kind_label(k, locale), date=format_date(due, locale))
                for k, _, due in card.nudges[:3]
            ),
            locale,
        )
        lines.append(t("card.open_nudges", locale, items=items))
    lines += waiting_lines(card, locale)
    if card.next_step:
        lines.append(
            t(
                "card.next_step",
                locale,
                step=clip(card.next_step, 300),
                date=format_date(card.next_step_date, locale),
            )
        )
    return lines


def waiting_lines(card: Card, locale: str) -> list[str]:
    """Issue 17: a due nudge held for the owner's working hours says when it actually goes out, in
    the owner's zone ("⏳ Waiting for working hours: day-1 follow-up goes out Tue 3 Nov 2026, 09:00 …")."""
    zone = zone_or_utc(card.owner_tz)
    city = str(zone.key).rsplit("/", 1)[-1].replace("_", " ")
    out = []
    for key, at in card.waiting[:3]:
        local = at.astimezone(zone)
        when = t(
            "card.send_at",
            locale,
            wday=t(f"card.wday.{local.weekday()}", locale),
            date=format_date(local.date(), locale),
            time=local.strftime("%H:%M"),
        )
        out.append(t("card.nudge_waiting", locale, kind=kind_label(key, locale), when=when, zone=city))
    return out


def kind_label(key: str, locale: str) -> str:
    """An open nudge's name on the card; a kind this version does not know shows its key."""
    kind = KINDS.find(key)
    return t(kind.label_key, locale) if kind else key


def card_actions(card: Card, locale: str) -> ActionsBlock:
    s, ref, plain = card.summary, f"{card.summary.id}:{card.summary.version}", str(card.summary.id)
    buttons: list = []
    if s.status == "open":
        key = "card.btn.won" if card.is_last_stage else "card.btn.milestone"
        buttons.append(
            ButtonElement(text=t(key, locale), action_id=ids.ACT_MILESTONE_OPEN, value=ref, style="primary")
        )
        if s.stage_index == 0 and not card.qualified:
            buttons.append(
                ButtonElement(
                    text=t("card.btn.qualify", locale), action_id=ids.ACT_QUALIFY_START, value=plain
                )
            )
        buttons.append(
            ButtonElement(text=t("card.btn.checkin", locale), action_id=ids.ACT_CHECKIN_OPEN, value=plain)
        )
        if card.to_find_out and card.interview_id is not None:
            buttons.append(find_out_select(card, locale))
    buttons.append(ButtonElement(text=t("card.btn.people", locale), action_id=ids.ACT_PEOPLE_OPEN, value=ref))
    more = {
        "open": ["won", "lost", "drop", "hold", "edit"],
        "on_hold": ["won", "lost", "drop", "edit", "reopen"],
    }
    chosen = more.get(s.status, ["reopen"])  # an overflow menu holds at most 5 options
    buttons.append(
        ButtonElement(text=t("card.btn.history", locale), action_id=ids.ACT_DEAL_HISTORY, value=ref)
    )
    options = [Option(text=t(f"card.more.{m}", locale), value=f"{m}:{ref}") for m in chosen]
    buttons.append(OverflowMenuElement(action_id=ids.ACT_DEAL_MORE, options=options))
    return ActionsBlock(block_id=f"card_{s.id}", elements=buttons)


def card_blocks(card: Card, locale: str, notice: str | None = None) -> list[Block]:
    s = card.summary
    blocks: list[Block] = []
    if notice:
        blocks.append(ContextBlock(elements=[md(notice)]))
    blocks.append(HeaderBlock(text=PlainTextObject(text=clip(deal_title(s), 150))))
    status = (
        [] if s.status == "open" else [md(t("card.status", locale, status=t(f"status.{s.status}", locale)))]
    )
    blocks.append(
        SectionBlock(
            fields=[
                md(stage_line(s, card.stage_total, locale)),
                md(grade_line(card, locale)),
                md(money_line(s, locale)),
                md(dates_line(card, locale)),
                *status,
            ]
        )
    )
    if card.to_find_out:
        blocks.append(SectionBlock(text=md(find_out_text(card, locale))))
    blocks.append(SectionBlock(text=md(people_line(card, locale))))
    blocks += customer_blocks(card, locale)
    blocks += todo_block(card, locale)
    small = small_print(card, locale)
    if small:
        blocks.append(ContextBlock(elements=[md("\n".join(small))]))
    if card.said:  # issue 15: check-ins and the manager's word, in order
        lines = [t(f"card.said.{kind}", locale, when=format_date(at, locale), who=f"<@{who}>", text=clip(text, 300))
                 for kind, at, who, text in card.said]  # fmt: skip
        blocks.append(
            ContextBlock(elements=[md(clip(t("card.said.title", locale) + "\n" + "\n".join(lines), 3000))])
        )
    blocks.append(card_actions(card, locale))
    ladder = ladder_actions(card, locale)
    if ladder:
        blocks.append(ladder)
    return blocks


def ladder_actions(card: Card, locale: str) -> ActionsBlock | None:
    """Record the stage's checkpoint (stage 5's "negotiation under way", 80%) or the first milestone
    the deal was forced past — each raises the probability (value ``"<stage>|<checkpoint>|<id>:<v>"``)."""
    s, ref, buttons = card.summary, f"{card.summary.id}:{card.summary.version}", []
    if s.status != "open":
        return None
    if card.checkpoint and s.stage.checkpoint:
        cp = s.stage.checkpoint
        text = t("card.btn_checkpoint", locale, what=cp.name.get(locale), p=cp.probability)
        buttons.append(ButtonElement(text=clip(text, 75), action_id=ids.ACT_RECORD_RUNG,
                                     value=f"{card.checkpoint[0]}|{card.checkpoint[1]}|{ref}"))  # fmt: skip
    if card.skipped:
        name = card.skipped_names[0].get(locale) if card.skipped_names else card.skipped[0]
        text = t("card.btn_skipped", locale, what=name)
        buttons.append(ButtonElement(text=clip(text, 75), action_id=ids.ACT_RECORD_RUNG,
                                     value=f"{card.skipped[0]}||{ref}"))  # fmt: skip
    return ActionsBlock(block_id=f"ladder_{s.id}", elements=buttons) if buttons else None


def deal_card_message(card: Card, locale: str, notice: str | None = None) -> dict:
    return message(
        f"{notice + ' ' if notice else ''}{deal_title(card.summary)}", card_blocks(card, locale, notice)
    )
