"""The buying-influences modal: the deal's people (each with Edit) and a form to add one."""

from __future__ import annotations

from slack_sdk.models.blocks import ButtonElement, ContextBlock, DividerBlock, HeaderBlock, SectionBlock

from bot import ids
from bot.blocks import clip
from bot.blocks.deal_card import md
from bot.blocks.modals import checkbox_input, modal, select_input, text_input
from bot.flows.pipeline.people import ATTITUDES, ROLES, PersonView
from bot.i18n import t

MAX_LISTED = 40


def person_line(p: PersonView, locale: str) -> str:
    met = t("people.met_yes", locale) if p.met else t("people.met_no", locale)
    title = f", {clip(p.title, 100)}" if p.title else ""
    return t(
        "people.line",
        locale,
        name=clip(p.name, 100),
        title=title,
        role=t(f"people.role.{p.role}", locale),
        attitude=t(f"people.attitude.{p.attitude}", locale),
        influence=p.influence,
        met=met,
    )


def person_fields(locale: str, p: PersonView | None = None) -> list:
    return [
        text_input("name", t("people.name", locale), initial=p.name if p else None, max_length=200),
        text_input(
            "title",
            t("people.title_field", locale),
            initial=p.title if p else None,
            optional=True,
            max_length=200,
        ),
        select_input(
            "role",
            t("people.role_field", locale),
            [(r, t(f"people.role.{r}", locale)) for r in ROLES],
            initial=p.role if p else None,
        ),
        select_input(
            "attitude",
            t("people.attitude_field", locale),
            [(a, t(f"people.attitude.{a}", locale)) for a in ATTITUDES],
            initial=p.attitude if p else "neutral",
        ),
        select_input(
            "influence",
            t("people.influence", locale),
            [(str(i), t(f"people.influence_level.{i}", locale)) for i in range(1, 6)],
            initial=str(p.influence) if p else "3",
        ),
        checkbox_input(
            "met", t("people.met", locale), t("people.met_text", locale), checked=bool(p and p.met)
        ),
    ]


def people_modal(
    account: str, people: list[PersonView], locale: str, metadata: str, notice: str | None = None
) -> dict:
    blocks: list = []
    if notice:
        blocks.append(ContextBlock(elements=[md(notice)]))
    blocks.append(SectionBlock(text=md(t("people.head", locale, account=clip(account, 200)))))
    if not people:
        blocks.append(ContextBlock(elements=[md(t("people.none", locale))]))
    for p in people[:MAX_LISTED]:
        edit = ButtonElement(text=t("people.edit", locale), action_id=ids.ACT_PERSON_EDIT, value=str(p.id))
        blocks.append(SectionBlock(text=md(person_line(p, locale)), accessory=edit))
    if len(people) > MAX_LISTED:
        blocks.append(ContextBlock(elements=[md(t("common.and_more", locale, n=len(people) - MAX_LISTED))]))
    blocks += [DividerBlock(), HeaderBlock(text=t("people.add", locale)), *person_fields(locale)]
    return modal(
        ids.VIEW_PEOPLE,
        t("people.title", locale),
        blocks,
        submit=t("people.submit_add", locale),
        close=t("common.done", locale),
        metadata=metadata,
    )


def person_modal(account: str, person: PersonView, locale: str, metadata: str) -> dict:
    blocks = [
        SectionBlock(text=md(t("people.head", locale, account=clip(account, 200)))),
        *person_fields(locale, person),
    ]
    return modal(
        ids.VIEW_PERSON,
        t("people.edit_title", locale),
        blocks,
        submit=t("people.submit_edit", locale),
        close=t("common.cancel", locale),
        metadata=metadata,
    )
