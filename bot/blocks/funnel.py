"""The funnel digest message (UX.md sketch): headline fields, stages, grades, movement, red flags,
reps and why we lose. Summaries and top-N lists keep it inside Slack's limits at any team size."""

from __future__ import annotations

from decimal import Decimal

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.blocks import clip, message
from bot.blocks.deal_card import gaps_text
from bot.flows.funnel.digest import Digest
from bot.flows.funnel.figures import HEADLINE, MOVES, Figures
from bot.flows.funnel.view import FunnelView
from bot.flows.pipeline.customer import CustomerStep
from bot.i18n import has, t
from bot.i18n.format import format_date, format_money, format_period, join_list, paren
from bot.process.schema import StageSet

REPS_TOP = 10
SECTION_MAX = 3000


def money(amount: Decimal, currency: str, locale: str) -> str:
    return format_money(amount, currency, locale)


def pct(value: float) -> str:
    return f"{round(value)}%"


def _delta(amount: Decimal, currency: str, locale: str) -> str:
    if not amount:
        return paren("±0", locale)
    sign = "+" if amount > 0 else "−"
    return paren(f"{sign}{money(abs(amount), currency, locale)}", locale)


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))


def stage_name(stages: StageSet, key: str, locale: str) -> str:
    try:
        return stages.get(key).name.get(locale)
    except StopIteration:
        return key


def digest_title(d: Digest) -> str:
    return t("funnel.title.digest", d.cfg.locale, week=format_date(d.week_of, d.cfg.locale))


def on_demand_title(v: FunnelView, locale: str) -> str:
    """Whose funnel, the day, then the filter: "Funnel · the team · 2 Mar 2026 · stage Bid"."""
    day = format_date(v.day, locale)
    if v.whose == "mine":
        title = t("funnel.title.mine", locale, date=day)
    else:
        who = t("funnel.scope.all", locale) if v.whose == "all" else t("funnel.scope.reps", locale)
        title = t("funnel.title.team", locale, who=who, date=day)
    f, parts = v.filter, []
    if f.rep:
        parts.append(t("funnel.filter.rep", locale, name="@" + (f.rep_name or f.rep)))
    if f.stage:
        parts.append(t("funnel.filter.stage", locale, name=stage_name(v.cfg.stages, f.stage, locale)))
    if f.grade:
        parts.append(t("funnel.filter.grade", locale, grade=f.grade))
    return " · ".join([title, *parts])


def reason_label(reason: str, locale: str) -> str:
    return t(f"funnel.reasons.{reason}", locale) if has(f"funnel.reasons.{reason}") else reason


def headline_fields(f: Figures, locale: str) -> list[MarkdownTextObject]:
    cur, out = f.currency, []
    for key in HEADLINE:
        value = money(f.headline[key].base, cur, locale)
        if key == "achievement" and f.headline["quota"].base:
            value += " · " + t(
                "funnel.pct_of_quota",
                locale,
                pct=pct(float(f.headline[key].base / f.headline["quota"].base * 100)),
            )
        if key in f.deltas:
            value += _delta(f.deltas[key], cur, locale)
        out.append(MarkdownTextObject(text=f"*{t(f'funnel.head.{key}', locale)}*\n{value}"))
    return out


def expected_line(f: Figures, locale: str) -> str:
    """ "achievement + forecast = expected", and the whole weighted pipeline apart (base currency)."""
    cur = f.currency
    return t(
        "funnel.expected",
        locale,
        achievement=money(f.headline["achievement"].base, cur, locale),
        forecast=money(f.headline["forecast"].base, cur, locale),
        expected=money(f.expected.base, cur, locale),
        pipeline=money(f.pipeline.base, cur, locale),
    )


BELOW = ("qualification", "low_contact", "failed")


def below_line(below: dict[str, int], locale: str) -> str | None:
    """ "Below the funnel: 3 in qualification, 2 at low contact, 1 failed but pursued" (None if none)."""
    items = [t(f"funnel.below.{k}", locale, n=below[k]) for k in BELOW if below.get(k)]
    return t("funnel.below.line", locale, items=join_list(items, locale)) if items else None


