"""Small builders shared by the pipeline's modals (inputs, selects, the modal itself)."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import MAX_VIEW_BLOCKS, clip

VALUE = "value"  # every input's action_id; the block_id names the field


def modal(
    callback_id: str | None,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None,
    close: str,
    metadata: str = "",
) -> dict:
    if len(blocks) > MAX_VIEW_BLOCKS:
        raise ValueError(f"{len(blocks)} blocks: a modal allows {MAX_VIEW_BLOCKS}")
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=clip(title, 24)),
        submit=PlainTextObject(text=clip(submit, 24)) if submit else None,
        close=PlainTextObject(text=clip(close, 24)),
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def text_input(
    block_id: str,
    label: str,
    *,
    initial: str | None = None,
    multiline: bool = False,
    optional: bool = False,
    max_length: int = 2000,
    placeholder: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    element = PlainTextInputElement(
        action_id=VALUE,
        multiline=multiline,
        max_length=max_length,
        initial_value=clip(initial, max_length) if initial else None,
        placeholder=PlainTextObject(text=clip(placeholder, 150)) if placeholder else None,
    )
    return InputBlock(
        block_id=block_id,
        label=clip(label, 2000),
        element=element,
        optional=optional,
        hint=PlainTextObject(text=clip(hint, 2000)) if hint else None,
    )


def date_input(
    block_id: str, label: str, *, initial: date | None = None, optional: bool = False
) -> InputBlock:
    element = DatePickerElement(action_id=VALUE, initial_date=initial.isoformat() if initial else None)
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional)


def options(pairs: list[tuple[str, str]]) -> list[Option]:
    return [Option(value=v, text=clip(label, 75)) for v, label in pairs]


def select_input(
    block_id: str,
    label: str,
    pairs: list[tuple[str, str]],
    *,
    initial: str | None = None,
    optional: bool = False,
) -> InputBlock:
    opts = options(pairs)
    chosen = next((o for o in opts if o.value == initial), None)
    element = StaticSelectElement(action_id=VALUE, options=opts, initial_option=chosen)
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional)


def checkbox_input(block_id: str, label: str, text: str, *, checked: bool) -> InputBlock:
    opt = Option(value="yes", text=MarkdownTextObject(text=text))
    element = CheckboxesElement(action_id=VALUE, options=[opt], initial_options=[opt] if checked else None)
    return InputBlock(block_id=block_id, label=label, element=element, optional=True)
