"""People in command text: the one parser every command that takes people uses (/deal role, /funnel
@rep, /funnel quota @rep).

Slack sends a command's text with ``&``, ``<``, ``>`` as entities and, the commands' ``should_escape``
being on (manifest.yaml), a mention as ``<@U123ABC|name>`` (or ``<@U123ABC>``), a channel as
``<#C123|name>``, a link as ``<https://…>``. ``command_text`` turns that back into what the user typed,
keeping user mentions as ``<@U…>`` for ``mentions`` to find. A bare user id (``U123ABC``) counts as a
mention too; a raw ``@name`` does not (Slack sends one only with escaping off, and names are not ids).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|([^>]*))?>")
_BARE_ID = re.compile(r"(?<![\w<@|])([UW](?=[A-Z0-9]*\d)[A-Z0-9]{2,20})(?![\w>|])")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class Mention:
    user_id: str
    name: str | None  # the name Slack put after the bar, when it did
    start: int
    end: int


def command_text(text: str) -> str:
    """A command's text as Slack sends it -> as typed: links and channels plain, entities decoded;
    user mentions stay ``<@U…|name>``."""
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text or "")
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mentions(text: str) -> list[Mention]:
    """Every escaped mention and bare user id in ``text``, in order."""
    found = [
        Mention(m.group(1), m.group(2) or None, m.start(), m.end()) for m in _MENTION.finditer(text or "")
    ]
    found += [Mention(m.group(1), None, m.start(), m.end()) for m in _BARE_ID.finditer(text or "")]
    return sorted(found, key=lambda m: m.start)


def mentioned_users(text: str) -> list[str]:
    """The user ids mentioned in ``text``, each once, in order."""
    return list(dict.fromkeys(m.user_id for m in mentions(text)))


def take_mention(text: str) -> tuple[Mention | None, str]:
    """The first mention and the text without it."""
    found = mentions(text)
    if not found:
        return None, (text or "").strip()
    m = found[0]
    return m, (text[: m.start] + " " + text[m.end :]).strip()


def as_mention(word: str) -> str | None:
    """The user id when ``word`` is a whole mention or a bare user id, else None."""
    found = mentions(word)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(word.strip()):
        return found[0].user_id
    return None
