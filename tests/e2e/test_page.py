"""The sandbox page in headless Chromium: Block Kit and mrkdwn rendered safely, the demo team from the
page, App Home buttons and modal errors going the real way to the bot, both languages."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlmodel import select

from sandbox.server import SandboxServer
from storage.models import Deal
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BOT_TOKEN = SandboxServer.__init__.__kwdefaults__["bot_token"]

EVERY_BLOCK = [
    {"type": "header", "text": {"type": "plain_text", "text": "Wenzhou Hotel — heating"}},
    {
        "type": "section",
        "block_id": "s1",
        "text": {
            "type": "mrkdwn",
            "text": "*bold* _italic_ ~gone~ `code` <https://example.com/x|a link> <@U0REP1> <#C0MANAGERS>\n"
            "second line &lt;b&gt;not bold&lt;/b&gt; <img src=x onerror=window.__xss=1>",
        },
        "fields": [{"type": "mrkdwn", "text": "*Stage*\n3/6"}, {"type": "mrkdwn", "text": "*Grade*\nA"}],
        "accessory": {
            "type": "button",
            "action_id": "x_open",
            "text": {"type": "plain_text", "text": "Open"},
        },
    },
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "small print :warning:"}]},
    {"type": "divider"},
    {"type": "image", "image_url": "https://example.com/chart.png", "alt_text": "funnel chart"},
    {
        "type": "actions",
        "block_id": "a1",
        "elements": [
            {
                "type": "button",
                "action_id": "x_go",
                "style": "primary",
                "text": {"type": "plain_text", "text": "Go"},
                "value": "1",
            },
            {
                "type": "static_select",
                "action_id": "x_pick",
                "placeholder": {"type": "plain_text", "text": "Pick"},
                "options": [
                    {"text": {"type": "plain_text", "text": "One"}, "value": "1"},
                    {"text": {"type": "plain_text", "text": "Two"}, "value": "2"},
                ],
            },
            {
                "type": "overflow",
                "action_id": "x_more",
                "options": [{"text": {"type": "plain_text", "text": "Won"}, "value": "won"}],
            },
            {"type": "datepicker", "action_id": "x_date"},
        ],
    },
]


def test_block_kit_and_mrkdwn_render_safely(sandbox_app, browser_page):
    page, app = browser_page, sandbox_app
    api = f"{app.url}api/chat.postMessage"
    r = httpx.post(
        api,
        headers={"Authorization": f"Bearer {BOT_TOKEN}"},
        json={"channel": "U0REP2", "text": "fallback", "blocks": json.dumps(EVERY_BLOCK)},
    )
    assert r.json()["ok"], r.text
    page.goto(app.url)
    page.select_option("#user-switch", "U0REP2")
    page.click("#nav-dm")
    msg = page.locator("#conv .msg").last
    msg.locator(".blk-header").wait_for()
    assert msg.locator(".blk-header").inner_text() == "Wenzhou Hotel — heating"
    section = msg.locator(".blk-section .stext").first
    assert section.locator("b").first.inner_text() == "bold"
    assert section.locator("i").inner_text() == "italic" and section.locator("s").inner_text() == "gone"
    assert section.locator("code").inner_text() == "code"
    link = section.locator("a")
    assert link.inner_text() == "a link" and link.get_attribute("href") == "https://example.com/x"
    assert [m.inner_text() for m in section.locator(".mention").all()] == ["@Wang Li", "#sales-managers"]
    assert "<b>not bold</b>" in section.inner_text()  # Slack's escapes shown as text, not markup
    assert page.evaluate("window.__xss") is None and msg.locator("img[src=x]").count() == 0
    assert section.locator(".fields > div").all_inner_texts() == ["Stage\n3/6", "Grade\nA"]
    assert msg.locator('.blk-section button[data-action-id="x_open"]').inner_text() == "Open"
    assert "small print ⚠️" in msg.locator(".blk-context").inner_text()
    assert msg.locator("hr.blk-divider").count() == 1
    assert msg.locator(".blk-image img").get_attribute("alt") == "funnel chart"
    assert msg.locator("button.btn.primary").inner_text() == "Go"
    assert msg.locator('select[data-action-id="x_pick"] option').all_inner_texts() == ["Pick", "One", "Two"]
    msg.locator('button[aria-label="More actions"]').click()
    assert msg.locator(".overflow-menu button").inner_text() == "Won"
    assert msg.locator('input[type="date"][data-action-id="x_date"]').count() == 1
    # a click goes to the bot as a signed block_actions; no listener for this id: the page says so
    msg.locator("button.btn.primary").click()
    page.locator("#toast.show").wait_for()
    assert "the bot answered 404" in page.inner_text("#toast")
    page.screenshot(path=str(ARTIFACTS / "10-block-kit.png"))


def test_demo_team_app_home_card_and_modal_errors(sandbox_app, browser_page, app_db):
    page, app = browser_page, sandbox_app
    page.goto(app.url)
    page.click("#demo-data")
    page.locator("#toast", has_text="demo data loaded").wait_for()
    with app_db.session() as s:
        assert len(s.exec(select(Deal).where(Deal.team_id == "T0SANDBOX")).all()) == 14

    # Wang Li (zh-CN) sees App Home in Chinese; "Open" on a deal posts its card to her DM
    page.select_option("#user-switch", "U0REP1")
    page.click("#nav-home")
    home = page.locator("#home-view")
    home.locator("button", has_text="打开").first.wait_for()
    shown = home.inner_text()
    assert "今天需要你处理" in shown and "我的项目" in shown  # both of a rep's headings, in Chinese
    assert "*" not in shown  # every *bold* renders, also around a mention ("*<@U…>的计划 · …*")
    page.screenshot(path=str(ARTIFACTS / "11-app-home-zh.png"))
    home.locator("button", has_text="打开").first.click()
    page.click("#nav-dm")
    page.locator("#conv .msg .blk-header").last.wait_for()
    assert "阶段" in page.locator("#conv .msg").last.inner_text()

    # Sam's failed prospect can't advance without a reason: the reason is a required field (issue 17: its
    # checks are not met, so it is the only way forward), and its error shows on it
    page.select_option("#user-switch", "U0REP2")
    page.fill("#composer-input", "/deal advance chengdu")
    page.press("#composer-input", "Enter")
    modal = page.locator(".modal")
    modal.wait_for()
    modal.locator(".m-foot .btn.primary").click()
    error = modal.locator('[data-block-id="force_reason"] .err')
    error.filter(has_text="required").wait_for()
    page.screenshot(path=str(ARTIFACTS / "12-modal-error.png"))
    with app_db.session() as s:  # nothing changed
        assert s.exec(select(Deal).where(Deal.account == "Chengdu Food Group")).one().stage == "qualify"
    modal.locator(".m-foot .btn", has_text="Cancel").click()
    modal.wait_for(state="detached")


def test_the_composer_completes_mentions_and_invites_dealbot(sandbox_app, browser_page):
    page, app = browser_page, sandbox_app
    page.goto(app.url)
    page.select_option("#user-switch", "U0ADMIN")
    page.click("#nav-dm")
    composer = page.locator("#composer-input")
    # typing @ offers the workspace's people; choosing one inserts "@Real Name", as Slack's composer does
    composer.press_sequentially("/deal role @che")
    menu = page.locator("#mention-menu")
    menu.locator("li", has_text="Chen Jing").wait_for()
    composer.press("Enter")
    assert composer.input_value() == "/deal role @Chen Jing "
    composer.press_sequentially("manager @sa")
    menu.locator("li", has_text="Sam Carter").click()
    assert composer.input_value() == "/deal role @Chen Jing manager @Sam Carter "
    page.screenshot(path=str(ARTIFACTS / "13-mention-completion.png"))
    composer.press("Enter")  # /deal escapes mentions (manifest): the bot gets <@U0MGR|chen.jing> …
    page.locator("#conv .msg", has_text="@Chen Jing is now manager. Reps: @Sam Carter").wait_for()

    # /invite @dealbot in the private #deal-desk: Slack's own command adds the bot to the channel
    page.locator("#channel-list a", has_text="deal-desk").click()
    assert "dealbot is not in this channel" in page.inner_text("#conv-title")
    composer.press_sequentially("/invite @deal")
    composer.press("Enter")
    assert composer.input_value() == "/invite @dealbot "
    composer.press("Enter")
    page.locator("#conv .msg", has_text="has joined the channel").wait_for()
    assert "not in this channel" not in page.inner_text("#conv-title")
