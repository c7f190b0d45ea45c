"""Typed answers, table-driven: amounts, dates relative to the clock, choices, numbers, people; bad ones."""

from __future__ import annotations

from datetime import date

import pytest

from bot.flows.qualification.parsing import Unreadable, parse_amount, parse_answer, parse_date
from bot.process.questions import load_question_set

QSET = load_question_set()
TODAY = date(2026, 11, 2)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("3m", "3000000", "CNY"), ("3M", "3000000", "CNY"), ("3,000,000", "3000000", "CNY"),
        ("300万", "3000000", "CNY"), ("300万元", "3000000", "CNY"), ("¥3.5M", "3500000", "CNY"),
        ("3.5 million", "3500000", "CNY"), ("$2,500,000.50", "2500000.5", "USD"), ("USD 2m", "2000000", "USD"),
        ("2m usd", "2000000", "USD"), ("€40k", "40000", "EUR"), ("1.2亿", "120000000", "CNY"),
        ("３００万", "3000000", "CNY"), ("HK$1m", "1000000", "HKD"), ("RMB 800k", "800000", "CNY"),
    ],
)  # fmt: skip
def test_amounts(text, amount, currency):
    assert parse_amount(text, "CNY") == {"amount": amount, "currency": currency}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-5m", "negative"), ("0", "zero"), ("99999999999999", "absurd"), ("🙂", "unreadable"),
        ("DROP TABLE deal;--", "unreadable"), ("三百万", "unreadable"), ("3m4", "unreadable"), ("1e9", "unreadable"),
    ],
)  # fmt: skip
def test_bad_amounts(text, reason):
    with pytest.raises(Unreadable) as e:
        parse_amount(text, "CNY")
    assert e.value.reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-31", date(2027, 3, 31)), ("2027/3/31", date(2027, 3, 31)), ("2027年3月31日", date(2027, 3, 31)),
        ("2027-03", date(2027, 3, 31)), ("2027年3月", date(2027, 3, 31)), ("next quarter", date(2027, 3, 31)),
        ("下季度", date(2027, 3, 31)), ("this quarter", date(2026, 12, 31)), ("本季度", date(2026, 12, 31)),
        ("三月底", date(2027, 3, 31)), ("3月底", date(2027, 3, 31)), ("十二月", date(2026, 12, 31)),
        ("明年三月", date(2027, 3, 31)), ("end of March", date(2027, 3, 31)), ("March 2028", date(2028, 3, 31)),
        ("next month", date(2026, 12, 31)), ("下个月", date(2026, 12, 31)), ("in 3 months", date(2027, 2, 2)),
        ("3个月后", date(2027, 2, 2)), ("today", TODAY), ("November", date(2026, 11, 30)),
    ],
)  # fmt: skip
def test_dates_relative_to_the_clock(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [("2026-11-01", "past"), ("2025-12", "past"), ("2027-02-30", "unreadable"), ("2099-01-01", "absurd"),
     ("soon", "unreadable"), ("十三月", "unreadable")],
)  # fmt: skip
def test_bad_dates(text, reason):
    with pytest.raises(Unreadable) as e:
        parse_date(text, TODAY)
    assert e.value.reason == reason


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("meets_needs", "Yes, fully", "yes"), ("meets_needs", "yes", "yes"), ("meets_needs", "2", "yes"),
        ("meets_needs", "0", "no"), ("meets_needs", "部分满足", "partly"), ("hard_constraint", "没有", "no"),
        ("hard_constraint", "Y", "yes"), ("need", "1", "pain"), ("need", "痛点", "pain"), ("credit", "Poor.", "poor"),
        ("margin", "15%", 15), ("margin", "12.5", 12.5), ("margin", "百分之15", 15), ("competitor_count", "3", 3),
        ("coach", "Li Ming, deputy plant manager", {"name": "Li Ming", "title": "deputy plant manager"}),
        ("coach", "李明，副厂长", {"name": "李明", "title": "副厂长"}), ("coach", "none", "none"), ("coach", "没有", "none"),
        ("competitors", "'; DROP TABLE deal; --", "'; DROP TABLE deal; --"), ("competitors", "苏南锅炉 🔥", "苏南锅炉 🔥"),
        ("close_date", "下季度", "2027-03-31"), ("budget", "300万", {"amount": "3000000", "currency": "CNY"}),
    ],
)  # fmt: skip
def test_answers_by_kind(key, text, value):
    assert parse_answer(QSET.get(key), text, today=TODAY, currency="CNY") == value


@pytest.mark.parametrize(
    ("key", "text", "reason"),
    [
        ("meets_needs", "", "empty"), ("meets_needs", "   ", "empty"), ("meets_needs", "maybe", "unreadable"),
        ("meets_needs", "5", "unreadable"), ("competitors", "x" * 10_000, "too_long"), ("margin", "120", "out_of_range"),
        ("margin", "-3", "negative"), ("competitor_count", "51", "out_of_range"), ("margin", "NaN", "unreadable"),
        ("competitor_count", "🙂", "unreadable"),
    ],
)  # fmt: skip
def test_bad_answers_by_kind(key, text, reason):
    with pytest.raises(Unreadable) as e:
        parse_answer(QSET.get(key), text, today=TODAY, currency="CNY")
    assert e.value.reason == reason
