from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.flows.users import Actor
from bot.i18n import t


def home_view(actor: Actor) -> dict:
    view = View(
        type="home",
        blocks=[
            HeaderBlock(text=t("home.title", actor.locale)),
            SectionBlock(text=MarkdownTextObject(text=t("home.intro", actor.locale))),
            ContextBlock(elements=[MarkdownTextObject(text=t("home.footer", actor.locale))]),
        ],
    )
    return view.to_dict()
