"""App Home: "needs you today" first, then my deals by stage, then Register a deal; a manager's team
by rep; an admin's settings and roles. Always within Slack's 100 blocks (summaries, "and N more")."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import ids
from bot.blocks import MAX_VIEW_BLOCKS, clip, message
from bot.blocks.deal_card import ahead_text, deal_title, md
from bot.blocks.deal_list import summary_line
from bot.blocks.review import rep_lines
from bot.flows.pipeline.home import Home, RepRow
from bot.i18n import t
from bot.i18n.format import format_money, join_list

NEEDS_MAX = 8
PER_STAGE = 5
REPS_MAX = 20
ROLES_MAX = 30
FLAGS_MAX = 5
AHEAD_MAX = 5


def _needs_you(home: Home, locale: str) -> list:
    """Grouped by urgency (overdue, today, this week), A first inside each group."""
    needs = home.needs_you
    blocks: list = [HeaderBlock(text=t("home.needs_title", locale))]
    if not needs:
        return [*blocks, SectionBlock(text=md(t("home.needs_none", locale)))]
    shown = 0
    for urgency, group in home.needs_groups:
        if shown >= NEEDS_MAX:
            break
        blocks.append(ContextBlock(elements=[md(t(f"home.urgency.{urgency}", locale, n=len(group)))]))
        for s in group[: NEEDS_MAX - shown]:
            button = ButtonElement(text=t("list.open", locale), action_id=ids.ACT_DEAL_OPEN, value=str(s.id))
            blocks.append(SectionBlock(text=md(summary_line(s, locale)), accessory=button))
            shown += 1
    if len(needs) > NEEDS_MAX:
        blocks.append(ContextBlock(elements=[md(t("common.and_more", locale, n=len(needs) - NEEDS_MAX))]))
    return blocks


def _ahead(home: Home, locale: str) -> list:
    """Deals whose customer is ahead of our stage, with the milestones we have not met."""
    ahead = home.ahead or []
    if not ahead:
        return []
    lines = [
        f"• *{clip(deal_title(s), 80)}* — {ahead_text(c, s.stage_index, locale)}"
        for s, c in ahead[:AHEAD_MAX]
    ]
    if len(ahead) > AHEAD_MAX:
        lines.append(t("common.and_more", locale, n=len(ahead) - AHEAD_MAX))
    return [SectionBlock(text=md(clip(t("home.ahead_title", locale) + "\n" + "\n".join(lines), 3000)))]


def _by_stage(home: Home, locale: str) -> list:
    blocks: list = [HeaderBlock(text=t("home.mine_title", locale, n=len(home.mine)))]
    if not home.mine:
        blocks.append(SectionBlock(text=md(t("home.mine_none", locale))))
    cur = home.config.base_currency
    for i, stage in enumerate(home.config.stages.stages):
        items = [s for s in home.mine if s.stage.key == stage.key and s.below != "low_contact"]
        if not items:
            continue
        total = sum((s.amount for s in items if s.amount is not None and s.currency == cur), 0)
        lines = [
            t(
                "home.stage_head",
                locale,
                n=i + 1,
                name=stage.name.get(locale),
                count=len(items),
                amount=format_money(total, cur, locale),
            )
        ]
        lines += [
            t(
                "home.stage_deal",
                locale,
                title=clip(deal_title(s), 80),
                days=s.days_in_stage,
                expected=stage.duration_days,
            )
            for s in items[:PER_STAGE]
        ]
        if len(items) > PER_STAGE:
            lines.append(t("common.and_more", locale, n=len(items) - PER_STAGE))
        blocks.append(SectionBlock(text=md("\n".join(lines))))
    low = home.low_contact
    if low:  # out of the funnel: listed apart, with when their next touch comes (SPEC §3.3)
        lines = [t("home.low_contact", locale, n=len(low))]
        lines += [f"• {clip(deal_title(s), 80)}" for s in low[:PER_STAGE]]
        if len(low) > PER_STAGE:
            lines.append(t("common.and_more", locale, n=len(low) - PER_STAGE))
        blocks.append(SectionBlock(text=md("\n".join(lines))))
    blocks.append(primary_button(t("home.register", locale), ids.ACT_HOME_NEW_DEAL, "new"))
    return blocks


def _rep_text(r: RepRow, cur: str, locale: str) -> str:
    return t(
        "home.rep_line",
        locale,
        rep=f"<@{r.owner_id}>",
        open=r.open,
        amount=format_money(r.amount, cur, locale),
        weighted=format_money(r.weighted, cur, locale),
        stalled=r.stalled,
        overdue=r.overdue,
    )


def _team(home: Home, locale: str) -> list:
    rows = home.team or []
    cur = home.config.base_currency
    blocks: list = [DividerBlock(), HeaderBlock(text=t("home.team_title", locale))]
    if not rows:
        return [*blocks, SectionBlock(text=md(t("home.team_none", locale)))]
    total_w = sum((r.weighted for r in rows), 0)
    blocks.append(
        SectionBlock(
            text=md(
                t(
                    "home.team_total",
                    locale,
                    open=sum(r.open for r in rows),
                    weighted=format_money(total_w, cur, locale),
                )
            )
        )
    )
    for r in rows[:REPS_MAX]:
        blocks.append(SectionBlock(text=md(_rep_text(r, cur, locale))))
    if len(rows) > REPS_MAX:
        blocks.append(ContextBlock(elements=[md(t("common.and_more", locale, n=len(rows) - REPS_MAX))]))
    return blocks + _flags(home, locale)


def _flags(home: Home, locale: str) -> list:
    flags = home.flags or []
    if not flags:
        return []
    lines = [
        t(
            "home.flag_line",
            locale,
            rep=f"<@{s.owner_id}>",
            deal=clip(deal_title(s), 80),
            kind=t(f"card.flag.{kind}", locale),
            reason=clip(reason, 150),
        )
        for s, kind, reason in flags[:FLAGS_MAX]
    ]
    if len(flags) > FLAGS_MAX:
        lines.append(t("common.and_more", locale, n=len(flags) - FLAGS_MAX))
    return [SectionBlock(text=md(t("home.flags_title", locale) + "\n" + "\n".join(lines)))]


def channel_access_notice(status: str, error: str | None, channel: str, locale: str) -> str:
    """What App Home tells the admin who picked ``channel`` (bot.channel_access: in, invite, failed)."""
    key = {"in": "joined", "invite": "invite"}.get(status, "failed")
    return t(f"settings.access.{key}", locale, channel=channel, error=error or "")


def _admin(home: Home, locale: str, notice: str | None = None) -> list:
    c = home.config
    day = t(f"settings.weekday.{c.digest_weekday}", locale)
    fields = [
        md(t("settings.show.channel", locale, v=f"<#{c.manager_channel}>" if c.manager_channel else "—")),
        md(t("settings.show.digest", locale, day=day, time=c.digest_time.strftime("%H:%M"))),
        md(t("settings.show.timezone", locale, v=c.timezone)),
        md(t("settings.show.locale", locale, v=c.locale)),
        md(t("settings.show.pass_line", locale, v="—" if c.pass_line is None else c.pass_line)),
        md(t("settings.show.stage_set", locale, v=c.stages.title.get(locale))),
        md(t("settings.show.low_contact_days", locale, v=c.low_contact_days)),
        md(t("settings.show.typical_deal_size", locale, v=_deal_size(c, locale))),
        md(t("settings.show.selling_prompt", locale, v=t(f"settings.selling_prompt_{_on(c)}", locale))),
    ]
    roles = home.roles or []
    role_lines = [
        t(
            "settings.role_line",
            locale,
            user=f"<@{r.user_id}>",
            role=t(f"roles.name.{r.role}", locale),
            reps=join_list((f"<@{x}>" for x in r.reps), locale) or "—",
        )
        for r in roles[:ROLES_MAX]
    ]
    if len(roles) > ROLES_MAX:
        role_lines.append(t("common.and_more", locale, n=len(roles) - ROLES_MAX))
    return [
        DividerBlock(),
        HeaderBlock(text=t("home.settings_title", locale)),
        SectionBlock(fields=fields),
        *([SectionBlock(text=md(notice))] if notice else []),
        SectionBlock(text=md(t("settings.roles_head", locale) + "\n" + ("\n".join(role_lines) or "—"))),
        *_odds(home, locale),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=t("home.change_settings", locale), action_id=ids.ACT_SETTINGS_OPEN, value="settings"
                ),
                ButtonElement(
                    text=t("home.assign_role", locale), action_id=ids.ACT_ROLES_OPEN, value="roles"
                ),
            ]
        ),
    ]


def _deal_size(c, locale: str) -> str:  # noqa: ANN001
    return "—" if c.typical_deal_size is None else format_money(c.typical_deal_size, c.base_currency, locale)


def _on(c) -> str:  # noqa: ANN001
    return "on" if c.selling_prompt else "off"


def _plan(home: Home, locale: str) -> list:
    """The rep's backward plan (SPEC §13): W, the need per milestone, the one gap, the entry date."""
    if home.plan is None or home.plan.quota is None:
        return []
    from bot.blocks.plan import plan_lines

    return [SectionBlock(text=md(clip("\n".join(plan_lines(home.plan, locale)), 3000)))]


