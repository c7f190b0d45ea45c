"""Typed interview answers -> stored values (pure). A bad answer raises ``Unreadable`` with a reason.

Amounts: ``3m``, ``3,000,000``, ``300万``, ``¥3.5M``, ``3.5 million``, ``USD 2m``. Dates relative to
``today`` (the app clock in the user's zone): ``2027-03-31``, ``2027-03``, ``next quarter``, ``三月底``,
``下季度``, ``end of March``, ``in 3 months``. A month alone means its last day.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.flows.qualification.scoring import add_months
from bot.process.questions import Question

MAX_TYPED = 1000
MAX_AMOUNT = Decimal(10) ** 12
MAX_YEARS_AHEAD = 10


class Unreadable(ValueError):
    """``reason``: empty | too_long | unreadable | negative | zero | absurd | past | out_of_range."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_answer(q: Question, text: str, *, today: date, currency: str) -> Any:
    raw = (text or "").strip()
    text = unicodedata.normalize("NFKC", raw)
    if not text:
        raise Unreadable("empty")
    if len(text) > MAX_TYPED:
        raise Unreadable("too_long")
    if q.kind == "text":
        return raw
    if q.kind == "person":
        return parse_person(q, raw)
    if q.kind in ("choice", "yes_no"):
        return parse_choice(q, text)
    if q.kind == "amount":
        return parse_amount(text, currency)
    if q.kind == "date":
        return parse_date(text, today).isoformat()
    if q.kind in ("number", "percent"):
        return parse_number(text, q, percent=q.kind == "percent")
    return raw


# -- choices ---------------------------------------------------------------------------------------
YES = {"yes", "y", "yep", "yeah", "是", "是的", "有", "对", "能", "会", "可以"}
NO = {"no", "n", "nope", "否", "不", "不是", "没有", "无", "不能", "不会", "没"}


def _norm(s: str) -> str:
    return re.sub(r"[\s.。!！?？,，、]+$", "", s.casefold().strip())


def parse_choice(q: Question, text: str) -> str:
    typed = _norm(text)
    for o in q.options:
        names = {o.value, o.label.en, o.label.zh}
        names |= {n.split(",")[0].split("，")[0] for n in names}
        if typed in {_norm(n) for n in names}:
            return o.value
    if typed.isdigit():
        n = int(typed)
        if q.scored:
            hit = next((o for o in q.options if o.score == n), None)
        else:
            hit = q.options[n - 1] if 1 <= n <= len(q.options) else None
        if hit:
            return hit.value
    values = {o.value for o in q.options}
    if typed in YES and "yes" in values:
        return "yes"
    if typed in NO and "no" in values:
        return "no"
    raise Unreadable("unreadable")


# -- amounts ---------------------------------------------------------------------------------------
CURRENCY_WORDS = [
    (r"hk\$", "HKD"),
    (r"us\$", "USD"),
    (r"[¥￥]|rmb|cny|人民币|元", "CNY"),
    (r"\$|usd|美元", "USD"),
    (r"€|eur|欧元", "EUR"),
    (r"£|gbp|英镑", "GBP"),
    (r"jpy|日元", "JPY"),
    (r"hkd|港币|港元", "HKD"),
]
UNITS = {
    "": 1,
    "k": 10**3,
    "thousand": 10**3,
    "千": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "mio": 10**6,
    "million": 10**6,
    "millions": 10**6,
    "百万": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
    "万": 10**4,
    "千万": 10**7,
    "亿": 10**8,
}
AMOUNT = re.compile(
    r"^(-)?(\d+(?:\.\d+)?)(" + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True)) + r")$"
)


def parse_amount(text: str, default_currency: str) -> dict:
    s = text.casefold().replace(" ", "")
    currency = default_currency
    for pattern, code in CURRENCY_WORDS:
        if re.search(pattern, s):
            currency = code
            s = re.sub(pattern, "", s)
            break
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?\w*", s):
        s = s.replace(",", "")
    m = AMOUNT.match(s)
    if not m:
        raise Unreadable("unreadable")
    sign, digits, unit = m.groups()
    try:
        value = Decimal(digits) * UNITS[unit]
    except InvalidOperation as e:
        raise Unreadable("unreadable") from e
    if sign:
        raise Unreadable("negative")
    if value == 0:
        raise Unreadable("zero")
    if value > MAX_AMOUNT:
        raise Unreadable("absurd")
    plain = format(value.quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".")
    return {"amount": plain, "currency": currency}


