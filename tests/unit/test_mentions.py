"""The one parser of people in command text: escaped mentions (with or without the name) and bare user
ids; a command's text as Slack escapes it turned back into what was typed."""

from __future__ import annotations

import pytest

from bot.flows.team.mentions import as_mention, command_text, mentioned_users, take_mention


def test_escaped_mentions_and_bare_ids_in_order_each_once():
    text = "role <@U0MGR|chen.jing> manager <@U0REP1> U0REP2 <@U0REP1>"
    assert mentioned_users(text) == ["U0MGR", "U0REP1", "U0REP2"]


@pytest.mark.parametrize(
    "text",
    ["@chen.jing manager", "@Chen Jing", "chen.jing", "WON", "U0", "<@U0MGR", "xU0REP1", "email u0rep1@x.io"],
)
def test_raw_names_and_words_are_not_mentions(text):
    assert mentioned_users(text) == []


def test_take_mention_gives_the_first_and_the_rest():
    mention, rest = take_mention("stage bid <@U0REP2|sam.carter> grade A")
    assert (mention.user_id, mention.name, rest.split()) == (
        "U0REP2",
        "sam.carter",
        ["stage", "bid", "grade", "A"],
    )
    mention, rest = take_mention("U0REP2 grade A")
    assert (mention.user_id, mention.name, rest) == ("U0REP2", None, "grade A")
    assert take_mention(" grade A ") == (None, "grade A")


def test_a_whole_word_mention():
    assert as_mention("<@U0REP2|sam.carter>") == as_mention("<@U0REP2>") == as_mention("U0REP2") == "U0REP2"
    assert as_mention("wang") is None and as_mention("<@U0REP2>x") is None and as_mention("@wang") is None


def test_command_text_turns_slack_escaping_back_into_what_was_typed():
    sent = (
        "new AT&amp;T &lt;Shanghai&gt; <https://att.com/a?b=1&amp;c=2> <#C0MANAGERS|sales-managers> "
        "<mailto:a@b.io|a@b.io> <!here> for <@U0REP2|sam.carter>"
    )
    assert command_text(sent) == (
        "new AT&T <Shanghai> https://att.com/a?b=1&c=2 #sales-managers a@b.io @here for <@U0REP2|sam.carter>"
    )
    assert command_text("") == "" and command_text("wenzhou hotel") == "wenzhou hotel"
