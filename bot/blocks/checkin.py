"""The check-in modal (SPEC §5: what was done, progress yes/no + text, blockers, next step and date),
and the small replies of /deal checkin and /deal away."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import ids
from bot.blocks import clip, message
from bot.i18n import t

B_DONE, B_PROGRESS, B_PROGRESS_TEXT, B_BLOCKERS, B_NEXT, B_NEXT_DATE = (
    "done",
    "progress",
    "progress_text",
    "blockers",
    "next_step",
    "next_date",
)
FIELD_BLOCKS = {f: f for f in (B_DONE, B_PROGRESS_TEXT, B_BLOCKERS, B_NEXT, B_NEXT_DATE)}


def _text_input(block: str, label: str, *, multiline: bool, optional: bool, hint: str | None = None,
                max_length: int = 3000) -> InputBlock:  # fmt: skip
    return InputBlock(
        block_id=block,
        label=label,
        optional=optional,
        element=PlainTextInputElement(
            action_id=block, multiline=multiline, max_length=max_length, placeholder=hint
        ),
    )


def checkin_modal(*, deal_id: int, deal_name: str, locale: str, origin: dict | None = None,
                  next_step: str | None = None) -> dict:  # fmt: skip
    """``origin``: the nudge message that opened it ({channel, ts}), updated in place after saving."""
    lc = locale
    yes = Option(value="yes", text=t("followups.checkin.yes", lc))
    no = Option(value="no", text=t("followups.checkin.no", lc))
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=t("followups.checkin.deal", lc, deal=deal_name))),
        _text_input(
            B_DONE,
            t("followups.checkin.done", lc),
            multiline=True,
            optional=False,
            hint=t("followups.checkin.done_hint", lc),
        ),  # fmt: skip
        InputBlock(
            block_id=B_PROGRESS,
            label=t("followups.checkin.progress", lc),
            element=RadioButtonsElement(action_id=B_PROGRESS, options=[yes, no], initial_option=no),
        ),
        _text_input(B_PROGRESS_TEXT, t("followups.checkin.progress_text", lc), multiline=True, optional=True),
        _text_input(B_BLOCKERS, t("followups.checkin.blockers", lc), multiline=True, optional=True),
        _text_input(
            B_NEXT, t("followups.checkin.next_step", lc), multiline=False, optional=True, max_length=500
        ),
        InputBlock(
            block_id=B_NEXT_DATE,
            label=t("followups.checkin.next_date", lc),
            optional=True,
            element=DatePickerElement(action_id=B_NEXT_DATE),
        ),
    ]
    meta = json.dumps({"deal": deal_id, "origin": origin or None})
    return View(
        type="modal",
        callback_id=ids.VIEW_CHECKIN,
        title=clip(t("followups.checkin.title", lc), 24),
        submit=clip(t("followups.checkin.submit", lc), 24),
        close=clip(t("followups.checkin.close", lc), 24),
        private_metadata=meta,
        blocks=blocks,
    ).to_dict()


def pick_deal_message(deals: list[tuple[int, str]], locale: str) -> dict:
    text = t("followups.checkin.pick", locale)
    buttons = [
        ButtonElement(text=clip(name, 75), action_id=ids.ACT_CHECKIN_OPEN, value=str(deal_id))
        for deal_id, name in deals[:25]
    ]
    blocks = [SectionBlock(text=MarkdownTextObject(text=text))]
    for i in range(0, len(buttons), 5):
        blocks.append(ActionsBlock(block_id=f"checkin_pick_{i // 5}", elements=buttons[i : i + 5]))
    return message(text, blocks)


def text_reply(text: str) -> dict:
    return message(clip(text, 3000), [SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))])