def _others(f: Figures, locale: str) -> str | None:
    items = []
    for key in HEADLINE:
        others = f.headline[key].others
        if others:
            amounts = join_list((money(a, c, locale) for c, a in sorted(others.items())), locale)
            items.append(
                t("funnel.other_item", locale, what=t(f"funnel.head.{key}", locale), amounts=amounts)
            )
    return t("funnel.others", locale, items=" · ".join(items)) if items else None


def stage_lines(f: Figures, stages: StageSet, locale: str) -> list[str]:
    cur = f.currency
    lines = [
        t(
            "funnel.stages.line",
            locale,
            n=i,
            name=stage_name(stages, s.key, locale),
            count=s.count,
            amount=money(s.amount, cur, locale),
            weighted=money(s.weighted, cur, locale),
        )
        for i, s in enumerate(f.stages, 1)
    ]
    for c, (n, amount, weighted) in sorted(f.other_stages.items()):
        lines.append(
            t(
                "funnel.stages.other",
                locale,
                currency=c,
                count=n,
                amount=money(amount, c, locale),
                weighted=money(weighted, c, locale),
            )
        )
    below = below_line(f.below, locale)
    return [*lines, below] if below else lines


def _grades_and_moves(f: Figures, locale: str) -> str:
    named = {"-": t("funnel.grades.none", locale), "incomplete": t("funnel.grades.incomplete", locale)}
    grades = " · ".join(
        f"{named.get(g, g)} {f.grades.get(g, 0)}"
        for g in ("A", "B", "C", "D", "incomplete", "-")
        if g not in named or f.grades.get(g)
    )
    moves = " · ".join(f"{t(f'funnel.moves.{m}', locale)} {f.movement.get(m, 0)}" for m in MOVES)
    return f"*{t('funnel.grades.title', locale)}*  {grades}\n*{t('funnel.moves.title', locale)}*  {moves}"


def deal_label(account: str, title: str) -> str:
    name = f"{account} — {title}" if title else account
    return clip(name.replace("*", "").replace("<", "‹").replace(">", "›"), 60)


def ahead_note(c: CustomerStep, locale: str) -> str:
    """ " — the customer is at <step>; not met: <gaps>" after a customer_ahead deal."""
    return " — " + t(
        "funnel.flags.ahead", locale, step=c.step.buying_step.get(locale), missing=gaps_text(c.gaps, locale)
    )


def flag_lines(f: Figures, locale: str) -> str:
    head = f"*🚩 {t('funnel.flags.title', locale, count=f.flag_total)}*"
    if not f.flags:
        return f"{head}\n{t('funnel.flags.none', locale)}"
    lines = [head]
    for g in f.flags:
        deals = join_list(
            (
                t("funnel.flags.deal", locale, deal=deal_label(acc, title), owner=f"<@{owner}>")
                + (ahead_note(g.ahead[i], locale) if i in g.ahead else "")
                for i, acc, title, owner, _, _ in g.deals
            ),
            locale,
        )
        if g.count > len(g.deals):
            deals += " " + t("funnel.flags.more", locale, n=g.count - len(g.deals))
        what = t(f"funnel.flags.kinds.{g.kind}", locale) if has(f"funnel.flags.kinds.{g.kind}") else g.kind
        lines.append("• " + t("funnel.flags.line", locale, what=what, count=g.count, deals=deals))
    return "\n".join(lines)


def _plan_gap(r, locale: str) -> str:  # noqa: ANN001
    """The backward plan's one gap on the rep's row (SPEC §13), e.g. "plan: needs 4 more with …"."""
    g = r.plan_gap
    if g is None:
        return ""
    gap = t("plan.gap", locale, n=g.short, milestone=g.rung.label.get(locale))
    return " · " + t("plan.digest_gap", locale, gap=gap)


def rep_lines(f: Figures, locale: str) -> str:
    head = f"*{t('funnel.reps.title', locale)}*"
    if not f.reps:
        return f"{head}\n{t('funnel.reps.none', locale)}"
    lines = [head]
    for r in f.reps[:REPS_TOP]:
        att = r.attainment
        lines.append(
            "• "
            + t(
                "funnel.reps.line",
                locale,
                owner=f"<@{r.owner_id}>",
                open=r.open_deals,
                weighted=money(r.weighted, f.currency, locale),
                attainment=t("funnel.reps.attainment", locale, pct=pct(att))
                if att is not None
                else t("funnel.reps.no_quota", locale),
                followups=t("funnel.reps.followups", locale, on_time=r.on_time, due=r.due)
                if r.due
                else t("funnel.reps.no_followups", locale),
            )
            + _plan_gap(r, locale)
        )
    if len(f.reps) > REPS_TOP:
        lines.append(t("funnel.reps.more", locale, n=len(f.reps) - REPS_TOP))
    return "\n".join(lines)


