"""The ``text`` of a slash command as Slack sends it, from what the user typed.

Slack's clients send ``&``, ``<`` and ``>`` as ``&amp;``, ``&lt;``, ``&gt;`` (api.slack.com/docs/formatting:
"there are three characters you must convert to HTML entities and only three"). With the command's
``should_escape`` on (manifest ``features.slash_commands[].should_escape``; Slack's "Escape channels,
users, and links sent to your app"), user mentions become ``<@U…|name>``, channels ``<#C…|name>``,
``@here``/``@channel``/``@everyone`` ``<!here>`` etc. and links ``<https://…>``. With it off the
mention arrives exactly as typed (``@chen.jing`` or ``@Chen Jing``), which an app cannot resolve.

A user is mentioned by any name the composer shows for them: the username, the display name or the
real name (the sandbox composer completes ``@`` to the real name, as Slack's does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sandbox.users import FakeUser

URL = re.compile(r"https?://[^\s<>]+")
SPECIAL = ("here", "channel", "everyone")
TRAILING = ".,;:!?)"


def entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def command_text(text: str, *, users: Iterable[FakeUser], channels: dict[str, str], escape: bool) -> str:
    """What Slack puts in the command's ``text`` field when the user typed ``text``."""
    text = entities(text)
    if not escape:
        return text
    names = sorted(
        ((name, u) for u in users if not u.deleted for name in {u.name, u.real_name} if name),
        key=lambda p: -len(p[0]),
    )
    chans = sorted(channels.items(), key=lambda p: -len(p[1]))
    out: list[str] = []
    i = 0
    while i < len(text):
        starts_word = i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "._-")
        found = _escaped_at(text, i, names, chans) if starts_word else None
        if found:
            out.append(found[0])
            i += found[1]
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _escaped_at(text: str, i: int, names: list, chans: list) -> tuple[str, int] | None:
    """(the escaped form, how many typed characters it replaces) for a mention, channel or link at i."""
    if text[i] == "@":
        for name, user in names:
            if _matches(text, i + 1, name):
                return f"<@{user.id}|{user.name}>", 1 + len(name)
        for word in SPECIAL:
            if _matches(text, i + 1, word):
                return f"<!{word}>", 1 + len(word)
    elif text[i] == "#":
        for cid, name in chans:
            if _matches(text, i + 1, name):
                return f"<#{cid}|{name}>", 1 + len(name)
    elif text.startswith(("http://", "https://"), i):
        url = URL.match(text, i).group(0).rstrip(TRAILING)
        return f"<{url}>", len(url)
    return None


def _matches(text: str, at: int, name: str) -> bool:
    """``name`` (any case) at ``at``, ending where the word ends."""
    end = at + len(name)
    if text[at:end].lower() != name.lower():
        return False
    if end == len(text):
        return True
    nxt = text[end]
    return not (nxt.isalnum() or (nxt in "._-" and end + 1 < len(text) and text[end + 1].isalnum()))
