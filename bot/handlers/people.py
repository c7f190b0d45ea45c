"""/deal people and the People button: the buying-influences modal; add a person, or edit one."""

from __future__ import annotations

from bot import ids
from bot.blocks.people_modal import people_modal, person_modal
from bot.deps import Deps
from bot.flows.pipeline import people
from bot.flows.pipeline import stage as pipeline
from bot.flows.team.access import load_deal
from bot.flows.team.users import Actor
from bot.handlers import _deal_ui as ui
from bot.handlers._listeners import (
    Click,
    Submission,
    card_action,
    guarded,
    own_external_id,
    owned,
    refuse_in_modal,
    view_submission,
)
from bot.handlers.router import CommandCall, deal_subcommand
from bot.i18n import t
from storage.db import read_scope, session_scope

FIELDS = {"name", "title", "role", "attitude", "influence", "met"}


def people_view(
    deps: Deps, actor: Actor, deal_id: object, notice: str | None = None, page: object = 0
) -> dict:
    with read_scope(deps.engine) as s:
        deal = load_deal(s, actor, deal_id, edit=True)
        _, persons = people.list_people(s, actor, deal.id)
        page = people.page_number(page, len(persons))
        meta = pipeline.metadata(deal, pg=page)
        return people_modal(deal.account, persons, actor.locale, meta, notice, page)


def person_view(deps: Deps, actor: Actor, deal_id: object, person_id: object, page: object = 0) -> dict:
    with read_scope(deps.engine) as s:
        deal = load_deal(s, actor, deal_id, edit=True)
        person = people.get_person(s, actor, deal.id, person_id)
        meta = pipeline.metadata(deal, p=person.id, pg=people.page_number(page, people.MAX_PEOPLE))
        return person_modal(deal.account, person, actor.locale, meta)


@deal_subcommand("people", "关键人", "人员")
@guarded
def on_people_command(call: CommandCall) -> None:
    deal_id = ui.find_one(call, ids.ACT_PEOPLE_OPEN)
    if deal_id is None:
        return
    view = people_view(call.deps, call.actor, deal_id)
    call.ack()
    call.client.views_open(trigger_id=call.trigger_id, view=owned(view, call.actor))


def _save(deps: Deps, actor: Actor, meta: dict, v: dict) -> tuple[int, str]:
    with session_scope(deps.engine) as s:
        saved = people.save_person(
            s,
            actor,
            meta.get("d"),
            now=deps.clock.now(),
            person_id=meta.get("p"),
            met="yes" in (v.get("met") or []),
            settings=deps.settings,
            process=deps.process,
            name=v.get("name"),
            title=v.get("title"),
            role=v.get("role"),
            attitude=v.get("attitude"),
            influence=v.get("influence"),
        )
    return meta.get("d"), saved.name


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.action(ids.ACT_PEOPLE_OPEN)
    @card_action(deps)
    def on_people_clicked(click: Click) -> None:
        deal_id, _ = click.ref
        click.open(people_view(deps, click.actor, deal_id))

    @app.action(ids.ACT_PERSON_EDIT)
    @card_action(deps, refuse=refuse_in_modal)
    def on_person_edit_clicked(click: Click) -> None:
        meta = _meta(click.body.get("view"))
        click.update_view(
            person_view(deps, click.actor, meta.get("d"), click.action.get("value"), meta.get("pg"))
        )

    @app.action(ids.ACT_PEOPLE_PREV)
    @app.action(ids.ACT_PEOPLE_NEXT)
    @card_action(deps, refuse=refuse_in_modal)
    def on_people_page(click: Click) -> None:
        meta = _meta(click.body.get("view"))
        click.update_view(people_view(deps, click.actor, meta.get("d"), page=click.action.get("value")))

    @app.view(ids.VIEW_PEOPLE)
    @app.view(ids.VIEW_PERSON)
    @view_submission(deps, FIELDS)
    def on_person_submitted(sub: Submission) -> None:
        actor = sub.actor
        meta = _meta(sub.view)
        deal_id, name = _save(deps, actor, meta, sub.values)
        fresh = people_view(deps, actor, deal_id, t("people.saved", actor.locale, name=name), meta.get("pg"))
        sub.ack(response_action="update", view=owned(fresh, actor, own_external_id(sub.view, actor)))


def _meta(view: object) -> dict:
    return pipeline.parse_metadata(view.get("private_metadata") if isinstance(view, dict) else None)