def lose_lines(
    f: Figures, locale: str, labels: dict[str, str], stage_names: dict[str, str] | None = None
) -> str:
    head = f"*{t('funnel.lose.title', locale)}*"
    if not f.loss_reasons:
        return f"{head}\n{t('funnel.lose.none', locale)}"

    def times(items: list[tuple[str, int]], label=lambda x: x) -> str:  # noqa: ANN001
        return " · ".join(t("funnel.lose.times", locale, what=label(w), n=n) for w, n in items)

    lines = [
        head,
        t("funnel.lose.reasons", locale, items=times(f.loss_reasons, lambda r: reason_label(r, locale))),
    ]
    if f.competitors:
        lines.append(t("funnel.lose.competitors", locale, items=times(f.competitors)))
    if f.loss_stages:
        names = stage_names or {}
        lines.append(t("funnel.lose.died", locale, items=times(f.loss_stages, lambda k: names.get(k, k))))
    if f.unseen_winners[1]:
        lines.append(t("funnel.lose.unseen", locale, n=f.unseen_winners[0], of=f.unseen_winners[1]))
    if f.weakest:
        items = [
            t("funnel.lose.weakest_item", locale, item=labels.get(k, k), lost=f"{lost:.1f}", won=f"{won:.1f}")
            if won is not None
            else t("funnel.lose.weakest_item_alone", locale, item=labels.get(k, k), lost=f"{lost:.1f}")
            for k, lost, won in f.weakest
        ]
        lines.append(t("funnel.lose.weakest", locale, items=" · ".join(items)))
    return "\n".join(lines)


def funnel_message(
    f: Figures, stages: StageSet, locale: str, *, title: str, labels: dict[str, str] | None = None
) -> dict:
    """The digest (channel) or the on-demand funnel (ephemeral): at most 12 blocks at any size."""
    cur = f.currency
    blocks = [
        HeaderBlock(text=PlainTextObject(text=clip(title, 150))),
        SectionBlock(fields=headline_fields(f, locale)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=clip(
                        t("funnel.period", locale, period=format_period(f.period.key, locale), currency=cur),
                        2000,
                    )
                ),
                MarkdownTextObject(text=clip(expected_line(f, locale), 2000)),
            ]
        ),
    ]
    others = _others(f, locale)
    if others:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(others, 2000))]))
    blocks += [
        DividerBlock(),
        _section(f"*{t('funnel.stages.title', locale)}*\n" + "\n".join(stage_lines(f, stages, locale))),
        _section(_grades_and_moves(f, locale)),
        _section(flag_lines(f, locale)),
        _section(rep_lines(f, locale)),
        _section(lose_lines(f, locale, labels or {}, {x.key: x.name.get(locale) for x in stages.stages})),
        ContextBlock(elements=[MarkdownTextObject(text=t("funnel.footer", locale))]),
    ]
    text = t(
        "funnel.text",
        locale,
        title=title,
        forecast=money(f.headline["forecast"].base, cur, locale),
        commitment=money(f.headline["commitment"].base, cur, locale),
        achievement=money(f.headline["achievement"].base, cur, locale),
        flags=f.flag_total,
    )
    return message(text, blocks)


def home_headline_blocks(f: Figures, locale: str) -> list:
    """Quota, forecast, commitment, achievement, won and cash for another surface (App Home's team
    view may include these two blocks; the figures come from ``bot.flows.funnel.figures.compute``)."""
    return [
        SectionBlock(fields=headline_fields(f, locale)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=clip(
                        t(
                            "funnel.period",
                            locale,
                            period=format_period(f.period.key, locale),
                            currency=f.currency,
                        ),
                        2000,
                    )
                )
            ]
        ),
    ]
