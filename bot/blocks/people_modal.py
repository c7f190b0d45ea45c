"""The buying-influences modal: the deal's people (each with Edit) and a form to add one."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    SectionBlock,
)

from bot import ids
from bot.blocks import clip
from bot.blocks.deal_card import md
from bot.blocks.modals import checkbox_input, modal, select_input, text_input
from bot.flows.pipeline.people import ATTITUDES, MAX_PEOPLE, PAGE_SIZE, ROLES, PersonView, page_number
from bot.i18n import t


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
    account: str,
    people: list[PersonView],
    locale: str,
    metadata: str,
    notice: str | None = None,
    page: int = 0,
) -> dict:
    """The deal's people, PAGE_SIZE a page (each with Edit), and the form to add one (until MAX_PEOPLE)."""
    blocks: list = []
    if notice:
        blocks.append(ContextBlock(elements=[md(notice)]))
    blocks.append(SectionBlock(text=md(t("people.head", locale, account=clip(account, 200)))))
    if not people:
        blocks.append(ContextBlock(elements=[md(t("people.none", locale))]))
    page = page_number(page, len(people))
    first = page * PAGE_SIZE
    for p in people[first : first + PAGE_SIZE]:
        edit = ButtonElement(text=t("people.edit", locale), action_id=ids.ACT_PERSON_EDIT, value=str(p.id))
        blocks.append(SectionBlock(text=md(person_line(p, locale)), accessory=edit))
    if len(people) > PAGE_SIZE:
        blocks += _pager(locale, page, first, len(people))
    full = len(people) >= MAX_PEOPLE
    if full:
        blocks += [DividerBlock(), ContextBlock(elements=[md(t("people.full", locale, max=MAX_PEOPLE))])]
    else:
        blocks += [DividerBlock(), HeaderBlock(text=t("people.add", locale)), *person_fields(locale)]
    return modal(
        ids.VIEW_PEOPLE,
        t("people.title", locale),
        blocks,
        submit=None if full else t("people.submit_add", locale),
        close=t("common.done", locale),
        metadata=metadata,
    )


def _pager(locale: str, page: int, first: int, total: int) -> list:
    last = min(first + PAGE_SIZE, total)
    buttons = []
    if page > 0:
        buttons.append(
            ButtonElement(
                text=t("people.previous", locale), action_id=ids.ACT_PEOPLE_PREV, value=str(page - 1)
            )
        )
    if last < total:
        buttons.append(
            ButtonElement(text=t("people.next", locale), action_id=ids.ACT_PEOPLE_NEXT, value=str(page + 1))
        )
    label = t("people.page", locale, first=first + 1, last=last, total=total)
    return [ContextBlock(elements=[md(label)]), ActionsBlock(block_id="people_pages", elements=buttons)]


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
