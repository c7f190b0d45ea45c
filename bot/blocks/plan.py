"""The backward plan, the team's odds and the end-of-day prompt as Block Kit (SPEC §13)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot import ids
from bot.blocks import clip, message
from bot.flows.plan.backward import Need, Plan
from bot.flows.plan.odds import TeamOdds
from bot.i18n import t
from bot.i18n.format import format_date, format_money, format_period


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))


def rung_label(n_rung, locale: str) -> str:  # noqa: ANN001
    return n_rung.label.get(locale)


def gap_text(plan: Plan, locale: str) -> str | None:
    """The one gap that matters most, e.g. "needs 4 more with: Coach and key decision-maker …"."""
    g = plan.gap
    if g is None:
        return None
    return t("plan.gap", locale, n=g.short, milestone=rung_label(g.rung, locale))


def _who(plan: Plan, locale: str) -> str:
    return f"<@{plan.rep_id}>" if plan.rep_id else t("plan.team", locale)


def _size_line(plan: Plan, locale: str) -> str:
    if plan.deal_size is None:
        return t("plan.size.none", locale)
    size = format_money(plan.deal_size, plan.currency, locale)
    return t(f"plan.size.{plan.size_source}", locale, size=size, n=plan.size_count)


def _need_line(n: Need, locale: str) -> str:
    odds = t("plan.team_odds_used", locale) if n.team_odds else ""
    return t(
        "plan.need_line",
        locale,
        milestone=rung_label(n.rung, locale),
        p=n.probability,
        odds=odds,
        need=n.need,
        have=n.have,
        short=t("plan.short", locale, n=n.short) if n.short else t("plan.enough", locale),
    )


def plan_lines(plan: Plan, locale: str) -> list[str]:
    money = lambda a: format_money(a, plan.currency, locale)  # noqa: E731
    out = [t("plan.head", locale, who=_who(plan, locale), period=format_period(plan.period.key, locale))]
    if plan.quota is None:
        out.append(t("plan.no_quota", locale))
    else:
        out.append(t("plan.quota_line", locale, quota=money(plan.quota), achievement=money(plan.achievement)))
    out.append(_size_line(plan, locale))
    if plan.wins_needed is not None:
        out.append(t("plan.wins", locale, w=plan.wins_needed))
        if plan.wins_needed:
            out.extend(_need_line(n, locale) for n in plan.needs)
            gap = gap_text(plan, locale)
            if gap:
                out.append(t("plan.gap_line", locale, gap=gap))
    if plan.entry_passed:
        out.append(
            t(
                "plan.entry_passed",
                locale,
                date=format_date(plan.entry_by, locale),
                next=format_date(plan.next_entry_by, locale),
                next_period=format_period(plan.next_period.key, locale),
            )
        )
    else:
        out.append(t("plan.entry_by", locale, date=format_date(plan.entry_by, locale)))
    return out


def plan_message(plan: Plan, locale: str) -> dict:
    lines = plan_lines(plan, locale)
    return message(
        lines[0],
        [
            HeaderBlock(text=PlainTextObject(text=clip(t("plan.title", locale), 150))),
            _section("\n".join(lines)),
        ],
    )


def odds_lines(odds: TeamOdds, locale: str, stage_names: dict[str, str]) -> list[str]:
    out = [t("odds.head", locale, closed=odds.closed)]
    for o in odds.rungs:
        if o.met:
            figure = t(
                "odds.figure",
                locale,
                share=o.percent,
                won=o.won,
                met=o.met,
                low=round(o.low * 100),
                high=round(o.high * 100),
            )
        else:
            figure = t("odds.no_data", locale)
        state = (
            t("odds.switched", locale) if o.switched else ("" if o.switchable else t("odds.too_few", locale))
        )
        out.append(
            t(
                "odds.line",
                locale,
                milestone=o.rung.label.get(locale),
                default=o.default,
                figure=figure,
                state=state,
            )
        )
    out.append(f"*{t('odds.durations', locale)}*")
    for key, (median, n, configured) in odds.durations.items():
        real = (
            t("odds.days", locale, days=round(median), n=n)
            if median is not None
            else t("odds.no_data", locale)
        )
        out.append(
            t("odds.duration_line", locale, stage=stage_names.get(key, key), real=real, configured=configured)
        )
    cycle = (
        t("odds.weeks", locale, weeks=round(odds.cycle[0] / 7, 1), n=odds.cycle[1])
        if odds.cycle
        else t("odds.no_data", locale)
    )
    out.append(t("odds.cycle", locale, real=cycle, configured=round(odds.configured_cycle_days / 7)))
    return out


def odds_message(odds: TeamOdds, locale: str, stage_names: dict[str, str]) -> dict:
    lines = odds_lines(odds, locale, stage_names)
    return message(
        lines[0],
        [
            HeaderBlock(text=PlainTextObject(text=clip(t("odds.title", locale), 150))),
            _section("\n".join(lines)),
        ],
    )


def odds_switch_blocks(odds: TeamOdds, locale: str) -> list:
    """App Home settings: one button per rung, to use (or stop using) the team's own figure."""
    buttons = []
    for o in odds.rungs:
        if not (o.switchable or o.switched):
            continue
        key = "odds.use_default" if o.switched else "odds.use_team"
        buttons.append(
            ButtonElement(
                text=PlainTextObject(text=clip(t(key, locale, milestone=o.rung.label.get(locale)), 75)),
                action_id=f"{ids.PLAN_ODDS_SWITCH}:{o.rung.key}",
                value=f"{o.rung.key}:{'off' if o.switched else 'on'}",
            )
        )
    if not buttons:
        return [ContextBlock(elements=[MarkdownTextObject(text=t("odds.none_switchable", locale))])]
    return [ActionsBlock(block_id=ids.BLOCK_PLAN_ODDS, elements=buttons[:25])]


def selling_prompt_message(row_id: int, locale: str) -> dict:
    """The end-of-day DM: one tap (mostly selling / half / mostly other work), an optional line."""
    buttons = [
        ButtonElement(
            text=PlainTextObject(text=t(f"selling.answer.{k}", locale)),
            action_id=f"{ids.SELLING_ANSWER}:{k}",
            value=f"{row_id}:{k}",
        )
        for k in ("selling", "half", "other")
    ]
    return message(
        t("selling.prompt", locale),
        [
            _section(t("selling.prompt", locale)),
            ActionsBlock(block_id=ids.BLOCK_SELLING, elements=buttons),
            ContextBlock(elements=[MarkdownTextObject(text=t("selling.line_hint", locale))]),
        ],
    )


def selling_answered_message(answer: str, row_id: int, locale: str) -> dict:
    """The prompt after the tap: the answer, the buttons to change it, and the optional line."""
    thanks = t("selling.thanks", locale, answer=t(f"selling.answer.{answer}", locale))
    buttons = [
        ButtonElement(
            text=PlainTextObject(text=t(f"selling.answer.{k}", locale)),
            action_id=f"{ids.SELLING_ANSWER}:{k}",
            value=f"{row_id}:{k}",
        )
        for k in ("selling", "half", "other")
        if k != answer
    ]
    buttons.append(
        ButtonElement(
            text=PlainTextObject(text=t("selling.add_line", locale)),
            action_id=ids.ACT_SELLING_NOTE_OPEN,
            value=str(row_id),
        )
    )
    return message(thanks, [_section(thanks), ActionsBlock(block_id=ids.BLOCK_SELLING, elements=buttons)])
