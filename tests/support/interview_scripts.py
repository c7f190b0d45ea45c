"""Answer scripts for whole interviews: per question, a click, a typed text or a picked date."""

from __future__ import annotations

from tests.support.interview import click_answer, current_question, question_key, question_messages

# Stored values: a scored choice keeps its score, {"choice": ..., "score": ...}.
# A strong prospect (19 of 20) answered with buttons where the question has them.
STRONG_BUTTONS = {
    "need": ("click", "pain"),
    "icp_fit": ("click", "yes"),
    "hard_constraint": ("click", "no"),
    "meets_needs": ("click", "yes"),
    "budget": ("type", "3m"),
    "budget_realistic": ("click", "realistic"),
    "credit": ("click", "good"),
    "close_date": ("date", "2027-01-31"),
    "coach": ("type", "Li Ming, deputy plant manager"),
    "order_size": ("type", "3,000,000"),
    "margin": ("type", "25%"),
    "competitor_count": ("type", "2"),
    "competitors": ("type", "Sunan Boiler, strong on price"),
    "edge_product": ("click", "ahead"),
    "edge_price": ("click", "equal"),
    "edge_service": ("click", "ahead"),
    "relationship": ("click", "good"),
    "entry_timing": ("click", "start"),
    "further_business": ("click", "yes"),
}

STRONG_VALUES = {
    "need": "pain",
    "icp_fit": {"choice": "yes", "score": 2},
    "hard_constraint": "no",
    "meets_needs": {"choice": "yes", "score": 2},
    "budget": {"amount": "3000000", "currency": "CNY"},
    "budget_realistic": {"choice": "realistic", "score": 2},
    "credit": {"choice": "good", "score": 2},
    "close_date": "2027-01-31",
    "coach": {"name": "Li Ming", "title": "deputy plant manager"},
    "order_size": {"amount": "3000000", "currency": "CNY"},
    "margin": 25,
    "competitor_count": 2,
    "competitors": "Sunan Boiler, strong on price",
    "edge_product": {"choice": "ahead", "score": 2},
    "edge_price": {"choice": "equal", "score": 1},
    "edge_service": {"choice": "ahead", "score": 2},
    "relationship": {"choice": "good", "score": 2},
    "entry_timing": {"choice": "start", "score": 2},
    "further_business": {"choice": "yes", "score": 2},
}

# The same prospect typed in Chinese, closing at the end of March (later than three months: B).
TYPED_ZH = {
    "need": "痛点",
    "icp_fit": "是",
    "hard_constraint": "没有",
    "meets_needs": "完全满足",
    "budget": "300万",
    "budget_realistic": "现实",
    "credit": "2",
    "close_date": "三月底",
    "coach": "李明，副厂长",
    "order_size": "¥3.5M",
    "margin": "15%",
    "competitor_count": "3",
    "competitors": "苏南锅炉，价格强",
    "edge_product": "领先",
    "edge_price": "持平",
    "edge_service": "领先",
    "relationship": "好",
    "entry_timing": "项目开始时",
    "further_business": "会",
}

TYPED_ZH_VALUES = {
    **STRONG_VALUES,
    "close_date": "2027-03-31",
    "coach": {"name": "李明", "title": "副厂长"},
    "budget": {"amount": "3000000", "currency": "CNY"},
    "order_size": {"amount": "3500000", "currency": "CNY"},
    "margin": 15,
    "competitor_count": 3,
    "competitors": "苏南锅炉，价格强",
}

TYPED_EN = {
    "need": "pain",
    "icp_fit": "yes",
    "hard_constraint": "no",
    "meets_needs": "Yes, fully",
    "budget": "3.5 million",
    "budget_realistic": "realistic",
    "credit": "good payment record",
    "close_date": "2027-03",
    "coach": "none",
    "order_size": "¥3.5M",
    "margin": "15",
    "competitor_count": "0",
    "competitors": "'; DROP TABLE deal; --",
    "edge_product": "ahead",
    "edge_price": "1",
    "edge_service": "behind",
    "relationship": "average",
    "entry_timing": "midway",
    "further_business": "some",
}

TYPED_EN_VALUES = {
    "need": "pain",
    "icp_fit": {"choice": "yes", "score": 2},
    "hard_constraint": "no",
    "meets_needs": {"choice": "yes", "score": 2},
    "budget": {"amount": "3500000", "currency": "CNY"},
    "budget_realistic": {"choice": "realistic", "score": 2},
    "credit": {"choice": "good", "score": 2},
    "close_date": "2027-03-31",
    "coach": "none",
    "order_size": {"amount": "3500000", "currency": "CNY"},
    "margin": 15,
    "competitor_count": 0,
    "competitors": "'; DROP TABLE deal; --",
    "edge_product": {"choice": "ahead", "score": 2},
    "edge_price": {"choice": "equal", "score": 1},
    "edge_service": {"choice": "behind", "score": 0},
    "relationship": {"choice": "average", "score": 1},
    "entry_timing": {"choice": "midway", "score": 1},
    "further_business": {"choice": "some", "score": 1},
}  # 2+2+2+2+2+1+0+1+1+1 = 14: medium risk, closing in five months -> C


def answer_one(slack, sandbox, user: str, how: tuple[str, str] | str):  # noqa: ANN001, ANN201
    if isinstance(how, str):
        return slack.dm(user, how)
    kind, value = how
    if kind == "skip":  # the rep does not know yet: to find out
        msg = current_question(sandbox, user)
        return slack.click(user, msg, "q_skip")
    if kind == "click":
        return click_answer(slack, sandbox, user, value)
    if kind == "date":
        return slack.click(user, current_question(sandbox, user), "q_date", selected_date=value)
    return slack.dm(user, value)


def run_script(slack, sandbox, user: str, script: dict, *, limit: int = 40) -> list[str]:  # noqa: ANN001
    """Answer every question asked, in order, until no question is open; returns the keys asked."""
    asked: list[str] = []
    for _ in range(limit):
        open_q = [
            m for m in question_messages(sandbox, user) if m.blocks and m.blocks[0].get("type") == "header"
        ]
        if not open_q:
            return asked
        key = question_key(open_q[-1])
        assert key not in asked, f"{key} asked twice: {asked}"
        asked.append(key)
        reply = answer_one(slack, sandbox, user, script[key])
        assert reply.status == 200, reply.text
    raise AssertionError(f"interview did not end: {asked}")