def _odds(home: Home, locale: str) -> list:
    """Admins: the team's own odds beside the defaults, and the switch per rung (≥ 20 closed deals)."""
    if home.odds is None:
        return []
    from bot.blocks.plan import odds_lines, odds_switch_blocks

    names = {s.key: s.name.get(locale) for s in home.config.stages.stages}
    return [
        SectionBlock(text=md(clip("\n".join(odds_lines(home.odds, locale, names)), 3000))),
        *odds_switch_blocks(home.odds, locale),
    ]


def primary_button(text: str, action_id: str, value: str) -> ActionsBlock:
    """A row holding one primary button (App Home's calls to act)."""
    return ActionsBlock(
        elements=[ButtonElement(text=text, action_id=action_id, value=value, style="primary")]
    )


REVIEW_REPS = 5  # App Home's review lines; more reps: `/funnel review @rep` (the weekly DM lists them all)


def _review(home: Home, locale: str) -> list:
    """A manager's first section: this week's review, a line per rep and a button opening the review."""
    if not home.review:
        return []
    title = SectionBlock(text=md(f"*{t('review.home.title', locale)}*"))
    return [title, *rep_lines(home.review, locale, limit=REVIEW_REPS)]


def chart_font_notice(locale: str) -> list:
    """Issue 17: an admin learns in App Home (not only from the log) that Chinese charts fall back to
    English labels for want of the CJK font, and how to add it."""
    return [SectionBlock(block_id="chart_font_missing", text=md(t("home.chart_font_missing", locale)))]