# -- numbers ---------------------------------------------------------------------------------------
def parse_number(text: str, q: Question, *, percent: bool) -> float | int:
    s = text.replace(" ", "").rstrip("%％")
    if percent:
        s = s.removeprefix("百分之")
    try:
        value = Decimal(s)
    except InvalidOperation as e:
        raise Unreadable("unreadable") from e
    if not value.is_finite():
        raise Unreadable("unreadable")
    if value < 0:
        raise Unreadable("negative")
    lo = Decimal(str(q.min)) if q.min is not None else Decimal(0)
    hi = Decimal(str(q.max)) if q.max is not None else Decimal(100 if percent else 10**9)
    if not lo <= value <= hi:
        raise Unreadable("out_of_range")
    return int(value) if value == value.to_integral_value() else float(value)


# -- people ----------------------------------------------------------------------------------------
def parse_person(q: Question, text: str) -> dict | str:
    typed = _norm(text)
    if q.options and (typed in NO or typed in {"none", "nobody", "no one", "no coach", "还没有"}):
        return q.options[0].value
    for o in q.options:
        if typed in {_norm(o.value), _norm(o.label.en), _norm(o.label.zh)}:
            return o.value
    name, _, title = (
        re.split(r"([,，;；])", text, maxsplit=1) if re.search(r"[,，;；]", text) else (text, "", "")
    )
    name, title = name.strip(), title.strip()
    if not name or len(name) > 200 or len(title) > 200:
        raise Unreadable("too_long" if name else "empty")
    return {"name": name, "title": title or None}


# -- dates -----------------------------------------------------------------------------------------
CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name}


def _cn_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if s in CN_DIGITS:
        return CN_DIGITS[s]
    if len(s) == 2 and s[0] == "十" and s[1] in CN_DIGITS:
        return 10 + CN_DIGITS[s[1]]
    return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter_end(today: date, offset: int) -> date:
    q = (today.month - 1) // 3 + offset
    year, q = today.year + q // 4, q % 4
    return _month_end(year, q * 3 + 3)


def _next_month_named(month: int, today: date, year_offset: int | None) -> date:
    if year_offset is not None:
        return _month_end(today.year + year_offset, month)
    d = _month_end(today.year, month)
    return d if d >= today else _month_end(today.year + 1, month)


def parse_date(text: str, today: date) -> date:
    d = _read_date(text.casefold().strip(), today)
    if d is None:
        raise Unreadable("unreadable")
    if d < today:
        raise Unreadable("past")
    if d > add_months(today, 12 * MAX_YEARS_AHEAD):
        raise Unreadable("absurd")
    return d


def _read_date(s: str, today: date) -> date | None:
    s = re.sub(r"\s+", " ", s).rstrip(".。")
    try:
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s)
        if m:
            return date(*map(int, m.groups()))
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?(?:底|末)?", s)
        if m:
            return _month_end(int(m[1]), int(m[2]))
    except ValueError:
        return None
    relative = {
        ("next quarter", "下季度", "下个季度", "下一季度"): lambda: _quarter_end(today, 1),
        ("this quarter", "本季度", "这个季度", "这季度", "end of quarter"): lambda: _quarter_end(today, 0),
        ("next month", "下个月", "下月"): lambda: _month_end(*_ym(add_months(today, 1))),
        ("this month", "本月", "这个月", "月底"): lambda: _month_end(today.year, today.month),
        ("next year", "明年"): lambda: date(today.year + 1, 12, 31),
        ("this year", "今年", "年底", "end of year", "end of the year"): lambda: date(today.year, 12, 31),
        ("today", "今天"): lambda: today,
    }
    for words, fn in relative.items():
        if s in words:
            return fn()
    m = re.fullmatch(
        r"in (\d{1,3}) months?|(\d{1,3}|[一二两三四五六七八九十]{1,2})个月(?:后|内|以后|之内)?", s
    )
    if m:
        n = _cn_number(m[1] or m[2])
        return add_months(today, n) if n else None
    return _named_month(s, today)


def _ym(d: date) -> tuple[int, int]:
    return d.year, d.month


def _named_month(s: str, today: date) -> date | None:
    m = re.fullmatch(r"(明年|今年)?(\d{1,2}|[一二三四五六七八九十]{1,2})月(?:份)?(?:底|末|前)?", s)
    if m:
        month = _cn_number(m[2])
        offset = {"明年": 1, "今年": 0}.get(m[1] or "")
        return _next_month_named(month, today, offset) if month and 1 <= month <= 12 else None
    m = re.fullmatch(r"(?:(?:the )?end of |by )?([a-z]+)(?: (\d{4}))?", s)
    if m and m[1] in MONTHS:
        month = MONTHS[m[1]]
        return _month_end(int(m[2]), month) if m[2] else _next_month_named(month, today, None)
    return None
