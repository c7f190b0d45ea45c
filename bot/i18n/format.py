"""Locale-aware rendering of money, numbers and dates (UX.md: 万/亿 in zh-Hans, separators in en)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from bot.i18n import t

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥", "HKD": "HK$"}


def format_money(amount: Decimal | int | float | None, currency: str, locale: str) -> str:
    if amount is None:
        return "—"
    value = Decimal(str(amount))
    sign = "-" if value < 0 else ""
    value = abs(value)
    symbol = SYMBOLS.get(currency, currency + " ")
    if locale == "zh-Hans":
        for unit, size in (("亿", Decimal(100_000_000)), ("万", Decimal(10_000))):
            if value >= size:
                scaled = (value / size).quantize(Decimal("0.01")).normalize()
                return f"{sign}{symbol}{_plain(scaled)}{unit}"
    if value == value.to_integral_value():
        return f"{sign}{symbol}{int(value):,}"
    return f"{sign}{symbol}{value:,.2f}"


def format_money_short(amount: Decimal | int | float | None, currency: str, locale: str) -> str:
    """Compact form for tight places (digest fields): ¥11.2M / ¥1120万."""
    if amount is None:
        return "—"
    if locale == "zh-Hans":
        return format_money(amount, currency, locale)
    value = Decimal(str(amount))
    symbol = SYMBOLS.get(currency, currency + " ")
    for unit, size in (("B", Decimal(10**9)), ("M", Decimal(10**6)), ("K", Decimal(10**3))):
        if abs(value) >= size:
            return f"{symbol}{_plain((value / size).quantize(Decimal('0.1')).normalize())}{unit}"
    return format_money(value, currency, locale)


def _plain(d: Decimal) -> str:
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def format_date(d: date | datetime | None, locale: str) -> str:
    if d is None:
        return "—"
    if isinstance(d, datetime):
        d = d.date()
    if locale == "zh-Hans":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.strftime("%-d %b %Y")


def join_list(items: Iterable[str], locale: str) -> str:
    """Items of a list in the locale's way: "a, b, c" / "甲、乙、丙"."""
    return t("common.sep.list", locale).join(items)


def join_clauses(items: Iterable[str], locale: str) -> str:
    """Longer pieces, each a clause: "a; b" / "甲；乙"."""
    return t("common.sep.clause", locale).join(items)


def paren(text: str, locale: str) -> str:
    """An aside after a word: " (text)" / "（text）" (full-width, no space, in zh-Hans)."""
    return t("common.paren", locale, text=text)


def labelled(label: str, text: str, locale: str) -> str:
    """ "label: text" / "label：text"."""
    return t("common.labelled", locale, label=label, text=text)


def format_date_range(start: date, end: date, locale: str) -> str:
    return t("common.date_range", locale, start=format_date(start, locale), end=format_date(end, locale))


_QUARTERS = "一二三四"


def format_period(key: str | None, locale: str) -> str:
    """A quota period key (2027-Q1 / 2027-03 / 2027) as the reader says it: 2027年第一季度 / 2027年3月 /
    2027年 in zh-Hans; the key itself in en. What a user types stays the key (`/funnel quota … 2027-Q1`)."""
    if not key or locale != "zh-Hans":
        return key or "—"
    year, _, rest = key.partition("-")
    if not rest:
        return f"{year}年" if year.isdigit() else key
    if rest[:1].upper() == "Q" and rest[1:].isdigit() and 1 <= int(rest[1:]) <= 4:
        return f"{year}年第{_QUARTERS[int(rest[1:]) - 1]}季度"
    if rest.isdigit() and 1 <= int(rest) <= 12:
        return f"{year}年{int(rest)}月"
    return key


def format_percent(p: float | int | Decimal, locale: str) -> str:
    return f"{round(float(p))}%"
