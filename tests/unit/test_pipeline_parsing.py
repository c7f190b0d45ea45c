"""Parsing and validation of the pipeline's inputs: amounts, settings, mentions, card references."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.flows.errors import BadInput
from bot.flows.pipeline.outcomes import parse_amount
from bot.flows.pipeline.stage import parse_metadata, parse_ref, version_of
from bot.flows.team.mentions import mentioned_users
from bot.flows.team.settings import validate_settings


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3,000,000", "3000000"),
        ("¥3000000", "3000000"),
        ("300万", "3000000"),
        ("1.5亿", "150000000"),
        ("3m", "3000000"),
        ("250k", "250000"),
        ("1,234.5", "1234.5"),
        ("RMB 88", "88"),
        ("88元", "88"),
    ],
)
def test_amounts(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize(
    "text", ["", "abc", "-5", "0", "1e400", "💰", "3,000,000,000,000,000", "NaN", "Infinity"]
)
def test_bad_amounts(text):
    with pytest.raises(BadInput) as e:
        parse_amount(text)
    assert e.value.values["field"] == "amount"


def test_settings_validation_names_the_field():
    ok = validate_settings(
        {
            "manager_channel": "C0MANAGERS",
            "digest_weekday": "6",
            "digest_time": "7:05",
            "timezone": "Europe/London",
            "locale": "zh-Hans",
            "pass_line": "14",
            "stage_set": "eight-step",
        }
    )
    assert ok == {
        "manager_channel": "C0MANAGERS",
        "digest_weekday": 6,
        "digest_time": "07:05",
        "timezone": "Europe/London",
        "locale": "zh-Hans",
        "pass_line": 14,
        "stage_set": "eight-step",
    }
    assert validate_settings({})["stage_set"] is None
    for raw, field in (
        ({"manager_channel": "general"}, "manager_channel"),
        ({"digest_weekday": "7"}, "digest_weekday"),
        ({"digest_time": "25:00"}, "digest_time"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"locale": "fr"}, "locale"),
        ({"pass_line": "101"}, "pass_line"),
        ({"stage_set": "/etc/passwd"}, "stage_set"),
    ):
        with pytest.raises(BadInput) as e:
            validate_settings(raw)
        assert e.value.values["field"] == field


def test_mentions_and_references():
    assert mentioned_users("<@U0MGR|chen.jing> manager <@U0REP1> U0REP2 <@U0REP1>") == [
        "U0MGR",
        "U0REP1",
        "U0REP2",
    ]
    assert (
        parse_ref("12:3") == ("12", 3) and parse_ref("12") == ("12", None) and parse_ref(None) == (None, None)
    )
    assert parse_ref("12:x") == ("12", None)
    assert parse_metadata("not json") == {} and parse_metadata("[1]") == {}
    assert version_of({"v": 3}) == 3 and version_of({"v": "3"}) is None and version_of({"v": True}) is None
