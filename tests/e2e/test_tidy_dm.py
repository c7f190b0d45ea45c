"""Issue 17, a tidy DM, as a rep sees it in the browser sandbox (headless Chromium).

A full qualification interview leaves at most 3 bot messages in the DM (it is one message that asks each
question with the answers folded above it, then becomes the verdict, its answers a click away); a
verdict choice replaces its buttons with what was chosen, by whom and when; after advance → force →
check-in on one deal exactly one card of that deal has live buttons. Screenshots: artifacts/e2e/tidy-*.png.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from storage.models import Deal
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_browser_walk import answer_interview, as_user, register_deal, send, wait_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REP = "U0REP2"  # Sam Carter (en-US, New York)
T0 = "2026-11-03T15:00:00+00:00"  # Tuesday 10:00 in New York
ACCOUNT = "Wenzhou Hotel"

BOT_MESSAGES_JS = """() => [...document.querySelectorAll('#conv .msg.bot')].map(m => ({
  ts: m.dataset.ts, text: m.innerText,
  buttons: [...m.querySelectorAll('button[data-action-id]')].map(b => b.dataset.actionId)}))"""

LIVE_CARDS_JS = """id => [...document.querySelectorAll('#conv .msg')].filter(m =>
  m.querySelector(`[data-block-id="card_${id}"] button`)).length"""


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"tidy-{name}.png"), full_page=False)


def bot_messages(page, before: set[str]) -> list[dict]:
    """The bot's messages in the DM since ``before`` (a first-run welcome is not counted)."""
    return [
        m
        for m in page.evaluate(BOT_MESSAGES_JS)
        if m["ts"] not in before and not re.search(r"welcome|欢迎", m["text"], re.I)
    ]


def _folded(page, n: int) -> None:  # noqa: ANN001
    if n == 8:
        shot(page, "1-interview")  # one message: the answers so far folded above the question
        text = page.inner_text("#conv")
        assert "earlier answer" in text and text.count(f"Qualifying · {ACCOUNT}") == 1


def open_modal(page):
    modal = page.locator(".modal")
    modal.wait_for()
    return modal


def test_a_full_interview_and_a_deals_actions_leave_a_tidy_dm(sandbox_app, browser_page, app_db):
    page, app = browser_page, sandbox_app
    app.set_clock(T0)
    page.goto(app.url)
    as_user(page, REP)
    page.click("#nav-dm")
    before = {m["ts"] for m in page.evaluate(BOT_MESSAGES_JS)}

    # a full interview: at most 3 bot messages (here: one, the verdict)
    register_deal(page, f"{ACCOUNT} 3m", ACCOUNT, title="Hotel heating", close="2027-01-31")
    assert len(answer_interview(page, _folded)) >= 15
    wait_text(page, "Grade A")
    shown = bot_messages(page, before)
    assert 1 <= len(shown) <= 3, [m["text"][:80] for m in shown]
    assert "(edited)" not in "".join(m["text"] for m in shown if "Grade A" not in m["text"])
    verdict = page.locator("#conv .msg", has_text="Grade A").last
    shot(page, "2-verdict")

    # the transcript is a click away
    verdict.locator('button[data-action-id="q_transcript"]').click()
    modal = open_modal(page)
    assert "✓ Budget: ¥3,000,000" in modal.inner_text()
    shot(page, "3-answers")
    modal.locator(".m-foot .btn").first.click()
    modal.wait_for(state="detached")

    # a choice replaces the verdict's buttons with what was chosen, by whom and when
    verdict.locator('button[data-action-id="verdict_pursue"]').click()
    wait_text(page, "Pursue — chosen by")
    verdict = page.locator("#conv .msg", has_text="Grade A").last
    assert re.search(r"Pursue — chosen by @?Sam Carter, 3 Nov 2026 10:\d\d", verdict.inner_text())  # NY time
    assert verdict.locator("button[data-action-id]").evaluate_all(
        "bs => bs.map(b => b.dataset.actionId)"
    ) == ["q_transcript"]
    verdict.scroll_into_view_if_needed()
    shot(page, "4-chosen")
    with app_db.session() as s:
        deal_id = s.exec(select(Deal).where(Deal.account == ACCOUNT)).one().id

    # advance → force → check-in: the card the action came from is updated, never a second live card
    send(page, "/deal advance wenzhou")
    modal = open_modal(page)
    modal.locator('[data-block-id="what"] .el').fill("Graded A after the interview")
    modal.locator(".m-foot .btn.primary").click()
    modal.wait_for(state="detached")
    wait_text(page, "Now in: Map roles, build relationships")
    card = page.locator("#conv .msg", has=page.locator(f'[data-block-id="card_{deal_id}"]')).last
    card.locator('button[data-action-id="milestone_open"]').click()
    modal = open_modal(page)
    modal.locator('[data-block-id="force_reason"] .el').fill("The customer asked us to move on")
    modal.locator(".m-foot .btn.primary").click()
    modal.wait_for(state="detached")
    wait_text(page, "Advanced without the milestone")
    card.locator('button[data-action-id="checkin_open"]').click()
    modal = open_modal(page)
    modal.locator('[data-block-id="done"] .el').fill("Met the facilities head on site")
    modal.locator('[data-block-id="progress"] input[value="yes"]').check()
    modal.locator('[data-block-id="next_step"] .el').fill("Send the quote")
    modal.locator(".m-foot .btn.primary").click()
    modal.wait_for(state="detached")
    wait_text(page, "Check-in saved")
    assert page.evaluate(LIVE_CARDS_JS, deal_id) == 1
    assert "Send the quote" in card.inner_text() and "Advanced to Map roles" in page.inner_text("#conv")
    card.scroll_into_view_if_needed()
    shot(page, "5-one-card")
    with app_db.session() as s:
        assert s.get(Deal, deal_id).stage == "influence"
