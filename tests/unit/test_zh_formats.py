"""zh-Hans numbers, dates, periods and the pieces code joins (issue 17, item 4): what a Chinese reader sees is
full-width and in Chinese formats; English is unchanged."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.blocks.interview import display_value
from bot.blocks.verdict import verdict_message
from bot.flows.qualification.grading import GradingEnv, assess
from bot.flows.qualification.interview import DealInfo
from bot.i18n.format import (
    format_date,
    format_date_range,
    format_period,
    join_clauses,
    join_list,
    labelled,
    paren,
)
from bot.i18n.glossary import punctuation_problems
from bot.process.questions import load_question_set
from tests.support.interview_scripts import TYPED_ZH_VALUES

QSET = load_question_set()


@pytest.mark.parametrize(
    ("key", "zh", "en"),
    [
        ("2027-Q1", "2027年第一季度", "2027-Q1"),
        ("2026-Q4", "2026年第四季度", "2026-Q4"),
        ("2027-03", "2027年3月", "2027-03"),
        ("2027", "2027年", "2027"),
        (None, "—", "—"),
    ],
)
def test_quota_periods_read_the_chinese_way(key, zh, en):
    assert format_period(key, "zh-Hans") == zh
    assert format_period(key, "en") == en


def test_dates_lists_and_asides_per_locale():
    d1, d2 = date(2026, 12, 2), date(2027, 1, 3)
    assert format_date(d1, "zh-Hans") == "2026年12月2日" and format_date(d1, "en") == "2 Dec 2026"
    assert format_date_range(d1, d2, "zh-Hans") == "2026年12月2日至2027年1月3日"
    assert format_date_range(d1, d2, "en") == "2 Dec 2026 – 3 Jan 2027"
    assert join_list(["价格 0", "满足需求 1"], "zh-Hans") == "价格 0、满足需求 1"
    assert join_list(["Price 0", "Meets the need 1"], "en") == "Price 0, Meets the need 1"
    assert (
        join_clauses(["还没有教练（内线）", "还没见过关键决策者"], "zh-Hans")
        == "还没有教练（内线）；还没见过关键决策者"
    )
    assert paren("利润率 15%（平均 20%）", "zh-Hans") == "（利润率 15%（平均 20%））"
    assert paren("margin 15%", "en") == " (margin 15%)"
    assert labelled("未达关键节点强行推进", "客户催得急", "zh-Hans") == "未达关键节点强行推进：客户催得急"


def test_an_answer_with_its_score_and_a_coach_with_his_title():
    need = QSET.get("relationship")
    assert display_value(need, "good", "zh-Hans") == "好（2）"
    assert display_value(need, "good", "en").endswith(" (2)")
    coach = QSET.get("coach")
    assert display_value(coach, {"name": "李明", "title": "副厂长"}, "zh-Hans") == "李明（副厂长）"


def test_the_chinese_verdict_has_no_half_width_punctuation_next_to_chinese():
    """The verdict composes frames, weakest items and knock-outs in code: 是（痛点）, 价格 1、…"""
    env = GradingEnv(QSET, 12, ZoneInfo("Asia/Shanghai"))
    answers = dict(TYPED_ZH_VALUES)
    a = assess(env, answers, (), date(2027, 3, 31), datetime(2026, 11, 2, 1, tzinfo=UTC))
    deal = DealInfo(7, "温州酒店", "锅炉更换", "CNY", None)
    msg = verdict_message(QSET, deal, a, 12, "zh-Hans", offer_redo=False)
    text = json.loads(json.dumps(msg, ensure_ascii=False, default=str))
    shown = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "text" and isinstance(v, str):
                    shown.append(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(text)
    joined = "\n".join(shown)
    assert "痛点" in joined and "利润率 15%（平均 20%）" in joined
    assert [p for s in shown for p in punctuation_problems(s)] == [], joined