def welcome_blocks(locale: str) -> list:
    """The first-run welcome (issue 17): what dealbot does, the three commands that matter, language."""
    w = "home.welcome"
    commands = "\n".join(t(f"{w}.commands.{k}", locale) for k in ("new", "find", "help"))
    return [
        HeaderBlock(text=t(f"{w}.title", locale)),
        SectionBlock(text=md(t(f"{w}.what", locale))),
        SectionBlock(text=md(f"*{t(f'{w}.commands_title', locale)}*\n{commands}")),
        ContextBlock(elements=[md(t(f"{w}.language", locale))]),
    ]


def welcome_message(locale: str) -> dict:
    """The welcome as a DM (a person's first DM to dealbot, or their first look at its Messages tab)."""
    return message(t("home.welcome.notify", locale), welcome_blocks(locale))


def _setup(home: Home, locale: str) -> list:
    """An admin's setup checklist, until every item is done (then App Home no longer shows it)."""
    setup = home.setup
    if setup is None:
        return []
    s = "home.setup"
    done = len(setup.items) - setup.open_count
    lines = [
        t(f"{s}.line_done" if ok else f"{s}.line_open", locale, item=t(f"{s}.item.{key}", locale))
        for key, ok in setup.items
    ]
    return [
        HeaderBlock(text=t(f"{s}.title", locale, done=done, total=len(setup.items))),
        SectionBlock(text=md(clip("\n".join(lines), 3000))),
        ContextBlock(elements=[md(t(f"{s}.how", locale))]),
        primary_button(t("home.change_settings", locale), ids.ACT_SETTINGS_OPEN, "setup"),
        DividerBlock(),
    ]


def home_view(home: Home, notice: str | None = None, *, welcome: bool = False,
              chart_font_missing: bool = False) -> dict:  # fmt: skip
    """``notice``: what the admin's last settings change found (the manager channel's access);
    ``welcome``: the person's first visit (the one-time welcome on top); ``chart_font_missing``: the CJK
    chart font is not installed (told to admins only)."""
    locale = home.actor.locale
    blocks = [
        *(welcome_blocks(locale) + [DividerBlock()] if welcome else []),
        *_setup(home, locale),
        *_review(home, locale),
        *_needs_you(home, locale),
        *_ahead(home, locale),
        *_by_stage(home, locale),
        *_plan(home, locale),
    ]
    if home.team is not None:
        blocks += _team(home, locale)
    if home.roles is not None:
        blocks += _admin(home, locale, notice)
        if chart_font_missing:
            blocks += chart_font_notice(locale)
    blocks.append(ContextBlock(elements=[md(t("home.footer", locale))]))
    if len(blocks) > MAX_VIEW_BLOCKS:  # a safety net; the caps above keep it far below
        blocks = blocks[: MAX_VIEW_BLOCKS - 1] + [blocks[-1]]
    return View(type="home", blocks=blocks).to_dict()
