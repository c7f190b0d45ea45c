"""The admin's settings and role-assignment modals (opened from App Home)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    UserMultiSelectElement,
    UserSelectElement,
)

from bot import ids
from bot.blocks.modals import VALUE, modal, select_input, text_input
from bot.flows.team.config import TeamConfig
from bot.flows.team.roles import ROLES
from bot.i18n import t
from bot.process.stages import SHIPPED


def settings_modal(cfg: TeamConfig, locale: str) -> dict:
    channel = ConversationSelectElement(  # public or private: the bot joins one, is invited to the other
        action_id=VALUE,
        initial_conversation=cfg.manager_channel or None,
        filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
    )
    days = [(str(i), t(f"settings.weekday.{i}", locale)) for i in range(7)]
    stage_sets = [(name, t(f"settings.stage_sets.{name.replace('-', '_')}", locale)) for name in SHIPPED]
    blocks = [
        InputBlock(
            block_id="manager_channel",
            label=t("settings.channel", locale),
            element=channel,
            optional=True,
            hint=t("settings.channel_hint", locale),
        ),
        select_input(
            "digest_weekday", t("settings.digest_day", locale), days, initial=str(cfg.digest_weekday)
        ),
        text_input(
            "digest_time",
            t("settings.digest_time", locale),
            initial=cfg.digest_time.strftime("%H:%M"),
            max_length=5,
            hint=t("settings.digest_time_hint", locale),
        ),
        text_input(
            "timezone",
            t("settings.timezone", locale),
            initial=cfg.timezone,
            max_length=64,
            hint=t("settings.timezone_hint", locale),
        ),
        select_input(
            "locale",
            t("settings.locale", locale),
            [("en", "English"), ("zh-Hans", "简体中文")],
            initial=cfg.locale,
        ),
        text_input(
            "pass_line",
            t("settings.pass_line", locale),
            optional=True,
            max_length=3,
            initial=None if cfg.pass_line is None else str(cfg.pass_line),
            hint=t("settings.pass_line_hint", locale),
        ),
        text_input(
            "low_contact_days",
            t("settings.low_contact_days", locale),
            optional=True,
            max_length=4,
            initial=str(cfg.low_contact_days),
            hint=t("settings.low_contact_days_hint", locale),
        ),
        text_input(  # planning back from the quota (SPEC §13)
            "typical_deal_size",
            t("settings.typical_deal_size", locale),
            optional=True,
            max_length=16,
            initial=None
            if cfg.typical_deal_size is None
            else f"{cfg.typical_deal_size:f}".rstrip("0").rstrip("."),
            hint=t("settings.typical_deal_size_hint", locale),
        ),
        select_input(
            "selling_prompt",
            t("settings.selling_prompt", locale),
            [
                ("off", t("settings.selling_prompt_off", locale)),
                ("on", t("settings.selling_prompt_on", locale)),
            ],
            initial="on" if cfg.selling_prompt else "off",
            optional=True,
        ),
        select_input(
            "stage_set",
            t("settings.stage_set", locale),
            stage_sets,
            initial=cfg.stage_set_name if cfg.stage_set_name in SHIPPED else None,
            optional=True,
        ),
    ]
    return modal(
        ids.VIEW_SETTINGS,
        t("settings.title", locale),
        blocks,
        submit=t("settings.submit", locale),
        close=t("common.cancel", locale),
    )


def roles_modal(locale: str) -> dict:
    blocks = [
        InputBlock(
            block_id="user", label=t("roles.user", locale), element=UserSelectElement(action_id=VALUE)
        ),
        select_input(
            "role",
            t("roles.role", locale),
            [(r, t(f"roles.name.{r}", locale)) for r in ROLES],
            initial="manager",
        ),
        InputBlock(
            block_id="reps",
            label=t("roles.reps", locale),
            element=UserMultiSelectElement(action_id=VALUE),
            optional=True,
            hint=t("roles.reps_hint", locale),
        ),
    ]
    return modal(
        ids.VIEW_ROLES,
        t("roles.title", locale),
        blocks,
        submit=t("roles.submit", locale),
        close=t("common.cancel", locale),
    )
