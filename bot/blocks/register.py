"""The register-a-prospect modal (/deal new): what the command did not say, asked in one form."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import ids
from bot.blocks import clip
from bot.flows.qualification.registration import CURRENCIES, Draft, Message, amount_error
from bot.i18n import t

BLOCKS = ("account", "title", "amount", "currency", "close")


def _text_input(
    block: str,
    label: str,
    hint: str,
    initial: str,
    *,
    optional: bool,
    max_length: int,
    problem: str | None = None,
) -> InputBlock:
    """``problem``: what is wrong with ``initial`` (from the command), shown under the field."""
    element = PlainTextInputElement(
        action_id=block,
        placeholder=PlainTextObject(text=hint),
        initial_value=initial[:max_length] or None,
        max_length=max_length,
    )
    return InputBlock(
        block_id=block,
        label=label,
        element=element,
        optional=optional,
        hint=PlainTextObject(text=clip(f"⚠ {problem}", 2000)) if problem else None,
    )


def say(msg: Message, locale: str) -> str:
    """A reason and what was expected, joined as the catalog says (no space between Chinese sentences)."""
    texts = [t(k, locale, **v) for k, v in msg]
    return (
        t("qualification.reask.line", locale, reason=texts[0], expect=texts[1])
        if len(texts) == 2
        else texts[0]
    )


def register_modal(draft: Draft, locale: str) -> dict:
    r = "qualification.register"
    currencies = [Option(value=c, text=c) for c in CURRENCIES]
    initial = next((o for o in currencies if o.value == draft.currency), currencies[0])
    blocks = [
        _text_input(
            "account",
            t(f"{r}.account", locale),
            t(f"{r}.account_hint", locale),
            draft.account,
            optional=False,
            max_length=200,
        ),  # fmt: skip
        _text_input(
            "title",
            t(f"{r}.project", locale),
            t(f"{r}.project_hint", locale),
            draft.title,
            optional=False,
            max_length=200,
        ),  # fmt: skip
        _text_input(
            "amount",
            t(f"{r}.amount", locale),
            t(f"{r}.amount_hint", locale),
            draft.amount,
            optional=True,
            max_length=40,
            problem=say(amount_error(draft.amount), locale) if draft.amount_unreadable else None,
        ),  # fmt: skip
        InputBlock(
            block_id="currency",
            label=t(f"{r}.currency", locale),
            element=StaticSelectElement(action_id="currency", options=currencies, initial_option=initial),
        ),
        InputBlock(
            block_id="close",
            label=t(f"{r}.close_date", locale),
            element=DatePickerElement(
                action_id="close", initial_date=draft.close.isoformat() if draft.close else None
            ),
            optional=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.VIEW_DEAL_NEW,
        title=t(f"{r}.title", locale),
        submit=t(f"{r}.submit", locale),
        close=t(f"{r}.close", locale),
        blocks=blocks,
    ).to_dict()
