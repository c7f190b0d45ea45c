"""The three shapes of a listener that calls a flow, each turning a refusal (a DomainError) into what
the user sees, so a handler holds only its parse → flow → render → send:

- ``@guarded``: a subcommand; the refusal is the ephemeral reply.
- ``@card_action(deps)``: a click; ack at once, the refusal is shown where the click came from
  (a stale card is replaced by the current one), or as ``refuse`` says (a DM, a notice modal).
- ``@view_submission(deps, fields)``: a modal submission; a refusal before the ack goes back to the
  modal (inline field errors, or a notice and the current card).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.deal_list import notice_message
from bot.deps import Deps
from bot.flows.errors import BadInput, DomainError, MilestoneMissing, NotFound, StaleCard
from bot.flows.pipeline.stage import parse_ref
from bot.flows.team.users import Actor
from bot.handlers._deal_ui import card_payload, notice_modal, post_to_user, show, text_of
from bot.handlers._views import state_values
from bot.handlers.router import CommandCall

log = logging.getLogger(__name__)


def guarded(fn: Callable[[CommandCall], None]) -> Callable[[CommandCall], None]:
    """A subcommand (/deal, /funnel) whose refusals become the ephemeral reply (the last ack wins)."""

    def run(call: CommandCall) -> None:
        try:
            fn(call)
        except DomainError as e:
            call.ack(text=text_of(e, call.actor.locale))

    run.__name__ = fn.__name__
    return run


def owned(view: dict, actor: Actor, external_id: str | None = None) -> dict:
    """The modal with an external_id that names the user it is for (``<user id>.<random>``): a click
    in it later updates it by that id, so an update can only ever reach the clicker's own modal."""
    return {**view, "external_id": external_id or f"{actor.user_id}.{uuid.uuid4().hex}"}


def own_external_id(view: object, actor: Actor) -> str | None:
    """The external_id of a modal from a payload when it is one ``owned`` made for this actor."""
    ext = view.get("external_id") if isinstance(view, dict) else None
    return ext if isinstance(ext, str) and ext.startswith(f"{actor.user_id}.") else None


@dataclass
class Click:
    """A button or menu choice (on a card, a message, App Home or a modal), as plain values."""

    deps: Deps
    actor: Actor
    body: dict
    action: dict
    client: WebClient
    respond: Respond

    @property
    def ref(self) -> tuple[str | None, int | None]:
        """The card's ``"<deal id>[:<version>]"`` value -> (deal id, version or None)."""
        return parse_ref(self.action.get("value"))

    def open(self, view: dict) -> None:
        self.client.views_open(trigger_id=self.body["trigger_id"], view=owned(view, self.actor))

    def update_view(self, view: dict) -> None:
        """Replace the modal the click came from: only the clicker's own (by its external_id), never a
        view id a payload names; otherwise NotFound."""
        ext = own_external_id(self.body.get("view"), self.actor)
        if ext is None:
            raise NotFound()
        self.client.views_update(external_id=ext, view=owned(view, self.actor, ext))

    def show(self, payload: dict, *, replace: bool = False) -> None:
        show(self.respond, self.client, self.actor, self.body, payload, replace=replace)


Refusal = Callable[[Click, DomainError], None]


def on_action_error(click: Click, error: DomainError) -> None:
    """A stale card says so and shows the current one; other refusals are said in the user's language."""
    actor = click.actor
    if isinstance(error, StaleCard) and error.values.get("deal_id"):
        try:
            payload = card_payload(click.deps, actor, error.values["deal_id"], text_of(error, actor.locale))
        except DomainError as e:
            payload = notice_message(text_of(e, actor.locale))
        click.show(payload, replace=True)
        return
    click.show(notice_message(text_of(error, actor.locale)))


def refuse_in_dm(click: Click, error: DomainError) -> None:
    """The refusal as a plain DM (App Home's buttons)."""
    click.client.chat_postMessage(channel=click.actor.user_id, text=text_of(error, click.actor.locale))


def refuse_in_modal(click: Click, error: DomainError) -> None:
    """The modal the button sits in becomes a notice (the clicker's own modal only; else a DM)."""
    ext = own_external_id(click.body.get("view"), click.actor)
    if ext is None:
        refuse_in_dm(click, error)
        return
    view = notice_modal(text_of(error, click.actor.locale), click.actor.locale)
    click.client.views_update(external_id=ext, view=owned(view, click.actor, ext))


def card_action(deps: Deps, refuse: Refusal = on_action_error) -> Callable[[Callable[[Click], None]], Any]:
    """A click listener: ack at once, then ``fn(click)`` (parse, call the flow, show or open the
    result); a refusal is shown by ``refuse``."""

    def deco(fn: Callable[[Click], None]) -> Callable[..., None]:
        def listener(
            ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
        ) -> None:
            ack()
            click = Click(deps, context["actor"], body, action, client, respond)
            try:
                fn(click)
            except DomainError as e:
                refuse(click, e)

        listener.__name__ = fn.__name__
        return listener

    return deco


class _Ack:
    """Bolt's ack, remembering whether it was called."""

    def __init__(self, ack: Ack) -> None:
        self._ack, self.called = ack, False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        self.called = True
        return self._ack(*args, **kwargs)


@dataclass
class Submission:
    """A modal submission: its view, the submitted values, and the ack the listener calls."""

    deps: Deps
    actor: Actor
    view: dict
    client: WebClient
    ack: _Ack

    @cached_property
    def values(self) -> dict:
        return state_values(self.view)


def on_view_error(deps: Deps, ack, client, actor: Actor, error: DomainError, fields: set[str]) -> None:  # noqa: ANN001
    """Field errors go inline; a stale card closes the form with a notice and posts the current card."""
    field = error.values.get("field")
    if isinstance(error, BadInput | MilestoneMissing) and (
        field in fields or isinstance(error, MilestoneMissing)
    ):
        ack(response_action="errors", errors={field or "force_reason": text_of(error, actor.locale)})
        return
    text = text_of(error, actor.locale)
    ack(response_action="update", view=notice_modal(text, actor.locale))
    if isinstance(error, StaleCard) and error.values.get("deal_id"):
        try:
            post_to_user(client, actor, card_payload(deps, actor, error.values["deal_id"], text))
        except DomainError:
            log.info("stale card for a deal the user can no longer see")


def view_submission(deps: Deps, fields: set[str]) -> Callable[[Callable[[Submission], None]], Any]:
    """A submission listener: ``fn(sub)`` calls the flow, then acks (and may go on after the ack).
    A refusal before the ack goes back to the modal (see on_view_error; ``fields`` are the block ids
    shown inline); one after the ack goes to the app's error handler, like any other error."""

    def deco(fn: Callable[[Submission], None]) -> Callable[..., None]:
        def listener(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
            sub = Submission(deps, context["actor"], view, client, _Ack(ack))
            try:
                fn(sub)
            except DomainError as e:
                if sub.ack.called:
                    raise
                on_view_error(deps, ack, client, sub.actor, e, fields)

        listener.__name__ = fn.__name__
        return listener

    return deco
